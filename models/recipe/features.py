"""Log-mel filterbank exactly as models/MANIFEST.md specifies it.

Written out by hand (not torchaudio.compliance.kaldi, not torch.stft) so that every step is one the Java
front end can mirror line by line: explicit framing with no centring, periodic Hann window, zero padding at
the end of the frame, power spectrum, HTK mel filters without area normalisation, natural log with an offset.
"""
import math

import torch

SAMPLE_RATE = 16000
NUM_MEL_BINS = 80
FRAME_LENGTH = 400
FRAME_SHIFT = 160
FFT_SIZE = 512
LOW_FREQ = 20.0
HIGH_FREQ = 7600.0
LOG_OFFSET = 1e-6

CONFIG = {
    "type": "log-mel",
    "num_mel_bins": NUM_MEL_BINS,
    "frame_length": FRAME_LENGTH,
    "frame_shift": FRAME_SHIFT,
    "fft_size": FFT_SIZE,
    "window": "hann-periodic",
    "low_freq": LOW_FREQ,
    "high_freq": HIGH_FREQ,
    "mel_scale": "htk",
    "log_offset": LOG_OFFSET,
}


def _hz_to_mel(f):
    return 2595.0 * math.log10(1.0 + f / 700.0)


def _mel_to_hz(m):
    return 700.0 * (10.0 ** (m / 2595.0) - 1.0)


def mel_filterbank(dtype=torch.float64):
    """[FFT_SIZE // 2 + 1, NUM_MEL_BINS] triangular filters on the HTK mel scale (torchaudio's norm=None)."""
    n_freqs = FFT_SIZE // 2 + 1
    bin_freqs = torch.tensor([k * (SAMPLE_RATE / 2) / (FFT_SIZE / 2) for k in range(n_freqs)], dtype=torch.float64)
    m_lo, m_hi = _hz_to_mel(LOW_FREQ), _hz_to_mel(HIGH_FREQ)
    f_pts = torch.tensor([_mel_to_hz(m_lo + (m_hi - m_lo) * i / (NUM_MEL_BINS + 1))
                          for i in range(NUM_MEL_BINS + 2)], dtype=torch.float64)
    f_diff = f_pts[1:] - f_pts[:-1]
    slopes = f_pts[None, :] - bin_freqs[:, None]
    down = -slopes[:, :-2] / f_diff[:-1]
    up = slopes[:, 2:] / f_diff[1:]
    return torch.clamp(torch.minimum(down, up), min=0.0).to(dtype)


_WINDOW = torch.tensor([0.5 - 0.5 * math.cos(2.0 * math.pi * n / FRAME_LENGTH) for n in range(FRAME_LENGTH)],
                       dtype=torch.float64)
_FBANK = mel_filterbank()


def num_frames(num_samples: int) -> int:
    return 0 if num_samples < FRAME_LENGTH else 1 + (num_samples - FRAME_LENGTH) // FRAME_SHIFT


def log_mel(samples: torch.Tensor) -> torch.Tensor:
    """samples: float tensor [N] in [-1, 1] at 16 kHz -> float32 [frames, 80]."""
    x = samples.to(torch.float64)
    n = num_frames(x.numel())
    if n == 0:
        return torch.zeros(0, NUM_MEL_BINS, dtype=torch.float32)
    frames = x.unfold(0, FRAME_LENGTH, FRAME_SHIFT)[:n] * _WINDOW
    spectrum = torch.fft.rfft(frames, n=FFT_SIZE)
    power = spectrum.real ** 2 + spectrum.imag ** 2
    return torch.log(power @ _FBANK + LOG_OFFSET).to(torch.float32)
