"""Tests of the recipe's word language model (lm.py, text.py): its text holds no development or tuning
sentence, and the file it writes scores an unknown word as one rare word.

    /usr/bin/python3 -m unittest discover -s models/recipe/tests -v

Needs IRSTLM and the texts that setup.sh installs (fortunes, wamerican) and ../shared/data.
"""
import gzip
import math
import os
import sys
import tempfile
import unittest

RECIPE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, RECIPE)
import lm  # noqa: E402
import text  # noqa: E402


def unigrams(path):
    opener = gzip.open if path.endswith(".gz") else open
    out, section = {}, None
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("\\"):
                section = line.strip()
            elif section == "\\1-grams:" and line.strip():
                fields = line.rstrip("\n").split("\t")
                out[fields[1]] = float(fields[0])
    return out


class LanguageModelTextTests(unittest.TestCase):

    def test_no_development_or_tuning_sentence_is_in_the_language_models_text(self):
        split = text.split(seed=1)
        self.assertTrue(split.tune)
        self.assertFalse(set(split.lm) & set(split.dev + split.tune))
        # Not even inside a longer line: a held-out chunk of ten words or more is nowhere in the text.
        corpus = "\n".join(split.lm)
        long_chunks = [c for c in split.dev + split.tune if len(c.split()) >= 10]
        self.assertGreater(len(long_chunks), 100)
        self.assertEqual([], [c for c in long_chunks if c in corpus])


class LanguageModelFileTests(unittest.TestCase):

    def test_an_unknown_word_is_scored_as_one_of_a_million_rare_words(self):
        lines = [n for n in (text.normalise(l) for l in text.librispeech_lines()) if n]
        with tempfile.TemporaryDirectory() as tmp:
            arpa, packed = os.path.join(tmp, "lm.arpa"), os.path.join(tmp, "lm.arpa.gz")
            lm.estimate(lines, 3, arpa)
            vocabulary = lm.spread_unknown(arpa, packed)
            before, after = unigrams(arpa), unigrams(packed)

        self.assertEqual(len(before), vocabulary)
        self.assertLessEqual({"<s>", "</s>", "<unk>", "the", "of"}, set(after))
        self.assertAlmostEqual(before["<unk>"] - math.log10(lm.DICTIONARY_UPPER_BOUND - vocabulary),
                               after["<unk>"], places=5)
        self.assertLess(after["<unk>"], min(p for w, p in after.items() if w != "<unk>"))
        self.assertEqual({w: p for w, p in before.items() if w != "<unk>"},
                         {w: p for w, p in after.items() if w != "<unk>"})


if __name__ == "__main__":
    unittest.main()
