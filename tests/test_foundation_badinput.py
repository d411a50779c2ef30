"""Bad input: one clear line on stderr naming the file (and row/column), exit 2, no traceback,
nothing written, the input unchanged. Odd encodings are not errors: they are read and reported."""

from __future__ import annotations

import hashlib
import json
import random

import pytest

GOOD_HEADER = "respondent_id,sector,q1,q7\n"


def _bytes_of(path):
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def _cases(tmp_path):
    """(name, path, expected words in the message) for every kind of unusable input."""
    cases = []

    def add(name, content, words, suffix=".csv"):
        p = tmp_path / f"{name}{suffix}"
        if content is not None:
            p.write_bytes(content)
        cases.append((name, p, words))

    add("missing", None, ["file not found"])
    d = tmp_path / "a_directory.csv"
    d.mkdir()
    cases.append(("directory", d, ["directory"]))
    add("empty", b"", ["empty"])
    add("header_only", GOOD_HEADER.encode(), ["no data rows"])
    add("surveymonkey_headers_only",
        b"Respondent ID,Collector ID,Which sector do you work in?\n,,Response\n", ["no data rows"])
    rng = random.Random(7)
    add("binary", bytes(rng.randrange(256) for _ in range(4096)), ["binary"])
    add("semicolons", b"respondent_id;sector;q1\nr1;NGO;Yes\nr2;Police;No\n", ["semicolon"])
    add("duplicate_columns", b"respondent_id,sector,q1,q1\nr1,NGO,Yes,No\n", ["duplicate column", "q1"])
    add("too_many_fields", b"respondent_id,sector,q1\nr1,NGO,Yes\nr2,NGO,No,extra,fields\n",
        ["row 3", "fields"])
    big = "x" * (5 * 1024 * 1024)
    add("huge_cell", f'{GOOD_HEADER}r1,NGO,Yes,"{big}"\n'.encode(), ["row 2", "column", "characters"])
    add("not_a_sav", b"this is not spss at all\n", ["not an SPSS"], suffix=".sav")
    add("not_an_xlsx", b"plain text pretending", ["not a readable Excel"], suffix=".xlsx")
    return cases


@pytest.mark.parametrize("command", ["validate", "inspect"])
def test_unusable_input_fails_cleanly(cli, tmp_path, command):
    for name, path, words in _cases(tmp_path):
        before = _bytes_of(path)
        listing = sorted(p.name for p in tmp_path.iterdir())
        result = cli(command, path)
        assert result.returncode == 2, (name, result.stderr)
        lines = [l for l in result.stderr.splitlines() if l.strip()]
        assert len(lines) == 1, (name, result.stderr)
        assert "Traceback" not in result.stderr
        assert path.name in lines[0], (name, lines[0])
        for word in words:
            assert word.lower() in lines[0].lower(), (name, word, lines[0])
        assert result.stdout == "", name
        assert _bytes_of(path) == before, f"{name}: the input was modified"
        assert sorted(p.name for p in tmp_path.iterdir()) == listing, f"{name}: a file was written"


def test_a_free_text_answer_never_appears_in_an_error(cli, tmp_path):
    secret = "Amira told me her uncle in Leeds"
    path = tmp_path / "bad.csv"
    path.write_text(f"respondent_id,sector,q1\nr1,NGO,{secret}\n", encoding="utf-8")
    result = cli("validate", path, "--format", "json")
    assert result.returncode == 1
    assert secret not in result.stdout and secret not in result.stderr
    issues = json.loads(result.stdout)["rows"]
    assert issues[0]["code"] == "unknown_label" and issues[0]["row"] == 1


TEXT = "respondent_id,sector,q1,q7\nr1,Local authority,Yes,Placement in a B&B far from his café\nr2,NGO,No,Fear of removal – “deportation”\n"


@pytest.mark.parametrize("encoding,label", [
    ("utf-8-sig", "utf-8-sig"),
    ("cp1252", "windows-1252"),
    ("utf-16", "utf-16"),
    ("utf-8", "utf-8"),
])
def test_encodings_are_read_and_reported(cli, tmp_path, encoding, label):
    path = tmp_path / f"export_{encoding}.csv"
    path.write_bytes(TEXT.encode(encoding))
    result = cli("inspect", path, "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["encoding"] == label
    assert report["respondents"] == 2
    from surveykit.pipeline import load_responses

    responses = load_responses(path)
    assert responses.data["q7"].tolist() == ["Placement in a B&B far from his café", "Fear of removal – “deportation”"]
    assert responses.data["q1"].tolist() == ["1", "0"]
    table = cli("inspect", path)
    assert f"encoding:      {label}" in table.stdout


def test_crlf_and_trailing_commas(cli, tmp_path):
    path = tmp_path / "crlf.csv"
    path.write_bytes(b"respondent_id,sector,q1,\r\nr1,NGO,Yes,\r\nr2,Police,No,\r\n")
    # The empty trailing header is a blank column name: refused, with the column named.
    result = cli("validate", path)
    assert result.returncode == 2 and "no name" in result.stderr
    path.write_bytes(b"respondent_id,sector,q1\r\nr1,NGO,Yes,\r\nr2,Police,No,\r\n")
    result = cli("validate", path)
    assert result.returncode == 0, result.stdout + result.stderr
