"""report.md: the report as Markdown (GitHub-flavoured pipe tables, numbers right-aligned)."""

from __future__ import annotations

import re

from surveykit.report.model import Chart, Report, Table, Text
from surveykit.report.tables import empty_text, footnote, grid, report_threshold, resolve_references, sheet_names
from surveykit.report.writers.cells import xml_safe

_TAG = re.compile(r"<(?=[A-Za-z/!?])")
#: Characters that make inline Markdown (escapes, code spans, emphasis, strikethrough, links and images).
#: An underscore between two letters or digits (``pct_gap``) cannot open or close emphasis: left as it is.
_INLINE = re.compile(r"[\\`*~\[\]]|(?<![^\W_])_|_(?![^\W_])")
_NEWLINES = re.compile(r"\r\n?|\n")
#: What makes a block of a line's start: a heading, a quote, a list item (bulleted or numbered), a rule.
_BLOCK_START = re.compile(r"^(?:[#>+-]|\d{1,9}[.)](?=\s|$))")


def _md_cell(text: str) -> str:
    """A table cell (or an image's alternative text) as Markdown: its inline markup escaped as in
    ``_md_text``, a ``|`` escaped, line breaks as spaces, tags and comments neutralised."""
    text = _INLINE.sub(r"\\\g<0>", xml_safe(str(text))).replace("|", "\\|").replace("\r", " ").replace("\n", " ")
    return _TAG.sub("&lt;", text)


def _md_text(text: str) -> str:
    """A label or a paragraph of the report as Markdown inline text that shows it as it is.

    Text is plain (``model.Text``) and labels come from users and respondents, so every character that
    would make markup of it is escaped (backslash, backtick, ``*``, ``~``, brackets, ``_`` but inside
    a word), tags and comments are neutralised (``&lt;``), line breaks become spaces and a line-start
    marker (heading, quote, list item) is escaped. The report's own markup (bold titles, italic
    notes, the links of the contents) is put around it by ``report_markdown``."""
    text = _NEWLINES.sub(" ", xml_safe(str(text))).strip()
    text = _TAG.sub("&lt;", _INLINE.sub(r"\\\g<0>", text))
    return _BLOCK_START.sub(lambda m: m[0][:-1] + "\\" + m[0][-1], text)


def _md_heading(text: str) -> str:
    """``_md_text`` for a heading's text: a closing run of ``#`` would be taken off, so it is escaped."""
    text = _md_text(text)
    return text[:-1] + "\\#" if text.endswith("#") and not text.endswith("\\#") else text


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

    out = [f"# {_md_heading(report.title)}", "", _md_text(report.subtitle), "", "## Contents", ""]
    for i, s in enumerate(report.sections, 1):
        out.append(f"{i}. [{_md_text(s.title)}](#{s.id.replace('_', '-')})")
    out.append("")
    for i, s in enumerate(report.sections, 1):
        out += [f'<a id="{s.id.replace("_", "-")}"></a>', "", f"## {i}. {_md_heading(s.title)}", ""]
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
