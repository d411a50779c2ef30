"""Drafting an instrument from an export: questions, scales, profile fields, groupings, completion.

``draft_instrument(raw)`` looks at an export (and a survey definition when there is one) and writes
the instrument YAML a research officer would otherwise type by hand, with a ``# guessed:`` comment
beside every guess. The draft is checked with ``parse_instrument`` and mapped back onto the export
before it is returned, so a draft that would not load never leaves this module.

Privacy: comments quote option labels only (the questionnaire's wording). Free-text answers are never
quoted, and an answer given once to a closed question that looks typed ("Other" boxes some platforms
fold into the choice column) is not made an option.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from surveykit.draft.columns import Layout, Skipped, Unit, layout, values_of
from surveykit.draft.scales import DraftOption, ScaleGuess, dk_kind, guess_scale, merge_variants, with_aliases
from surveykit.errors import InstrumentError, UsageError
from surveykit.instrument.values import id_key, normalise_label
from surveykit.io.base import RawExport
from surveykit.io.structure import SurveyStructure

if TYPE_CHECKING:
    from surveykit.instrument import Instrument
    from surveykit.mapping import Coverage

#: A column is free text when its answers are long or nearly all different.
TEXT_MEAN_LENGTH = 40
TEXT_MAX_LENGTH = 100
TEXT_MIN_DISTINCT = 12
TEXT_DISTINCT_SHARE = 0.5
MAX_CATEGORIES = 30
#: An answer given once, this long, to a question whose other answers repeat looks typed into an
#: "Other" box: it is not made an option (and never quoted).
TYPED_MIN_LENGTH = 40

# Words that make a single-choice or short text question a respondent profile field, most telling
# first (the first found names the field: "What is your job title or role?" -> role).
PROFILE_WORDS = (
    "sector", "department", "directorate", "division", "organisation", "organization", "agency", "employer",
    "school", "faculty", "college", "campus", "team", "service", "role", "job", "occupation", "profession",
    "position", "region", "nation", "country", "county", "borough", "area", "location", "site", "gender", "sex",
    "age group", "age band", "age range", "ethnicity", "academic year", "year of study", "year group", "major",
    "field of study", "discipline", "programme", "program", "cohort", "grade",
)
_STOP = frozenset("a an the of to in on for and or you your do does did is are was were be been how what which who "
                  "whom why when where please this that these those with about as at by it its i we our my me any "
                  "have has had would could should can if from there their they them than then so not no yes "
                  "following each all some many much most more very rate scale select answer question please "
                  "currently current think".split())
#: A rated "Other (please specify)" row of a grid (not "Other specialist placement").
_OTHER_ROW = re.compile(r"^\s*(other|others|something else|anything else)\s*(\(.*\)|[:.]?.*\b(specify|describe|"
                        r"state|below|here|write)\b.*)?\s*$", re.I)
#: A profile question is about the respondent (or is a bare field name such as "Gender").
_ABOUT_YOU = re.compile(r"\b(your|yourself|my|you work|you are|are you|do you|you study|you teach|you belong|"
                        r"you live|were you|you were|you re|i am|i work)\b", re.I)
PROFILE_MAX_ANSWER = 40  # a text profile field holds short answers (a job title, not an explanation)
PLATFORM_NAMES = {"surveymonkey": "SurveyMonkey", "qualtrics": "Qualtrics", "spss": "SPSS", "unipark": "Unipark/EFS",
                  "limesurvey": "LimeSurvey", "google_forms": "Google Forms", "microsoft_forms": "Microsoft Forms",
                  "tidy": "tidy CSV"}


@dataclass(frozen=True)
class Guess:
    """One guess the draft made: where (a question, item, scale or profile id) and what."""

    where: str
    note: str


@dataclass(frozen=True)
class DraftResult:
    """A drafted instrument.

    yaml: the instrument file's text (with ``# guessed:`` comments); instrument: it, parsed and
    checked; guesses: every guess made; skipped: columns left out, with why; coverage: how the draft
    maps back onto the export it came from."""

    yaml: str
    instrument: "Instrument"
    guesses: tuple[Guess, ...]
    skipped: tuple[Skipped, ...]
    coverage: "Coverage"
    platform: str
    n_respondents: int

    def counts(self) -> dict[str, int]:
        out = Counter(q.type for q in self.instrument.questions)
        return {t: out.get(t, 0) for t in ("single", "grid", "text")}


@dataclass
class _Question:
    id: str
    text: str
    type: str
    unit: Unit
    scale: ScaleGuess | None = None
    items: list[tuple[str, str, bool]] = field(default_factory=list)
    other_text: str | None = None
    notes: dict[str, str] = field(default_factory=dict)
    scale_id: str = ""


@dataclass
class _Profile:
    id: str
    kind: str
    label: str
    aliases: list[str] = field(default_factory=list)
    scale: ScaleGuess | None = None
    other_text: str | None = None
    note: str = ""
    scale_id: str = ""
    groups: int = 0
    scale_note: str = ""


class _Ids:
    """Unique ids, compared without regard to case (as the instrument does)."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def claim(self, wanted: str, fallback: str = "q") -> str:
        base = slug(wanted) or slug(fallback) or "q"
        if base[:1].isdigit():
            base = "q" + base  # ids read better starting with a letter ("q24_hour" not "24_hour")
        candidate, n = base, 2
        while id_key(candidate) in self.used:
            candidate, n = f"{base}_{n}", n + 1
        self.used.add(id_key(candidate))
        return candidate


def slug(text: str, *, words: int | None = None) -> str:
    """A snake_case id: lower case, letters (any script), digits and underscores."""
    text = str(text).strip()
    if words is not None:
        tokens = [t for t in normalise_label(text).split() if t not in _STOP and len(t) > 1] or \
            normalise_label(text).split()
        text = " ".join(tokens[:words])
    out = re.sub(r"[^\w]+", "_", text.lower(), flags=re.UNICODE).strip("_")
    return out[:40].rstrip("_")


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rsplit(" ", 1)[0] + "..."


# -- deciding what each group of columns is ------------------------------------------------------------

@dataclass
class _Decision:
    type: str  # single | grid | text | skip
    scale: ScaleGuess | None = None
    note: str = ""
    scale_note: str = ""
    dropped: int = 0  # answers that looked typed and were not made options


def _looks_like_text(values: Counter) -> tuple[bool, str]:
    n = sum(values.values())
    d = len(values)
    lengths = [len(v) for v in values.elements()]
    mean = sum(lengths) / len(lengths) if lengths else 0
    longest = max(lengths, default=0)
    why = f"{d} different answers of {n}, up to {longest} characters"
    if mean > TEXT_MEAN_LENGTH or longest > TEXT_MAX_LENGTH:
        return True, why
    if d > MAX_CATEGORIES or (d > TEXT_MIN_DISTINCT and d > TEXT_DISTINCT_SHARE * n):
        return True, why
    return False, why


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


def _nominal_guess(merged: list[tuple[str, int, tuple[str, ...]]]) -> tuple[list[tuple[str, int, tuple[str, ...]]], int]:
    """Leave out answers given once that look typed, when the other answers repeat."""
    repeated = [m for m in merged if m[1] >= 2]
    if len(repeated) < 3:
        return merged, 0
    kept = [m for m in merged if not (m[1] == 1 and len(m[0]) >= TYPED_MIN_LENGTH and not dk_kind(m[0]))]
    return kept, len(merged) - len(kept)


def _closed_from_values(values: Counter, *, declared=None, multi: bool = False) -> tuple[ScaleGuess, int]:
    merged = merge_variants(dict(values))
    dropped = 0
    if declared is None:
        guess = guess_scale([(lab, c) for lab, c, _ in merged])
        if not guess.recognised:
            merged, dropped = _nominal_guess(merged)
            guess = guess_scale([(lab, c) for lab, c, _ in merged])
    else:
        guess = guess_scale([(lab, c) for lab, c, _ in merged], declared=declared)
    guess = with_aliases(guess, {normalise_label(lab): aliases for lab, _, aliases in merged})
    if multi and guess.family == "binary":
        opts = tuple(replace(o, label="Selected" if o.code == "1" else "Not selected") for o in guess.options)
        guess = replace(guess, family="selected", options=opts, top_box_label="% selected",
                        description="choices coded 1 (selected) and 0 (not selected)")
    return guess, dropped


def _decide(raw: RawExport, unit: Unit) -> _Decision:
    d = _decide_unit(raw, unit)
    if unit.struct is None and raw.platform == "spss":  # the options came from the file's value labels
        for name in ("note", "scale_note"):
            setattr(d, name, getattr(d, name).replace("the survey definition", "the SPSS value labels"))
    return d


def _decide_unit(raw: RawExport, unit: Unit) -> _Decision:
    struct = unit.struct
    if unit.hint == "unmappable":
        return _Decision("skip", note=f"{unit.source}: a mapping file can map it by column index")
    if struct is not None and struct.kind in ("display", "numeric", "other"):
        what = {"display": "text shown to respondents, no answers", "numeric": "numeric answers (a slider or "
                "number box): surveykit has no numeric question type", "other": f"a {struct.platform_type} "
                "question (ranking, side-by-side, date, upload ...): no matching question type"}[struct.kind]
        return _Decision("skip", note=what)
    per_column = [values_of(raw, c) for c in unit.columns]
    values: Counter = Counter()
    for v in per_column:
        values.update(v)
    if unit.hint == "text" or (struct is not None and struct.kind == "text"):
        if len(unit.columns) > 1:
            return _Decision("split_text", note="several text boxes")
        ok, why = _looks_like_text(values)
        return _Decision("text", note=f"free text (the platform marks it so; {why})" if values else
                         "free text (the platform marks it so; no answers yet)")
    if not values:
        return _Decision("skip", note="no answers in the export, so its type cannot be told")
    multi = len(unit.columns) > 1
    if struct is not None and struct.kind == "multiple" or unit.hint == "multiple" or \
            multi and (_selected_only(unit, per_column) or _zero_one(per_column)):
        if multi and _zero_one(per_column):
            guess, _ = _closed_from_values(values, multi=True)
            return _Decision("grid", guess, note=f"several answers allowed: {len(unit.columns)} choices, each "
                             "column coded 1 (selected) / 0 (not selected)", scale_note=guess.description)
        return _Decision("skip", note="several answers allowed (check boxes), with unselected choices left blank: "
                                      "surveykit has no multiple-answer question type")
    if multi and _joined(values):
        return _Decision("skip", note="several answers joined in one cell: surveykit has no multiple-answer type")
    if not multi and _joined(values):
        return _Decision("skip", note="several answers joined in one cell (e.g. 'a;b'): surveykit has no "
                                      "multiple-answer question type")
    declared = None
    if struct is not None and struct.options:
        declared = [(o.code, o.label) for o in struct.options]
        if struct.other and struct.kind == "single" and struct.platform_type in ("L", "!", "O"):
            declared.append(("-oth-", "Other"))  # LimeSurvey's code for its "Other" choice
    elif raw.meta.get("value_labels"):
        declared = _spss_declared(raw, unit, values)
    if declared is None and _dates(values):
        return _Decision("skip", note="dates or times: surveykit has no date question type")
    numeric = _numeric_kind(values) if declared is None else None
    if numeric == "number" or (numeric == "rating" and len(values) > 11):
        return _Decision("skip", note="numeric answers (a count, an age, an amount): surveykit has no numeric "
                                      "question type")
    if multi:
        texty = [c for c, v in zip(unit.columns, per_column) if v and _looks_like_text(v)[0]]
        if texty and declared is None and len(texty) == len([v for v in per_column if v]):
            return _Decision("split_text", note="several text boxes")
        guess, dropped = _closed_from_values(values, declared=declared)
        src = unit.source
        return _Decision("grid", guess, note=f"grid of {len(unit.columns)} rows on one scale ({src})",
                         scale_note=guess.description, dropped=dropped)
    if declared is None and unit.hint != "single":
        guess, dropped = _closed_from_values(values)
        if not guess.valid:
            return _Decision("skip", note="no answers other than Don't know / N/A, so its type cannot be told")
        if not guess.recognised:
            texty, why = _looks_like_text(values)
            if texty:
                return _Decision("text", note=f"free text ({why})")
        return _Decision("single", guess, note=f"one answer per respondent ({len(values)} different answers)",
                         scale_note=guess.description, dropped=dropped)
    guess, dropped = _closed_from_values(values, declared=declared)
    if not guess.valid:
        return _Decision("skip", note="no answers other than Don't know / N/A, so its type cannot be told")
    why = "the survey definition" if declared is not None else "the export's 'Response' column"
    return _Decision("single", guess, note=f"one answer per respondent ({why})", scale_note=guess.description,
                     dropped=dropped)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$|^\d{1,2}/\d{1,2}/\d{2,4}( \d{1,2}:\d{2}"
                   r"(:\d{2})?( ?[AP]M)?)?$|^\d{1,2}:\d{2}(:\d{2})?$")


def _dates(values: Counter) -> bool:
    return bool(values) and sum(c for v, c in values.items() if _DATE.match(v)) >= 0.8 * sum(values.values())


def _spss_declared(raw: RawExport, unit: Unit, values: Counter) -> list[tuple[str, str]] | None:
    """The value labels of an SPSS variable (the first of a grid), with the unlabelled values found
    in the data (end-point-only scales label 1 and 5 and leave 2-4 bare)."""
    labels = (raw.meta.get("value_labels") or {}).get(unit.columns[0])
    if not labels:
        return None
    declared = [(str(code), str(label)) for code, label in labels.items()]
    known = {normalise_label(x) for pair in declared for x in pair}
    extra = [v for v in values if normalise_label(v) not in known]
    if extra and all(_is_int(v) for v in extra) and all(_is_int(c) for c, _ in declared):
        declared += [(v, v) for v in extra]
        declared.sort(key=lambda p: float(p[0]))
    elif extra:
        return None  # labels that do not describe the answers: read the answers instead
    return declared


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


# -- the draft -----------------------------------------------------------------------------------------

def draft_instrument(raw: RawExport, *, structure: SurveyStructure | None = None, title: str | None = None,
                     source: str | None = None) -> DraftResult:
    """Draft an instrument from an export.

    raw: the export as read (``surveykit.io.read_export``: SPSS value labels and multiple-response
    sets, Qualtrics column information from a .qsf travel in ``raw.meta``); structure: a survey
    definition (``surveykit.io.structure.read_structure``: a .qsf or a LimeSurvey structure file), the
    best source of question types and choices when given; title and source: the instrument's
    ``title`` and ``source`` (default: from the structure or the file name).

    Returns a ``DraftResult`` whose ``yaml`` passes ``parse_instrument`` and maps back onto ``raw``."""
    if not isinstance(raw, RawExport):
        raise UsageError(f"raw must be a RawExport (surveykit.io.read_export); got {type(raw).__name__}")
    if not raw.columns:
        raise UsageError("the export has no columns to draft an instrument from")
    lay = layout(raw, structure)
    ids = _Ids()
    guesses: list[Guess] = []
    skipped = list(lay.skipped)
    questions: list[_Question] = []
    for unit in lay.units:
        d = _decide(raw, unit)
        if d.type == "skip":
            cols = tuple(unit.columns) + ((unit.other,) if unit.other is not None else ())
            skipped.append(Skipped(cols, unit.text, d.note))
            continue
        if d.type == "split_text":
            codes = unit.codes if len(unit.codes) == len(unit.columns) else [""] * len(unit.columns)
            if not all(codes) and raw.platform in ("surveymonkey", "unipark"):
                # Text boxes under one heading share their header text: mapping cannot tell them apart.
                skipped.append(Skipped(tuple(unit.columns), unit.text, "several text boxes under one heading: "
                                       "map them with a mapping file (surveykit inspect --write-mapping)"))
                continue
            for col, code in zip(unit.columns, codes):
                header = raw.columns[col].header
                part = Unit(text=header, columns=[col], labels=[""], codes=[code], code=code, hint="text",
                            source="a text box")
                questions.append(_text_question(raw, part, ids, note=f"free text ({d.note})"))
            continue
        if d.type == "text":
            questions.append(_text_question(raw, unit, ids, note=d.note))
            continue
        qid = ids.claim(_question_id(raw, unit))
        q = _Question(id=qid, text=_text(unit), type=d.type, unit=unit, scale=d.scale)
        q.notes["type"] = d.note
        q.notes["scale"] = d.scale_note + (f"; {d.dropped} answer(s) given once that look typed into an 'Other' "
                                           "box were not made options (validate lists them)" if d.dropped else "")
        if d.type == "grid":
            for k, (col, label) in enumerate(zip(unit.columns, unit.labels)):
                code = unit.codes[k] if k < len(unit.codes) else ""
                wanted = code if code else f"{qid}_{slug(label, words=3) or k + 1}"
                item_id = ids.claim(wanted, fallback=f"{qid}_{k + 1}")
                is_other = bool(_OTHER_ROW.match(label))
                q.items.append((item_id, label or code or f"row {k + 1}", is_other))
                if is_other:
                    guesses.append(Guess(item_id, "a rated 'Other' row"))
        if unit.other is not None:
            q.other_text = ids.claim(_other_id(raw, unit, qid))
            q.notes["other_text"] = "the 'Other (please specify)' box next to this question"
        questions.append(q)

    profile = _profile(raw, lay, questions, ids, guesses)
    if not questions:
        reasons = Counter(" ".join(x.reason.split(":")[0].split()) for x in skipped)
        why = "; ".join(f"{n} x {r}" for r, n in reasons.most_common(3)) or "no answer columns"
        raise UsageError(f"no question could be drafted from {Path(raw.path).name}: {why}")
    groupings = _groupings(profile, questions, guesses)
    last_page, completion_note = _completion(raw, lay, questions, profile)
    scales = _name_scales(questions, profile)
    for q in questions:
        if q.type != "text":
            guesses.append(Guess(f"{q.id}.type", q.notes.get("type", "")))
            guesses.append(Guess(f"{q.id}.scale", q.notes.get("scale", "")))
        else:
            guesses.append(Guess(f"{q.id}.type", q.notes.get("type", "")))
    if completion_note:
        guesses.append(Guess("completion", completion_note))
    name = Path(raw.path).name
    title = title or (structure.title if structure is not None and structure.title else
                      " ".join(re.split(r"[_\s]+", Path(raw.path).stem)).strip().capitalize())
    text = _render(raw, name=name, title=title, source=source or name, questions=questions, profile=profile,
                   scales=scales, groupings=groupings, last_page=last_page, completion_note=completion_note,
                   skipped=skipped, structure=structure)
    instrument, cov = _check(raw, text, name)
    return DraftResult(yaml=text, instrument=instrument, guesses=tuple(guesses), skipped=tuple(skipped),
                       coverage=cov, platform=raw.platform, n_respondents=raw.n_rows)


def _text(unit: Unit) -> str:
    text = " ".join(unit.text.split()) or (unit.code or "question")
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", text) and "_" in text:
        # A variable name as header ("first_time"): the column maps by its id; the text is for people.
        text = text.replace("_", " ").strip().capitalize()
    return text


def _question_id(raw: RawExport, unit: Unit) -> str:
    if unit.code:
        return unit.code
    if unit.number is not None:
        return f"q{unit.number}"
    return slug(unit.text, words=4) or "q"


def _other_id(raw: RawExport, unit: Unit, qid: str) -> str:
    from surveykit.draft.columns import export_tag

    tag = export_tag(raw, raw.columns[unit.other]) if unit.other is not None else ""
    return tag if tag and tag != unit.code else f"{qid}_other_text"


def _text_question(raw: RawExport, unit: Unit, ids: _Ids, *, note: str) -> _Question:
    q = _Question(id=ids.claim(_question_id(raw, unit)), text=_text(unit), type="text", unit=unit)
    q.notes["type"] = note
    return q


# -- respondents: id, profile fields, groupings, completion ----------------------------------------------

def _profile(raw: RawExport, lay: Layout, questions: list[_Question], ids: _Ids, guesses: list[Guess]) -> list[_Profile]:
    out: list[_Profile] = []
    if lay.id_column is not None:
        header = raw.columns[lay.id_column].header
        pid = ids.claim("respondent_id")
        out.append(_Profile(pid, "id", header, aliases=[header],
                            note=f"the respondent id: every row has a different {_short(header, 30)!r}"))
        guesses.append(Guess(pid, out[-1].note))
    moved: list[_Question] = []
    for q in questions:
        if q.type == "grid" or len(q.text) > 200:
            continue
        word = _profile_word(q.text)
        if word is None:
            continue
        if q.type == "single" and q.scale is not None and (not q.scale.recognised or q.scale.family == "nominal"):
            groups = sum(1 for o in q.scale.valid if o.count >= 5)
            p = _Profile(q.id, "category", q.text, aliases=[], scale=_label_codes(q.scale, keep_codes=q.unit.struct is not None
                                                           or raw.platform == "spss"), other_text=q.other_text,
                         note=f"a respondent profile field ({word!r} in its text; "
                              f"{len(q.scale.valid)} groups, {groups} with 5 or more respondents)", groups=groups)
        elif q.type == "text" and len(q.text) <= 120 and _short_answers(raw, q.unit):
            p = _Profile(q.id, "text", q.text, note=f"a respondent profile field ({word!r} in its "
                                                    "text), kept as text: not coded or quoted")
        else:
            continue
        p.scale_note = q.notes.get("scale", "")
        if not q.unit.code and q.unit.number is None:
            # Named after what it is ("sector", "role") rather than the first words of its text.
            ids.used.discard(id_key(q.id))
            p.id = ids.claim(slug(word))
        if p.other_text and p.other_text.startswith(q.id + "_"):
            ids.used.discard(id_key(p.other_text))
            p.other_text = ids.claim(f"{p.id}_other_text")
        out.append(p)
        moved.append(q)
        guesses.append(Guess(p.id, p.note))
    for q in moved:
        questions.remove(q)
    if lay.completion_column is not None:
        header = raw.columns[lay.completion_column].header
        out.append(_Profile(ids.claim(slug(header) or "completed"), "completed", header, aliases=[header],
                            note=f"the completion flag ({_short(header, 30)!r}: true/false)"))
        guesses.append(Guess(out[-1].id, out[-1].note))
    return out


def _label_codes(guess: ScaleGuess, *, keep_codes: bool) -> ScaleGuess:
    """A grouping's options coded by their labels, so tables and tests name the groups
    ("Fourth year vs Third year", not "1 vs 2"); codes a survey definition gave stay as aliases (a
    numeric export still matches)."""
    labels = {normalise_label(o.label) for o in guess.options}
    used: set[str] = set()
    opts = []
    for o in guess.options:
        code = " ".join(o.label.split())[:40].strip()
        if o.dk or not code or code.casefold() in used:
            used.add(o.code.casefold())
            opts.append(o)
            continue
        used.add(code.casefold())
        keep = (o.code,) if keep_codes and normalise_label(o.code) not in labels else ()
        opts.append(replace(o, code=code, aliases=o.aliases + keep))
    return replace(guess, options=tuple(opts))


def _profile_word(text: str) -> str | None:
    """The profile word of a question about the respondent ("Which sector do you work in?" -> sector)."""
    text = " ".join(text.replace("_", " ").split())
    if not (_ABOUT_YOU.search(normalise_label(text)) or len(text) <= 40):
        return None
    low = normalise_label(text)
    for w in PROFILE_WORDS:
        if re.search(rf"\b{re.escape(w)}\b", low):
            return w
    return None


def _short_answers(raw: RawExport, unit: Unit) -> bool:
    values = values_of(raw, unit.columns[0]) if unit.columns else Counter()
    lengths = [len(v) for v in values.elements()]
    return bool(lengths) and sum(lengths) / len(lengths) <= PROFILE_MAX_ANSWER


def _groupings(profile: list[_Profile], questions: list[_Question], guesses: list[Guess]) -> list[tuple[str, str]]:
    """(id, why) of the likely groupings: profile categories with two or more sizeable groups, else the
    single-choice nominal question that splits respondents best."""
    out = []
    for p in profile:
        if p.kind == "category" and p.groups >= 2:
            out.append((p.id, f"{p.groups} groups of 5 or more respondents"))
    if not out:
        best = None
        for q in questions:
            if q.type != "single" or q.scale is None or q.scale.kind != "nominal" or q.scale.recognised:
                continue
            big = sum(1 for o in q.scale.valid if o.count >= 10)
            if 2 <= len(q.scale.valid) <= 8 and big >= 2 and (best is None or big > best[1]):
                best = (q.id, big)
        if best is not None:
            out.append((best[0], f"a single-choice question with {best[1]} groups of 10 or more respondents"))
    for gid, why in out:
        guesses.append(Guess(f"groupings.{gid}", why))
    return out


def _completion(raw: RawExport, lay: Layout, questions: list[_Question], profile: list[_Profile]):
    if lay.completion_column is not None or not questions:
        return [], ""
    if raw.platform not in ("surveymonkey", "limesurvey", "unipark"):
        return [], ""
    # Partial responses are exported too: answering one of the last questions counts as completing.
    k = max(1, min(5, round(len(questions) / 10)))
    last = [q.id for q in questions[-k:]]
    return last, (f"no completion column: a respondent counts as completed when they answered one of the last "
                  f"{k} question(s); list your survey's last page here")


# -- scales --------------------------------------------------------------------------------------------

_FAMILY_IDS = {"yes_no": "yes_no", "true_false": "true_false", "binary": "yes_no_01", "yes_middle_no": "yes_middle_no",
               "selected": "selected"}


def _name_scales(questions: list[_Question], profile: list[_Profile]) -> dict[str, ScaleGuess]:
    scales: dict[str, ScaleGuess] = {}
    by_sig: dict[tuple, str] = {}

    def name(guess: ScaleGuess, owner: str) -> str:
        sig = guess.signature
        if sig in by_sig:
            existing = by_sig[sig]
            scales[existing] = _merge_aliases(scales[existing], guess)
            return existing
        if guess.family == "nominal" or not guess.recognised:
            base = f"{owner}_options"
        else:
            base = _FAMILY_IDS.get(guess.family) or (guess.family if guess.family.startswith("rating_")
                                                     else f"{guess.family}_{len(guess.valid)}")
            if guess.family in _FAMILY_IDS and any(o.dk for o in guess.options):
                base += "_dk"
        sid, n = base, 2
        while sid in scales:
            sid, n = f"{base}_{n}", n + 1
        scales[sid] = guess
        by_sig[sig] = sid
        return sid

    for q in questions:
        if q.scale is not None:
            q.scale_id = name(q.scale, q.id)
    for p in profile:
        if p.scale is not None:
            p.scale_id = name(p.scale, p.id)
    return scales


def _merge_aliases(a: ScaleGuess, b: ScaleGuess) -> ScaleGuess:
    opts = []
    for x, y in zip(a.options, b.options):
        extra = tuple(al for al in y.aliases if al not in x.aliases)
        opts.append(replace(x, aliases=x.aliases + extra, count=x.count + y.count))
    return replace(a, options=tuple(opts))


# -- writing the YAML ----------------------------------------------------------------------------------

def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON escaping, which YAML reads unchanged; line and paragraph
    separators and other invisible characters escaped too)."""
    import json
    import unicodedata

    out = json.dumps(str(text), ensure_ascii=False)
    return "".join(ch if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co") or ch in "\n\t"
                   else f"\\u{ord(ch):04x}" for ch in out)


def _comment(text: str) -> str:
    text = " ".join(str(text).split())
    return f"  # guessed: {text}" if text else ""


def _render(raw: RawExport, *, name: str, title: str, source: str, questions: list[_Question], profile: list[_Profile],
            scales: dict[str, ScaleGuess], groupings: list[tuple[str, str]], last_page: list[str], completion_note: str,
            skipped: list[Skipped], structure: SurveyStructure | None) -> str:
    platform = PLATFORM_NAMES.get(raw.platform, raw.platform)
    lines = [
        f"# Instrument drafted by 'surveykit instrument draft' from {name} ({platform} export, "
        f"{raw.n_rows} respondents{', survey definition ' + Path(structure.path).name if structure else ''}).",
        "# Every line marked '# guessed:' is a guess: check it against your questionnaire. Then check the file",
        f"# with 'surveykit instrument check THIS_FILE' and try it: 'surveykit validate {name} --instrument THIS_FILE'.",
        "# The format is documented in docs/instrument.md.",
    ]
    if skipped:
        lines.append("#")
        lines.append(f"# Not drafted ({sum(len(s.columns) for s in skipped)} column(s); validate lists them as "
                     "unmapped, or map them with --mapping):")
        for s in skipped:
            where = ", ".join(_letter(c) for c in s.columns[:6]) + (" ..." if len(s.columns) > 6 else "")
            lines.append(f"#   column {where} {_short(s.header, 50)!r}: {' '.join(s.reason.split())}")
    lines += ["", f"id: {slug(Path(name).stem) or 'my_survey'}", f"title: {q(title)}", 'version: "1"',
              f"source: {q(source)}", "", "scales:"]
    if not scales:
        lines += ["  yes_no:  # not used yet: the format needs one scale (every drafted question is free text)",
                  "    kind: nominal", "    options:", '      - {code: "1", label: "Yes"}',
                  '      - {code: "0", label: "No"}']
    for sid, g in scales.items():
        lines.append(f"  {sid}:")
        why = f"{g.kind}: {g.description.split(' from ')[0].split(', options')[0]}" if g.recognised else \
            f"nominal: categories without an order (options as found in the answers{'' if g.options else ''})"
        lines.append(f"    kind: {g.kind}{_comment(why)}")
        lines.append("    options:")
        for o in g.options:
            parts = [f"code: {q(o.code)}", f"label: {q(o.label)}"]
            if o.dk:
                parts.append("dk: true")
            if o.aliases:
                parts.append("aliases: [" + ", ".join(q(a) for a in o.aliases) + "]")
            note = _comment("Don't know / not applicable: never part of a percentage base") if o.dk else (
                _comment("added to complete the usual scale (nobody chose it)") if o.count == 0 and g.recognised
                and not o.dk and not o.aliases and _completed(g) else "")
            lines.append("      - {" + ", ".join(parts) + "}" + note)
        if g.top_box:
            lines.append("    top_box: [" + ", ".join(q(c) for c in g.top_box) + "]"
                         + _comment("the headline share"))
            lines.append(f"    top_box_label: {q(g.top_box_label)}")
        if g.nets:
            lines.append("    nets:")
            for nid, label, codes in g.nets:
                lines.append(f"      {nid}: {{label: {q(label)}, codes: [" + ", ".join(q(c) for c in codes) + "]}"
                             + _comment("the other end of the scale, combined"))
    if profile:
        lines += ["", "profile:"]
        for p in profile:
            lines.append(f"  - id: {p.id}{_comment(p.note)}")
            lines.append(f"    kind: {p.kind}")
            lines.append(f"    label: {q(p.label)}")
            if p.aliases:
                lines.append("    aliases: [" + ", ".join(q(a) for a in p.aliases) + "]")
            if p.scale_id:
                lines.append(f"    options: {p.scale_id}{_comment(p.scale_note or (p.scale.description if p.scale else ''))}")
            if p.other_text:
                lines.append(f"    other_text: {p.other_text}{_comment('the Other (please specify) box')}")
    if groupings:
        lines += ["", "groupings: [" + ", ".join(g for g, _ in groupings) + "]"
                  + _comment("what compare, banner and the report break results down by (the first is the "
                             "default): " + "; ".join(f"{g}: {why}" for g, why in groupings))]
    if last_page:
        lines += ["", "completion:", "  last_page: [" + ", ".join(last_page) + "]" + _comment(completion_note)]
    lines += ["", "questions:"]
    for n, qu in enumerate(questions, 1):
        lines.append(f"  - id: {qu.id}")
        lines.append(f"    text: {q(qu.text)}")
        lines.append(f"    type: {qu.type}{_comment(qu.notes.get('type', ''))}")
        if qu.type != "text":
            lines.append(f"    scale: {qu.scale_id}{_comment(qu.notes.get('scale', ''))}")
        if qu.other_text:
            lines.append(f"    other_text: {qu.other_text}{_comment(qu.notes.get('other_text', ''))}")
        if qu.items:
            lines.append("    items:")
            for iid, label, other in qu.items:
                extra = ", other: true" if other else ""
                lines.append(f"      - {{id: {iid}, label: {q(label)}{extra}}}"
                             + (_comment("a rated 'Other' row") if other else ""))
    texts = [qu.id for qu in questions if qu.type == "text"]
    lines += ["", "# Free-text fields to code in the report, each with a codebook (see docs/instrument.md):",
              "# coding:"]
    lines += [f"#   - {{field: {t}, codebook: my_codebook.yaml}}" for t in texts[:3]] or ["#   (no free-text fields)"]
    return "\n".join(lines) + "\n"


def _completed(g: ScaleGuess) -> bool:
    return "completed to the usual" in g.description


def _letter(index: int) -> str:
    from surveykit.io.base import column_letter

    return column_letter(index)


def _check(raw: RawExport, text: str, name: str):
    """Parse the draft as any instrument is parsed and map it back onto its export."""
    import yaml

    from surveykit.instrument.schema import parse_instrument
    from surveykit.mapping import coverage, map_columns

    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when there is one: same result
        doc = yaml.load(text, Loader=loader)
        inst = parse_instrument(doc, path=name)
    except (yaml.YAMLError, InstrumentError) as exc:  # a bug in the draft, not the user's doing
        raise InstrumentError(f"the drafted instrument does not load ({exc}); please report this") from None
    return inst, coverage(map_columns(raw, inst), inst)


def draft_from_file(path: str | Path, *, platform: str | None = None, encoding: str | None = None,
                    qsf: str | Path | None = None, structure: str | Path | None = None,
                    title: str | None = None) -> DraftResult:
    """Read an export (and its survey definition) and draft an instrument for it.

    qsf: a Qualtrics .qsf (used to read the export and as its structure); structure: a survey
    definition of either kind (a .qsf or a LimeSurvey survey-structure file)."""
    from surveykit.io import read_export
    from surveykit.io.structure import read_structure

    if qsf is not None and structure is not None:
        raise UsageError("give either qsf or structure, not both (a .qsf is a structure file)")
    if structure is not None and Path(structure).suffix.lower() == ".qsf":
        qsf, structure = structure, None  # a .qsf also helps the Qualtrics reader
    raw = read_export(path, platform=platform, encoding=encoding, qsf=qsf)
    definition = read_structure(qsf if qsf is not None else structure) if (qsf or structure) else None
    return draft_instrument(raw, structure=definition, title=title)
