"""Token machinery of the rule coder: the scan's token stream, per-token flags, how pattern steps
are compiled, and the classification of each distinct answer token (exact word, glob, Snowball stem,
or one of these misspelt by one edit; negation cue, lack cue, clause break).

Used by ``rules.RuleCoder`` (a mixin: the coder's state lives on the coder).
"""

from __future__ import annotations

import itertools
import operator
from typing import NamedTuple

from surveykit.coding.codebook import DEFAULT_STAR_GAP, Pattern, pattern_tokens
from surveykit.coding.patterns import (CLAUSE_BREAKS, LIMITERS, NEG_POLARITY, TOKEN_SPLIT_RE, normalise_token, stem)

_BLOCK, _LACK, _BREAK, _HARD_BREAK, _AFTER, _TYPO, _NEUTRAL = 1, 2, 4, 8, 16, 32, 64
_HARD_BREAKS = frozenset({".", ";", "!", "?"})
_STEP_KEYS = 64  # steps per pattern at most: (pattern, step) is kept as one int, pattern * 64 + step
_CHUNK_CACHE = 20_000  # whitespace-separated chunks whose tokens are kept (per coder; a few MB at most)
_FIRST, _SECOND = operator.itemgetter(0), operator.itemgetter(1)


class Match(NamedTuple):
    """One accepted pattern match: character offsets into the original answer.

    ``via`` names what was read into the answer to reach the match: lexicon entries ("HO = home
    office") and forgiven typos ("placment ~ placement"); empty for a plain match.
    (A NamedTuple rather than a frozen dataclass: a million answers create millions of these.)
    """

    code_id: str
    start: int
    end: int
    matched: str
    pattern: str  # Pattern.describe()
    via: str = ""


class _Stream(NamedTuple):
    """The tokens one scan sees. starts/ends/via are None for the answer's own tokens (offsets are
    then worked out by ``parts``, an ``_Offsets``, only when there is a match)."""

    toks: list[str]
    present: set[str]
    parts: "_Offsets | None"
    starts: list[int] | None
    ends: list[int] | None
    via: list[int] | None  # lexicon entry index per token, -1 for an answer's own token



class TokenMixin:
    """Classifies answer tokens once each (cached on the coder) and forgives one typo."""

    def _setup_typos(self, stem_words: dict[str, str], prefix_globs: list[tuple[str, int, int]]) -> None:
        from surveykit.coding.typos import TypoIndex

        n = self.codebook.typo_min_length
        self._typo_min = n
        if n is None:
            self._typo_exact = self._typo_stems = self._typo_prefixes = None
            self._typo_globs = {}
            self._prefix_lengths = []
            return
        self._typo_exact = TypoIndex(w for w in self._exact if len(w) >= n and w.isalpha())
        # Stems are short ("bulli" for bully): a stem of four letters or more is a target, the
        # answer's word itself must still have ``n`` letters ("bulying" -> bully).
        self._typo_stems = TypoIndex(s for s in stem_words if len(s) >= 4 and s.isalpha())
        self._typo_globs: dict[str, list[tuple[int, int]]] = {}
        for pre, pid, k in prefix_globs:
            if len(pre) >= n - 1 and pre.isalpha():
                self._typo_globs.setdefault(pre, []).append((pid, k))
        # A token misspells the prefix P of a ``P*`` glob when its first len(P) - 1, len(P) or
        # len(P) + 1 letters are one edit from P: those heads are looked up in an index of prefixes.
        self._typo_prefixes = TypoIndex(self._typo_globs)
        self._prefix_lengths = sorted({len(p) + d for p in self._typo_globs for d in (-1, 0, 1)})
        self._stem_word = stem_words


    def _classify(self, tok: str) -> None:
        members = list(self._exact.get(tok, ()))
        if self._stems and tok[:1].isalnum():
            members.extend(self._stems.get(stem(tok), ()))
        exact_or_stem = bool(members)
        heads = self._glob_heads
        for size in self._glob_head_lengths:  # only globs whose head the token starts with can match
            if size > len(tok):
                break
            for pred, pid, k in heads.get(tok[:size], ()):
                if pred(tok):  # type: ignore[operator]
                    members.append((pid, k))
        flags = 0
        if self._is_block(tok):
            flags |= _BLOCK
        if self._is_lack(tok):
            flags |= _LACK
        if tok in CLAUSE_BREAKS:
            flags |= _BREAK
        if tok in _HARD_BREAKS:
            flags |= _HARD_BREAK
        if tok in self._after:
            flags |= _AFTER
        if tok in NEG_POLARITY or tok in LIMITERS:
            flags |= _NEUTRAL
        # A misspelt word may still fill a short glob ("bulying" fills the b* of "b&b*"): only an
        # exact or stem match rules a typo out.
        if not exact_or_stem and not flags and self._typo_min is not None and len(tok) >= self._typo_min:
            typo = self._typo_members(tok)
            if typo:
                members.extend(typo)
                flags |= _TYPO
        starts = tuple(sorted({pid for pid, k in members if k == self._anchor[pid]}))
        self._cache[tok] = (starts, frozenset(step_key(pid, k) for pid, k in members), flags)
        if starts:
            # What the scan needs of each pattern anchored here, in one tuple (see ScanMixin._setup_scan).
            self._anchored[tok] = tuple((pid, *self._plan[pid], *self._need[pid]) for pid in starts)
            self._starters.add(tok)
            vetoes = {self._pcode[pid] for pid in starts if self._veto[pid]}
            if vetoes:
                self._veto_starts[tok] = vetoes
                self._veto_start_set.add(tok)

    def _typo_members(self, tok: str) -> list[tuple[int, int]]:
        """The steps a misspelt token fills (one edit from a pattern word); none for English words."""
        from surveykit.coding.typos import english_words, is_english_word, near_prefix

        if not tok.replace("-", "").isalpha():
            return []
        members: list[tuple[int, int]] = []
        words: list[str] = []
        for w in self._typo_exact.near(tok):  # type: ignore[union-attr]
            members.extend(self._exact[w])
            words.append(w)
        if self._typo_stems:
            for s in self._typo_stems.near(stem(tok)):
                members.extend(self._stems[s])
                words.append(self._stem_word[s])
        if self._typo_globs:
            heads = {tok[:k] for k in self._prefix_lengths if 0 < k <= len(tok)}
            for pre in sorted({p for h in heads for p in self._typo_prefixes.near(h)}):  # type: ignore[union-attr]
                if not tok.startswith(pre) and near_prefix(tok, pre):
                    members.extend(self._typo_globs[pre])
                    words.append(pre + "*")
        if not members or not english_words() or is_english_word(tok):
            return []
        self._typo_note[tok] = f"{tok} ~ {'/'.join(dict.fromkeys(words))}"
        self._typo_set.add(tok)
        self._typo_alias[tok] = {w for w in words if not w.endswith("*")}
        return members

    # -- matching -----------------------------------------------------------------------------

    def _tokens(self, text: str) -> tuple[list[str], "_Offsets", set[str]]:
        low = text.lower()
        if len(low) != len(text):  # rare Unicode case changes length: keep offsets of the original
            low = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
        if "\u2019" in low:
            low = low.replace("\u2019", "'")
        # No token holds whitespace and every other character belongs to one, so the tokens of the
        # answer are those of its whitespace-separated chunks, each tokenised once and cached (words
        # repeat). ``str.split`` and the pattern's ``\s`` use the same test of whitespace. When one
        # character separates every chunk (the common case) offsets follow from the chunk lengths;
        # otherwise the one-pass regex split gives the tokens and the whitespace between them.
        chunks = low.split()
        if len(low) != sum(map(len, chunks)) + len(chunks) - 1:
            parts = TOKEN_SPLIT_RE.split(low)
            toks = parts[1::2]
            return toks, _Offsets(parts, None, toks), self._present(toks)
        get = self._chunks.get
        entries = list(map(get, chunks))
        if None in entries:
            entries = [e if e is not None else self._chunk(c) for c, e in zip(chunks, entries)]
        toks = list(itertools.chain.from_iterable(map(_FIRST, entries)))
        # Every token of a cached chunk was classified when the chunk was first seen (``_chunk``).
        return toks, _Offsets(None, entries, toks), self._present(toks, True)

    def _chunk(self, chunk: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
        """(tokens, advances) of one whitespace-free chunk: a token's advance is its length, plus one
        for the separator after the chunk's last token."""
        toks = tuple(TOKEN_SPLIT_RE.split(chunk)[1::2])
        adv = tuple(len(t) for t in toks[:-1]) + (len(toks[-1]) + 1,)
        cache = self._cache
        for tok in toks:
            if tok not in cache:  # the token cache is never cleared: classified once, here
                self._classify(tok)
        if len(self._chunks) >= _CHUNK_CACHE:
            self._chunks.clear()  # bounded: a vocabulary of chunks, not of answers
        self._chunks[chunk] = entry = (toks, adv)
        return entry

    def _present(self, toks: list[str], classified: bool = False) -> set[str]:
        present = set(toks)
        if not classified:
            for tok in present.difference(self._cache):
                self._classify(tok)
        if self._typo_alias and not present.isdisjoint(self._typo_alias):
            # A misspelt word counts as the word it stands for when a phrase checks its other words.
            for tok in present.intersection(self._typo_alias):
                present = present | self._typo_alias[tok]
        return present


def step_key(pid: int, k: int) -> int:
    """One int for step k of pattern pid (hashes faster than a tuple in the scan's set lookups)."""
    return pid * _STEP_KEYS + k


class _Offsets:
    """Character offsets of an answer's tokens, worked out only when a match needs them: from the
    regex split's ``parts`` ([space, token, space, token, ..., space]) or from cached chunks. A
    token's end is its start plus its length: ``ends`` is built only for the lexicon's expansion."""

    __slots__ = ("parts", "entries", "toks", "_starts", "_ends")

    def __init__(self, parts: list[str] | None, entries: list | None, toks: list[str]) -> None:
        self.parts = parts
        self.entries = entries
        self.toks = toks
        self._starts: list[int] | None = None
        self._ends: list[int] | None = None

    def starts(self, upto: int | None = None) -> list[int]:
        """The start of every token; with ``upto``, at least those of tokens 0..upto (a prefix is
        not kept: the evidence of a match needs only the starts up to its last token)."""
        if self._starts is None:
            if upto is not None and self.parts is None:
                return list(itertools.islice(itertools.accumulate(
                    itertools.chain.from_iterable(map(_SECOND, self.entries)), initial=0), upto + 1))
            if self.parts is not None:
                # token k starts at cum[2k] (and ends at cum[2k + 1]).
                cum = list(itertools.accumulate(map(len, self.parts)))
                self._starts = cum[0:-1:2]
            else:
                starts = [0, *itertools.accumulate(itertools.chain.from_iterable(map(_SECOND, self.entries)))]
                starts.pop()
                self._starts = starts
        return self._starts

    def ends(self) -> list[int]:
        if self._ends is None:
            self._ends = list(map(operator.add, self.starts(), map(len, self.toks)))
        return self._ends

    def spans(self) -> tuple[list[int], list[int]]:
        return self.starts(), self.ends()


def _starts(stream: _Stream, upto: int | None = None) -> list[int]:
    if stream.starts is not None:
        return stream.starts
    return stream.parts.starts(upto)  # type: ignore[union-attr]


def _ends(stream: _Stream) -> list[int]:
    if stream.ends is not None:
        return stream.ends
    return stream.parts.ends()  # type: ignore[union-attr]


def _anchor(steps: list[tuple[str, int]]) -> int:
    """The most selective step of a phrase: stop words and short globs are poor anchors."""
    from surveykit.coding.patterns import stop_words

    stops = stop_words()

    def alt_score(alt: str) -> int:
        if not any(ch.isalnum() for ch in alt):
            return 8  # punctuation such as the & of b&b is rare in answers
        if alt.lstrip("~") in stops:
            return 0
        if "*" in alt:
            return len(alt.split("*", 1)[0].lstrip("~"))  # a glob is as selective as its prefix
        return len(alt.lstrip("~")) - (1 if alt.startswith("~") else 0)

    def score(spec: str) -> tuple[int, int, int]:
        alts = spec.split("|")
        return min(alt_score(a) for a in alts), min(len(a.strip("~*")) for a in alts), -len(alts)

    return max(range(len(steps)), key=lambda k: (score(steps[k][0]), k))


def _steps(p: Pattern) -> list[tuple[str, int]]:
    if p.kind in ("word", "stem"):
        return [(normalise_token(p.text.strip()), 0)]
    tokens = pattern_tokens(p.text)
    has_star = "*" in tokens
    steps: list[tuple[str, int]] = []
    pending_gap = 0
    for tok in tokens:
        if tok == "*":
            pending_gap = p.max_gap or DEFAULT_STAR_GAP
            continue
        gap = pending_gap if has_star else p.max_gap
        steps.append((tok, gap if steps else 0))
        pending_gap = 0
    return steps
