"""Negation for the rule coder: whether an accepted match is denied or, for a ``negated`` pattern
(a lack), affirmed by the words around it.

A cue before the match (within the codebook's window, up to a clause break) blocks it unless it is
neutralised ("not uncommon", "not just", "not so much X as"); a denial right after it ("aren't the
issue", "is rarely the reason", "was not a factor") blocks it too. Used by ``rules.RuleCoder``.
"""

from __future__ import annotations

from surveykit.coding.codebook import Pattern
from surveykit.coding.patterns import (AFTER_SKIPPABLE, AFTER_STOPS, BE_HAVE, CONTRAST_NEXT, DENIAL_VERBS,
                                       EXISTENCE_VERBS, LIMITERS, NEG_BE_HAVE, NEG_DO, NEG_MODAL, NEG_POLARITY,
                                       NEVER_DENIAL_NEXT, RARELY, RELEVANCE_NEXT, SO_MUCH_ENDS)
from surveykit.coding.rule_tokens import _AFTER, _BLOCK, _BREAK, _HARD_BREAK, _LACK, _NEUTRAL

_AFTER_REACH = 12  # tokens after a match searched for a denial phrase ("... was not a factor")
_DENIAL_REACH = 6  # tokens after a match searched for a negated verb ("... aren't the issue")
_CUES = _BREAK | _BLOCK | _LACK  # the flags the look-back before a match reads
_DENIAL_SKIP = 3   # other words allowed between the match and that verb ("age assessment issues were not")
# Words that may stand between a negation and the lack it denies ("isn't really a lack of").
_LACK_DENIAL_FILLERS = frozenset({"a", "an", "the", "any", "for", "really", "just", "simply"})


class NegationMixin:
    """The negation checks of ``RuleCoder`` (they read its token cache and codebook settings)."""

    def _accept(self, p: Pattern, toks: list[str], i: int, end: int, after_words: bool = True) -> bool:
        """Is the match of ``p`` over tokens i..end accepted by the negation checks? ``after_words``
        False says the answer holds no last word of a ``negation_after`` phrase (the scan works
        that out once per answer), so no such denial needs looking for."""
        if p.absence:
            return not self._lack_denied(toks, i)
        blocked = lack = denied_lack = False
        cache = self._cache
        if not p.negated and after_words and self._denied_after(toks, end):
            return False
        lo = i - 1 - self.window
        for j in range(i - 1, lo if lo > -1 else -1, -1):
            flags = cache[toks[j]][2]
            if not flags & _CUES:
                continue  # most words: no break, no cue
            if flags & _BREAK and not (toks[j] == "so" and j + 1 < i and toks[j + 1] == "much"):
                break
            if flags & _BLOCK and not self._neutralised(toks, j, i):
                blocked = True
                # A cue before a lack word denies the lack: "I wouldn't say they lack advocates".
                denied_lack = denied_lack or lack
            if flags & _LACK:
                lack = True
        # The common case, inlined: no negation word close enough after the match.
        after = (0 if self._after_triggers.isdisjoint(toks[end + 1:end + 1 + _DENIAL_REACH])
                 else self._negated_after(toks, end))
        if p.negated:
            if denied_lack:
                return False
            return after in (1, 3) or ((blocked or lack) and after != 2)
        return not blocked and after in (0, 3)

    def _lack_denied(self, toks: list[str], i: int) -> bool:
        """Is the lack an ``absence`` pattern starts with denied right before it ("it isn't a lack
        of trust", "no lack of support", "not for lack of advocates")?"""
        if i >= len(toks) or not self._cache[toks[i]][2] & _LACK:
            return False
        j = i - 1
        while j >= 0 and toks[j] in _LACK_DENIAL_FILLERS:
            j -= 1
        return j >= 0 and bool(self._cache[toks[j]][2] & _BLOCK)

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
                if tok == "not" and j == end + 1 and _contrast(toks, j + 1):
                    return 0  # "treated as a criminal not a victim"
                return self._denial_kind(toks, j + 1)
            elif tok in NEG_DO or (tok in ("do", "does", "did") and nxt == "not"):
                k = j + 1 + (nxt == "not")
                while k < n and toks[k] in AFTER_SKIPPABLE:
                    k += 1
                # "debt doesn't come into it" denies; "the referral doesn't follow" negates a verb
                # of X (3): a lack for a ``negated`` pattern, nothing for an ordinary one.
                if k < n and toks[k] in EXISTENCE_VERBS:
                    return 1  # "safety planning didn't happen"
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


def _contrast(toks: list[str], k: int) -> bool:
    """Does "not" before k name what the child is instead ("not a victim", "not as victims")?"""
    while k < len(toks) and toks[k] in ("a", "an", "the", "as", "being", "seen"):
        k += 1
    return k < len(toks) and toks[k] in CONTRAST_NEXT
