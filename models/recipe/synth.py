"""Builds the training and development data: synthetic speech from many voices, augmented, plus the real
recordings in ../shared/data; writes log-mel features (float16) and texts to WORK/data/*.pt.

Held out for development: LibriSpeech sentences never used in training (dev_synth, clean, random voices),
one FSDD speaker (dev_fsdd), the AN4 test files (dev_an4).
"""
import argparse
import math
import os
import random
import subprocess
import tempfile
import wave
from multiprocessing import Pool

import numpy as np
import torch
import torchaudio.functional as AF

import features
import text

SR = features.SAMPLE_RATE
ESPEAK_BASES = ["en-us", "en", "en-gb-scotland", "en-gb-x-rp", "en-029", "en-gb-x-gbclan", "en-gb-x-gbcwmd"]
ESPEAK_VARIANTS = ([f"m{i}" for i in range(1, 8)] + [f"f{i}" for i in range(1, 6)]
                   + ["klatt", "klatt2", "klatt3", "klatt4", "klatt6", "Andy", "Annie", "Denis", "Gene", "Lee",
                      "Michael", "Mr serious", "Storm", "adam", "anika", "announcer", "aunty", "belinda", "benjamin",
                      "boris", "caleb", "david", "ed", "edward", "iven", "john", "linda", "max", "michel", "norbert",
                      "paul", "pablo", "steph", "travis", "victor", "zac"])
FLITE_VOICES = ["kal", "kal16", "awb", "rms", "slt"]
FESTIVAL_VOICES = ["voice_kal_diphone", "voice_ked_diphone", "voice_cmu_us_slt_arctic_hts"]
DEV_FSDD_SPEAKER = "theo"
MIN_FEATURE_FRAMES = 15
MIN_SAMPLES = features.FRAME_LENGTH + (MIN_FEATURE_FRAMES - 1) * features.FRAME_SHIFT


def read_wav(path):
    with wave.open(path, "rb") as w:
        rate, width, ch, n = w.getframerate(), w.getsampwidth(), w.getnchannels(), w.getnframes()
        raw = w.readframes(n)
    if width == 1:
        x = (np.frombuffer(raw, np.uint8).astype(np.float32) - 128.0) / 128.0
    else:
        x = np.frombuffer(raw, np.int16).astype(np.float32) / 32768.0
    x = x.reshape(-1, ch).mean(axis=1)
    t = torch.from_numpy(x.copy())
    return AF.resample(t, rate, SR) if rate != SR else t


def write_wav(path, samples):
    pcm = (samples.clamp(-1, 1) * 32767).round().to(torch.int16).numpy().tobytes()
    with wave.open(path, "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(SR), w.writeframes(pcm)


def draw_voice(rng):
    """Draws one line's engine, voice and settings: (engine, voice, settings)."""
    r = rng.random()
    if r < 0.6:
        voice = f"{rng.choice(ESPEAK_BASES)}+{rng.choice(ESPEAK_VARIANTS)}"
        settings = {"speed": rng.randint(125, 215), "pitch": rng.randint(20, 80), "gap": rng.randint(0, 6)}
        return "espeak", voice, settings
    if r < 0.88:
        voice = rng.choice(FLITE_VOICES)
        return "flite", voice, {"stretch": rng.uniform(0.8, 1.25), "f0": rng.randint(80, 180)}
    voice = rng.choice(FESTIVAL_VOICES)
    return "festival", voice, {"stretch": rng.uniform(0.85, 1.2)}


def synthesise(line, rng, rendered=None):
    """One line in one randomly chosen voice; returns (samples at 16 kHz, voice name). A festival line whose
    audio the file `rendered` already holds (see render_festival) is read from there."""
    engine, voice, v = draw_voice(rng)
    if engine == "festival" and rendered is not None and os.path.exists(rendered):
        return read_wav(rendered), voice
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "s.wav")
        if engine == "espeak":
            cmd = ["espeak-ng", "-v", voice, "-s", str(v["speed"]), "-p", str(v["pitch"]), "-g", str(v["gap"]),
                   "-w", out, line]
        elif engine == "flite":
            cmd = ["flite", "-voice", voice, "--setf", f"duration_stretch={v['stretch']:.2f}",
                   "--setf", f"int_f0_target_mean={v['f0']}", "-t", line, "-o", out]
        else:
            script = os.path.join(tmp, "s.txt")
            with open(script, "w") as f:
                f.write(line)
            cmd = ["text2wave", "-eval", f"({voice})", "-eval",
                   f"(Parameter.set 'Duration_Stretch {v['stretch']:.2f})", script, "-o", out]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
        return read_wav(out), voice


FESTIVAL_BATCH = 64


def festival_batches(jobs, rendered):
    """The festival lines among `jobs`, by voice, in batches of FESTIVAL_BATCH: festival takes about a second
    to start and load a voice, 1.3 s a line with text2wave against 0.04 s for espeak-ng, so one process per line
    made festival's 12% of the lines three quarters of the synthesis time."""
    by_voice = {}
    for kind, key, payload, seed, _ in jobs:
        if kind != "tts":
            continue
        engine, voice, v = draw_voice(random.Random(seed))
        if engine == "festival":
            by_voice.setdefault(voice, []).append((v["stretch"], payload, os.path.join(rendered, key + ".wav")))
    return [(voice, items[i:i + FESTIVAL_BATCH]) for voice, items in sorted(by_voice.items())
            for i in range(0, len(items), FESTIVAL_BATCH)]


def render_festival(batch):
    """Speaks a batch of lines in one festival process; a line it fails on is left to synthesise()."""
    voice, items = batch
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "batch.scm")
        with open(script, "w") as f:
            f.write(f"({voice})\n")
            for stretch, line, out in items:  # lines are normalised to a-z, apostrophes and spaces
                f.write(f"(Parameter.set 'Duration_Stretch {stretch:.2f})\n"
                        f"(utt.save.wave (utt.synth (Utterance Text \"{line}\")) \"{out}\" 'riff)\n")
        try:
            subprocess.run(["festival", "--batch", script], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=60 + 30 * len(items))
        except (OSError, subprocess.TimeoutExpired) as e:  # no festival here, or a batch that hangs
            print(f"festival batch of {len(items)} lines in {voice}: {e}", flush=True)


def coloured_noise(n, rng, exponent):
    spec = torch.fft.rfft(torch.randn(n, generator=rng))
    f = torch.arange(spec.numel(), dtype=torch.float32).clamp(min=1.0)
    x = torch.fft.irfft(spec / f ** (exponent / 2), n=n)
    return x / (x.std() + 1e-9)


def reverberate(x, rng):
    rt60 = 0.15 + 0.65 * float(torch.rand(1, generator=rng))
    n = int(SR * min(0.5, rt60))
    t = torch.arange(n, dtype=torch.float32) / SR
    rir = torch.randn(n, generator=rng) * torch.exp(-6.9 * t / rt60)
    rir[0] = 1.0 + abs(float(rir[0]))
    rir = rir / rir.norm()
    size = 1 << (x.numel() + n - 1).bit_length()
    y = torch.fft.irfft(torch.fft.rfft(x, size) * torch.fft.rfft(rir, size), size)[: x.numel()]
    return y * (x.abs().max() / (y.abs().max() + 1e-9))


def augment(x, rng):
    """Speed perturbation, reverberation, telephone band-limiting, additive noise, gain: each by chance."""
    u = lambda: float(torch.rand(1, generator=rng))
    if u() < 0.4:
        factor = 0.9 if u() < 0.5 else 1.1
        x = AF.resample(x, int(SR * factor), SR)
    pad = lambda: torch.zeros(int(SR * 0.3 * u()))
    x = torch.cat([pad(), x, pad()])
    if u() < 0.3:
        x = reverberate(x, rng)
    if u() < 0.2:
        x = AF.resample(x, SR, 8000)
        if u() < 0.5:
            x = AF.mu_law_decoding(AF.mu_law_encoding(x.clamp(-1, 1), 256), 256)
        x = AF.resample(x, 8000, SR)
    if u() < 0.6:
        snr_db = 5 + 25 * u()
        noise = coloured_noise(x.numel(), rng, exponent=[0.0, 1.0, 2.0][int(u() * 3)])
        x = x + noise * (x.std() / (10 ** (snr_db / 20)))
    peak = x.abs().max() + 1e-9
    gain_db = -25 + 27 * u()
    return (x / peak * 10 ** (gain_db / 20)).clamp(-1, 1)


def _job(args):
    kind, key, payload, seed, aug, rendered = args
    rng = random.Random(seed)
    trng = torch.Generator().manual_seed(seed)
    try:
        if kind == "tts":
            x, source = synthesise(payload, rng, os.path.join(rendered, key + ".wav"))
            line = payload
        else:
            x, line = read_wav(payload[0]), payload[1]
            source = kind
        if aug:
            x = augment(x, trng)
        if x.numel() < MIN_SAMPLES:  # as the service does: pad very short clips with silence
            x = torch.cat([x, torch.zeros(MIN_SAMPLES - x.numel())])
        feats = features.log_mel(x)
        # NumPy arrays travel back by value. Torch tensors would travel as shared memory, one open file descriptor
        # each for as long as the parent keeps them, and a build of about 20,000 utterances runs out of them
        # ("received 0 items of ancdata", after which the pool hangs).
        return key, line, source, feats.to(torch.float16).numpy(), (x.numpy() if not aug else None)
    except Exception as e:  # a voice that fails on one line must not stop the build
        print(f"skip {key}: {e}", flush=True)
        return None


def build(jobs, out_path, workers, wav_dir=None):
    feats, texts, keys, sources = [], [], [], []
    with Pool(workers) as pool, tempfile.TemporaryDirectory() as rendered:
        batches = festival_batches(jobs, rendered)
        for _ in pool.imap_unordered(render_festival, batches):
            pass
        lines = sum(len(items) for _, items in batches)
        if lines:  # a line the batches missed falls back to text2wave, slowly: say how many did
            print(f"{out_path}: festival spoke {len(os.listdir(rendered))}/{lines} lines in batches", flush=True)
        jobs = [job + (rendered,) for job in jobs]
        for i, r in enumerate(pool.imap(_job, jobs, chunksize=8)):
            if r is None:
                continue
            key, line, source, f, x = r
            feats.append(torch.from_numpy(f)), texts.append(line), keys.append(key), sources.append(source)
            if wav_dir is not None and x is not None:
                write_wav(os.path.join(wav_dir, key + ".wav"), torch.from_numpy(x))
            if (i + 1) % 1000 == 0:
                print(f"{out_path}: {i + 1}/{len(jobs)}", flush=True)
    torch.save({"feats": feats, "texts": texts, "keys": keys, "sources": sources}, out_path)
    hours = sum(f.shape[0] for f in feats) / 100 / 3600
    print(f"{out_path}: {len(feats)} utterances, {hours:.2f} h", flush=True)
    if wav_dir is not None:
        with open(os.path.join(wav_dir, "transcripts.tsv"), "w") as f:
            f.writelines(f"{k}.wav\t{t}\n" for k, t in zip(keys, texts))


def real_data():
    fsdd_dir = os.path.join(text.SHARED, "data", "fsdd")
    an4_dir = os.path.join(text.SHARED, "data", "an4")
    fsdd_train, fsdd_dev, an4_train, an4_dev = [], [], [], []
    with open(os.path.join(fsdd_dir, "transcripts.tsv")) as f:
        for row in f:
            key, words = row.rstrip("\n").split("\t")
            item = (key, (os.path.join(fsdd_dir, "recordings", key + ".wav"), words))
            (fsdd_dev if key.split("_")[1] == DEV_FSDD_SPEAKER else fsdd_train).append(item)
    with open(os.path.join(an4_dir, "transcripts.tsv")) as f:
        for row in f:
            rel, words = row.rstrip("\n").split("\t")
            item = (os.path.basename(rel)[:-4], (os.path.join(an4_dir, rel), words))
            (an4_dev if rel.startswith("test_wav/") else an4_train).append(item)
    return fsdd_train, fsdd_dev, an4_train, an4_dev


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--work", default=os.path.join(os.path.dirname(__file__), "work"))
    p.add_argument("--train-utterances", type=int, default=7000)
    p.add_argument("--fsdd-copies", type=int, default=2)
    p.add_argument("--an4-copies", type=int, default=12)
    p.add_argument("--workers", type=int, default=os.cpu_count())
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--tune", type=int, default=200, help="held-out sentences for tuning the decoder's weights")
    p.add_argument("--dev-only", action="store_true", help="rebuild the development and tuning sets only")
    p.add_argument("--dev-utterances", type=int, default=0,
                   help="at most this many utterances in each development set (0: all; for quick trial runs)")
    a = p.parse_args()
    data = os.path.join(a.work, "data")
    os.makedirs(data, exist_ok=True)
    lines = text.split(seed=a.seed)
    train_lines, dev_lines = lines.train, lines.dev
    fsdd_train, fsdd_dev, an4_train, an4_dev = real_data()

    for name, items in [("dev_synth", [("tts", f"synth{i:04d}", l) for i, l in enumerate(dev_lines)]),
                        ("dev_fsdd", [("fsdd", k, v) for k, v in fsdd_dev]),
                        ("dev_an4", [("an4", k, v) for k, v in an4_dev]),
                       ("tune_synth", [("tts", f"tune{i:04d}", l) for i, l in enumerate(lines.tune[: a.tune])])]:
        if a.dev_utterances:
            items = items[: a.dev_utterances]
        wav_dir = os.path.join(a.work, name)
        os.makedirs(wav_dir, exist_ok=True)
        jobs = [(kind, key, payload, a.seed * 1_000_003 + 7 + i, False) for i, (kind, key, payload) in enumerate(items)]
        build(jobs, os.path.join(data, name + ".pt"), a.workers, wav_dir)
    if a.dev_only:
        return

    jobs = [("tts", f"tts{i:06d}", l, a.seed * 1_000_003 + 100_000 + i, random.Random(i).random() > 0.15)
            for i, l in enumerate(train_lines[: a.train_utterances])]
    jobs += [("fsdd", f"{k}-{c}", v, a.seed * 7919 + 10 * i + c, c > 0)
             for i, (k, v) in enumerate(fsdd_train) for c in range(a.fsdd_copies)]
    jobs += [("an4", f"{k}-{c}", v, a.seed * 104729 + 100 * i + c, c > 0)
             for i, (k, v) in enumerate(an4_train) for c in range(a.an4_copies)]
    build(jobs, os.path.join(data, "train.pt"), a.workers)


if __name__ == "__main__":
    main()
