"""Copies a small held-out development set next to the shipped model (models/gearbox-en/devset/) as FLAC with a
transcripts.tsv, for the load benchmark and for anyone who wants to listen: held-out synthesised sentences,
clips of the held-out FSDD speaker, and the AN4 test files. Nothing here was used in training."""
import argparse
import os
import random
import subprocess

import text


def rows(folder):
    with open(os.path.join(folder, "transcripts.tsv"), encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--work", default=os.path.join(here, "work"))
    p.add_argument("--out", default=os.path.join(here, "..", "gearbox-en", "devset"))
    p.add_argument("--synth", type=int, default=40)
    p.add_argument("--fsdd", type=int, default=10)
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rng = random.Random(11)
    chosen = [("dev_synth", r) for r in rng.sample(rows(os.path.join(a.work, "dev_synth")), a.synth)]
    chosen += [("dev_fsdd", r) for r in rng.sample(rows(os.path.join(a.work, "dev_fsdd")), a.fsdd)]
    an4 = os.path.join(text.SHARED, "data", "an4")
    chosen += [("an4", [os.path.relpath(os.path.join(an4, rel), a.work), words])
               for rel, words in (r for r in rows(an4) if r[0].startswith("test_wav/"))]
    with open(os.path.join(a.out, "transcripts.tsv"), "w", encoding="utf-8") as tsv:
        for split, (name, words) in chosen:
            src = os.path.normpath(os.path.join(a.work, split if split != "an4" else "", name))
            dst = f"{split.replace('dev_', '')}-{os.path.basename(name)[:-4]}.flac"
            subprocess.run(["sox", "-R", src, "-r", "16000", "-b", "16", os.path.join(a.out, dst)], check=True)
            tsv.write(f"{dst}\t{words}\n")
    print(f"{len(chosen)} clips in {a.out}")


if __name__ == "__main__":
    main()
