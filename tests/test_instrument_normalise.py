"""normalise_label: the folding used to match headers and answers to the instrument.

The function skips Unicode decomposition for ASCII text and caches its results; both must leave the
folding exactly as its definition states (NFKD, combining marks dropped, curly quotes straightened,
lower case, HTML tags and every run of other characters made one space). The reference below is that
definition written out plainly."""

from __future__ import annotations

import random
import re
import unicodedata

from surveykit.instrument import normalise_label


def _folded(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower()
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def test_examples():
    assert normalise_label("  How EFFECTIVE is <b>it</b>?  ") == "how effective is it"
    assert normalise_label("Caf\u00e9 \u2013 na\u00efve") == "cafe naive"
    assert normalise_label("Cafe\u0301") == "cafe"  # a combining accent
    assert normalise_label("\ufb01le \u2460") == "file 1"  # compatibility forms
    assert normalise_label("Don\u2019t know") == normalise_label("Don't know") == "don t know"
    assert normalise_label("") == ""


def test_other_values_fold_as_their_text():
    """The cache is keyed by the text: values that compare equal but read differently stay apart."""
    import numpy as np

    assert normalise_label(1.0) == "1 0"
    assert normalise_label(True) == "true"
    assert normalise_label(1) == "1"
    assert normalise_label(np.float64(2.0)) == "2 0"
    assert normalise_label(np.int64(2)) == "2"
    assert normalise_label(["a"]) == "a"


def test_random_labels_fold_as_defined():
    rng = random.Random(20261206)
    ascii_chars = [chr(c) for c in range(0x20, 0x7F)]
    other = list("\u00e9\u00c9\u00fc\u00f1\u00e7\u00d8\u00df\u2019\u2018\ufb01\u2460\u00b2\u00c5\u0301\u00a0\u0130\u2163")
    for _ in range(20_000):
        pool = ascii_chars if rng.random() < 0.5 else ascii_chars + other
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 24)))
        assert normalise_label(text) == _folded(text), repr(text)
        assert normalise_label(text) == _folded(text), repr(text)  # again: from the cache
