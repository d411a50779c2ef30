"""Values of the data and the instrument that a report must survive: a group named with a comma,
ids that collide once the report adds its suffixes (or differ only in case), groups whose file names
would be one, and control characters in a table printed to a terminal."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from conftest import SAMPLE_RANKINGS, SAMPLE_SURVEY
from surveykit.errors import UsageError


def _sample_with_region(tmp_path, renames: dict[str, str]):
    rows = list(csv.reader(open(SAMPLE_SURVEY, newline="", encoding="utf-8")))
    j = next(k for k, h in enumerate(rows[0]) if h.startswith("Which nation or region"))
    for row in rows[2:]:
        row[j] = renames.get(row[j], row[j])
    out = tmp_path / "survey.csv"
    with open(out, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return out


@pytest.fixture(scope="module")
def hostile_region_report(tmp_path_factory):
    """One report by region of the sample with regions renamed: "Yorkshire, Humber" (a comma; the
    report's own two-largest-groups comparison passed it on as two groups and stopped), "$\\foo{$"
    and "cost $5 and $6" (matplotlib reads "$...$" as mathematics: the first stopped the report with
    an internal error, the second was drawn as maths)."""
    from conftest import run_cli

    tmp_path = tmp_path_factory.mktemp("hostile_region")
    survey = _sample_with_region(tmp_path, {"London": "Yorkshire, Humber", "Scotland": "$\\foo{$",
                                            "Wales": "cost $5 and $6"})
    out = tmp_path / "rep"
    r = run_cli("report", "--survey", survey, "--rankings", SAMPLE_RANKINGS, "--by", "region", "--out", out)
    return r, out


def test_a_group_named_with_a_comma_is_one_group(hostile_region_report):
    r, out = hostile_region_report
    assert r.returncode == 0, r.stderr
    from surveykit.compare import parse_groups

    assert parse_groups(["Yorkshire, Humber", "Wales"]) == ["Yorkshire, Humber", "Wales"]
    assert parse_groups("Wales, Scotland") == ["Wales", "Scotland"]  # the CLI's --groups is comma-separated


def _report(*ids: str):
    from surveykit.report.model import Report, SectionBuilder

    sb = SectionBuilder("s", "S")
    for i in ids:
        sb.table(i, "T", pd.DataFrame({"a": [1]}))
    return Report(title="t", subtitle="", sections=(sb.build(),))


@pytest.mark.parametrize("ids", [("q2_top_box_by_sector", "q2_top_box_by_sector"), ("Q2_chart", "q2_chart")])
def test_two_tables_of_one_name_are_a_usage_error_nothing_written(tmp_path, ids):
    from surveykit.report.writers import write_report

    with pytest.raises(UsageError, match="would write two tables named"):
        write_report(_report(*ids), tmp_path / "rep")
    assert list(tmp_path.iterdir()) == []


def test_voices_charts_of_groups_with_one_slug_are_both_written(cli, tmp_path):
    survey = _sample_with_region(tmp_path, {"London": "South/East", "Wales": "South_East"})
    out = tmp_path / "charts"
    r = cli("voices", survey, SAMPLE_RANKINGS, "--by", "region", "--chart-out", out)
    assert r.returncode == 0, r.stderr
    # "South East" (a region of the sample), "South/East" and "South_East": three groups, three charts.
    names = sorted(p.name for p in out.glob("voices_South_East*.png"))
    assert len(names) == 3, names
    from surveykit.report.model import file_ids

    assert file_ids(["South/East", "South_East", "North", "north", "a", "a", "a_2"]) == [
        "South_East_1", "South_East_2", "North_3", "north_4", "a_5", "a_6", "a_2"]


def test_a_table_for_people_shows_no_terminal_escape_sequence(cli, tmp_path):
    answers = tmp_path / "answers.csv"
    answers.write_text("respondent_id,sector,answer\n"
                       "r1,A,\"debt bondage \x1b]52;c;ZWNobyBwd25lZA==\x07 done\"\n"
                       "r2,A,\"debt bondage \x1b]0;TITLE\x07 \u202egnirts\u202c done\"\n", encoding="utf-8")
    r = cli("code", "run", answers, "--text-column", "answer", "--view", "rows")
    assert r.returncode == 0, r.stderr
    for stream in (r.stdout, r.stderr):
        assert "\x1b" not in stream and "\x07" not in stream and "\u202e" not in stream
    from surveykit.cli.common import for_terminal

    assert for_terminal("a\tb\x1b[31mc\x9bd") == "a\tb\ufffd[31mc\ufffdd" and for_terminal("plain") == "plain"


def test_a_dollar_sign_in_a_label_is_drawn_as_written(hostile_region_report):
    import xml.etree.ElementTree as ET

    r, out = hostile_region_report
    assert r.returncode == 0, r.stderr
    svg = (out / "charts" / "who_responded_by_region.svg").read_text(encoding="utf-8")
    ET.fromstring(svg)
    assert "cost $5 and $6" in svg and "$\\foo{$" in svg
    from surveykit.report.charts import ranked_bars

    fig = ranked_bars(pd.DataFrame({"label": ["$x$"], "v": [3.0]}), value="v", label="label", xlabel="$y$")
    texts = [t for t in fig.findobj(lambda a: hasattr(a, "_parse_math")) if t.get_text()]
    assert texts and all(not t._parse_math for t in texts)  # (a tick made later is made while drawing)
    from surveykit.report.figures import draw

    assert "$y$" in draw(fig, "svg").decode("utf-8")
