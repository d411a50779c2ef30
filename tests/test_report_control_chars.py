"""An answer holding a control character that XML cannot hold (a stray vertical tab or a character
from a broken export) must not stop the report: the workbook writes it as U+FFFD (found by a review:
``report`` ended with an internal error in the XLSX writer)."""

from __future__ import annotations

import csv
import io
import zipfile

from conftest import SAMPLE_SURVEY


def test_a_cell_with_a_control_character_is_written():
    import openpyxl

    from surveykit.report.writers.xlsx import put

    wb = openpyxl.Workbook()
    ws = wb.active
    put(ws, 1, 1, "miss\x0bed the \x01signs")
    put(ws, 2, 1, "tab\tline\nreturn\r kept")
    assert ws.cell(1, 1).value == "miss\ufffded the \ufffdsigns"
    assert ws.cell(2, 1).value == "tab\tline\nreturn\r kept"
    wb.save(io.BytesIO())


def test_the_report_is_written_when_answers_hold_control_characters(tmp_path, cli):
    rows = list(csv.reader(io.StringIO(SAMPLE_SURVEY.read_text(encoding="utf-8"), newline="")))
    open_ended = [j for j, sub in enumerate(rows[1]) if sub == "Open-Ended Response"]
    for row in rows[2:]:
        for j in open_ended:
            row[j] = row[j].replace(" ", " \x0b", 1).replace("e", "e\x01", 1)
    export = tmp_path / "export.csv"
    with open(export, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    out = tmp_path / "report"
    done = cli("report", "--survey", str(export), "--out", str(out))
    assert done.returncode == 0, done.stderr
    import openpyxl

    with zipfile.ZipFile(out / "tables.xlsx") as z:
        xml = b"".join(z.read(n) for n in z.namelist())
    assert b"\x0b" not in xml and b"\x01" not in xml and b"&#11;" not in xml and b"&#1;" not in xml
    cells = [v for ws in openpyxl.load_workbook(out / "tables.xlsx") for row in ws.iter_rows(values_only=True)
             for v in row if isinstance(v, str)]
    assert any("\ufffd" in v for v in cells)  # the planted answers reached the workbook
    assert (out / "report.docx").stat().st_size and (out / "report.html").stat().st_size
