"""`surveykit report --foi`: the local authority section comes first, its figures are the ones the
study published for 2016 (590 trafficked children in care, 167 (28%) went missing; DESIGN.md §8), and
the returns are recorded in the manifest."""

from __future__ import annotations

import csv
import hashlib
import json

import pytest

import surveykit as sk
from conftest import SAMPLE_DIR

RETURNS = SAMPLE_DIR / "foi_returns.xlsx"
pytestmark = pytest.mark.skipif(not RETURNS.is_file(), reason="the FOI sample is not generated")


#: The README's example (its section "The report and what it writes"): the shipped sample with its FOI
#: returns. tests/test_readme.py runs the same command, in the same workspace and environment, through
#: conftest.shared_cli_run, so one run per test run serves both files.
README_COMMAND = ("report", "--survey", "responses/sample/professional_survey.csv", "--rankings",
                  "responses/sample/youth_ranking.csv", "--foi", "responses/sample/foi_returns.xlsx", "--out",
                  "reports/2026")
README_ENV = {"COLUMNS": "100", "LINES": "50"}


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    """`surveykit report --foi RETURNS` on the shipped sample (read-only: a shared run)."""
    from conftest import shared_cli_run

    work, proc = shared_cli_run(tmp_path_factory, *README_COMMAND, env=README_ENV)
    assert proc.returncode == 0, proc.stderr
    assert (work / "responses" / "sample" / "foi_returns.xlsx").resolve() == RETURNS.resolve()
    return work / "reports" / "2026"


def test_foi_section_comes_first_with_the_published_2016_figures(report_dir):
    md = (report_dir / "report.md").read_text(encoding="utf-8")
    heads = [line for line in md.splitlines() if line.startswith("## ") and line != "## Contents"]
    assert heads[0] == "## 1. What local authorities told us"
    assert "167 of 590 children identified or suspected as trafficked in care went missing" in md
    with open(report_dir / "tables" / "foi_share_missing.csv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["wave"] == "2016"]
    traff = next(r for r in rows if r["cohort"] == "trafficked")
    assert (traff["numerator"], traff["denominator"]) == ("167", "590")
    unacc = next(r for r in rows if r["cohort"] == "unaccompanied")
    assert (unacc["numerator"], unacc["denominator"]) == ("593", "4744")


def test_foi_returns_in_the_manifest(report_dir):
    m = json.loads((report_dir / "manifest.json").read_text())
    assert m["inputs"]["foi:1"]["sha256"] == hashlib.sha256(RETURNS.read_bytes()).hexdigest()
    assert m["sections"][0] == "foi_returns"


def test_library_report_with_foi(sample_responses):
    report = sk.report(sample_responses, foi=sk.read_foi(RETURNS))
    assert report.sections[0].id == "foi_returns" and report.sections[1].id == "who_responded"
