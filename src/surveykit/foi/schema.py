"""The returns format: column names, cohorts, measures, duration bands, nations.

One row per authority per wave. Identifying columns: ``authority_id`` and/or ``authority`` (at least
one), ``nation``, ``region``, optionally ``wave`` and ``period``. Count columns are named
``<cohort>_<measure>``: cohorts ``trafficked``, ``unaccompanied``, ``separated``; measures ``in_care``,
``went_missing``, ``episodes``, ``still_missing`` and duration bands ``duration_<band>`` (episodes by
length, e.g. ``duration_under_24h``, ``duration_1_to_7_days``, ``duration_over_7_days``).

Headers are matched after lower-casing and turning every run of other characters into ``_``, so
"Trafficked - in care" is ``trafficked_in_care``; a few common spellings are accepted too (UASC for
unaccompanied, incidents for episodes, LA for authority ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

COHORTS = ("trafficked", "unaccompanied", "separated")
BASE_MEASURES = ("in_care", "went_missing", "episodes", "still_missing")
COHORT_LABELS = {"trafficked": "identified or suspected as trafficked", "unaccompanied": "unaccompanied",
                 "separated": "separated", "all": "all cohorts"}
MEASURE_LABELS = {"in_care": "in care", "went_missing": "went missing", "episodes": "missing episodes",
                  "still_missing": "still missing"}

#: Nations in the order tables show them, and the spellings accepted for each.
NATIONS = ("England", "Wales", "Scotland", "Northern Ireland")
_NATION_ALIASES = {"england": "England", "eng": "England", "wales": "Wales", "cymru": "Wales",
                   "scotland": "Scotland", "scot": "Scotland", "northern ireland": "Northern Ireland",
                   "n ireland": "Northern Ireland", "ni": "Northern Ireland"}
NOT_STATED = "Not stated"

_ID_ALIASES = {
    "authority_id": "authority_id", "la_code": "authority_id", "authority_code": "authority_id",
    "la_id": "authority_id", "council_code": "authority_id", "code": "authority_id", "id": "authority_id",
    "authority": "authority", "authority_name": "authority", "la": "authority",
    "la_name": "authority", "council": "authority", "name": "authority",
    "nation": "nation", "country": "nation",
    "region": "region",
    "wave": "wave", "year": "wave", "foi_wave": "wave",
    "period": "period", "reporting_period": "period",
    "notes": "notes", "note": "notes", "comments": "notes", "comment": "notes",
    # the breakdown (side) table
    "cohort": "cohort", "nationality": "nationality", "gender": "gender", "sex": "gender",
    "count": "count", "number": "count", "n": "count", "children": "count", "measure": "measure",
}
_COHORT_ALIASES = {"trafficked": "trafficked", "trafficking": "trafficked", "trafficked_children": "trafficked",
                   "unaccompanied": "unaccompanied", "uasc": "unaccompanied", "unaccompanied_children": "unaccompanied",
                   "separated": "separated", "separated_children": "separated"}
_MEASURE_ALIASES = {"in_care": "in_care", "looked_after": "in_care", "number_in_care": "in_care", "care": "in_care",
                    "went_missing": "went_missing", "missing": "went_missing", "children_missing": "went_missing",
                    "number_missing": "went_missing", "gone_missing": "went_missing",
                    "episodes": "episodes", "missing_episodes": "episodes", "incidents": "episodes",
                    "missing_incidents": "episodes", "number_of_episodes": "episodes",
                    "still_missing": "still_missing", "not_found": "still_missing", "never_found": "still_missing"}
_GENDER = {"male": "male", "m": "male", "boy": "male", "boys": "male", "female": "female", "f": "female",
           "girl": "female", "girls": "female", "other": "other", "non_binary": "other"}

_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise_header(text: str) -> str:
    return _NON_WORD.sub("_", text.strip().lower()).strip("_")


@dataclass(frozen=True)
class ColumnRole:
    """What a returns column holds: ``kind`` is "id" (``name`` an identifying field), "count"
    (``cohort`` and ``measure``) or "unknown"."""

    kind: str
    name: str = ""
    cohort: str = ""
    measure: str = ""


def column_role(header: str) -> ColumnRole:
    key = normalise_header(header)
    if "duration" in key:  # a band written "<24h", ">7 days" or "7 days+" keeps what the sign says
        key = normalise_header(re.sub(r"\+", " plus ", re.sub(r">\s*", " over ", re.sub(r"<\s*", " under ", header))))
    if key.startswith("local_") and key[len("local_"):] in _ID_ALIASES:  # "Local authority", "Local authority name"
        key = key[len("local_"):]
    if key in _ID_ALIASES:
        return ColumnRole("id", _ID_ALIASES[key])
    for alias, cohort in sorted(_COHORT_ALIASES.items(), key=lambda kv: -len(kv[0])):
        if key.startswith(alias + "_"):
            rest = key[len(alias) + 1:]
            if rest in _MEASURE_ALIASES:
                return ColumnRole("count", cohort=cohort, measure=_MEASURE_ALIASES[rest])
            if rest.startswith("duration_") and len(rest) > len("duration_"):
                return ColumnRole("count", cohort=cohort, measure=rest)
    return ColumnRole("unknown")


def normalise_nation(text: str) -> str | None:
    """The canonical nation, or None when not recognised ('' gives NOT_STATED)."""
    t = " ".join(text.split())
    if not t:
        return NOT_STATED
    return _NATION_ALIASES.get(" ".join(t.lower().replace(".", " ").split()))


def normalise_gender(text: str) -> str:
    key = normalise_header(text)
    if not key or key in ("unknown", "not_known", "not_stated", "not_given", "no_information", "n_a", "na"):
        return "not_stated"
    return _GENDER.get(key, "other")


GENDERS = ("male", "female", "other", "not_stated")


def normalise_cohort(text: str) -> str | None:
    return _COHORT_ALIASES.get(normalise_header(text))


_NOT_STATED_NATIONALITY = {"", "unknown", "not known", "not stated", "not given", "not recorded",
                           "no further information given", "no further information", "no information",
                           "n/a", "na", "none given"}


def normalise_nationality(text: str) -> str:
    t = " ".join(text.split())
    return NOT_STATED if t.lower() in _NOT_STATED_NATIONALITY else t


def measure_label(measure: str) -> str:
    if measure in MEASURE_LABELS:
        return MEASURE_LABELS[measure]
    if measure.startswith("duration_"):
        return "episodes lasting " + measure[len("duration_"):].replace("_", " ")
    return measure.replace("_", " ")


# -- duration bands -------------------------------------------------------------------------

_UNIT_DAYS = {"h": 1 / 24, "hr": 1 / 24, "hrs": 1 / 24, "hour": 1 / 24, "hours": 1 / 24,
              "d": 1.0, "day": 1.0, "days": 1.0, "w": 7.0, "wk": 7.0, "wks": 7.0, "week": 7.0, "weeks": 7.0,
              "m": 30.0, "mth": 30.0, "mths": 30.0, "month": 30.0, "months": 30.0}
_BAND_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                      "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14,
                      "twenty": 20, "twenty_four": 24, "twenty_eight": 28, "thirty": 30}
#: Words opening a band with an upper bound only ("under 24h") or a lower bound only ("over 7 days").
_BAND_UPPER = ("under", "less_than", "up_to", "lt", "below", "within", "fewer_than", "shorter_than",
               "no_more_than", "at_most", "0_to", "0_")
_BAND_LOWER = ("over", "more_than", "gt", "above", "longer_than", "at_least", "greater_than", "exceeding",
               "in_excess_of", "beyond")
#: Words closing a band: "7 days or more" (open above), "24h or less" (open below).
_BAND_LOWER_SUFFIX = ("plus", "or_more", "or_longer", "or_over", "and_over", "and_above", "and_more", "or_above")
_BAND_UPPER_SUFFIX = ("or_less", "or_under", "and_under", "or_fewer", "or_shorter", "and_less")
_BAND_QUANTITY = re.compile(r"^(\d+)_?([a-z]*)$")


def _band_quantity(text: str) -> tuple[float, float | None] | None:
    """(number, unit in days or None when not written) of one end of a band, e.g. "24h", "7_days",
    "1_week", "a_week"; None when the text is not one quantity."""
    text = text.strip("_")
    for word, n in sorted(_BAND_NUMBER_WORDS.items(), key=lambda kv: -len(kv[0])):
        if text == word or text.startswith(word + "_"):
            text = f"{n}{text[len(word):]}"
            break
    m = _BAND_QUANTITY.match(text)
    if not m:
        return None
    unit = m.group(2)
    if unit and unit not in _UNIT_DAYS:
        return None
    return float(m.group(1)), (_UNIT_DAYS[unit] if unit else None)


def band_days(measure: str) -> tuple[float, float] | None:
    """(from, to) in days of a duration band named ``duration_<band>``; ``to`` is inf for an
    open band. Each end is read with its own unit ("24h to 7 days" is 1 to 7 days, "1 day to 1
    week" 1 to 7); an end written without a unit takes the other end's ("1 to 7 days"). None when
    the name does not say (the band is still counted, just not classified)."""
    band = measure[len("duration_"):] if measure.startswith("duration_") else measure
    band = normalise_header(band.replace("+", "_plus"))
    band = re.sub(r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)", "_", band)  # "24h" -> "24_h", "7d" -> "7_d"
    band = "_".join(t for t in band.split("_") if t not in ("lasting", "episode", "episodes", "missing", "for"))
    band = re.sub(r"_plus_([a-z]+)$", r"_\1_plus", band)  # "7_plus_days" (7+ days)
    low_only = high_only = False
    for word in _BAND_UPPER:
        if band.startswith(word + "_") or (word.endswith("_") and band.startswith(word)):
            band, high_only = band[len(word):].lstrip("_"), True
            break
    else:
        for word in _BAND_LOWER:
            if band.startswith(word + "_"):
                band, low_only = band[len(word) + 1:], True
                break
    if not (low_only or high_only):
        for word in _BAND_LOWER_SUFFIX:
            if band.endswith("_" + word):
                band, low_only = band[:-len(word) - 1], True
                break
        else:
            for word in _BAND_UPPER_SUFFIX:
                if band.endswith("_" + word):
                    band, high_only = band[:-len(word) - 1], True
                    break
    if low_only or high_only:
        q = _band_quantity(band)
        if q is None or q[1] is None:
            return None
        days = q[0] * q[1]
        return (days, float("inf")) if low_only else (0.0, days)
    band = re.sub(r"^between_", "", band)
    parts = re.split(r"_(?:to|and|until|till)_", band)
    if len(parts) == 1:  # "1_7_days" (written "1-7 days"), "24_72h"
        m = re.match(r"^(\d+(?:_[a-z]+)?)_(\d+(?:_[a-z]+)?)$", band)
        if not m:
            return None
        parts = [m.group(1), m.group(2)]
    if len(parts) != 2:
        return None
    lo, hi = _band_quantity(parts[0]), _band_quantity(parts[1])
    if lo is None or hi is None:
        return None
    lo_unit = lo[1] if lo[1] is not None else hi[1]
    hi_unit = hi[1] if hi[1] is not None else lo[1]
    if lo_unit is None or hi_unit is None:
        return None
    start, stop = lo[0] * lo_unit, hi[0] * hi_unit
    if stop <= start:
        return None
    return start, stop


def over_a_week(measure: str) -> bool | None:
    """True when every episode in the band lasted more than 7 days, False when none did, None when
    the band straddles a week or its name does not say."""
    span = band_days(measure)
    if span is None:
        return None
    lo, hi = span
    if lo >= 7.0:
        return True
    if hi <= 7.0:
        return False
    return None
