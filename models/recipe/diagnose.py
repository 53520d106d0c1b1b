"""Quick checks behind figures and choices in the model card, on this machine and this data.

  python3 diagnose.py step               seconds per training step of the 12-layer model (one batch of 4000
                                         frames, all six exits, one thread): about 0.15-0.2 s with OpenBLAS; with
                                         Debian's reference BLAS (libblas3 alone) about 2 s
  python3 diagnose.py ratio 128 512      BPE pieces per output frame (8x subsampling) on the held-out sentences,
                                         for each vocabulary size; CTC needs well under 1
  python3 diagnose.py errors             the kinds of word errors (substituted, deleted, inserted words) at every
                                         exit of work/full.pt and in each baseline on the held-out sentences,
                                         the character error rate, and the word error rate on the half of the
                                         sentences with fewer and with more BPE pieces per output frame
  python3 diagnose.py tune A B ...       greedy WER and CTC loss of every exit of the checkpoints work/A.pt,
                                         work/B.pt, ... (by truncation, or with the layers a continuous
                                         training checkpoint's exits keep) on the tuning set (work/tune_synth: held-out sentences
                                         that are in no development set), how the recipe chooses between training
                                         variants without looking at the development sets
  python3 diagnose.py tune --sets real A ...
                                         the same on the real development sets (text.REAL_DEV_SETS: commonvoice-dev,
                                         mfa-spontaneous, librivox-dev in ../shared/data, never trained on), read
                                         once into work/data/real-NAME.pt; `--sets` takes any comma-separated
                                         work/data split names and real set names ("real": all three)
"""
import argparse
import glob
import os
import random
import statistics
import tempfile
import time

import sentencepiece as spm
import torch
import torch.nn.functional as F

import export
import features
import model as M
import prepare
import text
import train



def step_seconds(threads=1, steps=5):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = M.CtcEncoder(128)
    opt = torch.optim.AdamW(net.parameters(), lr=1e-4)
    x, lengths = torch.randn(10, 400, 80), torch.full((10,), 400)
    targets, target_lengths = torch.randint(1, 128, (200,)), torch.full((10,), 20)

    def one():
        outputs, out_lengths = net(x, lengths, {2, 4, 6, 8, 10, 12})
        loss = sum(F.ctc_loss(lp.transpose(0, 1), targets, out_lengths, target_lengths, reduction="sum")
                   for lp in outputs.values())
        opt.zero_grad()
        loss.backward()
        opt.step()

    one()
    start = time.perf_counter()
    for _ in range(steps):
        one()
    return (time.perf_counter() - start) / steps


def pieces_per_frame(work, vocab_size):
    split = train.load_split(work, "dev_synth")
    if vocab_size == 128:
        sp = spm.SentencePieceProcessor(model_file=os.path.join(work, "bpe.model"))
    else:
        prefix = os.path.join(tempfile.mkdtemp(), "bpe")
        spm.SentencePieceTrainer.train(input=os.path.join(work, "bpe.txt"), model_prefix=prefix,
                                       vocab_size=vocab_size, model_type="bpe", character_coverage=1.0, pad_id=0,
                                       pad_piece="<blank>", unk_id=1, bos_id=-1, eos_id=-1, minloglevel=2)
        sp = spm.SentencePieceProcessor(model_file=prefix + ".model")
    ratios = sorted(len(sp.encode(t)) / int(M.ConvSubsampling.output_lengths(torch.tensor(f.shape[0])))
                    for t, f in zip(split["texts"], split["feats"]))
    return statistics.mean(ratios), ratios[int(0.9 * len(ratios))], ratios[-1]


def error_kinds(ref, hyp):
    """(substitutions, deletions, insertions) of one minimal word alignment."""
    r, h = ref.split(), hyp.split()
    d = [[(j, 0, 0, j) for j in range(len(h) + 1)]]  # (cost, subs, dels, ins)
    for i in range(1, len(r) + 1):
        row = [(i, 0, i, 0)]
        for j in range(1, len(h) + 1):
            c, s, dl, n = d[i - 1][j - 1]
            options = [(c + (r[i - 1] != h[j - 1]), s + (r[i - 1] != h[j - 1]), dl, n)]
            c, s, dl, n = d[i - 1][j]
            options.append((c + 1, s, dl + 1, n))
            c, s, dl, n = row[j - 1]
            options.append((c + 1, s, dl, n + 1))
            row.append(min(options))
        d.append(row)
    return d[-1][-1][1:]


def spelled(line):
    """A line as space-separated characters, its spaces as "_": error_kinds on it counts character errors."""
    return " ".join(line.replace(" ", "_"))


@torch.no_grad()
def errors(work):
    sp = spm.SentencePieceProcessor(model_file=os.path.join(work, "bpe.model"))
    split = train.load_split(work, "dev_synth")
    feats, texts = split["feats"], split["texts"]
    models = [("full", os.path.join(work, "full.pt"))] + [
        (os.path.basename(p)[:-3], p) for p in sorted(glob.glob(os.path.join(work, "baseline*.pt")))]
    words = sum(len(t.split()) for t in texts)
    rates = [len(sp.encode(t)) / int(M.ConvSubsampling.output_lengths(torch.tensor(f.shape[0])))
             for t, f in zip(texts, feats)]
    by_rate = sorted(range(len(texts)), key=lambda i: rates[i])
    slow, fast = by_rate[: len(texts) // 2], by_rate[len(texts) // 2:]
    chars = sum(len(t) for t in texts)
    print("| model | exit | WER | substituted | deleted | inserted | CER | WER, pieces per frame up to the median "
          "| above it |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, path in models:
        net, _ = export.load_checkpoint(path)
        net.eval()
        depths = [2, 4, 6, 8, 10, 12] if name == "full" else [len(net.layers)]
        hyps = {d: [None] * len(texts) for d in depths}
        for idx in train.make_batches([f.shape[0] for f in feats], 12000, random.Random(0)):
            x, lengths = train.collate(feats, idx)
            outputs, out_lengths = net(x, lengths, set(depths))
            for j, i in enumerate(idx):
                for d in depths:
                    hyps[d][i] = train.greedy_text(outputs[d][j], int(out_lengths[j]), sp)
        for d in depths:
            kinds = [error_kinds(t, h) for t, h in zip(texts, hyps[d])]
            s, dl, n = (sum(k[c] for k in kinds) for c in range(3))
            cer = sum(sum(error_kinds(spelled(t), spelled(h))) for t, h in zip(texts, hyps[d])) / chars
            wer_of = [sum(sum(kinds[i]) for i in ids) / sum(len(texts[i].split()) for i in ids) for ids in (slow, fast)]
            print(f"| {name} | {d} | {(s + dl + n) / words:.1%} | {s / words:.1%} | {dl / words:.1%} | "
                  f"{n / words:.1%} | {cer:.1%} | {wer_of[0]:.1%} | {wer_of[1]:.1%} |")


def real_split(work, name):
    """A real development set as a split ({"feats", "texts"}), its features computed once and kept in
    work/data/real-NAME.pt; transcripts normalised as prepare.py normalises a corpus' (rows it cannot are left out).
    For measuring only: prepare.py refuses these folders as training data."""
    path = os.path.join(work, "data", f"real-{name}.pt")
    if os.path.exists(path):
        return torch.load(path)
    folder = os.path.join(text.SHARED, "data", name)
    feats, texts = [], []
    with open(os.path.join(folder, "transcripts.tsv"), encoding="utf-8") as f:
        for row in f:
            rel, _, raw = row.rstrip("\n").partition("\t")
            line = prepare.normalise(raw)
            if line:
                x = prepare.load_audio(os.path.join(folder, rel))
                feats.append(features.log_mel(x).to(torch.float16)), texts.append(line)
    split = {"feats": feats, "texts": texts}
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.save(split, path)
    return split


def evaluation_sets(work, names):
    out = []
    for name in names:
        for n in (text.REAL_DEV_SETS if name == "real" else [name]):
            out.append((n, real_split(work, n) if n in text.REAL_DEV_SETS else train.load_split(work, n)))
    return out


def tune(work, names, sets=("tune_synth",)):
    sp = spm.SentencePieceProcessor(model_file=os.path.join(work, "bpe.model"))
    for set_name, split in evaluation_sets(work, sets):
        print(f"{set_name}: {len(split['texts'])} utterances; greedy WER (CTC loss) per exit")
        for name in names:
            tune_one(work, name, split, sp)


def tune_one(work, name, split, sp):
    net, ckpt = export.load_checkpoint(os.path.join(work, name + ".pt"))
    if "exit_layers" in ckpt:  # continuous training's checkpoints: the exits it trains, the shipped layers
        exit_layers = {int(d): ids for d, ids in ckpt["exit_layers"].items()}
        res = {d: train.evaluate(net, split, sp, [len(ids)], layer_ids=ids)[len(ids)]
               for d, ids in sorted(exit_layers.items())}
    else:
        exits = [2, 4, 6, 8, 10, 12] if len(net.layers) == 12 else [len(net.layers)]
        res = train.evaluate(net, split, sp, exits)
    print(f"{name} (step {ckpt['step']}): " + ", ".join(f"{d}: {w:.1%} ({l:.1f})" for d, (w, l) in res.items()))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--work", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "work"))
    p.add_argument("check", choices=["step", "ratio", "errors", "tune"])
    p.add_argument("args", nargs="*", help="ratio: vocabulary sizes (default 128); tune: checkpoint names")
    p.add_argument("--sets", default="tune_synth", help="tune: comma-separated splits or real development sets")
    a = p.parse_intermixed_args()
    if a.check == "step":
        print(f"{step_seconds():.3f} s per training step (1 thread)")
    elif a.check == "errors":
        torch.set_num_threads(1)
        errors(a.work)
    elif a.check == "tune":
        torch.set_num_threads(1)
        tune(a.work, a.args or ["full"], a.sets.split(","))
    else:
        for v in [int(v) for v in a.args] or [128]:
            mean, p90, top = pieces_per_frame(a.work, v)
            print(f"{v} pieces: {mean:.2f} per output frame on average, p90 {p90:.2f}, max {top:.2f}")


if __name__ == "__main__":
    main()
