"""Bad input for the platform readers: one clear line on stderr naming the file, exit 2, no output,
no traceback, the input unchanged."""

from __future__ import annotations

import hashlib

import pytest

from conftest import SAMPLE_SURVEY


@pytest.fixture(scope="module")
def qualtrics_lines(tmp_path_factory, sample_responses_module):
    from surveykit.sample.platforms import qualtrics_csv_text

    text = qualtrics_csv_text(sample_responses_module)
    return text.splitlines(keepends=True)[:40]


def _cases(tmp_path, qualtrics_lines):
    cases = []

    def add(name, content, words):
        p = tmp_path / name
        p.write_bytes(content)
        cases.append((p, words, ()))

    add("not_spss.sav", b"Name,Age\nA,3\n", ["not an SPSS .sav"])
    add("damaged.sav", b"$FL2@(#) IBM SPSS STATISTICS" + b"\x00" * 40, ["SPSS", "damaged or truncated"])
    import io
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Timestamp", "Is a hotdog a sandwich?"])
    for i in range(200):
        book.active.append([f"2024-01-{1 + i % 28:02d}", "No"])
    buf = io.BytesIO()
    book.save(buf)
    whole = buf.getvalue()
    add("truncated.xlsx", whole[: len(whole) // 2], ["Excel workbook", "damaged or truncated"])
    lines = qualtrics_lines
    add("qualtrics_no_header.csv", "".join(lines[3:]).encode(), ["Qualtrics header rows are missing"])
    add("qualtrics_importid_first.csv", "".join(lines[2:]).encode(), ["Qualtrics header rows are missing"])
    add("qualtrics_tags_only.csv", "".join(lines[:1] + lines[3:]).encode(), ["Qualtrics header rows are missing"])
    add("broken_utf16.csv", b"\xff\xfe" + "respondent_id,q1\n".encode("utf-16-le") + b"\x00", ["UTF-16"])
    return cases


def test_bad_platform_exports_fail_cleanly(cli, tmp_path, qualtrics_lines):
    for path, words, _ in _cases(tmp_path, qualtrics_lines):
        before = hashlib.sha256(path.read_bytes()).hexdigest()
        listing = sorted(p.name for p in tmp_path.iterdir())
        result = cli("inspect", path)
        assert result.returncode == 2, (path.name, result.stdout[:300], result.stderr)
        lines = [l for l in result.stderr.splitlines() if l.strip()]
        assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
        assert path.name in lines[0]
        for word in words:
            assert word.lower() in lines[0].lower(), (path.name, word, lines[0])
        assert result.stdout == ""
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before
        assert sorted(p.name for p in tmp_path.iterdir()) == listing


def test_forced_encoding_that_cannot_decode(cli, tmp_path):
    path = tmp_path / "accents.csv"
    path.write_bytes("respondent_id,sector,q1\nr1,Sant\u00e9,Yes\n".encode("utf-8"))
    result = cli("validate", path, "--encoding", "ascii")
    assert result.returncode == 2
    assert "accents.csv" in result.stderr and "cannot decode the file as ascii" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    unknown = cli("inspect", path, "--encoding", "klingon")
    assert unknown.returncode == 2 and "'klingon' is not a known encoding" in unknown.stderr


def test_qsf_that_is_not_one(cli, tmp_path, qualtrics_lines):
    export = tmp_path / "export.csv"
    export.write_text("".join(qualtrics_lines), encoding="utf-8")
    bad = tmp_path / "survey.qsf"
    bad.write_text("not json", encoding="utf-8")
    result = cli("inspect", export, "--qsf", bad)
    assert result.returncode == 2
    assert "survey.qsf" in result.stderr and "not a Qualtrics .qsf file" in result.stderr
    # --qsf on an export of another platform: the option does not apply.
    other = cli("inspect", SAMPLE_SURVEY, "--qsf", bad)
    assert other.returncode == 2 and "applies to Qualtrics exports only" in other.stderr
