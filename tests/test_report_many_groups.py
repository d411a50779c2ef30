"""A report by a grouping of more than 26 groups (areas, local authorities): the banner letters its
columns A to Z, and ``banner`` refused such a grouping with a usage error; inside the report that error
stopped the whole run, after every analysis had been done. The report now leaves the banner out and
says why, in its section and in the methods (through the command); a grouping of 26 keeps it (through
the library)."""

from __future__ import annotations

import csv

from conftest import SAMPLE_SURVEY


def _areas(path, n_areas: int, n_respondents: int):
    """The sample's first respondents, each placed in one of ``n_areas`` regions in turn (5 or more a
    region, so that none is pooled with the rare answers)."""
    with open(SAMPLE_SURVEY, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    column = next(k for k, h in enumerate(rows[0]) if h.startswith("Which nation or region"))
    rows = rows[:2 + n_respondents]
    for n, row in enumerate(rows[2:]):
        row[column] = f"Area {n % n_areas + 1:02d}"
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def test_a_report_by_27_areas_leaves_the_banner_out_and_says_why(cli, tmp_path):
    import pandas as pd
    import pytest

    import surveykit as sk
    from surveykit.banner import banner
    from surveykit.errors import UsageError

    survey = _areas(tmp_path / "areas.csv", 27, 135)
    r = cli("report", "--survey", survey, "--by", "region", "--out", tmp_path / "rep")
    assert r.returncode == 0, r.stderr
    tables = {p.stem for p in (tmp_path / "rep" / "tables").glob("*.csv")}
    assert not any("banner" in t for t in tables)
    assert {"q45_top_box_by_region", "q45_region_tests"} <= tables  # the tables by region are there
    md = (tmp_path / "rep" / "report.md").read_text(encoding="utf-8")
    assert "The banner table of Q45 is left out" in md and "has 27 groups" in md
    methods = pd.read_csv(tmp_path / "rep" / "tables" / "methods.csv", dtype=str, keep_default_na=False)
    assert any("27 groups" in " ".join(row) for row in methods.itertuples(index=False)), methods
    # the banner itself still refuses the grouping, naming the limit
    with pytest.raises(UsageError, match="at most 26 group columns; 'region' has 27"):
        banner(sk.read(survey), question="q45", by="region")


def test_a_report_by_26_areas_keeps_its_banner(tmp_path):
    import surveykit as sk

    report = sk.report(sk.read(_areas(tmp_path / "areas.csv", 26, 130)), by="region")
    assert "q45_banner" in {t.id for t in report.tables}
