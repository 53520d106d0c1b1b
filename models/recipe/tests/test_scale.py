"""Tests of the recipe's ways to use more compute (train.py): the width presets, bfloat16 autocast, and several
processes under torchrun with DistributedDataParallel (gloo on the CPU here; NCCL takes the same path on CUDA).
The distributed test trains a 4-layer model for 30 steps on generated features in two processes (about 15 s).

    /usr/bin/python3 -m unittest discover -s models/recipe/tests -v
"""
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import unittest

import torch

RECIPE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, RECIPE)
import export  # noqa: E402
import model as M  # noqa: E402
import train  # noqa: E402
from test_continuous import TEXTS, tiny_tokenizer  # noqa: E402

SHIPPED = os.path.join(RECIPE, "..", "gearbox-en")


def tiny_work(work, utterances=40):
    """A work folder train.py can run on: a 40-piece tokenizer and random features with number texts."""
    os.makedirs(os.path.join(work, "data"), exist_ok=True)
    tiny_tokenizer(work)
    g = torch.Generator().manual_seed(3)
    for split, n in (("train", utterances), ("dev_synth", 4)):
        frames = [int(v) for v in torch.randint(120, 260, (n,), generator=g)]
        torch.save({"feats": [torch.randn(f, 80, generator=g).half() for f in frames],
                    "texts": [TEXTS[(7 * i) % len(TEXTS)] for i in range(n)]},
                   os.path.join(work, "data", split + ".pt"))


TRAIN_ARGS = ["--vocab-size", "40", "--layers", "4", "--exits", "2,4", "--steps", "30", "--short-first-steps", "5",
              "--short-max-frames", "200", "--max-frames", "800", "--eval-every", "20", "--warmup", "5"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def records(work, name="full"):
    with open(os.path.join(work, f"{name}.log.jsonl")) as f:
        return [json.loads(line) for line in f]


class SizeTests(unittest.TestCase):

    def test_tiny_is_the_shipped_configuration_and_the_encoders_defaults(self):
        with open(os.path.join(SHIPPED, "manifest.json")) as f:
            manifest = json.load(f)
        with open(os.path.join(SHIPPED, "tokens.txt"), encoding="utf-8") as f:
            vocab = sum(1 for _ in f)
        defaults = M.CtcEncoder(vocab)
        tiny = M.CtcEncoder(vocab, **M.SIZES["tiny"])
        self.assertEqual(defaults.config, tiny.config)
        self.assertEqual(manifest["subsampling_factor"], tiny.frontend.factor)
        # The exported exits' parameter counts pin the width, heads and feed-forward size of every layer kept.
        for entry in manifest["exits"]:
            self.assertEqual(entry["parameters"], export.parameters_of(tiny, entry["layers"]), f"exit {entry['depth']}")
        self.assertEqual(M.SIZES["tiny"], {"d_model": 144, "heads": 4, "ff": 576})

    def test_small_and_base_have_about_fifteen_and_forty_million_parameters_at_the_shipped_depth(self):
        for size, target in (("small", 15e6), ("base", 40e6)):
            net = M.CtcEncoder(128, **M.SIZES[size])
            count = sum(p.numel() for p in net.parameters())
            self.assertLess(abs(count - target), 0.15 * target, f"{size}: {count} parameters")
            self.assertEqual(12, len(net.layers))
            self.assertEqual(0, net.config["d_model"] % net.config["heads"])

    def test_train_py_builds_the_preset_it_is_given(self):
        self.assertEqual(sorted(M.SIZES), ["base", "small", "tiny"])
        work = tempfile.mkdtemp()
        try:
            tiny_work(work, utterances=8)
            run = subprocess.run([sys.executable, os.path.join(RECIPE, "train.py"), "--work", work, *TRAIN_ARGS,
                                  "--size", "small", "--steps", "1", "--short-first-steps", "0"],
                                 capture_output=True, text=True, timeout=120, env={**os.environ, "OMP_NUM_THREADS": "1"})
            self.assertEqual(0, run.returncode, run.stderr[-2000:])
            config = torch.load(os.path.join(work, "full.pt"))["config"]
            self.assertEqual({k: config[k] for k in M.SIZES["small"]}, M.SIZES["small"])
            self.assertEqual(4, config["layers"])
        finally:
            shutil.rmtree(work)


class Bf16Tests(unittest.TestCase):

    def test_autocast_runs_the_layers_in_bfloat16_and_gives_a_finite_float32_loss_and_gradients(self):
        torch.manual_seed(0)
        net = M.CtcEncoder(40, d_model=32, heads=2, ff=48, layers=4, dropout=0.0, stochastic_depth=0.0)
        x, lengths = torch.randn(3, 150, 80), torch.tensor([150, 120, 90])
        targets, tl = torch.randint(2, 40, (12,)), torch.tensor([5, 4, 3])
        seen = []
        net.layers[0].qkv.register_forward_hook(lambda m, i, out: seen.append(out.dtype))
        with train.autocast("cpu", True):
            outputs, out_lengths = net(x, lengths, {2, 4})
        self.assertEqual([torch.bfloat16], seen, "the layers run in bfloat16 under autocast")
        self.assertTrue(all(lp.dtype == torch.float32 for lp in outputs.values()), "log-probabilities in float32")
        loss = train.intermediate_ctc_loss(train.ctc_losses(outputs, out_lengths, targets, tl), 0.5)
        self.assertEqual(torch.float32, loss.dtype)
        self.assertTrue(math.isfinite(float(loss)) and float(loss) > 0)
        loss.backward()
        grads = [p.grad for p in net.parameters()]
        self.assertTrue(all(g is not None and bool(torch.isfinite(g).all()) for g in grads))
        self.assertGreater(float(net.layers[0].qkv.weight.grad.abs().sum()), 0)

    def test_without_autocast_the_forward_pass_is_float32_throughout(self):
        net = M.CtcEncoder(40, d_model=32, heads=2, ff=48, layers=2).eval()
        seen = []
        net.layers[0].qkv.register_forward_hook(lambda m, i, out: seen.append(out.dtype))
        with train.autocast("cpu", False):
            outputs, _ = net(torch.randn(1, 100, 80), torch.tensor([100]), {2})
        self.assertEqual([torch.float32], seen)
        self.assertEqual(torch.float32, outputs[2].dtype)


class DistributedTests(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def test_each_rank_takes_its_own_equal_share_of_the_batches(self):
        batches = [[i] for i in range(11)]
        shares = []
        for rank in range(3):
            d = train.Distributed.__new__(train.Distributed)
            d.world, d.rank = 3, rank
            shares.append(d.shard(batches))
        self.assertEqual([3, 3, 3], [len(s) for s in shares])
        self.assertEqual(sorted(b[0] for s in shares for b in s), list(range(9)))
        single = train.Distributed.__new__(train.Distributed)
        single.world, single.rank = 1, 0
        self.assertIs(batches, single.shard(batches))

    def test_two_processes_under_torchrun_end_with_the_same_weights_and_train_on_twice_the_audio(self):
        env = {**os.environ, "OMP_NUM_THREADS": "1"}
        single, double = os.path.join(self.tmp, "single"), os.path.join(self.tmp, "double")
        tiny_work(single)
        shutil.copytree(single, double)
        run = subprocess.run([sys.executable, os.path.join(RECIPE, "train.py"), "--work", single, *TRAIN_ARGS],
                             capture_output=True, text=True, timeout=120, env=env)
        self.assertEqual(0, run.returncode, run.stderr[-2000:])
        # --redirects/--tee: torch 1.13's torchrun cannot parse its own defaults under Python 3.11.
        try:
            run = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--nproc_per_node=2",
                                  f"--master_port={free_port()}", "--redirects", "1", "--tee", "1",
                                  os.path.join(RECIPE, "train.py"), "--work", double, *TRAIN_ARGS],
                                 capture_output=True, text=True, timeout=180, env=env)
        except subprocess.TimeoutExpired:
            self.fail("the two ranks did not finish")
        self.assertEqual(0, run.returncode, run.stdout[-2000:] + run.stderr[-2000:])

        one, two = records(single), records(double)
        self.assertFalse([r for r in one if "replicas" in r], "a single process checks no replicas")
        self.assertEqual([{"step": 30, "replicas": 2, "max_parameter_difference": 0.0}],
                         [r for r in two if "replicas" in r])
        self.assertEqual(1, sum("training on" in line for line in run.stdout.splitlines()), "only rank 0 prints")
        for recs in (one, two):
            losses = [v for r in recs if "loss" in r for v in r["loss"].values()]
            losses += [e["loss"] for r in recs if "dev_synth" in r for e in r["dev_synth"].values()]
            self.assertTrue(losses and all(math.isfinite(v) for v in losses), losses)
        a, b = torch.load(os.path.join(single, "full.pt")), torch.load(os.path.join(double, "full.pt"))
        self.assertEqual((30, 30), (a["step"], b["step"]))
        # Each of the 30 steps took one batch per rank, each rank its own.
        self.assertAlmostEqual(2.0, b["audio_seconds"] / a["audio_seconds"], delta=0.3)
        self.assertEqual(a["config"], b["config"])


if __name__ == "__main__":
    unittest.main()
