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

The coder is split by responsibility: ``rule_tokens`` (token stream, classification, typos),
``rule_lexicon`` (abbreviations and synonyms), ``rule_scan`` (matching, sense filters, evidence)
and ``rule_negation`` (negation before and after a match); this module compiles a codebook and
codes answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Iterator

from surveykit.coding.codebook import Codebook, Pattern, pattern_tokens
from surveykit.coding.patterns import LACK_CUES, NEG_BE_HAVE, NEG_DO, NEG_MODAL, RARELY, cue_test, stem, token_matcher
from surveykit.coding.rule_lexicon import LexiconMixin
from surveykit.coding.rule_negation import NegationMixin
from surveykit.coding.rule_scan import ScanMixin
from surveykit.coding.rule_tokens import Match, TokenMixin, _anchor, _steps

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CODED_COLUMNS", "CODER", "Match", "RuleCoder", "code_answers", "iter_coded", "rule_coder"]

CODER = "rules"
CODED_COLUMNS = ("respondent_id", "question_id", "code_id", "start", "end", "matched", "coder", "via")


class RuleCoder(TokenMixin, LexiconMixin, ScanMixin, NegationMixin):
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
        self._glob_head_list: list[str] = []  # the head of each glob, lower-cased as its matcher
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
                        self._glob_head_list.append(spec.lower().split("*", 1)[0])
                        if spec.count("*") == 1 and spec.endswith("*"):
                            prefix_globs.append((spec[:-1], pid, k))
                    else:
                        self._exact.setdefault(spec, []).append((pid, k))
        # The globs by their head (the letters before the first *): a token is tried only against
        # the globs whose head it starts with, found by its own prefixes, not against every glob.
        self._glob_heads: dict[str, list[tuple[object, int, int]]] = {}
        for (pred, pid, k), head in zip(self._globs, self._glob_head_list):
            self._glob_heads.setdefault(head, []).append((pred, pid, k))
        self._glob_head_lengths = sorted({len(h) for h in self._glob_heads})
        # Words without which no negation after a match is possible (see _negated_after).
        self._after_triggers = frozenset({"not", "never", *NEG_BE_HAVE, *NEG_DO, *NEG_MODAL, *RARELY, *LACK_CUES})
        self._setup_typos(stem_words, prefix_globs)
        self._setup_lexicon()
        self._setup_scan()
        # token -> (pattern ids starting here, {(pid, step)}, flags)
        self._cache: dict[str, tuple[tuple[int, ...], frozenset, int]] = {}
        self._starters: set[str] = set()
        self._anchored: dict[str, tuple] = {}  # token -> (pid, *plan, need) of the patterns anchored at it
        self._veto_starts: dict[str, set[int]] = {}  # token -> codes whose sense filters it may start
        self._veto_start_set: set[str] = set()  # its keys, as a set (fast intersections)
        self._typo_note: dict[str, str] = {}     # misspelt token -> "token ~ word"
        self._typo_set: set[str] = set()  # its keys, as a set (fast intersections)
        self._typo_alias: dict[str, set[str]] = {}  # misspelt token -> the plain words it stands for
        self._chunks: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {}  # see TokenMixin._tokens

    def code_text(self, text: str | None) -> list[Match]:
        """The codes of one answer, each with its earliest accepted match, in codebook order."""
        return self._evidence(text or "", True)

    def matches(self, text: str | None) -> list[Match]:
        """Every accepted match in one answer, in text order (for highlighting evidence)."""
        return self._evidence(text or "", False)

    def code_ids_of(self, text: str | None) -> tuple[str, ...]:
        return tuple(m.code_id for m in self.code_text(text))


def rule_coder(codebook: Codebook) -> RuleCoder:
    """The ``RuleCoder`` of ``codebook``: compiled afresh, or inside ``reuse.reusing()`` (a report's
    build) compiled once and shared.

    Compiling builds the typo indexes and each phrase's plan (about 0.1 s for the shipped codebook),
    and a report codes several fields with one codebook and checks its examples with it too. A coder
    is a function of its codebook: its caches only remember how each token it has seen classifies, so
    sharing one changes no result. An equal codebook (a copy) finds the same coder."""
    from surveykit.reuse import reused

    return reused("rule_coder", codebook, lambda: RuleCoder(codebook), keep=4)


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

    coder = rule_coder(codebook)
    rows = list(iter_coded(answers, coder, question_id=question_id))
    frame = pd.DataFrame(rows, columns=list(CODED_COLUMNS))
    frame["start"] = frame["start"].astype("Int64")
    frame["end"] = frame["end"].astype("Int64")
    for col in ("respondent_id", "question_id", "code_id", "matched", "coder", "via"):
        frame[col] = frame[col].astype("string")
    return frame
