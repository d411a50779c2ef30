"""Survey definitions beside an export: a Qualtrics ``.qsf`` and a LimeSurvey survey-structure file.

Both say what an export alone cannot: each question's type (one answer, several answers, a grid, free
text), its choices in the order respondents saw them, with their codes, and the rows of a grid.
``surveykit instrument draft`` uses them as its best source. The values here are plain and platform
neutral (``SurveyStructure`` of ``StructQuestion``); reading is the only thing this module does.

* Qualtrics ``.qsf`` (JSON): questions in block order, the "Trash / Unused Questions" block left out;
  choices in ``ChoiceOrder`` with their recode values; Matrix statements (rows) and scale points.
* LimeSurvey survey structure (the tab-separated ``.txt``/``.tsv`` export, ``class`` column ``S``,
  ``SL``, ``G``, ``Q``, ``SQ``, ``A``): questions (``Q``) with their sub-questions (``SQ``) and
  answer options (``A``), in the survey's base language.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from surveykit.errors import InputError
from surveykit.io.base import decode_bytes

#: What a question collects, in the draft's terms.
STRUCT_KINDS = ("single", "multiple", "grid", "text", "numeric", "other", "display")

_TAGS = re.compile(r"<[^>]+>")


def plain_text(text: Any) -> str:
    """Question or option text without HTML tags, entities or runs of whitespace."""
    import html

    return " ".join(html.unescape(_TAGS.sub(" ", str(text or ""))).split())


@dataclass(frozen=True)
class StructOption:
    """A choice, a grid row or a scale point: its code as exported and its text."""

    code: str
    label: str
    text_entry: bool = False  # an "Other (please specify)" choice with a text box


@dataclass(frozen=True)
class StructQuestion:
    """One question of a survey definition.

    key: the platform's internal id (Qualtrics ``QID12``, LimeSurvey's numeric qid); code: the id
    respondents' columns are named by (Qualtrics export tag ``Q12``, LimeSurvey question code);
    kind: one of ``STRUCT_KINDS``; options: choices (single, multiple) or scale points (grid); items:
    the rows of a grid or the sub-questions of a multiple-choice question; other: the question has an
    "Other" text box; platform_type: the platform's own type name (``MC/SAVR``, ``L``, ``F`` ...)."""

    key: str
    code: str
    text: str
    kind: str
    platform_type: str
    options: tuple[StructOption, ...] = ()
    items: tuple[StructOption, ...] = ()
    other: bool = False


@dataclass(frozen=True)
class SurveyStructure:
    path: str
    source: str  # "qsf" | "limesurvey"
    title: str
    questions: tuple[StructQuestion, ...]

    def by_key(self) -> dict[str, StructQuestion]:
        return {q.key: q for q in self.questions}

    def by_code(self) -> dict[str, StructQuestion]:
        return {q.code.casefold(): q for q in self.questions if q.code}


# -- Qualtrics .qsf ------------------------------------------------------------------------------

_QSF_SINGLE = ("SAVR", "SAHR", "SACOL", "DL", "SB", "NPS")
_QSF_MULTIPLE = ("MAVR", "MAHR", "MACOL", "MSB")


def read_qsf_structure(path: str | Path) -> SurveyStructure:
    """A Qualtrics survey definition as a ``SurveyStructure`` (InputError when it is not one)."""
    from surveykit.io.files import read_input

    p = Path(path)
    if not p.exists() and not p.is_symlink():
        raise InputError("Qualtrics survey file (.qsf) not found", path=p)
    try:
        doc = json.loads(read_input(p, what="a .qsf file").decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InputError("this is not a Qualtrics .qsf file (it is not JSON)", path=p) from None
    except RecursionError:
        raise InputError("this is not a Qualtrics .qsf file (its JSON is nested too deeply)", path=p) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("SurveyElements"), list):
        raise InputError("this is not a Qualtrics .qsf file (no 'SurveyElements')", path=p)
    payloads: dict[str, dict] = {}
    order: list[str] = []
    trash: set[str] = set()
    for el in doc["SurveyElements"]:
        if not isinstance(el, dict):
            continue
        if el.get("Element") == "SQ" and isinstance(el.get("Payload"), dict):
            qid = str(el["Payload"].get("QuestionID") or el.get("PrimaryAttribute") or "")
            if qid:
                payloads[qid] = el["Payload"]
        elif el.get("Element") == "BL":
            blocks = el.get("Payload")
            blocks = blocks.values() if isinstance(blocks, dict) else blocks if isinstance(blocks, list) else []
            for block in blocks:
                if not isinstance(block, dict):
                    continue
                ids = [str(b.get("QuestionID")) for b in block.get("BlockElements") or []
                       if isinstance(b, dict) and b.get("Type") == "Question"]
                # Trashed questions stay in the file but are not part of the survey any more.
                (trash.update if block.get("Type") == "Trash" else order.extend)(ids)
    if not payloads:
        raise InputError("the .qsf file defines no questions", path=p)
    seen = set(order)
    order += [q for q in payloads if q not in seen and q not in trash]  # questions outside any block
    questions = tuple(_qsf_question(qid, payloads[qid]) for qid in order if qid in payloads and qid not in trash)
    entry = doc.get("SurveyEntry") or {}
    return SurveyStructure(path=str(p), source="qsf", title=str(entry.get("SurveyName") or p.stem),
                           questions=questions)


def _qsf_options(value: Any, order: Any, recodes: dict[str, str]) -> tuple[StructOption, ...]:
    if isinstance(value, list):
        value = {str(i + 1): v for i, v in enumerate(value)}
    if not isinstance(value, dict):
        return ()
    keys = [str(k) for k in order] if isinstance(order, list) and order else list(map(str, value))
    keys += [str(k) for k in value if str(k) not in keys]
    out = []
    for k in keys:
        v = value.get(k, value.get(int(k)) if k.isdigit() else None)
        if v is None:
            continue
        display = v.get("Display") if isinstance(v, dict) else v
        entry = bool(isinstance(v, dict) and v.get("TextEntry") in (True, "true", "on", 1))
        out.append(StructOption(code=str(recodes.get(k, k)), label=plain_text(display), text_entry=entry))
    return tuple(out)


def _qsf_question(qid: str, pl: dict) -> StructQuestion:
    qtype = str(pl.get("QuestionType") or "")
    selector = str(pl.get("Selector") or "")
    sub = str(pl.get("SubSelector") or "")
    recodes = {str(k): str(v) for k, v in (pl.get("RecodeValues") or {}).items()} \
        if isinstance(pl.get("RecodeValues"), dict) else {}
    if qtype == "Matrix":
        items = _qsf_options(pl.get("Choices"), pl.get("ChoiceOrder"), {})
        options = _qsf_options(pl.get("Answers"), pl.get("AnswerOrder"), recodes)
        # Single-answer rows (radio buttons, drop-downs, bipolar pairs) form a grid; check boxes and
        # text boxes in a matrix do not fit one scale.
        kind = "grid" if selector in ("Likert", "Bipolar") and sub in ("SingleAnswer", "DL", "") else "other"
    else:
        items = ()
        options = _qsf_options(pl.get("Choices"), pl.get("ChoiceOrder"), recodes)
        if qtype == "MC":
            kind = "multiple" if selector in _QSF_MULTIPLE else "single"
        elif qtype == "TE":
            kind = "text" if selector != "FORM" else "other"
            options = ()
        elif qtype == "DB":
            kind = "display"
        elif qtype == "Slider":
            kind = "numeric"
        else:
            kind = "other"
    return StructQuestion(key=qid, code=str(pl.get("DataExportTag") or ""), text=plain_text(pl.get("QuestionText")),
                          kind=kind, platform_type=f"{qtype}/{selector}" if selector else qtype, options=options,
                          items=items, other=any(o.text_entry for o in options))


# -- LimeSurvey survey structure ---------------------------------------------------------------------

#: LimeSurvey question types (the ``type/scale`` column of a ``Q`` row) and what they collect.
LIMESURVEY_TYPES = {
    "L": "single", "!": "single", "O": "single", "5": "single", "G": "single", "Y": "single",
    "M": "multiple", "P": "multiple",
    "F": "grid", "H": "grid", "A": "grid", "B": "grid", "C": "grid", "E": "grid", "1": "grid",
    "S": "text", "T": "text", "U": "text", "Q": "text",
    "N": "numeric", "K": "numeric",
    "X": "display", "*": "display",
    "D": "other", "R": "other", "|": "other", ":": "other", ";": "other", "I": "other",
}
#: The fixed options of LimeSurvey types that have no answer rows.
LIMESURVEY_FIXED = {
    "5": tuple(StructOption(str(i), str(i)) for i in range(1, 6)),
    "A": tuple(StructOption(str(i), str(i)) for i in range(1, 6)),
    "B": tuple(StructOption(str(i), str(i)) for i in range(1, 11)),
    "C": (StructOption("Y", "Yes"), StructOption("U", "Uncertain"), StructOption("N", "No")),
    "E": (StructOption("I", "Increase"), StructOption("S", "Same"), StructOption("D", "Decrease")),
    "G": (StructOption("F", "Female"), StructOption("M", "Male")),
    "Y": (StructOption("Y", "Yes"), StructOption("N", "No")),
}
_LS_REQUIRED = ("class", "type/scale", "name", "text")


def read_limesurvey_structure(path: str | Path) -> SurveyStructure:
    """A LimeSurvey survey-structure export (tab-separated) as a ``SurveyStructure``."""
    from surveykit.io.files import read_input

    p = Path(path)
    if not p.exists() and not p.is_symlink():
        raise InputError("LimeSurvey structure file not found", path=p)
    try:
        text, _, _ = decode_bytes(read_input(p, what="a LimeSurvey structure file"))
    except InputError as exc:
        raise InputError(exc.message, path=p) from None
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t"))
    if not rows or any(k not in [h.strip() for h in rows[0]] for k in _LS_REQUIRED):
        raise InputError("this is not a LimeSurvey survey-structure file (expected tab-separated columns class, "
                         "type/scale, name, text ...)", path=p)
    head = [h.strip() for h in rows[0]]

    def field(row: list[str], name: str) -> str:
        k = head.index(name) if name in head else -1
        return row[k].strip() if 0 <= k < len(row) else ""

    base_language = ""
    title = p.stem
    questions: list[dict[str, Any]] = []
    for row in rows[1:]:
        cls = field(row, "class")
        if cls == "S" and field(row, "name") == "language":
            base_language = field(row, "text")
        if cls == "SL" and field(row, "name") == "surveyls_title":
            title = plain_text(field(row, "text")) or title
        language = field(row, "language")
        if base_language and language and language != base_language:
            continue  # other languages repeat the same questions
        if cls == "Q":
            qtype = field(row, "type/scale")
            questions.append({"key": field(row, "id"), "code": field(row, "name"), "text": plain_text(field(row, "text")),
                              "type": qtype, "other": field(row, "other") == "Y", "items": [], "answers": []})
        elif cls == "SQ" and questions:
            questions[-1]["items"].append(StructOption(field(row, "name"), plain_text(field(row, "text"))))
        elif cls == "A" and questions:
            questions[-1]["answers"].append(StructOption(field(row, "name"), plain_text(field(row, "text"))))
    if not questions:
        raise InputError("the LimeSurvey structure file defines no questions", path=p)
    out = []
    for q in questions:
        kind = LIMESURVEY_TYPES.get(q["type"], "other")
        options = tuple(q["answers"]) or LIMESURVEY_FIXED.get(q["type"], ())
        items = tuple(q["items"])
        if kind == "multiple":  # checkboxes: each sub-question is one option, exported as its own column
            options, items = (), items
        out.append(StructQuestion(key=q["key"], code=q["code"], text=q["text"], kind=kind, platform_type=q["type"],
                                  options=options if kind != "text" else (), items=items, other=q["other"]))
    return SurveyStructure(path=str(p), source="limesurvey", title=title, questions=tuple(out))


def read_structure(path: str | Path) -> SurveyStructure:
    """A survey definition of either kind, told apart by its content (.qsf JSON or LimeSurvey TSV)."""
    p = Path(path)
    if not p.exists() and not p.is_symlink():
        raise InputError("survey structure file not found", path=p)
    # A .qsf is JSON; anything else is read as a LimeSurvey structure (which says so when it is not one).
    if p.suffix.lower() == ".qsf" or p.suffix.lower() == ".json":
        return read_qsf_structure(p)
    return read_limesurvey_structure(p)
