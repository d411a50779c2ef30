"""`surveykit report` without --survey is the shipped sample study's report, and with --foi alone a report
of the FOI returns alone (tests/test_report_foi_alone.py). A user's own rankings or coded files given
without their survey would be reported beside the sample's made-up answers, in a report that looks like
theirs: the command refuses them before it writes anything, and so does a report of FOI returns alone
given an option that only a survey can use. With --survey the same files are reported
(tests/test_report_foi.py runs the README's example)."""

from __future__ import annotations

import pytest
from conftest import SAMPLE_DIR, SAMPLE_RANKINGS


@pytest.fixture
def files(tmp_path):
    (tmp_path / "coder_b.csv").write_text("respondent_id,question_id,code_id\nR1,q7,debt_bondage\n", encoding="utf-8")
    (tmp_path / "mapping.yaml").write_text("columns: {}\n", encoding="utf-8")
    return {"--foi": SAMPLE_DIR / "foi_returns.csv", "--rankings": SAMPLE_RANKINGS, "--coded": tmp_path / "coder_b.csv",
            "--by": "sector", "--instrument": SAMPLE_DIR.parent.parent / "codebooks" / "professional_survey.yaml",
            "--codebook": SAMPLE_DIR.parent.parent / "codebooks" / "missing_reasons.yaml",
            "--mapping": tmp_path / "mapping.yaml", "--encoding": "cp1252"}


@pytest.mark.parametrize("given", [["--rankings"], ["--coded"], ["--rankings", "--coded"], ["--codebook"],
                                   ["--instrument"], ["--mapping"], ["--encoding"]])
def test_own_files_without_their_survey_are_refused(cli, tmp_path, files, given):
    args = [arg for option in given for arg in (option, files[option])]
    out = tmp_path / "report"
    r = cli("report", *args, "--out", out)
    assert r.returncode == 2, r.stderr
    line = r.stderr.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line
    assert f"{' and '.join(given)} without --survey" in line and "made-up answers" in line
    assert not out.exists() and r.stdout == ""


def test_analysis_options_still_apply_to_the_sample(cli, tmp_path, monkeypatch):
    """--by and --threshold say how to analyse, not whose data: with no --survey they go to the sample's
    report (stopped here before the build, which the sample report's own tests cover)."""
    from surveykit import pipeline

    seen = {}

    def build_report(survey, **kwargs):
        seen.update(kwargs, survey=survey)
        raise SystemExit(0)

    monkeypatch.setattr(pipeline, "build_report", build_report)
    r = cli("report", "--by", "region", "--threshold", "10", "--out", tmp_path / "r")
    assert r.returncode == 0, r.stderr
    assert seen["survey"].name == "professional_survey.csv" and seen["by"] == "region" and seen["threshold"] == 10


@pytest.mark.parametrize("given", [["--rankings"], ["--coded", "--by"], ["--instrument"]])
def test_a_report_of_foi_returns_alone_refuses_what_only_a_survey_uses(cli, tmp_path, files, given):
    args = [arg for option in ["--foi", *given] for arg in (option, files[option])]
    out = tmp_path / "report"
    r = cli("report", *args, "--out", out)
    assert r.returncode == 2, r.stderr
    line = r.stderr.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line
    assert f"{' and '.join(given)} without --survey: a report of FOI returns alone" in line
    assert not out.exists() and r.stdout == ""


def test_with_foi_alone_encoding_is_the_returns(cli, tmp_path, monkeypatch, files):
    """With --foi and no --survey, --encoding says how to read the returns (stopped once they are read)."""
    from surveykit import api
    from surveykit.errors import UsageError

    seen = {}

    def read_foi(paths, **kwargs):
        seen.update(kwargs, paths=paths)
        raise UsageError("stop here")

    monkeypatch.setattr(api, "read_foi", read_foi)
    r = cli("report", "--foi", files["--foi"], "--encoding", "cp1252", "--out", tmp_path / "r")
    assert r.returncode == 2 and "stop here" in r.stderr, r.stderr
    assert seen == {"paths": [files["--foi"]], "encoding": "cp1252"}
