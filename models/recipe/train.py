"""Trains the Transformer-CTC encoder with intermediate CTC at every exit and stochastic depth.

Loss = (1 - w) * CTC(final layer) + w * mean over the other exits k of CTC(layer k), every exit through the
shared final LayerNorm and CTC head (Lee & Watanabe, ICASSP 2021). `--exits 6 --inter-weight 0` trains a
plain model of that depth (the baseline). Logs the loss of every exit; checkpoints to WORK/<name>.pt.

Scaling out (all off by default, where the recipe is what shipped):
- `--size tiny|small|base` (model.SIZES): the shipped width (tiny, the default), about 15M or about 38M parameters.
- `--bf16`: the forward pass under torch.autocast in bfloat16 (on CUDA, or on the CPU where it is supported); the
  log-probabilities and the CTC loss stay in float32.
- Several processes, one per GPU (or CPU processes), started by torchrun:
      python3 -m torch.distributed.run --nproc_per_node=N train.py --device cuda ...
  DistributedDataParallel over NCCL on CUDA and gloo on the CPU. Every rank draws the same batches and trains on its
  own share of them (rank r takes batches r, r + N, ...), so one step sees N batches of up to --max-frames each
  and a pass over the data takes 1/N of the steps. Dropout, stochastic depth and SpecAugment draw from each rank's
  own seed. The time budget is rank 0's clock, shared every step, so that all ranks stop together and follow the
  same learning rate. Only rank 0 logs, evaluates and saves; at the end it checks that every replica holds the same
  weights and logs the largest difference.
"""
import argparse
import json
import math
import os
import random
import sys
import time

import sentencepiece as spm
import torch
import torch.distributed as dist
import torch.nn.functional as F

import model as M
import text
import voices

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


class Distributed:
    """The process group torchrun asks for (WORLD_SIZE > 1 in the environment), or a single process."""

    def __init__(self, device):
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        self.local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        self.device = device
        if self.world > 1:
            cuda = device.startswith("cuda")
            if cuda:
                self.device = f"cuda:{self.local_rank}"
                torch.cuda.set_device(self.device)
            dist.init_process_group("nccl" if cuda else "gloo")

    @property
    def enabled(self):
        return self.world > 1

    def shard(self, batches):
        """This rank's share of a list of batches every rank holds alike: the same number of batches on every rank
        (a remainder of fewer than `world` batches is left out), so that all of them step together."""
        if not self.enabled:
            return batches
        return batches[: len(batches) - len(batches) % self.world][self.rank::self.world]

    def all_reduce(self, values, op=dist.ReduceOp.SUM):
        if not self.enabled:
            return list(values)
        t = torch.tensor(values, dtype=torch.float64, device=self.device)
        dist.all_reduce(t, op=op)
        return t.tolist()

    def max_difference(self, net):
        """The largest absolute difference between rank 0's parameters and any rank's (0.0 on one process)."""
        if not self.enabled:
            return 0.0
        worst = 0.0
        for p in net.parameters():
            mine = p.detach().clone()
            reference = mine.clone()
            dist.broadcast(reference, 0)
            worst = max(worst, float((mine - reference).abs().max()))
        return self.all_reduce([worst], dist.ReduceOp.MAX)[0]

    def end(self):
        """Ends a process of the group once every rank is done. The process exits here, without Python's clean-up:
        torch 1.13's gloo process group can deadlock in its destructor (the destructor joins a worker thread that
        waits for the interpreter lock the destructor holds), leaving a finished rank hanging for ever."""
        if self.enabled:
            dist.barrier()
            sys.stdout.flush(), sys.stderr.flush()
            os._exit(0)


def autocast(device, enabled):
    """bfloat16 autocast on the device's type when enabled; a context that does nothing otherwise."""
    return torch.autocast(device_type=device.split(":")[0], dtype=torch.bfloat16, enabled=enabled)


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
    device = next(net.parameters()).device
    for idx in make_batches([f.shape[0] for f in feats], max_frames, random.Random(0)):
        x, lengths = collate(feats, idx)
        outputs, out_lengths = net(x.to(device), lengths.to(device), set(exits), layer_ids)
        targets = [torch.tensor(sp.encode(texts[i])) for i in idx]
        tl = torch.tensor([len(t) for t in targets])
        for d, v in ctc_losses(outputs, out_lengths, torch.cat(targets).to(device), tl.to(device)).items():
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
    p.add_argument("--size", choices=sorted(M.SIZES), default="tiny",
                   help="width preset (model.SIZES): tiny is the shipped model's, small about 15M, base about 38M "
                        "parameters; depth and exits as --layers and --exits say")
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
    p.add_argument("--device", default="cpu", help="cpu or cuda; under torchrun each rank takes cuda:LOCAL_RANK")
    p.add_argument("--bf16", action="store_true", help="bfloat16 autocast for the forward pass (CTC in float32)")
    p.add_argument("--max-minutes", type=float, default=0,
                   help="wall-clock budget; the cosine schedule runs over whichever of steps and minutes ends first")
    p.add_argument("--short-first-steps", type=int, default=300,
                   help="curriculum: the first steps see only utterances of at most --short-max-frames, unmasked")
    p.add_argument("--short-max-frames", type=int, default=300)
    p.add_argument("--init", default=None, help="start from this checkpoint's weights (fine-tuning)")
    p.add_argument("--dropout", type=float, default=0.1)
    p.add_argument("--no-spec-augment", action="store_true")
    p.add_argument("--conv-kernel", type=int, default=0,
                   help="a Conformer-style convolution module with this (odd) kernel in every layer; 0: none")
    p.add_argument("--voice-augment", type=float, default=0.0,
                   help="share of each batch's utterances given voices.py's real-voice augmentation (0: none)")
    p.add_argument("--eval-every", type=int, default=500)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    ddp = Distributed(a.device)
    device, rank0 = ddp.device, ddp.rank == 0
    torch.set_num_threads(a.threads)
    # Batches come from `rng`, alike on every rank; dropout, stochastic depth and SpecAugment from each rank's own
    # seeds (a single process draws everything from `rng` and the torch seed, as it always has).
    torch.manual_seed(a.seed + ddp.rank)
    rng = random.Random(a.seed)
    aug_rng = random.Random(a.seed * 1_000_003 + ddp.rank) if ddp.enabled else rng
    if ddp.enabled and rank0:
        train_tokenizer(a.work, a.vocab_size, a.seed)
    if ddp.enabled:
        dist.barrier()  # rank 0 writes the tokenizer when there is none yet; the others read it
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
    if rank0:
        print(f"training on {len(keep)}/{len(feats)} utterances, "
              f"{sum(feats[i].shape[0] for i in keep) / 360000:.2f} h"
              + (f", {ddp.world} processes" if ddp.enabled else ""), flush=True)

    net = M.CtcEncoder(sp.get_piece_size(), layers=a.layers, stochastic_depth=a.stochastic_depth, dropout=a.dropout,
                       subsampling=a.subsampling, conv_kernel=a.conv_kernel, **M.SIZES[a.size])
    if a.init:
        net.load_state_dict(torch.load(a.init, map_location="cpu")["state"])
    else:
        sample = torch.cat([feats[i].float() for i in keep[:3000]])
        net.feat_mean.copy_(sample.mean(0))
        net.feat_istd.copy_(1.0 / (sample.std(0) + 1e-5))
    net.to(device)
    # Under torchrun: the replicas start from rank 0's weights; a layer that stochastic depth skips has no gradient.
    model = torch.nn.parallel.DistributedDataParallel(
        net, find_unused_parameters=a.stochastic_depth > 0) if ddp.enabled else net
    opt = torch.optim.AdamW(net.parameters(), lr=a.lr, betas=(0.9, 0.98), weight_decay=0.01)
    budget_s = a.max_minutes * 60 if a.max_minutes > 0 else float("inf")
    shared_clock = [0.0]  # rank 0's elapsed seconds, shared every step under torchrun

    def elapsed():
        return shared_clock[0] if ddp.enabled else time.time() - started

    def progress(s):
        return min(1.0, max(s / a.steps, elapsed() / budget_s))

    schedule = lambda s: min(1.0, (s + 1) / a.warmup) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress(s))))
    mean = net.feat_mean.cpu()

    log_path = os.path.join(a.work, f"{a.name}.log.jsonl")
    log = open(log_path, "a") if rank0 else None
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
        batches = ddp.shard(make_batches([sub_feats[i].shape[0] for i in pool], a.max_frames, rng))
        if not batches:
            raise SystemExit(f"{len(pool)} utterances make fewer batches than the {ddp.world} processes")
        for batch in batches:
            if done() or (curriculum and step >= a.short_first_steps):
                break
            idx = [pool[j] for j in batch]
            if not curriculum and a.voice_augment > 0:  # each rank its own draws, as for SpecAugment
                gen = voices.generator(a.seed * 1_000_003 + ddp.rank, step)
                x, lengths = collate(voices.batch(sub_feats, idx, gen, a.voice_augment), range(len(idx)))
            else:
                x, lengths = collate(sub_feats, idx)
            if not curriculum and not a.no_spec_augment:
                x = spec_augment(x, lengths, mean, aug_rng)
            targets = torch.cat([sub_tokens[i] for i in idx])
            tl = torch.tensor([len(sub_tokens[i]) for i in idx])
            with autocast(device, a.bf16):
                outputs, out_lengths = model(x.to(device), lengths.to(device), set(exits))
            losses = ctc_losses(outputs, out_lengths, targets.to(device), tl.to(device))
            loss = intermediate_ctc_loss(losses, a.inter_weight)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 5.0)
            opt.step()
            if ddp.enabled:
                shared_clock[0] = ddp.all_reduce([time.time() - started if rank0 else 0.0], dist.ReduceOp.MAX)[0]
            sched.step()
            step += 1
            audio_seconds += float(lengths.sum()) / 100
            for d, v in losses.items():
                running[d] = 0.9 * running.get(d, float(v)) + 0.1 * float(v)
            if step % 25 == 0:
                seconds = time.time() - started
                heard = ddp.all_reduce([audio_seconds])[0]  # every rank's audio (a collective: all ranks call it)
                rec = {"step": step, "elapsed_s": round(seconds), "x_realtime": round(heard / seconds, 1),
                       "lr": sched.get_last_lr()[0], "loss": {str(d): round(v, 3) for d, v in sorted(running.items())}}
                if rank0:
                    print(json.dumps(rec), flush=True)
                    log.write(json.dumps(rec) + "\n"), log.flush()
            if step % a.eval_every == 0 or done():
                heard = ddp.all_reduce([audio_seconds])[0]
                if not rank0:
                    continue
                res = evaluate(net, dev, sp, exits)
                rec = {"step": step, "dev_synth": {str(d): {"wer": round(w, 4), "loss": round(l, 3)}
                                                     for d, (w, l) in res.items()}}
                print(json.dumps(rec), flush=True)
                log.write(json.dumps(rec) + "\n"), log.flush()
                torch.save({"config": net.config, "state": net.state_dict(), "step": step,
                            "train_seconds": time.time() - started, "audio_seconds": heard},
                           os.path.join(a.work, f"{a.name}.pt"))
    if ddp.enabled:
        difference = ddp.max_difference(net)
        if rank0:
            rec = {"step": step, "replicas": ddp.world, "max_parameter_difference": difference}
            print(json.dumps(rec), flush=True)
            log.write(json.dumps(rec) + "\n"), log.close()
        ddp.end()


if __name__ == "__main__":
    main()
