"""Qualtrics CSV (and XLSX) exports, in every header generation Qualtrics has used.

* legacy (before 2017): row 1 ``V1..V10, Q1, Q2_1 ...``, row 2 the labels (``ResponseID`` ...,
  question text); often a UTF-8 BOM and a trailing comma on every line;
* "Insights" (2016-17): row 1 export tags, row 2 labels joined ``question-choice``, row 3 a
  Python-dict ``{'ImportId': 'QID1'}`` (not JSON);
* current: row 1 export tags, row 2 labels joined ``question - choice``, row 3 JSON
  ``{"ImportId":"QID1"}`` (sometimes with ``timeZone`` or ``choiceId``);
* the current layout with its ImportId row deleted by hand (two rows; row 2 repeats row 1's
  metadata names with spaces: ``Start Date``).

Each column becomes ``Column(header=question text, subheader=statement/choice text,
extra=(export tag, ImportId))``. Text-entry boxes (``Q14_19_TEXT``) get the subheader
``Other (please specify)`` so they map to a question's "other" text field. A ``.qsf`` (passed as the
``qsf`` option or lying beside the export with the same name) supplies full question texts and turns
numeric recode values into choice text; ``meta["column_info"]`` then holds, per column index, the
question and item text the .qsf gives (mapping uses it, method ``import_id``).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from surveykit.errors import InputError
from surveykit.io._tabular import all_rows, head_rows, require_data
from surveykit.io.base import Column, RawExport, Sniff, check_widths
from surveykit.io.qsf import ColumnInfo, find_sibling_qsf, load_qsf
from surveykit.io.registry import register

META_TAGS = frozenset({
    "startdate", "enddate", "status", "ipaddress", "progress", "duration (in seconds)", "finished",
    "recordeddate", "responseid", "recipientlastname", "recipientfirstname", "recipientemail",
    "externalreference", "externaldatareference", "locationlatitude", "locationlongitude",
    "distributionchannel", "userlanguage", "responseset",
})
_IMPORT_ROW = re.compile(r"^\{\s*['\"]ImportId['\"]\s*:")
_RESPONSE_ID = re.compile(r"^R_[A-Za-z0-9]{11,17}$")
_LEGACY_V = re.compile(r"^V\d+$")
_SUFFIX = re.compile(r"^(?P<base>.+?)(?P<sub>(#\d+)?(_[^_]+)+)$")
TEXT_ENTRY_SUBHEADER = "Other (please specify)"
MAX_TAG_CHARS = 200


def _generation(rows) -> str | None:
    """Which Qualtrics header layout the first rows show, or None when they are not Qualtrics."""
    if len(rows) < 2:
        return None
    first = [c.strip() for c in rows[0]]
    second = [c.strip() for c in rows[1]]
    low = {c.lower() for c in first}
    if len(first) >= 3 and _LEGACY_V.match(first[0]) and _LEGACY_V.match(first[1]) and \
            any(c.lower() == "responseid" for c in second):
        return "legacy"
    if not ({"responseid", "startdate"} & low and ({"enddate", "finished", "status", "recordeddate"} & low)):
        return None
    if len(rows) >= 3 and sum(1 for c in rows[2] if _IMPORT_ROW.match(c.strip())) >= max(1, len(rows[2]) // 2):
        return "current" if rows[2][0].lstrip().startswith('{"') else "insights"
    # Row 2 repeats the metadata names spaced out ("Start Date") or translated: a label row.
    if any(a.lower() == "startdate" and b and not re.match(r"^\d", b) for a, b in zip(first, second)):
        return "two-row"
    return "headless"


def headerless_qualtrics(rows) -> bool:
    """True when the first row is Qualtrics data or an ImportId row: the header rows were cut off."""
    if not rows:
        return False
    first = [c.strip() for c in rows[0]]
    if sum(1 for c in first if _IMPORT_ROW.match(c)) >= max(2, len(first) // 2):
        return True
    return any(_RESPONSE_ID.match(c) for c in first) and not any(c.lower() in META_TAGS for c in first)


class QualtricsReader:
    name = "qualtrics"
    label = "Qualtrics CSV/XLSX export (legacy, Insights or current header rows; .qsf optional)"

    def detect(self, sniff: Sniff) -> float:
        if sniff.kind not in ("text", "xlsx") or (sniff.kind == "text" and sniff.delimiter == ";"):
            return 0.0
        rows = head_rows(sniff)
        gen = _generation(rows)
        if gen in ("legacy", "current", "insights"):
            return 0.97
        if gen == "two-row":
            return 0.9
        if gen == "headless":
            return 0.85  # Qualtrics tags but no label row: claimed so that read() can say what is wrong
        if headerless_qualtrics(rows):
            return 0.6
        return 0.0

    def read(self, sniff: Sniff) -> RawExport:
        rows, sheet = all_rows(sniff)
        gen = _generation(rows)
        if gen in (None, "headless"):
            if headerless_qualtrics(rows) or gen == "headless":
                raise InputError("the Qualtrics header rows are missing or cut off (expected row 1 export tags such as "
                                 "StartDate/ResponseId, row 2 question text, optionally row 3 ImportIds); "
                                 "export the file again with its header rows, or pass --platform tidy if it has "
                                 "one header row on purpose", path=sniff.path)
            raise InputError("this is not a Qualtrics export (no StartDate/ResponseId header row)", path=sniff.path)
        n_header = 3 if gen in ("current", "insights") else 2
        require_data(rows, n_header, path=sniff.path)
        width = max(len(r) for r in rows[:n_header])
        head = [list(r) + [""] * (width - len(r)) for r in rows[:n_header]]
        # Legacy exports end every line with a comma: an unnamed, empty last column.
        while width and not any(h[width - 1].strip() for h in head):
            width -= 1
        tags, labels = head[0][:width], head[1][:width]
        import_ids = [_import_id(c) for c in head[2][:width]] if n_header == 3 else [""] * width
        if gen == "legacy":
            tags = [lab if _LEGACY_V.match(tag) else tag for tag, lab in zip(tags, labels)]
        notes = list(sniff.notes) + [f"Qualtrics {gen} header layout ({n_header} header rows)"]
        data = check_widths(rows[n_header:], width, path=sniff.path, first_row=n_header + 1)
        data = [r for r in data if "".join(r).strip()]

        qsf_path = sniff.options.get("qsf")
        qsf = load_qsf(qsf_path) if qsf_path else None
        if qsf is None and sniff.kind in ("text", "xlsx"):
            sibling = find_sibling_qsf(Path(sniff.path))
            if sibling is not None:
                qsf = load_qsf(sibling)
        infos: dict[int, ColumnInfo] = {}
        if qsf is not None:
            for j in range(width):
                info = qsf.column(import_id=import_ids[j], tag=tags[j].strip())
                if info is not None:
                    infos[j] = info
            notes.append(f"survey definition {Path(qsf.path).name}: {len(infos)} of {width} columns described")
            data, recoded = _recode(data, infos)
            if recoded:
                notes.append(f"numeric answers turned into choice text in {recoded} column(s) using the .qsf")
        columns = _columns(tags, labels, import_ids, infos, separator="-" if gen in ("insights", "legacy") else " - ")
        meta = {"generation": gen}
        if sheet:
            meta["sheet"] = sheet
        if infos:
            meta["column_info"] = {j: {"import_id": i.qid, "question": i.question, "item": i.item,
                                       "text_entry": i.text_entry, "value_labels": dict(i.value_labels)}
                                   for j, i in infos.items()}
        return RawExport(path=str(sniff.path), platform=self.name, encoding=sniff.encoding or "xlsx",
                         sha256=sniff.sha256, columns=tuple(columns), rows=tuple(data), header_rows=n_header,
                         notes=tuple(notes), meta=meta)


def _import_id(cell: str) -> str:
    cell = cell.strip()
    if not cell.startswith("{"):
        return ""
    if len(cell) > 10_000:
        return ""  # an ImportId cell is a few dozen characters
    try:
        doc = json.loads(cell)
    except (json.JSONDecodeError, RecursionError):
        try:
            doc = ast.literal_eval(cell)  # the Insights era wrote Python dicts
        except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError):
            return ""
    return str(doc.get("ImportId", "")) if isinstance(doc, dict) else ""


def _columns(tags, labels, import_ids, infos, *, separator: str) -> list[Column]:
    """Split each label into question text and statement/choice text."""
    groups: dict[str, list[int]] = {}
    for j, tag in enumerate(tags):
        # Export tags are short; the pattern is quadratic on a long one (a damaged or hostile header).
        m = _SUFFIX.match(tag.strip()) if len(tag) <= MAX_TAG_CHARS else None
        if m and tag.strip().lower() not in META_TAGS:
            groups.setdefault(m.group("base"), []).append(j)
    split_at: dict[int, int] = {}
    for members in groups.values():
        texts = [" ".join(labels[j].split()) for j in members if not tags[j].endswith("_TEXT")]
        if len(texts) < 2:
            continue
        prefix = _common_prefix(texts)
        cut = prefix.rfind(separator.strip() if separator == "-" else separator)
        if cut > 0:
            for j in members:
                split_at[j] = cut
    columns = []
    for j, (tag, label) in enumerate(zip(tags, labels)):
        label = " ".join(label.split())  # newlines and tabs inside question text
        tag = tag.strip()
        if tag.lower() in META_TAGS:
            # Metadata keeps its stable English export tag (row 2 may be translated: "Anfangsdatum").
            columns.append(Column(index=j, header=tag, subheader="", extra=(tag, import_ids[j])))
            continue
        info = infos.get(j)
        text_entry = tag.endswith("_TEXT") or (info is not None and info.text_entry)
        if j in split_at:
            cut = split_at[j]
            question, item = label[:cut].strip(), label[cut:].lstrip(" -").strip()
        elif text_entry and separator in label:
            question, item = label.split(separator, 1)[0].strip(), ""
        else:
            question, item = label, ""
        if info is not None:
            question = info.question or question
            item = info.item or item
        if text_entry:
            item = TEXT_ENTRY_SUBHEADER
        if not question:
            question = tag
        columns.append(Column(index=j, header=question, subheader=item, extra=(tag, import_ids[j])))
    return columns


def _common_prefix(texts: list[str]) -> str:
    first, last = min(texts), max(texts)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]


def _recode(data: list[tuple[str, ...]], infos: dict[int, ColumnInfo]) -> tuple[list[tuple[str, ...]], int]:
    """Replace numeric recode values by choice text, column by column, where a whole column is numeric."""
    if not data:
        return data, 0
    changes: dict[int, dict[str, str]] = {}
    for j, info in infos.items():
        if not info.value_labels:
            continue
        values = {r[j].strip() for r in data if r[j].strip()}
        if values and values <= set(info.value_labels) and not values <= set(info.value_labels.values()):
            changes[j] = dict(info.value_labels)
    if not changes:
        return data, 0
    out = []
    for r in data:
        row = list(r)
        for j, table in changes.items():
            v = row[j].strip()
            if v:
                row[j] = table.get(v, row[j])
        out.append(tuple(row))
    return out, len(changes)


register(QualtricsReader())
