"""inspect_export(): what surveykit made of a file, for people to check before analysing it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from surveykit.mapping import METADATA_HEADERS

if TYPE_CHECKING:
    import pandas as pd

MAX_SHOWN_VALUES = 12
MAX_SHOWN_VALUE_CHARS = 40


@dataclass(frozen=True)
class InspectReport:
    path: str
    platform: str
    platform_label: str
    encoding: str
    header_rows: int
    n_respondents: int
    n_questions_in_file: int
    instrument_questions: int
    instrument_questions_found: tuple[str, ...]
    notes: tuple[str, ...]
    columns: tuple[dict[str, Any], ...]
    mapping_yaml: str = field(default="", repr=False, compare=False)  # an editable mapping of these columns

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path, "platform": self.platform, "platform_label": self.platform_label,
            "encoding": self.encoding, "header_rows": self.header_rows, "respondents": self.n_respondents,
            "questions_in_file": self.n_questions_in_file, "instrument_questions": self.instrument_questions,
            "instrument_questions_found": list(self.instrument_questions_found), "notes": list(self.notes),
            "columns": list(self.columns),
        }

    def columns_frame(self) -> "pd.DataFrame":
        import pandas as pd

        rows = [{"column": c["index"] + 1, "header": c["display"], "target": c["target"] or "",
                 "method": c["method"], "confidence": c["confidence"], "values": c["values"]} for c in self.columns]
        return pd.DataFrame(rows, columns=["column", "header", "target", "method", "confidence", "values"])


def inspect_export(path: str | Path, *, platform: str | None = None, encoding: str | None = None,
                   mapping: str | Path | None = None, instrument: str | Path | None = None,
                   qsf: str | Path | None = None, suppress: bool = True, threshold: int = 5) -> InspectReport:
    """Read ``path`` and map its columns; ``columns`` rows carry index, header, subheader, display,
    target, method, confidence (0..1), note and a value summary (closed-looking columns only).

    ``suppress`` (default True): a value given by fewer than ``threshold`` respondents is not listed
    unless it is one of the mapped question's declared options (then its count shows as "<5"): a
    typed "Other" answer, a name or an email given once can identify someone. The summary says how
    many such values there are. False only for internal use."""
    from surveykit.instrument import load_instrument, normalise_label
    from surveykit.io import get_reader, read_export
    from surveykit.io.mapping_file import load_mapping
    from surveykit.mapping import map_columns, mapping_yaml
    from surveykit.validation import check_bool, check_threshold

    suppress = check_bool(suppress, parameter="suppress")
    threshold = check_threshold(threshold)
    raw = read_export(path, platform=platform, encoding=encoding, qsf=qsf)
    inst = load_instrument(instrument)
    cmap = map_columns(raw, inst, mapping=load_mapping(mapping) if mapping else None)
    columns = []
    for m in cmap.matches:
        j = m.column.index
        columns.append({
            "index": j, "header": m.column.header, "subheader": m.column.subheader, "display": m.column.display,
            "target": m.target, "method": m.method, "confidence": round(m.confidence, 3), "note": m.note,
            "values": _value_summary(raw.column_values(j).tolist(),
                                     threshold=threshold if suppress else None,
                                     declared=_declared(inst, m.target, _export_labels(raw, j))),
        })
    questions = {normalise_label(c.header) for c in raw.columns
                 if c.header.strip() and normalise_label(c.header) not in METADATA_HEADERS | {"respondent id", "respondentid"}}
    return InspectReport(
        path=raw.path, platform=raw.platform, platform_label=get_reader(raw.platform).label,
        encoding=raw.encoding, header_rows=raw.header_rows, n_respondents=raw.n_rows,
        n_questions_in_file=len(questions), instrument_questions=len(inst.questions),
        instrument_questions_found=cmap.questions_found(inst), notes=raw.notes, columns=tuple(columns),
        mapping_yaml=mapping_yaml(cmap, source=Path(raw.path).name, platform=raw.platform),
    )


def _value_summary(values: list[str], *, threshold: int | None = 5,
                   declared: "Callable[[str], bool] | None" = None) -> str:
    """Counts of a column's values when it looks closed (few, short values); free text is never shown,
    nor (with a ``threshold``) a value given fewer times than it that ``declared`` does not know."""
    from collections import Counter

    counts = Counter(v.strip() for v in values if v.strip())
    if not counts:
        return "(all blank)"
    if len(counts) > MAX_SHOWN_VALUES or any(len(v) > MAX_SHOWN_VALUE_CHARS for v in counts):
        return f"({len(counts)} distinct values, not shown)"
    shown, rare = [], 0
    for v, n in sorted(counts.items(), key=lambda t: (-t[1], t[0])):
        if threshold is None or n >= threshold:
            shown.append(f"{v} ({n})")
        elif declared is not None and declared(v):
            shown.append(f"{v} (<{threshold})")  # an option of the questionnaire: its name is no one's answer
        else:
            rare += 1
    if rare:
        shown.append(f"{rare} other value(s) given fewer than {threshold} times, not shown")
    return "; ".join(shown)


def _export_labels(raw: Any, j: int) -> frozenset[str]:
    """The answer labels the export itself declares for column ``j``: SPSS value labels, or the
    choices a Qualtrics survey definition (.qsf) gives (a split multi-select column's choice)."""
    labels: set[str] = set()
    spss = (raw.meta.get("value_labels") or {}).get(j) or {}
    labels.update(str(v).strip() for v in spss.values())
    info = (raw.meta.get("column_info") or {}).get(j) or {}
    if not info.get("text_entry"):
        labels.update(str(v).strip() for v in (info.get("value_labels") or {}).values())
        if info.get("item"):
            labels.add(str(info["item"]).strip())
    return frozenset(label for label in labels if label)


def _declared(inst: Any, target: str | None, labels: frozenset[str] = frozenset()) -> "Callable[[str], bool] | None":
    """Whether a value is one of the declared options of the column: a label its export declares, or an
    option of the instrument's question (or profile field) it is mapped to (``target``)."""
    inner = _declared_by_instrument(inst, target)
    if not labels:
        return inner
    return lambda v: v in labels or (inner is not None and inner(v))


def _declared_by_instrument(inst: Any, target: str | None) -> "Callable[[str], bool] | None":
    from surveykit.errors import SurveykitError
    from surveykit.instrument.values import id_key

    if not target:
        return None
    try:
        question, _ = inst.column_owner(target)
    except SurveykitError:
        question = None
    if question is not None and question.scale is not None:
        return lambda v: question.scale.match(v) is not None
    field_ = next((p for p in inst.profile if id_key(p.id) == id_key(target)), None)
    if field_ is None:
        return None
    if field_.options is not None:
        return lambda v: field_.options.match(v) is not None
    if field_.kind == "sector":
        return lambda v: inst.match_sector(v) is not None
    return None
