"""What an instrument holds, in a few lines (``surveykit instrument check``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from surveykit.instrument import Instrument


def instrument_summary(inst: "Instrument") -> dict[str, object]:
    """A summary of an instrument as plain values: counts of questions by type, data columns, scales
    (kind and options), profile fields, groupings, coded fields and report plan sections.

    Keys: id, title, path, questions (dict type -> count), items, other_text_fields, columns, scales (list
    of {id, kind, options, dk, top_box}), profile (list of {id, kind}), groupings, default_by, coded
    (list of {field, codebook}), report_sections (list of ids, or None without a plan), youth."""
    types = {t: sum(1 for q in inst.questions if q.type == t) for t in ("single", "grid", "text")}
    return {
        "id": inst.id,
        "title": inst.title,
        "path": inst.path,
        "questions": types,
        "items": sum(len(q.items) for q in inst.questions),
        "other_text_fields": sum(1 for q in inst.questions if q.other_text) + sum(1 for p in inst.profile if p.other_text),
        "columns": sum(1 for _ in inst.closed_columns()) + len(inst.text_columns()),
        "scales": [{"id": s.id, "kind": s.kind, "options": len(s.valid_options), "dk": len(s.options) - len(s.valid_options),
                    "top_box": list(s.top_box), "nets": [n.id for n in s.nets]} for s in inst.scales],
        "profile": [{"id": p.id, "kind": p.kind} for p in inst.profile],
        "groupings": list(inst.groupings),
        "default_by": inst.default_by,
        "coded": [{"field": c.field, "codebook": Path(c.path).name if c.path else c.codebook} for c in inst.coding],
        "report_sections": [s.id for s in inst.report.sections] if inst.report is not None else None,
        "youth": {"grid": inst.youth.grid, "measures": inst.youth.measures} if inst.youth is not None else None,
    }


def summary_lines(summary: dict[str, object]) -> list[tuple[str, str]]:
    """(label, text) lines for people."""
    q = summary["questions"]
    n = sum(q.values())
    scales = ", ".join(f"{s['id']} ({s['kind']}, {s['options']} options" + (f" + {s['dk']} don't know" if s["dk"] else "")
                       + ")" for s in summary["scales"])
    lines = [
        ("id", str(summary["id"])),
        ("title", str(summary["title"] or "(none)")),
        ("questions", f"{n}: {q['single']} single, {q['grid']} grid ({summary['items']} items), {q['text']} text; "
                      f"{summary['other_text_fields']} 'other' text field(s); {summary['columns']} data columns"),
        ("scales", f"{len(summary['scales'])}: {scales}"),
        ("profile", ", ".join(f"{p['id']} ({p['kind']})" for p in summary["profile"]) or "(none)"),
        ("groupings", ", ".join(f"{g} (default)" if g == summary["default_by"] else g for g in summary["groupings"])
         or (f"{summary['default_by']} (the sector field)" if summary["default_by"] else "(none: compare needs --by)")),
        ("coded fields", ", ".join(f"{c['field']} ({c['codebook']})" for c in summary["coded"]) or "(none)"),
        ("report plan", f"{len(summary['report_sections'])} section(s): " + ", ".join(summary["report_sections"])
         if summary["report_sections"] is not None else "none (the report is built from the question types)"),
    ]
    if summary["youth"]:
        lines.append(("youth", f"measures {summary['youth']['measures']} on grid {summary['youth']['grid']}"))
    return lines
