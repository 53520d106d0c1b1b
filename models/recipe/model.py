"""Transformer-CTC encoder with exits: convolutional 8x subsampling, pre-LayerNorm Transformer layers,
a shared final LayerNorm and a shared CTC head. `forward(..., exits)` returns log-probabilities at every
requested depth (intermediate CTC); `Exit` wraps a chosen list of layers as one deployable model.

Stochastic depth (as in ESPnet's encoder layer): in training, layer l is skipped whole with probability
p_l = p_max * l / L; when kept, its residual branches are scaled by 1 / (1 - p_l). At inference every kept
layer runs unscaled, so any subset of layers is a valid model.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class ConvSubsampling(nn.Module):
    """Three 3x3 convolutions over (time, frequency), each with stride 2 in frequency and the first log2(factor) of
    them with stride 2 in time: 8x fewer frames (80 ms per output frame, the shipped model's) or 4x (40 ms), with the
    same weights' shapes either way."""

    def __init__(self, n_mels, d_model, channels=32, factor=8):
        super().__init__()
        self.factor = factor
        s1, s2, s3 = self.time_strides(factor)
        self.conv = nn.Sequential(
            nn.Conv2d(1, channels, 3, (s1, 2)), nn.ReLU(),
            nn.Conv2d(channels, channels, 3, (s2, 2)), nn.ReLU(),
            nn.Conv2d(channels, channels, 3, (s3, 2)), nn.ReLU())
        f = n_mels
        for _ in range(3):
            f = (f - 3) // 2 + 1
        self.out = nn.Linear(channels * f, d_model)

    @staticmethod
    def time_strides(factor):
        if factor not in (4, 8):
            raise ValueError(f"subsampling factor must be 4 or 8, was {factor}")
        return (2, 2, 2) if factor == 8 else (2, 2, 1)

    @staticmethod
    def output_lengths(lengths, factor=8):
        for stride in ConvSubsampling.time_strides(factor):
            lengths = torch.div(lengths - 3, stride, rounding_mode="floor") + 1
        return lengths

    def forward(self, x):  # [B, T, F] -> [B, T', D]
        x = self.conv(x.unsqueeze(1))
        b, c, t, f = x.shape
        return self.out(x.transpose(1, 2).reshape(b, t, c * f))


def sinusoidal_positions(length, d_model, device):
    pos = torch.arange(length, device=device, dtype=torch.float32).unsqueeze(1)
    div = torch.exp(torch.arange(0, d_model, 2, device=device, dtype=torch.float32) * (-math.log(10000.0) / d_model))
    angles = pos * div
    return torch.stack([angles.sin(), angles.cos()], dim=-1).reshape(length, d_model)


class ConvModule(nn.Module):
    """Conformer's convolution module (Gulati et al. 2020): LayerNorm, pointwise projection to twice the width, GLU,
    depthwise convolution over time, normalisation, Swish, pointwise projection back. LayerNorm where the paper has
    BatchNorm: an exit's output must not depend on what else is in the batch, and every weight must stay a named
    tensor in the exported graphs for reconstruct.py (the exporter folds a BatchNorm into the convolution before it).
    Padded frames are zeroed before the convolution, so that padding never leaks into an utterance's frames."""

    def __init__(self, d_model, kernel, dropout):
        super().__init__()
        if kernel % 2 != 1:
            raise ValueError(f"the convolution kernel must be odd (centred), was {kernel}")
        self.norm = nn.LayerNorm(d_model)
        self.pointwise1 = nn.Linear(d_model, 2 * d_model)
        self.depthwise = nn.Conv1d(d_model, d_model, kernel, padding=kernel // 2, groups=d_model)
        self.norm2 = nn.LayerNorm(d_model)
        self.pointwise2 = nn.Linear(d_model, d_model)
        self.drop = nn.Dropout(dropout)

    def forward(self, x, pad_mask):
        y = F.glu(self.pointwise1(self.norm(x)), dim=-1).masked_fill(pad_mask[..., None], 0.0)
        y = self.depthwise(y.transpose(1, 2)).transpose(1, 2)
        return self.drop(self.pointwise2(F.silu(self.norm2(y))))


class EncoderLayer(nn.Module):
    """A pre-LayerNorm Transformer layer: self-attention, then the feed-forward block. With conv_kernel > 0, a
    Conformer-style convolution module between the two (the attention, convolution, feed-forward order of
    Conformer without its macaron feed-forward halves), each a residual branch that stochastic depth scales alike."""

    def __init__(self, d_model, heads, ff, dropout, conv_kernel=0):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(d_model)
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)
        self.conv = ConvModule(d_model, conv_kernel, dropout) if conv_kernel > 0 else None
        self.norm2 = nn.LayerNorm(d_model)
        self.ff = nn.Sequential(nn.Linear(d_model, ff), nn.ReLU(), nn.Dropout(dropout), nn.Linear(ff, d_model))
        self.drop = nn.Dropout(dropout)

    def attention(self, x, pad_mask):
        b, t, d = x.shape
        q, k, v = self.qkv(x).reshape(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(d // self.heads)
        scores = scores.masked_fill(pad_mask[:, None, None, :], -1e4)
        out = (F.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(b, t, d)
        return self.proj(out)

    def forward(self, x, pad_mask, scale=1.0):
        x = x + scale * self.drop(self.attention(self.norm1(x), pad_mask))
        if self.conv is not None:
            x = x + scale * self.conv(x, pad_mask)
        return x + scale * self.drop(self.ff(self.norm2(x)))


# Width presets (train.py --size) at the shipped depth, exits and front end: "tiny" is the shipped model's own width
# (about 3.1M parameters with the 128-piece vocabulary), "small" about 15M and "base" about 38M, for machines that
# have the compute and data to fill them. Only the width, the number of heads and the feed-forward size change, so
# every exit, the exported graphs' inputs and outputs and models/MANIFEST.md's contract stay as they are.
SIZES = {
    "tiny": dict(d_model=144, heads=4, ff=576),
    "small": dict(d_model=320, heads=4, ff=1280),
    "base": dict(d_model=512, heads=8, ff=2048),
}


class CtcEncoder(nn.Module):
    def __init__(self, vocab_size, n_mels=80, d_model=144, heads=4, ff=576, layers=12, dropout=0.1,
                 stochastic_depth=0.1, subsampling=8, conv_kernel=0):
        super().__init__()
        self.config = dict(vocab_size=vocab_size, n_mels=n_mels, d_model=d_model, heads=heads, ff=ff, layers=layers,
                           dropout=dropout, stochastic_depth=stochastic_depth, subsampling=subsampling)
        if conv_kernel:  # absent for the plain Transformer, so that its checkpoints' configurations stay as they were
            self.config["conv_kernel"] = conv_kernel
        self.register_buffer("feat_mean", torch.zeros(n_mels))
        self.register_buffer("feat_istd", torch.ones(n_mels))
        self.frontend = ConvSubsampling(n_mels, d_model, factor=subsampling)
        self.layers = nn.ModuleList(EncoderLayer(d_model, heads, ff, dropout, conv_kernel) for _ in range(layers))
        self.final_norm = nn.LayerNorm(d_model)
        self.ctc = nn.Linear(d_model, vocab_size)
        self.drop = nn.Dropout(dropout)
        self.skip_probs = [stochastic_depth * (i + 1) / layers for i in range(layers)]

    def embed(self, feats, lengths):
        x = self.frontend((feats - self.feat_mean) * self.feat_istd)
        out_lengths = ConvSubsampling.output_lengths(lengths, self.frontend.factor)
        t = x.shape[1]
        pad_mask = torch.arange(t, device=x.device)[None, :] >= out_lengths[:, None]
        x = self.drop(x * math.sqrt(x.shape[-1]) + sinusoidal_positions(t, x.shape[-1], x.device))
        return x, out_lengths, pad_mask

    def head(self, x):
        logits = self.ctc(self.final_norm(x))
        if logits.dtype != torch.float32:  # under bf16 autocast (train.py --bf16): CTC wants float32 log-probabilities
            logits = logits.float()
        return F.log_softmax(logits, dim=-1)

    def forward(self, feats, lengths, exits, layer_ids=None):
        """Returns ({depth: log_probs [B, T', V]}, out_lengths). layer_ids selects which layers run (in order)."""
        x, out_lengths, pad_mask = self.embed(feats, lengths)
        ids = list(range(len(self.layers))) if layer_ids is None else list(layer_ids)
        outputs = {}
        for depth, i in enumerate(ids, start=1):
            p = self.skip_probs[i]
            if self.training and p > 0:
                if torch.rand(()) < p:
                    if depth in exits:
                        outputs[depth] = self.head(x)
                    continue
                x = self.layers[i](x, pad_mask, 1.0 / (1.0 - p))
            else:
                x = self.layers[i](x, pad_mask)
            if depth in exits:
                outputs[depth] = self.head(x)
        return outputs, out_lengths

    def hidden_states(self, feats, lengths):
        """Inputs to every layer and the last output, for layer-similarity analysis (eval mode)."""
        x, out_lengths, pad_mask = self.embed(feats, lengths)
        states = [x]
        for layer in self.layers:
            x = layer(x, pad_mask)
            states.append(x)
        return states, out_lengths


class Exit(nn.Module):
    """One deployable exit: the front end, the given layers, the shared final LayerNorm and CTC head.
    Inputs and outputs follow models/MANIFEST.md."""

    def __init__(self, encoder: CtcEncoder, layer_ids):
        super().__init__()
        self.encoder = encoder
        self.layer_ids = list(layer_ids)

    def forward(self, features, feature_lengths):
        outputs, out_lengths = self.encoder(features, feature_lengths, {len(self.layer_ids)}, self.layer_ids)
        return outputs[len(self.layer_ids)], out_lengths
