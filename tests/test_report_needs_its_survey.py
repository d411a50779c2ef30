"""`surveykit report` without --survey is the shipped sample study's report. A user's own rankings,
coded files or FOI returns given without their survey would be reported beside the sample's made-up
answers, in a report that looks like theirs: the command refuses them before it writes anything.
With --survey the same files are reported (tests/test_report_foi.py runs the README's example)."""

from __future__ import annotations

import pytest

from conftest import SAMPLE_DIR, SAMPLE_RANKINGS


@pytest.mark.parametrize("given", [["--foi"], ["--rankings"], ["--coded"], ["--rankings", "--coded", "--foi"]])
def test_own_files_without_their_survey_are_refused(cli, tmp_path, given):
    files = {"--foi": SAMPLE_DIR / "foi_returns.csv", "--rankings": SAMPLE_RANKINGS,
             "--coded": tmp_path / "coder_b.csv"}
    (tmp_path / "coder_b.csv").write_text("respondent_id,question_id,code_id\nR1,q7,debt_bondage\n", encoding="utf-8")
    args = [arg for option in given for arg in (option, files[option])]
    out = tmp_path / "report"
    r = cli("report", *args, "--out", out)
    assert r.returncode == 2, r.stderr
    line = r.stderr.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line
    assert f"{' and '.join(given)} without --survey" in line and "made-up answers" in line
    assert ("surveykit foi summary" in line) == ("--foi" in given)
    assert not out.exists()
    assert r.stdout == ""

