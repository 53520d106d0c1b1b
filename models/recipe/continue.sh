#!/usr/bin/env bash
# Continuous training of the shipped model in the background (train_continuous.py): at the lowest CPU priority on one
# thread, resuming from work/continuous/continuous.pt, or from models/gearbox-en on a machine without one; options
# pass through (e.g. --run-dir DIR). `exec` so that the PID is Python's and SIGTERM reaches it: it finishes the step,
# saves and exits. Export a cycle's weights with `python3 models/recipe/ship.py`.
exec env OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 nice -n 19 \
    /usr/bin/python3 "$(dirname "$0")/train_continuous.py" --threads 1 "$@"
