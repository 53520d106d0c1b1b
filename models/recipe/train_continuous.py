"""Continuous training of the shipped model: an open-ended run that resumes wherever it stopped, for machines that
have training compute only in the background.

    models/recipe/continue.sh [options]          the same at nice 19 on one thread (the usual way to run it)
    /usr/bin/python3 models/recipe/train_continuous.py [--run-dir DIR] [--max-steps N] [--max-minutes M] ...

Where it starts. RUN_DIR/continuous.pt (default RUN_DIR: models/recipe/work/continuous) when it exists: weights,
AdamW's state, the step (which fixes the position in the learning-rate schedule), the position in the current pass
over the data, Python's and PyTorch's random states, and the cumulative training seconds and audio seconds. On a
machine without one it starts from the shipped model folder itself (models/gearbox-en, read back by
reconstruct.py: weights, feature normalisation and configuration) and from that model's training totals (the
manifest's `training`, which ship.py writes; for a manifest without one, the model card's figures for run.sh's two
stages; `--base-steps`, `--base-train-seconds` and `--base-audio-seconds` override them).

What it trains. The recipe's stage 2 but for the schedule and the distillation: intermediate CTC at every exit
(weight 0.5 over the intermediate exits), the shallower exits' self-distillation from the full depth (weight 0.5,
`--distill-weight`; 0 trains stage 2 unchanged), stochastic depth 0.1, no dropout, SpecAugment (train.spec_augment),
optionally voices.py's real-voice augmentation of the features (vocal-tract length, tempo, equalisation, a noise
floor) on a share `--voice-augment` of the utterances, drawn from (seed, step) and so again the same batches and
masks as a run without it; batches of up to
4000 padded frames, gradient clipping at 5, AdamW (0.9/0.98, weight decay 0.01), on work/data/train.pt (written by
synth.py). Each pass over the data is shuffled from (seed, pass number), so a resumed run sees the batches an
unbroken one would have seen. The distillation term (train.distillation_loss) draws no random numbers, so a run with
it sees the same batches and masks as one without, and the two compare at equal steps (the model card's comparison).

The learning-rate schedule: cosine warm restarts (SGDR, Loshchilov and Hutter 2017), in cycles of a fixed number
of steps (`--cycle-steps`, 10,000). Each cycle warms up linearly over `--warmup` steps (300, stage 2's) to its peak,
then follows a cosine down to `--floor` (5%, the recipe's) of that peak at the cycle's end. The first peak is
`--peak` (1e-3: the shipped stage 2's and the third stage's in the model card, which paid on the tuning set); each
later one is `--peak-decay` (0.7) times the previous, never below `--min-peak` (2e-4). Why this and not one cosine:
an open-ended run has no end for a single decay to aim at, while every cycle ends at a low learning rate, so each
cycle's last step is a settled model and a good point to export; a constant-then-decay schedule settles only when
someone decides to stop. Lower peaks later because each restart undoes part of the previous cycle's settling: the
first restarts explore, the later ones refine. At each cycle's end the weights are also kept as
RUN_DIR/cycle-NNN.pt (without the optimiser), which `ship.py` exports by default.

What it writes, all in RUN_DIR:
- continuous.pt, every `--save-minutes` (5) of wall time, at each cycle's end, at `--max-steps`/`--max-minutes`, and
  on SIGTERM or SIGINT (the current step is finished first; an evaluation in progress is abandoned). It is written
  to continuous.pt.tmp and renamed, so a kill at any moment leaves the previous checkpoint whole.
- continuous.log.jsonl: every 100 steps the learning rate, the running loss of each exit and the speed; every
  `--eval-minutes` (25) of training time, at the start of a fresh run and at each cycle's end, every exit's greedy
  WER and CTC loss on work/dev_synth, with the layers each exit ships with (the manifest's). That evaluation is
  for watching the run only; nothing in the schedule is chosen from it.
- bpe.model, only when WORK has none (reconstruct.tokenizer trains the recipe's tokenizer again and checks it
  against the shipped tokens.txt).

Training seconds count the time spent in training steps only (not evaluations or saves): the figure the model card
reports as training time.
"""
import argparse
import json
import math
import os
import random
import signal
import time

import torch

import model as M
import reconstruct
import train
import voices

CHECKPOINT = "continuous.pt"
LOG = "continuous.log.jsonl"
# run.sh's two stages, as the model card reports them: 16,000 + 14,000 steps, 3,786 + 3,365 s, about 1.14 million
# seconds of audio (work/stage1-full.log.jsonl, work/full.log.jsonl of the run that made the shipped weights).
SHIPPED_STEPS, SHIPPED_TRAIN_SECONDS, SHIPPED_AUDIO_SECONDS = 30000, 7151, 1.14e6


def learning_rate(step, peak, cycle_steps, warmup, floor, peak_decay, min_peak):
    """The learning rate of step `step` (0-based) under cosine warm restarts (see the module's docstring): a cycle's
    last step runs at exactly `floor` times its peak."""
    cycle, position = divmod(step, cycle_steps)
    top = max(min_peak, peak * peak_decay ** cycle)
    warm = min(1.0, (position + 1) / warmup) if warmup > 0 else 1.0
    return top * warm * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * position / max(1, cycle_steps - 1))))


def base_totals(manifest):
    """The exported model's training so far: its manifest's `training`, or run.sh's two stages without one."""
    return dict(manifest.get("training") or {"steps": SHIPPED_STEPS, "train_seconds": SHIPPED_TRAIN_SECONDS,
                                             "audio_seconds": SHIPPED_AUDIO_SECONDS})


def evaluate_exits(net, split, sp, exit_layers):
    """{depth: (greedy WER, mean CTC loss)} with each exit's own layers; the exits that are plain truncations are
    measured in one pass."""
    truncated = [d for d, ids in exit_layers.items() if list(ids) == list(range(d))]
    result = dict(train.evaluate(net, split, sp, truncated)) if truncated else {}
    for d, ids in exit_layers.items():
        if d not in result:
            result[d] = train.evaluate(net, split, sp, [len(ids)], layer_ids=ids)[len(ids)]
    return dict(sorted(result.items()))


def save_atomically(obj, path):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        torch.save(obj, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class _Stop(Exception):
    """Raised by the signal handler to abandon an evaluation (never a training step) when asked to stop."""


def parse_args(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--work", default=os.path.join(here, "work"), help="the recipe's work folder (data/, bpe.model)")
    p.add_argument("--run-dir", default=None, help="checkpoints and log (default WORK/continuous)")
    p.add_argument("--model", default=os.path.join(here, "..", "gearbox-en"),
                   help="the exported model to start from when RUN_DIR has no checkpoint")
    p.add_argument("--cycle-steps", type=int, default=10000)
    p.add_argument("--peak", type=float, default=1e-3)
    p.add_argument("--peak-decay", type=float, default=0.7)
    p.add_argument("--min-peak", type=float, default=2e-4)
    p.add_argument("--floor", type=float, default=0.05, help="the cycle's last learning rate, as a share of its peak")
    p.add_argument("--warmup", type=int, default=300)
    p.add_argument("--max-frames", type=int, default=4000)
    p.add_argument("--inter-weight", type=float, default=0.5)
    p.add_argument("--stochastic-depth", type=float, default=0.1)
    p.add_argument("--distill-weight", type=float, default=0.5,
                   help="weight of the shallower exits' self-distillation from the full depth (train."
                        "distillation_loss) added to the CTC loss (0.5 trained model version 6; 0: none)")
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--no-spec-augment", action="store_true")
    p.add_argument("--voice-augment", type=float, default=0.0,
                   help="share of each batch's utterances given voices.py's real-voice augmentation (0: none)")
    p.add_argument("--save-minutes", type=float, default=5.0)
    p.add_argument("--eval-minutes", type=float, default=25.0, help="of training time between evaluations")
    p.add_argument("--no-initial-eval", action="store_true", help="skip the evaluation at a fresh run's start")
    p.add_argument("--log-every", type=int, default=100)
    p.add_argument("--max-steps", type=int, default=0, help="stop (and save) after this many steps; 0: never")
    p.add_argument("--max-minutes", type=float, default=0, help="stop (and save) after this wall time; 0: never")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seed", type=int, default=4)
    p.add_argument("--base-steps", type=int, default=None, help="the starting model's training so far (default: "
                   "the manifest's `training`, or run.sh's two stages for a manifest without one)")
    p.add_argument("--base-train-seconds", type=float, default=None)
    p.add_argument("--base-audio-seconds", type=float, default=None)
    a = p.parse_args(argv)
    if a.run_dir is None:
        a.run_dir = os.path.join(a.work, "continuous")
    for name in ("cycle_steps", "max_frames"):
        if getattr(a, name) <= 0:
            raise SystemExit(f"--{name.replace('_', '-')} must be positive, was {getattr(a, name)}")
    if not 0 < a.min_peak <= a.peak or not 0 < a.peak_decay <= 1 or not 0 <= a.floor <= 1:
        raise SystemExit("need 0 < --min-peak <= --peak, 0 < --peak-decay <= 1 and 0 <= --floor <= 1")
    return a


def run(a):
    """Trains until --max-steps, --max-minutes or a signal; returns the step it stopped at."""
    torch.set_num_threads(a.threads)
    os.makedirs(a.run_dir, exist_ok=True)
    ckpt_path = os.path.join(a.run_dir, CHECKPOINT)
    sp = reconstruct.tokenizer(a.model, a.work, a.run_dir)
    resumed = os.path.exists(ckpt_path)
    if resumed:
        ckpt = torch.load(ckpt_path, map_location="cpu")
        net = M.CtcEncoder(**ckpt["config"])
        net.load_state_dict(ckpt["state"])
        exit_layers = {int(d): ids for d, ids in ckpt["exit_layers"].items()}
        source = ckpt["source"]
    else:
        net, manifest = reconstruct.load_exported(a.model, a.stochastic_depth, a.dropout)
        exit_layers = reconstruct.exit_layers(manifest)
        source = {"model": os.path.abspath(a.model), "version": manifest["version"]}
        base = base_totals(manifest)
        for key in ("steps", "train_seconds", "audio_seconds"):
            if getattr(a, "base_" + key) is not None:
                base[key] = getattr(a, "base_" + key)
        ckpt = {"step": 0, "epoch": 0, "batch": 0, "train_seconds": 0.0, "audio_seconds": 0.0,
                "evaluated_at": 0.0, "base": base}
    net.train()
    exits = sorted(exit_layers)
    final = max(exits)
    if final != len(net.layers):
        raise SystemExit(f"the deepest exit ({final}) must be the full model ({len(net.layers)} layers)")

    if not os.path.exists(os.path.join(a.work, "data", "train.pt")):
        raise SystemExit(f"{a.work}/data/train.pt is missing: synth.py writes it (see run.sh)")
    data = train.load_split(a.work, "train")
    dev = train.load_split(a.work, "dev_synth")
    feats = data["feats"]
    tokens = [torch.tensor(sp.encode(t)) for t in data["texts"]]
    factor = net.frontend.factor
    keep = [i for i in range(len(feats)) if len(tokens[i]) > 0 and M.ConvSubsampling.output_lengths(
        torch.tensor(feats[i].shape[0]), factor) >= len(tokens[i])]
    feats, tokens = [feats[i] for i in keep], [tokens[i] for i in keep]
    lengths = [f.shape[0] for f in feats]
    data_id = {"utterances": len(feats), "frames": sum(lengths)}
    if resumed and ckpt["data"] != data_id:
        print(f"the training data changed since the checkpoint ({ckpt['data']} -> {data_id}): "
              f"the passes from here on are shuffled over the new data", flush=True)

    opt = torch.optim.AdamW(net.parameters(), lr=a.peak, betas=(0.9, 0.98), weight_decay=0.01)
    if resumed:
        opt.load_state_dict(ckpt["optimizer"])
        rng = random.Random()
        rng.setstate(ckpt["python_rng"])
        torch.set_rng_state(ckpt["torch_rng"])
    else:
        rng = random.Random(a.seed)
        torch.manual_seed(a.seed)
    schedule = dict(peak=a.peak, cycle_steps=a.cycle_steps, warmup=a.warmup, floor=a.floor,
                    peak_decay=a.peak_decay, min_peak=a.min_peak)
    if resumed and ckpt["schedule"] != schedule:
        print(f"the schedule changed since the checkpoint ({ckpt['schedule']} -> {schedule}): "
              f"from step {ckpt['step']} on it follows the new one", flush=True)
    step, epoch, batch_pos = ckpt["step"], ckpt["epoch"], ckpt["batch"]
    train_seconds, audio_seconds, evaluated_at = ckpt["train_seconds"], ckpt["audio_seconds"], ckpt["evaluated_at"]
    base = ckpt["base"]
    mean = net.feat_mean.clone()
    log = open(os.path.join(a.run_dir, LOG), "a")

    def write(rec):
        print(json.dumps(rec), flush=True)
        log.write(json.dumps(rec) + "\n")
        log.flush()

    def state():
        return {"config": net.config, "state": net.state_dict(), "step": step, "cycle": step // a.cycle_steps,
                "train_seconds": train_seconds, "audio_seconds": audio_seconds, "base": base,
                "exit_layers": {str(d): ids for d, ids in exit_layers.items()}, "source": source}

    def save():
        save_atomically({**state(), "optimizer": opt.state_dict(), "epoch": epoch, "batch": batch_pos,
                         "python_rng": rng.getstate(), "torch_rng": torch.get_rng_state(),
                         "evaluated_at": evaluated_at, "data": data_id, "schedule": schedule}, ckpt_path)

    stopping, in_eval = [False], [False]

    def on_signal(signum, _frame):
        stopping[0] = True
        print(f"signal {signum}: saving after this step", flush=True)
        if in_eval[0]:
            raise _Stop()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}

    def evaluate(reason):
        in_eval[0] = True
        try:
            res = evaluate_exits(net, dev, sp, exit_layers)
        except _Stop:
            return
        finally:
            in_eval[0] = False
            net.train()
        write({"step": step, "train_seconds": round(train_seconds), "reason": reason,
               "dev_synth": {str(d): {"wer": round(w, 4), "loss": round(l, 3)} for d, (w, l) in res.items()}})

    write({"event": "resume" if resumed else "start", "step": step, "from": ckpt_path if resumed else source,
           "utterances": len(feats), "hours": round(sum(lengths) / 360000, 2), "schedule": schedule,
           "inter_weight": a.inter_weight, "stochastic_depth": a.stochastic_depth, "distill_weight": a.distill_weight,
           "voice_augment": a.voice_augment,
           "exit_layers": {str(d): ids for d, ids in exit_layers.items()}})
    if not resumed and not a.no_initial_eval:
        evaluate("start")
    started = last_save = time.time()
    steps_here, running, saved_step = 0, {}, None
    try:
        while not stopping[0]:
            batches = train.make_batches(lengths, a.max_frames, random.Random(a.seed * 1_000_003 + epoch))
            while batch_pos < len(batches) and not stopping[0]:
                t0 = time.perf_counter()
                idx = batches[batch_pos]
                lr = learning_rate(step, **schedule)
                for group in opt.param_groups:
                    group["lr"] = lr
                if a.voice_augment > 0:
                    x, x_lengths = train.collate(
                        voices.batch(feats, idx, voices.generator(a.seed, step), a.voice_augment), range(len(idx)))
                else:
                    x, x_lengths = train.collate(feats, idx)
                if not a.no_spec_augment:
                    x = train.spec_augment(x, x_lengths, mean, rng)
                targets = torch.cat([tokens[i] for i in idx])
                tl = torch.tensor([len(tokens[i]) for i in idx])
                outputs, out_lengths = net(x, x_lengths, set(exits))
                losses = train.ctc_losses(outputs, out_lengths, targets, tl)
                loss = train.intermediate_ctc_loss(losses, a.inter_weight)
                if a.distill_weight > 0:
                    distill = train.distillation_loss(outputs, out_lengths)
                    loss = loss + a.distill_weight * distill
                    running["distill"] = 0.9 * running.get("distill", float(distill)) + 0.1 * float(distill)
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(net.parameters(), 5.0)
                opt.step()
                step, batch_pos, steps_here = step + 1, batch_pos + 1, steps_here + 1
                train_seconds += time.perf_counter() - t0
                audio_seconds += float(x_lengths.sum()) / 100
                for d, v in losses.items():
                    running[d] = 0.9 * running.get(d, float(v)) + 0.1 * float(v)
                if step % a.log_every == 0:
                    write({"step": step, "epoch": epoch, "lr": round(lr, 8), "train_seconds": round(train_seconds),
                           "x_realtime": round(audio_seconds / max(train_seconds, 1e-9), 1),
                           "loss": {str(d): round(v, 3) for d, v in sorted(running.items(), key=lambda kv: str(kv[0]))}})
                cycle_end = step % a.cycle_steps == 0
                limit = (a.max_steps and steps_here >= a.max_steps) or (
                    a.max_minutes and time.time() - started >= a.max_minutes * 60)
                if cycle_end:
                    save_atomically(state(), os.path.join(a.run_dir, f"cycle-{step // a.cycle_steps:03d}.pt"))
                if cycle_end or time.time() - last_save >= a.save_minutes * 60 or limit or stopping[0]:
                    save()
                    last_save, saved_step = time.time(), step
                if limit:
                    return step
                if (cycle_end or train_seconds - evaluated_at >= a.eval_minutes * 60) and not stopping[0]:
                    evaluated_at = train_seconds
                    evaluate("cycle end" if cycle_end else "periodic")
            if batch_pos >= len(batches):
                epoch, batch_pos = epoch + 1, 0
        if saved_step != step or not os.path.exists(ckpt_path):
            save()
        return step
    finally:
        write({"event": "stop", "step": step, "train_seconds": round(train_seconds),
               "audio_seconds": round(audio_seconds), "saved": ckpt_path})
        log.close()
        for s, h in previous.items():
            signal.signal(s, h)


def main():
    run(parse_args())


if __name__ == "__main__":
    main()
