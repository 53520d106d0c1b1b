"""Tests of the recipe's word language model (lm.py, text.py, cmulm.py, interpolate.py): its text holds no
development or tuning sentence, the file it writes scores an unknown word as one rare word, the reader of
sphinxbase's trie binary scores as sphinxbase does, and the interpolated model mixes and stays normalised.

    /usr/bin/python3 -m unittest discover -s models/recipe/tests -v

Needs IRSTLM, python3-sphinxbase, the texts that setup.sh installs (fortunes, wamerican) and ../shared/data.
"""
import gzip
import math
import os
import sys
import tempfile
import unittest

RECIPE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, RECIPE)
import cmulm  # noqa: E402
import interpolate  # noqa: E402
import lm  # noqa: E402
import text  # noqa: E402

import numpy as np  # noqa: E402


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


def small_model(tmp, lines, order, name):
    """An IRSTLM model of `lines`, as ARPA text in `tmp`."""
    path = os.path.join(tmp, name)
    lm.estimate(lines, order, path)
    return path


def librispeech(first, count):
    lines = [n for n in (text.normalise(l) for l in text.librispeech_lines()) if n]
    return lines[first:first + count]


def distribution_mass(model, history):
    """The sum over the vocabulary of p(w | history) (<s> included: IRSTLM's models give it some)."""
    return sum(10 ** interpolate.log10_prob(model, history, w) for w in model.words)


class TrieReaderTests(unittest.TestCase):

    def test_the_arpa_written_from_a_trie_binary_scores_as_sphinxbase_scores_the_binary(self):
        from sphinxbase.sphinxbase import NGramModel
        with tempfile.TemporaryDirectory() as tmp:
            arpa = small_model(tmp, librispeech(0, 400), 3, "small.arpa")
            binary = os.path.join(tmp, "small.lm.bin")
            model = NGramModel(arpa)
            model.write(binary, model.str_to_type("bin"))
            trie = cmulm.read_trie(binary)
            out = os.path.join(tmp, "out.arpa")
            counts = cmulm.write_arpa(trie, out, normalised=False)
            checked, worst = cmulm.verify(trie, out, 300, binary=binary)
            source = interpolate.read_arpa(arpa)

        self.assertEqual(source.counts()[0], counts[0])
        self.assertGreaterEqual(counts[1], source.counts()[1])  # and sphinxbase's entries that reach 3-grams
        self.assertEqual(source.counts()[2], counts[2])
        self.assertGreater(checked, 600)
        self.assertLessEqual(worst, 2 * cmulm.LOG10_OF_BASE)

    def test_words_are_folded_to_what_the_acoustic_model_spells(self):
        self.assertEqual("b", cmulm.fold("b."))
        self.assertEqual("b's", cmulm.fold("b.'s"))
        self.assertEqual("em", cmulm.fold("'em"))
        self.assertEqual("don't", cmulm.fold("Don't"))
        self.assertEqual("</s>", cmulm.fold("</s>"))
        self.assertIsNone(cmulm.fold("african-american"))
        self.assertIsNone(cmulm.fold("read(2)"))
        self.assertIsNone(cmulm.fold("4th"))

    def test_words_that_fold_together_are_merged_and_unspellable_ones_dropped(self):
        words = ["<s>", "</s>", "a", "a.", "x-ray", "cat"]
        log10 = np.log10
        trie = cmulm.Trie(words, log10([0.05, 0.2, 0.3, 0.1, 0.05, 0.3]), np.array([-0.5, 0, -0.2, -0.3, -0.1, -0.4]),
                          (np.array([0, 0, 0, 2]), np.array([2, 3, 4, 5]), log10([0.4, 0.2, 0.1, 0.5]),
                           np.array([-0.1, -0.2, 0, 0])),
                          (np.array([0, 0]), np.array([2, 3]), np.array([5, 5]), log10([0.6, 0.3])))
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "out.arpa")
            counts = cmulm.write_arpa(trie, out)
            model = interpolate.read_arpa(out)

        self.assertEqual((4, 2, 1), counts)
        self.assertEqual(["</s>", "<s>", "a", "cat"], sorted(model.words))
        self.assertAlmostEqual(log10(0.4), model.uni_p[model.index["a"]], places=5)
        self.assertAlmostEqual(log10(0.6), interpolate.log10_prob(model, ["<s>"], "a"), places=5)
        self.assertAlmostEqual(log10(0.9), interpolate.log10_prob(model, ["<s>", "a"], "cat"), places=5)
        # the merged n-gram's back-off weight is its most probable member's
        self.assertAlmostEqual(-0.1, float(model.bi[3][(model.bi[0] == model.index["<s>"])
                                                       & (model.bi[1] == model.index["a"])][0]), places=5)


class InterpolationTests(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        with tempfile.TemporaryDirectory() as tmp:
            cls.first = interpolate.read_arpa(small_model(tmp, librispeech(0, 300), 3, "first.arpa"))
            cls.second = interpolate.read_arpa(small_model(tmp, librispeech(300, 300), 3, "second.arpa"))
            # the same text at another order: the same vocabulary, so a mixture of the two is a distribution
            cls.bigram = interpolate.read_arpa(small_model(tmp, librispeech(0, 300), 2, "bigram.arpa"))

    def test_the_listed_ngrams_are_the_weighted_sums_of_both_models(self):
        weight = 0.3
        mixed = interpolate.mix(self.first, self.second, weight)
        rng = np.random.default_rng(1)
        checked = 0
        for order, table in ((2, mixed.bi), (3, mixed.tri)):
            for i in rng.choice(len(table[0]), 200, replace=False):
                gram = [mixed.words[table[k][i]] for k in range(order)]
                expected = math.log10(weight * 10 ** interpolate.log10_prob(self.first, gram[:-1], gram[-1])
                                      + (1 - weight) * 10 ** interpolate.log10_prob(self.second, gram[:-1], gram[-1]))
                self.assertAlmostEqual(expected, interpolate.log10_prob(mixed, gram[:-1], gram[-1]), places=5)
                checked += 1
        self.assertEqual(400, checked)
        self.assertEqual(set(self.first.words) | set(self.second.words), set(mixed.words))

    def test_a_mixture_of_two_distributions_over_one_vocabulary_is_a_distribution_in_every_context(self):
        self.assertEqual(set(self.first.words), set(self.bigram.words))
        mixed = interpolate.mix(self.first, self.bigram, 0.6)
        contexts = [[], ["the"], ["<s>"], ["of", "the"], ["<s>", "the"], ["in", "a"], ["zebra"]]
        for history in contexts:
            for model in (self.first, self.bigram, mixed):
                self.assertAlmostEqual(1.0, distribution_mass(model, history), places=4, msg=str(history))

    def test_an_unknown_word_stays_one_rare_word_in_the_mixture(self):
        with tempfile.TemporaryDirectory() as tmp:
            spread = os.path.join(tmp, "spread.arpa")
            lm.spread_unknown(small_model(tmp, librispeech(0, 300), 3, "raw.arpa"), spread)
            recipe = interpolate.read_arpa(spread)
        other = interpolate.Arpa(["<s>", "</s>", "the", "zebra"], [-99, -1, -0.5, -3], [0, 0, 0, 0],
                                 ([], [], [], []), ([], [], [], []))
        mixed = interpolate.mix(recipe, other, 0.5, (None, -8.0))
        rarest = min(p for w, p in zip(mixed.words, mixed.uni_p) if w not in ("<unk>", "<s>"))
        unknown = mixed.uni_p[mixed.index["<unk>"]]
        self.assertAlmostEqual(math.log10(0.5 * 10 ** recipe.uni_p[recipe.index["<unk>"]] + 0.5e-8), unknown,
                               places=6)
        self.assertLess(unknown, rarest)
        self.assertIn("zebra", mixed.index)

    def test_pruning_shrinks_the_model_and_keeps_its_contexts_normalised(self):
        with tempfile.TemporaryDirectory() as tmp:
            full = os.path.join(tmp, "full.arpa")
            mixed = interpolate.mix(self.first, self.bigram, 0.6)
            interpolate.write_arpa(mixed, full)
            pruned = os.path.join(tmp, "pruned.arpa")
            lm.prune(full, pruned, 1e-4)
            model = interpolate.read_arpa(pruned)
        self.assertEqual(len(mixed.words), model.counts()[0])
        self.assertLess(sum(model.counts()[1:]), sum(mixed.counts()[1:]) / 2)
        for history in ([], ["the"], ["of", "the"]):
            self.assertAlmostEqual(1.0, distribution_mass(model, history), places=4)

    def test_the_packed_model_is_the_same_bytes_every_time(self):
        with tempfile.TemporaryDirectory() as tmp:
            arpa = os.path.join(tmp, "m.arpa")
            interpolate.write_arpa(self.bigram, arpa)
            packed = []
            for name in ("a.arpa.gz", "b.arpa.gz"):
                lm.gzip_file(arpa, os.path.join(tmp, name))
                with open(os.path.join(tmp, name), "rb") as f:
                    packed.append(f.read())
            with gzip.open(os.path.join(tmp, "a.arpa.gz"), "rt", encoding="utf-8") as f, open(arpa) as g:
                self.assertEqual(g.read(), f.read())
        self.assertEqual(packed[0], packed[1])
        self.assertEqual(b"\0\0\0\0", packed[0][4:8])  # gzip's mtime field


if __name__ == "__main__":
    unittest.main()
