"""Smoke test of the whole recipe in well under a minute on a CPU: trains a tiny model with two exits for a few
steps on a handful of real recordings, exports it with the real exporter, and writes OUT/parity.json with
PyTorch's outputs for one input so that the service's ONNX Runtime path can be checked against them.

    /usr/bin/python3 models/recipe/smoke.py --out target/recipe-smoke
"""
import argparse
import json
import os
import random
import sys
import tempfile

import sentencepiece as spm
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export  # noqa: E402
import features  # noqa: E402
import model as M  # noqa: E402
import synth  # noqa: E402
import text  # noqa: E402
import train  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--out", required=True)
    p.add_argument("--steps", type=int, default=4)
    a = p.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(1)
    rng = random.Random(0)

    fsdd_train, _, an4_train, _ = synth.real_data()
    clips = rng.sample(fsdd_train, 12) + an4_train[:4]
    feats = [features.log_mel(synth.read_wav(path)) for _, (path, _) in clips]
    texts = [words for _, (_, words) in clips]

    with tempfile.TemporaryDirectory() as tmp:
        corpus = os.path.join(tmp, "corpus.txt")
        with open(corpus, "w") as f:
            f.writelines(t + "\n" for t in texts + [text.number_words(n) for n in range(200)])
        spm.SentencePieceTrainer.train(input=corpus, model_prefix=os.path.join(tmp, "bpe"), vocab_size=48,
                                       model_type="bpe", character_coverage=1.0, pad_id=0, pad_piece="<blank>",
                                       unk_id=1, bos_id=-1, eos_id=-1, num_threads=1, minloglevel=2)
        sp = spm.SentencePieceProcessor(model_file=os.path.join(tmp, "bpe.model"))

    net = M.CtcEncoder(sp.get_piece_size(), d_model=48, heads=4, ff=96, layers=4, stochastic_depth=0.2)
    stacked = torch.cat(feats)
    net.feat_mean.copy_(stacked.mean(0))
    net.feat_istd.copy_(1.0 / (stacked.std(0) + 1e-5))
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3)
    tokens = [torch.tensor(sp.encode(t)) for t in texts]
    for step in range(a.steps):
        x, lengths = train.collate(feats, list(range(len(feats))))
        outputs, out_lengths = net(x, lengths, {2, 4})
        losses = train.ctc_losses(outputs, out_lengths, torch.cat(tokens), torch.tensor([len(t) for t in tokens]))
        loss = 0.5 * losses[4] + 0.5 * losses[2]
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step + 1}: " + ", ".join(f"exit {d} loss {float(v):.2f}" for d, v in sorted(losses.items())))

    net.eval()
    exits = {2: [0, 1], 4: [0, 1, 2, 3]}
    export.export(net, sp, a.out, exits, "recipe-smoke")
    probe = torch.cat(feats)[:123]
    parity = {"features": probe.tolist(), "feature_lengths": [probe.shape[0]], "tolerance": 1e-4, "exits": {}}
    with torch.no_grad():
        for depth, layer_ids in exits.items():
            lp, out_len = M.Exit(net, layer_ids)(probe.unsqueeze(0), torch.tensor([probe.shape[0]]))
            parity["exits"][str(depth)] = {"log_probs": lp[0, : int(out_len[0])].tolist()}
    with open(os.path.join(a.out, "parity.json"), "w") as f:
        json.dump(parity, f)
    print(f"smoke model and parity data written to {a.out}")


if __name__ == "__main__":
    main()
