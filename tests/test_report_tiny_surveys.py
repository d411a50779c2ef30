"""A report of a survey with one, or three, respondents (a pilot, or the first answers of an export).

The coded answers by group were protected as a two-way table whose code totals are published; with
every answer in one group, a small count is that published total and no other cell can cover it, and
``surveykit report`` stopped with an internal error. The table is now hidden whole, as
``coding.published.protect_sectors`` hides its own in that case.
"""

from __future__ import annotations

import csv

import pandas as pd
from conftest import SAMPLE_SURVEY

C = "[c]"


def _first_respondents(path, n: int, *, sector: str | None = None):
    """The sample export cut to its first ``n`` respondents (two header rows, as SurveyMonkey writes),
    each answering ``sector`` to the sector question when given."""
    with open(SAMPLE_SURVEY, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    if sector is not None:
        column = rows[0].index("Which sector do you work in?")
        for row in rows[2:]:
            row[column] = sector
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows[:2 + n])
    return path


def test_cli_report_of_a_pilot_of_three_in_one_sector(cli, tmp_path):
    survey = _first_respondents(tmp_path / "pilot.csv", 3, sector="Police and criminal justice")
    import surveykit as sk

    assert sk.read(survey).data["sector"].nunique() == 1
    r = cli("report", "--survey", survey, "--out", tmp_path / "rep")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    wide = pd.read_csv(tmp_path / "rep" / "tables" / "q7_codes_by_sector.csv", dtype=str, keep_default_na=False)
    groups = [c for c in wide.columns if c not in ("code_id", "code_label")]
    assert groups and (wide[groups] == C).all().all()
    notes = [line for line in (tmp_path / "rep" / "report.md").read_text(encoding="utf-8").splitlines()
             if "Answers per group:" in line]
    assert notes and all("\\[c\\]" in line for line in notes)
    who = pd.read_csv(tmp_path / "rep" / "tables" / "who_responded_by_sector.csv", dtype=str, keep_default_na=False)
    body = who[who["group"] != "total"]
    assert all(v == C or v == "0" or int(v) >= 5 for v in body["respondents"])


def test_library_report_of_one_respondent(tmp_path):
    import surveykit as sk

    report = sk.report(sk.read(_first_respondents(tmp_path / "one.csv", 1)))
    tables = {t.id: t.frame for t in report.tables}
    wide = tables["q7_codes_by_sector"]
    groups = [c for c in wide.columns if c not in ("code_id", "code_label")]
    assert groups and (wide[groups] == C).all().all()
