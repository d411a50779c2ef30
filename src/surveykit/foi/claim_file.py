"""Reading a claims file: each claim's figure, cohort, wave (or two waves for a change), basis and
tolerance, and the claimed value as a press release writes it ("28%", "167 (28%)", "one in three",
"more than four times", "+3 points", "doubled"), parsed into a ``Claimed`` with its kind and the
precision written. ``foi.claims.check_claims`` compares them with the returns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from surveykit.errors import InputError
from surveykit.foi.change import BASES, CHANGE_FIGURES, Reference, parse_reference
from surveykit.foi.schema import COHORTS
from surveykit.foi.summary import FIGURE_NAMES

CHANGE_CLAIMS = tuple(f"change_{f}" for f in CHANGE_FIGURES)
CLAIM_FIGURES = FIGURE_NAMES + CHANGE_CLAIMS + ("rate_ratio",)
_KEYS = {"id", "text", "figure", "cohort", "wave", "waves", "basis", "claimed", "tolerance", "reference"}

_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_NUMBER_WORDS.update({"twice": 2, "double": 2, "thrice": 3})
_ORDINAL = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4, "fourths": 4,
            "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "tenth": 10, "tenths": 10}
_QUALIFIERS = (
    (r"just under|nearly|almost|close to", "nearly"),
    (r"about|around|approximately|approx\.?|roughly|some|circa|c\.", "about"),
    (r"more than|over|just over|above|upwards of|in excess of", "more_than"),
    (r"at least|no fewer than|no less than", "at_least"),
    (r"fewer than|less than|under|below", "less_than"),
    (r"up to|at most|no more than", "at_most"),
)
_NUM = r"[+-]?\d+(?:\.\d+)?"


@dataclass(frozen=True)
class Claimed:
    """A claimed value as parsed. kind: number | percent | points | relative | one_in | fraction |
    times | count_and_percent. ``value`` is in the figure's units (percent for shares and for a
    relative change), ``count`` the N of "N (P%)", ``decimals`` the precision written."""

    text: str
    kind: str
    value: float
    qualifier: str = ""
    count: float | None = None
    decimals: int = 0
    denominator: int | None = None  # the N of "one in N"


@dataclass(frozen=True)
class Claim:
    """One claim of a claims file (``index`` is its 1-based position, for messages)."""

    index: int
    id: str
    figure: str
    cohort: str
    claimed: Claimed
    wave: str | None = None
    waves: tuple[str, str] | None = None
    basis: str = "all_responders"
    tolerance: str | None = None
    reference: Reference | None = None
    text: str = ""
    source: str = ""


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _number(text: str) -> float | None:
    t = text.strip()
    if t in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[t])
    try:
        return float(t)
    except ValueError:
        return None


def parse_claimed(value: Any) -> Claimed:
    """Parse a claimed value; raises ValueError with a reason when it cannot be read."""
    raw = str(value)
    if isinstance(value, bool):
        raise ValueError("a claimed value cannot be true/false")
    if isinstance(value, (int, float)):
        return Claimed(raw, "number", float(value), decimals=_decimals(raw))
    t = " ".join(raw.lower().replace("\u2212", "-").split())
    t = re.sub(r"\s*\b(?:per cent|percent)\b(?!age)", "%", t)
    t = re.sub(r"(?<=\d),(?=\d{3})", "", t).strip().rstrip(".")
    qualifier = ""
    for pattern, name in _QUALIFIERS:
        m = re.match(rf"^(?:{pattern})\s+(.*)$", t)
        if m:
            qualifier, t = name, m.group(1)
            break
    t = re.sub(r"^(?:a|one)\s+(?=(?:half|third|quarter|fourth|fifth|sixth|tenth)\b)", "1 ", t)
    m = re.match(rf"^({_NUM})\s*\(\s*({_NUM})\s*%\s*\)$", t) or re.match(rf"^({_NUM})\s*,\s*({_NUM})\s*%$", t)
    if m:
        return Claimed(raw, "count_and_percent", float(m.group(2)), qualifier, float(m.group(1)),
                       _decimals(m.group(2)))
    m = re.match(rf"^({_NUM})\s*%(?:\s+[a-z ]+)?$", t)
    if m:
        return Claimed(raw, "percent", float(m.group(1)), qualifier, decimals=_decimals(m.group(1)))
    m = re.match(rf"^({_NUM})\s*(?:percentage points?|% points?|points?|pp|pts?)$", t)
    if m:
        return Claimed(raw, "points", float(m.group(1)), qualifier, decimals=_decimals(m.group(1)))
    m = re.match(r"^(\w+)\s+in\s+(\w+)$", t)
    if m and _number(m.group(1)) is not None and _number(m.group(2)) is not None:
        k, n = _number(m.group(1)), _number(m.group(2))
        if not n or k is None or k <= 0 or k > n:
            raise ValueError(f"'{raw}' is not a share")
        return Claimed(raw, "one_in" if k == 1 else "fraction", 100 * k / n, qualifier, denominator=int(n))
    m = re.match(r"^(\w+)\s+(halves|half|thirds?|quarters?|fourths?|fifths?|sixths?|tenths?)$", t)
    if m and _number(m.group(1)) is not None:
        k, n = _number(m.group(1)), _ORDINAL[m.group(2)]
        kind = "one_in" if k == 1 and n != 2 else "fraction"
        return Claimed(raw, kind, 100 * k / n, qualifier, denominator=n)
    if t in ("half", "a half", "one half"):
        return Claimed(raw, "fraction", 50.0, qualifier, denominator=2)
    m = re.match(rf"^({_NUM}|\w+)\s*(?:times|x|-fold|fold)\b.*$", t) or re.match(r"^(twice|double|thrice)\b.*$", t)
    if m and _number(m.group(1)) is not None:
        return Claimed(raw, "times", _number(m.group(1)), qualifier, decimals=_decimals(m.group(1)))  # type: ignore[arg-type]
    if t in ("doubled", "tripled", "trebled", "halved"):
        return Claimed(raw, "relative", {"doubled": 100.0, "tripled": 200.0, "trebled": 200.0, "halved": -50.0}[t],
                       qualifier)
    m = re.match(rf"^({_NUM}|[a-z]+)(?:\s+[a-z][a-z ]*)?$", t)
    if m and _number(m.group(1)) is not None:
        return Claimed(raw, "number", _number(m.group(1)), qualifier, decimals=_decimals(m.group(1)))  # type: ignore[arg-type]
    raise ValueError(f"cannot read the claimed value '{raw}' (write e.g. 167, 28%, '167 (28%)', 'one in three', "
                     "'2.4', 'more than four times', '+3 points')")


# -- loading -------------------------------------------------------------------------------------

def load_claims(path: str | Path) -> tuple[Claim, ...]:
    """Read and check a claims YAML file (see docs/foi.md); errors name the file and the claim."""
    from surveykit.io.foi import read_claims_file

    return parse_claims(read_claims_file(path), source=str(path))


def parse_claims(document: Any, *, source: str = "claims") -> tuple[Claim, ...]:
    """Claims from a parsed YAML document: a list of claims, or a mapping with a ``claims`` list."""
    items = document.get("claims") if isinstance(document, dict) else document
    if not isinstance(items, list) or not items:
        raise InputError("a claims file holds a list of claims (or 'claims:' with a list)", path=source)
    return tuple(_claim(i + 1, item, source) for i, item in enumerate(items))


def _claim(index: int, item: Any, source: str) -> Claim:
    def fail(message: str, key: str | None = None) -> InputError:
        cid = item.get("id") if isinstance(item, dict) else None
        who = f"claim {index}" + (f" ({cid})" if cid else "")
        return InputError(f"{who}" + (f", {key!r}" if key else "") + f": {message}", path=source)

    if not isinstance(item, dict):
        raise fail("each claim is a mapping with figure, cohort, wave and claimed")
    unknown = sorted(set(map(str, item)) - _KEYS)
    if unknown:
        raise fail(f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_KEYS))}")
    figure = str(item.get("figure", "")).strip()
    if not figure:
        raise fail("missing", "figure")
    if figure not in CLAIM_FIGURES:
        raise fail(f"figure must be one of {', '.join(CLAIM_FIGURES)}; got {figure!r}", "figure")
    cohort = str(item.get("cohort", "all" if figure == "authorities_asked" else "")).strip()
    allowed = list(COHORTS) + (["all"] if figure in ("still_missing", "authorities_reporting_still_missing",
                                                     "largest_still_missing", "mean_still_missing",
                                                     "authorities_asked") else [])
    if cohort not in allowed:
        raise fail(f"cohort must be one of {', '.join(allowed)}; got {cohort!r}", "cohort")
    if "claimed" not in item or item["claimed"] is None:
        raise fail("missing", "claimed")
    try:
        claimed = parse_claimed(item["claimed"])
    except ValueError as exc:
        raise fail(str(exc), "claimed") from None
    wave = waves = None
    basis = str(item.get("basis", "all_responders")).strip()
    if figure in CHANGE_CLAIMS:
        w = item.get("waves")
        if not isinstance(w, list) or len(w) != 2:
            raise fail("a change names two waves, e.g. waves: [2016, 2020]", "waves")
        waves = (str(w[0]).strip(), str(w[1]).strip())
        if basis not in BASES:
            raise fail(f"basis must be one of {', '.join(BASES)}; got {basis!r}", "basis")
    else:
        if item.get("wave") in (None, ""):
            raise fail("missing (the wave, e.g. 2016)", "wave")
        wave = str(item["wave"]).strip()
    reference = None
    if figure == "rate_ratio":
        if item.get("reference") in (None, ""):
            raise fail("a rate ratio needs the reference rate, e.g. reference: 6110/99230", "reference")
        try:
            reference = parse_reference(item["reference"])
        except Exception as exc:  # UsageError: re-raised naming the claims file
            raise fail(getattr(exc, "message", str(exc)), "reference") from None
    tolerance = item.get("tolerance")
    if tolerance is not None:
        try:
            _tolerance_value(str(tolerance), 1.0)
        except ValueError as exc:
            raise fail(str(exc), "tolerance") from None
    return Claim(index, str(item.get("id") or f"claim_{index}"), figure, cohort, claimed, wave, waves, basis,
                 None if tolerance is None else str(tolerance), reference, str(item.get("text") or ""), source)


def _tolerance_value(text: str, claimed: float) -> float:
    t = text.strip().lower()
    m = re.match(rf"^\+?-?\s*({_NUM})\s*%$", t.replace("±", ""))
    if m:
        return abs(claimed) * float(m.group(1)) / 100
    m = re.match(rf"^({_NUM})\s*(?:percentage points?|points?|pp|pts?|children|authorities)?$", t.replace("±", ""))
    if m:
        return abs(float(m.group(1)))
    raise ValueError(f"cannot read tolerance '{text}' (write e.g. 1, '0.5 points' or '5%')")


__all__ = ["CHANGE_CLAIMS", "CLAIM_FIGURES", "Claim", "Claimed", "load_claims", "parse_claimed", "parse_claims"]
