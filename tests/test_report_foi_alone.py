"""`surveykit report --foi RETURNS` without a survey: a report of the FOI returns alone (their section
"What local authorities told us" and the methods), in every format the survey report has. Its FOI tables
are the ones the same returns give inside the survey report, protection included."""

from __future__ import annotations

import hashlib
import json

import pytest
from conftest import SAMPLE_DIR

import surveykit as sk
from surveykit.errors import UsageError

RETURNS = SAMPLE_DIR / "foi_returns.xlsx"
pytestmark = pytest.mark.skipif(not RETURNS.is_file(), reason="the FOI sample is not generated")


@pytest.fixture(scope="module")
def alone(tmp_path_factory):
    """(folder, stderr, progress) of `surveykit report --foi RETURNS` run in an empty folder, with no
    --out. ``progress``: the total the command gave its progress bar and the steps it reported to it
    (the real bar, watched through a wrapper)."""
    from contextlib import contextmanager

    from conftest import run_cli

    from surveykit.cli import reporting

    real_bar = reporting._progress_bar
    progress: dict = {"steps": []}

    @contextmanager
    def watched_bar(total):
        progress["total"] = total
        with real_bar(total) as on_step:
            def step(name):
                progress["steps"].append(name)
                on_step(name)

            yield step

    work = tmp_path_factory.mktemp("foi_alone")
    with pytest.MonkeyPatch.context() as m:
        m.setattr(reporting, "_progress_bar", watched_bar)
        r = run_cli("report", "--foi", RETURNS, cwd=work)
    assert r.returncode == 0, r.stderr
    return work / "reports" / "foi", r.stderr, progress


@pytest.fixture(scope="module")
def library_report():
    """``sk.report(None, foi=...)`` of the returns read by ``sk.read_foi``: built once for the module's
    library tests (a Report is not changed by writing it)."""
    return sk.report(None, foi=sk.read_foi(RETURNS))


@pytest.fixture(scope="module")
def with_survey(tmp_path_factory):
    """The README's survey report with the same returns (a run shared with tests/test_report_foi.py)."""
    from conftest import shared_cli_run
    from test_report_foi import README_COMMAND, README_ENV

    work, proc = shared_cli_run(tmp_path_factory, *README_COMMAND, env=README_ENV)
    assert proc.returncode == 0, proc.stderr
    return work / "reports" / "2026"


def test_the_report_holds_the_returns_and_the_methods_only(alone):
    folder, stderr, _ = alone
    assert "wrote reports/foi/ (2 sections" in stderr
    for name in ("report.html", "report.md", "report.docx", "tables.xlsx", "manifest.json"):
        assert (folder / name).stat().st_size > 0, name
    md = (folder / "report.md").read_text(encoding="utf-8")
    heads = [line for line in md.splitlines() if line.startswith("## ") and line != "## Contents"]
    assert heads == ["## 1. What local authorities told us", "## 2. Methods"]
    assert md.startswith("# Local authority FOI returns\n")
    assert "Returns of 217 local authorities (foi_returns.xlsx); waves 2016, 2018, 2020, 2024. " \
           "Small counts suppressed." in md
    assert "professionals" not in md and "Who responded" not in md
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sections"] == ["foi_returns", "methods"]
    assert list(manifest["inputs"]) == ["foi:1"]
    assert manifest["inputs"]["foi:1"]["sha256"] == hashlib.sha256(RETURNS.read_bytes()).hexdigest()
    assert manifest["parameters"] == {"suppress": True, "threshold": 5, "foi_reference_rate": None}
    assert sorted(p.name for p in (folder / "charts").iterdir()) == sorted(
        f"{stem}.{fmt}" for stem in ("foi_regions_2016", "foi_regions_2018", "foi_regions_2020", "foi_regions_2024",
                                     "foi_share_by_wave") for fmt in ("png", "svg"))


def test_its_foi_tables_and_charts_are_the_survey_reports(alone, with_survey):
    folder, _, _ = alone
    tables = sorted(p.name for p in (folder / "tables").glob("foi_*.csv"))
    assert tables and tables == sorted(p.name for p in (with_survey / "tables").glob("foi_*.csv"))
    for name in tables:
        assert (folder / "tables" / name).read_bytes() == (with_survey / "tables" / name).read_bytes(), name
    for chart in (folder / "charts").iterdir():
        assert chart.read_bytes() == (with_survey / "charts" / chart.name).read_bytes(), chart.name


def test_library_report_of_the_returns_alone(library_report, tmp_path):
    report = library_report
    assert [s.id for s in report.sections] == ["foi_returns", "methods"]
    assert report.title == "Local authority FOI returns"
    written = report.write(tmp_path / "r")
    assert (written / "report.html").is_file()
    internal = sk.report(None, foi=RETURNS, suppress=False)
    assert "INTERNAL" in internal.subtitle and internal.manifest["parameters"]["suppress"] is False


def test_library_refuses_a_report_of_nothing_and_survey_options_without_a_survey():
    with pytest.raises(UsageError, match="got neither"):
        sk.report(None)
    with pytest.raises(UsageError, match="by goes with the survey responses"):
        sk.report(None, foi=RETURNS, by="sector")
    with pytest.raises(UsageError, match="rankings goes with the survey responses"):
        sk.report(None, foi=RETURNS, rankings=SAMPLE_DIR / "youth_ranking.csv")


def test_the_suppression_footnote_of_the_foi_tables_speaks_of_children(alone):
    """The FOI tables count children (and authorities, never suppressed): a table with a suppressed cell
    says so under it, in the report's text and in the workbook."""
    from openpyxl import load_workbook

    folder, _, _ = alone
    md = (folder / "report.md").read_text(encoding="utf-8")
    assert "a count of fewer than 5 children or a number from which one could be worked out" in md
    assert "a count of fewer than 5 respondents" not in md
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "a count of fewer than 5 children" in html and "a count of fewer than 5 respondents" not in html
    sheet = load_workbook(folder / "tables.xlsx", read_only=True)["foi_regions"]
    texts = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any("a count of fewer than 5 children" in t for t in texts)


def test_an_internal_report_of_the_returns_says_so(cli, tmp_path):
    out = tmp_path / "internal"
    r = cli("report", "--foi", SAMPLE_DIR / "foi_returns.csv", "--no-suppress", "--out", out)
    assert r.returncode == 0, r.stderr
    assert "--no-suppress: small counts are published; for internal use only" in r.stderr
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "INTERNAL: small counts NOT suppressed." in md and "[c]" not in md
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["parameters"]["suppress"] is False


def test_a_threshold_of_one_is_said_to_suppress_nothing():
    report = sk.report(None, foi=RETURNS, threshold=1)
    assert report.subtitle.endswith(". No count suppressed (threshold 1).")
    methods = next(t.frame for t in report.tables if t.id == "methods")["method"].tolist()
    assert "No count is suppressed (threshold 1)." in methods and not any("1 to 0" in m for m in methods)


def test_source_date_epoch_makes_two_report_folders_byte_identical(library_report, cli, tmp_path, monkeypatch):
    """manifest.json records when the report was written; SOURCE_DATE_EPOCH fixes that time (the
    reproducible-builds convention), so that two runs give the same bytes in every file."""
    import time

    report = library_report
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    first = report.write(tmp_path / "a")
    time.sleep(1.1)  # a second later: the clock alone would change generated_at
    second = report.write(tmp_path / "b")

    def digests(root):
        return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob("*")) if p.is_file()}

    assert digests(first) == digests(second)
    assert json.loads((first / "manifest.json").read_text())["generated_at"] == "2026-01-01T00:00:00+00:00"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "next tuesday")
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH must be whole seconds"):
        report.write(tmp_path / "c")
    assert not (tmp_path / "c").exists()
    r = cli("report", "--foi", RETURNS, "--out", tmp_path / "d")  # refused before anything is read or drawn
    assert r.returncode == 2 and r.stderr.strip() == ("surveykit: error: SOURCE_DATE_EPOCH must be whole seconds "
                                                      "since 1970-01-01 (UTC); got 'next tuesday'"), r.stderr
    assert not (tmp_path / "d").exists()


def test_the_progress_bar_counts_the_steps_a_report_of_the_returns_takes(alone):
    """The command sizes its progress bar before the run: as many steps as the run reports."""
    _, _, progress = alone
    assert progress["steps"][:3] == ["inputs", "foi", "methods"] and len(progress["steps"]) == progress["total"]


def test_an_unreadable_source_date_epoch_stops_a_chart_command_in_one_line(cli, tmp_path, monkeypatch):
    """matplotlib reads SOURCE_DATE_EPOCH for every SVG it writes: a value it cannot read is the user's
    error, said in one line, not an internal error while drawing."""
    from conftest import SAMPLE_SURVEY

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    r = cli("effectiveness", SAMPLE_SURVEY, "--chart-out", tmp_path / "charts")
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip() == "surveykit: error: SOURCE_DATE_EPOCH must be whole seconds since 1970-01-01 (UTC); " \
                               "got 'yesterday'"
    assert not (tmp_path / "charts").exists() or not any((tmp_path / "charts").iterdir())
