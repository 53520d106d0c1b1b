"""Augmentation aimed at real voices and microphones, applied to the log-mel features while training, so that every
pass over the data hears each utterance differently (synth.py's waveform augmentation is drawn once, when the data
is built).

The synthetic training voices share a handful of vocal tracts, speak at a few rates and reach the features through
no microphone at all; real speakers (commonvoice-dev, mfa-spontaneous, librivox-dev) differ from them in exactly
these respects. Per utterance, each by chance:

- vocal-tract-length perturbation (Jaitly and Hinton 2013): the spectrum's frequency axis is scaled by a factor
  alpha in [0.88, 1.12] (formants move, as between a long and a short vocal tract), linearly pulled back above
  80% of the top filter's centre so the top filter stays where it is;
- tempo: the frames are resampled in time by a factor in [0.85, 1.15], a rate change without a pitch change;
- microphone and room colouring: a random equaliser, a spectral tilt of up to +-12 dB across the band plus a
  smooth random curve (five cosines across the filters, a few dB each), and a gain of up to +-6 dB;
- a noise floor: stationary noise of random colour 8 to 30 dB below the utterance's speech level, fluctuating from
  frame to frame.

Colouring and noise act in the power domain (the features are natural logs of mel-band powers plus
features.LOG_OFFSET), so digital silence stays silence under an equaliser and noise adds to the speech's power
rather than to its logarithm. The warps interpolate linearly between neighbouring filters and frames.

Written by hand because no library works on log-mel features that are already computed (torchaudio's transforms
start from waveforms or linear spectrograms); each transform is a few lines of tensor arithmetic.

Every draw comes from the torch.Generator passed in, which the training loops seed from (seed, step): a run with
this augmentation sees the same batches and SpecAugment masks as one without, and a resumed run the same
augmentation as an unbroken one.
"""
import math

import torch

import features

LN_PER_DB = math.log(10.0) / 10.0  # one decibel of power, in the features' natural-log units
VTLP_RANGE = (0.88, 1.12)
VTLP_BOUNDARY = 0.8  # of the top filter's centre frequency: above it the warp is pulled back to the band edge
TEMPO_RANGE = (0.85, 1.15)
TILT_DB = 12.0
CURVE_DB = 4.0
CURVES = 5
GAIN_DB = 6.0
SNR_DB = (8.0, 30.0)
# Probability of each transform, for an utterance that is augmented at all.
P_VTLP, P_TEMPO, P_EQ, P_NOISE = 0.7, 0.5, 0.7, 0.3


def _hz_to_mel(f):
    return 2595.0 * torch.log10(1.0 + f / 700.0)


def _mel_to_hz(m):
    return 700.0 * (10.0 ** (m / 2595.0) - 1.0)


_MEL_LO = _hz_to_mel(torch.tensor(features.LOW_FREQ, dtype=torch.float64))
_MEL_HI = _hz_to_mel(torch.tensor(features.HIGH_FREQ, dtype=torch.float64))
# Centre frequency of each filter (features.mel_filterbank's points 1..NUM_MEL_BINS).
CENTRES_HZ = _mel_to_hz(_MEL_LO + (_MEL_HI - _MEL_LO) * torch.arange(1, features.NUM_MEL_BINS + 1,
                                                                      dtype=torch.float64)
                        / (features.NUM_MEL_BINS + 1))


def _uniform(gen, lo, hi):
    return lo + (hi - lo) * float(torch.rand(1, generator=gen))


def _chance(gen, p):
    return float(torch.rand(1, generator=gen)) < p


def _interpolate(x, positions, dim):
    """x sampled at fractional `positions` along `dim` (linear between neighbours, clamped at the ends)."""
    n = x.shape[dim]
    positions = positions.clamp(0, n - 1)
    lo = positions.floor().long()
    hi = (lo + 1).clamp(max=n - 1)
    w = (positions - lo).to(x.dtype)
    if dim == 1:
        return x[:, lo] * (1 - w) + x[:, hi] * w
    return x[lo] * (1 - w[:, None]) + x[hi] * w[:, None]


def vtlp(x, alpha):
    """Scales the frequency axis by alpha: output filter at f takes the input's value at warp^-1(f)."""
    top = float(CENTRES_HZ[-1])
    boundary = VTLP_BOUNDARY * top * min(alpha, 1.0) / alpha
    f = CENTRES_HZ
    # Inverse of the piecewise-linear warp w(s) = alpha s below the boundary, then straight to (top, top).
    knee = alpha * boundary
    source = torch.where(f <= knee, f / alpha, boundary + (f - knee) * (top - boundary) / (top - knee))
    position = (_hz_to_mel(source) - _MEL_LO) / (_MEL_HI - _MEL_LO) * (features.NUM_MEL_BINS + 1) - 1
    return _interpolate(x, position.to(torch.float32), dim=1)


def tempo(x, rate):
    """The frames resampled in time: rate 1.1 is 10% faster (fewer frames)."""
    n = max(1, round(x.shape[0] / rate))
    return _interpolate(x, torch.arange(n, dtype=torch.float32) * rate, dim=0)


def _power(x):
    return (x.exp() - features.LOG_OFFSET).clamp(min=0.0)


def _log(power):
    return torch.log(power + features.LOG_OFFSET)


def equalise(x, gen):
    """A random tilt, a smooth random curve and a gain, in dB per filter, applied to the mel-band powers."""
    m = torch.linspace(0.0, 1.0, features.NUM_MEL_BINS)
    db = _uniform(gen, -TILT_DB, TILT_DB) * (m - 0.5) + _uniform(gen, -GAIN_DB, GAIN_DB)
    for k in range(1, CURVES + 1):
        db = db + float(torch.randn(1, generator=gen)) * (CURVE_DB / k) * torch.cos(math.pi * k * m)
    return _log(_power(x) * torch.exp(db * LN_PER_DB))


def noise_floor(x, gen):
    """Stationary noise of a random tilt, SNR_DB below the speech level (the mean band power of the loudest
    half of the frames), with log-normal fluctuation from frame to frame."""
    power = _power(x)
    frame_power = power.mean(dim=1)
    loud = frame_power[frame_power >= frame_power.median()]
    speech = float(loud.mean()) if loud.numel() else 0.0
    if speech <= 0.0:
        return x
    m = torch.linspace(-0.5, 0.5, features.NUM_MEL_BINS)
    shape = torch.exp(_uniform(gen, -TILT_DB, TILT_DB) * m * LN_PER_DB)
    level = speech / shape.mean() * 10 ** (-_uniform(gen, *SNR_DB) / 10)
    sigma = 0.5
    fluctuation = torch.exp(sigma * torch.randn(x.shape, generator=gen) - sigma * sigma / 2)
    return _log(power + level * shape * fluctuation)


def augment(x, gen, p=1.0):
    """One utterance's float features [frames, bins], augmented with probability p; a new tensor (x is kept)."""
    if not _chance(gen, p):
        return x
    if _chance(gen, P_VTLP):
        x = vtlp(x, _uniform(gen, *VTLP_RANGE))
    if _chance(gen, P_TEMPO) and x.shape[0] > 1:
        x = tempo(x, _uniform(gen, *TEMPO_RANGE))
    if _chance(gen, P_EQ):
        x = equalise(x, gen)
    if _chance(gen, P_NOISE):
        x = noise_floor(x, gen)
    return x


def generator(seed, step):
    """The generator a training step draws its augmentation from."""
    return torch.Generator().manual_seed(seed * 1_000_003 + step)


def batch(feats, idx, gen, p):
    """The utterances feats[i] for i in idx as float tensors, each augmented with probability p (for collate)."""
    return [augment(feats[i].float(), gen, p) for i in idx]
