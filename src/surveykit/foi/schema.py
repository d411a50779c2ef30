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
              "m": 30.0, "month": 30.0, "months": 30.0}
_U = r"(\d+)_?(h|hr|hrs|hours?|d|days?|w|wks?|weeks?|months?)"
_BAND_UNDER = re.compile(rf"^(?:under|less_than|up_to|lt|0_to)_{_U}$")
_BAND_BETWEEN = re.compile(rf"^(\d+)_?(?:h|hr|hrs|hours?|d|days?|w|wks?|weeks?|months?)?_to_{_U}$")
_BAND_OVER_SIMPLE = re.compile(rf"^(?:over|more_than|gt)_{_U}$")
_BAND_PLUS = re.compile(rf"^{_U}_?(?:plus|or_more)$")


def band_days(measure: str) -> tuple[float, float] | None:
    """(from, to) in days of a duration band named ``duration_<band>``; ``to`` is inf for an
    open band. None when the name does not say (the band is still counted, just not classified)."""
    band = measure[len("duration_"):] if measure.startswith("duration_") else measure
    m = _BAND_UNDER.match(band)
    if m:
        return 0.0, int(m.group(1)) * _UNIT_DAYS[m.group(2)]
    m = _BAND_BETWEEN.match(band)
    if m:
        unit = _UNIT_DAYS[m.group(3)]
        return int(m.group(1)) * unit, int(m.group(2)) * unit
    m = _BAND_OVER_SIMPLE.match(band) or _BAND_PLUS.match(band)
    if m:
        return int(m.group(1)) * _UNIT_DAYS[m.group(2)], float("inf")
    return None


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
