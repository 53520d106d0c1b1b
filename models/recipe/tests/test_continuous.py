"""Tests of continuous training's foundations: reading an exported folder back into the encoder (reconstruct.py),
resuming from a checkpoint exactly where an unbroken run would be (train_continuous.py), and its learning-rate schedule.
Each test exports a tiny model of its own (a few seconds in all).

    /usr/bin/python3 -m unittest discover -s models/recipe/tests -v
"""
import json
import math
import os
import shutil
import sys
import tempfile
import unittest

import sentencepiece as spm
import torch

RECIPE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, RECIPE)
import train_continuous as continuous  # noqa: E402
import export  # noqa: E402
import model as M  # noqa: E402
import reconstruct  # noqa: E402
import text  # noqa: E402

TEXTS = [text.number_words(n) for n in range(120)]


def tiny_tokenizer(folder):
    """A 40-piece BPE model with the recipe's special pieces (blank 0, unk 1), as train.train_tokenizer makes it."""
    corpus = os.path.join(folder, "bpe.txt")
    with open(corpus, "w") as f:
        f.writelines(t + "\n" for t in TEXTS)
    spm.SentencePieceTrainer.train(input=corpus, model_prefix=os.path.join(folder, "bpe"), vocab_size=40,
                                   model_type="bpe", character_coverage=1.0, pad_id=0, pad_piece="<blank>",
                                   unk_id=1, bos_id=-1, eos_id=-1, num_threads=1, minloglevel=2)
    return spm.SentencePieceProcessor(model_file=os.path.join(folder, "bpe.model"))


def tiny_encoder(vocab, heads=2, subsampling=8, seed=0, conv_kernel=0):
    """Untrained weights moved off their initial values, so that no two tensors are alike (LayerNorm's ones and
    zeros would be) and a mix-up between them would show."""
    torch.manual_seed(seed)
    net = M.CtcEncoder(vocab, n_mels=80, d_model=32, heads=heads, ff=48, layers=4, dropout=0.0,
                       stochastic_depth=0.1, subsampling=subsampling, conv_kernel=conv_kernel)
    with torch.no_grad():
        for tensor in net.state_dict().values():
            tensor.add_(0.1 * torch.randn_like(tensor))
    return net.eval()


class ReconstructTests(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.sp = tiny_tokenizer(self.tmp)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def exported(self, net, exits):
        out = os.path.join(self.tmp, "model")
        shutil.rmtree(out, ignore_errors=True)
        export.export(net, self.sp, out, exits, "tiny")
        return out

    def test_export_then_reconstruct_gives_back_the_same_state_and_configuration(self):
        for heads, subsampling, conv_kernel in ((2, 8, 0), (4, 4, 0), (2, 8, 7)):
            net = tiny_encoder(self.sp.get_piece_size(), heads=heads, subsampling=subsampling, conv_kernel=conv_kernel)
            # Exit 3 keeps a subset of layers, as the shipped exits 4, 6 and 8 do.
            back, manifest = reconstruct.load_exported(
                self.exported(net, {2: [0, 1], 3: [0, 1, 3], 4: [0, 1, 2, 3]}), stochastic_depth=0.1, dropout=0.0)
            self.assertEqual(back.config, net.config)
            expected, got = net.state_dict(), back.state_dict()
            self.assertEqual(sorted(expected), sorted(got))
            for key in expected:
                self.assertTrue(torch.equal(expected[key], got[key]), f"{key} at {heads} heads, {subsampling}x")
            self.assertEqual(reconstruct.exit_layers(manifest), {2: [0, 1], 3: [0, 1, 3], 4: [0, 1, 2, 3]})

    def test_the_reconstructed_exits_compute_what_the_exported_ones_did(self):
        for conv_kernel in (0, 7):
            net = tiny_encoder(self.sp.get_piece_size(), conv_kernel=conv_kernel)
            back, _ = reconstruct.load_exported(self.exported(net, {2: [0, 1], 4: [0, 1, 2, 3]}))
            x, lengths = torch.randn(2, 130, 80), torch.tensor([130, 97])
            with torch.no_grad():
                for ids in ([0, 1], [0, 1, 2, 3], [0, 3]):
                    want, want_len = M.Exit(net, ids)(x, lengths)
                    got, got_len = M.Exit(back, ids)(x, lengths)
                    self.assertTrue(torch.equal(want, got) and torch.equal(want_len, got_len),
                                    f"layers {ids}, kernel {conv_kernel}")

    def test_a_layer_that_no_exit_keeps_is_reported_missing(self):
        net = tiny_encoder(self.sp.get_piece_size())
        with self.assertRaisesRegex(ValueError, r"layers\.2\."):
            reconstruct.load_exported(self.exported(net, {2: [0, 1], 4: [0, 1, 3]}))

    def test_a_tokenizer_other_than_the_exported_vocabulary_is_refused(self):
        folder = self.exported(tiny_encoder(self.sp.get_piece_size()), {2: [0, 1], 4: [0, 1, 2, 3]})
        with open(os.path.join(folder, "tokens.txt"), encoding="utf-8") as f:
            rows = f.read().splitlines()
        rows[5], rows[6] = rows[6].split()[0] + " 5", rows[5].split()[0] + " 6"
        with open(os.path.join(folder, "tokens.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(rows) + "\n")
        with self.assertRaisesRegex(ValueError, "first difference at id 5"):
            reconstruct.tokenizer(folder, self.tmp, os.path.join(self.tmp, "unused"))


class ContinuousTests(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.work = os.path.join(self.tmp, "work")
        os.makedirs(os.path.join(self.work, "data"))
        sp = tiny_tokenizer(self.work)
        self.model = os.path.join(self.tmp, "model")
        export.export(tiny_encoder(sp.get_piece_size()), sp, self.model, {2: [0, 1], 4: [0, 1, 2, 3]}, "tiny")
        g = torch.Generator().manual_seed(3)
        for split, n in (("train", 24), ("dev_synth", 4)):
            frames = [int(v) for v in torch.randint(120, 260, (n,), generator=g)]
            torch.save({"feats": [torch.randn(f, 80, generator=g).half() for f in frames],
                        "texts": [TEXTS[(7 * i) % len(TEXTS)] for i in range(n)]},
                       os.path.join(self.work, "data", split + ".pt"))

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def train(self, run_dir, steps, *options):
        # Batches of at most 800 frames: a few utterances each, so one pass over the data is several steps.
        args = continuous.parse_args(["--work", self.work, "--model", self.model, "--run-dir", run_dir,
                                      "--max-steps", str(steps), "--max-frames", "800", "--cycle-steps", "4",
                                      "--warmup", "2", "--log-every", "1", "--no-initial-eval", *options])
        return continuous.run(args)

    def test_a_run_stopped_and_resumed_ends_where_an_unbroken_run_does(self):
        straight, broken = os.path.join(self.tmp, "straight"), os.path.join(self.tmp, "broken")
        self.assertEqual(self.train(straight, 11), 11)
        self.assertEqual(self.train(broken, 5), 5)
        self.assertEqual(self.train(broken, 6), 11)
        a = torch.load(os.path.join(straight, continuous.CHECKPOINT))
        b = torch.load(os.path.join(broken, continuous.CHECKPOINT))
        self.assertGreater(a["epoch"], 0, "the run should cross a pass over the data")
        self.assertEqual((a["step"], a["epoch"], a["batch"]), (b["step"], b["epoch"], b["batch"]))
        for key, value in a["state"].items():
            self.assertTrue(torch.equal(value, b["state"][key]), key)
        moments = lambda c: [s["exp_avg"] for s in c["optimizer"]["state"].values()]
        for x, y in zip(moments(a), moments(b)):
            self.assertTrue(torch.equal(x, y))
        self.assertAlmostEqual(a["audio_seconds"], b["audio_seconds"], places=6)
        # Cycles of 4 steps: the weights at the ends of cycles 1 and 2 are kept for export.
        self.assertEqual(sorted(f for f in os.listdir(broken) if f.startswith("cycle-")),
                         ["cycle-001.pt", "cycle-002.pt"])
        with open(os.path.join(broken, continuous.LOG)) as f:
            events = [json.loads(line).get("event") for line in f]
        self.assertEqual([e for e in events if e], ["start", "stop", "resume", "stop"])

    def test_the_real_voice_augmentation_resumes_exactly_and_changes_what_the_model_hears(self):
        straight, broken = os.path.join(self.tmp, "straight"), os.path.join(self.tmp, "broken")
        plain = os.path.join(self.tmp, "plain")
        self.train(straight, 6, "--voice-augment", "1")
        self.train(broken, 3, "--voice-augment", "1")
        self.train(broken, 3, "--voice-augment", "1")
        self.train(plain, 6)
        a, b, c = (torch.load(os.path.join(d, continuous.CHECKPOINT)) for d in (straight, broken, plain))
        for key, value in a["state"].items():
            self.assertTrue(torch.equal(value, b["state"][key]), key)
        self.assertFalse(torch.equal(a["state"]["ctc.weight"], c["state"]["ctc.weight"]))
        self.assertNotAlmostEqual(a["audio_seconds"], c["audio_seconds"], places=2,
                                  msg="tempo perturbation changes how many frames the model hears")
        with open(os.path.join(straight, continuous.LOG)) as f:
            self.assertEqual(json.loads(f.readline())["voice_augment"], 1.0)

    def test_a_fresh_run_starts_from_the_exported_weights(self):
        run_dir = os.path.join(self.tmp, "run")
        self.train(run_dir, 1)
        ckpt = torch.load(os.path.join(run_dir, continuous.CHECKPOINT))
        shipped, _ = reconstruct.load_exported(self.model)
        self.assertEqual(ckpt["config"]["layers"], 4)
        self.assertTrue(torch.equal(ckpt["state"]["feat_mean"], shipped.feat_mean))
        changed = [k for k, v in shipped.state_dict().items() if not torch.equal(v, ckpt["state"][k])]
        self.assertIn("ctc.weight", changed, "one step should have moved the weights")
        self.assertEqual(ckpt["exit_layers"], {"2": [0, 1], "4": [0, 1, 2, 3]})


class ScheduleTests(unittest.TestCase):

    def lr(self, step):
        return continuous.learning_rate(step, peak=1e-3, cycle_steps=100, warmup=10, floor=0.05, peak_decay=0.5,
                                        min_peak=2e-4)

    def test_each_cycle_warms_up_to_its_peak_and_ends_at_the_floor(self):
        self.assertAlmostEqual(self.lr(0), 1e-4)
        self.assertAlmostEqual(self.lr(9), 1e-3 * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * 9 / 99))))
        self.assertAlmostEqual(self.lr(99), 1e-3 * 0.05)
        self.assertTrue(all(self.lr(s) > self.lr(s + 1) for s in range(9, 99)), "decreasing after the warm-up")
        self.assertGreater(self.lr(109), 5 * self.lr(99), "a restart")

    def test_later_cycles_restart_lower_but_never_below_the_minimum_peak(self):
        peaks = [max(self.lr(c * 100 + s) for s in range(100)) for c in range(5)]
        self.assertAlmostEqual(peaks[1] / peaks[0], 0.5)
        self.assertAlmostEqual(peaks[2] / peaks[0], 0.25)
        self.assertAlmostEqual(peaks[3] / peaks[0], 0.2, msg="held at the minimum peak")
        self.assertAlmostEqual(peaks[4], peaks[3])

if __name__ == "__main__":
    unittest.main()
