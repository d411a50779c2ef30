"""Real SurveyMonkey exports written by other people (read from ../shared, never copied here).

Expected values were read off the files by hand: the header rows, the number of questions and
respondents, and the counts of one closed answer.
"""

from __future__ import annotations

import json



def _inspect(cli, path, *args):
    result = cli("inspect", path, "--format", "json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _column(report, header_start, subheader=None):
    for c in report["columns"]:
        if c["header"].startswith(header_start) and (subheader is None or c["subheader"] == subheader):
            return c
    raise AssertionError(f"no column starting {header_start!r}")


def test_churcharmy_csv(cli, external):
    report = _inspect(cli, external / "surveymonkey" / "churcharmy_monkeyreadr_test-responses.csv")
    assert report["platform"] == "surveymonkey"
    assert report["header_rows"] == 2
    assert report["respondents"] == 16
    assert report["questions_in_file"] == 9
    relevant = _column(report, "How much of this module's learning material was relevant")
    assert relevant["subheader"] == "Response"
    # A value given fewer than 5 times is counted, not listed (it is no option of the instrument used).
    assert relevant["values"] == "Most of it (7); All of it (6); 1 other value(s) given fewer than 5 times, not shown"
    full = _inspect(cli, external / "surveymonkey" / "churcharmy_monkeyreadr_test-responses.csv", "--no-suppress")
    assert full["columns"][relevant["index"]]["values"] == "Most of it (7); All of it (6); Some of it (3)"
    # The comment column under a blank row-1 header belongs to the question before it.
    comment = report["columns"][17]
    assert comment["header"].startswith("To what extent do you agree with this statement? \"I was given")
    assert comment["subheader"] == "Is there anything else you would like to say about this?"
    # The typo in the choice text is kept as exported.
    assert "Aagree (6)" in report["columns"][18]["values"]
    # Free text is never shown by inspect.
    assert "not shown" in _column(report, "What do you think were the main strengths")["values"]


def test_rizwanafahim_xlsx_raw_data_sheet(cli, external):
    report = _inspect(cli, external / "surveymonkey" / "rizwanafahim_surveymonkey_output_edited.xlsx")
    assert report["platform"] == "surveymonkey"
    assert report["header_rows"] == 2
    assert report["respondents"] == 198
    assert report["questions_in_file"] == 36
    division = _column(report, "Identify which division you work in.", "Response")
    assert division["values"].startswith("Infrastructure (48); Finance (44); Information Technology (26)")
    other = _column(report, "Identify which division you work in.", "Other (please specify)")
    # Typed "Other" answers given once can identify someone: counted, not listed, unless asked for.
    assert other["values"] == "2 other value(s) given fewer than 5 times, not shown"
    full = _inspect(cli, external / "surveymonkey" / "rizwanafahim_surveymonkey_output_edited.xlsx", "--no-suppress")
    assert full["columns"][other["index"]]["values"] == "Construction (1); Rather not say (1)"
    assert _column(report, "Question 5", "Response 6")["subheader"] == "Response 6"


def test_the_collector_list_is_not_mistaken_for_responses(cli, external):
    report = _inspect(cli, external / "surveymonkey" / "churcharmy_monkeyreadr_collector_list.csv")
    assert report["platform"] != "surveymonkey"
    assert report["respondents"] == 5
