"""Tokens, token matchers (exact, glob, Snowball stem) and negation cues for the rule coder.

Answers are split with nltk's ``RegexpTokenizer`` using ``TOKEN_PATTERN``: words (keeping inner
hyphens and apostrophes, so "re-trafficked" and "didn't" are one token) and single punctuation
marks, each with its character offsets. Nothing here needs downloaded nltk data.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from surveykit.coding.codebook import Codebook

TOKEN_PATTERN = r"\w+(?:[-'\u2019]\w+)*|[^\w\s]"
TOKEN_RE = re.compile(TOKEN_PATTERN)
# The same tokens as a capturing split: [space, token, space, token, ..., space].
TOKEN_SPLIT_RE = re.compile(f"({TOKEN_PATTERN})")
# A cue's reach ends at a clause or list break: "no safety plan / threats to family" is two items.
CLAUSE_BREAKS = frozenset({".", ";", ":", "!", "?", ",", "/", "-", "\u2013", "\u2014", "(", ")", "and", "but",
                           "so", "because", "however", "although", "though", "yet", "while", "whereas"})
# Words that do not block a pattern but make a ``negated`` pattern fire ("lack of trust", "poor
# protection", "failure to identify"): they describe a shortfall of the thing named after them.
LACK_CUES = frozenset({
    "lack", "lacks", "lacked", "lacking", "absence", "absent", "poor", "poorly", "inadequate",
    "inadequately", "insufficient", "limited", "little", "fail", "fails", "failed", "failing", "failure",
    "failures", "weak", "unable", "missing", "few", "scarce", "rarely", "seldom",
})
_APOSTROPHE_LESS_NT = frozenset({
    "dont", "didnt", "doesnt", "cant", "wont", "isnt", "wasnt", "werent", "arent", "havent", "hasnt",
    "hadnt", "couldnt", "wouldnt", "shouldnt", "aint",
})


def tokenizer():
    """The nltk tokenizer used for answers (same pattern as ``TOKEN_RE``)."""
    from nltk.tokenize import RegexpTokenizer

    return RegexpTokenizer(TOKEN_PATTERN)


def tokenise(text: str) -> list[tuple[str, int, int]]:
    """(lower-cased token, start, end) for each token of ``text``; offsets index the original text."""
    spans = list(tokenizer().span_tokenize(text))
    return [(normalise_token(text[s:e]), s, e) for s, e in spans]


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """scikit-learn's English stop words, read from its ``_stop_words`` module without importing
    scikit-learn as a whole (which takes seconds); empty if scikit-learn is not installed."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.origin:
        return frozenset()
    path = Path(spec.origin).parent / "feature_extraction" / "_stop_words.py"
    namespace: dict = {}
    try:
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    except OSError:
        return frozenset()
    return frozenset(namespace.get("ENGLISH_STOP_WORDS", ()))


def normalise_token(token: str) -> str:
    return token.lower().replace("\u2019", "'")


@lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball (Porter2) English stem of a lower-cased word (cached: answers repeat words)."""
    return _stemmer().stem(word)


def token_matcher(spec: str) -> Callable[[str], bool]:
    """A predicate for one pattern token: ``~word`` (same stem), ``glob*`` or an exact word."""
    spec = spec.lower()
    if spec.startswith("~"):
        target = stem(spec[1:])
        return lambda tok: stem(tok) == target
    if "*" in spec:
        rx = re.compile("".join(".*" if ch == "*" else re.escape(ch) for ch in spec) + r"\Z")
        return lambda tok: rx.match(tok) is not None
    return lambda tok: tok == spec


def cue_test(codebook: Codebook) -> tuple[Callable[[str], bool], Callable[[str], bool]]:
    """(is_blocking_cue, is_lack_cue) for the codebook's negation cues."""
    cues = frozenset(codebook.negation_cues)
    nt = "n't" in cues

    def blocking(tok: str) -> bool:
        return tok in cues or (nt and (tok.endswith("n't") or tok in _APOSTROPHE_LESS_NT))

    def lack(tok: str) -> bool:
        return tok in LACK_CUES

    return blocking, lack
