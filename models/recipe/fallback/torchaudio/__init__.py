"""A stand-in for the few torchaudio functions the recipe's data builder uses (functional.resample, mu_law_encoding,
mu_law_decoding), for machines whose PyTorch comes without torchaudio. gpu_job.py puts it on the path only where
`import torchaudio` fails; the computations are torchaudio's own (its default windowed-sinc resampler), so the
data are the same either way to within float rounding (4e-5 at most, resampling 22.05 kHz speech to 16 kHz)."""
from . import functional  # noqa: F401
