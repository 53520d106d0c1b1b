"""Which layers are safe to drop? Two analyses on the trained model (Lee, Kang, Watanabe 2021, section 4):

1. Linear CKA similarity between the outputs of every pair of layers on held-out speech: a layer whose output
   is nearly the same as its input adds little.
2. Greedy removal: starting from all layers, repeatedly drop the layer whose removal raises the CTC loss least
   on a selection set (clean training utterances, not the development sets: two thirds synthesised, one third the
   real FSDD and AN4 training recordings, so that the choice weighs real speakers too); this yields a subset per
   depth.

For each depth the subset is compared with plain truncation (the first k layers) by selection-set loss, and the
better one is chosen for export (WORK/selection.json). Development-set WER for both is reported by evaluate.py.
"""
import argparse
import json
import os
import random

import torch

import export
import train


def linear_cka(x, y):
    x = x - x.mean(0, keepdim=True)
    y = y - y.mean(0, keepdim=True)
    hsic = (x.T @ y).norm() ** 2
    return float(hsic / ((x.T @ x).norm() * (y.T @ y).norm()))


@torch.no_grad()
def layer_similarity(net, split, n=120):
    idx = list(range(min(n, len(split["feats"]))))
    x, lengths = train.collate(split["feats"], idx)
    states, out_lengths = net.hidden_states(x, lengths)
    mask = torch.arange(states[0].shape[1])[None, :] < out_lengths[:, None]
    flat = [s[mask].double() for s in states]
    return [[round(linear_cka(a, b), 3) for b in flat] for a in flat]


@torch.no_grad()
def selection_loss(net, batch, sp, layer_ids):
    x, lengths, targets, tl = batch
    outputs, out_lengths = net(x, lengths, {len(layer_ids)}, layer_ids)
    return float(train.ctc_losses(outputs, out_lengths, targets, tl)[len(layer_ids)])


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--work", default=os.path.join(os.path.dirname(__file__), "work"))
    p.add_argument("--selection-utterances", type=int, default=96)
    p.add_argument("--real-share", type=float, default=1 / 3, help="share of real recordings in the selection set")
    p.add_argument("--depths", default="2,4,6,8,10")
    a = p.parse_args()
    torch.set_num_threads(os.cpu_count())
    net, _ = export.load_checkpoint(os.path.join(a.work, "full.pt"))
    import sentencepiece as spm
    sp = spm.SentencePieceProcessor(model_file=os.path.join(a.work, "bpe.model"))
    tr = train.load_split(a.work, "train")
    clean = [i for i, k in enumerate(tr["keys"]) if k.startswith("tts")]
    real = [i for i, k in enumerate(tr["keys"]) if not k.startswith("tts") and k.endswith("-0")]  # unaugmented
    n_real = round(a.selection_utterances * a.real_share)
    rng = random.Random(5)
    idx = sorted(rng.sample(clean, a.selection_utterances - n_real) + rng.sample(real, n_real),
                 key=lambda i: tr["feats"][i].shape[0])
    x, lengths = train.collate(tr["feats"], idx)
    tokens = [torch.tensor(sp.encode(tr["texts"][i])) for i in idx]
    batch = (x, lengths, torch.cat(tokens), torch.tensor([len(t) for t in tokens]))

    similarity = layer_similarity(net, train.load_split(a.work, "dev_synth"))
    n_layers = len(net.layers)
    kept = list(range(n_layers))
    greedy = {n_layers: (list(kept), selection_loss(net, batch, sp, kept))}
    while len(kept) > 1:
        trials = [(selection_loss(net, batch, sp, [l for l in kept if l != r]), r) for r in kept]
        loss, removed = min(trials)
        kept.remove(removed)
        greedy[len(kept)] = (list(kept), loss)
        print(f"depth {len(kept)}: drop layer {removed + 1}, selection loss {loss:.3f}", flush=True)

    chosen, study = {n_layers: list(range(n_layers))}, {}
    for d in (int(v) for v in a.depths.split(",")):
        trunc = list(range(d))
        trunc_loss = selection_loss(net, batch, sp, trunc)
        subset, subset_loss = greedy[d]
        better = subset if subset_loss < trunc_loss else trunc
        chosen[d] = better
        study[d] = {"truncation": trunc, "truncation_loss": round(trunc_loss, 3), "greedy": subset,
                    "greedy_loss": round(subset_loss, 3), "chosen": "greedy" if better is subset else "truncation"}
        print(json.dumps({d: study[d]}), flush=True)
    with open(os.path.join(a.work, "selection.json"), "w") as f:
        json.dump({"chosen": {str(k): v for k, v in sorted(chosen.items())}, "study": study,
                   "cka": similarity, "selection_utterances": len(idx)}, f, indent=1)


if __name__ == "__main__":
    main()
