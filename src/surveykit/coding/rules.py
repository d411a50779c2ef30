"""The rule coder: tags answers with codebook codes and reports the evidence of each tag.

Design (fast enough for a million answers on a laptop):

* each answer is lower-cased and tokenised once (``patterns.TOKEN_PATTERN``);
* every distinct token is classified once and cached: which (pattern, position) steps it can fill
  (exact word, glob or Snowball stem) and whether it is a negation cue, a lack cue or a clause break;
* an answer none of whose tokens starts a pattern is done after one set operation;
* otherwise only the tokens that start a pattern are examined: phrases are extended forward within
  their gaps, then the few tokens before the match are checked for negation;
* regular expressions (the escape hatch) are searched only when their combined alternation matches.

``RuleCoder(codebook).code_text(text)`` gives one ``Match`` per code (the earliest accepted one);
``matches(text)`` gives every accepted match (for highlighting in review).
"""

from __future__ import annotations

import bisect
import itertools
import re
from typing import TYPE_CHECKING, Iterable, Iterator, NamedTuple

from surveykit.coding.codebook import DEFAULT_STAR_GAP, Codebook, Pattern, pattern_tokens
from surveykit.coding.patterns import CLAUSE_BREAKS, TOKEN_SPLIT_RE, cue_test, normalise_token, stem, token_matcher

if TYPE_CHECKING:
    import pandas as pd

CODER = "rules"
CODED_COLUMNS = ("respondent_id", "question_id", "code_id", "start", "end", "matched", "coder")

_BLOCK, _LACK, _BREAK, _HARD_BREAK, _AFTER = 1, 2, 4, 8, 16
_AFTER_REACH = 12  # tokens after a match searched for a denial ("... was not a factor")
_HARD_BREAKS = frozenset({".", ";", "!", "?"})


class Match(NamedTuple):
    """One accepted pattern match: character offsets into the original answer.

    (A NamedTuple rather than a frozen dataclass: a million answers create millions of these.)
    """

    code_id: str
    start: int
    end: int
    matched: str
    pattern: str  # Pattern.describe()


class RuleCoder:
    """Compiled matcher for one codebook. Not thread-safe (it caches token classifications)."""

    def __init__(self, codebook: Codebook) -> None:
        self.codebook = codebook
        self.code_ids = codebook.code_ids
        self.window = codebook.negation_window
        self._is_block, self._is_lack = cue_test(codebook)
        self._after: dict[str, list[tuple[str, ...]]] = {}
        self._after_last: set[str] = set()  # a denial is only possible when one of these words occurs
        for phrase in codebook.negation_after:
            toks = tuple(pattern_tokens(phrase))
            if toks:
                self._after.setdefault(toks[0], []).append(toks)
                self._after_last.add(toks[-1])
        # Per token pattern: code index, Pattern, steps [(matcher spec, max gap before)].
        self._pcode: list[int] = []
        self._pattern: list[Pattern] = []
        self._steps: list[list[tuple[str, int]]] = []
        self._regexes: list[tuple[int, Pattern, re.Pattern]] = []
        for ci, code in enumerate(codebook.codes):
            for p in code.patterns:
                if p.kind == "regex":
                    self._regexes.append((ci, p, re.compile(p.text, re.IGNORECASE)))
                    continue
                self._pcode.append(ci)
                self._pattern.append(p)
                self._steps.append(_steps(p))
        self._describe = [p.describe() for p in self._pattern]
        # For each phrase, the later steps written only as plain words (no glob, no stem).
        # Each phrase is looked up by its anchor: the step least likely to be a common word (its
        # shortest alternative is the longest), so "no * advocate*" is tried only where "advocate"
        # occurs, not at every "no".
        self._anchor = [_anchor(steps) for steps in self._steps]
        # For each phrase, the other steps written only as plain words (no glob, no stem).
        self._required = [tuple(frozenset(spec.split("|")) for k, (spec, _) in enumerate(steps)
                                if k != self._anchor[pid] and not any(ch in spec for ch in "*~"))
                          if p.kind == "phrase" else () for pid, (p, steps) in enumerate(zip(self._pattern, self._steps))]
        self._combined = (re.compile("|".join(f"(?:{p.text})" for _, p, _ in self._regexes), re.IGNORECASE)
                          if self._regexes else None)
        # Index of the token specs: exact words and stems in dicts, globs in a list.
        self._exact: dict[str, list[tuple[int, int]]] = {}
        self._stems: dict[str, list[tuple[int, int]]] = {}
        self._globs: list[tuple[object, int, int]] = []
        for pid, steps in enumerate(self._steps):
            p = self._pattern[pid]
            for k, (spec_alts, _gap) in enumerate(steps):
                for spec in spec_alts.split("|"):  # "family|relatives|cousin*": any of these
                    if p.kind == "stem":
                        self._stems.setdefault(stem(spec), []).append((pid, k))
                    elif spec.startswith("~"):
                        self._stems.setdefault(stem(spec[1:]), []).append((pid, k))
                    elif "*" in spec:
                        self._globs.append((token_matcher(spec), pid, k))
                    else:
                        self._exact.setdefault(spec, []).append((pid, k))
        # token -> (pattern ids starting here, {(pid, step)}, flags)
        self._cache: dict[str, tuple[tuple[int, ...], frozenset, int]] = {}
        self._starters: set[str] = set()

    # -- token classification ----------------------------------------------------------------

    def _classify(self, tok: str) -> None:
        members = list(self._exact.get(tok, ()))
        if self._stems and tok[:1].isalnum():
            members.extend(self._stems.get(stem(tok), ()))
        for pred, pid, k in self._globs:
            if pred(tok):  # type: ignore[operator]
                members.append((pid, k))
        starts = tuple(sorted({pid for pid, k in members if k == self._anchor[pid]}))
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
        self._cache[tok] = (starts, frozenset(members), flags)
        if starts:
            self._starters.add(tok)

    # -- matching -----------------------------------------------------------------------------

    def _tokens(self, text: str) -> tuple[list[str], list[str], set[str]]:
        low = text.lower()
        if len(low) != len(text):  # rare Unicode case changes length: keep offsets of the original
            low = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
        if "\u2019" in low:
            low = low.replace("\u2019", "'")
        # One regex pass gives the tokens and, through the whitespace between them, their offsets.
        parts = TOKEN_SPLIT_RE.split(low)
        toks = parts[1::2]
        present = set(toks)
        new = present.difference(self._cache)
        for tok in new:
            self._classify(tok)
        return toks, parts, present

    def _scan(self, toks: list[str], present: set[str], first_only: bool) -> list[tuple[int, int, int]]:
        """Accepted (pid, first token, last token) matches, in text order of their anchors."""
        cache, steps_of, pattern_of, pcode, anchor_of = self._cache, self._steps, self._pattern, self._pcode, self._anchor
        required = self._required
        found: list[tuple[int, int, int]] = []
        done: set[int] = set()
        n = len(toks)
        viable: dict[int, bool] = {}
        here = self._starters.intersection(present)
        # Positions of the anchor tokens, found at C speed.
        for i in list(itertools.compress(itertools.count(), map(here.__contains__, toks))):
            for pid in cache[toks[i]][0]:
                if first_only and pcode[pid] in done:
                    continue
                steps = steps_of[pid]
                start = end = i
                if len(steps) > 1:
                    # Cheap pre-check: the other steps given as plain words must occur somewhere.
                    ok = viable.get(pid)
                    if ok is None:
                        ok = True
                        for words in required[pid]:
                            if present.isdisjoint(words):
                                ok = False
                                break
                        viable[pid] = ok
                    if not ok:
                        continue
                    a = anchor_of[pid]
                    # Steps before the anchor, nearest first, going backwards.
                    pos = i
                    for k in range(a - 1, -1, -1):
                        prev = None
                        for j in range(pos - 1, max(-1, pos - 2 - steps[k + 1][1]), -1):
                            entry = cache[toks[j]]
                            if (pid, k) in entry[1]:
                                prev = j
                                break
                            if entry[2] & _HARD_BREAK:
                                break
                        if prev is None:
                            pos = -1
                            break
                        pos = prev
                    if pos < 0:
                        continue
                    start = pos
                    # Steps after the anchor, going forwards.
                    pos = i
                    for k in range(a + 1, len(steps)):
                        nxt = None
                        for j in range(pos + 1, min(n, pos + 2 + steps[k][1])):
                            entry = cache[toks[j]]
                            if (pid, k) in entry[1]:
                                nxt = j
                                break
                            if entry[2] & _HARD_BREAK:
                                break
                        if nxt is None:
                            pos = -1
                            break
                        pos = nxt
                    if pos < 0:
                        continue
                    end = pos
                if not self._accept(pattern_of[pid], toks, start, end, present):
                    continue
                found.append((pid, start, end))
                done.add(pcode[pid])
        return found

    def _accept(self, p: Pattern, toks: list[str], i: int, end: int, present: set[str] | None = None) -> bool:
        if p.absence:
            return True
        blocked = lack = False
        cache = self._cache
        if (not p.negated and (present is None or not self._after_last.isdisjoint(present))
                and self._denied_after(toks, end)):
            return False
        for j in range(i - 1, max(-1, i - 1 - self.window), -1):
            flags = cache[toks[j]][2]
            if flags & _BREAK:
                break
            if flags & _BLOCK:
                blocked = True
            if flags & _LACK:
                lack = True
        if p.negated:
            return blocked or lack
        return not blocked

    def _denied_after(self, toks: list[str], end: int) -> bool:
        """A denial such as "was not a factor" later in the same sentence."""
        cache = self._cache
        for j in range(end + 1, min(len(toks), end + 1 + _AFTER_REACH)):
            flags = cache[toks[j]][2]
            if flags & _HARD_BREAK:
                return False
            if flags & _AFTER:
                for phrase in self._after[toks[j]]:
                    if tuple(toks[j:j + len(phrase)]) == phrase:
                        return True
        return False

    def _regex_matches(self, text: str, toks: list[str], cum: list[int] | None,
                       parts: list[str]) -> list[tuple[int, int, int, Pattern]]:
        if self._combined is None or self._combined.search(text) is None:
            return []
        if cum is None:
            cum = list(itertools.accumulate(map(len, parts)))
        starts = cum[0:-1:2]
        out = []
        for ci, p, rx in self._regexes:
            for m in rx.finditer(text):
                if m.end() == m.start():
                    continue
                i = bisect.bisect_right(starts, m.start()) - 1
                j = max(i, bisect.bisect_left(starts, m.end()) - 1)
                if i < 0 or self._accept(p, toks, i, j):
                    out.append((ci, m.start(), m.end(), p))
                    break
        return out

    def _evidence(self, text: str, first_only: bool) -> list[Match]:
        if not text:
            return []
        toks, parts, present = self._tokens(text)
        if self._starters.isdisjoint(present):
            hits = []
        else:
            hits = self._scan(toks, present, first_only)
        cum: list[int] | None = None
        out: list[tuple[int, int, int, str]] = []
        if hits:
            # cum[2k] is where token k starts, cum[2k + 1] where it ends.
            cum = list(itertools.accumulate(map(len, parts)))
            describe = self._describe
            pcode = self._pcode
            for pid, i, j in hits:
                out.append((pcode[pid], cum[2 * i], cum[2 * j + 1], describe[pid]))
        if self._regexes:
            for ci, s, e, p in self._regex_matches(text, toks, cum, parts):
                out.append((ci, s, e, p.describe()))
        if not out:
            return []
        ids = self.code_ids
        if first_only:
            # The earliest match of each code, then codebook order (stable output).
            best: dict[int, tuple[int, int, int, str]] = {}
            for m in out:
                b = best.get(m[0])
                if b is None or (m[1], m[2]) < (b[1], b[2]):
                    best[m[0]] = m
            return [Match(ids[ci], s, e, text[s:e], d) for ci, s, e, d in (best[c] for c in sorted(best))]
        out.sort(key=lambda m: (m[1], m[0], m[2]))
        return [Match(ids[ci], s, e, text[s:e], d) for ci, s, e, d in out]

    def code_text(self, text: str | None) -> list[Match]:
        """The codes of one answer, each with its earliest accepted match, in codebook order."""
        return self._evidence(text or "", True)

    def matches(self, text: str | None) -> list[Match]:
        """Every accepted match in one answer, in text order (for highlighting evidence)."""
        return self._evidence(text or "", False)

    def code_ids_of(self, text: str | None) -> tuple[str, ...]:
        return tuple(m.code_id for m in self.code_text(text))


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


# -- coding a set of answers ---------------------------------------------------------------------

def iter_coded(answers: Iterable[tuple[str, str | None]], coder: RuleCoder, *, question_id: str,
               ) -> Iterator[tuple[str, str, str, object, object, str, str]]:
    """Coded rows for (respondent_id, text) pairs; blank answers are skipped (they are not answers).

    Every answer seen gets at least one row: an answer with no code has one row with an empty
    ``code_id`` (and empty evidence), so agreement and review know it was coded as nothing.
    """
    for rid, text in answers:
        if text is None or not str(text).strip():
            continue
        found = coder.code_text(str(text))
        if not found:
            yield (rid, question_id, "", None, None, "", CODER)
            continue
        for m in found:
            yield (rid, question_id, m.code_id, m.start, m.end, m.matched, CODER)


def code_answers(answers: Iterable[tuple[str, str | None]], codebook: Codebook, *, question_id: str,
                 ) -> "pd.DataFrame":
    """Code answers with the rules.

    Returns one row per (respondent, code) with columns ``respondent_id`` (str), ``question_id``
    (str), ``code_id`` (str; "" for an answer that got no code), ``start`` and ``end`` (character
    offsets of the evidence in the answer, Int64, missing when uncoded), ``matched`` (the evidence
    text), ``coder`` ("rules"). Respondents keep their input order; codes follow codebook order.
    """
    import pandas as pd

    coder = RuleCoder(codebook)
    rows = list(iter_coded(answers, coder, question_id=question_id))
    frame = pd.DataFrame(rows, columns=list(CODED_COLUMNS))
    frame["start"] = frame["start"].astype("Int64")
    frame["end"] = frame["end"].astype("Int64")
    for col in ("respondent_id", "question_id", "code_id", "matched", "coder"):
        frame[col] = frame[col].astype("string")
    return frame
