#!/usr/bin/env bash
# Installs what the recipe needs from Debian's packages (PyPI is not needed): PyTorch, torchaudio, ONNX,
# SentencePiece, OpenBLAS, the text-to-speech voices and texts the training data is synthesised from, IRSTLM,
# which estimates the word language model, and CMU's generic English 3-gram (pocketsphinx-en-us) with the
# sphinxbase bindings that check cmulm.py's reading of it, which lm.py mixes in; sox's MP3 handler, with which
# prepare.py reads Common Voice's clips.
# Debian's PyTorch calls whichever BLAS the system provides; without OpenBLAS that is the reference BLAS, and
# training runs about 9x slower on the CPU (`python3 diagnose.py step`: 1.85 s against 0.21 s per step).
set -euo pipefail
packages=(python3-torch python3-torchaudio python3-onnx python3-sentencepiece python3-numpy libopenblas0-openmp
          sox libsox-fmt-mp3 espeak-ng flite festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts
          fortunes fortunes-min wamerican irstlm pocketsphinx-en-us python3-sphinxbase)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
