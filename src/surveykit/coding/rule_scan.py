"""Matching and evidence for the rule coder: phrases are extended from their anchor token within
their gaps, regular expressions searched under a time limit, sense filters veto matches near them,
and the accepted matches become ``Match`` values with their character spans and ``via`` notes.

Used by ``rules.RuleCoder``.
"""

from __future__ import annotations

import bisect
import itertools
from typing import Any

from surveykit.coding.codebook import Pattern
from surveykit.coding.rule_tokens import _HARD_BREAK, _STEP_KEYS, _TYPO, Match, _Stream, _starts, step_key


class ScanMixin:
    """Scanning token streams and assembling the evidence, for ``RuleCoder``."""

    def _setup_scan(self) -> None:
        """Per pattern, what ``_scan`` needs in one tuple: code, steps before the anchor (nearest
        first) and after it as (step key, reach), veto flag, Pattern; and the groups of plain words
        a phrase needs elsewhere in the answer: the least common group first (None if it needs
        none), then the others.

        The groups are only a cheap pre-check (a phrase with a group absent cannot be completed by
        the step search): one set test per candidate, the rarest group first, so most candidates
        are dropped by the first test.
        """
        from surveykit.coding.patterns import stop_words

        stops = stop_words()

        def rarity(words: frozenset) -> tuple[int, int]:
            # A group is as common as its most common word: stop words are everywhere, short words often.
            return min((w not in stops, len(w)) for w in words)

        self._need: list[tuple[frozenset | None, tuple[frozenset, ...]]] = []
        for words_list in self._required:
            ordered = sorted(words_list, key=rarity, reverse=True)  # stable: ties keep pattern order
            self._need.append((ordered[0], tuple(ordered[1:])) if ordered else (None, ()))
        self._plan = []
        for pid, steps in enumerate(self._steps):
            if len(steps) >= _STEP_KEYS:
                from surveykit.errors import CodebookError

                raise CodebookError(f"code {self.code_ids[self._pcode[pid]] if self._pcode[pid] < len(self.code_ids) else 'exclude_answers'!r}: "
                                    f"a pattern has {len(steps)} words; at most {_STEP_KEYS - 1} are allowed",
                                    path=self.codebook.path or None)
            a = self._anchor[pid]
            back = tuple((step_key(pid, k), steps[k + 1][1]) for k in range(a - 1, -1, -1))
            fwd = tuple((step_key(pid, k), steps[k][1]) for k in range(a + 1, len(steps)))
            self._plan.append((self._pcode[pid], back, fwd, self._veto[pid], self._pattern[pid]))

    def _scan(self, toks: list[str], present: set[str], first_only: bool, only: int | None = None,
              skip: frozenset | None = None) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]:
        """Accepted (pid, first token, last token) matches in text order of their anchors, and the
        sense-filter (veto) matches. ``only``/``skip`` restrict the codes looked at."""
        cache, anchored, accept = self._cache, self._anchored, self._accept
        found: list[tuple[int, int, int]] = []
        vetoes: list[tuple[int, int, int]] = []
        done: set[int] = set()
        n = len(toks)
        here = self._starters.intersection(present)
        if not here:
            return found, vetoes  # no token of the answer anchors a pattern
        isdisjoint = present.isdisjoint
        after_words = not self._after_last.isdisjoint(present)  # see NegationMixin._accept
        restrict = only is not None or skip is not None
        scope = self._scope
        # Codes whose sense filters may apply in this answer: only these need every match found.
        vetoable: set[int] = set()
        if first_only and self._veto_starts:
            for tok in here.intersection(self._veto_start_set):
                vetoable |= self._veto_starts[tok]
        # Positions of the anchor tokens, found at C speed.
        for i in itertools.compress(itertools.count(), map(here.__contains__, toks)):
            for pid, ci, back, fwd, veto, pattern, need, more in anchored[toks[i]]:
                # Cheap pre-check: the groups of plain words the phrase needs must occur somewhere.
                if need is not None and (isdisjoint(need) or more and any(map(isdisjoint, more))):
                    continue
                if first_only and ci in done:
                    continue
                if restrict:
                    if only is not None and ci != only and ci != scope:
                        continue
                    if skip is not None and ci in skip:
                        continue
                start = end = i
                if back:
                    # Steps before the anchor, nearest first, going backwards.
                    pos = i
                    for key, reach in back:
                        prev = -1
                        lo = pos - 2 - reach
                        for j in range(pos - 1, lo if lo > -1 else -1, -1):
                            entry = cache[toks[j]]
                            if key in entry[1]:
                                prev = j
                                break
                            if entry[2] & _HARD_BREAK:
                                break
                        if prev < 0:
                            pos = -1
                            break
                        pos = prev
                    if pos < 0:
                        continue
                    start = pos
                if fwd:
                    # Steps after the anchor, going forwards.
                    pos = i
                    for key, reach in fwd:
                        nxt = -1
                        hi = pos + 2 + reach
                        for j in range(pos + 1, hi if hi < n else n):
                            entry = cache[toks[j]]
                            if key in entry[1]:
                                nxt = j
                                break
                            if entry[2] & _HARD_BREAK:
                                break
                        if nxt < 0:
                            pos = -1
                            break
                        pos = nxt
                    if pos < 0:
                        continue
                    end = pos
                if veto:
                    vetoes.append((ci, start, end))
                    continue
                if not accept(pattern, toks, start, end, after_words):
                    continue
                found.append((pid, start, end))
                if ci not in vetoable:  # a vetoed first match must not hide a later one
                    done.add(ci)
        return found, vetoes

    def _regex_matches(self, text: str, stream: _Stream) -> tuple[list[tuple], list[tuple[int, int, int]]]:
        """Regex hits as (code, first token, last token, describe, start, end) and regex vetoes."""
        if self._combined is None or self._search(self._combined, text, None) is None:
            return [], []
        starts = _starts(stream)
        toks = stream.toks
        out: list[tuple] = []
        vetoes: list[tuple[int, int, int]] = []
        for ci, p, rx, veto in self._regexes:
            for m in self._finditer(rx, text, (ci, p)):
                if m.end() == m.start():
                    continue
                i = max(0, bisect.bisect_right(starts, m.start()) - 1)
                j = max(i, bisect.bisect_left(starts, m.end()) - 1)
                if veto:
                    vetoes.append((ci, i, j))
                    continue
                if not toks or self._accept(p, toks, i, j):
                    out.append((ci, i, j, p.describe(), m.start(), m.end()))
                    break
        return out, vetoes

    def _search(self, rx: Any, text: str, who: tuple[int, Pattern] | None) -> Any:
        from surveykit.coding.safe_regex import SEARCH_TIMEOUT

        try:
            return rx.search(text, timeout=SEARCH_TIMEOUT)
        except TimeoutError:
            raise self._timeout(who) from None

    def _finditer(self, rx: Any, text: str, who: tuple[int, Pattern]) -> list:
        from surveykit.coding.safe_regex import SEARCH_TIMEOUT

        try:
            return list(rx.finditer(text, timeout=SEARCH_TIMEOUT))
        except TimeoutError:
            raise self._timeout(who) from None

    def _timeout(self, who: tuple[int, Pattern] | None) -> Exception:
        from surveykit.coding.safe_regex import SEARCH_TIMEOUT
        from surveykit.errors import CodebookError

        if who is None:  # the combined search: find the culprit for the message
            for ci, p, _, _ in self._regexes:
                who = (ci, p)
                break
        ci, p = who  # type: ignore[misc]
        return CodebookError(f"code {self.code_ids[ci]!r}: the regular expression {p.text[:60]!r} ran past its time "
                             f"limit ({SEARCH_TIMEOUT} s) on one answer (catastrophic backtracking); simplify it",
                             path=self.codebook.path or None)


    def _evidence(self, text: str, first_only: bool) -> list[Match]:
        if not text:
            return []
        toks, parts, present = self._tokens(text)
        base = _Stream(toks, present, parts, None, None, None)
        streams = self._streams(text, base)
        out: list[tuple[int, int, int, str, _Stream, int, int]] = []  # code, start, end, pattern, stream, tokens i-j
        for stream, only in streams:
            skip = self._own_stream if only is None and len(streams) > 1 else None
            hits: list[tuple] = []
            found, vetoes = self._scan(stream.toks, stream.present, first_only, only, skip)
            if found:
                describe, pcode = self._describe, self._pcode
                hits = [(pcode[pid], i, j, describe[pid], None, None) for pid, i, j in found]
            if only is None and self._regexes:
                rhits, rvetoes = self._regex_matches(text, stream)
                hits.extend(rhits)
                vetoes.extend(rvetoes)
            if not hits:
                continue
            if vetoes:
                hits = self._unvetoed(hits, vetoes, stream.toks)
                if not hits:
                    continue
            if stream.ends is None:
                # The answer's own tokens: a token ends its length after its start, and only the
                # starts up to the last token matched are needed.
                starts = _starts(stream, max([hit[2] for hit in hits]))
                toks = stream.toks
                for ci, i, j, desc, s, e in hits:
                    if s is None:
                        s, e = starts[i], starts[j] + len(toks[j])
                    out.append((ci, s, e, desc, stream, i, j))
            else:
                starts, ends = _starts(stream), stream.ends
                for ci, i, j, desc, s, e in hits:
                    if s is None:
                        s, e = starts[i], ends[j]
                    out.append((ci, s, e, desc, stream, i, j))
        if not out:
            return []
        ids, via = self.code_ids, self._via
        # The answer's own tokens with no forgiven typo among them: ``via`` is empty for their matches.
        plain = base if base.present.isdisjoint(self._typo_set) else None
        if first_only:
            # The earliest match of each code, then codebook order (stable output).
            best: dict[int, tuple] = {}
            for m in out:
                b = best.get(m[0])
                if b is None or (m[1], m[2]) < (b[1], b[2]):
                    best[m[0]] = m
            return [Match(ids[ci], s, e, text[s:e], d, "" if st is plain else via(st, i, j))
                    for ci, s, e, d, st, i, j in (best[c] for c in sorted(best))]
        done: dict[tuple, Match] = {}
        for ci, s, e, d, st, i, j in out:
            m = Match(ids[ci], s, e, text[s:e], d, via(st, i, j))
            done.setdefault((ci, s, e, d, m.via), m)
        return sorted(done.values(), key=lambda m: (m.start, self._code_index[m.code_id], m.end, m.pattern))

    def _unvetoed(self, hits: list[tuple], vetoes: list[tuple[int, int, int]], toks: list[str]) -> list[tuple]:
        """Drop matches that one of their code's sense filters vetoes: a veto match overlapping the
        match or within ``exclude_window`` tokens of it, in the same sentence."""
        cache = self._cache
        keep = []
        for hit in hits:
            ci, i, j = hit[0], hit[1], hit[2]
            w = self._veto_window[ci]
            vetoed = False
            for vci, vi, vj in vetoes:
                if vci == self._scope:
                    return []  # the answer is outside the codebook's scope
                if vci != ci or vi > j + w or vj < i - w:
                    continue
                lo, hi = (vj + 1, i) if vj < i else (j + 1, vi)
                if not any(cache[toks[k]][2] & _HARD_BREAK for k in range(lo, hi)):
                    vetoed = True
                    break
            if not vetoed:
                keep.append(hit)
        return keep

    def _via(self, stream: _Stream, i: int, j: int) -> str:
        if stream.via is None and stream.present.isdisjoint(self._typo_set):
            return ""  # the answer's own words, none of them a forgiven typo
        notes: list[str] = []
        if stream.via is not None:
            for e in dict.fromkeys(stream.via[i:j + 1]):
                if e >= 0:
                    notes.append(self._lex_entries[e].describe())
        if self._typo_note:
            cache = self._cache
            for tok in stream.toks[i:j + 1]:
                if cache[tok][2] & _TYPO:
                    notes.append(self._typo_note[tok])
        return "; ".join(dict.fromkeys(notes))
