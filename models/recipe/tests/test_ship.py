"""Tests of the ship step's rule (ship.py): when a candidate replaces the shipped model, and how the model card's
generated section is rewritten.

    /usr/bin/python3 -m unittest discover -s models/recipe/tests -v
"""
import copy
import os
import sys
import unittest

RECIPE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, RECIPE)
import ship  # noqa: E402


def manifest(greedy, lm, version="4"):
    """Exits 2, 6 and 12 with the given WER on synth at each (greedy, with the LM); fsdd and an4 fixed."""
    return {"version": version, "exits": [
        {"depth": d, "layers": list(range(d)),
         "dev_wer": {"synth": greedy[i], "fsdd": 0.30, "an4": 0.50},
         "dev_wer_lm": {"synth": lm[i], "fsdd": 0.25, "an4": 0.1667}} for i, d in enumerate((2, 6, 12))]}


SHIPPED = manifest([0.86, 0.67, 0.54], [0.65, 0.44, 0.35])
GATES = ["synth", "fsdd"]


class DecisionTests(unittest.TestCase):

    def test_a_candidate_better_at_full_depth_and_no_worse_elsewhere_ships(self):
        ok, reasons = ship.decide(SHIPPED, manifest([0.865, 0.66, 0.52], [0.659, 0.43, 0.33]), GATES)
        self.assertTrue(ok, reasons)

    def test_full_depth_must_improve_with_the_language_model_too(self):
        ok, reasons = ship.decide(SHIPPED, manifest([0.86, 0.67, 0.50], [0.65, 0.44, 0.35]), GATES)
        self.assertFalse(ok)
        self.assertEqual(len(reasons), 1)
        self.assertIn("dev_wer_lm.synth does not improve", reasons[0])

    def test_an_exit_worse_by_more_than_a_point_on_a_gating_set_blocks_it(self):
        candidate = manifest([0.86, 0.67, 0.50], [0.65, 0.44, 0.33])
        candidate["exits"][1]["dev_wer"]["fsdd"] = 0.312
        ok, reasons = ship.decide(SHIPPED, candidate, GATES)
        self.assertFalse(ok)
        self.assertEqual(reasons, ["exit 6 dev_wer.fsdd worse by 1.2 points (0.3000 -> 0.3120)"])

    def test_a_set_that_does_not_gate_is_not_held_against_it(self):
        candidate = manifest([0.86, 0.67, 0.50], [0.65, 0.44, 0.33])
        candidate["exits"][2]["dev_wer_lm"]["an4"] = 0.25  # one word of an4's twelve
        self.assertTrue(ship.decide(SHIPPED, candidate, GATES)[0])

    def test_a_candidate_without_the_java_measurements_is_not_shipped(self):
        candidate = copy.deepcopy(SHIPPED)
        for e in candidate["exits"]:
            del e["dev_wer_lm"]
        ok, reasons = ship.decide(SHIPPED, candidate, GATES)
        self.assertFalse(ok)
        self.assertIn("not measured", reasons[0])


class CardTests(unittest.TestCase):

    def test_only_the_generated_section_is_rewritten(self):
        card = f"# title\n\nabove\n{ship.BEGIN}\nold table\n{ship.END}\n\nbelow\n"
        new = manifest([0.8, 0.6, 0.5], [0.6, 0.4, 0.3], version="5")
        new["training"] = {"steps": 40000, "train_seconds": 9000, "audio_seconds": 1.5e6}
        out = ship.with_card_section(card, ship.card_section(new))
        self.assertTrue(out.startswith("# title\n\nabove\n" + ship.BEGIN))
        self.assertTrue(out.endswith(ship.END + "\n\nbelow\n"))
        self.assertNotIn("old table", out)
        self.assertIn("Model version 5: 40,000 training steps in all, 2.50 hours", out)
        self.assertIn("| 12 | 1,2,3,4,5,6,7,8,9,10,11,12 | 50.0% | 30.0% | 50.0% | 30.0% | 25.0% | 16.7% |", out)

    def test_a_card_without_the_markers_is_refused(self):
        with self.assertRaises(SystemExit):
            ship.with_card_section("# no markers\n", ship.card_section(SHIPPED))


if __name__ == "__main__":
    unittest.main()
