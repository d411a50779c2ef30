"""The codebook's lexicon inside the rule coder: abbreviations and synonyms are replaced by their
readings before matching, in a second token stream whose tokens keep the character span of the
original key (so the evidence shows the answer's own words and ``via`` says what was read).

Only answers holding a key are expanded; a code's own entries give a stream of their own, scanned
for that code alone. Used by ``rules.RuleCoder``.
"""

from __future__ import annotations

import itertools
from typing import Iterable

from surveykit.coding.patterns import normalise_token
from surveykit.coding.rule_tokens import _Stream, _ends, _starts


class LexiconMixin:
    """Lexicon set-up and expansion for ``RuleCoder``."""

    def _setup_lexicon(self) -> None:
        lex = self.codebook.lexicon
        self._lex_entries = list(lex.entries)
        index = {c: i for i, c in enumerate(self.code_ids)}

        def table(entries: Iterable[int]) -> dict[str, list[tuple[int, tuple[str, ...], bool, tuple[str, ...]]]]:
            out: dict[str, list] = {}
            for e in entries:
                entry = self._lex_entries[e]
                key = tuple(normalise_token(t) for t in entry.key_tokens)
                out.setdefault(key[0], []).append((e, key, entry.capitals_only, entry.reading_tokens))
            for cands in out.values():
                cands.sort(key=lambda c: -len(c[1]))  # the longest key wins
            return out

        glob = [e for e, entry in enumerate(self._lex_entries) if entry.code is None]
        self._lex_global = table(glob)
        self._lex_code: dict[int, dict] = {}
        self._lex_code_first: dict[int, set[str]] = {}
        for cid in dict.fromkeys(e.code for e in self._lex_entries if e.code is not None):
            own = [e for e, entry in enumerate(self._lex_entries) if entry.code == cid]
            ci = index[cid]
            # A code's own entries come first, so they win over a global entry with the same key.
            merged = table(own)
            for first, cands in table(glob).items():
                merged.setdefault(first, []).extend(cands)
            self._lex_code[ci] = merged
            self._lex_code_first[ci] = {normalise_token(self._lex_entries[e].key_tokens[0]) for e in own}
        self._lex_keys = set(self._lex_global) | {t for s in self._lex_code_first.values() for t in s}
        # First tokens whose every entry is a capitals-only key ("are" of ARE): looked at only when
        # the answer holds the key in capitals, so "are" in ordinary answers costs one substring test.
        caps: dict[str, set[str]] = {}
        plain: set[str] = set()
        for entry in self._lex_entries:
            first = normalise_token(entry.key_tokens[0])
            if entry.capitals_only:
                caps.setdefault(first, set()).add(entry.key.split()[0])
            else:
                plain.add(first)
        self._lex_caps_only = {first: tuple(sorted(forms)) for first, forms in caps.items() if first not in plain}
        self._own_stream = frozenset(self._lex_code)


    def _expand(self, text: str, base: _Stream, table: dict) -> _Stream | None:
        """The stream with lexicon keys replaced by their readings, or None when nothing applies."""
        toks = base.toks
        n = len(toks)
        # Only the positions holding a key's first token are looked at; the stretches between the
        # keys read are copied whole.
        at = list(itertools.compress(itertools.count(), map(table.__contains__, toks)))
        if not at:
            return None
        starts, ends = _starts(base), _ends(base)
        out_t: list[str] = []
        out_s: list[int] = []
        out_e: list[int] = []
        out_v: list[int] = []
        done = 0  # tokens before this one are in the output
        for i in at:
            if i < done:
                continue  # inside a key already read
            hit = None
            for e, key, capitals, reading in table[toks[i]]:
                size = len(key)
                if tuple(toks[i:i + size]) != key:
                    continue
                if capitals and not text[starts[i]:ends[i + size - 1]].replace(" ", "").isupper():
                    continue
                hit = (e, size, reading)
                break
            if hit is None:
                continue
            out_t.extend(toks[done:i])
            out_s.extend(starts[done:i])
            out_e.extend(ends[done:i])
            out_v.extend(base.via[done:i] if base.via is not None else [-1] * (i - done))
            e, size, reading = hit
            s, t = starts[i], ends[i + size - 1]
            k = len(reading)
            out_t.extend(reading)
            out_s.extend([s] * k)
            out_e.extend([t] * k)
            out_v.extend([e] * k)
            done = i + size
        if done == 0:
            return None  # no key read
        out_t.extend(toks[done:n])
        out_s.extend(starts[done:n])
        out_e.extend(ends[done:n])
        out_v.extend(base.via[done:n] if base.via is not None else [-1] * (n - done))
        return _Stream(out_t, self._present(out_t), None, out_s, out_e, out_v)

    def _streams(self, text: str, base: _Stream) -> list[tuple[_Stream, int | None]]:
        """(stream, code) pairs to scan: the answer read with the global lexicon for every code
        (code None), and for a code with its own entries present, the answer read with them."""
        if not self._lex_keys or self._lex_keys.isdisjoint(base.present):
            return [(base, None)]
        if all(first in self._lex_caps_only and not any(form in text for form in self._lex_caps_only[first])
               for first in self._lex_keys.intersection(base.present)):
            return [(base, None)]
        main = self._expand(text, base, self._lex_global) if self._lex_global else None
        main = main or base
        out: list[tuple[_Stream, int | None]] = [(main, None)]
        for ci, first in self._lex_code_first.items():
            if not first.isdisjoint(base.present):
                own = self._expand(text, base, self._lex_code[ci])
                if own is not None:
                    out.append((own, ci))
        return out
