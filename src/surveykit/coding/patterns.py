"""Tokens, token matchers (exact, glob, Snowball stem) and negation cues for the rule coder.

Answers are split with nltk's ``RegexpTokenizer`` using ``TOKEN_PATTERN``: words (keeping inner
hyphens and apostrophes, so "re-trafficked" and "didn't" are one token) and single punctuation
marks, each with its character offsets. Nothing here needs downloaded nltk data.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from surveykit.coding.codebook import Codebook

TOKEN_PATTERN = r"\w+(?:[-'\u2019]\w+)*|[^\w\s]"
TOKEN_RE = re.compile(TOKEN_PATTERN)
# The same tokens as a capturing split: [space, token, space, token, ..., space].
TOKEN_SPLIT_RE = re.compile(f"({TOKEN_PATTERN})")
# A cue's reach ends at a clause or list break: "no safety plan / threats to family" is two items.
CLAUSE_BREAKS = frozenset({".", ";", ":", "!", "?", ",", "/", "-", "\u2013", "\u2014", "(", ")", "and", "but",
                           "so", "because", "however", "although", "though", "yet", "while", "whereas",
                           # a condition or a time clause: "can't stop working until the money is paid back"
                           "if", "until", "unless", "once"})
# Words that do not block a pattern but make a ``negated`` pattern fire ("lack of trust", "poor
# protection", "failure to identify"): they describe a shortfall of the thing named after them.
LACK_CUES = frozenset({
    "lack", "lacks", "lacked", "lacking", "absence", "absent", "poor", "poorly", "inadequate",
    "inadequately", "insufficient", "limited", "little", "fail", "fails", "failed", "failing", "failure",
    "failures", "weak", "unable", "missing", "few", "scarce", "rarely", "seldom",
})
# -- negation after a match, double negation ---------------------------------------------------
# "Traffickers aren't the issue", "referrals not being made", "debt is rarely the reason": a denial
# right after the match. Forms of be/have and a few adverbs may stand between the match and it.
BE_HAVE = frozenset({"is", "are", "was", "were", "be", "been", "being", "am", "has", "have", "had"})
AFTER_SKIPPABLE = frozenset({
    "really", "always", "usually", "generally", "actually", "necessarily", "particularly", "even", "ever",
    "still", "yet", "so", "much", "too", "currently", "typically", "often", "normally", "mostly", "very",
    "now", "then", "here", "also", "honestly", "largely", "in", "my", "our", "experience", "necessary",
})
# Negations after the match that deny it: "not", "never" and the n't forms of be and have.
NEG_BE_HAVE = frozenset({
    "isn't", "aren't", "wasn't", "weren't", "hasn't", "haven't", "hadn't", "ain't", "isnt", "arent", "wasnt",
    "werent", "hasnt", "havent", "hadnt", "aint",
})
# "X doesn't come into it", "X doesn't seem to be ...": do-negation denies X only before these verbs
# ("traffickers don't let them go" is no denial of the traffickers).
NEG_DO = frozenset({"don't", "doesn't", "didn't", "dont", "doesnt", "didnt"})
NEG_MODAL = frozenset({"won't", "can't", "cannot", "couldn't", "wouldn't", "shouldn't", "mustn't", "wont", "cant",
                       "couldnt", "wouldnt", "shouldnt"})
DENIAL_VERBS = frozenset({
    "matter", "matters", "apply", "applies", "feature", "features", "arise", "arises", "come", "comes", "play",
    "plays", "seem", "seems", "appear", "appears", "factor", "figure", "figures", "happen", "happens", "occur",
    "occurs", "exist", "exists", "count", "counts", "affect", "affects", "crop", "crops",
})
RARELY = frozenset({"rarely", "seldom", "hardly", "barely", "infrequently"})
# What a bare "never" after a noun may be followed by when it denies the noun ("debt never an issue").
NEVER_DENIAL_NEXT = frozenset({"a", "an", "the", "any", "really", "been", "once", "part", "mentioned", "raised"})
# After "X is not" / "X isn't": words that deny X's relevance rather than negate a predicate of X.
RELEVANCE_NEXT = frozenset({
    "a", "an", "the", "any", "part", "relevant", "important", "significant", "issue", "issues", "problem",
    "problems", "factor", "factors", "concern", "reason", "reasons", "pattern", "something", "what", "why",
    "our", "my", "their", "main", "big", "major",
})
# A relative clause or condition after the match belongs to something else ("traffickers who aren't ...").
AFTER_STOPS = frozenset({"who", "which", "that", "whom", "whose", "where", "when", "if", "whether", "than",
                         # a new subject starts another clause: "so depressed they barely eat"
                         "they", "he", "she", "we", "i", "you", "it", "there"})
# "not uncommon", "not without", "never unusual": a double negation affirms.
NEG_POLARITY = frozenset({
    "uncommon", "unusual", "unknown", "unheard", "infrequent", "infrequently", "rare", "unlikely", "without",
    # "not surprising that the gangs find them" affirms it.
    "surprising", "surprisingly", "surprised",
})
# "not just debt but threats", "not only ...": additive, not a negation.
LIMITERS = frozenset({"just", "only", "simply", "merely", "solely", "purely", "exclusively"})
# "Safety planning didn't happen": a verb of existence negated with do denies the thing itself (a lack
# for a pattern about one), not only its relevance.
EXISTENCE_VERBS = frozenset({"happen", "happens", "occur", "occurs", "exist", "exists"})
# "treated as offenders not victims": a bare "not" right after the match that names what the child
# is instead is a contrast, not a denial of the match.
CONTRAST_NEXT = frozenset({
    "victim", "victims", "survivor", "survivors", "exploitation", "exploited", "trafficking", "trafficked",
    "child", "children", "kids", "abuse", "abused",
})
# "It's not so much debt as threats": a cue followed by "so much" stops at "as" / "than".
SO_MUCH_ENDS = frozenset({"as", "than"})

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
    """nltk's English Snowball stemmer, loaded without importing the rest of nltk when possible.

    ``import nltk.stem.snowball`` runs nltk's package ``__init__``, which imports all of nltk (some
    240 modules, scipy.stats among them: seconds), although the stemmer itself needs five small
    modules. When nltk is not imported yet, nltk's own ``stem/snowball.py`` is loaded under
    placeholder parent packages (``stopwords`` only serves ``ignore_stopwords=True``, unused here),
    and every ``nltk`` module of that load is then dropped from ``sys.modules``, so a later ``import
    nltk`` elsewhere gets the real package. Any failure (a future nltk laid out differently) falls
    back to the ordinary import; tests check the two give the same stems.
    """
    import sys

    if "nltk" not in sys.modules:
        stemmer = _light_english_stemmer()
        if stemmer is not None:
            return stemmer
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("english")


def _light_english_stemmer():
    """nltk's ``EnglishStemmer`` loaded from its module alone (see ``_stemmer``), or None."""
    import importlib
    import importlib.util
    import sys
    import types

    try:
        spec = importlib.util.find_spec("nltk")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    root = list(spec.submodule_search_locations)[0]
    placeholders = {}
    for name, path in (("nltk", root), ("nltk.stem", f"{root}/stem")):
        module = types.ModuleType(name)
        module.__path__ = [path]
        placeholders[name] = module
    corpus = types.ModuleType("nltk.corpus")
    corpus.stopwords = None  # type: ignore[attr-defined]
    placeholders["nltk.corpus"] = corpus
    sys.modules.update(placeholders)
    try:
        return importlib.import_module("nltk.stem.snowball").EnglishStemmer()
    except Exception:  # noqa: BLE001 - any surprise: the ordinary import is the fallback
        return None
    finally:
        for name in [n for n in sys.modules if n == "nltk" or n.startswith("nltk.")]:
            del sys.modules[name]


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
        return glob_matcher(spec)
    return lambda tok: tok == spec


def glob_matcher(spec: str) -> Callable[[str], bool]:
    """A linear-time predicate for a ``*`` glob over a whole token.

    A regular expression such as ``a.*a.*a.*z`` backtracks polynomially (``a*a*a*a*a*a*a*a*a*a*z``
    took close to a minute on one 50-letter word); here the literal pieces between stars are found
    left to right with ``str.find``: the leftmost placement of each piece is always the best one, so
    no backtracking is ever needed.
    """
    pieces = spec.split("*")
    if len(pieces) == 1:
        return lambda tok: tok == spec
    head, tail = pieces[0], pieces[-1]
    middle = tuple(p for p in pieces[1:-1] if p)
    shortest = len(head) + len(tail) + sum(map(len, middle))
    if not middle:
        return lambda tok: len(tok) >= shortest and tok.startswith(head) and tok.endswith(tail)

    def match(tok: str) -> bool:
        if len(tok) < shortest or not tok.startswith(head) or not tok.endswith(tail):
            return False
        pos, limit = len(head), len(tok) - len(tail)
        for piece in middle:
            k = tok.find(piece, pos, limit)
            if k < 0:
                return False
            pos = k + len(piece)
        return True

    return match


def cue_test(codebook: Codebook) -> tuple[Callable[[str], bool], Callable[[str], bool]]:
    """(is_blocking_cue, is_lack_cue) for the codebook's negation cues."""
    cues = frozenset(codebook.negation_cues)
    nt = "n't" in cues

    def blocking(tok: str) -> bool:
        return tok in cues or (nt and (tok.endswith("n't") or tok in _APOSTROPHE_LESS_NT))

    def lack(tok: str) -> bool:
        return tok in LACK_CUES

    return blocking, lack
