"""One cell of a Freedom of Information return: the number (if any), its status, and the raw text.

Authorities answer a count question in many ways: "12", "nil", "Not held", "Section 12 - cost
limit", "<5", "approx. 20", "20+", "10-15", or nothing at all. ``parse_cell`` maps each answer to a
``Cell`` with one of these statuses and keeps the raw text as written:

===============  =========================================================  =================
status           written as (examples; case and spacing do not matter)      value / low-high
===============  =========================================================  =================
``reported``     12, 1,231, 12.0, nil, none, zero, no children, twelve     value = low = high
``approximate``  approx. 20, about 20, c.20, ~20, 20 (est), 20+, over 20   value as stated;
                                                                            "20+" low 20,
                                                                            "over 20" low 21
``range``        10-15, 10 to 15, between 10 and 15, up to 5               no value; low-high
``suppressed``   <5, fewer than 10, less than 5, *, x, [c], s40, "small      no value; "<5"
                 numbers", redacted                                         0-4, "*" 0-?
``not_held``     not held, not recorded, not known, unknown, n/a, .., no    nothing
                 data, unable to provide
``refused_s12``  s12, section 12, cost limit, exceeds the appropriate        nothing
                 limit, refused
``blank``        an empty cell, "-"                                         nothing
``invalid``      anything else: free text, a negative or fractional count,  nothing
                 a date (Excel turns "5-10" into 10 May)
===============  =========================================================  =================

"-" is read as blank, never as zero, and "n/a" as not held: neither is evidence of a count.
``invalid`` cells are never analysed: the strict commands refuse them and ``foi validate`` lists
them (``problem`` says why: ``negative``, ``not_whole``, ``date``, ``text``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REPORTED = "reported"
NOT_HELD = "not_held"
REFUSED = "refused_s12"
SUPPRESSED = "suppressed"
APPROXIMATE = "approximate"
RANGE = "range"
BLANK = "blank"
INVALID = "invalid"

#: The statuses of a readable cell, in the order tables show them.
STATUSES = (REPORTED, APPROXIMATE, RANGE, SUPPRESSED, NOT_HELD, REFUSED, BLANK)
#: Statuses that carry information about the count (the authority "provided information").
PROVIDED = (REPORTED, APPROXIMATE, RANGE)
#: Statuses whose value enters totals and shares.
COUNTED = (REPORTED, APPROXIMATE)


@dataclass(frozen=True)
class Cell:
    """A parsed count cell. ``value`` is the count used in totals (None unless reported or
    approximate); ``low``/``high`` bound the true count where the answer says so (None: unbounded
    or unknown); ``raw`` is the text as written; ``problem`` says why an invalid cell is invalid."""

    value: int | None
    status: str
    raw: str = ""
    low: int | None = None
    high: int | None = None
    problem: str | None = None

    @property
    def counted(self) -> bool:
        return self.value is not None

    @property
    def provided(self) -> bool:
        return self.status in PROVIDED

    def at_least(self, k: int) -> bool:
        """True when the answer shows the count is k or more."""
        if self.value is not None:
            return self.value >= k if self.low is None else max(self.value, self.low) >= k
        return self.low is not None and self.low >= k

    def bounds(self) -> tuple[int, int | None]:
        """(lowest, highest) count consistent with the answer; highest None when unbounded.
        Approximate answers without stated bounds are taken as stated."""
        if self.value is not None:
            low = self.low if self.low is not None else self.value
            high = self.high if self.high is not None else (None if self.low is not None else self.value)
            return low, high
        if self.status in (RANGE, SUPPRESSED):
            return (self.low or 0), self.high
        return 0, None


BLANK_CELL = Cell(None, BLANK, "")

_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split())}
_ZERO = {"nil", "none", "no", "nought", "nothing", "0 (nil)", "nil return", "no children", "no child",
         "no young people", "no cases"}
_UNIT = r"(?:\s*(?:children|child|young\s+people|young\s+persons?|yp|cases?|episodes?|incidents?|people|uasc))?"
_NUM = r"(\d{1,3}(?:,\d{3})+|\d+)"
_NUMBER = re.compile(rf"^\+?{_NUM}(?:\.0+)?{_UNIT}$")
_FRACTION = re.compile(r"^\d+\.\d*[1-9]\d*$")
_NEGATIVE = re.compile(r"^-\s*\d[\d,]*(?:\.\d+)?$")
_WORD_NUMBER = re.compile(rf"^({'|'.join(_WORDS)}){_UNIT}$")

_NOT_HELD = re.compile(
    r"not\s+held|not\s+recorded|not\s+available|not\s+known|unknown|no\s+data|not\s+collected|"
    r"^n\s*/\s*a$|^na$|^n\.a\.?$|^\.\.$|do\s*n[o']?t\s+(?:hold|record|collect)|does\s+not\s+(?:hold|record)|"
    r"not\s+(?:captured|tracked|reported\s+separately)|unable\s+to\s+(?:provide|report|identify|extract)|"
    r"cannot\s+(?:provide|report|identify|extract)|no\s+(?:information|record)")
_REFUSED = re.compile(
    r"\bs\.?\s?12\b|section\s*12|cost\s+limit|appropriate\s+limit|exceed\w*\s+(?:the\s+)?(?:\w+\s+)?limit|"
    r"refus|time\s+limit|fees\s+regulations")
_SUPPRESSED_BOUND = re.compile(rf"^(?:<|less\s+than|fewer\s+than|under|below)\s*{_NUM}{_UNIT}$")
_SUPPRESSED_LE = re.compile(rf"^(?:<=|≤|=<)\s*{_NUM}{_UNIT}$")
_SUPPRESSED = re.compile(
    r"^(?:\*+|x|\[c\]|c|\[x\]|supp(?:ressed)?|redacted|withheld|small\s+numbers?)$|\bs\.?\s?40\b|"
    r"section\s*40|personal\s+data|small\s+number|identif|disclos|suppress|redact")
_RANGE = re.compile(rf"^{_NUM}\s*(?:-|to)\s*{_NUM}{_UNIT}$")
_BETWEEN = re.compile(rf"^between\s+{_NUM}\s+and\s+{_NUM}{_UNIT}$")
_UP_TO = re.compile(rf"^(?:up\s+to|at\s+most|no\s+more\s+than|maximum(?:\s+of)?)\s+{_NUM}{_UNIT}$")
_APPROX_BEFORE = re.compile(
    rf"^(?:approx(?:imately)?\.?|about|around|c\.?|ca\.?|circa|~|est(?:imated|\.)?|roughly|nearly|almost|"
    rf"appro?x\.?)\s*{_NUM}{_UNIT}$")
_APPROX_AFTER = re.compile(rf"^{_NUM}{_UNIT}\s*\(?\s*(?:approx(?:imately)?\.?|est(?:imated|imate|\.)?|estimate)\s*\)?$")
_PLUS = re.compile(rf"^{_NUM}\s*\+{_UNIT}$|^(?:at\s+least|>=|≥|minimum(?:\s+of)?)\s*{_NUM}{_UNIT}$")
_MORE_THAN = re.compile(rf"^(?:>|over|more\s+than|in\s+excess\s+of|greater\s+than)\s*{_NUM}{_UNIT}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ t]\d{2}:\d{2}(?::\d{2})?)?$|"
                   r"^\d{1,2}[-/ ](?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*(?:[-/ ]\d{2,4})?$")


def _int(text: str) -> int:
    return int(text.replace(",", ""))


def _clean(raw: str) -> str:
    text = raw.replace("\u00a0", " ").replace("\u2013", "-").replace("\u2014", "-").replace("\u2212", "-")
    text = " ".join(text.split()).strip().lower()
    if len(text) > 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1].strip()
    return text.rstrip(".").strip() if not text.endswith("..") else text


def parse_cell(raw: object) -> Cell:
    """Parse one count cell (a string as written, or a number from a spreadsheet)."""
    if raw is None:
        return BLANK_CELL
    if isinstance(raw, bool):
        return Cell(None, INVALID, str(raw), problem="text")
    if isinstance(raw, int):
        raw = str(raw)
    elif isinstance(raw, float):
        raw = str(int(raw)) if raw.is_integer() else repr(raw)
    raw = str(raw)
    text = _clean(raw)
    if text in ("", "-", "--", "---"):
        return Cell(None, BLANK, raw)
    m = _NUMBER.match(text)
    if m:
        n = _int(m.group(1))
        return Cell(n, REPORTED, raw, n, n)
    if text in _ZERO:
        return Cell(0, REPORTED, raw, 0, 0)
    m = _WORD_NUMBER.match(text)
    if m:
        n = _WORDS[m.group(1)]
        return Cell(n, REPORTED, raw, n, n)
    if _NEGATIVE.match(text):
        return Cell(None, INVALID, raw, problem="negative")
    if _FRACTION.match(text):
        return Cell(None, INVALID, raw, problem="not_whole")
    if _DATE.match(text):
        return Cell(None, INVALID, raw, problem="date")
    for pattern, lower in ((_SUPPRESSED_BOUND, 1), (_SUPPRESSED_LE, 0)):
        m = pattern.match(text)
        if m:
            n = _int(m.group(1))
            return Cell(None, SUPPRESSED, raw, 0, max(n - lower, 0))
    m = _RANGE.match(text) or _BETWEEN.match(text)
    if m:
        lo, hi = _int(m.group(1)), _int(m.group(2))
        if lo > hi:
            return Cell(None, INVALID, raw, problem="text")
        if lo == hi:
            return Cell(lo, REPORTED, raw, lo, lo)
        return Cell(None, RANGE, raw, lo, hi)
    m = _UP_TO.match(text)
    if m:
        return Cell(None, RANGE, raw, 0, _int(m.group(1)))
    m = _APPROX_BEFORE.match(text) or _APPROX_AFTER.match(text)
    if m:
        return Cell(_int(m.group(1)), APPROXIMATE, raw)
    m = _PLUS.match(text)
    if m:
        n = _int(m.group(1) or m.group(2))
        return Cell(n, APPROXIMATE, raw, n, None)
    m = _MORE_THAN.match(text)
    if m:
        n = _int(m.group(1)) + 1
        return Cell(n, APPROXIMATE, raw, n, None)
    # Refusals first: "refused - small numbers" is a refusal only when it names the cost limit.
    if _REFUSED.search(text) and not _SUPPRESSED.search(text):
        return Cell(None, REFUSED, raw)
    if _SUPPRESSED.search(text):
        return Cell(None, SUPPRESSED, raw, 0, None)
    if _NOT_HELD.search(text):
        return Cell(None, NOT_HELD, raw)
    if _REFUSED.search(text):
        return Cell(None, REFUSED, raw)
    return Cell(None, INVALID, raw, problem="text")


PROBLEMS = {
    "negative": "a negative count",
    "not_whole": "a count that is not a whole number",
    "date": "a date (a spreadsheet may have turned a range such as 5-10 into a date)",
    "text": "not a number and not a known status (not held, s12, <5, approx., a range...)",
}


PROBLEM_CODES = {"negative": "negative_count", "not_whole": "not_whole_number", "date": "date_in_count",
                 "text": "unreadable_cell"}


def problem_code(cell: Cell) -> str:
    """The ReturnIssue code of an invalid cell."""
    return PROBLEM_CODES.get(cell.problem or "text", "unreadable_cell")


def problem_text(cell: Cell) -> str:
    """Why an invalid cell cannot be read, in words that never repeat the cell's text."""
    return PROBLEMS.get(cell.problem or "text", PROBLEMS["text"])
