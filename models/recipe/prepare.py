"""Prepares real corpora in their standard layouts as the recipe's data: WORK/data/NAME.pt with the log-mel features
(float16), normalised texts, keys and sources that synth.py writes, so that train.py and train_continuous.py read
them unchanged.

    python3 prepare.py librispeech ROOT [--name train_libri]      ROOT/<speaker>/<chapter>/<speaker>-<chapter>.trans.txt
                                                                  (lines "UTTID TEXT"), audio ROOT/.../UTTID.flac
    python3 prepare.py commonvoice ROOT --split train [--name ..]  ROOT/<split>.tsv (columns incl. path, sentence),
                                                                  audio ROOT/clips/<path> (MP3)
    python3 prepare.py merge train train_libri [...] --name train  one file from several, in order

Texts are normalised as text.normalise does for the synthesised data (lower-case letters, apostrophes, single spaces;
digits spelled out), after folding accents and typographic quotes; a transcript that cannot be read as such is left
out, and so is a clip that cannot be decoded, each reported. Audio is decoded by torchaudio, else by `sox`, else by
`ffmpeg` (MP3 through sox needs libsox-fmt-mp3, which setup.sh installs), mixed to mono and resampled to 16 kHz; clips
shorter than the front end's minimum are padded with silence, as synth.py and the service do. Decoding runs in
--workers processes (all cores by default).
"""
import argparse
import csv
import glob
import os
import shutil
import subprocess
import unicodedata
from multiprocessing import Pool

import numpy as np
import torch
import torchaudio
import torchaudio.functional as AF

import features
import synth
import text

SR = features.SAMPLE_RATE


def fold(line):
    """Typographic quotes to plain ones and accented letters to their base letters, before text.normalise."""
    line = line.replace("\u2018", "'").replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    decomposed = unicodedata.normalize("NFKD", line)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise(line):
    return text.normalise(fold(line))


def _decode_with(command):
    raw = subprocess.run(command, check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=300).stdout
    return torch.from_numpy(np.frombuffer(raw, np.int16).astype(np.float32) / 32768.0)


def load_audio(path):
    """Any file torchaudio, sox or ffmpeg can decode, as float samples in [-1, 1], mono, at 16 kHz."""
    try:
        x, rate = torchaudio.load(path)
        x = x.mean(dim=0)
        return AF.resample(x, rate, SR) if rate != SR else x
    except Exception as first:
        raw16 = ["-t", "raw", "-r", str(SR), "-c", "1", "-b", "16", "-e", "signed-integer"]
        for tool, command in (("sox", ["sox", path, *raw16, "-"]),
                              ("ffmpeg", ["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "s16le", "-ac", "1",
                                          "-ar", str(SR), "-"])):
            if shutil.which(tool):
                try:
                    return _decode_with(command)
                except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
                    continue
        raise RuntimeError(f"cannot decode {path}: {first}")


def refuse_development_sets(root):
    """Stops before reading a real development set (text.REAL_DEV_SETS, or a folder inside one) as training data."""
    here = os.path.realpath(root)
    for name in text.REAL_DEV_SETS:
        held_out = os.path.realpath(os.path.join(text.SHARED, "data", name))
        if here == held_out or here.startswith(held_out + os.sep):
            raise SystemExit(f"{root} is the development set {name}, which is never trained on")


def librispeech(root):
    """(key, audio path, raw transcript) for every utterance under a LibriSpeech split's folder, in key order."""
    items = []
    for trans in sorted(glob.glob(os.path.join(root, "*", "*", "*.trans.txt"))):
        folder = os.path.dirname(trans)
        with open(trans, encoding="utf-8") as f:
            for row in f:
                parts = row.strip().split(" ", 1)
                if len(parts) == 2:
                    items.append((parts[0], os.path.join(folder, parts[0] + ".flac"), parts[1]))
    return items


def commonvoice(root, split):
    """(key, audio path, raw sentence) for every row of ROOT/<split>.tsv, in the file's order."""
    items = []
    with open(os.path.join(root, split + ".tsv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            path, sentence = row.get("path"), row.get("sentence")
            if path and sentence is not None:
                items.append((os.path.splitext(path)[0], os.path.join(root, "clips", path), sentence))
    return items


def _job(item):
    key, path, line = item
    try:
        x = load_audio(path)
        if x.numel() < synth.MIN_SAMPLES:
            x = torch.cat([x, torch.zeros(synth.MIN_SAMPLES - x.numel())])
        # By value, as in synth.py: shared-memory tensors would hold a file descriptor each in the parent.
        return key, line, features.log_mel(x).to(torch.float16).numpy()
    except Exception as e:
        print(f"skip {key}: {e}", flush=True)
        return None


def build(items, source, out_path, workers, limit=0):
    """Normalises, decodes and writes one data file; returns its contents."""
    kept, unreadable = [], 0
    for key, path, raw in items:
        line = normalise(raw)
        if line is None:
            unreadable += 1
            continue
        kept.append((key, path, line))
    if limit:
        kept = kept[:limit]
    feats, texts, keys = [], [], []
    with Pool(workers) as pool:
        for i, r in enumerate(pool.imap(_job, kept, chunksize=4)):
            if r is not None:
                keys.append(r[0]), texts.append(r[1]), feats.append(torch.from_numpy(r[2]))
            if (i + 1) % 1000 == 0:
                print(f"{out_path}: {i + 1}/{len(kept)}", flush=True)
    data = {"feats": feats, "texts": texts, "keys": keys, "sources": [source] * len(feats)}
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    torch.save(data, out_path)
    hours = sum(f.shape[0] for f in feats) / 100 / 3600
    print(f"{out_path}: {len(feats)} utterances, {hours:.2f} h; left out {unreadable} transcripts that do not "
          f"normalise and {len(kept) - len(feats)} clips that do not decode", flush=True)
    return data


def merge(paths, out_path):
    data = {"feats": [], "texts": [], "keys": [], "sources": []}
    for path in paths:
        part = torch.load(path)
        n = len(part["feats"])
        for field in data:
            data[field].extend(part.get(field) or [os.path.basename(path)[:-3]] * n)
    torch.save(data, out_path)
    print(f"{out_path}: {len(data['feats'])} utterances from {len(paths)} files", flush=True)
    return data


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("corpus", choices=("librispeech", "commonvoice", "merge"))
    p.add_argument("root", nargs="+", help="the corpus's folder (for merge: the names in WORK/data to join)")
    p.add_argument("--split", default="train", help="Common Voice: which ROOT/<split>.tsv")
    p.add_argument("--name", default=None, help="writes WORK/data/NAME.pt (default: the corpus and split)")
    p.add_argument("--work", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "work"))
    p.add_argument("--workers", type=int, default=os.cpu_count())
    p.add_argument("--limit", type=int, default=0, help="at most this many utterances (0: all)")
    a = p.parse_args()
    data_dir = os.path.join(a.work, "data")
    if a.corpus == "merge":
        if not a.name:
            raise SystemExit("merge needs --name")
        merge([os.path.join(data_dir, n + ".pt") for n in a.root], os.path.join(data_dir, a.name + ".pt"))
        return
    if len(a.root) != 1:
        raise SystemExit(f"one corpus folder, not {len(a.root)}")
    root = a.root[0]
    refuse_development_sets(root)
    if a.corpus == "librispeech":
        items, name = librispeech(root), a.name or "librispeech_" + os.path.basename(os.path.normpath(root))
    else:
        items, name = commonvoice(root, a.split), a.name or "commonvoice_" + a.split
    if not items:
        raise SystemExit(f"no {a.corpus} utterances under {root}")
    build(items, a.corpus, os.path.join(data_dir, name.replace("-", "_") + ".pt"), a.workers, a.limit)


if __name__ == "__main__":
    main()
