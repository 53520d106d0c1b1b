"""Chooses the regression clips of the service's end-to-end test (src/test/resources/clips/): held-out clips
(synthesised development sentences, the held-out FSDD speaker) that the shipped model's deepest exit transcribes
exactly, shortest first. They pin the model's behaviour through the whole HTTP stack; the development-set WER
in the model card measures its quality."""
import argparse
import os
import shutil

import sentencepiece as spm
import torch

import export
import synth
import train


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--work", default=os.path.join(here, "work"))
    p.add_argument("--out", default=os.path.join(here, "..", "..", "src", "test", "resources", "clips"))
    p.add_argument("--per-split", type=int, default=3)
    p.add_argument("--min-words", type=int, default=1)
    a = p.parse_args()
    net, _ = export.load_checkpoint(os.path.join(a.work, "full.pt"))
    sp = spm.SentencePieceProcessor(model_file=os.path.join(a.work, "bpe.model"))
    os.makedirs(a.out, exist_ok=True)
    for stale in os.listdir(a.out):  # the clips of an earlier model may not hold for this one
        os.remove(os.path.join(a.out, stale))
    rows = []
    for split, min_words in (("dev_synth", max(a.min_words, 3)), ("dev_fsdd", 1)):
        folder = os.path.join(a.work, split)
        with open(os.path.join(folder, "transcripts.tsv")) as f:
            items = [line.rstrip("\n").split("\t") for line in f]
        items = [(n, t) for n, t in items if len(t.split()) >= min_words]
        items.sort(key=lambda r: os.path.getsize(os.path.join(folder, r[0])))
        found, seen = 0, set()
        for name, words in items:
            if words in seen:
                continue
            x = synth.read_wav(os.path.join(folder, name))
            feats = synth.features.log_mel(x)
            with torch.no_grad():
                out, lengths = net(feats.unsqueeze(0), torch.tensor([feats.shape[0]]), {len(net.layers)})
            if train.greedy_text(out[len(net.layers)][0], int(lengths[0]), sp) == words:
                target = f"{split.replace('dev_', '')}-{name}"
                shutil.copy(os.path.join(folder, name), os.path.join(a.out, target))
                rows.append((target, words))
                seen.add(words)
                found += 1
                if found == a.per_split:
                    break
    with open(os.path.join(a.out, "transcripts.tsv"), "w") as f:
        f.writelines(f"{n}\t{w}\n" for n, w in rows)
    print("\n".join(f"{n}\t{w}" for n, w in rows))


if __name__ == "__main__":
    main()
