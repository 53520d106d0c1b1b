"""Reads CMU Sphinx's generic US-English 3-gram (Debian's pocketsphinx-en-us,
/usr/share/pocketsphinx/model/en-us/en-us.lm.bin, BSD-2, Copyright (c) Carnegie Mellon University) out of
sphinxbase's binary trie format and writes it as an ARPA back-off model, so that lm.py can merge it with the
recipe's own model.

Why a reader here: Debian's `sphinx_lm_convert` stops at an assertion after the unigrams of this file, and the
Python bindings (python3-sphinxbase) score word sequences but expose no n-gram iterator. The format, learnt from
sphinxbase's ngram_model_trie.c, lm_trie.c, lm_trie_quant.c and bitarr.c (read, not copied):

  "Trie Language Model" (19 bytes, no NUL), uint8 order, uint32 count per order;
  int32 (unused), the quantiser's tables: per middle order 2^16 float32 probability centres then 2^16 back-off
    centres, then 2^16 float32 probability centres of the highest order;
  (count[0] + 1) unigrams {float32 prob, float32 backoff, uint32 first child};
  one bit-packed array per order above 1, entries of
    word id (bits to hold count[0]) | back-off bin (16) | probability bin (16) | first child (bits to hold
    count[n+1])  for the middle orders, and  word id | probability bin (16)  for the highest,
    each array followed by one more entry (its last child end) and 8 bytes of padding; bits are numbered from the
    least significant bit of each little-endian byte;
  int32 byte length, then the words, NUL-terminated, in id order.

The trie is reversed (KenLM's layout): a unigram's children are the words *before* it, so the path
w3 -> w2 -> w1 holds the 3-gram "w1 w2 w3". Scores are in the units of sphinxbase's log table, log base 1.0001
(its default, which the file assumes): log10 = value * log10(1.0001). Entries sphinxbase inserted to make a
longer n-gram reachable (an n-gram missing below a longer one: their probability is the back-off one, their
back-off weight 0) are written as ordinary n-grams, which leaves every standard back-off score unchanged.

    /usr/bin/python3 cmulm.py [--out work/lm-task/cmu.arpa] [--verify 300]
"""
import argparse
import math
import os
import random
import re
import struct
import sys

import numpy as np

CMU_LM = "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin"
HEADER = b"Trie Language Model"
LOG10_OF_BASE = math.log10(1.0001)
QUANT_BITS = 16

# What the acoustic model can spell (models/gearbox-en/tokens.txt): lowercase letters and the apostrophe.
SPELLABLE = re.compile(r"[a-z']+")
MARKERS = ("<s>", "</s>", "<unk>")


def required_bits(max_value):
    return int(max_value).bit_length()


class Trie:
    """The n-grams of one trie file as arrays of word ids and log10 values (orders 1 to 3)."""

    def __init__(self, words, unigram_prob, unigram_bo, bigrams, trigrams):
        self.words = words
        self.unigram_prob = unigram_prob
        self.unigram_bo = unigram_bo
        self.bigrams = bigrams  # (first word, second word, log10 prob, log10 back-off)
        self.trigrams = trigrams  # (first, second, third, log10 prob)


def _fields(buffer, entries, total_bits, start_bit, length):
    """Reads a `length`-bit field (at most 25 bits) at bit `start_bit` of each of `entries` packed entries."""
    offsets = np.arange(entries, dtype=np.int64) * total_bits + start_bit
    byte = offsets >> 3
    shift = (offsets & 7).astype(np.uint64)
    # Four bytes little-endian from each entry's first byte cover 25 bits at any shift below 8.
    value = np.zeros(entries, dtype=np.uint64)
    for k in range(4):
        value |= buffer[byte + k].astype(np.uint64) << np.uint64(8 * k)
    return ((value >> shift) & np.uint64((1 << length) - 1)).astype(np.int64)


def read_trie(path=CMU_LM):
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(HEADER):
        raise SystemExit(f"{path}: not a sphinxbase trie language model")
    at = len(HEADER)
    order = data[at]
    at += 1
    if order != 3:
        raise SystemExit(f"{path}: order {order}; this reader handles 3-grams")
    counts = struct.unpack_from(f"<{order}I", data, at)
    at += 4 * order + 4  # and the unused int32 before the quantiser
    middle_prob = np.frombuffer(data, np.float32, 1 << QUANT_BITS, at)
    middle_bo = np.frombuffer(data, np.float32, 1 << QUANT_BITS, at + 4 * (1 << QUANT_BITS))
    longest_prob = np.frombuffer(data, np.float32, 1 << QUANT_BITS, at + 8 * (1 << QUANT_BITS))
    at += 12 * (1 << QUANT_BITS)
    unigrams = np.frombuffer(data, np.dtype([("prob", "<f4"), ("bo", "<f4"), ("next", "<u4")]),
                             counts[0] + 1, at)
    at += 12 * (counts[0] + 1)

    word_bits = required_bits(counts[0])
    next_bits = required_bits(counts[2])
    middle_total = word_bits + 2 * QUANT_BITS + next_bits
    middle_bytes = ((1 + counts[1]) * middle_total + 7) // 8 + 8
    longest_total = word_bits + QUANT_BITS
    longest_bytes = ((1 + counts[2]) * longest_total + 7) // 8 + 8
    middle = np.frombuffer(data, np.uint8, middle_bytes, at)
    at += middle_bytes
    longest = np.frombuffer(data, np.uint8, longest_bytes, at)
    at += longest_bytes
    (length,) = struct.unpack_from("<i", data, at)
    at += 4
    words = [w.decode("utf-8") for w in data[at:at + length].split(b"\0")[:-1]]
    if len(words) != counts[0] or at + length != len(data):
        raise SystemExit(f"{path}: {len(words)} words for {counts[0]} unigrams, {len(data) - at - length} bytes left")

    # Level 2: entry i is a child of unigram u when next[u] <= i < next[u + 1]. The header's counts size the
    # arrays; the entries in use end where the last unigram's (the sentinel's) pointer says, which can be a few
    # short of the count, and each array's end is written in the entry after its last one.
    used2 = int(unigrams["next"][-1])
    if used2 > counts[1]:
        raise SystemExit(f"{path}: the unigrams point at {used2} 2-grams, more than the {counts[1]} declared")
    m_word = _fields(middle, used2, middle_total, 0, word_bits)
    m_bo = _fields(middle, used2, middle_total, word_bits, QUANT_BITS)
    m_prob = _fields(middle, used2, middle_total, word_bits + QUANT_BITS, QUANT_BITS)
    m_next = _fields(middle, used2 + 1, middle_total, word_bits + 2 * QUANT_BITS, next_bits)
    parent = np.repeat(np.arange(counts[0]), np.diff(unigrams["next"].astype(np.int64)))
    # Level 3: entry j is a child of 2-gram entry i when m_next[i] <= j < m_next[i + 1].
    used3 = int(m_next[-1])
    if used3 > counts[2] or np.any(np.diff(m_next) < 0):
        raise SystemExit(f"{path}: the 2-grams point at {used3} 3-grams, for {counts[2]} declared")
    l_word = _fields(longest, used3, longest_total, 0, word_bits)
    l_prob = _fields(longest, used3, longest_total, word_bits, QUANT_BITS)
    l_parent = np.repeat(np.arange(used2), np.diff(m_next))

    scale = np.float64(LOG10_OF_BASE)
    bigrams = (m_word, parent, middle_prob[m_prob] * scale, middle_bo[m_bo] * scale)
    trigrams = (l_word, m_word[l_parent], parent[l_parent], longest_prob[l_prob] * scale)
    return Trie(words, unigrams["prob"][:counts[0]] * scale, unigrams["bo"][:counts[0]] * scale, bigrams, trigrams)


def fold(word):
    """The spelling of a CMU word in the service's text (text.normalise's convention): lowercase, no full stops
    (its spelled letters "b." are the service's "b"), no apostrophe at either end ("'em" is "em"); None for a
    word the acoustic model cannot spell (hyphenated compounds, digits, other punctuation)."""
    if word in MARKERS:
        return word
    folded = word.lower().replace(".", "").strip("'")
    return folded if SPELLABLE.fullmatch(folded) else None


def normalise(trie):
    """Maps the trie's words onto the service's vocabulary with `fold`. Returns (words, ids): ids[i] is the new id
    of trie word i, or -1 for a dropped one. Words that fold to the same spelling share an id (merged by
    `write_arpa`)."""
    words, index, ids = [], {}, np.full(len(trie.words), -1, dtype=np.int64)
    for i, word in enumerate(trie.words):
        folded = fold(word)
        if folded is None or folded == "<unk>":
            continue
        if folded not in index:
            index[folded] = len(words)
            words.append(folded)
        ids[i] = index[folded]
    return words, ids


def _merge(keys, probs, backoffs=None):
    """Merges entries with equal keys: their probabilities add (log10-sum), the back-off weight is that of the most
    probable one. Returns the keys sorted, with their values."""
    order = np.lexsort(keys[::-1])
    keys = [k[order] for k in keys]
    probs = probs[order]
    backoffs = None if backoffs is None else backoffs[order]
    same = np.ones(len(probs), dtype=bool)
    for k in keys:
        same[1:] &= k[1:] == k[:-1]
    same[0] = False
    if not same.any():
        return keys, probs, backoffs
    group = np.cumsum(~same) - 1
    merged = np.full(group[-1] + 1, -np.inf)
    np.logaddexp.at(merged, group, probs * math.log(10))
    merged /= math.log(10)
    best = np.full(group[-1] + 1, -np.inf)
    np.maximum.at(best, group, probs)
    first = ~same
    out_backoffs = None
    if backoffs is not None:
        is_best = probs == best[group]
        out_backoffs = np.zeros(group[-1] + 1)
        # the last most-probable entry of each group wins; any of them would do
        out_backoffs[group[is_best]] = backoffs[is_best]
    return [k[first] for k in keys], merged, out_backoffs


def write_arpa(trie, path, normalised=True):
    """Writes the trie as ARPA text. With `normalised`, words are mapped by `normalise` first: n-grams with a
    dropped word are left out (their probability mass is not given to others: it is small, and a back-off model
    needs no exact normalisation to rank hypotheses), and n-grams that fold to the same words are merged."""
    if normalised:
        words, ids = normalise(trie)
    else:
        words, ids = list(trie.words), np.arange(len(trie.words))

    def mapped(*columns):
        new = [ids[c] for c in columns]
        keep = np.logical_and.reduce([c >= 0 for c in new])
        return [c[keep] for c in new], keep

    (u,), keep = mapped(np.arange(len(trie.words)))
    (u,), up, ub = _merge([u], trie.unigram_prob[keep], trie.unigram_bo[keep])
    b, keep = mapped(trie.bigrams[0], trie.bigrams[1])
    b, bp, bb = _merge(b, trie.bigrams[2][keep], trie.bigrams[3][keep])
    t, keep = mapped(trie.trigrams[0], trie.trigrams[1], trie.trigrams[2])
    t, tp, _ = _merge(t, trie.trigrams[3][keep])
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"\\data\\\nngram 1={len(u)}\nngram 2={len(bp)}\nngram 3={len(tp)}\n\n\\1-grams:\n")
        for i, p, bo in zip(u.tolist(), up.tolist(), ub.tolist()):
            f.write(f"{p:.6f}\t{words[i]}\t{bo:.6f}\n")
        f.write("\n\\2-grams:\n")
        for i, j, p, bo in zip(b[0].tolist(), b[1].tolist(), bp.tolist(), bb.tolist()):
            f.write(f"{p:.6f}\t{words[i]} {words[j]}\t{bo:.6f}\n")
        f.write("\n\\3-grams:\n")
        for i, j, k, p in zip(t[0].tolist(), t[1].tolist(), t[2].tolist(), tp.tolist()):
            f.write(f"{p:.6f}\t{words[i]} {words[j]} {words[k]}\n")
        f.write("\n\\end\\\n")
    return len(u), len(bp), len(tp)


class ArpaScorer:
    """Standard back-off scoring (log10) over an ARPA file, holding only the n-grams made of the given words, so
    that a check of a few hundred sequences does not need the whole model in memory."""

    def __init__(self, path, words):
        words = set(words)
        self.grams, self.backoffs = {}, {}
        order = 0
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("\\") and line.rstrip().endswith("-grams:"):
                    order = int(line[1])
                    continue
                fields = line.rstrip("\n").split("\t")
                if order == 0 or len(fields) < 2:
                    continue
                gram = tuple(fields[1].split(" "))
                if not words.issuperset(gram):
                    continue
                self.grams[gram] = float(fields[0])
                if len(fields) > 2:
                    self.backoffs[gram] = float(fields[2])

    def log10_prob(self, history, word):
        """log10 p(word | history), history oldest word first (at most two words used)."""
        history = tuple(history[-2:])
        backoff = 0.0
        while True:
            gram = history + (word,)
            if gram in self.grams:
                return backoff + self.grams[gram]
            if not history:
                return None  # not in the vocabulary
            backoff += self.backoffs.get(history, 0.0)
            history = history[1:]


def verify(trie, arpa_path, sequences, seed=1, binary=CMU_LM):
    """Scores `sequences` random 3-word sequences (some made of frequent 3-grams, some of random words) with the
    ARPA file and with sphinxbase's own reader of the binary file `binary` (the one `trie` was read from);
    returns the number of scores compared and their largest difference in log10."""
    from sphinxbase.sphinxbase import NGramModel
    rng = random.Random(seed)
    words = trie.words
    t0, t1, t2, _ = trie.trigrams
    b0, b1, _, _ = trie.bigrams
    samples = []
    for n in range(sequences):
        kind = n % 3
        if kind == 0:  # a stored 3-gram
            i = rng.randrange(len(t0))
            samples.append((words[t0[i]], words[t1[i]], words[t2[i]]))
        elif kind == 1:  # a stored 2-gram after a random word: backs off from the 3-gram
            i = rng.randrange(len(b0))
            samples.append((words[rng.randrange(len(words))], words[b0[i]], words[b1[i]]))
        else:  # three random words: backs off to unigrams
            samples.append(tuple(words[rng.randrange(len(words))] for _ in range(3)))
    samples = [s for s in samples if "<s>" not in s[1:] and "</s>" not in s[:2]]
    scorer = ArpaScorer(arpa_path, {w for s in samples for w in s})
    model = NGramModel(binary)
    worst, checked = 0.0, 0
    for s in samples:
        for n in range(1, 4):
            gram = s[:n]
            ours = scorer.log10_prob(gram[:-1], gram[-1])
            # sphinxbase takes the word first, then its history most recent first; the result is an integer in
            # units of its log table (truncated toward zero).
            theirs = model.prob(list(reversed(gram))) * LOG10_OF_BASE
            worst = max(worst, abs(ours - theirs))
            checked += 1
    return checked, worst


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lm", default=CMU_LM)
    p.add_argument("--out", default=os.path.join(here, "work", "lm-task", "cmu.arpa"))
    p.add_argument("--verify", type=int, default=300, help="random sequences to score against sphinxbase (0: none)")
    a = p.parse_args()
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    trie = read_trie(a.lm)
    print(f"{a.lm}: {len(trie.words)} words, {len(trie.bigrams[0])} 2-grams, {len(trie.trigrams[0])} 3-grams")
    if a.verify:
        raw = a.out + ".raw"
        write_arpa(trie, raw, normalised=False)
        checked, worst = verify(trie, raw, a.verify, binary=a.lm)
        os.remove(raw)
        print(f"{checked} scores against sphinxbase: largest difference {worst:.2e} log10")
        # one unit of sphinxbase's log table is 4.3e-5 in log10; the scores are truncated to whole units
        if worst > 2 * LOG10_OF_BASE:
            sys.exit("the ARPA file does not score as sphinxbase does")
    counts = write_arpa(trie, a.out)
    words, ids = normalise(trie)
    dropped = int((ids < 0).sum())
    print(f"{a.out}: {counts[0]} words ({dropped} unspellable dropped, {len(trie.words) - dropped - len(words)} "
          f"merged into words they fold to), {counts[1]} 2-grams, {counts[2]} 3-grams")


if __name__ == "__main__":
    main()
