"""Deciding what each group of columns is: one answer, a grid, free text, or something the instrument
format cannot hold (several answers per respondent, numbers, dates), from the answers and the metadata."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from surveykit.draft.columns import Unit, values_of
from surveykit.draft.families import standard_wording, suffix_words
from surveykit.draft.scales import ScaleGuess, guess_scale, merge_variants, with_aliases
from surveykit.instrument.values import normalise_label
from surveykit.io.base import RawExport
from surveykit.io.spss import DK_LABEL, looks_like_dont_know

#: A column is free text when its answers are long or nearly all different (more than half of the
#: answers given once, however few respondents there are).
TEXT_MEAN_LENGTH = 40
TEXT_MAX_LENGTH = 100
TEXT_MIN_DISTINCT = 12
TEXT_DISTINCT_SHARE = 0.5
TEXT_ONCE_SHARE = 0.5
MAX_CATEGORIES = 30
#: An answer given by fewer respondents than this (the small-count threshold) is not made an option
#: and never quoted: a rare answer can identify who gave it. Only the export's own declared options
#: (a survey definition, SPSS value labels) and a standard scale's wording ("Strongly agree", "Don't
#: know", "4") are options whatever their counts.
RARE_ANSWER = 5


@dataclass
class Decision:
    type: str  # single | grid | text | skip
    scale: ScaleGuess | None = None
    note: str = ""
    scale_note: str = ""
    dropped: int = 0  # answers given by fewer than RARE_ANSWER respondents, not made options


def _looks_like_text(values: Counter) -> tuple[bool, str]:
    n = sum(values.values())
    d = len(values)
    given = [(len(v), c) for v, c in values.items() if c > 0]  # as values.elements(), one entry per answer
    answers = sum(c for _, c in given)
    mean = sum(length * c for length, c in given) / answers if answers else 0
    longest = max((length for length, _ in given), default=0)
    why = f"{d} different answers of {n}, up to {longest} characters"
    if mean > TEXT_MEAN_LENGTH or longest > TEXT_MAX_LENGTH:
        return True, why
    if d > MAX_CATEGORIES or (d > TEXT_MIN_DISTINCT and d > TEXT_DISTINCT_SHARE * n):
        return True, why
    # Only now: answers given once are each checked against the standard scales' wording, which took
    # seconds on a free-text column of 100,000 short answers that the counts above already decide.
    once = sum(1 for v, c in values.items() if c == 1 and not standard_wording(v))  # "4", "Agree": not text
    return once > TEXT_ONCE_SHARE * n, why


def _numeric_kind(values: Counter) -> str | None:
    """"rating" (whole numbers 0-10), "number" (other numbers: counts, amounts) or None."""
    nums = []
    for v in values:
        try:
            nums.append(float(v.replace(",", ".")))
        except ValueError:
            return None
    if not nums:
        return None
    if all(x.is_integer() and x <= 10 for x in nums) and any(x >= 0 for x in nums) and \
            all(x >= 0 or x in (-1, -2, -3, -9, -66, -77, -99) for x in nums):
        return "rating"  # negative codes are a platform's non-answers (no basis, not seen)
    return "number"


def _drop_rare(merged: list[tuple[str, int, tuple[str, ...]]], respondents: Counter | None = None) \
        -> tuple[list[tuple[str, int, tuple[str, ...]]], int]:
    """Leave out the answers fewer than RARE_ANSWER respondents gave, unless they are a standard
    scale's wording. respondents: how many respondents gave each answer (by normalised label), when
    the counts in merged are of cells (a grid's rows) rather than respondents."""
    extra = suffix_words([m[0] for m in merged])

    def given_by(m) -> int:
        return m[1] if respondents is None else respondents.get(normalise_label(m[0]) or m[0], 0)

    kept = [m for m in merged if given_by(m) >= RARE_ANSWER or standard_wording(m[0], extra)]
    return kept, len(merged) - len(kept)


def rare_note(dropped: int) -> str:
    """What the draft says of the answers it left out (never quoting them)."""
    if not dropped:
        return ""
    if dropped == 1:
        return (f"1 answer given by fewer than {RARE_ANSWER} respondents is not listed as an option (not quoted: a "
                "rare answer can identify who gave it); add it if it is an option of your questionnaire")
    return (f"{dropped} answers given by fewer than {RARE_ANSWER} respondents are not listed as options (not "
            "quoted: a rare answer can identify who gave it); add them if they are options of your questionnaire")


def _closed_from_values(values: Counter, *, declared=None, multi: bool = False,
                        respondents: Counter | None = None) -> tuple[ScaleGuess, int]:
    merged = merge_variants(dict(values))
    dropped = 0
    if declared is None:
        merged, dropped = _drop_rare(merged, respondents)
        guess = guess_scale([(lab, c) for lab, c, _ in merged])
    else:
        guess = guess_scale([(lab, c) for lab, c, _ in merged], declared=declared)
    guess = with_aliases(guess, {normalise_label(lab): aliases for lab, _, aliases in merged})
    if multi and guess.family == "binary":
        opts = tuple(replace(o, label="Selected" if o.code == "1" else "Not selected") for o in guess.options)
        guess = replace(guess, family="selected", options=opts, top_box_label="% selected",
                        description="choices coded 1 (selected) and 0 (not selected)")
    return guess, dropped


def _all_recognised(values: Counter) -> bool:
    """Whether every answer, rare ones too, is a point of one recognised scale (then the answers are
    a scale's, however few respondents and however spread: not free text)."""
    return guess_scale([(lab, c) for lab, c, _ in merge_variants(dict(values))]).recognised


def _respondent_counts(raw: RawExport, unit: Unit) -> Counter:
    """How many respondents gave each answer (by normalised label) in any of a unit's columns.

    Each distinct cell of a column is folded once; the respondents of each answer are then counted
    over (respondent, answer) pairs with numpy. Columns holding anything but strings and None are
    counted row by row (``_respondent_counts_by_row``)."""
    import numpy as np
    import pandas as pd

    columns = [np.asarray(raw.column_values(c), dtype=object) for c in unit.columns]
    if not columns:
        return Counter()
    keys: dict[str, int] = {}
    pairs = []
    rows = np.arange(len(columns[0]), dtype=np.int64)
    for cells in columns:
        codes, uniques = pd.factorize(cells)
        if not all(type(u) is str for u in uniques) or (codes < 0).any() and \
                not all(c is None for c in cells[codes < 0]):
            return _respondent_counts_by_row(columns)  # 1 == 1.0 share a code; NaN is not None
        key_of = np.full(len(uniques) + 1, -1, dtype=np.int64)  # the last slot: a None cell
        for i, cell in enumerate(uniques):
            v = " ".join(cell.split())
            if v:
                key_of[i] = keys.setdefault(normalise_label(v) or v, len(keys))
        given = key_of[codes]  # code -1 takes the last slot
        keep = given >= 0
        pairs.append(np.stack([rows[keep], given[keep]], axis=1))
    if not keys:
        return Counter()
    both = np.concatenate(pairs)
    answered = pd.unique(both[:, 0] * len(keys) + both[:, 1]) % len(keys)  # each respondent once per answer
    counts = np.bincount(answered, minlength=len(keys))
    return Counter({key: int(counts[i]) for key, i in keys.items() if counts[i]})


def _respondent_counts_by_row(columns: list) -> Counter:
    out: Counter = Counter()
    for row in zip(*(c.tolist() for c in columns)):
        keys = set()
        for cell in row:
            v = " ".join(str(cell).split()) if cell is not None else ""
            if v:
                keys.add(normalise_label(v) or v)
        out.update(keys)
    return out


def _no_options(dropped: int) -> Decision:
    if dropped:
        return Decision("skip", note=f"every answer was given by fewer than {RARE_ANSWER} respondents, so none is "
                                     "listed as an option (not quoted: a rare answer can identify who gave it); add "
                                     "this question with your questionnaire's options", dropped=dropped)
    return Decision("skip", note="no answers other than Don't know / N/A, so its type cannot be told")


def decide(raw: RawExport, unit: Unit) -> Decision:
    d = _decide_unit(raw, unit)
    if unit.struct is None and raw.platform == "spss":  # the options came from the file's value labels
        for name in ("note", "scale_note"):
            setattr(d, name, getattr(d, name).replace("the survey definition", "the SPSS value labels"))
    return d


def _decide_unit(raw: RawExport, unit: Unit) -> Decision:
    struct = unit.struct
    if unit.hint == "unmappable":
        return Decision("skip", note=f"{unit.source}: a mapping file can map it by column index")
    if struct is not None and struct.kind in ("display", "numeric", "other"):
        what = {"display": "text shown to respondents, no answers", "numeric": "numeric answers (a slider or "
                "number box): surveykit has no numeric question type", "other": f"a {struct.platform_type} "
                "question (ranking, side-by-side, date, upload ...): no matching question type"}[struct.kind]
        return Decision("skip", note=what)
    per_column = [values_of(raw, c) for c in unit.columns]
    values: Counter = Counter()
    for v in per_column:
        values.update(v)
    if unit.hint == "text" or (struct is not None and struct.kind == "text"):
        if len(unit.columns) > 1:
            return Decision("split_text", note="several text boxes")
        ok, why = _looks_like_text(values)
        return Decision("text", note=f"free text (the platform marks it so; {why})" if values else
                         "free text (the platform marks it so; no answers yet)")
    if not values:
        return Decision("skip", note="no answers in the export, so its type cannot be told")
    multi = len(unit.columns) > 1
    if struct is not None and struct.kind == "multiple" or unit.hint == "multiple" or \
            multi and (_selected_only(unit, per_column) or _zero_one(per_column)):
        if multi and _zero_one(per_column):
            guess, _ = _closed_from_values(values, multi=True)
            return Decision("grid", guess, note=f"several answers allowed: {len(unit.columns)} choices, each "
                             "column coded 1 (selected) / 0 (not selected)", scale_note=guess.description)
        return Decision("skip", note="several answers allowed (check boxes), with unselected choices left blank: "
                                      "surveykit has no multiple-answer question type")
    if multi and _joined(values):
        return Decision("skip", note="several answers joined in one cell: surveykit has no multiple-answer type")
    if not multi and _joined(values):
        return Decision("skip", note="several answers joined in one cell (e.g. 'a;b'): surveykit has no "
                                      "multiple-answer question type")
    declared = None
    missing_codes = 0
    if struct is not None and struct.options:
        declared = [(o.code, o.label) for o in struct.options]
        if struct.other and struct.kind == "single" and struct.platform_type in ("L", "!", "O"):
            declared.append(("-oth-", "Other"))  # LimeSurvey's code for its "Other" choice
    elif raw.meta.get("value_labels"):
        declared, missing_codes = _spss_declared(raw, unit, values)
    if declared is None and _dates(values):
        return Decision("skip", note="dates or times: surveykit has no date question type")
    numeric = _numeric_kind(values) if declared is None else None
    if numeric == "number" or (numeric == "rating" and len(values) > 11):
        return Decision("skip", note="numeric answers (a count, an age, an amount): surveykit has no numeric "
                                      "question type")
    missing_note = "" if not missing_codes else (
        f"; {missing_codes} labelled code{'s' if missing_codes != 1 else ''} the SPSS file declares missing (user-missing: "
        "read as blank) left out of the options")
    if multi:
        guess, dropped = _closed_from_values(values, declared=declared,
                                             respondents=_respondent_counts(raw, unit) if declared is None else None)
        texty = [c for c, v in zip(unit.columns, per_column) if v and _looks_like_text(v)[0]]
        if declared is None and not (guess.recognised and not dropped) and not _all_recognised(values) and \
                (texty and len(texty) == len([v for v in per_column if v]) or _looks_like_text(values)[0]):
            return Decision("split_text", note="several text boxes")
        if not guess.valid:
            return _no_options(dropped)
        src = unit.source
        return Decision("grid", guess, note=f"grid of {len(unit.columns)} rows on one scale ({src})",
                         scale_note=guess.description + missing_note, dropped=dropped)
    if declared is None and unit.hint != "single":
        guess, dropped = _closed_from_values(values)
        if not (guess.recognised and not dropped) and not _all_recognised(values):
            texty, why = _looks_like_text(values)
            if texty:
                return Decision("text", note=f"free text ({why})")
        if not guess.valid:
            return _no_options(dropped)
        return Decision("single", guess, note=f"one answer per respondent ({len(values)} different answers)",
                         scale_note=guess.description, dropped=dropped)
    guess, dropped = _closed_from_values(values, declared=declared)
    if not guess.valid:
        return _no_options(dropped)
    why = "the survey definition" if declared is not None else "the export's 'Response' column"
    return Decision("single", guess, note=f"one answer per respondent ({why})",
                     scale_note=guess.description + missing_note, dropped=dropped)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$|^\d{1,2}/\d{1,2}/\d{2,4}( \d{1,2}:\d{2}"
                   r"(:\d{2})?( ?[AP]M)?)?$|^\d{1,2}:\d{2}(:\d{2})?$")


def _dates(values: Counter) -> bool:
    return bool(values) and sum(c for v, c in values.items() if _DATE.match(v)) >= 0.8 * sum(values.values())


def _spss_declared(raw: RawExport, unit: Unit, values: Counter) -> tuple[list[tuple[str, str]] | None, int]:
    """The value labels of an SPSS variable (the first of a grid), with the unlabelled values found
    in the data (end-point-only scales label 1 and 5 and leave 2-4 bare), and how many labelled codes
    were left out as user-missing.

    A code the file declares missing (user-missing) is not an answer: the reader makes it blank, or
    "Don't know" when its label reads so. It is left out of the options (its label is not quoted),
    except one "Don't know" option (dk) when such a code exists."""
    labels = (raw.meta.get("value_labels") or {}).get(unit.columns[0])
    if not labels:
        return None, 0
    ranges = (raw.meta.get("missing") or {}).get(unit.columns[0]) or []
    declared: list[tuple[str, str]] = []
    missing_dk: list[str] = []
    left_out = 0
    for code, label in labels.items():
        if _user_missing(str(code), ranges):
            if looks_like_dont_know(str(label)):
                missing_dk.append(str(code))
            else:
                left_out += 1
            continue
        declared.append((str(code), str(label)))
    known = {normalise_label(x) for pair in declared for x in pair}
    if missing_dk:  # the reader wrote those answers as "Don't know"
        known.add(normalise_label(DK_LABEL))
    extra = [v for v in values if normalise_label(v) not in known]
    if extra and all(_is_int(v) for v in extra) and all(_is_int(c) for c, _ in declared):
        declared += [(v, v) for v in extra]
        declared.sort(key=lambda p: float(p[0]))
    elif extra:
        return None, 0  # labels that do not describe the answers: read the answers instead
    if missing_dk and not any(normalise_label(lab) == normalise_label(DK_LABEL) for _, lab in declared):
        declared.append((missing_dk[0], DK_LABEL))  # the reader writes these answers as "Don't know"
    left_out += max(0, len(missing_dk) - 1)
    return declared, left_out


def _user_missing(code: str, ranges) -> bool:
    """Whether a value falls in one of a variable's declared missing values or ranges."""
    for r in ranges or []:
        lo, hi = (r.get("lo"), r.get("hi")) if isinstance(r, dict) else (r, r)
        try:
            if float(lo) <= float(code) <= float(hi):
                return True
        except (TypeError, ValueError):
            if str(lo).strip() == code.strip() or str(hi).strip() == code.strip():
                return True
    return False


def _is_int(text: str) -> bool:
    return bool(re.fullmatch(r"-?\d+", text.strip()))


def _selected_only(unit: Unit, per_column: list[Counter]) -> bool:
    """Check boxes exported one column per choice: each column holds its own choice label (or a mark
    such as 1 or Y) when chosen, and nothing otherwise."""
    marks = {"1", "y", "yes", "x", "true", "selected", "checked"}
    seen = False
    for label, values in zip(unit.labels, per_column):
        keys = {normalise_label(v) for v in values}
        if not keys:
            continue
        seen = True
        if not keys <= marks | ({normalise_label(label)} if label else set()):
            return False
    return seen


def _zero_one(per_column: list[Counter]) -> bool:
    """Choices coded 1 (selected) and 0 (not selected) in every column."""
    return all(set(v) <= {"0", "1"} for v in per_column) and any("0" in v for v in per_column)


def _joined(values: Counter) -> bool:
    """Several choices joined in one cell ("Git;Python;Unix Shell"): the parts of the joined answers
    are answers given on their own, or recur across answers."""
    joined = [v for v in values if ";" in v]
    if not joined:
        return False
    whole = {normalise_label(v) for v in values if ";" not in v}
    parts: Counter = Counter()
    for v in joined:
        for p in v.split(";"):
            if p.strip():
                parts[normalise_label(p)] += values[v]
    known = sum(1 for p, c in parts.items() if p in whole or c >= 2)
    return known >= 0.5 * len(parts)
