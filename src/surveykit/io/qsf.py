"""The Qualtrics survey definition (``.qsf``, JSON): question text, choices and recodes by QID.

A Qualtrics CSV carries each column's ImportId (``QID12``, ``QID12_3``, ``QID12-3``,
``QID12_3_TEXT``, ``QID4#1_1``) in its third header row, and its export tag (``Q12_3``) in the first.
The .qsf turns either into the full, untruncated question text and the choice or statement text, and
numeric recode values into the choice text a person reads. Legacy and two-row exports have no
ImportId row: their export tags are looked up instead.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from surveykit.errors import InputError

# "<[^<>]*>" rather than "<[^>]+>": text full of "<" and no ">" must not take quadratic time.
_TAGS = re.compile(r"<[^<>]*>")
_IMPORT_ID = re.compile(r"^(?P<qid>QID\d+)(?:#(?P<side>\d+))?(?:[_-](?P<rest>.*))?$")


def clean_html(text: Any) -> str:
    """Question or choice text without HTML tags, entities or runs of whitespace."""
    text = _TAGS.sub(" ", str(text or ""))
    return " ".join(html.unescape(text).split())


@dataclass(frozen=True)
class QsfQuestion:
    """One question of a .qsf.

    choices: choice (MC) or statement (Matrix) id -> display text. answers: Matrix scale point id ->
    display text. recodes: id -> recode value as exported in a numeric export (MC: of choices;
    Matrix: of answers). choice_tags: statement id -> custom export tag.
    """

    qid: str
    tag: str
    text: str
    type: str
    selector: str = ""
    choices: Mapping[str, str] = field(default_factory=dict)
    answers: Mapping[str, str] = field(default_factory=dict)
    recodes: Mapping[str, str] = field(default_factory=dict)
    choice_tags: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_matrix(self) -> bool:
        return self.type in ("Matrix", "SBS")

    def value_labels(self) -> dict[str, str]:
        """Numeric export value -> choice text (what the respondent saw)."""
        points = self.answers if self.type == "Matrix" else self.choices
        out: dict[str, str] = {}
        for cid, display in points.items():
            out[str(self.recodes.get(cid, cid))] = display
        return out


@dataclass(frozen=True)
class ColumnInfo:
    """What the .qsf says about one exported column."""

    qid: str
    question: str
    item: str = ""          # statement or choice text for split columns, "" otherwise
    text_entry: bool = False  # a "please specify" text box
    value_labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class QsfSurvey:
    path: str
    name: str
    questions: Mapping[str, QsfQuestion]
    trashed: frozenset[str] = frozenset()  # QIDs in the "Trash / Unused Questions" block

    def by_tag(self) -> dict[str, QsfQuestion]:
        # A trashed question may share its export tag with a live one: the live one owns the tag.
        live = [q for q in self.questions.values() if q.qid not in self.trashed]
        dead = [q for q in self.questions.values() if q.qid in self.trashed]
        return {q.tag: q for q in dead + live if q.tag}

    def column(self, import_id: str = "", tag: str = "") -> ColumnInfo | None:
        """Describe a column by its ImportId (preferred) or its export tag; None when unknown."""
        m = _IMPORT_ID.match(import_id.strip()) if import_id else None
        if m and m.group("qid") in self.questions:
            q = self.questions[m.group("qid")]
            rest = m.group("rest") or ""
            return self._describe(q, rest, side=m.group("side"))
        if tag:
            return self._by_tag(tag)
        return None

    def _by_tag(self, tag: str) -> ColumnInfo | None:
        tags = self.by_tag()
        if tag in tags:
            return self._describe(tags[tag], "")
        # Q12_3, Q12_3_TEXT, Q12_TEXT, Q4#1_1: the longest known tag prefix owns the column.
        for cut in range(len(tag) - 1, 0, -1):
            head = tag[:cut]
            if head in tags and tag[cut] in "_#-":
                rest = tag[cut + 1:]
                side = None
                if tag[cut] == "#":
                    side, _, rest = rest.partition("_")
                return self._describe(tags[head], rest, side=side)
        # A custom statement export tag (ChoiceDataExportTags) names the column itself.
        for q in self.questions.values():
            for cid, ctag in q.choice_tags.items():
                if ctag == tag:
                    return self._describe(q, cid)
        return None

    def _describe(self, q: QsfQuestion, rest: str, *, side: str | None = None) -> ColumnInfo:
        parts = [p for p in re.split(r"[_-]", rest) if p] if rest else []
        text_entry = bool(parts) and parts[-1].upper().startswith("TEXT")
        if text_entry:
            parts = parts[:-1]
            if q.type == "TE":  # a text question's own answer (QID7_TEXT), not an "other" box
                text_entry = False
        item = ""
        if parts:
            item = q.choices.get(parts[0], "")
        labels = {} if text_entry else q.value_labels()
        if side is not None or (q.type == "MC" and parts and not text_entry and q.selector.startswith("MA")):
            labels = {}  # side-by-side and multi-select columns: values are not the question's recodes
        return ColumnInfo(qid=q.qid, question=q.text, item=item, text_entry=text_entry, value_labels=labels)


def load_qsf(path: str | Path) -> QsfSurvey:
    """Read a .qsf file; InputError when it is not one."""
    from surveykit.io.files import read_input

    p = Path(path)
    if not p.exists() and not p.is_symlink():
        raise InputError("Qualtrics survey file (.qsf) not found", path=p)
    data = read_input(p, what="a .qsf file")
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InputError("this is not a Qualtrics .qsf file (it is not JSON)", path=p) from None
    except RecursionError:
        raise InputError("this is not a Qualtrics .qsf file (its JSON is nested too deeply)", path=p) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("SurveyElements"), list):
        raise InputError("this is not a Qualtrics .qsf file (no 'SurveyElements')", path=p)
    questions: dict[str, QsfQuestion] = {}
    for el in doc["SurveyElements"]:
        if not isinstance(el, dict) or el.get("Element") != "SQ" or not isinstance(el.get("Payload"), dict):
            continue
        pl = el["Payload"]
        qid = str(pl.get("QuestionID") or el.get("PrimaryAttribute") or "")
        if not qid:
            continue
        questions[qid] = QsfQuestion(
            qid=qid, tag=str(pl.get("DataExportTag") or ""), text=clean_html(pl.get("QuestionText")),
            type=str(pl.get("QuestionType") or ""), selector=str(pl.get("Selector") or ""),
            choices=_displays(pl.get("Choices")), answers=_displays(pl.get("Answers")),
            recodes={str(k): str(v) for k, v in (pl.get("RecodeValues") or {}).items()}
            if isinstance(pl.get("RecodeValues"), dict) else {},
            choice_tags={str(k): str(v) for k, v in pl["ChoiceDataExportTags"].items()}
            if isinstance(pl.get("ChoiceDataExportTags"), dict) else {},
        )
    if not questions:
        raise InputError("the .qsf file defines no questions", path=p)
    entry = doc.get("SurveyEntry") if isinstance(doc.get("SurveyEntry"), dict) else {}
    return QsfSurvey(path=str(p), name=str(entry.get("SurveyName") or p.stem), questions=questions,
                     trashed=_trashed(doc["SurveyElements"]))


def _trashed(elements: list) -> frozenset[str]:
    out: set[str] = set()
    for el in elements:
        if isinstance(el, dict) and el.get("Element") == "BL":
            blocks = el.get("Payload")
            for block in (blocks.values() if isinstance(blocks, dict) else blocks if isinstance(blocks, list) else []):
                if isinstance(block, dict) and block.get("Type") == "Trash":
                    out.update(str(b.get("QuestionID")) for b in block.get("BlockElements") or []
                               if isinstance(b, dict) and b.get("Type") == "Question")
    return frozenset(out)


def _displays(value: Any) -> dict[str, str]:
    if isinstance(value, list):  # some exports store choices as a list
        value = {str(i + 1): v for i, v in enumerate(value)}
    if not isinstance(value, dict):
        return {}
    out = {}
    for k, v in value.items():
        display = v.get("Display") if isinstance(v, dict) else v
        out[str(k)] = clean_html(display)
    return out


def find_sibling_qsf(export: Path) -> Path | None:
    """A .qsf next to the export with the same stem (``survey.csv`` + ``survey.qsf``), if any."""
    candidate = export.with_suffix(".qsf")
    return candidate if candidate.is_file() else None
