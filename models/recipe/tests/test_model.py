"""Tests of the recipe's encoder (model.py): the front end's output lengths, which the training loop's CTC loss,
its filter of utterances too short for their transcripts and the exported graphs all rely on.

    /usr/bin/python3 -m unittest discover -s models/recipe/tests -v
"""
import os
import sys
import unittest

import torch

RECIPE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, RECIPE)
import model as M  # noqa: E402


class FrontEndTests(unittest.TestCase):

    def test_the_output_lengths_are_the_frames_the_convolutions_produce_at_either_factor(self):
        torch.manual_seed(0)
        for factor in (8, 4):
            front = M.ConvSubsampling(80, 16, channels=4, factor=factor)
            for frames in (15, 16, 17, 100, 301):
                produced = front(torch.randn(1, frames, 80)).shape[1]
                self.assertEqual(int(M.ConvSubsampling.output_lengths(torch.tensor(frames), factor)), produced,
                                 f"{frames} frames at {factor}x")

    def test_four_times_subsampling_keeps_twice_the_frames_of_eight_with_the_same_weights(self):
        eight, four = M.CtcEncoder(32, layers=2, subsampling=8), M.CtcEncoder(32, layers=2, subsampling=4)
        self.assertEqual({k: v.shape for k, v in eight.state_dict().items()},
                         {k: v.shape for k, v in four.state_dict().items()})
        one_second = torch.tensor(100)
        self.assertEqual(int(M.ConvSubsampling.output_lengths(one_second, 8)), 11)
        self.assertEqual(int(M.ConvSubsampling.output_lengths(one_second, 4)), 22)

    def test_a_factor_other_than_four_or_eight_is_refused(self):
        with self.assertRaises(ValueError):
            M.ConvSubsampling(80, 16, factor=2)


if __name__ == "__main__":
    unittest.main()
