"""Text sources for synthetic speech, normalised to the model's alphabet, and the held-out split.

Normalised text is lower-case letters, apostrophes and single spaces. Digits are spelled out; lines with
other symbols that cannot be read aloud unambiguously are dropped.
"""
import glob
import os
import random
import re
from typing import NamedTuple

SHARED = os.environ.get("GEARBOX_SHARED", os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared"))
# The real recordings in ../shared/data kept for development only: never trained on, nor put in the LM's text.
REAL_DEV_SETS = ("commonvoice-dev", "mfa-spontaneous", "librivox-dev")
# Where Debian's fortunes and wamerican put their texts; gpu_job.py points it into the packages it unpacks.
SYSTEM_SHARE = os.environ.get("GEARBOX_SYSTEM_SHARE", "/usr/share")
ONES = "zero one two three four five six seven eight nine".split()
TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n: int) -> str:
    if n < 10:
        return ONES[n]
    if n < 20:
        return TEENS[n - 10]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return ONES[n // 100] + " hundred" + ("" if rest == 0 else " " + number_words(rest))
    if n < 10000 and n % 1000 == 0:
        return ONES[n // 1000] + " thousand"
    if 1000 <= n < 10000:  # read like a year: nineteen eighty four
        hi, lo = divmod(n, 100)
        return number_words(hi) + (" hundred" if lo == 0 else " " + ("oh " + ONES[lo] if lo < 10 else number_words(lo)))
    return " ".join(ONES[int(d)] for d in str(n))


def normalise(line: str):
    s = line.lower().replace("’", "'").replace("&", " and ").replace("%", " percent ")
    s = re.sub(r"\d+", lambda m: " " + number_words(int(m.group())) + " ", s)
    s = re.sub(r"[-/]", " ", s)
    s = re.sub(r"[.,;:!?\"()\[\]]", " ", s)
    if re.search(r"[^a-z' ]", s):
        return None
    s = re.sub(r"(^| )'+|'+( |$)", " ", s)
    s = " ".join(s.split())
    return s or None


def chunk_words(text: str, rng: random.Random, lo=3, hi=18):
    words = text.split()
    out = []
    while words:
        n = rng.randint(lo, hi)
        out.append(" ".join(words[:n]))
        words = words[n:]
    return [c for c in out if len(c.split()) >= 2 or len(out) == 1]


def librispeech_lines():
    path = os.path.join(SHARED, "data", "text", "librispeech_dev-clean_test-clean.trans.txt")
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.strip().split(" ", 1)
            if len(parts) == 2:
                yield parts[1]


def fortune_lines():
    for path in sorted(glob.glob(os.path.join(SYSTEM_SHARE, "games", "fortunes", "*"))):
        if path.endswith(".dat") or os.path.isdir(path) or "/off/" in path:
            continue
        try:
            with open(path, encoding="utf-8", errors="ignore") as f:
                body = f.read()
        except OSError:
            continue
        for entry in body.split("\n%\n"):
            for sentence in re.split(r"(?<=[.!?])\s+", " ".join(entry.split())):
                if 3 <= len(sentence.split()) <= 40 and not re.search(r"[<>{}@#$*=|\\~^_]", sentence):
                    yield sentence


def dictionary_words():
    path = os.path.join(SYSTEM_SHARE, "dict", "american-english")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8", errors="ignore") as f:
        return [w.strip().lower() for w in f if re.fullmatch(r"[a-z]{2,12}", w.strip())]


COMMANDS = ("yes no stop go repeat enter erase rubout help start back next previous cancel up down left right "
            "open close call play pause").split()


def generated_lines(rng: random.Random, words, n):
    """Digit strings, spelled letters, numbers and commands as in the real recordings, plus random word lists
    (coverage of the dictionary)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    out = []
    for i in range(n):
        kind = i % 6
        if kind == 0:
            out.append(" ".join(rng.choice(ONES) for _ in range(rng.randint(1, 8))))
        elif kind == 1:
            word = rng.choice(words) if words else "pittsburgh"
            out.append(" ".join(word if rng.random() < 0.8 else rng.choices(letters, k=rng.randint(3, 8))))
        elif kind == 2:
            out.append(" ".join(number_words(rng.randint(0, 2100)) for _ in range(rng.randint(1, 3))))
        elif kind == 3:
            out.append(" ".join(rng.choice(COMMANDS) for _ in range(rng.randint(1, 3))))
        else:
            out.append(" ".join(rng.choice(words) for _ in range(rng.randint(3, 12))))
    return out


class Split(NamedTuple):
    """The text of one recipe run.

    train: the lines synthesised for training, shuffled. dev: held-out LibriSpeech chunks (the development set).
    tune: further chunks of the dev sentences that neither training nor the language model sees, for choosing
    decoding weights without touching dev. lm: the language model's text: the training sentences whole, plus the
    generated digit strings, spellings, numbers and commands (not the random word lists, which are no language).
    """
    train: list
    dev: list
    tune: list
    lm: list


def split(seed=0, n_dev=300) -> Split:
    rng = random.Random(seed)
    libri = sorted({n for n in (normalise(l) for l in librispeech_lines()) if n})
    rng.shuffle(libri)
    dev_src, train_src = libri[:n_dev], libri[n_dev:]
    held_out = [c for line in dev_src for c in chunk_words(line, rng, 6, 20)]
    dev, tune = held_out[:n_dev], held_out[n_dev:]
    fortunes = sorted({n for n in (normalise(l) for l in fortune_lines()) if n})
    words = dictionary_words()
    train = []
    for line in train_src + fortunes:
        train.extend(chunk_words(line, rng))
    generated = generated_lines(rng, words, len(train) // 6)
    train.extend(generated)
    dev_set = set(dev)
    train = [t for t in train if t not in dev_set]
    rng.shuffle(train)
    lm = train_src + fortunes + [g for i, g in enumerate(generated) if i % 6 < 4]
    return Split(train, dev, tune, [l for l in lm if l not in dev_set])


def corpora(seed=0, n_dev=300):
    """Returns (train_lines, dev_lines). Dev lines are LibriSpeech sentences never used in training."""
    s = split(seed, n_dev)
    return s.train, s.dev
