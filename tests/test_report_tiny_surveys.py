"""A report of a survey with one, or three, respondents (a pilot, or the first answers of an export).

With every respondent in one group (one respondent; or a few in as many regions, pooled as one
"other answers" group), ``surveykit report`` stopped with an internal error in two places:
- the coded answers by group, protected as a two-way table whose code totals are published: a small
  count was that published total, which no other cell can cover. The table is now hidden whole, as
  ``coding.published.protect_sectors`` hides its own in that case (with fewer than 5 answers, as here,
  the field's coded tables are now left out altogether: test_report_small_bases_disclosure, which
  also checks the hidden-whole table of a pilot of eight);
- who responded: the group's size and completion are the published totals. They are now taken as
  known (they add nothing to the totals row) and the rest is protected as before.
"""

from __future__ import annotations

import csv

import pandas as pd
from conftest import SAMPLE_SURVEY

C = "[c]"


def _first_respondents(path, n: int):
    """The sample export cut to its first ``n`` respondents (two header rows, as SurveyMonkey writes)."""
    with open(SAMPLE_SURVEY, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows[:2 + n])
    return path


def test_cli_report_by_region_of_a_pilot_of_three(cli, tmp_path):
    # Three respondents in three regions: each region has fewer than 5, so all three are pooled as one
    # group ("other answers"), which then holds every respondent and every coded answer.
    survey = _first_respondents(tmp_path / "pilot.csv", 3)
    r = cli("report", "--survey", survey, "--by", "region", "--out", tmp_path / "rep")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    who = pd.read_csv(tmp_path / "rep" / "tables" / "who_responded_by_region.csv", dtype=str, keep_default_na=False)
    total = who[who["group"] == "total"].iloc[0]
    body = who[who["group"] != "total"]
    assert len(body) == 1  # the pooled group: its size and completion are the published totals
    assert body.iloc[0]["respondents"] == total["respondents"] == "3"
    assert body.iloc[0]["completed"] == total["completed"]
    # Three answers to Q7 at most: a small count, so its coded tables are left out with the reason.
    assert not list((tmp_path / "rep" / "tables").glob("q7_code*"))
    said = [line for line in (tmp_path / "rep" / "report.md").read_text(encoding="utf-8").splitlines()
            if line.startswith("Coded answers to Q7")]
    assert said and all("\\[c\\] answers" in line and "not published" in line for line in said)


def test_library_report_of_one_respondent(tmp_path):
    import surveykit as sk

    report = sk.report(sk.read(_first_respondents(tmp_path / "one.csv", 1)))
    tables = {t.id: t.frame for t in report.tables}
    # One answer to Q7: its coded tables are left out, the sentence says why.
    assert not [t for t in tables if t.startswith("q7_code")]
    said = [b.text for s in report.sections for b in s.blocks
            if isinstance(getattr(b, "text", None), str) and b.text.startswith("Coded answers to Q7")]
    assert said and all(f"{C} answers" in t and "not published" in t for t in said)


def test_group_sizes_of_one_group_are_the_totals():
    from surveykit.disclosure import protect_group_sizes

    # One group of 3, 2 of them completed: size, completed and not completed are the published totals.
    assert protect_group_sizes(["everyone"], [3], [2], threshold=5) == frozenset()
    # Beside an empty group (whose size a reader does not know to be 0), the small one is hidden as before.
    assert {("size", "a"), ("size", "b")} <= protect_group_sizes(["a", "b"], [3, 0], [2, 0], threshold=5)


def test_a_threshold_of_one_is_said_to_suppress_nothing(tmp_path):
    """--threshold 1 hides no count: the subtitle and the methods say so, not "counts of 1 to 0"."""
    import surveykit as sk

    report = sk.report(sk.read(_first_respondents(tmp_path / "two.csv", 2)), threshold=1)
    assert report.subtitle.endswith(". No count suppressed (threshold 1), quotes redacted.")
    methods = next(t.frame for t in report.tables if t.id == "methods")
    control = methods.loc[methods["topic"] == "Disclosure control", "method"].tolist()
    assert control == ["Published tables suppress no count (threshold 1); quotes are redacted."]
    assert not any("1 to 0" in m for m in methods["method"])
