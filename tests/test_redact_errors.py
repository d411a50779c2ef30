"""No error message leaks personal data planted in an export's cells (issue 13, redaction/errors).

Personal data is planted in cells that make readers and prepare complain: a bad answer, a bad
sector, a duplicate respondent id, a ragged row, a bad rankings cell, a header-less export. Every
``SurveykitError`` raised (library) and everything the CLI prints on stderr must be free of it.
Data-quality ``Issue`` messages are checked separately below.
"""

from __future__ import annotations

import csv

import pytest

from conftest import SAMPLE_RANKINGS, run_cli
from surveykit.errors import SurveykitError

PII = ("Dritan Berisha", "Berisha", "07700 900461", "07700900555", "jane.whitfield@example.org", "Hoxha",
       "SW1A 1AA", "QQ 12 34 56 C", "Amira")


def write_rows(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def assert_clean(text: str) -> None:
    for secret in PII:
        assert secret not in text, f"{secret!r} leaked: {text[:300]}"


@pytest.fixture
def planted_export(tmp_path):
    header = ["respondent_id", "sector", "q1", "q5", "q7"]
    rows = [header]
    for i in range(8):
        rows.append([f"r{i}", "Police", "Yes", "Usually", "Traffickers keep calling them."])
    rows += [
        ["jane.whitfield@example.org", "Police", "Yes", "Usually", "ok"],
        ["jane.whitfield@example.org", "NGO", "No", "Rarely", "ok"],           # duplicate id
        ["r20", "Ahmed Hoxha, SW1A 1AA", "Yes", "Usually", "ok"],             # bad sector
        ["r21", "Police", "Dritan Berisha 07700 900461", "Usually", "ok"],     # bad answer (text)
        ["r22", "Police", "Yes", "07700900555", "ok"],                         # bad answer (a number)
        ["r23", "Police", "QQ 12 34 56 C", "Amira", "ok"],                     # more bad answers
    ]
    return write_rows(tmp_path / "planted.csv", rows)


def _errors_of(fn):
    try:
        fn()
    except SurveykitError as exc:
        return [str(exc), exc.message]
    return []


def test_reader_and_prepare_errors_never_echo_planted_cells(tmp_path, planted_export):
    from surveykit.pipeline import load_responses

    messages: list[str] = []
    # a ragged row whose extra cells hold personal data
    ragged = write_rows(tmp_path / "ragged.csv", [["respondent_id", "sector", "q1"], ["r1", "Police", "Yes"],
                                                  ["r2", "Police", "Yes", "Dritan Berisha", "07700 900461"]])
    messages += _errors_of(lambda: load_responses(ragged))
    # a header-less export: the first respondent's answers (with personal data) become the header
    headless = write_rows(tmp_path / "headless.csv", [
        ["r1", "Police", "Dritan Berisha 07700 900461", "Dritan Berisha 07700 900461"],
        ["r2", "NGO", "Yes", "No"]])
    messages += _errors_of(lambda: load_responses(headless))
    # the planted export itself loads (its problems are Issues, not errors)
    messages += _errors_of(lambda: load_responses(planted_export))
    # undecodable bytes next to personal data
    bad_bytes = tmp_path / "bytes.csv"
    bad_bytes.write_bytes(b"respondent_id,sector,q1\nr1,Police,Dritan Berisha \xff\xfe 07700 900461\n")
    messages += _errors_of(lambda: load_responses(bad_bytes, encoding="utf-8"))
    for m in messages:
        assert_clean(m)


@pytest.mark.parametrize("column, value", [("measure_id", "Dritan Berisha 07700 900461"),
                                           ("verdict", "Dritan Berisha"), ("group_size", "07700 900461"),
                                           ("rank_in_verdict", "Dritan Berisha")])
def test_rankings_errors_never_echo_the_bad_cell(tmp_path, column, value):
    from surveykit.ranking import read_rankings

    rows = list(csv.reader(open(SAMPLE_RANKINGS, encoding="utf-8")))
    j = rows[0].index(column)
    rows[3][j] = value
    path = write_rows(tmp_path / "rank.csv", rows)
    messages = _errors_of(lambda: read_rankings(path))
    assert messages, "the bad cell should be refused"
    for m in messages:
        assert_clean(m)
    res = run_cli("rank", path)
    assert res.returncode in (1, 2) and "Traceback" not in res.stderr
    assert_clean(res.stderr + res.stdout)


def test_cli_stderr_never_echoes_planted_cells(planted_export):
    for args in (("score", planted_export, "--question", "q1"), ("validate", planted_export, "--format", "csv"),
                 ("compare", planted_export, "--question", "q5")):
        res = run_cli(*args)
        assert "Traceback" not in res.stderr
        assert_clean(res.stderr)


def test_data_quality_messages_never_echo_planted_cells(planted_export):
    from surveykit.pipeline import load_responses

    issues = load_responses(planted_export).issues
    assert {i.code for i in issues} >= {"duplicate_id", "unknown_sector", "unknown_label"}
    for issue in issues:
        assert_clean(issue.message)
