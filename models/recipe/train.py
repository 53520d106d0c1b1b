"""Trains the Transformer-CTC encoder with intermediate CTC at every exit and stochastic depth.

Loss = (1 - w) * CTC(final layer) + w * mean over the other exits k of CTC(layer k), every exit through the
shared final LayerNorm and CTC head (Lee & Watanabe, ICASSP 2021). `--exits 6 --inter-weight 0` trains a
plain model of that depth (the baseline). Logs the loss of every exit; checkpoints to WORK/<name>.pt.
"""
import argparse
import json
import math
import os
import random
import time

import sentencepiece as spm
import torch
import torch.nn.functional as F

import model as M
import text

BLANK = 0


def train_tokenizer(work, vocab_size, seed):
    prefix = os.path.join(work, "bpe")
    if not os.path.exists(prefix + ".model"):
        lines, _ = text.corpora(seed=seed)
        corpus = prefix + ".txt"
        with open(corpus, "w") as f:
            f.writelines(l + "\n" for l in lines)
        spm.SentencePieceTrainer.train(
            input=corpus, model_prefix=prefix, vocab_size=vocab_size, model_type="bpe", character_coverage=1.0,
            pad_id=0, pad_piece="<blank>", unk_id=1, bos_id=-1, eos_id=-1, num_threads=1, minloglevel=2)
    sp = spm.SentencePieceProcessor(model_file=prefix + ".model")
    if sp.get_piece_size() != vocab_size:
        raise SystemExit(f"{prefix}.model has {sp.get_piece_size()} pieces, not {vocab_size}: move it away to train "
                         f"another vocabulary (the shipped model and its checkpoints use this one)")
    return sp


def load_split(work, name):
    return torch.load(os.path.join(work, "data", name + ".pt"))


def make_batches(lengths, max_frames, rng):
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches, cur, longest = [], [], 0
    for i in order:
        longest2 = max(longest, lengths[i])
        if cur and longest2 * (len(cur) + 1) > max_frames:
            batches.append(cur)
            cur, longest2 = [], lengths[i]
        cur.append(i)
        longest = longest2
    if cur:
        batches.append(cur)
    rng.shuffle(batches)
    return batches


def collate(feats, idx):
    lengths = torch.tensor([feats[i].shape[0] for i in idx])
    x = torch.zeros(len(idx), int(lengths.max()), feats[idx[0]].shape[1])
    for j, i in enumerate(idx):
        x[j, : lengths[j]] = feats[i].float()
    return x, lengths


def spec_augment(x, lengths, mean, rng):
    """Two frequency masks of up to 12 bins, and about one time mask of up to 0.4 s per 3 s of audio."""
    for b in range(x.shape[0]):
        for _ in range(2):
            w = rng.randint(0, 12)
            f0 = rng.randint(0, x.shape[2] - w)
            x[b, :, f0:f0 + w] = mean[f0:f0 + w]
        n = int(lengths[b])
        for _ in range(max(1, n // 300)):
            w = rng.randint(0, min(40, n // 5))
            t0 = rng.randint(0, max(0, n - w))
            x[b, t0:t0 + w, :] = mean
    return x


def ctc_losses(outputs, out_lengths, targets, target_lengths):
    return {d: F.ctc_loss(lp.transpose(0, 1), targets, out_lengths, target_lengths, blank=BLANK, reduction="sum",
                          zero_infinity=True) / lp.shape[0] for d, lp in outputs.items()}


def intermediate_ctc_loss(losses, inter_weight):
    """(1 - w) * CTC(final exit) + w * the mean of the other exits' CTC losses; {depth: loss} in."""
    final = max(losses)
    inter = [losses[d] for d in losses if d != final]
    return (1 - inter_weight) * losses[final] + (inter_weight * sum(inter) / len(inter) if inter else 0)


def distillation_loss(outputs, out_lengths):
    """Layer-wise self-distillation: the mean over the shallower exits of KL(full depth || exit) summed over the
    frames inside each utterance, per utterance (ctc_losses' scale, so that a weight compares with inter_weight); the
    full depth's posteriors are the (fixed) teacher, as in distilling pruned models from the unpruned one.
    {depth: log_probs [B, T', V]} in."""
    final = max(outputs)
    teacher = outputs[final].detach()
    mask = (torch.arange(teacher.shape[1])[None, :] < out_lengths[:, None].to(teacher.device)).to(teacher.dtype)
    utterances = teacher.shape[0]
    shallow = [d for d in outputs if d != final]
    if not shallow:
        return teacher.new_zeros(())
    total = 0
    for d in shallow:
        kl = (teacher.exp() * (teacher - outputs[d])).sum(-1)
        total = total + (kl * mask).sum() / utterances
    return total / len(shallow)


def greedy_text(log_probs, length, sp):
    ids = log_probs[:length].argmax(-1).tolist()
    out, prev = [], None
    for i in ids:
        if i != prev and i != BLANK:
            out.append(i)
        prev = i
    return sp.decode(out)


def word_errors(ref, hyp):
    r, h = ref.split(), hyp.split()
    d = list(range(len(h) + 1))
    for i in range(1, len(r) + 1):
        prev, d[0] = d[0], i
        for j in range(1, len(h) + 1):
            cur = min(d[j] + 1, d[j - 1] + 1, prev + (r[i - 1] != h[j - 1]))
            prev, d[j] = d[j], cur
    return d[len(h)], len(r)


@torch.no_grad()
def evaluate(net, split, sp, exits, layer_ids=None, max_frames=12000):
    """Greedy-decoding WER and mean CTC loss per exit on one split: {depth: (wer, loss)}."""
    net.eval()
    errs = {d: 0 for d in exits}
    words = 0
    loss = {d: 0.0 for d in exits}
    feats, texts = split["feats"], split["texts"]
    for idx in make_batches([f.shape[0] for f in feats], max_frames, random.Random(0)):
        x, lengths = collate(feats, idx)
        outputs, out_lengths = net(x, lengths, set(exits), layer_ids)
        targets = [torch.tensor(sp.encode(texts[i])) for i in idx]
        tl = torch.tensor([len(t) for t in targets])
        for d, v in ctc_losses(outputs, out_lengths, torch.cat(targets), tl).items():
            loss[d] += float(v) * len(idx)
        for j, i in enumerate(idx):
            for d in exits:
                e, n = word_errors(texts[i], greedy_text(outputs[d][j], int(out_lengths[j]), sp))
                errs[d] += e
            words += len(texts[i].split())
    net.train()
    return {d: (errs[d] / max(1, words), loss[d] / len(feats)) for d in exits}


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--work", default=os.path.join(os.path.dirname(__file__), "work"))
    p.add_argument("--name", default="full")
    p.add_argument("--layers", type=int, default=12)
    p.add_argument("--exits", default="2,4,6,8,10,12")
    p.add_argument("--inter-weight", type=float, default=0.5)
    p.add_argument("--stochastic-depth", type=float, default=0.1)
    p.add_argument("--vocab-size", type=int, default=128)
    p.add_argument("--subsampling", type=int, default=8, choices=(4, 8),
                   help="time subsampling of the front end: 8 (80 ms per output frame) or 4 (40 ms)")
    p.add_argument("--steps", type=int, default=1500)
    p.add_argument("--max-frames", type=int, default=4000, help="padded feature frames per batch (100 per second)")
    p.add_argument("--lr", type=float, default=1.5e-3)
    p.add_argument("--warmup", type=int, default=150)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--device", default="cpu")
    p.add_argument("--max-minutes", type=float, default=0,
                   help="wall-clock budget; the cosine schedule runs over whichever of steps and minutes ends first")
    p.add_argument("--short-first-steps", type=int, default=300,
                   help="curriculum: the first steps see only utterances of at most --short-max-frames, unmasked")
    p.add_argument("--short-max-frames", type=int, default=300)
    p.add_argument("--init", default=None, help="start from this checkpoint's weights (fine-tuning)")
    p.add_argument("--dropout", type=float, default=0.1)
    p.add_argument("--no-spec-augment", action="store_true")
    p.add_argument("--eval-every", type=int, default=500)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)
    sp = train_tokenizer(a.work, a.vocab_size, a.seed)
    exits = sorted(int(e) for e in a.exits.split(","))
    final = max(exits)
    assert final == a.layers, "the deepest exit is the full model"

    train = load_split(a.work, "train")
    dev = load_split(a.work, "dev_synth")
    feats, texts = train["feats"], train["texts"]
    tokens = [torch.tensor(sp.encode(t)) for t in texts]
    keep = [i for i in range(len(feats)) if len(tokens[i]) > 0 and M.ConvSubsampling.output_lengths(
        torch.tensor(feats[i].shape[0]), a.subsampling) >= len(tokens[i])]
    print(f"training on {len(keep)}/{len(feats)} utterances, "
          f"{sum(feats[i].shape[0] for i in keep) / 360000:.2f} h", flush=True)

    net = M.CtcEncoder(sp.get_piece_size(), layers=a.layers, stochastic_depth=a.stochastic_depth, dropout=a.dropout,
                       subsampling=a.subsampling)
    if a.init:
        net.load_state_dict(torch.load(a.init, map_location="cpu")["state"])
    else:
        sample = torch.cat([feats[i].float() for i in keep[:3000]])
        net.feat_mean.copy_(sample.mean(0))
        net.feat_istd.copy_(1.0 / (sample.std(0) + 1e-5))
    net.to(a.device)
    opt = torch.optim.AdamW(net.parameters(), lr=a.lr, betas=(0.9, 0.98), weight_decay=0.01)
    budget_s = a.max_minutes * 60 if a.max_minutes > 0 else float("inf")

    def progress(s):
        return min(1.0, max(s / a.steps, (time.time() - started) / budget_s))

    schedule = lambda s: min(1.0, (s + 1) / a.warmup) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress(s))))
    mean = net.feat_mean.cpu()

    log_path = os.path.join(a.work, f"{a.name}.log.jsonl")
    log = open(log_path, "a")
    step, started, audio_seconds = 0, time.time(), 0.0
    sched = torch.optim.lr_scheduler.LambdaLR(opt, schedule)
    sub_feats = [feats[i] for i in keep]
    sub_tokens = [tokens[i] for i in keep]
    running = {}
    short = [i for i, f in enumerate(sub_feats) if f.shape[0] <= a.short_max_frames]
    done = lambda: step >= a.steps or progress(step) >= 1.0
    while not done():
        curriculum = step < a.short_first_steps
        pool = short if curriculum else list(range(len(sub_feats)))
        for batch in make_batches([sub_feats[i].shape[0] for i in pool], a.max_frames, rng):
            if done() or (curriculum and step >= a.short_first_steps):
                break
            idx = [pool[j] for j in batch]
            x, lengths = collate(sub_feats, idx)
            if not curriculum and not a.no_spec_augment:
                x = spec_augment(x, lengths, mean, rng)
            targets = torch.cat([sub_tokens[i] for i in idx])
            tl = torch.tensor([len(sub_tokens[i]) for i in idx])
            outputs, out_lengths = net(x.to(a.device), lengths.to(a.device), set(exits))
            losses = ctc_losses(outputs, out_lengths, targets.to(a.device), tl.to(a.device))
            loss = intermediate_ctc_loss(losses, a.inter_weight)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 5.0)
            opt.step()
            sched.step()
            step += 1
            audio_seconds += float(lengths.sum()) / 100
            for d, v in losses.items():
                running[d] = 0.9 * running.get(d, float(v)) + 0.1 * float(v)
            if step % 25 == 0:
                elapsed = time.time() - started
                rec = {"step": step, "elapsed_s": round(elapsed), "x_realtime": round(audio_seconds / elapsed, 1),
                       "lr": sched.get_last_lr()[0], "loss": {str(d): round(v, 3) for d, v in sorted(running.items())}}
                print(json.dumps(rec), flush=True)
                log.write(json.dumps(rec) + "\n"), log.flush()
            if step % a.eval_every == 0 or done():
                res = evaluate(net, dev, sp, exits)
                rec = {"step": step, "dev_synth": {str(d): {"wer": round(w, 4), "loss": round(l, 3)}
                                                     for d, (w, l) in res.items()}}
                print(json.dumps(rec), flush=True)
                log.write(json.dumps(rec) + "\n"), log.flush()
                torch.save({"config": net.config, "state": net.state_dict(), "step": step,
                            "train_seconds": time.time() - started, "audio_seconds": audio_seconds},
                           os.path.join(a.work, f"{a.name}.pt"))


if __name__ == "__main__":
    main()
