"""A report by a grouping of more than 26 groups (areas, local authorities): the banner letters its
columns A to Z, and ``banner`` refused such a grouping with a usage error; inside the report that error
stopped the whole run, after every analysis had been done. The report now leaves the banner out and
says why, in its section and in the methods."""

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


def test_a_report_by_27_areas_leaves_the_banner_out_and_says_why(tmp_path):
    import pytest

    import surveykit as sk
    from surveykit.banner import banner
    from surveykit.errors import UsageError

    responses = sk.read(_areas(tmp_path / "areas.csv", 27, 135))
    report = sk.report(responses, by="region")
    tables = {t.id: t for t in report.tables}
    assert not any("banner" in i for i in tables)
    assert {"q45_top_box_by_region", "q45_region_tests"} <= set(tables)  # the tables by region are there
    texts = [getattr(block, "text", "") for s in report.sections for block in s.blocks]
    assert any("banner table of Q45 is left out" in t and "27 groups" in t for t in texts), texts
    methods = tables["methods"].frame
    assert any("27 groups" in " ".join(map(str, row)) for row in methods.itertuples(index=False)), methods
    # the banner itself still refuses the grouping, naming the limit
    with pytest.raises(UsageError, match="at most 26 group columns; 'region' has 27"):
        banner(responses, question="q45", by="region")


def test_a_report_by_26_areas_keeps_its_banner(tmp_path):
    import surveykit as sk

    report = sk.report(sk.read(_areas(tmp_path / "areas.csv", 26, 130)), by="region")
    assert "q45_banner" in {t.id for t in report.tables}
