"""Static linear interpolation of two word 3-gram back-off models into one ARPA model:

    p(w | h) = weight * p1(w | h) + (1 - weight) * p2(w | h)

for every n-gram "h w" either model lists (each p_i with its own back-off), and new back-off weights that make
every context's distribution sum to what the two models give it together,

    backoff(h) = (1 - sum over listed w of p(w | h)) / (1 - sum over listed w of p(w | h')),

h' being h without its oldest word (the construction of SRILM's `ngram -mix-lm -write-lm`, here re-derived).
A word one model lacks gets that model's unknown-word probability; the mixture's <unk> is the two unknown-word
probabilities mixed, so an unknown word stays one rare word.

Hand-written because no Debian tool writes a merged back-off model: IRSTLM's interpolate-lm estimates the weight
and perplexities of a run-time mixture (lm.py uses it for that) but writes no model, and SRILM is not packaged.
Values are log10 throughout, as in ARPA files.
"""
import math

import numpy as np

UNKNOWN = "<unk>"
LN10 = math.log(10.0)
# A context whose listed words take all its mass (possible after rounding) keeps this much for the rest.
FLOOR = 1e-9


class Arpa:
    """A back-off model of order 3 (or 2) as arrays of word ids (indices into `words`) and log10 values."""

    def __init__(self, words, uni_p, uni_bo, bi, tri):
        self.words = list(words)
        self.index = {w: i for i, w in enumerate(self.words)}
        self.uni_p = np.asarray(uni_p, dtype=np.float64)
        self.uni_bo = np.asarray(uni_bo, dtype=np.float64)
        # first, second, log10 p, log10 back-off
        self.bi = tuple(np.asarray(x, dtype=np.int64) for x in bi[:2]) + \
            tuple(np.asarray(x, dtype=np.float64) for x in bi[2:])
        # first, second, third, log10 p
        self.tri = tuple(np.asarray(x, dtype=np.int64) for x in tri[:3]) + (np.asarray(tri[3], dtype=np.float64),)

    def counts(self):
        return len(self.words), len(self.bi[0]), len(self.tri[0])


def read_arpa(path):
    """Reads an ARPA file (plain or .gz) of order 2 or 3."""
    import gzip
    opener = gzip.open if path.endswith(".gz") else open
    words, uni_p, uni_bo = [], [], []
    grams = {2: ([], [], []), 3: ([], [], [])}
    order = 0
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("\\"):
                if line.rstrip().endswith("-grams:"):
                    order = int(line[1])
                    if order > 3:
                        raise ValueError(f"{path}: order {order} n-grams: at most 3 are supported")
                continue
            if order == 0:
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 2:
                if line.strip():
                    fields = line.split()
                    fields = [fields[0], " ".join(fields[1:1 + order])] + fields[1 + order:]
                else:
                    continue
            if order == 1:
                words.append(fields[1])
                uni_p.append(float(fields[0]))
                uni_bo.append(float(fields[2]) if len(fields) > 2 else 0.0)
            else:
                texts, probs, backoffs = grams[order]
                texts.append(fields[1])
                probs.append(float(fields[0]))
                backoffs.append(float(fields[2]) if len(fields) > 2 else 0.0)
    index = {w: i for i, w in enumerate(words)}

    def ids(texts, n):
        out = np.empty((n, len(texts)), dtype=np.int64)
        for j, text in enumerate(texts):
            out[:, j] = [index[w] for w in text.split(" ")]
        return out

    b = ids(grams[2][0], 2)
    t = ids(grams[3][0], 3)
    return Arpa(words, uni_p, uni_bo,
                (b[0], b[1], np.array(grams[2][1]), np.array(grams[2][2])),
                (t[0], t[1], t[2], np.array(grams[3][1])))


def write_arpa(model, path):
    """Writes `model` as ARPA text (6 decimals, tab-separated, n-grams in the order given)."""
    w = model.words
    u, b, t = model.counts()
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"\\data\\\nngram 1={u}\nngram 2={b}\n" + (f"ngram 3={t}\n" if t else "") + "\n\\1-grams:\n")
        for i, (p, bo) in enumerate(zip(model.uni_p.tolist(), model.uni_bo.tolist())):
            f.write(f"{p:.6f}\t{w[i]}\t{bo:.6f}\n")
        f.write("\n\\2-grams:\n")
        for i, j, p, bo in zip(*(x.tolist() for x in model.bi)):
            f.write(f"{p:.6f}\t{w[i]} {w[j]}\t{bo:.6f}\n")
        if t:
            f.write("\n\\3-grams:\n")
            for i, j, k, p in zip(*(x.tolist() for x in model.tri)):
                f.write(f"{p:.6f}\t{w[i]} {w[j]} {w[k]}\n")
        f.write("\n\\end\\\n")


def _lookup(sorted_keys, keys):
    """Positions of `keys` in `sorted_keys`, -1 where absent."""
    at = np.searchsorted(sorted_keys, keys)
    at = np.minimum(at, len(sorted_keys) - 1) if len(sorted_keys) else np.zeros_like(keys)
    found = (sorted_keys[at] == keys) if len(sorted_keys) else np.zeros(len(keys), dtype=bool)
    return np.where(found, at, -1)


def _take(values, at, missing):
    """values[at] where at >= 0, `missing` (a scalar or an array like at) elsewhere."""
    if len(values) == 0:
        return np.broadcast_to(np.asarray(missing, dtype=np.float64), at.shape).copy()
    return np.where(at >= 0, values[np.maximum(at, 0)], missing)


class _Scorer:
    """One model's standard back-off log10 scores for words given as ids of a shared vocabulary of size V."""

    def __init__(self, model, shared_index, size, unknown_log10):
        self.size = size
        local = np.full(size, -1, dtype=np.int64)
        for w, i in model.index.items():
            local[shared_index[w]] = i
        own = model.index.get(UNKNOWN)
        self.uni_p = np.full(size, unknown_log10 if own is None else model.uni_p[own])
        self.uni_bo = np.zeros(size)
        known = local >= 0
        self.uni_p[known] = model.uni_p[local[known]]
        self.uni_bo[known] = model.uni_bo[local[known]]
        shared = np.array([shared_index[w] for w in model.words], dtype=np.int64)
        a, b, p, bo = model.bi
        keys = shared[a] * size + shared[b]
        order = np.argsort(keys)
        self.bi_keys, self.bi_p, self.bi_bo = keys[order], p[order], bo[order]
        if len(model.tri[0]):
            a, b, c, p = model.tri
            keys = (shared[a] * size + shared[b]) * size + shared[c]
            order = np.argsort(keys)
            self.tri_keys, self.tri_p = keys[order], p[order]
        else:
            self.tri_keys, self.tri_p = np.zeros(0, dtype=np.int64), np.zeros(0)

    def bigram(self, a, b):
        at = _lookup(self.bi_keys, a * self.size + b)
        return _take(self.bi_p, at, self.uni_bo[a] + self.uni_p[b])

    def trigram(self, a, b, c):
        at = _lookup(self.tri_keys, (a * self.size + b) * self.size + c)
        context = _lookup(self.bi_keys, a * self.size + b)
        backoff = _take(self.bi_bo, context, 0.0)
        return _take(self.tri_p, at, backoff + self.bigram(b, c))


def _log_mix(weight, p1, p2):
    if weight >= 1.0:
        return p1
    if weight <= 0.0:
        return p2
    return np.logaddexp(math.log(weight) + p1 * LN10, math.log1p(-weight) + p2 * LN10) / LN10


def _backoffs(listed, lower, context, count):
    """log10 back-off weight per context from the listed n-grams' log10 probabilities and their lower-order
    ones (`context` numbers each n-gram's context, 0 .. count-1)."""
    upper_mass = np.bincount(context, weights=10.0 ** listed, minlength=count)
    lower_mass = np.bincount(context, weights=10.0 ** lower, minlength=count)
    has = np.bincount(context, minlength=count) > 0
    bo = np.log10(np.maximum(1.0 - upper_mass, FLOOR)) - np.log10(np.maximum(1.0 - lower_mass, FLOOR))
    return np.where(has, bo, 0.0)


def mix(first, second, weight, unknown_log10=(None, None)):
    """The interpolated model, first with `weight`, second with 1 - weight. `unknown_log10[i]` is model i's
    log10 probability of a word it lacks when it has no <unk> unigram (required then)."""
    words = list(first.words) + [w for w in second.words if w not in first.index]
    if UNKNOWN not in first.index and UNKNOWN not in second.index:
        words.append(UNKNOWN)
    index = {w: i for i, w in enumerate(words)}
    size = len(words)
    models = []
    for model, unknown in zip((first, second), unknown_log10):
        if UNKNOWN not in model.index and unknown is None:
            raise ValueError("a model without <unk> needs its unknown-word probability")
        models.append(_Scorer(model, index, size, unknown))
    one, two = models

    uni_p = _log_mix(weight, one.uni_p, two.uni_p)
    # 3-grams: every one either model lists
    tri = np.unique(np.concatenate([one.tri_keys, two.tri_keys]))
    ta, tb, tc = tri // (size * size), (tri // size) % size, tri % size
    tri_p = _log_mix(weight, one.trigram(ta, tb, tc), two.trigram(ta, tb, tc))
    # 2-grams: every one either model lists, and the contexts and suffixes of the 3-grams, so that each 3-gram's
    # context can hold its back-off weight
    bi = np.unique(np.concatenate([one.bi_keys, two.bi_keys, ta * size + tb, tb * size + tc]))
    ba, bb = bi // size, bi % size
    bi_p = _log_mix(weight, one.bigram(ba, bb), two.bigram(ba, bb))

    uni_bo = _backoffs(bi_p, uni_p[bb], ba, size)
    tri_context = _lookup(bi, ta * size + tb)
    suffix = _lookup(bi, tb * size + tc)
    lower = bi_p[suffix]  # every suffix is listed (added above)
    bi_bo = _backoffs(tri_p, lower, tri_context, len(bi))
    return Arpa(words, uni_p, uni_bo, (ba, bb, bi_p, bi_bo), (ta, tb, tc, tri_p))


def log10_prob(model, history, word):
    """Standard back-off log10 p(word | history) in `model` (history oldest first), for checks and tests; a word
    the model lacks is scored as its <unk>."""
    unk = model.index.get(UNKNOWN)
    ids = [model.index.get(w, unk) for w in list(history[-2:]) + [word]]
    if not hasattr(model, "_tables"):
        model._tables = (
            {(a, b): (p, bo) for a, b, p, bo in zip(*(x.tolist() for x in model.bi))},
            {(a, b, c): p for a, b, c, p in zip(*(x.tolist() for x in model.tri))})
    bigrams, trigrams = model._tables
    backoff = 0.0
    while True:
        *h, w = ids
        if w is None:
            raise KeyError(f"{word!r} is not in the model, which has no <unk>")
        if not h:
            return backoff + model.uni_p[w]
        if None in h:
            ids = ids[h.index(None) + 1:]
            continue
        if len(h) == 2 and tuple(ids) in trigrams:
            return backoff + trigrams[tuple(ids)]
        if len(h) == 1 and tuple(ids) in bigrams:
            return backoff + bigrams[tuple(ids)][0]
        backoff += bigrams.get(tuple(h), (0.0, 0.0))[1] if len(h) == 2 else model.uni_bo[h[0]]
        ids = ids[1:]


def sentence_log10(model, sentences, unknown_log10=None):
    """Total log10 probability of `sentences` (strings of words; each scored from <s> to </s>, a word the model
    lacks as its <unk>, or with `unknown_log10` when it has none) and the number of scored tokens (words and
    </s>), for perplexity 10^(-total/tokens)."""
    index = {w: i for i, w in enumerate(model.words)}
    if UNKNOWN not in index:
        if unknown_log10 is None:
            raise ValueError("a model without <unk> needs unknown_log10")
        index[UNKNOWN] = len(index)
    unk = index[UNKNOWN]
    scorer = _Scorer(model, index, len(index), unknown_log10)
    start, end = index["<s>"], index["</s>"]
    a, b, c = [], [], []
    for sentence in sentences:
        ids = [start] + [index.get(w, unk) for w in sentence.split()] + [end]
        for k in range(1, len(ids)):
            a.append(ids[k - 2] if k >= 2 else -1)
            b.append(ids[k - 1])
            c.append(ids[k])
    a, b, c = (np.array(x, dtype=np.int64) for x in (a, b, c))
    first = a < 0  # the first word: a 2-gram after <s>
    scores = np.where(first, scorer.bigram(b, c), scorer.trigram(np.where(first, 0, a), b, c))
    return float(scores.sum()), len(c)


def perplexity(model, sentences, unknown_log10=None):
    total, tokens = sentence_log10(model, sentences, unknown_log10)
    return 10.0 ** (-total / tokens)
