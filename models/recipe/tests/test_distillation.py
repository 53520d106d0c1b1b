"""Tests of the shallow exits' self-distillation from the full depth (train.distillation_loss).

    /usr/bin/python3 -m unittest discover -s models/recipe/tests -v
"""
import os
import sys
import unittest

import torch

RECIPE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, RECIPE)
import train  # noqa: E402


def log_probs(*shape, seed):
    return torch.log_softmax(torch.randn(*shape, generator=torch.Generator().manual_seed(seed)), dim=-1)


class DistillationLossTests(unittest.TestCase):

    def test_an_exit_that_matches_the_full_depth_costs_nothing(self):
        full = log_probs(2, 7, 5, seed=1)
        loss = train.distillation_loss({6: full.clone(), 12: full}, torch.tensor([7, 4]))
        self.assertAlmostEqual(float(loss), 0.0, places=6)

    def test_it_is_the_kl_divergence_over_the_frames_inside_the_utterances_per_utterance(self):
        full, exit6 = log_probs(2, 7, 5, seed=1), log_probs(2, 7, 5, seed=2)
        lengths = torch.tensor([7, 4])
        frames = [(b, t) for b in range(2) for t in range(int(lengths[b]))]
        expected = sum(float(torch.sum(full[b, t].exp() * (full[b, t] - exit6[b, t]))) for b, t in frames) / 2
        loss = train.distillation_loss({6: exit6, 12: full}, lengths)
        self.assertAlmostEqual(float(loss), expected, places=5)
        self.assertGreater(float(loss), 0.0)

    def test_padded_frames_count_for_nothing(self):
        full, exit6 = log_probs(1, 6, 5, seed=3), log_probs(1, 6, 5, seed=4)
        changed = exit6.clone()
        changed[0, 4:] = log_probs(2, 5, seed=5)
        lengths = torch.tensor([4])
        self.assertAlmostEqual(float(train.distillation_loss({6: exit6, 12: full}, lengths)),
                               float(train.distillation_loss({6: changed, 12: full}, lengths)), places=6)

    def test_the_full_depth_is_a_fixed_teacher_and_only_the_exits_learn(self):
        full = log_probs(1, 5, 4, seed=6).requires_grad_()
        exit4 = log_probs(1, 5, 4, seed=7).requires_grad_()
        train.distillation_loss({4: exit4, 12: full}, torch.tensor([5])).backward()
        self.assertIsNone(full.grad)
        self.assertGreater(float(exit4.grad.abs().sum()), 0.0)

    def test_the_mean_is_over_the_shallower_exits(self):
        full, a, b = log_probs(1, 5, 4, seed=8), log_probs(1, 5, 4, seed=9), log_probs(1, 5, 4, seed=10)
        lengths = torch.tensor([5])
        one = lambda e: float(train.distillation_loss({2: e, 12: full}, lengths))
        self.assertAlmostEqual(float(train.distillation_loss({2: a, 4: b, 12: full}, lengths)),
                               (one(a) + one(b)) / 2, places=5)
        self.assertEqual(float(train.distillation_loss({12: full}, lengths)), 0.0)


if __name__ == "__main__":
    unittest.main()
