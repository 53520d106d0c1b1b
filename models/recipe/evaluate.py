"""Measures the trained model: greedy-decoding WER of every exit on every development set (held-out
synthesised sentences, the held-out FSDD speaker, the AN4 test files), for the exported layer choice and for
plain truncation, the separately trained baseline(s), and the CPU real-time factor of every exit in PyTorch
(one thread, one utterance at a time). Writes WORK/evaluation.json and prints markdown tables.
"""
import argparse
import glob
import json
import os
import time

import sentencepiece as spm
import torch

import export
import train

SPLITS = {"synth": "dev_synth", "fsdd": "dev_fsdd", "an4": "dev_an4"}


def wer_table(net, sp, splits, exit_layers):
    out = {d: {} for d in exit_layers}
    for short, split in splits.items():
        for d, layers in exit_layers.items():
            res = train.evaluate(net, split, sp, [len(layers)], layer_ids=layers)
            out[d][short] = round(res[len(layers)][0], 4)
    return out


@torch.no_grad()
def rtf(net, split, layer_ids, n=60):
    net.eval()
    feats = split["feats"][:n]
    seconds, spent = 0.0, 0.0
    for f in feats:
        x = f.float().unsqueeze(0)
        lengths = torch.tensor([f.shape[0]])
        start = time.perf_counter()
        net(x, lengths, {len(layer_ids)}, layer_ids)
        spent += time.perf_counter() - start
        seconds += f.shape[0] / 100
    return round(spent / seconds, 4)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--work", default=os.path.join(os.path.dirname(__file__), "work"))
    a = p.parse_args()
    torch.set_num_threads(1)
    sp = spm.SentencePieceProcessor(model_file=os.path.join(a.work, "bpe.model"))
    splits = {k: train.load_split(a.work, v) for k, v in SPLITS.items()}
    net, ckpt = export.load_checkpoint(os.path.join(a.work, "full.pt"))
    n = len(net.layers)
    depths = [2, 4, 6, 8, 10, 12]
    truncation = {d: list(range(d)) for d in depths}
    chosen = dict(truncation)
    sel_path = os.path.join(a.work, "selection.json")
    if os.path.exists(sel_path):
        with open(sel_path) as f:
            chosen.update({int(d): v for d, v in json.load(f)["chosen"].items()})
    result = {"train_seconds": round(ckpt["train_seconds"]), "train_audio_seconds": round(ckpt["audio_seconds"]),
              "steps": ckpt["step"], "layers": chosen}
    result["dev_wer_truncation"] = wer_table(net, sp, splits, truncation)
    greedy_depths = {d: chosen[d] for d in depths if chosen[d] != truncation[d]}
    result["dev_wer_greedy_subset"] = wer_table(net, sp, splits, greedy_depths) if greedy_depths else {}
    result["dev_wer"] = {d: (result["dev_wer_greedy_subset"].get(d) or result["dev_wer_truncation"][d])
                         for d in depths}
    result["rtf_torch_1thread"] = {d: rtf(net, splits["synth"], chosen[d]) for d in depths}
    result["parameters"] = {d: export.parameters_of(net, chosen[d]) for d in depths}
    result["baselines"] = {}
    for path in sorted(glob.glob(os.path.join(a.work, "baseline*.pt"))):
        base, bck = export.load_checkpoint(path)
        d = len(base.layers)
        result["baselines"][d] = {"dev_wer": wer_table(base, sp, splits, {d: list(range(d))})[d],
                                  "steps": bck["step"], "train_seconds": round(bck["train_seconds"]),
                                  "parameters": export.parameters_of(base, list(range(d))),
                                  "rtf_torch_1thread": rtf(base, splits["synth"], list(range(d)))}
    with open(os.path.join(a.work, "evaluation.json"), "w") as f:
        json.dump(result, f, indent=1)

    print("| depth | layers | parameters | WER synth | WER fsdd | WER an4 | RTF (PyTorch, 1 thread) |")
    print("|---|---|---|---|---|---|---|")
    for d in depths:
        w = result["dev_wer"][d]
        print(f"| {d} | {','.join(str(l + 1) for l in chosen[d])} | {result['parameters'][d]:,} | "
              f"{100 * w['synth']:.1f}% | {100 * w['fsdd']:.1f}% | {100 * w['an4']:.1f}% | "
              f"{result['rtf_torch_1thread'][d]} |")
    for d, b in result["baselines"].items():
        w, e = b["dev_wer"], result["dev_wer"][d]
        print(f"baseline depth {d} ({b['steps']} steps) vs exit {d} of the 12-layer model ({result['steps']} steps): synth {100 * w['synth']:.1f}% vs exit {100 * e['synth']:.1f}%; "
              f"fsdd {100 * w['fsdd']:.1f}% vs {100 * e['fsdd']:.1f}%; an4 {100 * w['an4']:.1f}% vs {100 * e['an4']:.1f}%")


if __name__ == "__main__":
    main()
