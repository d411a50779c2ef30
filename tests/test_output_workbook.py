"""tables.xlsx opens clean: numbers as numbers, letters in their own cells, a title, base and
footnote on every sheet, a contents sheet with links, real sheet names everywhere, print setup;
LibreOffice converts it (and report.docx) without error."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from output_report import LONG_ID


@pytest.fixture(scope="module")
def written(written_sample_report):
    """The output report, written once per session (conftest.written_sample_report)."""
    return written_sample_report


@pytest.fixture(scope="module")
def book(written):
    import openpyxl

    return openpyxl.load_workbook(written[1] / "tables.xlsx")


def _header_row(ws):
    return [c.value for c in ws[4]]


def test_contents_links_every_sheet_and_names_fit(book, written):
    report, out = written
    names = book.sheetnames
    assert names[0] == "contents"
    assert len(names) == len({n.lower() for n in names}) and all(len(n) <= 31 for n in names)
    contents = book["contents"]
    links = {c.value: c.hyperlink.location if c.hyperlink.location else c.hyperlink.target
             for c in contents["A"][4:] if c.hyperlink is not None}
    assert set(links) == set(names[1:])
    for name, target in links.items():
        assert target.strip("#") == f"'{name}'!A1"
    assert "q45_effectiveness_by_sector" in names and LONG_ID not in names
    # every sheet name the HTML and Markdown mention exists
    for fmt in ("report.html", "report.md"):
        text = (out / fmt).read_text()
        for ref in re.findall(r"sheet ([A-Za-z0-9_]+)", text):
            assert ref in names, (fmt, ref)


def test_every_sheet_has_title_base_footnote_and_back_link(book, written):
    report, _ = written
    titles = {t.id: t.title for t in report.tables}
    for ws in book.worksheets[1:]:
        a1 = ws["A1"].value
        assert a1 and a1.startswith(tuple(titles.values())), ws.title
        assert str(ws["A2"].value).startswith(("Base:", "Long form")) and "Base" in ws["A2"].value, ws.title
        assert ws["A3"].hyperlink is not None
        texts = [str(c.value) for row in ws.iter_rows(min_row=5) for c in row if isinstance(c.value, str)]
        assert any(t.startswith(("Source:", "[c]:", "Base:", "% effective")) or "suppressed" in t for t in texts), \
            ws.title
        assert ws.freeze_panes and int(re.sub(r"\D", "", ws.freeze_panes)) == 5


def test_numbers_are_numbers_and_letters_have_their_own_cells(book):
    for ws in book.worksheets[1:]:
        header = _header_row(ws)
        for row in ws.iter_rows(min_row=5):
            for c in row:
                if isinstance(c.value, str):
                    # a number is never stored as text (no "57.7 A", no "57.7%")
                    assert not re.fullmatch(r"-?\d+(\.\d+)?%?( [A-Za-z]+)?", c.value.strip()), (ws.title, c.coordinate)
    ban = book["q45_banner"]
    header = _header_row(ban)
    col = header.index("Police and criminal justice (B)") + 1
    values = [ban.cell(row=r, column=col) for r in range(5, ban.max_row + 1)]
    letters = [ban.cell(row=r, column=col + 1).value for r in range(5, ban.max_row + 1)]
    numbers = [c for c in values if isinstance(c.value, (int, float))]
    assert numbers and all(c.data_type == "n" for c in numbers)
    assert any(isinstance(v, str) and re.fullmatch(r"[A-Za-z]+", v) for v in letters)
    # shares are fractions formatted as percentages, means two decimals, bases whole numbers
    # each item is three rows (share, mean, base); take the first item whose share is shown
    everyone = header.index("All respondents") + 1
    first = next(r for r in range(5, ban.max_row, 3)
                 if all(isinstance(ban.cell(row=r + k, column=everyone).value, (int, float)) for k in range(3)))
    fmts = [ban.cell(row=r, column=everyone).number_format for r in range(first, first + 3)]
    assert fmts == ["0.0%", "0.00", "0"], fmts
    assert 0 <= ban.cell(row=first, column=everyone).value <= 1


def test_people_sheets_rounded_data_sheets_full_precision(book, written):
    report, _ = written
    eff = book["q45_effectiveness"]
    header = _header_row(eff)
    mean = [eff.cell(row=r, column=header.index("Mean") + 1).value for r in range(5, eff.max_row)]
    shown = [v for v in mean if isinstance(v, float)]
    assert shown and all(round(v, 2) == v for v in shown)
    data = book["q45_effectiveness_by_sector"]
    assert data["A1"].value.endswith("(data)")
    head = _header_row(data)
    assert "pct_effective" in head and "mean" in head  # ids: a data sheet for analysis
    # the data sheet holds the table's values as they are (the library rounds published means itself)
    frame = next(t for t in report.tables if t.id == LONG_ID).frame
    means = [data.cell(row=r, column=head.index("mean") + 1).value for r in range(5, 5 + len(frame))]
    assert means == [None if v != v else v for v in frame["mean"].tolist()]


def test_suppressed_cells_and_empty_quality_sheet(book):
    eff = book["q45_effectiveness"]
    marks = [c for row in eff.iter_rows(min_row=5) for c in row if c.value == "[c]"]
    assert marks and all(c.alignment.horizontal == "right" for c in marks)
    quality = book["data_quality_summary"]
    assert quality["A5"].value == "No problems found."


def test_print_setup(book):
    for ws in book.worksheets:
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert book["q45_banner"].page_setup.orientation == "landscape"
    assert book["q45_banner"].print_title_rows.replace("$", "") == "4:4"
    assert book["q45_banner"].print_title_cols.replace("$", "") == "A:A"
    assert book["q45_effectiveness"].print_title_rows.replace("$", "") == "4:4"


def test_deterministic_bytes(written, tmp_path):
    from surveykit.report.writers import write_report

    report, out = written
    again = write_report(report, tmp_path / "again")
    for name in ("tables.xlsx", "report.docx", "report.html", "report.md"):
        assert (out / name).read_bytes() == (again / name).read_bytes(), name


def _soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if not path:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc libreoffice-writer)")
    return path


LIBREOFFICE_FILES = ["tables.xlsx", "report.docx"]


@pytest.fixture(scope="module")
def converted(written, tmp_path_factory):
    """``(proc, pdf folder)``: LibreOffice converts both files to PDF in one launch (starting it is
    most of the cost); each case of the test below checks its own file's PDF and the launch's output."""
    soffice = _soffice()
    _, out = written
    tmp = tmp_path_factory.mktemp("libreoffice")
    sources = []
    for name in LIBREOFFICE_FILES:
        shutil.copy(out / name, tmp / name)
        sources.append(str(tmp / name))
    proc = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp / 'profile'}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp / "pdf"), *sources],
                          capture_output=True, text=True, timeout=240)
    return proc, tmp / "pdf"


@pytest.mark.slow
@pytest.mark.parametrize("name", LIBREOFFICE_FILES)
def test_libreoffice_converts_without_error(converted, name):
    proc, folder = converted
    pdf = folder / (name.rsplit(".", 1)[0] + ".pdf")
    assert proc.returncode == 0 and pdf.is_file(), proc.stdout + proc.stderr
    assert "Error" not in proc.stderr
    import pypdfium2 as pdfium  # the PDF's text, as pdfplumber gives it, in a fraction of the time

    doc = pdfium.PdfDocument(pdf)
    try:
        assert len(doc) >= 2
        text = " ".join(doc[i].get_textpage().get_text_range() for i in range(min(len(doc), 6)))
    finally:
        doc.close()
    assert "Q45" in text or "Contents" in text
