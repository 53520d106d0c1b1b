"""Builds the word language model the service's beam search fuses with the acoustic model (shallow fusion):
a 3-gram back-off model with modified Kneser-Ney smoothing (IRSTLM's `tlm -lm=msb`, from Debian), estimated on
the recipe's language-model text (text.split().lm: the training sentences whole, the generated digit strings,
spellings, numbers and commands; never a development or tuning sentence), written gzip-compressed as
models/gearbox-en/lm.arpa.gz and named in manifest.json.

IRSTLM gives <unk> the probability of the whole class of unseen words and leaves dividing it among them to
the reader (its `-dub` "dictionary upper bound"). This script does that division in the file, for a
dictionary of 10^6 words, so that any ARPA reader scores an unknown word as one rare word, not as a tenth of
all text.
"""
import argparse
import gzip
import io
import json
import math
import os
import subprocess
import tempfile

import text

TLM = "/usr/lib/irstlm/bin/tlm"
DICTIONARY_UPPER_BOUND = 1_000_000


def estimate(lines, order, arpa_path):
    with tempfile.TemporaryDirectory() as tmp:
        corpus = os.path.join(tmp, "lm.txt")
        with open(corpus, "w", encoding="utf-8") as f:
            for line in lines:
                f.write(f"<s> {line} </s>\n")
        run = subprocess.run([TLM, f"-tr={corpus}", f"-n={order}", "-lm=msb", f"-o={arpa_path}"],
                             capture_output=True, text=True)
        if run.returncode != 0:
            raise RuntimeError(f"tlm failed ({run.returncode}): {run.stdout[-2000:]}{run.stderr[-2000:]}")


def spread_unknown(arpa_in, arpa_out):
    """Rewrites <unk>'s unigram log10 probability as that of one word among the unseen ones."""
    vocabulary = 0
    with open(arpa_in, encoding="utf-8") as f:
        for line in f:
            fields = line.replace("=", " ").split()
            if fields[:2] == ["ngram", "1"]:
                vocabulary = int(fields[2])
                break
    penalty = math.log10(DICTIONARY_UPPER_BOUND - vocabulary)
    section, rewritten = None, 0
    # mtime=0: the same model gives the same bytes, so a rebuild does not change the shipped file needlessly.
    with open(arpa_in, encoding="utf-8") as f, open(arpa_out, "wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as packed, \
            io.TextIOWrapper(packed, encoding="utf-8") as out:
        for line in f:
            if line.startswith("\\") and line.rstrip().endswith("-grams:"):
                section = line.strip()
            fields = line.rstrip("\n").split("\t")
            if section == "\\1-grams:" and len(fields) >= 2 and fields[1] == "<unk>":
                fields[0] = f"{float(fields[0]) - penalty:.6f}"
                line = "\t".join(fields) + "\n"
                rewritten += 1
            out.write(line)
    if rewritten != 1:
        raise SystemExit(f"expected one <unk> unigram in {arpa_in}, found {rewritten}")
    return vocabulary


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--work", default=os.path.join(here, "work"))
    p.add_argument("--model", default=os.path.join(here, "..", "gearbox-en"))
    p.add_argument("--order", type=int, default=3)
    p.add_argument("--seed", type=int, default=1, help="the seed synth.py split the text with")
    p.add_argument("--weight", type=float, default=0.5, help="the LM's weight in the beam search's score")
    p.add_argument("--word-bonus", type=float, default=2.0, help="added to the score per word (natural log)")
    a = p.parse_args()
    os.makedirs(a.work, exist_ok=True)
    lines = text.split(seed=a.seed).lm
    arpa = os.path.join(a.work, "lm.arpa")
    estimate(lines, a.order, arpa)
    out = os.path.join(a.model, "lm.arpa.gz")
    vocabulary = spread_unknown(arpa, out)
    manifest_path = os.path.join(a.model, "manifest.json")
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
    manifest["language_model"] = {"file": "lm.arpa.gz", "order": a.order, "weight": a.weight,
                                  "word_bonus": a.word_bonus}
    with open(manifest_path, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"{len(lines)} lines, {sum(len(l.split()) for l in lines)} words, {vocabulary} unigrams: "
          f"{out} ({os.path.getsize(out) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
