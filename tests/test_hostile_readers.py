"""Every reader error is one clear line (issue 13, point 5), header-less exports are refused (point 3),
and the small fixes found on the way (validate's exit code, --platform spss on a CSV)."""

from __future__ import annotations

import io
import json
import signal
import zipfile

import pytest

from conftest import SAMPLE_SURVEY, run_cli
from surveykit.errors import InputError


def one_line(result) -> str:
    lines = [l for l in result.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


# -- decoding ---------------------------------------------------------------------------------------

def test_bom_with_a_stray_windows_byte_is_read_and_the_byte_located(tmp_path, cli):
    """The reproduction of the issue: a UTF-8-BOM CSV with one Windows-1252 byte crashed validate."""
    f = tmp_path / "f.csv"
    f.write_bytes(b"\xef\xbb\xbfrespondent_id,sector,q1\n1,Police,Yes\n2,NGO,Caf\xe9\n")
    from surveykit.io import read_export

    raw = read_export(f)
    assert raw.rows[1][2] == "Caf\u00e9" and raw.encoding == "utf-8-sig"
    assert any("line 3, byte 50 (0xE9)" in n for n in raw.notes), raw.notes
    result = cli("validate", f)
    assert result.returncode == 1 and "Traceback" not in result.stderr  # "Café" is not an option of q1
    assert "unknown_label" in result.stdout and "Caf" not in result.stdout + result.stderr


def test_mostly_utf8_with_windows_bytes_keeps_the_utf8(tmp_path):
    from surveykit.io.base import decode_bytes

    data = "respondent_id,q7\nr1,na\u00efve \u2013 caf\u00e9\n".encode("utf-8") + b"r2,Fran\xe7ois \x93quoted\x94\n"
    text, enc, notes = decode_bytes(data)
    assert "na\u00efve \u2013 caf\u00e9" in text and "Fran\u00e7ois \u201cquoted\u201d" in text
    assert any("line 3" in n for n in notes)


def test_non_latin_single_byte_text_is_detected(tmp_path):
    from surveykit.io.base import decode_bytes

    answer = "\u0420\u0435\u0431\u0435\u043d\u043e\u043a \u043f\u0440\u043e\u043f\u0430\u043b \u0438\u0437 \u0434\u0435\u0442\u0441\u043a\u043e\u0433\u043e \u0434\u043e\u043c\u0430"
    text, enc, notes = decode_bytes(f"respondent_id,q7\nr1,{answer}\n".encode("cp1251"))
    assert enc == "cp1251" and answer in text
    # English with a pound sign stays Windows-1252 (a Central European guess would turn it into an L).
    text, enc, _ = decode_bytes("respondent_id,q7\nr1,It cost \u00a35 at the caf\u00e9\n".encode("cp1252"))
    assert enc == "windows-1252" and "\u00a35" in text


@pytest.mark.parametrize("data,encoding,words", [
    (b"respondent_id,q1\nr1,Yes\nr2,Caf\xc3\xa9\n", "ascii", "line 3, byte 31 (0xC3)"),
    (b"\xff\xfe" + "respondent_id,q1\n".encode("utf-16-le") + b"\x00", None, "not valid UTF-16"),
    (b"\x00\x01\x02\x03" * 500, None, "binary"),
])
def test_undecodable_text_names_line_and_byte(tmp_path, cli, data, encoding, words):
    f = tmp_path / "bad.csv"
    f.write_bytes(data)
    args = ["validate", f] + (["--encoding", encoding] if encoding else [])
    result = cli(*args)
    assert result.returncode == 2
    line = one_line(result)
    assert words in line and "bad.csv" in line


# -- damaged workbooks, .sav and .qsf -----------------------------------------------------------------

def _workbook() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["respondent_id", "sector", "q1", "q7"])
    book.active.append(["r1", "NGO", "Yes", "secret answer text"])
    book.active.append(["r2", "Police", "No", "another private answer"])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _rezip(data: bytes, change) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = change(info.filename, src.read(info.filename))
            if payload is not None:
                dst.writestr(info.filename, payload)
    return out.getvalue()


def _flip_in_member(data: bytes) -> bytes:
    b = bytearray(data)
    i = b.index(b"PK\x03\x04", 10) + 60  # inside the second member's compressed bytes
    b[i] ^= 0xFF
    return bytes(b)


WORKBOOK_DAMAGE = {
    "bad_crc": _flip_in_member,
    "malformed_sheet_xml": lambda d: _rezip(d, lambda n, p: p[: len(p) // 2] if n.endswith("sheet1.xml") else p),
    "sheet_missing": lambda d: _rezip(d, lambda n, p: None if n.endswith("sheet1.xml") else p),
    "styles_garbage": lambda d: _rezip(d, lambda n, p: b"<<<not xml" if n.endswith("styles.xml") else p),
    "no_workbook_part": lambda d: _rezip(d, lambda n, p: None if n == "xl/workbook.xml" else p),
    "truncated": lambda d: d[: len(d) * 2 // 3],
    "shared_strings_wrong_type": lambda d: _rezip(
        d, lambda n, p: p.replace(b't="s"', b't="n"') if n.endswith("sheet1.xml") else p),
}


@pytest.mark.parametrize("name", sorted(WORKBOOK_DAMAGE))
def test_damaged_workbooks_are_one_line_without_cell_text(tmp_path, name):
    from surveykit.pipeline import load_responses

    f = tmp_path / f"{name}.xlsx"
    f.write_bytes(WORKBOOK_DAMAGE[name](_workbook()))
    try:
        load_responses(f)
    except InputError as exc:
        message = str(exc)
        assert f.name in message and "\n" not in message
        assert "secret" not in message and "private" not in message
    # Some damage leaves a readable workbook (a wrong cell type is still a value): that is fine too.


def test_workbook_that_unpacks_too_large_is_refused(tmp_path, monkeypatch):
    from surveykit.io import base, xlsx_sheets

    monkeypatch.setattr(xlsx_sheets, "MAX_XLSX_UNPACKED", 1000)
    f = tmp_path / "big.xlsx"
    f.write_bytes(_workbook())
    with pytest.raises(InputError, match="unpacks to more than"):
        base.open_sniff(f)


def test_a_crash_of_the_sav_library_is_one_line(tmp_path, monkeypatch):
    """pyreadstat's C code crashes (segmentation fault) on some damaged files (found by the fuzz test):
    the .sav is read in a child process, and its crash is reported as a damaged file."""
    import ctypes

    from surveykit.io import spss

    def crash(path, sha256):
        ctypes.string_at(0)  # a segmentation fault, as pyreadstat's is

    monkeypatch.setattr(spss, "_read_sav", crash)
    sav = tmp_path / "crash.sav"
    sav.write_bytes(b"$FL2@(#) IBM SPSS STATISTICS" + b"\x00" * 200)
    from surveykit.io import read_export

    with pytest.raises(InputError, match=r"damaged or truncated \(the SPSS reader crashed on it, signal 11\)"):
        read_export(sav)


def test_truncated_sav_is_one_line(tmp_path, cli):
    from surveykit.io.sav_writer import write_responses_sav
    from surveykit.pipeline import load_responses

    sav = write_responses_sav(load_responses(SAMPLE_SURVEY), tmp_path / "whole.sav")
    cut = tmp_path / "cut.sav"
    cut.write_bytes(sav.read_bytes()[:5000])
    result = cli("validate", cut)
    assert result.returncode == 2 and "damaged or truncated" in one_line(result)


def test_platform_spss_on_a_csv_says_it_is_not_a_sav(cli):
    result = cli("validate", SAMPLE_SURVEY, "--platform", "spss")
    assert result.returncode == 2
    line = one_line(result)
    assert "not an SPSS .sav file" in line and "damaged" not in line


@pytest.mark.parametrize("doc,words", [
    ('{"SurveyElements": ' + "[" * 100_000 + "]" * 100_000 + "}", "not a Qualtrics .qsf"),
    ('{"SurveyEntry": [1, 2], "SurveyElements": [{"Element": "SQ", "Payload": {"QuestionID": "QID1", '
     '"QuestionText": ["not", "text"], "Choices": 5, "RecodeValues": [1]}}]}', None),
])
def test_qsf_of_the_wrong_shape(tmp_path, doc, words):
    from surveykit.io.qsf import load_qsf

    p = tmp_path / "survey.qsf"
    p.write_text(doc)
    if words is None:
        assert "QID1" in load_qsf(p).questions
    else:
        with pytest.raises(InputError, match=words):
            load_qsf(p)


def test_a_very_long_qualtrics_export_tag_does_not_hang(tmp_path):
    from surveykit.io import read_export

    tag = "Q" + "_a" * 50_000 + "_"
    f = tmp_path / "qualtrics.csv"
    f.write_text(f"StartDate,EndDate,ResponseId,{tag}\nStart Date,End Date,Response ID,Question\n"
                 "2024-01-01,2024-01-01,R_1234567890abcde,Yes\n")
    previous = signal.signal(signal.SIGALRM, lambda *a: (_ for _ in ()).throw(TimeoutError()))
    signal.alarm(20)
    try:
        raw = read_export(f)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert raw.platform == "qualtrics" and raw.n_rows == 1


# -- header-less exports -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tidy_lines(tmp_path_factory):
    from surveykit.pipeline import load_responses

    d = tmp_path_factory.mktemp("tidy")
    data = load_responses(SAMPLE_SURVEY).data.head(30)
    path = d / "tidy.csv"
    data.to_csv(path, index=False)
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def test_headerless_tidy_export_is_refused_with_advice_and_no_answer_shown(tmp_path, cli, tidy_lines):
    f = tmp_path / "no_header.csv"
    f.write_text("".join(tidy_lines[1:]), encoding="utf-8")
    first_row = tidy_lines[1].strip().split(",")
    for command in ("validate", "inspect"):
        result = cli(command, f)
        assert result.returncode == 2
        line = one_line(result)
        assert "looks like answers, not column names" in line and "header row" in line
        shown = [cell for cell in first_row if len(cell) > 3 and cell in line]
        assert not shown, f"the message repeats the first respondent's answers: {shown}"
    with_header = tmp_path / "with_header.csv"
    with_header.write_text("".join(tidy_lines), encoding="utf-8")
    assert cli("validate", with_header).returncode in (0, 1)


def test_headerless_check_leaves_real_headers_alone():
    from surveykit.io._tabular import headerless_problem

    real = [["Timestamp", "Which sector do you work in?", "How old are you?", "Comments"],
            ["2024-01-01 10:00", "NGO", "34", "fine"], ["2024-01-02 11:00", "Police", "41", ""]]
    assert headerless_problem(real) is None
    lost = [["2024-01-01 10:00", "NGO", "34", "Yes"], ["2024-01-02 11:00", "Police", "41", "No"],
            ["2024-01-03 09:30", "NGO", "29", "Yes"]]
    assert headerless_problem(lost) is not None
    # Repeated answers in the lost header are refused as a missing header, not as "duplicate column 'Yes'".
    dupes = [["r1", "Yes", "Yes", "No"], ["r2", "No", "Yes", "No"], ["r3", "Yes", "No", "No"]]
    assert headerless_problem(dupes) is not None


def test_validate_exits_0_on_warnings_alone(tmp_path, cli):
    f = tmp_path / "warn.csv"
    f.write_text("respondent_id,sector,q1,my own column\nr1,NGO,Yes,x\nr2,Police,No,y\n", encoding="utf-8")
    result = cli("validate", f, "--format", "json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["n_warnings"] >= 1 and doc["n_errors"] == 0
    f.write_text("respondent_id,sector,q1\nr1,NGO,Perhaps\n", encoding="utf-8")
    assert cli("validate", f).returncode == 1
    assert "warnings alone" in cli("validate", "--help").stdout
