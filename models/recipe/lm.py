"""Builds the word language model the service's beam search fuses with the acoustic model (shallow fusion): a
3-gram back-off model, the static interpolation of two,

  * the recipe's own: modified Kneser-Ney (IRSTLM's `tlm -lm=msb`, from Debian) on the recipe's language-model text
    (text.split().lm: the training sentences whole, the generated digit strings, spellings, numbers and commands;
    never a development or tuning sentence), 31,016 words;
  * CMU Sphinx's generic US-English 3-gram (Debian's pocketsphinx-en-us, BSD-2, Copyright (c) Carnegie Mellon
    University; read out of its binary by cmulm.py), 71,698 words the acoustic model can spell,

mixed by interpolate.py with the recipe's model at weight --mix (chosen on work/tune_synth's text: `--report`
prints the perplexities), pruned with IRSTLM's `prune-lm` (weighted-difference pruning, back-off weights
recomputed) to fit the service, and written gzip-compressed as models/gearbox-en/lm.arpa.gz, named in
manifest.json with the fusion weights chosen on work/tune_synth with `DecodingBenchmark tune`.

IRSTLM gives <unk> the probability of the whole class of unseen words and leaves dividing it among them to
the reader (its `-dub` "dictionary upper bound"). This script does that division in the file, for a
dictionary of 10^6 words, so that any ARPA reader scores an unknown word as one rare word, not as a tenth of
all text. CMU's model has no <unk>: a word it lacks gets the probability of its rarest word, so in the mixture an
unknown word stays one rare word.
"""
import argparse
import contextlib
import gzip
import io
import json
import math
import os
import shutil
import subprocess
import tempfile

import cmulm
import interpolate
import text

TLM = "/usr/lib/irstlm/bin/tlm"
PRUNE = "/usr/lib/irstlm/bin/prune-lm"
DICTIONARY_UPPER_BOUND = 1_000_000
# Chosen on work/tune_synth (see the model card): the recipe model's weight in the interpolation, prune-lm's
# threshold, and the fusion weights the manifest gets.
MIX = 0.2
PRUNE_THRESHOLD = 2e-8
WEIGHT = 0.5
WORD_BONUS = 1.5


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


@contextlib.contextmanager
def _writer(path):
    """A text file, gzip-compressed when its name ends in .gz."""
    if not path.endswith(".gz"):
        with open(path, "w", encoding="utf-8") as out:
            yield out
        return
    # mtime=0: the same model gives the same bytes, so a rebuild does not change the shipped file needlessly.
    with open(path, "wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as packed, \
            io.TextIOWrapper(packed, encoding="utf-8") as out:
        yield out


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
    with open(arpa_in, encoding="utf-8") as f, _writer(arpa_out) as out:
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


def cmu_unknown_log10(cmu):
    """CMU's model has no <unk>: a word it lacks is scored as its rarest word."""
    return float(min(p for w, p in zip(cmu.words, cmu.uni_p) if w != "<s>"))


def prune(arpa_in, arpa_out, threshold):
    """IRSTLM's prune-lm: drops the 2- and 3-grams whose removal changes the model's probabilities, weighted by
    their context's, by less than `threshold`, and recomputes the back-off weights."""
    if threshold <= 0:
        shutil.copyfile(arpa_in, arpa_out)
        return
    run = subprocess.run([PRUNE, f"-t={threshold:g}", arpa_in, arpa_out], capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"prune-lm failed ({run.returncode}): {run.stdout[-2000:]}{run.stderr[-2000:]}")


def gzip_file(plain, packed):
    with open(plain, encoding="utf-8") as f, _writer(packed) as out:
        shutil.copyfileobj(f, out, 1 << 20)


def components(work, order, seed):
    """The recipe's model (with <unk> spread) and CMU's, as ARPA files in `work`; returns their paths."""
    lines = text.split(seed=seed).lm
    raw, recipe = os.path.join(work, "lm.arpa"), os.path.join(work, "lm-recipe.arpa")
    estimate(lines, order, raw)
    spread_unknown(raw, recipe)
    cmu = os.path.join(work, "lm-cmu.arpa")
    cmulm.write_arpa(cmulm.read_trie(), cmu)
    return lines, recipe, cmu


def report(work, recipe_path, cmu_path, mixes, thresholds):
    """Prints the tuning text's perplexity for each mixture weight, then for each pruning threshold at the first
    weight, with the model's size; and each development set's out-of-vocabulary rate against the old and new
    vocabularies."""
    here = os.path.dirname(os.path.abspath(__file__))
    sets = [os.path.join(here, "work", s) for s in ("tune_synth", "dev_synth", "dev_fsdd", "dev_an4")] + \
        [os.path.join(text.SHARED, "data", s) for s in text.REAL_DEV_SETS]

    def sentences(folder):
        with open(os.path.join(folder, "transcripts.tsv"), encoding="utf-8") as f:
            return [n for n in (text.normalise(line.rstrip("\n").split("\t", 1)[1]) for line in f) if n]

    tune = sentences(sets[0])
    recipe, cmu = interpolate.read_arpa(recipe_path), interpolate.read_arpa(cmu_path)
    unknown = cmu_unknown_log10(cmu)
    print(f"\ntune_synth text: {len(tune)} sentences, {sum(len(s.split()) + 1 for s in tune)} tokens (with </s>)\n")
    print("| recipe model's weight | perplexity |\n|---|---|")
    print(f"| 0 (CMU's alone) | {interpolate.perplexity(cmu, tune, unknown):.1f} |")
    for weight in mixes:
        print(f"| {weight:g} | {interpolate.perplexity(interpolate.mix(recipe, cmu, weight, (None, unknown)), tune):.1f} |")
    print(f"| 1 (the recipe's alone) | {interpolate.perplexity(recipe, tune):.1f} |")

    mixed = interpolate.mix(recipe, cmu, mixes[0], (None, unknown))
    full = os.path.join(work, "lm-report-mixed.arpa")
    interpolate.write_arpa(mixed, full)
    print(f"\nweight {mixes[0]:g}, pruned with prune-lm:\n")
    print("| threshold | 2-grams | 3-grams | lm.arpa.gz MB | perplexity |\n|---|---|---|---|---|")
    for threshold in thresholds:
        pruned, packed = os.path.join(work, "lm-report-pruned.arpa"), os.path.join(work, "lm-report.arpa.gz")
        prune(full, pruned, threshold)
        gzip_file(pruned, packed)
        model = interpolate.read_arpa(pruned)
        _, bigrams, trigrams = model.counts()
        print(f"| {threshold:g} | {bigrams} | {trigrams} | {os.path.getsize(packed) / 1e6:.1f} | "
              f"{interpolate.perplexity(model, tune):.1f} |")
    for path in (full, pruned, packed):
        os.remove(path)

    old, new = set(recipe.words), set(mixed.words)
    print("\n| set | words | OOV, recipe's vocabulary | OOV, CMU's | OOV, mixed |\n|---|---|---|---|---|")
    for folder in sets:
        words = [w for s in sentences(folder) for w in s.split()]
        rates = [100 * sum(w not in v for w in words) / len(words) for v in (old, set(cmu.words), new)]
        print(f"| {os.path.basename(folder)} | {len(words)} | " + " | ".join(f"{r:.1f}%" for r in rates) + " |")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--work", default=os.path.join(here, "work"))
    p.add_argument("--model", default=os.path.join(here, "..", "gearbox-en"))
    p.add_argument("--order", type=int, default=3)
    p.add_argument("--seed", type=int, default=1, help="the seed synth.py split the text with")
    p.add_argument("--mix", type=float, default=MIX, help="the recipe model's weight in the interpolation")
    p.add_argument("--prune", type=float, default=PRUNE_THRESHOLD, help="prune-lm's threshold (0: none)")
    p.add_argument("--weight", type=float, default=WEIGHT, help="the LM's weight in the beam search's score")
    p.add_argument("--word-bonus", type=float, default=WORD_BONUS,
                   help="added to the score per word (natural log)")
    p.add_argument("--report", action="store_true",
                   help="print tune_synth's perplexity per --mixes and --thresholds and the sets' OOV rates; "
                        "writes no model")
    p.add_argument("--mixes", default="0.4,0.1,0.2,0.3,0.5,0.6,0.8")
    p.add_argument("--thresholds", default="0,1e-9,3e-9,1e-8,3e-8,1e-7")
    a = p.parse_args()
    os.makedirs(a.work, exist_ok=True)
    lines, recipe, cmu = components(a.work, a.order, a.seed)
    if a.report:
        report(a.work, recipe, cmu, [float(x) for x in a.mixes.split(",")],
               [float(x) for x in a.thresholds.split(",")])
        return
    first, second = interpolate.read_arpa(recipe), interpolate.read_arpa(cmu)
    mixed = os.path.join(a.work, "lm-mixed.arpa")
    interpolate.write_arpa(interpolate.mix(first, second, a.mix, (None, cmu_unknown_log10(second))), mixed)
    pruned = os.path.join(a.work, "lm-pruned.arpa")
    prune(mixed, pruned, a.prune)
    out = os.path.join(a.model, "lm.arpa.gz")
    gzip_file(pruned, out)
    counts = interpolate.read_arpa(pruned).counts()
    manifest_path = os.path.join(a.model, "manifest.json")
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
    manifest["language_model"] = {"file": "lm.arpa.gz", "order": a.order, "weight": a.weight,
                                  "word_bonus": a.word_bonus}
    with open(manifest_path, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"{len(lines)} lines, {sum(len(l.split()) for l in lines)} words of recipe text; mixed at {a.mix:g} with "
          f"CMU's model, pruned at {a.prune:g}: {counts[0]} words, {counts[1]} 2-grams, {counts[2]} 3-grams: "
          f"{out} ({os.path.getsize(out) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
