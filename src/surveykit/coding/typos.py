"""Tolerance of one typo: a misspelt answer word still fills a pattern word one edit away.

One edit is a letter added, dropped or changed, or two neighbouring letters swapped (optimal string
alignment distance 1). Only words of at least ``min_length`` letters are forgiven, and only when they
are not English words themselves: "placment" may stand for placement, but "reported" never stands
for deported, nor "relieved" for believed. The English word list is the one shipped inside the
``pyspellchecker`` package (read from its package data, offline); without it, no typo is forgiven.

Lookups use the symmetric-deletion trick: every target word is indexed under itself and under each
of its one-letter deletions, so the candidates for a token are found with len(token) + 1 dictionary
lookups and then confirmed with the exact distance test.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable


def within_one_edit(a: str, b: str) -> bool:
    """True when a and b are equal or one insertion, deletion, substitution or swap apart."""
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if a == b:
        return True
    i = 0
    m = min(la, lb)
    while i < m and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1:] == b[i + 1:]:
            return True  # substitution
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2:] == b[i + 2:]
    if la > lb:
        return a[i + 1:] == b[i:]
    return a[i:] == b[i + 1:]


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


class TypoIndex:
    """Target words indexed for one-edit lookups."""

    def __init__(self, words: Iterable[str]) -> None:
        self._index: dict[str, set[str]] = {}
        for w in set(words):
            for key in _deletions(w) | {w}:
                self._index.setdefault(key, set()).add(w)

    def __bool__(self) -> bool:
        return bool(self._index)

    def near(self, token: str) -> list[str]:
        """Target words one edit from ``token`` (not the token itself), sorted."""
        found: set[str] = set()
        for key in _deletions(token) | {token}:
            found.update(self._index.get(key, ()))
        found.discard(token)
        return sorted(w for w in found if within_one_edit(token, w))


def near_prefix(token: str, prefix: str) -> bool:
    """True when the token starts with ``prefix`` misspelt by one edit (for ``prefix*`` globs)."""
    n = len(prefix)
    return any(within_one_edit(token[:k], prefix) for k in (n - 1, n, n + 1) if 0 < k <= len(token))


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Lower-case English words of four letters or more (pyspellchecker's list), or empty."""
    import gzip
    import importlib.util
    import json
    from pathlib import Path

    spec = importlib.util.find_spec("spellchecker")
    if spec is None or not spec.origin:
        return frozenset()
    path = Path(spec.origin).parent / "resources" / "en.json.gz"
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            counts = json.load(fh)
    except (OSError, ValueError):
        return frozenset()
    return frozenset(w for w in counts if len(w) >= 4)


def is_english_word(token: str) -> bool:
    words = english_words()
    if token in words:
        return True
    # Plural and possessive forms the list may lack ("placements", "carer's").
    base = token[:-2] if token.endswith("'s") else token
    if base in words:
        return True
    return token.endswith("s") and token[:-1] in words
