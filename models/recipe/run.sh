#!/usr/bin/env bash
# Reproduces the shipped model from scratch on a CPU (about 2 hours on 2 cores; pass --device cuda through
# TRAIN_ARGS on a GPU): installs the Debian packages, synthesises and augments the data, trains the 12-layer
# model with intermediate CTC and stochastic depth and the separately trained 6-layer baseline side by side,
# studies which layers to keep, measures every exit, exports models/gearbox-en and refreshes the reference
# features of the service's front-end test.
set -euo pipefail
cd "$(dirname "$0")"
PY=/usr/bin/python3
STEPS=${STEPS:-1500}
TRAIN_ARGS=${TRAIN_ARGS:-}
./setup.sh
$PY synth.py --train-utterances 10000
$PY -c "import train, text, os; train.train_tokenizer('work', 128, 1)"
$PY train.py --name full --steps "$STEPS" $TRAIN_ARGS > work/full.out 2>&1 &
full=$!
nice -n 12 $PY train.py --name baseline6 --layers 6 --exits 6 --inter-weight 0 --steps "$STEPS" $TRAIN_ARGS \
  > work/baseline6.out 2>&1 &
base=$!
wait $full $base
$PY layers.py | tee work/layers.out
$PY evaluate.py | tee work/evaluation.out
rm -rf ../gearbox-en/*.onnx ../gearbox-en/weights.bin
$PY export.py
$PY devset.py
$PY reference.py
