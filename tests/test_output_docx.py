"""report.docx: headings Word's navigation pane lists, real Word tables for people, the charts with
their alternative text, the methods and data-quality sections, deterministic bytes."""

from __future__ import annotations

import zipfile

import pytest

from output_report import sample_report


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    from surveykit.report.writers import write_report

    return sample_report(), write_report(sample_report(), tmp_path_factory.mktemp("docx") / "r")


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
