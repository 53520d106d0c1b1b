"""Writes reference waveforms and their log-mel features, exactly as the recipe computes them, for the
service's front-end test (src/test/resources/reference/fbank/*.json)."""
import argparse
import json
import math
import os

import torch

import features
import synth
import text


def waveforms():
    t = torch.arange(8000, dtype=torch.float64) / features.SAMPLE_RATE
    tones = (0.3 * torch.sin(2 * math.pi * 440 * t) + 0.1 * torch.sin(2 * math.pi * 3000 * t)).float()
    noise = (0.05 * torch.randn(4800, generator=torch.Generator().manual_seed(7))).float()
    sweep = (0.5 * torch.sin(2 * math.pi * (100 * t + 3500 * t * t))).float()[:6000]
    speech = synth.read_wav(os.path.join(text.SHARED, "data", "an4", "test_wav", "an409-fcaw-b.wav"))[:9600]
    yield "tones", tones
    yield "noise", noise
    yield "sweep", sweep
    yield "speech-an4", speech.float()


def main():
    p = argparse.ArgumentParser(description=__doc__)
    here = os.path.dirname(os.path.abspath(__file__))
    p.add_argument("--out", default=os.path.join(here, "..", "..", "src", "test", "resources", "reference", "fbank"))
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for name, x in waveforms():
        feats = features.log_mel(x)
        with open(os.path.join(a.out, name + ".json"), "w") as f:
            json.dump({"sample_rate": features.SAMPLE_RATE, "config": features.CONFIG,
                       "samples": [float(v) for v in x.tolist()],
                       "features": [[round(v, 6) for v in row] for row in feats.tolist()]}, f)
        print(name, tuple(x.shape), tuple(feats.shape))


if __name__ == "__main__":
    main()
