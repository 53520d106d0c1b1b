"""The ship step: turns a checkpoint of continuous training (train_continuous.py) into a candidate model folder,
measures it as the recipe measures the shipped model, and replaces models/gearbox-en only when the candidate is
better.

    python3 models/recipe/ship.py [--checkpoint PATH] [--run-dir DIR] [--out DIR] [--dry-run]
    python3 models/recipe/ship.py card       rewrite the model card's generated section from the shipped manifest

Steps:
1. The checkpoint: `--checkpoint`, or else the latest cycle end that train_continuous.py kept (RUN_DIR/cycle-NNN.pt: the
   learning rate at its floor, a settled model). RUN_DIR defaults to work/continuous.
2. Export into the candidate folder (`--out`, default RUN_DIR/candidate-NNNNNN by step) with export.py, keeping the
   shipped exits' layers (the manifest's `layers` per exit; `--selection FILE` takes layers.py's selection.json
   instead), the shipped `language_model` entry and lm.arpa.gz, and the shipped devset/; the version is the shipped
   one plus one, and `training` records the steps, training seconds and audio seconds behind the weights.
3. Measure every exit: greedy WER on work/dev_synth, dev_fsdd and dev_an4 with evaluate.py's code (`dev_wer`); then,
   through the service's Java path exactly as the end of run.sh does it, `DecodingBenchmark record` (the beam search
   with the language model: `dev_wer_lm`) and `ExitBenchmark -Drecord=true` (`encoder_rtf`), on the candidate.
4. Decide. Ship only when, at full depth, both the greedy `dev_wer.synth` and the `dev_wer_lm.synth` are lower than
   the shipped model's, and no exit is worse by more than one point (0.01) in `dev_wer` or `dev_wer_lm` on any of the
   gating sets (`--gate-sets`, default synth and fsdd; an4 has 12 reference words, one word is 8.3 points, so it is
   reported but does not gate).
5. Unless `--dry-run`: copy the candidate's graphs, weights, tokens and manifest over models/gearbox-en (each file
   written beside its target and renamed; lm.arpa.gz and devset/ stay the shipped ones), and regenerate the model
   card's section between the `ship.py` markers (training in all, every exit's WER). With `--dry-run` nothing outside
   the candidate folder changes: the card it would write is the candidate's README.md.
After a real ship, the service's regression clips are chosen anew for the new model (`clips.py`, run.sh's last
Python step) and the service's tests run again; ship.py prints that reminder.

Exit status: 0 when it shipped (or, with --dry-run, would ship), 3 when the candidate is not better.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import textwrap

import torch

import evaluate
import export
import model as M
import reconstruct
import train
import train_continuous as continuous

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
BEGIN, END = "<!-- ship.py: begin (generated, do not edit) -->", "<!-- ship.py: end -->"
NOT_BETTER = 3


def latest_cycle(run_dir):
    found = sorted(glob.glob(os.path.join(run_dir, "cycle-*.pt")))
    if not found:
        raise SystemExit(f"{run_dir} holds no cycle-NNN.pt yet: wait for a cycle's end, or pass "
                         f"--checkpoint {os.path.join(run_dir, continuous.CHECKPOINT)}")
    return found[-1]


def read_manifest(folder):
    with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as f:
        return json.load(f)


def training_totals(ckpt):
    base = ckpt["base"]
    return {"steps": base["steps"] + ckpt["step"],
            "train_seconds": round(base["train_seconds"] + ckpt["train_seconds"]),
            "audio_seconds": round(base["audio_seconds"] + ckpt["audio_seconds"])}


def maven(args, maven_args):
    command = [os.path.join(REPO, "mvnw"), *maven_args.split(), *args]
    print("+ " + " ".join(command), flush=True)
    subprocess.run(command, cwd=REPO, check=True)


def measure_with_java(candidate, maven_args):
    """run.sh's last two steps on the candidate: dev_wer_lm and encoder_rtf written into its manifest."""
    sets = " ".join(os.path.join(HERE, "work", s) for s in ("dev_synth", "dev_fsdd", "dev_an4"))
    maven(["test-compile", "exec:java", "-Dsmoke.skip", "-Dexec.classpathScope=test",
           "-Dexec.mainClass=io.gearbox.asr.bench.DecodingBenchmark", f"-Dexec.args=record {candidate} {sets}"],
          maven_args)
    maven(["exec:java", "-Dsmoke.skip", "-Dexec.classpathScope=test", "-Drecord=true",
           "-Dexec.mainClass=io.gearbox.asr.bench.ExitBenchmark",
           f"-Dexec.args={candidate} {os.path.join(candidate, 'devset')} 1 5"], maven_args)


def decide(shipped, candidate, gate_sets, tolerance=0.01):
    """(ship?, reasons): the rule of step 4 in the module's docstring, on two manifests."""
    old = {e["depth"]: e for e in shipped["exits"]}
    new = {e["depth"]: e for e in candidate["exits"]}
    if sorted(old) != sorted(new):
        return False, [f"the exits differ: {sorted(old)} shipped, {sorted(new)} in the candidate"]
    full = max(new)
    reasons = []
    for key in ("dev_wer", "dev_wer_lm"):
        if key not in new[full] or key not in old[full]:
            return False, [f"{key} is missing at depth {full}: the candidate was not measured"]
        if new[full][key]["synth"] >= old[full][key]["synth"]:
            reasons.append(f"full depth {key}.synth does not improve: {old[full][key]['synth']:.4f} shipped, "
                           f"{new[full][key]['synth']:.4f} now")
    for depth in sorted(new):
        for key in ("dev_wer", "dev_wer_lm"):
            for name in gate_sets:
                before, after = old[depth][key][name], new[depth][key][name]
                if after - before > tolerance + 1e-9:
                    reasons.append(f"exit {depth} {key}.{name} worse by {100 * (after - before):.1f} points "
                                   f"({before:.4f} -> {after:.4f})")
    return not reasons, reasons


def comparison_table(shipped, candidate):
    old = {e["depth"]: e for e in shipped["exits"]}
    sets = list(candidate["exits"][0]["dev_wer"])
    lines = ["| depth | " + " | ".join(f"greedy {s}" for s in sets) + " | " +
             " | ".join(f"beam + LM {s}" for s in sets) + " |", "|---|" + "---|" * (2 * len(sets))]
    for e in candidate["exits"]:
        cells = []
        for key in ("dev_wer", "dev_wer_lm"):
            for s in sets:
                before = old.get(e["depth"], {}).get(key, {}).get(s)
                after = e.get(key, {}).get(s)
                fmt = lambda v: "?" if v is None else f"{100 * v:.1f}%"
                cells.append(f"{fmt(before)} → {fmt(after)}")
        lines.append(f"| {e['depth']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def card_section(manifest):
    """The model card's generated section: training in all and every exit's WER, from one manifest."""
    t = continuous.base_totals(manifest)
    sets = list(manifest["exits"][0]["dev_wer"])
    source = ("the manifest's `training`" if "training" in manifest
              else "run.sh's two stages, above: this manifest predates its `training` entry")
    intro = (f"Model version {manifest['version']}: {t['steps']:,} training steps in all, "
             f"{t['train_seconds'] / 3600:.2f} hours of training on one CPU core, "
             f"{t['audio_seconds'] / 3600:,.0f} hours of audio seen ({source}). Word error rate per exit from "
             f"`manifest.json` (`dev_wer`: greedy, evaluate.py's code; `dev_wer_lm`: beam search with the language "
             f"model, `DecodingBenchmark record`), written by `python3 models/recipe/ship.py` (or `ship.py card`):")
    lines = [BEGIN, *textwrap.wrap(intro, 118), "",
             "| depth | layers | " + " | ".join(f"greedy {s}" for s in sets) + " | " +
             " | ".join(f"beam + LM {s}" for s in sets) + " |",
             "|---|---|" + "---|" * (2 * len(sets))]
    for e in manifest["exits"]:
        cells = [f"{100 * e['dev_wer'][s]:.1f}%" for s in sets]
        cells += [f"{100 * e['dev_wer_lm'][s]:.1f}%" if "dev_wer_lm" in e else "?" for s in sets]
        lines.append(f"| {e['depth']} | {','.join(str(l + 1) for l in e['layers'])} | " + " | ".join(cells) + " |")
    lines.append(END)
    return "\n".join(lines)


def with_card_section(card, section):
    if BEGIN not in card or END not in card:
        raise SystemExit(f"the model card has no '{BEGIN}' ... '{END}' section to rewrite")
    head, rest = card.split(BEGIN, 1)
    return head + section + rest.split(END, 1)[1]


def replace_file(src, dst):
    tmp = dst + ".ship-tmp"
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


def install(candidate, model_dir):
    """Copies the candidate's exported files over the shipped folder; lm.arpa.gz and devset/ stay."""
    shipped = read_manifest(model_dir)
    manifest = read_manifest(candidate)
    manifest["language_model"] = shipped["language_model"]  # the shipped entry at the moment of shipping
    with open(os.path.join(candidate, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")
    files = [e["file"] for e in manifest["exits"]] + [manifest["weights"], manifest["vocabulary"]]
    for name in files:
        replace_file(os.path.join(candidate, name), os.path.join(model_dir, name))
    for stale in set(e["file"] for e in shipped["exits"]) - set(files):
        os.remove(os.path.join(model_dir, stale))
    replace_file(os.path.join(candidate, "manifest.json"), os.path.join(model_dir, "manifest.json"))
    return manifest


def rewrite_card(model_dir, manifest, out_path):
    with open(os.path.join(model_dir, "README.md"), encoding="utf-8") as f:
        card = f.read()
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(with_card_section(card, card_section(manifest)))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", nargs="?", choices=("ship", "card"), default="ship")
    p.add_argument("--work", default=os.path.join(HERE, "work"))
    p.add_argument("--run-dir", default=None, help="train_continuous.py's folder (default WORK/continuous)")
    p.add_argument("--checkpoint", default=None, help="default: the latest RUN_DIR/cycle-NNN.pt")
    p.add_argument("--model", default=os.path.join(HERE, "..", "gearbox-en"), help="the shipped folder")
    p.add_argument("--out", default=None, help="the candidate folder (default RUN_DIR/candidate-<step>)")
    p.add_argument("--selection", default=None, help="layers.py's selection.json instead of the shipped layers")
    p.add_argument("--gate-sets", default="synth,fsdd")
    p.add_argument("--maven-args", default="-q", help="options before the goals, e.g. '-q -o' offline")
    p.add_argument("--skip-java", action="store_true", help="greedy figures only; then it cannot decide")
    p.add_argument("--dry-run", action="store_true", help="change nothing outside the candidate folder")
    a = p.parse_args()
    torch.set_num_threads(1)
    shipped = read_manifest(a.model)
    if a.mode == "card":
        rewrite_card(a.model, shipped, os.path.join(a.model, "README.md"))
        print(card_section(shipped))
        return 0
    run_dir = a.run_dir or os.path.join(a.work, "continuous")
    ckpt_path = a.checkpoint or latest_cycle(run_dir)
    ckpt = torch.load(ckpt_path, map_location="cpu")
    net = M.CtcEncoder(**ckpt["config"])
    net.load_state_dict(ckpt["state"])
    net.eval()
    exit_layers = reconstruct.exit_layers(shipped)
    if a.selection:
        with open(a.selection) as f:
            exit_layers.update({int(d): v for d, v in json.load(f)["chosen"].items()})
    candidate = os.path.abspath(a.out or os.path.join(run_dir, f"candidate-{ckpt['step']:06d}"))
    if os.path.exists(candidate) and os.listdir(candidate):
        raise SystemExit(f"{candidate} is not empty")
    print(f"{ckpt_path}: step {ckpt['step']} of continuous training -> {candidate}", flush=True)

    sp = reconstruct.tokenizer(a.model, a.work, run_dir)
    splits = {k: train.load_split(a.work, v) for k, v in evaluate.SPLITS.items()}
    dev_wer = evaluate.wer_table(net, sp, splits, exit_layers)
    extra = {"version": str(int(shipped["version"]) + 1), "training": training_totals(ckpt),
             "language_model": shipped["language_model"]}
    export.export(net, sp, candidate, exit_layers, shipped["name"], dev_wer, extra)
    shutil.copyfile(os.path.join(a.model, shipped["language_model"]["file"]),
                    os.path.join(candidate, shipped["language_model"]["file"]))
    shutil.copytree(os.path.join(a.model, "devset"), os.path.join(candidate, "devset"))
    if not a.skip_java:
        measure_with_java(candidate, a.maven_args)
    manifest = read_manifest(candidate)

    print("\nshipped → candidate, every exit (development sets):\n")
    print(comparison_table(shipped, manifest))
    ok, reasons = decide(shipped, manifest, a.gate_sets.split(","))
    print()
    print(("SHIP" if ok else "KEEP the shipped model") + (": " + "; ".join(reasons) if reasons else
                                                           ": full depth improves and no exit is worse by a point"))
    rewrite_card(a.model, manifest, os.path.join(candidate, "README.md"))
    if ok and not a.dry_run:
        install(candidate, a.model)
        rewrite_card(a.model, read_manifest(a.model), os.path.join(a.model, "README.md"))
        print(f"\nshipped into {a.model}. Next: choose the service's regression clips for it (run.sh's clips.py "
              f"step) and run the service's tests.")
    elif ok:
        print(f"\n--dry-run: {a.model} is unchanged; the card it would write is {candidate}/README.md")
    print("\n" + card_section(manifest))
    return 0 if ok else NOT_BETTER


if __name__ == "__main__":
    sys.exit(main())
