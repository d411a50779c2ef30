"""The report's "two largest groups" are chosen, and ordered, among the groups whose size is published.

The plan's ``two_largest`` analysis used to pick and order the pair by the groups' true sizes, even
where the who-responded table shows a size as [c]: naming a hidden group as one of the two largest, or
putting it before a published one, tells a reader how its size compares with the sizes shown (with
the total, a narrower range for a small count). Published, the pair now comes from the published
sizes only (ties in the instrument's order); with fewer than two published the analysis is left out,
with the reason in the text and the methods. The text, the table, the methods and the manifest all
follow the same choice.
"""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest
from conftest import SAMPLE_SURVEY, run_cli

C = "[c]"

#: Respondents kept per sector, the first of each in the sample export.
SCENARIOS = {
    # one large group published; the other large one and the small one hidden: fewer than two published
    "one_published": {"local_authority": 30, "criminal_justice": 31, "ngo": 4},
    # Health (6) is hidden beside NGO (4): the true pair was LA and Health, the published one LA and Other
    "hidden_tie": {"local_authority": 24, "health": 6, "ngo": 4, "other": 6},
}


def _subset(path, counts: dict[str, int]):
    """The sample export cut to the first ``counts[sector]`` respondents of each sector named."""
    import surveykit as sk

    sectors = list(sk.read(SAMPLE_SURVEY).groups("sector"))
    with open(SAMPLE_SURVEY, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert len(rows) - 2 == len(sectors)  # one respondent a row after the two header rows
    keep, seen = [], dict.fromkeys(counts, 0)
    for row, s in zip(rows[2:], sectors):
        if s in counts and seen[s] < counts[s]:
            seen[s] += 1
            keep.append(row)
    assert seen == counts
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows[:2] + keep)
    return path


@pytest.fixture(scope="module", params=list(SCENARIOS))
def scenario(request, tmp_path_factory):
    name = request.param
    return name, _subset(tmp_path_factory.mktemp(name) / f"{name}.csv", SCENARIOS[name])


def _expected(who: pd.DataFrame) -> list[tuple[str, str]]:
    """(id, label) of the two largest groups whose size the who-responded table shows, ties in its order."""
    body = who[~who["group"].isin(["total", "unknown"])].reset_index(drop=True)
    shown = [(int(r.respondents), i, r.group, r.group_label) for i, r in body.iterrows()
             if str(r.respondents) != C and int(r.respondents) > 0]
    return [(g, label) for _, _, g, label in sorted(shown, key=lambda t: (-t[0], t[1]))[:2]]


def _true_pair(counts: dict[str, int], who: pd.DataFrame) -> list[str]:
    order = list(who["group"])
    return [g for g in sorted(counts, key=lambda g: (-counts[g], order.index(g)))][:2]


def _check(name: str, who: pd.DataFrame, texts: list[str], tables: dict[str, str], methods: list[tuple[str, str]],
           parameters: dict) -> None:
    """The pair named everywhere is the one the published sizes give (tables: id -> title)."""
    hidden = [r.group_label for r in who.itertuples() if r.group != "total" and str(r.respondents) == C]
    assert hidden, "the scenario must hide a group's size"
    expected = _expected(who)
    # the scenario is one where the true sizes would choose differently
    assert _true_pair(SCENARIOS[name], who) != [g for g, _ in expected]
    named = [t for t in texts if t.startswith("The two largest groups")]
    topics = [topic for topic, _ in methods]
    if len(expected) == 2:
        (a, la), (b, lb) = expected
        assert named == [f"The two largest groups, {la} and {lb}, compared on their own (Mann-Whitney U or a test of "
                         "independence on each item, corrected across these tests): " + named[0].split(": ", 1)[1]]
        assert tables["q45_two_largest"] == f"Q45: {la} vs {lb}"
        assert "Comparisons by sector (Q45, two largest groups)" in topics
        assert parameters["two_largest_groups"] == [a, b]
    else:
        assert len(named) == 1 and "not compared on their own" in named[0]
        assert "published" in named[0]
        assert "q45_two_largest" not in tables
        assert "Comparisons by sector (Q45, two largest groups)" not in topics
        assert ("Two largest groups", "left out: fewer than two groups of sector have a published size") in methods
        assert "two_largest_groups" not in parameters
    for label in hidden:  # no hidden group is named as one of the two largest
        assert not any(label in t for t in named)
        assert label not in tables.get("q45_two_largest", "")


def test_library_report_chooses_among_published_sizes(scenario):
    import surveykit as sk

    name, path = scenario
    report = sk.report(sk.read(path))
    tables = {t.id: t for t in report.tables}
    who = tables["who_responded_by_sector"].frame.astype({"respondents": object})
    texts = [b.text for s in report.sections if s.id == "effectiveness" for b in s.blocks if hasattr(b, "text")]
    methods = [(r.topic, r.method) for r in tables["methods"].frame.itertuples()]
    _check(name, who, texts, {i: t.title for i, t in tables.items()}, methods, dict(report.manifest["parameters"]))


def test_cli_report_chooses_among_published_sizes(scenario, tmp_path):
    name, path = scenario
    out = tmp_path / "rep"
    res = run_cli("report", "--survey", path, "--out", out)
    assert res.returncode == 0, res.stderr
    who = pd.read_csv(out / "tables" / "who_responded_by_sector.csv", dtype=str, keep_default_na=False)
    md = (out / "report.md").read_text(encoding="utf-8").replace("\\[c\\]", C)
    texts = [line for line in md.splitlines() if line]
    tables = {}
    if (out / "tables" / "q45_two_largest.csv").is_file():
        title = next(line for line in md.splitlines() if "in `tables/q45_two_largest.csv`" in line)
        tables["q45_two_largest"] = title.strip("*").split(": 20 rows in long form")[0]
    with open(out / "tables" / "methods.csv", encoding="utf-8", newline="") as f:
        methods = [(r["topic"], r["method"]) for r in csv.DictReader(f)]
    parameters = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["parameters"]
    _check(name, who, texts, tables, methods, parameters)


def test_unsuppressed_report_keeps_the_true_sizes(tmp_path):
    """With suppression off every size is shown: the pair is the true two largest, as before."""
    import surveykit as sk

    report = sk.report(sk.read(_subset(tmp_path / "s.csv", SCENARIOS["hidden_tie"])), suppress=False)
    assert report.manifest["parameters"]["two_largest_groups"] == ["local_authority", "health"]
