"""report.docx: headings Word's navigation pane lists, real Word tables for people, the charts with
their alternative text, the methods and data-quality sections, deterministic bytes."""

from __future__ import annotations

import zipfile

import pytest


@pytest.fixture(scope="module")
def written(written_sample_report):
    """The output report, written once per session (conftest.written_sample_report)."""
    return written_sample_report


@pytest.fixture(scope="module")
def document(written):
    from docx import Document

    return Document(str(written[1] / "report.docx"))


def test_headings_in_the_navigation_pane(document, written):
    report, _ = written
    styles = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    h1 = [t for s, t in styles if s == "Heading 1"]
    assert h1 == [f"{i}. {s.title}" for i, s in enumerate(report.sections, 1)]
    h2 = [t for s, t in styles if s == "Heading 2"]
    assert "Q45 effectiveness of each measure" in h2 and "Q45 ratings" in h2 and "Data problems by kind" in h2
    assert ("Title", report.title) in styles


def test_tables_for_people(document):
    tables = document.tables
    assert tables
    first = tables[0]
    header = [c.text for c in first.rows[0].cells]
    assert header[:3] == ["Item", "Base", "Completely ineffective"]
    # the header row repeats on each page
    assert first.rows[0]._tr.trPr.xml.count("tblHeader") == 1
    row = first.rows[1]
    assert row.cells[1].paragraphs[0].alignment == 2  # right-aligned number (WD_ALIGN_PARAGRAPH.RIGHT)
    texts = [c.text for t in tables for r in t.rows for c in r.cells]
    assert "[c]" in texts and not any("pct_" in t for t in texts)
    # the banner's letters sit in cells of their own, the wide banner split into panels repeating "Item"
    banner_panels = [t for t in tables if any("(A)" in c.text for c in t.rows[0].cells)
                     or any("(I)" in c.text for c in t.rows[0].cells)]
    assert len(banner_panels) >= 2 and all(t.rows[0].cells[0].text == "Item" for t in banner_panels)


def test_charts_with_alt_text_and_deterministic(written, document, tmp_path):
    report, out = written
    assert len(document.inline_shapes) == len(report.charts)
    alt = document.inline_shapes[0]._inline.docPr.get("descr")
    assert alt == report.charts[0].alt and alt.startswith("Diverging stacked bar chart")
    with zipfile.ZipFile(out / "report.docx") as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
        assert "2000-01-01T00:00:00Z" in core
    from surveykit.report.writers import write_report

    again = write_report(report, tmp_path / "again")
    assert (again / "report.docx").read_bytes() == (out / "report.docx").read_bytes()


def test_empty_quality_table_says_so(document):
    assert any(p.text == "No problems found." for p in document.paragraphs)


# -- the table panels: written as XML, checked against python-docx's table API ---------------------

def _api_panel(doc, g, cols, colour):
    """The panel as python-docx's table API builds it (the writer's code before it wrote XML itself)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    from surveykit.report.tables import column_chars
    from surveykit.report.writers.docx import TEXT_WIDTH_CM, _clean

    def write(cell, text, *, right=False, bold=False, italic=False, size=8.0, colour=None):
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

    chars = column_chars(g)
    layout = []
    for i in cols:
        layout.append((i, False))
        if g.lettered[i]:
            layout.append((i, True))
    need = [(max((len(r[i].letters or "") for r in g.rows), default=1) + 1) if letters
            else (chars[i] - (max((len(r[i].letters or "") for r in g.rows), default=0) + 1 if g.lettered[i] else 0))
            for i, letters in layout]
    scale = min(TEXT_WIDTH_CM / sum(need), 0.2)
    table = doc.add_table(rows=1, cols=len(layout))
    table.style = "Table Grid"
    table.autofit = False
    head = table.rows[0]
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    head._tr.get_or_add_trPr().append(flag)
    for k, (i, letters) in enumerate(layout):
        cell = head.cells[k]
        cell.width = Cm(need[k] * scale)
        table.columns[k].width = Cm(need[k] * scale)
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), "EEF2F7")
        cell._tc.get_or_add_tcPr().append(shd)
        if not letters:
            write(cell, g.headers[i], right=g.numeric[i], bold=True)
    for is_base, row in [(True, r) for r in g.base_rows] + [(False, r) for r in g.rows]:
        cells = table.add_row().cells
        for k, (i, letters) in enumerate(layout):
            cells[k].width = Cm(need[k] * scale)
            c = row[i]
            if letters:
                write(cells[k], c.letters or "", bold=True, size=7, colour=colour)
            else:
                write(cells[k], c.text, right=g.numeric[i] and k > 0, italic=is_base or c.suppressed,
                      colour="#595959" if (is_base or c.suppressed) else None)


def test_panels_match_python_docx_table_api(written):
    """Every panel of the sample report, plus cells with tabs, line breaks, outer spaces, markup
    characters and an empty letters cell, serialise exactly as python-docx's API writes them."""
    import dataclasses

    from docx import Document
    from lxml import etree

    from surveykit.report.model import Table
    from surveykit.report.tables import grid, panels
    from surveykit.report.writers.docx import PANEL_BUDGET, _panel

    report, _ = written
    grids = [grid(b) for s in report.sections for b in s.blocks
             if isinstance(b, Table) and b.layout == "wide" and len(b.frame)]
    assert len(grids) >= 3 and any(any(g.lettered) for g in grids)
    g0 = grids[0]
    odd = dataclasses.replace(g0, headers=("a\tb", " spaced ", "x < y & z > w") + tuple(g0.headers[3:]),
                              rows=tuple(tuple(dataclasses.replace(c, text="two\nlines " if j == 0 else c.text)
                                           for j, c in enumerate(r)) for r in g0.rows))
    checked = 0
    for g in grids + [odd]:
        for cols in panels(g, budget=PANEL_BUDGET):
            a, b = Document(), Document()
            _api_panel(a, g, cols, "#0072B2")
            _panel(b, g, cols, "#0072B2")
            ta, tb = a.element.body.findall("{*}tbl"), b.element.body.findall("{*}tbl")
            assert len(ta) == len(tb) == 1
            assert etree.tostring(ta[0]) == etree.tostring(tb[0])
            checked += 1
    assert checked > len(grids)
