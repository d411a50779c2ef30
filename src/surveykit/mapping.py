"""Mapping exported columns onto the instrument: by id, question text, SPSS variable label, Qualtrics
ImportId (through a .qsf) or a mapping file.

Pure functions. A mapping document (parsed YAML; ``surveykit inspect FILE --write-mapping m.yaml``
writes one for every column of an export, ready to edit) looks like::

    columns:
      - {header: "Which sector do you work in?", target: sector}
      - {header: "How useful was each session?", subheader: "Lab practicals", target: sessions_lab}
      - {index: 12, target: null}        # ignore this column

An entry names a column by ``index`` (0-based; wins when given) or by ``header`` (+ ``subheader`` for
exports with a second header row), compared after ``normalise_label``. ``target`` is a column id of the
instrument (a question id, a grid item id, an "other" text field, ``sector``, ``respondent_id``, ``completed`` ...) or
null to ignore the column. Entries naming columns the export lacks are skipped, so one mapping serves
several exports of the same survey.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any, Mapping

from surveykit.errors import UsageError
from surveykit.instrument import Instrument, Question, normalise_label
from surveykit.io.base import Column, RawExport

# Columns platforms add that carry no answer; recognised so they are not reported as unmapped.
METADATA_HEADERS = frozenset(normalise_label(h) for h in (
    "Collector ID", "Start Date", "End Date", "IP Address", "Email Address", "First Name", "Last Name",
    "Custom Data 1", "Timestamp", "StartDate", "EndDate", "Status", "IPAddress", "Progress",
    "Duration (in seconds)", "Finished", "RecordedDate", "RecipientLastName", "RecipientFirstName",
    "RecipientEmail", "ExternalReference", "LocationLatitude", "LocationLongitude", "DistributionChannel",
    "UserLanguage", "Start time", "Completion time", "Email", "Name", "Last modified time",
    # Qualtrics (older and newer metadata names)
    "ResponseSet", "ExternalDataReference", "Q_RecaptchaScore", "Q_RelevantIDDuplicate", "Q_RelevantIDDuplicateScore",
    "Q_RelevantIDFraudScore", "Q_RelevantIDLastStartDate", "LocationAccuracy", "Q_TotalDuration", "Q_URL",
    "Recorded Date", "Response Type", "Distribution Channel", "User Language",
    # LimeSurvey (English and Italian), Unipark/EFS system variables
    "Date submitted", "Last page", "Start language", "Seed", "Date started", "Date last action",
    "Data invio", "Ultima pagina", "Lingua iniziale", "Seme", "Data di inizio", "Data ultima azione",
    "lfdn", "external_lfdn", "tester", "dispcode", "lastpage", "quality", "duration", "datetime",
    "date_of_last_access", "date_of_first_mail",
))
ANSWER_SUBHEADERS = frozenset({"", "response", "open ended response", "responses", "answer"})
OTHER_SUBHEADERS = frozenset({"other please specify", "other", "please specify", "other please specify below"})
TEXT_MATCH_THRESHOLD = 0.82
_NUMBERING = re.compile(r"^\s*(q(uestion)?\s*)?\d{1,3}\s*[.):\-]*\s+", re.I)
_BRACKETED = re.compile(r"^(?P<head>.*?)\s*\[(?P<item>[^\[\]]+)\]\s*$")


@dataclass(frozen=True)
class ColumnMatch:
    """How one exported column was mapped.

    target: the instrument's column id (a question, grid item, "other" text or profile field id) or None.
    method: "id" (column named by our id), "text" (question text matched), "import_id" (text from a
    Qualtrics .qsf found through the column's ImportId or export tag), "label" (an SPSS variable
    label matched), "mapping" (a mapping file said so), "ignored" (a mapping file said to ignore it),
    "metadata" (a platform column with no answer) or "none".
    confidence: 0..1: 1 for ids, exact texts and mapping files; the similarity ratio for fuzzy text.
    """

    column: Column
    target: str | None
    method: str
    confidence: float
    note: str = ""


@dataclass(frozen=True)
class ColumnMap:
    matches: tuple[ColumnMatch, ...]

    @property
    def mapped(self) -> tuple[ColumnMatch, ...]:
        return tuple(m for m in self.matches if m.target is not None)

    @property
    def unmapped(self) -> tuple[ColumnMatch, ...]:
        return tuple(m for m in self.matches if m.target is None and m.method not in ("metadata", "ignored"))

    def targets(self) -> dict[str, ColumnMatch]:
        return {m.target: m for m in self.matches if m.target is not None}

    def questions_found(self, instrument: Instrument) -> tuple[str, ...]:
        owners: list[str] = []
        profile = _profile_ids(instrument)
        for m in self.mapped:
            if m.target in profile:
                continue
            qid = instrument.column_owner(m.target)[0].id
            if qid not in owners:
                owners.append(qid)
        return tuple(owners)


def strip_numbering(text: str) -> str:
    return _NUMBERING.sub("", text, count=1)


def _targets_by_text(instrument: Instrument) -> dict[str, tuple[str, Question | None]]:
    """Normalised text -> (question or profile id, question)."""
    table: dict[str, tuple[str, Question | None]] = {}
    for q in instrument.questions:
        table[normalise_label(q.text)] = (q.id, q)
    for p in instrument.profile:
        for form in (p.label, *p.aliases):
            table.setdefault(normalise_label(form), (p.id, None))
    return table


def map_columns(raw: RawExport, instrument: Instrument, *, mapping: Mapping[str, Any] | None = None) -> ColumnMap:
    """Map every column of an export; each target is claimed by at most one column."""
    explicit = _explicit_targets(raw, instrument, mapping) if mapping else {}
    ids = _all_ids(instrument)
    by_text = _targets_by_text(instrument)
    texts = list(by_text)
    matches: list[ColumnMatch] = []
    column_info = raw.meta.get("column_info") or {}
    var_labels = raw.meta.get("variable_labels") or {}
    for col in raw.columns:
        if col.index in explicit:
            target = explicit[col.index]
            matches.append(ColumnMatch(col, target, "mapping", 1.0) if target is not None
                           else ColumnMatch(col, None, "ignored", 1.0))
            continue
        m = _match_one(col, instrument, ids, by_text, texts)
        name = _export_name(raw, col)
        # Tags may hold characters ids do not ("Q4#1_2"): compared as snake_case too.
        tag_key = next((k for k in (name.casefold(), re.sub(r"\W+", "_", name.casefold()).strip("_"))
                        if k and k in ids), None) if name and m.method != "id" else None
        if tag_key is not None and (m.target is None and m.method == "none"
                                    or m.target != ids[tag_key] and _same_text(instrument, m.target, ids[tag_key])):
            # The platform's own variable name (Qualtrics export tag, EFS variable) names a column of the
            # instrument: it decides when the text finds nothing, or finds a question whose text another
            # question shares. (Text first: tags such as Q1 are reused by unrelated surveys.)
            m = ColumnMatch(col, ids[tag_key], "id", 1.0, note=f"export tag {name}")
        completed = instrument.profile_of_kind("completed")
        if m.target is None and m.method == "none" and raw.platform == "qualtrics" and completed is not None \
                and col.header.strip().lower() == "finished":
            m = ColumnMatch(col, completed.id, "id", 1.0, note="Qualtrics 'Finished'")
        if m.target is not None and m.method == "text" and col.index in column_info:
            m = ColumnMatch(col, m.target, "import_id", m.confidence,
                            note=f"ImportId {column_info[col.index].get('import_id', '')}")
        elif m.target is None and m.method == "none" and var_labels.get(col.index):
            m = _match_label(col, var_labels[col.index], instrument, ids, by_text, texts) or m
        elif m.target is None and m.method == "none" and raw.platform == "qualtrics" and not col.subheader:
            # "question-statement" labels the reader could not split (a matrix exported with one row)
            split = _match_label(col, col.header, instrument, ids, by_text, texts, separators=(" - ", "-"))
            if split is not None:
                m = ColumnMatch(col, split.target, "text", split.confidence)
        if m.method == "id":
            m = _verify_id_match(raw, instrument, m)
        matches.append(m)
    return ColumnMap(tuple(_dedupe(matches)))


#: Platforms whose columns carry a variable name of their own in ``Column.extra[0]``.
EXPORT_NAME_PLATFORMS = ("qualtrics", "unipark")


def _same_text(instrument: Instrument, a: str | None, b: str) -> bool:
    """True when two column ids belong to questions (and grid rows) worded alike."""
    def wording(target: str | None) -> tuple[str, str] | None:
        try:
            question, item = instrument.column_owner(target)
        except UsageError:
            return None
        return normalise_label(question.text), normalise_label(item.label) if item else ""

    first = wording(a) if a else None
    return first is not None and first == wording(b)


def _export_name(raw: RawExport, col: Column) -> str:
    if raw.platform not in EXPORT_NAME_PLATFORMS or not col.extra:
        return ""
    return str(col.extra[0]).strip()


#: A column named by an id is trusted only when its answers fit the question: at least this share of
#: its answers must be options of the question's scale.
ID_MATCH_MIN_FIT = 0.6
ID_CHECK_ROWS = 5000  # enough rows to see a column's kind of answers, cheap on a large export


def _verify_id_match(raw: RawExport, instrument: Instrument, m: ColumnMatch) -> ColumnMatch:
    """A coincidence of names (an unrelated survey's ``QID1`` and an instrument question that happens to
    share the id) is not a match: the column's answers must be the question's options (closed) or look
    like free text (text)."""
    try:
        question, _ = instrument.column_owner(m.target)
    except UsageError:
        return m  # a profile field
    k = m.column.index
    answers = [v.strip() for v in raw.column_values(k)[:ID_CHECK_ROWS].tolist() if v.strip()]
    values = set(answers)
    if not values:
        return m
    if question.is_closed and m.target in question.columns:
        fits = {v: question.scale.match(v) is not None for v in values}
        fit = sum(1 for a in answers if fits[a]) / len(answers)
        # A share of the answers, not of the distinct values: a few odd answers are data problems for
        # validate to report, not evidence that the column belongs to another survey.
        if len(values) >= 3 and fit < ID_MATCH_MIN_FIT:
            return ColumnMatch(m.column, None, "none", 0.0,
                               note=f"named like {m.target}, but {1 - fit:.0%} of its answers are not "
                                    f"options of {question.id}")
    elif len(values) <= 12 and sum(1 for v in values if _short_number(v)) >= 0.9 * len(values):
        return ColumnMatch(m.column, None, "none", 0.0,
                           note=f"named like {m.target}, but it holds codes, not free text")
    return m


def _short_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return len(value) <= 3


@dataclass(frozen=True)
class Coverage:
    """How much of an export the instrument accounts for.

    answer_columns: the export's columns that are not platform metadata nor ignored by a mapping;
    mapped_columns: those mapped onto a question or profile field; question_columns: those mapped
    onto a question (not a profile field); questions_found / questions_total: the instrument's
    questions with at least one column in the export."""

    answer_columns: int
    mapped_columns: int
    question_columns: int
    questions_found: int
    questions_total: int

    @property
    def fits(self) -> bool:
        """False when the instrument plainly describes another survey: no question found, or under
        half of the export's answer columns mapped AND under half of the instrument's questions found."""
        if self.questions_found == 0:
            return False
        share_export = self.mapped_columns / self.answer_columns if self.answer_columns else 1.0
        share_instrument = self.questions_found / self.questions_total if self.questions_total else 1.0
        return share_export >= 0.5 or share_instrument >= 0.5


def coverage(cmap: ColumnMap, instrument: Instrument) -> Coverage:
    profile = _profile_ids(instrument)
    answer = [m for m in cmap.matches if m.method not in ("metadata", "ignored")]
    mapped = [m for m in answer if m.target is not None]
    return Coverage(answer_columns=len(answer), mapped_columns=len(mapped),
                    question_columns=sum(1 for m in mapped if m.target not in profile),
                    questions_found=len(cmap.questions_found(instrument)),
                    questions_total=len(instrument.questions))


def _match_label(col: Column, label: str, instrument: Instrument, ids, by_text, texts, *,
                 separators: tuple[str, ...] = (" - ",)) -> ColumnMatch | None:
    """Match an SPSS variable label: the whole label, else ``question - item`` split at a dash."""
    label = " ".join(label.split())
    candidates = [(label, "")]
    for sep in separators:
        start = 0
        while True:
            k = label.find(sep, start)
            if k < 0:
                break
            candidates.append((label[:k], label[k + len(sep):]))
            start = k + 1
    for head, sub in candidates:
        m = _match_one(Column(col.index, head, sub), instrument, ids, by_text, texts)
        if m.target is not None:
            return ColumnMatch(col, m.target, "label", m.confidence, note="variable label")
    return None


def _profile_ids(instrument: Instrument) -> set[str]:
    ids = {p.id for p in instrument.profile} | {p.other_text for p in instrument.profile if p.other_text}
    if instrument.sector_field:
        ids.add(f"{instrument.sector_field}_raw")
    return ids


def _all_ids(instrument: Instrument) -> dict[str, str]:
    """Every column id an export column may be named by: casefolded id -> the declared id."""
    ids = set(_profile_ids(instrument))
    for q in instrument.questions:
        ids.update(q.columns)
        ids.update(q.text_columns)
    return {i.casefold(): i for i in ids}


def _match_one(col: Column, instrument: Instrument, ids: set[str], by_text, texts) -> ColumnMatch:
    head = col.header.strip()
    sub = normalise_label(col.subheader)
    if head.casefold() in ids and not col.subheader:
        return ColumnMatch(col, ids[head.casefold()], "id", 1.0)
    key = normalise_label(head)
    if key in METADATA_HEADERS and sub in ANSWER_SUBHEADERS:
        return ColumnMatch(col, None, "metadata", 1.0)
    item_hint = col.subheader
    bracket = _BRACKETED.match(head)
    found = None
    if bracket and not col.subheader:  # "Question text [Item label]" (LimeSurvey, Google Forms grids...)
        found = _find_text(normalise_label(bracket.group("head")), by_text, texts)
        if found is not None:
            item_hint = bracket.group("item")
    if found is None:
        found = _find_text(key, by_text, texts)
    if found is None:
        return ColumnMatch(col, None, "none", 0.0)
    (owner, question), confidence = found
    if question is None:  # a profile field
        if normalise_label(item_hint) in OTHER_SUBHEADERS:
            other = instrument.profile_field(owner).other_text
            return ColumnMatch(col, other, "text", confidence) if other else ColumnMatch(col, None, "none", 0.0)
        return ColumnMatch(col, owner, "text", confidence)
    hint = normalise_label(item_hint)
    if hint in OTHER_SUBHEADERS or hint.startswith("other please specify"):
        if question.other_text:
            return ColumnMatch(col, question.other_text, "text", confidence)
    if question.is_grid:
        item_id, item_conf = _find_item(question, hint)
        if item_id is None:
            return ColumnMatch(col, None, "none", 0.0, note=f"looks like {question.id} but the row label is unknown")
        return ColumnMatch(col, item_id, "text", round(min(confidence, item_conf), 3))
    if hint in ANSWER_SUBHEADERS or not hint:
        return ColumnMatch(col, question.id, "text", confidence)
    return ColumnMatch(col, None, "none", 0.0, note=f"looks like {question.id} but the sub-heading is unknown")


def _find_text(key: str, by_text, texts) -> tuple[tuple[str, Question | None], float] | None:
    if not key:
        return None
    if key in by_text:
        return by_text[key], 1.0
    stripped = normalise_label(strip_numbering(key))
    if stripped in by_text:
        return by_text[stripped], 1.0
    best = difflib.get_close_matches(stripped, texts, n=1, cutoff=TEXT_MATCH_THRESHOLD)
    if best:
        ratio = difflib.SequenceMatcher(None, stripped, best[0]).ratio()
        return by_text[best[0]], round(ratio, 3)
    return None


def _find_item(question: Question, hint: str) -> tuple[str | None, float]:
    labels = {normalise_label(i.label): i.id for i in question.items}
    labels.update({normalise_label(i.id): i.id for i in question.items})
    if hint in labels:
        return labels[hint], 1.0
    best = difflib.get_close_matches(hint, list(labels), n=1, cutoff=TEXT_MATCH_THRESHOLD)
    if best:
        return labels[best[0]], round(difflib.SequenceMatcher(None, hint, best[0]).ratio(), 3)
    return None, 0.0


def _dedupe(matches: list[ColumnMatch]) -> list[ColumnMatch]:
    best: dict[str, int] = {}
    for i, m in enumerate(matches):
        if m.target is None:
            continue
        j = best.get(m.target)
        if j is None or m.confidence > matches[j].confidence:
            best[m.target] = i
    out = []
    for i, m in enumerate(matches):
        if m.target is not None and best[m.target] != i:
            out.append(ColumnMatch(m.column, None, "none", 0.0, note=f"{m.target} is already mapped to another column"))
        else:
            out.append(m)
    return out


def _explicit_targets(raw: RawExport, instrument: Instrument, mapping: Mapping[str, Any]) -> dict[int, str | None]:
    entries = mapping.get("columns") if isinstance(mapping, Mapping) else None
    if not isinstance(entries, list):
        raise UsageError("a mapping file must hold 'columns:', a list of {header, subheader, index, target}")
    ids = _all_ids(instrument)
    out: dict[int, str | None] = {}
    for n, entry in enumerate(entries, start=1):
        if not isinstance(entry, Mapping) or "target" not in entry:
            raise UsageError(f"mapping entry {n} needs a 'target' (a column id, or null to ignore the column)")
        target = entry["target"]
        if target is not None and str(target).casefold() not in ids:
            raise UsageError(f"mapping entry {n}: target {target!r} is not a column id of the instrument")
        if target is not None:
            target = ids[str(target).casefold()]
        cols = [c for c in raw.columns if _entry_matches(entry, c)]
        if not cols:
            continue  # a mapping written for another export of the same survey may name absent columns
        for c in cols:
            out[c.index] = None if target is None else str(target)
    return out


def _entry_matches(entry: Mapping[str, Any], col: Column) -> bool:
    if "index" in entry and entry["index"] is not None:
        return int(entry["index"]) == col.index
    if "header" in entry and normalise_label(str(entry["header"])) != normalise_label(col.header):
        return False
    if "subheader" in entry and normalise_label(str(entry["subheader"] or "")) != normalise_label(col.subheader):
        return False
    return "header" in entry


def mapping_yaml(cmap: ColumnMap, *, source: str = "", platform: str = "") -> str:
    """An editable mapping file for ``cmap`` (the format in this module's docstring).

    Every column gets an entry: its header (and subheader), the target found (``null`` for unmapped
    and metadata columns, which then stay ignored) and, as a comment, how it was found and how sure
    that is. Columns whose header and subheader repeat elsewhere also carry their ``index``. Strings
    are written JSON-quoted, which YAML reads unchanged.
    """
    import json

    pairs: dict[tuple[str, str], int] = {}
    for m in cmap.matches:
        key = (normalise_label(m.column.header), normalise_label(m.column.subheader))
        pairs[key] = pairs.get(key, 0) + 1
    lines = [
        "# surveykit column mapping" + (f" for {source}" if source else "") + (f" ({platform} export)" if platform else ""),
        "# Each entry names an exported column (header, and subheader for a second header row) and its target:",
        "# a column id of the instrument (a question, grid item, 'other' text or profile field id) or null to",
        "# ignore the column. Edit the targets, then pass this file back:  surveykit validate FILE --mapping THIS",
        "columns:",
    ]
    for m in cmap.matches:
        col = m.column
        key = (normalise_label(col.header), normalise_label(col.subheader))
        parts = []
        if pairs[key] > 1 or not col.header.strip():
            parts.append(f"index: {col.index}")
        if col.header.strip():
            parts.append(f"header: {json.dumps(col.header, ensure_ascii=False)}")
            if col.subheader:
                parts.append(f"subheader: {json.dumps(col.subheader, ensure_ascii=False)}")
        parts.append(f"target: {m.target if m.target else 'null'}")
        why = {"none": "UNMAPPED: set a column id, or leave null to ignore",
               "metadata": "platform metadata", "ignored": "ignored by the mapping file"}.get(
            m.method, f"{m.method}, confidence {m.confidence:.2f}")
        if m.note:
            why += f" ({m.note})"
        lines.append("  - {" + ", ".join(parts) + "}  # " + why)
    return "\n".join(lines) + "\n"
