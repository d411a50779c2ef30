"""The rule coder: tags answers with codebook codes and reports the evidence of each tag.

Design (fast enough for a million answers on a laptop):

* each answer is lower-cased and tokenised once (``patterns.TOKEN_PATTERN``);
* every distinct token is classified once and cached: which (pattern, position) steps it can fill
  (exact word, glob or Snowball stem, or one of these misspelt by one edit) and whether it is a
  negation cue, a lack cue or a clause break;
* the lexicon (abbreviations, synonyms) is applied only to answers holding one of its keys: their
  tokens are replaced by the readings, which keep the character span of the original key;
* an answer none of whose tokens starts a pattern is done after one set operation;
* otherwise only the tokens that start a pattern are examined: phrases are extended forward within
  their gaps, then the few tokens around the match are checked for negation and sense filters;
* regular expressions (the escape hatch) are searched only when their combined alternation matches,
  always under a time limit (``safe_regex``).

``RuleCoder(codebook).code_text(text)`` gives one ``Match`` per code (the earliest accepted one);
``matches(text)`` gives every accepted match (for highlighting in review).
"""

from __future__ import annotations

import bisect
import itertools
from typing import TYPE_CHECKING, Any, Iterable, Iterator, NamedTuple

from surveykit.coding.codebook import DEFAULT_STAR_GAP, Codebook, Pattern, pattern_tokens
from surveykit.coding.patterns import (LACK_CUES, AFTER_SKIPPABLE, AFTER_STOPS, BE_HAVE, CLAUSE_BREAKS, DENIAL_VERBS,
                                       LIMITERS, NEG_BE_HAVE, NEG_DO, NEG_MODAL, NEG_POLARITY, NEVER_DENIAL_NEXT,
                                       RARELY, RELEVANCE_NEXT, SO_MUCH_ENDS, TOKEN_SPLIT_RE, cue_test, normalise_token, stem,
                                       token_matcher)

if TYPE_CHECKING:
    import pandas as pd

CODER = "rules"
CODED_COLUMNS = ("respondent_id", "question_id", "code_id", "start", "end", "matched", "coder", "via")

_BLOCK, _LACK, _BREAK, _HARD_BREAK, _AFTER, _TYPO, _NEUTRAL = 1, 2, 4, 8, 16, 32, 64
_AFTER_REACH = 12  # tokens after a match searched for a denial phrase ("... was not a factor")
_DENIAL_REACH = 6  # tokens after a match searched for a negated verb ("... aren't the issue")
_DENIAL_SKIP = 3   # other words allowed between the match and that verb ("age assessment issues were not")
_HARD_BREAKS = frozenset({".", ";", "!", "?"})


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
    then worked out from ``parts``, only when there is a match)."""

    toks: list[str]
    present: set[str]
    parts: list[str] | None
    starts: list[int] | None
    ends: list[int] | None
    via: list[int] | None  # lexicon entry index per token, -1 for an answer's own token


class RuleCoder:
    """Compiled matcher for one codebook. Not thread-safe (it caches token classifications)."""

    def __init__(self, codebook: Codebook) -> None:
        from surveykit.coding.safe_regex import compile_regex

        self.codebook = codebook
        self.code_ids = codebook.code_ids
        self._code_index = {c: i for i, c in enumerate(self.code_ids)}
        self.window = codebook.negation_window
        self._is_block, self._is_lack = cue_test(codebook)
        self._after: dict[str, list[tuple[str, ...]]] = {}
        self._after_last: set[str] = set()  # a denial is only possible when one of these words occurs
        for phrase in codebook.negation_after:
            toks = tuple(pattern_tokens(phrase))
            if toks:
                self._after.setdefault(toks[0], []).append(toks)
                self._after_last.add(toks[-1])
        # Per token pattern: code index, Pattern, steps [(matcher spec, max gap before)], veto flag.
        # A veto pattern is one of a code's ``exclude_context`` sense filters.
        self._pcode: list[int] = []
        self._pattern: list[Pattern] = []
        self._steps: list[list[tuple[str, int]]] = []
        self._veto: list[bool] = []
        self._regexes: list[tuple[int, Pattern, Any, bool]] = []
        # The codebook's ``exclude_answers`` (answers outside its scope) are vetoes of a pseudo-code
        # numbered len(codes), which vetoes every match of the answer.
        self._scope = len(codebook.codes)
        self._has_veto = [bool(c.exclude_context) for c in codebook.codes] + [True]
        self._veto_window = [c.exclude_window for c in codebook.codes] + [0]
        groups = [(ci, ((False, code.patterns), (True, code.exclude_context))) for ci, code in enumerate(codebook.codes)]
        groups.append((self._scope, ((True, codebook.exclude_answers),)))
        for ci, plists in groups:
            for veto, plist in plists:
                for p in plist:
                    if p.kind == "regex":
                        self._regexes.append((ci, p, compile_regex(p.text), veto))
                        continue
                    self._pcode.append(ci)
                    self._pattern.append(p)
                    self._steps.append(_steps(p))
                    self._veto.append(veto)
        self._describe = [p.describe() for p in self._pattern]
        # Each phrase is looked up by its anchor: the step least likely to be a common word (its
        # shortest alternative is the longest), so "no * advocate*" is tried only where "advocate"
        # occurs, not at every "no".
        self._anchor = [_anchor(steps) for steps in self._steps]
        # For each phrase, the other steps written only as plain words (no glob, no stem).
        self._required = [tuple(frozenset(spec.split("|")) for k, (spec, _) in enumerate(steps)
                                if k != self._anchor[pid] and not any(ch in spec for ch in "*~"))
                          if p.kind == "phrase" else () for pid, (p, steps) in enumerate(zip(self._pattern, self._steps))]
        self._combined = (compile_regex("|".join(f"(?:{p.text})" for _, p, _, _ in self._regexes))
                          if self._regexes else None)
        # Index of the token specs: exact words and stems in dicts, globs in a list.
        self._exact: dict[str, list[tuple[int, int]]] = {}
        self._stems: dict[str, list[tuple[int, int]]] = {}
        self._globs: list[tuple[object, int, int]] = []
        stem_words: dict[str, str] = {}  # stem -> a word written in the codebook with that stem
        prefix_globs: list[tuple[str, int, int]] = []
        for pid, steps in enumerate(self._steps):
            p = self._pattern[pid]
            for k, (spec_alts, _gap) in enumerate(steps):
                for spec in spec_alts.split("|"):  # "family|relatives|cousin*": any of these
                    if p.kind == "stem" or spec.startswith("~"):
                        word = spec.lstrip("~")
                        self._stems.setdefault(stem(word), []).append((pid, k))
                        stem_words.setdefault(stem(word), word)
                    elif "*" in spec:
                        self._globs.append((token_matcher(spec), pid, k))
                        if spec.count("*") == 1 and spec.endswith("*"):
                            prefix_globs.append((spec[:-1], pid, k))
                    else:
                        self._exact.setdefault(spec, []).append((pid, k))
        # Words without which no negation after a match is possible (see _negated_after).
        self._after_triggers = frozenset({"not", "never", *NEG_BE_HAVE, *NEG_DO, *NEG_MODAL, *RARELY, *LACK_CUES})
        self._setup_typos(stem_words, prefix_globs)
        self._setup_lexicon()
        # token -> (pattern ids starting here, {(pid, step)}, flags)
        self._cache: dict[str, tuple[tuple[int, ...], frozenset, int]] = {}
        self._starters: set[str] = set()
        self._veto_starts: dict[str, set[int]] = {}  # token -> codes whose sense filters it may start
        self._typo_note: dict[str, str] = {}     # misspelt token -> "token ~ word"
        self._typo_alias: dict[str, set[str]] = {}  # misspelt token -> the plain words it stands for

    # -- set-up ------------------------------------------------------------------------------

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

    # -- token classification ----------------------------------------------------------------

    def _classify(self, tok: str) -> None:
        members = list(self._exact.get(tok, ()))
        if self._stems and tok[:1].isalnum():
            members.extend(self._stems.get(stem(tok), ()))
        exact_or_stem = bool(members)
        for pred, pid, k in self._globs:
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
        self._cache[tok] = (starts, frozenset(members), flags)
        if starts:
            self._starters.add(tok)
            vetoes = {self._pcode[pid] for pid in starts if self._veto[pid]}
            if vetoes:
                self._veto_starts[tok] = vetoes

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
        self._typo_alias[tok] = {w for w in words if not w.endswith("*")}
        return members

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
        return toks, parts, self._present(toks)

    def _present(self, toks: list[str]) -> set[str]:
        present = set(toks)
        new = present.difference(self._cache)
        for tok in new:
            self._classify(tok)
        if self._typo_alias and not present.isdisjoint(self._typo_alias):
            # A misspelt word counts as the word it stands for when a phrase checks its other words.
            for tok in present.intersection(self._typo_alias):
                present = present | self._typo_alias[tok]
        return present

    def _scan(self, toks: list[str], present: set[str], first_only: bool, only: int | None = None,
              skip: frozenset | None = None) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]:
        """Accepted (pid, first token, last token) matches in text order of their anchors, and the
        sense-filter (veto) matches. ``only``/``skip`` restrict the codes looked at."""
        cache, steps_of, pattern_of, pcode, anchor_of = self._cache, self._steps, self._pattern, self._pcode, self._anchor
        required, is_veto = self._required, self._veto
        found: list[tuple[int, int, int]] = []
        vetoes: list[tuple[int, int, int]] = []
        done: set[int] = set()
        n = len(toks)
        viable: dict[int, bool] = {}
        here = self._starters.intersection(present)
        # Codes whose sense filters may apply in this answer: only these need every match found.
        vetoable: set[int] = set()
        if first_only and self._veto_starts:
            for tok in here.intersection(self._veto_starts):
                vetoable |= self._veto_starts[tok]
        # Positions of the anchor tokens, found at C speed.
        for i in list(itertools.compress(itertools.count(), map(here.__contains__, toks))):
            for pid in cache[toks[i]][0]:
                ci = pcode[pid]
                if first_only and ci in done:
                    continue
                if only is not None and ci != only and ci != self._scope:
                    continue
                if skip is not None and ci in skip:
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
                if is_veto[pid]:
                    vetoes.append((ci, start, end))
                    continue
                if not self._accept(pattern_of[pid], toks, start, end, present):
                    continue
                found.append((pid, start, end))
                if ci not in vetoable:  # a vetoed first match must not hide a later one
                    done.add(ci)
        return found, vetoes

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
            if flags & _BREAK and not (toks[j] == "so" and j + 1 < i and toks[j + 1] == "much"):
                break
            if flags & _BLOCK and not self._neutralised(toks, j, i):
                blocked = True
            if flags & _LACK:
                lack = True
        after = self._negated_after(toks, end)
        if p.negated:
            return after in (1, 3) or ((blocked or lack) and after != 2)
        return not blocked and after in (0, 3)

    def _neutralised(self, toks: list[str], j: int, i: int) -> bool:
        """Is the cue at j no negation of the match at i? A double negation ("not uncommon"), an
        additive "not just", or a "not so much ... as" whose "as" comes before the match."""
        cache = self._cache
        nxt = toks[j + 1] if j + 1 < i else ""
        if nxt and cache[nxt][2] & _NEUTRAL:
            return True
        if nxt in ("so", "that", "very", "all", "as") and j + 2 < i and cache[toks[j + 2]][2] & _NEUTRAL:
            return True
        if nxt in ("so", "as") and j + 2 < i and toks[j + 2] == "much":
            return any(t in SO_MUCH_ENDS for t in toks[j + 3:i])
        return False

    def _negated_after(self, toks: list[str], end: int) -> int:
        """A negation right after the match that applies to it: 0 none; 1 its predicate is negated
        ("referrals not being made", "support isn't available", "advocates are rarely available");
        2 its relevance is denied ("traffickers aren't the issue", "debt doesn't come into it");
        3 a verb of it is negated with do ("traffickers don't let them go", "the referral doesn't
        follow"): no denial of an ordinary pattern, but the lack a ``negated`` pattern looks for."""
        if self._after_triggers.isdisjoint(toks[end + 1:end + 1 + _DENIAL_REACH]):
            return 0  # no negation word close enough after the match: the common case, at C speed
        cache = self._cache
        n = len(toks)
        j = end + 1
        stop = min(n, end + 1 + _DENIAL_REACH)
        saw_be = False
        skipped = 0
        while j < stop:
            tok = toks[j]
            flags = cache[tok][2]
            if tok in ("and", "or") and not saw_be:
                skipped += 1  # "age assessment and immigration status aren't issues"
                if skipped > _DENIAL_SKIP:
                    return 0
                j += 1
                continue
            if flags & _BREAK or tok in AFTER_STOPS:
                return 0
            nxt = toks[j + 1] if j + 1 < n else ""
            if tok in BE_HAVE:
                saw_be = True
            elif tok in AFTER_SKIPPABLE:
                pass
            elif tok == "not" or tok == "never" or tok in NEG_BE_HAVE:
                if nxt in LIMITERS or nxt in NEG_POLARITY:
                    return 0  # "not just", "isn't uncommon"
                if tok == "never" and not saw_be and nxt not in NEVER_DENIAL_NEXT:
                    return 0  # "traffickers never let go"
                return self._denial_kind(toks, j + 1)
            elif tok in NEG_DO or (tok in ("do", "does", "did") and nxt == "not"):
                k = j + 1 + (nxt == "not")
                while k < n and toks[k] in AFTER_SKIPPABLE:
                    k += 1
                # "debt doesn't come into it" denies; "the referral doesn't follow" negates a verb
                # of X (3): a lack for a ``negated`` pattern, nothing for an ordinary one.
                return 2 if k < n and toks[k] in DENIAL_VERBS else 3
            elif tok in NEG_MODAL:
                return self._denial_kind(toks, j + 2) if nxt == "be" else 0
            elif tok in RARELY:
                if nxt in DENIAL_VERBS:
                    return 2
                return self._denial_kind(toks, j + 1) if saw_be else 1
            elif flags & _LACK and saw_be:
                return 1  # "advocates are limited", "support is lacking"
            elif saw_be:
                return 0  # "X is common": nothing is negated
            else:
                skipped += 1
                if skipped > _DENIAL_SKIP:
                    return 0
            j += 1
        return 0

    @staticmethod
    def _denial_kind(toks: list[str], k: int) -> int:
        """After a negation at k - 1: 2 when what follows names a relevance ("the issue", "a
        factor", "really the pattern", "part of it"), else 1."""
        n = len(toks)
        while k < n and toks[k] in AFTER_SKIPPABLE:
            k += 1
        return 2 if k < n and (toks[k] in RELEVANCE_NEXT or toks[k] in DENIAL_VERBS) else 1

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

    # -- the lexicon -------------------------------------------------------------------------

    def _expand(self, text: str, base: _Stream, table: dict) -> _Stream | None:
        """The stream with lexicon keys replaced by their readings, or None when nothing applies."""
        toks = base.toks
        starts, ends = _starts(base), _ends(base)
        out_t: list[str] = []
        out_s: list[int] = []
        out_e: list[int] = []
        out_v: list[int] = []
        n = len(toks)
        i = 0
        changed = False
        while i < n:
            cands = table.get(toks[i])
            hit = None
            if cands:
                for e, key, capitals, reading in cands:
                    size = len(key)
                    if tuple(toks[i:i + size]) != key:
                        continue
                    if capitals and not text[starts[i]:ends[i + size - 1]].replace(" ", "").isupper():
                        continue
                    hit = (e, size, reading)
                    break
            if hit is None:
                out_t.append(toks[i])
                out_s.append(starts[i])
                out_e.append(ends[i])
                out_v.append(base.via[i] if base.via is not None else -1)
                i += 1
                continue
            e, size, reading = hit
            s, t = starts[i], ends[i + size - 1]
            for r in reading:
                out_t.append(r)
                out_s.append(s)
                out_e.append(t)
                out_v.append(e)
            i += size
            changed = True
        if not changed:
            return None
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

    # -- evidence -----------------------------------------------------------------------------

    def _evidence(self, text: str, first_only: bool) -> list[Match]:
        if not text:
            return []
        toks, parts, present = self._tokens(text)
        base = _Stream(toks, present, parts, None, None, None)
        streams = self._streams(text, base)
        out: list[tuple[int, int, int, str, str]] = []
        for stream, only in streams:
            skip = self._own_stream if only is None and len(streams) > 1 else None
            hits: list[tuple] = []
            vetoes: list[tuple[int, int, int]] = []
            if not self._starters.isdisjoint(stream.present):
                found, vetoes = self._scan(stream.toks, stream.present, first_only, only, skip)
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
            starts, ends = _starts(stream), _ends(stream)
            for ci, i, j, desc, s, e in hits:
                if s is None:
                    s, e = starts[i], ends[j]
                out.append((ci, s, e, desc, stream, i, j))
        if not out:
            return []
        ids, via = self.code_ids, self._via
        if first_only:
            # The earliest match of each code, then codebook order (stable output).
            best: dict[int, tuple] = {}
            for m in out:
                b = best.get(m[0])
                if b is None or (m[1], m[2]) < (b[1], b[2]):
                    best[m[0]] = m
            return [Match(ids[ci], s, e, text[s:e], d, via(st, i, j))
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

    def code_text(self, text: str | None) -> list[Match]:
        """The codes of one answer, each with its earliest accepted match, in codebook order."""
        return self._evidence(text or "", True)

    def matches(self, text: str | None) -> list[Match]:
        """Every accepted match in one answer, in text order (for highlighting evidence)."""
        return self._evidence(text or "", False)

    def code_ids_of(self, text: str | None) -> tuple[str, ...]:
        return tuple(m.code_id for m in self.code_text(text))


def _starts(stream: _Stream) -> list[int]:
    if stream.starts is not None:
        return stream.starts
    # parts = [space, token, space, token, ..., space]: token k starts at cum[2k] and ends at cum[2k + 1].
    cum = list(itertools.accumulate(map(len, stream.parts)))  # type: ignore[arg-type]
    return cum[0:-1:2]


def _ends(stream: _Stream) -> list[int]:
    if stream.ends is not None:
        return stream.ends
    cum = list(itertools.accumulate(map(len, stream.parts)))  # type: ignore[arg-type]
    return cum[1::2]


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
               ) -> Iterator[tuple[str, str, str, object, object, str, str, str]]:
    """Coded rows for (respondent_id, text) pairs; blank answers are skipped (they are not answers).

    Every answer seen gets at least one row: an answer with no code has one row with an empty
    ``code_id`` (and empty evidence), so agreement and review know it was coded as nothing.
    """
    for rid, text in answers:
        if text is None or not str(text).strip():
            continue
        found = coder.code_text(str(text))
        if not found:
            yield (rid, question_id, "", None, None, "", CODER, "")
            continue
        for m in found:
            yield (rid, question_id, m.code_id, m.start, m.end, m.matched, CODER, m.via)


def code_answers(answers: Iterable[tuple[str, str | None]], codebook: Codebook, *, question_id: str,
                 ) -> "pd.DataFrame":
    """Code answers with the rules.

    Returns one row per (respondent, code) with columns ``respondent_id`` (str), ``question_id``
    (str), ``code_id`` (str; "" for an answer that got no code), ``start`` and ``end`` (character
    offsets of the evidence in the answer, Int64, missing when uncoded), ``matched`` (the evidence
    text, exactly ``answer[start:end]``), ``coder`` ("rules"), ``via`` (what was read into the
    evidence: lexicon entries such as "HO = home office" and forgiven typos such as "placment ~
    placement"; "" for a plain match). Respondents keep their input order; codes follow codebook order.
    """
    import pandas as pd

    coder = RuleCoder(codebook)
    rows = list(iter_coded(answers, coder, question_id=question_id))
    frame = pd.DataFrame(rows, columns=list(CODED_COLUMNS))
    frame["start"] = frame["start"].astype("Int64")
    frame["end"] = frame["end"].astype("Int64")
    for col in ("respondent_id", "question_id", "code_id", "matched", "coder", "via"):
        frame[col] = frame[col].astype("string")
    return frame
