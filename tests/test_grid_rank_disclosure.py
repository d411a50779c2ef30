"""The rank of a grid item whose share is suppressed (``rank_grid``, ``effectiveness``, ``reasons``).

A ranked grid orders its items by their top-box share. Where that share is suppressed but the item's
base is shown, its place between two shown shares bounds it, and the bound can leave one possible
count. The attack below is written here, apart from surveykit: for each suppressed share, take the
nearest shown shares above and below it in the published order (each as printed, so +-0.05) and list
the whole counts of its base that fall between them. Before the fix it pinned, in the shipped sample,
how many of the 17 West Midlands respondents see q15_forced_to_leave often (4; with the shares shown
beside it, the count of "never" too). Ranks and order now come from the published shares only.
"""

from __future__ import annotations

import csv
import io

import pytest
from conftest import SAMPLE_SURVEY, run_cli

import surveykit as sk

MARKER = "[c]"


def _pinned(rows: list[dict], share: str) -> list[tuple[str, str, int]]:
    """(group, item, count) for every suppressed share whose place in the published order leaves one count.
    A row published without a rank is placed by the published numbers and the questionnaire's order
    (``_check_order``), so its place says nothing about its share: the attack tries ranked rows only."""
    out = []
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["group"], []).append(row)
    for group, items in groups.items():  # in the published order
        for k, row in enumerate(items):
            if row[share] != MARKER or row["n"] == MARKER or row["rank"] == MARKER:
                continue
            above = [float(r[share]) for r in items[:k] if r[share] != MARKER]
            below = [float(r[share]) for r in items[k + 1:] if r[share] != MARKER]
            hi, lo = (min(above) if above else 100.0) + 0.05, (max(below) if below else 0.0) - 0.05
            n = int(row["n"])
            fits = [c for c in range(n + 1) if lo <= 100 * c / n <= hi]
            if len(fits) == 1:
                out.append((group, row["item_id"], fits[0]))
    return out


def _check_order(rows: list[dict], share: str, items_in_order: list[str]) -> None:
    """Within each group: every suppressed share unranked and after every shown one; ranks 1..k in order;
    the unranked rows ordered by their published mean (a suppressed one last), then as the
    questionnaire lists the items."""
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["group"], []).append(row)
    place = {item: k for k, item in enumerate(items_in_order)}
    for items in groups.values():
        hidden = [r[share] == MARKER for r in items]
        assert hidden == sorted(hidden)  # shown first
        assert all((r["rank"] == MARKER) == h for r, h in zip(items, hidden))
        assert [int(r["rank"]) for r, h in zip(items, hidden) if not h] == list(range(1, hidden.count(False) + 1))
        unranked = [r for r, h in zip(items, hidden) if h]
        expected = sorted(unranked, key=lambda r: (r["mean"] == MARKER, -float(r["mean"]) if r["mean"] != MARKER
                                                   else 0.0, place[r["item_id"]]))
        assert [r["item_id"] for r in unranked] == [r["item_id"] for r in expected]


def _items(question: str) -> list[str]:
    return [item.id for item in sk.read(SAMPLE_SURVEY).instrument.question(question).items]


@pytest.mark.skipif(not SAMPLE_SURVEY.exists(), reason="the sample study has not been generated")
def test_reasons_by_region_no_longer_pins_a_suppressed_count():
    res = run_cli("reasons", SAMPLE_SURVEY, "--question", "q15", "--by", "region", "--format", "csv")
    assert res.returncode == 0, res.stderr
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert any(r["pct_often"] == MARKER and r["n"] != MARKER for r in rows)  # the attack has something to try
    _check_order(rows, "pct_often", _items("q15"))
    assert _pinned(rows, "pct_often") == []
    # The same question ranked without suppression (internal use): the attack's arithmetic is right, the
    # count it pinned before is the true one.
    raw = sk.rank_grid(sk.read(SAMPLE_SURVEY), question="q15", by="region", suppress=False)
    true = raw[(raw["group"] == "West Midlands") & (raw["item_id"] == "q15_forced_to_leave")].iloc[0]
    assert (true["n"], round(true["pct_top_box"] * true["n"] / 100)) == (17, 4)


@pytest.mark.skipif(not SAMPLE_SURVEY.exists(), reason="the sample study has not been generated")
@pytest.mark.parametrize("question,by", [("q14", "region"), ("q15", "region"), ("q45", "sector"), ("q45", "region")])
def test_the_library_ranks_only_published_shares(question, by):
    table = sk.rank_grid(sk.read(SAMPLE_SURVEY), question=question, by=by)
    rows = [{k: (v if isinstance(v, str) else str(v)) for k, v in r.items()} for r in table.to_dict("records")]
    _check_order(rows, "pct_top_box", _items(question))
    assert _pinned(rows, "pct_top_box") == []
    for sort in ("mean", "instrument"):  # other orders: the ranks are the same published ranks
        other = sk.rank_grid(sk.read(SAMPLE_SURVEY), question=question, by=by, sort=sort)
        key = ["group", "item_id"]
        assert other.set_index(key)["rank"].astype(str).to_dict() == table.set_index(key)["rank"].astype(str).to_dict()


@pytest.mark.skipif(not SAMPLE_SURVEY.exists(), reason="the sample study has not been generated")
def test_the_sample_reports_grid_by_sector_lists_suppressed_shares_last_unranked(sample_report):
    with (sample_report.folder / "tables" / "q45_by_sector_long.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert any(r["pct_top_box"] == MARKER for r in rows)
    _check_order(rows, "pct_top_box", _items("q45"))
    md = (sample_report.folder / "report.md").read_text(encoding="utf-8")
    assert "ranks use the true values" not in md and "comes last, unranked" in md
