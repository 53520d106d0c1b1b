"""Tests of the recipe's data builder (synth.py, text.py) with the real voices: every engine speaks, festival's
batches give the same audio as one process per line, a build holds no more open files than it must, and the
development sets stay out of training.

    /usr/bin/python3 -m unittest discover -s models/recipe/tests -v

Needs the voices and texts that setup.sh installs (espeak-ng, flite, festival and its voices, fortunes,
wamerican) and ../shared/data.
"""
import os
import random
import subprocess
import sys
import tempfile
import textwrap
import unittest

import torch

RECIPE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, RECIPE)
import features  # noqa: E402
import synth  # noqa: E402
import text  # noqa: E402

LINE = "the quick brown fox jumps over the lazy dog"


def seed_for(engine):
    """The first seed whose line synth.py gives to this engine."""
    return next(s for s in range(1000) if synth.draw_voice(random.Random(s))[0] == engine)


class EngineTests(unittest.TestCase):

    def test_every_engine_speaks_a_line_as_seconds_of_audible_sixteen_kilohertz_audio(self):
        for engine in ("espeak", "flite", "festival"):
            with self.subTest(engine=engine):
                samples, voice = synth.synthesise(LINE, random.Random(seed_for(engine)))
                seconds = samples.numel() / synth.SR
                self.assertTrue(1.0 < seconds < 8.0, f"{voice}: {seconds:.2f} s for nine words")
                self.assertGreater(float(samples.abs().max()), 0.05, f"{voice} is silent")
                self.assertTrue(bool(torch.isfinite(samples).all()))

    def test_festival_batches_speak_every_line_exactly_as_one_process_per_line_would(self):
        lines = [LINE, "seven three nine", "please repeat that"]
        seeds = [s for s in range(2000) if synth.draw_voice(random.Random(s))[0] == "festival"][:12]
        jobs = [("tts", f"t{i}", lines[i % len(lines)], seed, False) for i, seed in enumerate(seeds)]
        with tempfile.TemporaryDirectory() as rendered:
            batches = synth.festival_batches(jobs, rendered)
            self.assertEqual(len(seeds), sum(len(items) for _, items in batches))
            for batch in batches:
                synth.render_festival(batch)
            self.assertEqual(len(seeds), len(os.listdir(rendered)))
            for kind, key, line, seed, _ in jobs[:3]:
                batched, voice = synth.synthesise(line, random.Random(seed), os.path.join(rendered, key + ".wav"))
                alone, _ = synth.synthesise(line, random.Random(seed))
                self.assertTrue(torch.equal(batched, alone), f"{voice} speaks '{line}' differently in a batch")


class AugmentationTests(unittest.TestCase):

    def test_augmentation_is_reproducible_from_its_seed_and_stays_within_full_scale(self):
        x = synth.read_wav(synth.real_data()[0][0][1][0])
        for seed in range(20):
            a = synth.augment(x.clone(), torch.Generator().manual_seed(seed))
            b = synth.augment(x.clone(), torch.Generator().manual_seed(seed))
            self.assertTrue(torch.equal(a, b))
            self.assertTrue(bool(torch.isfinite(a).all()))
            self.assertLessEqual(float(a.abs().max()), 1.0)
            # speed 0.9/1.1 and up to 0.6 s of padding at most
            self.assertLess(abs(a.numel() - x.numel()), 0.15 * x.numel() + 0.6 * synth.SR)


class BuildTests(unittest.TestCase):

    def test_a_build_of_more_utterances_than_open_files_allowed_completes(self):
        # The workers' results must travel by value: shared-memory tensors keep a descriptor open each, and a
        # build larger than the limit failed with "received 0 items of ancdata" and then hung.
        script = textwrap.dedent(f"""
            import resource, sys
            sys.path.insert(0, {RECIPE!r})
            import synth
            resource.setrlimit(resource.RLIMIT_NOFILE, (64, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
            fsdd = synth.real_data()[0][:200]
            jobs = [("fsdd", key, value, i, i % 2 == 1) for i, (key, value) in enumerate(fsdd)]
            synth.build(jobs, sys.argv[1], workers=2)
        """)
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "train.pt")
            try:
                run = subprocess.run([sys.executable, "-c", script, out], capture_output=True, text=True, timeout=120)
            except subprocess.TimeoutExpired:
                self.fail("the build hung with 64 open files allowed")
            self.assertEqual(0, run.returncode, run.stderr[-2000:])
            built = torch.load(out)
            self.assertEqual(200, len(built["feats"]))
            self.assertEqual(features.NUM_MEL_BINS, built["feats"][0].shape[1])
            self.assertEqual(torch.float16, built["feats"][0].dtype)


class HoldOutTests(unittest.TestCase):

    def test_no_development_sentence_is_trained_on(self):
        train, dev = text.corpora(seed=1)
        self.assertEqual(300, len(dev))
        self.assertFalse(set(dev) & set(train))

    def test_the_development_speaker_and_the_an4_test_files_are_kept_out_of_training(self):
        fsdd_train, fsdd_dev, an4_train, an4_dev = synth.real_data()
        self.assertEqual({synth.DEV_FSDD_SPEAKER}, {key.split("_")[1] for key, _ in fsdd_dev})
        self.assertNotIn(synth.DEV_FSDD_SPEAKER, {key.split("_")[1] for key, _ in fsdd_train})
        self.assertTrue(an4_dev)
        self.assertTrue(all("/test_wav/" in path for _, (path, _) in an4_dev))
        self.assertFalse(any("/test_wav/" in path for _, (path, _) in an4_train))


if __name__ == "__main__":
    unittest.main()
