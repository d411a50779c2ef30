"""Hostile sizes in XLSX and SPSS inputs: a small file must never cost gigabytes or minutes.

Each hostile file is built small in ``tmp_path``. The runs that would take minutes and gigabytes without
the guards run in a child process under an address-space limit and a timeout, so that a regression fails
in seconds instead of swapping the machine.
"""

from __future__ import annotations

import struct
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import EXTERNAL, SAMPLE_DIR, run_cli_forked
from surveykit.errors import InputError

SECRET = "SECRETANSWER"
LIMITED_MEMORY = 2 * 1024 ** 3
LIMITED_SECONDS = 60


def run_limited(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``python ARGV`` in a process of its own with at most 2 GB of address space and 60 seconds: a
    guard that does not work fails here quickly (MemoryError or timeout) instead of taking the
    machine. The process is forked from the worker's zygote (``conftest.run_cli_forked``)."""
    try:
        return run_cli_forked(*argv, cwd=cwd, timeout=LIMITED_SECONDS, limit_as=LIMITED_MEMORY)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running after {LIMITED_SECONDS} s: {argv}")


def cli_limited(*args: str) -> subprocess.CompletedProcess:
    return run_limited("-m", "surveykit", *map(str, args))


def library_limited(code: str) -> subprocess.CompletedProcess:
    """Run ``code`` (with ``sk`` imported) and print the InputError it raises as 'InputError: ...'."""
    program = ("import surveykit as sk\nfrom surveykit.errors import InputError\ntry:\n"
               + "".join(f"    {line}\n" for line in code.splitlines())
               + "except InputError as exc:\n    print('InputError:', exc)\n")
    return run_limited("-c", program)


def one_line(result: subprocess.CompletedProcess) -> str:
    lines = [x for x in result.stderr.splitlines() if x.strip()]
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1 and lines[0].startswith("surveykit: error: "), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    return lines[0]


# -- building workbooks ---------------------------------------------------------------------------

_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
       'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
       'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
       'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"'
       '/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
       'officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
         '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
         '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
       '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
       '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WBRELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
           'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
           'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')

_HEADER = ["respondent_id", "How safe do you feel?"]
_ROWS = [[f"R{i}", "Yes" if i % 2 else "No"] for i in range(20)]


def _col(j: int) -> str:
    from surveykit.io.base import column_letter

    return column_letter(j)


def sheet_xml(rows, *, dimension: str | None = None, tail: str = "", comment_bytes: int = 0) -> str:
    out = [('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main">')]
    if dimension:
        out.append(f'<dimension ref="{dimension}"/>')
    out.append("<sheetData>")
    for r, cells in enumerate(rows, 1):
        out.append(f'<row r="{r}">' + "".join(
            f'<c r="{_col(j)}{r}" t="inlineStr"><is><t>{v}</t></is></c>' for j, v in enumerate(cells) if v)
            + "</row>")
    if comment_bytes:
        out.append("<!--" + " " * comment_bytes + "-->")
    out.append(tail + "</sheetData></worksheet>")
    return "".join(out)


def write_xlsx(path: Path, sheet: str) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WBRELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def _far_cell(row: int, column: str, value: str | None) -> str:
    cell = (f'<c r="{column}{row}" t="inlineStr"><is><t>{value}</t></is></c>' if value is not None
            else f'<c r="{column}{row}" s="1"/>')
    return f'<row r="{row}">{cell}</row>'


# -- 1. a far-away cell, padding that the sheet claims --------------------------------------------------

@pytest.mark.parametrize("dimension", ["A1:XFD1048576", None], ids=["dimension", "no-dimension"])
def test_one_far_away_cell_is_refused_at_once_naming_the_limit(tmp_path, dimension):
    # 20 answers and one cell at the last row and column Excel has: its padded table would hold 17
    # billion cells. Before the guard this took 80 s and 3.7 GB, then "damaged" or an internal error.
    f = write_xlsx(tmp_path / "gap.xlsx", sheet_xml([_HEADER, *_ROWS], dimension=dimension,
                                                     tail=_far_cell(1048576, "XFD", "x")))
    for command in ("validate", "inspect"):
        line = one_line(cli_limited(command, f))
        assert "cells allowed" in line and "20,000,000" in line, line
        assert "row 1048576" in line and "'XFD'" in line  # where the stray cell is, not what it says
        assert "damaged" not in line


def test_one_far_away_cell_is_refused_by_the_library_reader(tmp_path):
    f = write_xlsx(tmp_path / "gap.xlsx", sheet_xml([_HEADER, *_ROWS], tail=_far_cell(1048576, "XFD", SECRET)))
    result = library_limited(f"sk.read({str(f)!r}, check_fit=False)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("InputError:") and "cells allowed" in result.stdout, result.stdout
    assert SECRET not in result.stdout


@pytest.mark.parametrize("dimension", ["A1:XFD1048576", "A1:B1048576", "A1:XFD21", None])
def test_empty_padding_and_empty_far_cells_cost_nothing(tmp_path, dimension):
    # The used range a sheet claims and a styled but empty cell at XFD1048576 are not data: the sheet
    # reads as its 20 rows and 2 columns, at once (before: minutes and gigabytes of padding).
    f = write_xlsx(tmp_path / "padded.xlsx", sheet_xml([_HEADER, *_ROWS], dimension=dimension,
                                                        tail=_far_cell(1048576, "XFD", None)))
    result = library_limited(
        f"from surveykit.io import read_export\nraw = read_export({str(f)!r})\nprint(raw.n_rows, len(raw.columns), raw.rows[-1])")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == "20 2 ('R19', 'Yes')", result.stdout
    result = cli_limited("inspect", f)
    assert result.returncode == 0, result.stderr
    assert "How safe do you feel?" in result.stdout


def test_sheet_cell_limit_counts_the_span_of_the_data(tmp_path, monkeypatch, cli):
    from surveykit.io import xlsx_sheets

    monkeypatch.setattr(xlsx_sheets, "MAX_XLSX_CELLS", 1000)
    near = write_xlsx(tmp_path / "near.xlsx", sheet_xml([_HEADER, *_ROWS], tail=_far_cell(400, "B", "x")))
    base_rows = dict(xlsx_sheets.iter_xlsx_sheets(near))["Sheet1"]  # 400 rows x 2 columns: within the limit
    assert len(base_rows) == 400 and base_rows[-1] == ["", "x"] and base_rows[30] == ["", ""]
    far = write_xlsx(tmp_path / "far.xlsx", sheet_xml([_HEADER, *_ROWS], tail=_far_cell(40, "AZ", SECRET)))
    with pytest.raises(InputError, match=r"spans 40 rows and 52 columns, more than the 1,000 cells allowed"):
        list(xlsx_sheets.iter_xlsx_sheets(far))
    result = cli("inspect", far)
    assert result.returncode == 2 and "1,000 cells allowed" in result.stderr and SECRET not in result.stderr


def test_rows_after_a_run_of_empty_rows_keep_their_numbers(tmp_path, monkeypatch):
    from surveykit.io import base, xlsx_sheets

    monkeypatch.setattr(xlsx_sheets, "MAX_CELL_CHARS", 25)
    f = write_xlsx(tmp_path / "late.xlsx", sheet_xml([_HEADER, *_ROWS], tail=_far_cell(5000, "C", "y" * 30)))
    with pytest.raises(InputError) as info:
        list(xlsx_sheets.iter_xlsx_sheets(f))
    assert "row 5000" in str(info.value) and "column 'C'" in str(info.value) and "yyy" not in str(info.value)
    # Sniffing reads only the first rows, whatever follows.
    assert base.open_sniff(f).sheets["Sheet1"][:2] == (tuple(_HEADER), ("R0", "No"))


def test_data_after_a_long_run_of_empty_rows_is_refused_at_once(tmp_path, cli):
    # One cell at row 1,048,576 of a 19-column sheet: within the cell limit (19.9 M), but every empty
    # row became a respondent of blanks: 25 s and 2.5 GB to refuse the file as not fitting.
    header, rows = ["id", *[f"q{k}" for k in range(18)]], [[f"R{i}", *["Yes"] * 18] for i in range(20)]
    f = write_xlsx(tmp_path / "gap19.xlsx", sheet_xml([header, *rows], tail=_far_cell(1048576, "S", SECRET)))
    for command in ("validate", "inspect"):
        line = one_line(cli_limited(command, f))
        assert "empty rows" in line and "10,000 allowed" in line and "row 1048576" in line, line
        assert SECRET not in line
    result = library_limited(f"sk.read({str(f)!r}, check_fit=False)")
    assert result.stdout.startswith("InputError:") and "empty rows" in result.stdout, result.stdout
    # A run within the limit still reads, with the rows' numbers kept.
    from surveykit.io import base

    near = write_xlsx(tmp_path / "near.xlsx", sheet_xml([_HEADER, *_ROWS], tail=_far_cell(5000, "B", "x")))
    assert len(dict(base.iter_xlsx_sheets(near))["Sheet1"]) == 5000
    r = cli("inspect", near)
    assert r.returncode == 0, r.stderr


# -- 2. a part that unpacks far beyond its packed size ----------------------------------------------

def _bomb(path: Path) -> Path:
    # 9 MB of sheet XML (an XML comment of spaces) packed into a few kilobytes: over 1,000 to one.
    return write_xlsx(path, sheet_xml([_HEADER, *_ROWS], comment_bytes=9 * 1024 ** 2))


def test_a_part_that_unpacks_over_100_times_its_size_is_refused(tmp_path, cli):
    f = _bomb(tmp_path / "bomb.xlsx")
    assert f.stat().st_size < 100_000
    for command in ("inspect", "validate"):
        result = cli(command, f)
        assert result.returncode == 2, result.stderr
        lines = [x for x in result.stderr.splitlines() if x.strip()]
        assert len(lines) == 1 and "times its packed size" in lines[0] and "100 allowed" in lines[0], lines
    with pytest.raises(InputError, match="times its packed size"):
        import surveykit as sk

        sk.read(f, check_fit=False)


def test_small_parts_may_pack_well_and_real_workbooks_pass_the_ratio_check(tmp_path):
    from surveykit.io.xlsx_sheets import _check_xlsx_package

    # Under the size the ratio applies from, packing well is harmless (a column of one repeated answer).
    f = write_xlsx(tmp_path / "small.xlsx", sheet_xml([_HEADER, *_ROWS], comment_bytes=1024 ** 2))
    _check_xlsx_package(f, f.read_bytes())
    found = sorted([*EXTERNAL.rglob("*.xlsx"), *SAMPLE_DIR.glob("*.xlsx")]) if EXTERNAL.is_dir() else []
    for real in found:
        _check_xlsx_package(real, real.read_bytes())


# -- 3. an SPSS header claiming more cases than the file holds --------------------------------------

def _sav(path: Path, *, cases: int | None = None, **write_options) -> Path:
    import pandas as pd
    import pyreadstat

    frame = pd.DataFrame({"id": [f"R{i}" for i in range(20)],
                          **{f"v{k}": [float(i % 3 + 1) for i in range(20)] for k in range(5)}})
    pyreadstat.write_sav(frame, str(path), **write_options)
    if cases is not None:
        data = bytearray(path.read_bytes())
        data[80:84] = struct.pack("<i", cases)  # the header's case count
        path.write_bytes(bytes(data))
    return path


SAV_KINDS = {"uncompressed": {}, "bytecode": {"row_compress": True}, "zlib": {"compress": True}}


@pytest.mark.parametrize("kind", sorted(SAV_KINDS))
def test_a_sav_claiming_impossibly_many_cases_is_refused_at_once(tmp_path, kind):
    # 2 KB claiming 50 million cases: pyreadstat set aside 2.4 GB for them before failing.
    f = _sav(tmp_path / "claims.sav", cases=50_000_000, **SAV_KINDS[kind])
    line = one_line(cli_limited("inspect", f))
    assert "header claims 50,000,000 cases of 6 variables" in line and "bytes can hold" in line, line
    result = library_limited(f"sk.read({str(f)!r}, check_fit=False)")
    assert result.stdout.startswith("InputError:") and "header claims 50,000,000 cases" in result.stdout, \
        (result.stdout, result.stderr)


@pytest.mark.parametrize("kind", sorted(SAV_KINDS))
def test_a_sav_whose_claim_fits_is_read(tmp_path, kind):
    from surveykit.io import read_export

    raw = read_export(_sav(tmp_path / "ok.sav", **SAV_KINDS[kind]))
    assert raw.n_rows == 20 and raw.rows[-1][0] == "R19"


def test_sav_claims_check_bounds():
    from surveykit.io.spss import _max_cells

    # uncompressed: 8 bytes a cell; bytecode: one command byte a cell; zlib: deflate packs at most 1,032:1.
    assert _max_cells(8000, 0) == 1000 and _max_cells(8000, 1) == 8000 and _max_cells(8000, 2) == 8000 * 1032
    assert _max_cells(8000, 7) == 8000 * 1032  # an unknown code: the most compact


def test_a_reader_that_still_runs_out_of_memory_says_too_large(tmp_path, monkeypatch):
    # The backstop: with the claim check out of the way, the reading process's memory limit stops
    # pyreadstat's 2.4 GB allocation, reported as too large rather than as damaged.
    from surveykit.io import spss

    f = _sav(tmp_path / "claims.sav", cases=50_000_000)
    monkeypatch.setattr(spss, "_check_claimed_size", lambda *a: None)
    monkeypatch.setattr(spss, "CHILD_MEMORY_FIXED", 512 * 1024 ** 2)
    with pytest.raises(InputError, match=r"too large to read") as info:
        spss.read_sav_isolated(str(f), "0" * 64)
    assert "damaged" not in str(info.value)


# -- 4. a lost header row whose answers are long free text ------------------------------------------

def _headerless(tmp_path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["R0", "No", f"{SECRET} I ran away from the hostel with Kay"])
    for i in range(1, 10):
        ws.append([f"R{i}", "Yes" if i % 2 else "No", f"no comment {i}"])
    path = tmp_path / "headerless.xlsx"
    wb.save(path)
    return path


def test_lost_header_row_with_a_free_text_answer_is_refused_without_showing_it(tmp_path, cli):
    from surveykit.io import read_export

    f = _headerless(tmp_path)
    for command in ("inspect", "validate"):
        result = cli(command, f)
        assert result.returncode == 2, result.stdout
        assert "looks like answers, not column names" in result.stderr
        assert SECRET not in result.stdout + result.stderr and "hostel" not in result.stderr
    with pytest.raises(InputError, match="looks like answers") as info:
        read_export(f)
    assert SECRET not in str(info.value)


def test_long_question_headers_stay_headers():
    from surveykit.io._tabular import headerless_problem

    body = [[f"R_{i}", "Yes" if i % 2 else "No", f"answer number {i} is longer than a few words."]
            for i in range(8)]
    for header in (["ResponseId", "Yes", "How effective are the following services in your area?"],
                   ["ID", "Other", "Please describe in your own words what happened"],
                   ["Q1", "No", "Tell us more about why you chose this answer"]):
        assert headerless_problem([header, *body]) is None, header
    # An id shaped as the ids below and an answer word: the row is a respondent's, its long text too.
    lost = ["R_9", "No", "we moved twice last year and nobody told the school"]
    assert headerless_problem([lost, *body]) is not None
    # An id-shaped first cell alone does not make a row of questions data.
    assert headerless_problem([["R_9", "How safe do you feel at home?", "Tell us more about it please"], *body]) \
        is None
