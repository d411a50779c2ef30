"""Drafting an instrument from an export: questions, scales, profile fields, groupings, completion.

``draft_instrument(raw)`` looks at an export (and a survey definition when there is one) and writes
the instrument YAML a research officer would otherwise type by hand, with a ``# guessed:`` comment
beside every guess. The draft is checked with ``parse_instrument`` and mapped back onto the export
before it is returned, so a draft that would not load never leaves this module.

Privacy: comments quote option labels only (the questionnaire's wording). Free-text answers are never
quoted, and an answer fewer than 5 respondents gave to a closed question (a name typed into an "Other"
box some platforms fold into the choice column, a rare category) is neither made an option nor quoted
unless the export declares it (a survey definition, SPSS value labels) or it is a standard scale's
wording ("Strongly agree", "Don't know"); the draft says how many were left out.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from surveykit.draft.columns import Skipped, Unit, layout
from surveykit.draft.decide import decide, rare_note
from surveykit.draft.model import DraftQuestion, Guess, Ids, slug
from surveykit.draft.render import name_scales, render_yaml
from surveykit.draft.respondents import guess_completion, guess_groupings, respondent_fields
from surveykit.errors import InstrumentError, UsageError
from surveykit.io.base import RawExport
from surveykit.io.structure import SurveyStructure

if TYPE_CHECKING:
    from surveykit.instrument import Instrument
    from surveykit.mapping import Coverage

#: A rated "Other (please specify)" row of a grid (not "Other specialist placement").
_OTHER_ROW = re.compile(r"^\s*(other|others|something else|anything else)\s*(\(.*\)|[:.]?.*\b(specify|describe|"
                        r"state|below|here|write)\b.*)?\s*$", re.I)


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
    ids = Ids()
    guesses: list[Guess] = []
    skipped = list(lay.skipped)
    questions: list[DraftQuestion] = []
    for unit in lay.units:
        d = decide(raw, unit)
        if d.type == "skip":
            cols = tuple(unit.columns) + ((unit.other,) if unit.other is not None else ())
            skipped.append(Skipped(cols, unit.text, d.note))
            continue
        if d.type == "split_text":
            codes = unit.codes if len(unit.codes) == len(unit.columns) else [""] * len(unit.columns)
            if not all(codes) and raw.platform in ("surveymonkey", "unipark", "limesurvey"):
                # Text boxes under one heading ("Address [Street]", "Address [City]" ...) without codes:
                # mapping cannot tell them apart.
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
        q = DraftQuestion(id=qid, text=_text(raw, unit), type=d.type, unit=unit, scale=d.scale)
        q.notes["type"] = d.note
        q.notes["scale"] = d.scale_note + (f"; {rare_note(d.dropped)}" if d.dropped else "")
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

    profile = respondent_fields(raw, lay, questions, ids, guesses)
    if not questions:
        reasons = Counter(" ".join(x.reason.split(":")[0].split()) for x in skipped)
        why = "; ".join(f"{n} x {r}" for r, n in reasons.most_common(3)) or "no answer columns"
        raise UsageError(f"no question could be drafted from {Path(raw.path).name}: {why}")
    groupings = guess_groupings(profile, questions, guesses)
    last_page, completion_note = guess_completion(raw, lay, questions, profile)
    scales = name_scales(questions, profile)
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
    text = render_yaml(raw, name=name, title=title, source=source or name, questions=questions, profile=profile,
                   scales=scales, groupings=groupings, last_page=last_page, completion_note=completion_note,
                   skipped=skipped, structure=structure)
    instrument, cov = _check(raw, text, name)
    return DraftResult(yaml=text, instrument=instrument, guesses=tuple(guesses), skipped=tuple(skipped),
                       coverage=cov, platform=raw.platform, n_respondents=raw.n_rows)


def _text(raw: RawExport, unit: Unit) -> str:
    text = " ".join(unit.text.split()) or (unit.code or "question")
    if raw.platform == "spss" and len(unit.columns) == 1 and text == raw.columns[unit.columns[0]].header.strip():
        label = " ".join(str((raw.meta.get("variable_labels") or {}).get(unit.columns[0]) or "").split())
        if label and label.casefold() not in ("null", "none", "nan", "n/a", "na", "-"):
            return label  # the variable label is the question's wording; the variable name is its id
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


def _text_question(raw: RawExport, unit: Unit, ids: Ids, *, note: str) -> DraftQuestion:
    q = DraftQuestion(id=ids.claim(_question_id(raw, unit)), text=_text(raw, unit), type="text", unit=unit)
    q.notes["type"] = note
    return q


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
