"""report.md: the report as Markdown (GitHub-flavoured pipe tables, numbers right-aligned)."""

from __future__ import annotations

import re

from surveykit.report.model import Chart, Report, Table, Text
from surveykit.report.tables import empty_text, footnote, grid, report_threshold, resolve_references, sheet_names

_TAG = re.compile(r"<(?=[A-Za-z/!?])")


def _md_cell(text: str) -> str:
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")
    text = text.replace("[", "\\[").replace("]", "\\]")
    return _TAG.sub("&lt;", text)


def _md_text(text: str) -> str:
    # Free text may contain Markdown or HTML: tags are neutralised, a leading heading marker escaped.
    text = _TAG.sub("&lt;", text.replace("\r", " "))
    return "\\" + text if text[:1] in "#>-+*" and text else text


def table_markdown(table: Table) -> str:
    """A pipe table for people: headers in words, base rows first, numbers right-aligned, letters in
    a column of their own beside their number."""
    if not len(table.frame):
        return f"*{empty_text(table)}*"
    g = grid(table)
    heads, align = [], []
    for i, h in enumerate(g.headers):
        heads.append(_md_cell(h))
        align.append("---:" if g.numeric[i] else ":---")
        if g.lettered[i]:
            heads.append("")
            align.append(":---")
    lines = ["| " + " | ".join(heads) + " |", "|" + "|".join(align) + "|"]
    for row in (*g.base_rows, *g.rows):
        cells = []
        for i, c in enumerate(row):
            text = _md_cell(c.text)
            cells.append(f"*{text}*" if row in g.base_rows and text else text)
            if g.lettered[i]:
                cells.append(_md_cell(c.letters or ""))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report_markdown(report: Report) -> str:
    names = sheet_names(report.tables)
    thr = report_threshold(report)

    def say(text: str) -> str:
        return _md_text(resolve_references(text, names))

    out = [f"# {report.title}", "", report.subtitle, "", "## Contents", ""]
    for i, s in enumerate(report.sections, 1):
        out.append(f"{i}. [{s.title}](#{s.id.replace('_', '-')})")
    out.append("")
    for i, s in enumerate(report.sections, 1):
        out += [f'<a id="{s.id.replace("_", "-")}"></a>', "", f"## {i}. {s.title}", ""]
        for b in s.blocks:
            if isinstance(b, Text):
                prefix = "> " if b.kind == "finding" else ("*Note:* " if b.kind == "note" else "")
                out += [prefix + say(b.text), ""]
            elif isinstance(b, Table):
                where = f"`tables/{b.id}.csv`, sheet {names[b.id]} of tables.xlsx"
                if b.layout != "wide":
                    out += [f"*{_md_text(b.title)}: {len(b.frame)} rows in long form (every statistic), in {where}.*",
                            ""]
                    continue
                out += [f"**{_md_text(b.title)}** ({where})", "", table_markdown(b), ""]
                if b.preview is not None:
                    out += [f"*First {b.preview} of {len(b.frame)} rows; every row is in tables/{b.id}.csv "
                            f"and sheet {names[b.id]} of tables.xlsx.*", ""]
                for text in (b.note, footnote(b, threshold=thr)):
                    if text:
                        out += [f"*{say(text)}*", ""]
            elif isinstance(b, Chart):
                out += [f"![{_md_cell(b.alt)}](charts/{b.id}.png)", "", f"*Figure: {_md_text(b.title)}*", ""]
    return "\n".join(out).rstrip("\n") + "\n"
