#!/usr/bin/env bash
# Reproduces the shipped model from scratch on a CPU (about 2 hours on 2 cores; on a GPU add
# TRAIN_ARGS="--device cuda"): installs the Debian packages, synthesises and augments the data, trains in two
# stages, studies which layers to keep, measures every exit, exports models/gearbox-en with its devset and
# refreshes the reference features of the service's front-end test.
#
# Stage 1: the 12-layer model (intermediate CTC at every exit, stochastic depth, SpecAugment, dropout 0.1) and
#          the separately trained 6-layer baseline, side by side, the same recipe, 1000 steps each.
# Stage 2: the 12-layer model continues from stage 1 on both cores without SpecAugment or dropout (on this
#          budget the model underfits; regularisation only slowed it), until its time budget ends.
# The learning-rate schedules run over a step or wall-clock budget, whichever ends first, so the number of
# steps depends on the machine; the training logs (work/*.log.jsonl) record them.
set -euo pipefail
cd "$(dirname "$0")"
PY=/usr/bin/python3
TRAIN_ARGS=${TRAIN_ARGS:-}
./setup.sh
$PY synth.py --train-utterances 10000
$PY -c "import train; train.train_tokenizer('work', 128, 1)"
$PY train.py --name stage1 --steps 2400 --max-minutes 72 --stop-at 1000 $TRAIN_ARGS > work/stage1.out 2>&1 &
full=$!
nice -n 12 $PY train.py --name baseline6 --layers 6 --exits 6 --inter-weight 0 --steps 2400 --max-minutes 72 \
  --stop-at 1000 $TRAIN_ARGS > work/baseline6.out 2>&1 &
base=$!
wait $full $base
$PY train.py --name full --init work/stage1.pt --threads 2 --dropout 0 --no-spec-augment --short-first-steps 0 \
  --warmup 50 --steps 3000 --max-minutes 38 $TRAIN_ARGS > work/full.out 2>&1
$PY layers.py | tee work/layers.out
$PY evaluate.py | tee work/evaluation.out
rm -f ../gearbox-en/*.onnx ../gearbox-en/weights.bin
$PY export.py
$PY devset.py
$PY reference.py
$PY clips.py
