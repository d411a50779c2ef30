"""Encoding detection for CSV exports: UTF-8, UTF-8 BOM, UTF-16 (with and without BOM), Windows-1252,
Mac Roman (and UTF-8 mojibake inside it), NUL bytes, CRLF line ends, trailing commas."""

from __future__ import annotations

import json

import pytest

HEADER = "respondent_id,sector,q1,q7\n"
ROWS = ("r1,Local authority,Yes,Placement far from his caf\u00e9 \u2013 \u201cno support\u201d\n"
        "r2,NGO,No,Fear of removal; na\u00efve trust in adults\n")
TEXT = HEADER + ROWS


@pytest.mark.parametrize("codec,label", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("utf-16-le", "utf-16-le"),
    ("utf-16-be", "utf-16-be"), ("cp1252", "windows-1252"), ("mac_roman", "mac-roman"),
])
def test_encoding_detected_and_reported(tmp_path, codec, label):
    from surveykit.pipeline import load_responses
    from surveykit.io import read_export

    path = tmp_path / f"export_{codec}.csv"
    path.write_bytes(TEXT.encode(codec))
    raw = read_export(path)
    assert raw.encoding == label
    responses = load_responses(path)
    assert responses.data["q7"].tolist() == ["Placement far from his caf\u00e9 \u2013 \u201cno support\u201d",
                                             "Fear of removal; na\u00efve trust in adults"]
    assert responses.data["q1"].tolist() == ["1", "0"]


def test_mac_roman_reported_by_inspect(cli, tmp_path):
    path = tmp_path / "efs.csv"
    path.write_bytes(TEXT.encode("mac_roman"))
    result = cli("inspect", path, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["encoding"] == "mac-roman"


def test_mojibake_is_repaired_and_noted(tmp_path):
    """UTF-8 text that was once read as Latin-1 and saved again ("cafÃ©") is put right."""
    from surveykit.io import read_export

    mangled = "caf\u00e9 d\u00e9j\u00e0".encode("utf-8").decode("latin-1")
    path = tmp_path / "mangled.csv"
    path.write_bytes((HEADER + f"r1,NGO,Yes,{mangled}\n").encode("mac_roman"))
    raw = read_export(path)
    assert raw.rows[0][3] == "caf\u00e9 d\u00e9j\u00e0"
    assert any("repaired 3 mojibake" in n for n in raw.notes)


def test_nul_bytes_crlf_and_trailing_commas(cli, tmp_path):
    from surveykit.io import read_export

    path = tmp_path / "odd.csv"
    body = "Timestamp,Which sector do you work in?,Notes,\r\n2024-01-01 10:00,NGO,ok,\r\n2024-01-02 11:00,Police,,\r\n"
    path.write_bytes(body.encode("utf-8").replace(b"ok", b"o\x00k"))
    raw = read_export(path)
    assert raw.platform == "google_forms"
    assert [c.header for c in raw.columns] == ["Timestamp", "Which sector do you work in?", "Notes"]
    assert raw.rows == (("2024-01-01 10:00", "NGO", "ok"), ("2024-01-02 11:00", "Police", ""))
    assert any("NUL" in n for n in raw.notes)
    result = cli("inspect", path, "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["columns"][1]["target"] == "sector"
    assert any("NUL" in n for n in report["notes"])
