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


class ConvolutionModuleTests(unittest.TestCase):

    def test_an_utterance_decodes_the_same_alone_as_beside_a_longer_one(self):
        for kernel in (0, 15):
            torch.manual_seed(1)
            net = M.CtcEncoder(32, d_model=32, heads=2, ff=48, layers=3, conv_kernel=kernel).eval()
            short, long = torch.randn(1, 120, 80), torch.randn(1, 200, 80)
            batch = torch.zeros(2, 200, 80)
            batch[0, :120], batch[1] = short[0], long[0]
            with torch.no_grad():
                alone, n = net(short, torch.tensor([120]), {3})
                together, lengths = net(batch, torch.tensor([120, 200]), {3})
            frames = int(n[0])
            self.assertEqual(int(lengths[0]), frames)
            self.assertTrue(torch.allclose(alone[3][0], together[3][0, :frames], atol=1e-5), f"kernel {kernel}")

    def test_the_plain_transformer_keeps_its_configuration_and_the_module_adds_its_weights(self):
        plain, conformer = M.CtcEncoder(32, layers=2), M.CtcEncoder(32, layers=2, conv_kernel=15)
        self.assertNotIn("conv_kernel", plain.config)
        self.assertEqual(conformer.config["conv_kernel"], 15)
        added = {k for k in conformer.state_dict()} - {k for k in plain.state_dict()}
        self.assertEqual(sorted(added)[0], "layers.0.conv.depthwise.bias")
        self.assertEqual(tuple(conformer.state_dict()["layers.0.conv.depthwise.weight"].shape), (144, 1, 15))
        with self.assertRaises(ValueError):
            M.CtcEncoder(32, layers=2, conv_kernel=4)


if __name__ == "__main__":
    unittest.main()
