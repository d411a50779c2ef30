"""inspect_export(): what surveykit made of a file, for people to check before analysing it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
                   qsf: str | Path | None = None) -> InspectReport:
    """Read ``path`` and map its columns; ``columns`` rows carry index, header, subheader, display,
    target, method, confidence (0..1), note and a value summary (closed-looking columns only)."""
    from surveykit.instrument import load_instrument, normalise_label
    from surveykit.io import get_reader, read_export
    from surveykit.io.mapping_file import load_mapping
    from surveykit.mapping import map_columns, mapping_yaml

    raw = read_export(path, platform=platform, encoding=encoding, qsf=qsf)
    inst = load_instrument(instrument)
    cmap = map_columns(raw, inst, mapping=load_mapping(mapping) if mapping else None)
    columns = []
    for m in cmap.matches:
        j = m.column.index
        columns.append({
            "index": j, "header": m.column.header, "subheader": m.column.subheader, "display": m.column.display,
            "target": m.target, "method": m.method, "confidence": round(m.confidence, 3), "note": m.note,
            "values": _value_summary(raw.column_values(j).tolist()),
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


def _value_summary(values: list[str]) -> str:
    """Counts of a column's values when it looks closed (few, short values); free text is never shown."""
    from collections import Counter

    counts = Counter(v.strip() for v in values if v.strip())
    if not counts:
        return "(all blank)"
    if len(counts) > MAX_SHOWN_VALUES or any(len(v) > MAX_SHOWN_VALUE_CHARS for v in counts):
        return f"({len(counts)} distinct values, not shown)"
    return "; ".join(f"{v} ({n})" for v, n in sorted(counts.items(), key=lambda t: (-t[1], t[0])))
