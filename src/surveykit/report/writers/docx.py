"""report.docx: the report for Word (python-docx), where research staff write their reports.

Sections are Heading 1 and table and chart titles Heading 2 (Word's navigation pane lists them);
tables are real Word tables styled for people (headers in words, base rows, numbers right-aligned,
letters beside their number, the header row repeated on each page, wide tables split into panels
that repeat the first column); charts are the report's PNGs with their alternative text. The bytes
are deterministic: fixed core properties and zip entry times.
"""

from __future__ import annotations

import io
from typing import Mapping

from surveykit.charts.palette import PaletteSpec, accent
from surveykit.report.model import Chart, Report, Table, Text
from surveykit.report.tables import (Grid, column_chars, empty_text, footnote, grid, panels, report_threshold,
                                     resolve_references, sheet_names)
from surveykit.report.writers.cells import normalise_zip

#: Characters of a portrait A4 line at the table font size (wider tables are split into panels).
PANEL_BUDGET = 112
TEXT_WIDTH_CM = 17.0


def _clean(text: str) -> str:
    # XML 1.0 forbids most control characters; free text may hold them.
    return "".join(ch if ch in "\t\n" or ord(ch) >= 32 else " " for ch in str(text))


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)


def _shade(cell, colour: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colour.lstrip("#").upper())
    cell._tc.get_or_add_tcPr().append(shd)


def _write_cell(cell, text: str, *, right: bool = False, bold: bool = False, italic: bool = False,
                size: float = 8.0, colour: str | None = None) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    para = cell.paragraphs[0]
    para.paragraph_format.space_after = Pt(0)
    para.paragraph_format.space_before = Pt(0)
    if right:
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = para.add_run(_clean(text))
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour.lstrip("#").upper())


def _panel(doc, g: Grid, cols: list[int], colour: str) -> None:
    from docx.shared import Cm

    chars = column_chars(g)
    layout = []  # (grid column, is letters column)
    for i in cols:
        layout.append((i, False))
        if g.lettered[i]:
            layout.append((i, True))
    # widths in proportion to what each column needs, over at most the text width (17 cm)
    need = [(max((len(r[i].letters or "") for r in g.rows), default=1) + 1) if letters
            else (chars[i] - (max((len(r[i].letters or "") for r in g.rows), default=0) + 1 if g.lettered[i] else 0))
            for i, letters in layout]
    scale = min(TEXT_WIDTH_CM / sum(need), 0.2)
    table = doc.add_table(rows=1, cols=len(layout))
    table.style = "Table Grid"
    table.autofit = False
    head = table.rows[0]
    _repeat_header(head)
    for k, (i, letters) in enumerate(layout):
        cell = head.cells[k]
        cell.width = Cm(need[k] * scale)
        table.columns[k].width = Cm(need[k] * scale)
        _shade(cell, "#eef2f7")
        if not letters:
            _write_cell(cell, g.headers[i], right=g.numeric[i], bold=True)
    for is_base, row in [(True, r) for r in g.base_rows] + [(False, r) for r in g.rows]:
        cells = table.add_row().cells
        for k, (i, letters) in enumerate(layout):
            cells[k].width = Cm(need[k] * scale)
            c = row[i]
            if letters:
                _write_cell(cells[k], c.letters or "", bold=True, size=7, colour=colour)
            else:
                _write_cell(cells[k], c.text, right=g.numeric[i] and k > 0, italic=is_base or c.suppressed,
                            colour="#595959" if (is_base or c.suppressed) else None)


def _small(doc, text: str, *, italic: bool = True) -> None:
    from docx.shared import Pt, RGBColor

    para = doc.add_paragraph()
    run = para.add_run(_clean(text))
    run.font.size = Pt(8)
    run.italic = italic
    run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)


def document_bytes(report: Report, images: Mapping[str, bytes], *, palette: PaletteSpec = None) -> bytes:
    """report.docx as bytes (deterministic)."""
    import datetime as dt

    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    names = sheet_names(report.tables)
    thr = report_threshold(report)
    colour = accent(palette)
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.0)
    sec.top_margin = sec.bottom_margin = Cm(2.0)
    doc.styles["Normal"].font.size = Pt(10)

    def say(text: str) -> str:
        return _clean(resolve_references(text, names))

    doc.add_heading(_clean(report.title), level=0)
    doc.add_paragraph(_clean(report.subtitle))
    for i, s in enumerate(report.sections, 1):
        doc.add_heading(f"{i}. {_clean(s.title)}", level=1)
        for b in s.blocks:
            if isinstance(b, Text):
                if b.kind == "finding":
                    para = doc.add_paragraph()
                    para.paragraph_format.left_indent = Cm(0.6)
                    para.add_run(say(b.text)).bold = True
                elif b.kind == "note":
                    _small(doc, say(b.text))
                else:
                    doc.add_paragraph(say(b.text))
            elif isinstance(b, Table):
                where = f"tables/{b.id}.csv and sheet {names[b.id]} of tables.xlsx"
                if b.layout != "wide":
                    _small(doc, f"{b.title}: {len(b.frame)} rows in long form (every statistic), in {where}.")
                    continue
                doc.add_heading(_clean(b.title), level=2)
                if not len(b.frame):
                    _small(doc, empty_text(b))
                else:
                    g = grid(b)
                    for k, cols in enumerate(panels(g, budget=PANEL_BUDGET)):
                        if k:
                            doc.add_paragraph()
                        _panel(doc, g, cols, colour)
                    if b.preview is not None:
                        _small(doc, f"First {b.preview} of {len(b.frame)} rows; every row is in {where}.")
                for text in (b.note, footnote(b, threshold=thr)):
                    if text:
                        _small(doc, say(text))
            elif isinstance(b, Chart):
                doc.add_heading(_clean(b.title), level=2)
                doc.add_picture(io.BytesIO(images[b.id]), width=Cm(16.0))
                inline = doc.inline_shapes[-1]._inline
                inline.docPr.set("descr", _clean(b.alt))
                inline.docPr.set("title", _clean(b.title))
                _small(doc, f"Figure: {b.title} (charts/{b.id}.png and .svg).")
    _small(doc, f"Made with surveykit {report.manifest.get('surveykit_version', '')}. Tables are in tables.xlsx and "
                "tables/*.csv; inputs and parameters in manifest.json.", italic=False)

    fixed = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
    props = doc.core_properties
    props.author = "surveykit"
    props.last_modified_by = "surveykit"
    props.title = _clean(report.title)
    props.created = fixed
    props.modified = fixed
    props.last_printed = fixed
    props.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return normalise_zip(buf.getvalue())
