"""Tests of the real-voice augmentation on log-mel features (voices.py).

    /usr/bin/python3 -m unittest discover -s models/recipe/tests -v
"""
import math
import os
import sys
import unittest

import torch

RECIPE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, RECIPE)
import features  # noqa: E402
import voices  # noqa: E402

SILENCE = math.log(features.LOG_OFFSET)


def tone(hz, seconds=1.0, amplitude=0.3):
    t = torch.arange(int(features.SAMPLE_RATE * seconds), dtype=torch.float32) / features.SAMPLE_RATE
    return features.log_mel(amplitude * torch.sin(2 * math.pi * hz * t))


def peak_bin(x):
    return int(x.mean(dim=0).argmax())


class VocalTractTests(unittest.TestCase):

    def test_a_factor_of_one_changes_nothing(self):
        x = tone(1000)
        self.assertTrue(torch.allclose(voices.vtlp(x, 1.0), x, atol=1e-5))

    def test_a_shorter_vocal_tract_moves_a_formant_up_and_a_longer_one_down(self):
        x = tone(1500)
        self.assertGreater(peak_bin(voices.vtlp(x, 1.12)), peak_bin(x))
        self.assertLess(peak_bin(voices.vtlp(x, 0.88)), peak_bin(x))
        # 1500 Hz scaled by 1.12 is about 1680 Hz: the peak lands on the filter nearest to that.
        nearest = int((voices.CENTRES_HZ - 1500 * 1.12).abs().argmin())
        self.assertLessEqual(abs(peak_bin(voices.vtlp(x, 1.12)) - nearest), 1)

    def test_the_top_filter_stays_in_place(self):
        ramp = torch.linspace(-5.0, 5.0, features.NUM_MEL_BINS).repeat(3, 1)
        for alpha in (0.88, 1.12):
            warped = voices.vtlp(ramp, alpha)
            self.assertAlmostEqual(float(warped[0, -1]), float(ramp[0, -1]), places=4)


class TempoTests(unittest.TestCase):

    def test_a_faster_tempo_has_proportionally_fewer_frames_and_keeps_the_spectrum(self):
        x = tone(800, seconds=2.0)
        faster, slower = voices.tempo(x, 1.1), voices.tempo(x, 0.9)
        self.assertEqual(faster.shape[0], round(x.shape[0] / 1.1))
        self.assertEqual(slower.shape[0], round(x.shape[0] / 0.9))
        self.assertEqual(peak_bin(faster), peak_bin(x))

    def test_frames_are_interpolated_between_their_neighbours(self):
        x = torch.arange(10, dtype=torch.float32)[:, None].repeat(1, features.NUM_MEL_BINS)
        self.assertTrue(torch.allclose(voices.tempo(x, 0.5)[:, 0], torch.tensor(
            [0, .5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7, 7.5, 8, 8.5, 9, 9, ])))


class ColouringTests(unittest.TestCase):

    def test_digital_silence_stays_silent_under_an_equaliser(self):
        silent = torch.full((20, features.NUM_MEL_BINS), SILENCE)
        self.assertTrue(torch.allclose(voices.equalise(silent, voices.generator(1, 0)), silent, atol=1e-4))

    def test_the_equaliser_is_a_smooth_curve_of_bounded_gain(self):
        x = torch.randn(20, features.NUM_MEL_BINS)  # band powers far above the log offset
        gain = (voices.equalise(x, voices.generator(2, 0)) - x) / voices.LN_PER_DB
        # The same curve on every frame, no steeper than the tilt and the cosines allow between neighbours.
        self.assertTrue(torch.allclose(gain, gain[0].expand_as(gain), atol=1e-2))
        bound = voices.TILT_DB + voices.GAIN_DB + voices.CURVE_DB * sum(4 / k for k in range(1, voices.CURVES + 1))
        self.assertLess(float(gain.abs().max()), bound)
        self.assertLess(float((gain[0, 1:] - gain[0, :-1]).abs().max()), 2.0)

    def test_a_noise_floor_fills_the_silences_and_leaves_loud_speech_almost_unchanged(self):
        speech = torch.cat([tone(1000, seconds=0.5), torch.full((50, features.NUM_MEL_BINS), SILENCE)])
        noisy = voices.noise_floor(speech, voices.generator(3, 0))
        self.assertGreater(float(noisy[-50:].mean()), SILENCE + 5)
        loud = speech[:40].mean(dim=0).argmax()
        # At least 8 dB below the speech level: the tone's own filter moves by well under 1 dB on average.
        self.assertLess(float((noisy[:40, loud] - speech[:40, loud]).mean()) / voices.LN_PER_DB, 1.0)


class AugmentTests(unittest.TestCase):

    def test_nothing_happens_with_probability_zero(self):
        x = tone(700)
        self.assertIs(voices.augment(x, voices.generator(1, 5), p=0.0), x)

    def test_the_same_seed_and_step_give_the_same_augmentation_and_another_step_another(self):
        x = tone(700)
        a = voices.augment(x, voices.generator(4, 7))
        b = voices.augment(x, voices.generator(4, 7))
        c = voices.augment(x, voices.generator(4, 8))
        self.assertTrue(torch.equal(a, b))
        self.assertFalse(a.shape == c.shape and torch.equal(a, c))

    def test_a_batch_leaves_the_stored_half_precision_features_alone(self):
        stored = [tone(500).half(), tone(900).half()]
        kept = [f.clone() for f in stored]
        out = voices.batch(stored, [1, 0], voices.generator(5, 0), p=1.0)
        self.assertEqual([o.dtype for o in out], [torch.float32, torch.float32])
        for f, k in zip(stored, kept):
            self.assertTrue(torch.equal(f, k))


if __name__ == "__main__":
    unittest.main()
