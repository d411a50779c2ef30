"""`surveykit voices`: young people's ranking beside professionals' q45 ratings, on the shipped sample."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from scipy import stats

from conftest import SAMPLE_RANKINGS, SAMPLE_SURVEY
from surveykit.errors import UsageError


@pytest.fixture(scope="module")
def charts(tmp_path_factory):
    return tmp_path_factory.mktemp("voices_charts")


@pytest.fixture(scope="module")
def runs(charts):
    from conftest import run_cli

    return {
        # the statistics are checked on the internal (unsuppressed) output; the published one below
        "csv": run_cli("voices", SAMPLE_SURVEY, SAMPLE_RANKINGS, "--by", "sector", "--format", "csv",
                       "--chart-out", charts, "--no-suppress"),
        "published": run_cli("voices", SAMPLE_SURVEY, SAMPLE_RANKINGS, "--by", "sector", "--format", "csv"),
        "table": run_cli("voices", SAMPLE_SURVEY, SAMPLE_RANKINGS, "--by", "sector"),
        "json": run_cli("voices", SAMPLE_SURVEY, SAMPLE_RANKINGS, "--format", "json"),
    }


@pytest.fixture(scope="module")
def rows(runs):
    res = runs["csv"]
    assert res.returncode == 0, res.stderr
    return list(csv.DictReader(io.StringIO(res.stdout)))


@pytest.fixture(scope="module")
def responses(sample_responses_module):
    return sample_responses_module  # load_responses(SAMPLE_SURVEY), read once per session


def test_published_output_hides_small_counts_on_both_sides(runs, responses):
    """By default the youth shares counting 1-4 groups (or leaving 1-4 out) and the respondents'
    shares that the item tables hide are [c]; the internal output has the numbers."""
    res = runs["published"]
    assert res.returncode == 0, res.stderr
    published = list(csv.DictReader(io.StringIO(res.stdout)))
    internal = {(r["group"], r["measure_id"]): r for r in csv.DictReader(io.StringIO(runs["csv"].stdout))}
    assert any(r["youth_pct_effective"] == "[c]" for r in published)
    for r in published:
        full = internal[(r["group"], r["measure_id"])]
        k = round(float(full["youth_pct_effective"]) * 5 / 100)
        assert (r["youth_pct_effective"] == "[c]") == (0 < k < 5), r["measure_id"]
        if r["pro_pct_effective"] != "[c]":
            assert float(r["pro_pct_effective"]) == pytest.approx(float(full["pro_pct_effective"]), abs=0.051)
    # a respondent share is hidden exactly where the item's own tables hide it
    from surveykit.scoring import summarise_items

    table = summarise_items(responses, items="q45", by="sector")
    hidden = {(str(g), i) for g, i, v in zip(table["group"], table["item_id"], table["pct_top_box"]) if v == "[c]"}
    for r in published:
        assert (r["pro_pct_effective"] == "[c]") == ((r["group"], r["item_id"]) in hidden), (r["group"], r["item_id"])


def _group(rows, group):
    return sorted((r for r in rows if r["group"] == group), key=lambda r: int(r["divergence_order"]))


def test_secure_accommodation_and_restricted_phone_diverge_most_with_criminal_justice(rows):
    cj = _group(rows, "criminal_justice")
    assert len(cj) == 14
    largest = [r["measure_id"] for r in cj[:3]]
    assert "not_allowed_to_leave" in largest  # secure accommodation
    assert "restricted_phone" in largest      # restricted access to mobile phone / internet
    secure = next(r for r in cj if r["measure_id"] == "not_allowed_to_leave")
    assert secure["item_id"] == "q45_secure_accommodation"
    assert int(secure["youth_rank"]) == 14 and float(secure["pct_gap"]) > 30


def test_divergences_are_in_order(rows):
    for group in {r["group"] for r in rows}:
        gaps = [abs(float(r["pct_gap"])) for r in _group(rows, group)]
        assert gaps == sorted(gaps, reverse=True)


def test_professional_percentages_checked_by_hand(rows, responses):
    data = responses.data
    for sector, item, measure in [("criminal_justice", "q45_secure_accommodation", "not_allowed_to_leave"),
                                  ("local_authority", "q45_supervision_24h", "escorted_outings"),
                                  (None, "q45_cctv", "cctv")]:
        codes = data[item] if sector is None else data.loc[data["sector"] == sector, item]
        valid = [c for c in codes if c is not None and c == c and c != "DK"]
        pct = 100.0 * sum(c in ("4", "5") for c in valid) / len(valid)
        row = next(r for r in rows if r["group"] == (sector or "all") and r["measure_id"] == measure)
        assert float(row["pro_pct_effective"]) == pytest.approx(pct, abs=0.05)
        assert int(row["pro_n_valid"]) == len(valid)


def test_spearman_checked_with_scipy_and_carries_n(rows):
    for group in ("all", "criminal_justice", "local_authority"):
        g = _group(rows, group)
        rho, p = stats.spearmanr([-float(r["youth_mean_position"]) for r in g],
                                 [float(r["pro_pct_effective"]) for r in g])
        assert float(g[0]["spearman_rho"]) == pytest.approx(rho, abs=5e-4)
        assert float(g[0]["spearman_p"]) == pytest.approx(p, abs=5e-5)
        assert all(r["spearman_n"] == "14" for r in g)


def test_youth_side_matches_rank(rows, cli):
    res = cli("rank", SAMPLE_RANKINGS, "--format", "csv")
    ranks = {r["measure_id"]: r["rank"] for r in csv.DictReader(io.StringIO(res.stdout))}
    assert {r["measure_id"]: r["youth_rank"] for r in _group(rows, "all")} == ranks
    assert {r["measure_id"] for r in rows if r["assumed"] == "True"} == {
        "risk_info", "location_secret", "escorted_outings", "photo_on_arrival"}


def test_small_sectors_left_out_and_said_so(runs, rows):
    groups = {r["group"] for r in rows}
    assert {"all", "local_authority", "criminal_justice"} <= groups
    for g in groups - {"all"}:
        assert min(int(r["pro_n_valid"]) for r in _group(rows, g)) >= 5
    assert "9 young people" in runs["csv"].stderr


def test_table_output_labels_and_p_with_n(runs):
    res = runs["table"]
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "EXPLORATORY" in out and "9 young people" in out
    spearman = [line for line in out.splitlines() if "Spearman rho" in line]
    assert len(spearman) >= 3 and "n = 14 measures" in spearman[0]
    # rho is worked out from the published shares only: n says how many, and a group with fewer than
    # 3 says it was not computed (its shares are all suppressed in the sample's small sectors)
    assert all(line.startswith("exploratory:") for line in spearman)
    assert all(re.search(r"\bn = \d+ measures", line) or "not computed" in line for line in spearman)
    assert any("not computed" in line for line in spearman)
    assert "== Police and criminal justice" in out
    assert "Largest divergences, in order: Accommodation I am not allowed to leave" in out
    assert "* assumed" in out


def test_json_overall(runs):
    res = runs["json"]
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert [c["group"] for c in doc["correlations"]] == ["all"]
    c = doc["correlations"][0]
    assert c["spearman_n"] == 14 and -1 <= c["spearman_rho"] <= 1 and c["n_respondents"] > 100
    assert doc["exploratory"] is True and doc["n_people"] == 9
    assert len(doc["divergences"]["all"]) == 5


def test_slope_charts_written_png_and_svg(runs, charts):
    assert runs["csv"].returncode == 0
    for group in ("all", "criminal_justice", "local_authority"):
        png, svg = charts / f"voices_{group}.png", charts / f"voices_{group}.svg"
        assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
        text = svg.read_text(encoding="utf-8")
        assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert "wrote" in runs["csv"].stderr


def test_slope_chart_is_deterministic_and_library_refuses_bad_by(responses):
    from surveykit.charts.youth import slope_chart
    from surveykit.ranking import read_rankings
    from surveykit.report.figures import figure_bytes
    from surveykit.voices import compare_voices

    r = read_rankings(SAMPLE_RANKINGS)
    v = compare_voices(r, responses)
    assert v.groups() == ["all"]
    first = figure_bytes(slope_chart(v), "svg")
    assert first == figure_bytes(slope_chart(v), "svg")
    with pytest.raises(UsageError, match="by must be one of 'sector', 'region'.*got 'department'"):
        compare_voices(r, responses, by="department")


def test_published_order_ranks_and_rho_come_from_published_numbers_only(runs):
    """The published table's divergence order, respondents' ranks and Spearman's rho are worked out
    again here from the published columns alone: a hidden share leaves no trace in them (before, the
    sample's order of gaps left one possible number of groups for two hidden youth shares)."""
    published = list(csv.DictReader(io.StringIO(runs["published"].stdout)))

    def number(v):
        return None if v in ("[c]", "") else float(v)

    for group in {r["group"] for r in published}:
        rows = sorted((r for r in published if r["group"] == group), key=lambda r: int(r["divergence_order"]))
        youth_rank = {r["measure_id"]: int(r["youth_rank"]) for r in rows}
        shares = {r["measure_id"]: number(r["pro_pct_effective"]) for r in rows}
        shown = {m: v for m, v in shares.items() if v is not None}
        for r in rows:  # rank 1 = the largest published share; ties share the lowest rank
            expected = 1 + sum(v > shown[r["measure_id"]] for v in shown.values()) if r["measure_id"] in shown else None
            assert number(r["pro_rank"]) == expected, (group, r["measure_id"])
        gap = {r["measure_id"]: number(r["pct_gap"]) for r in rows}
        rank_gap = {r["measure_id"]: number(r["rank_gap"]) for r in rows}

        order = sorted(youth_rank, key=lambda m, gap=gap, rank_gap=rank_gap, youth_rank=youth_rank: (
            gap[m] is None, -abs(gap[m] or 0), rank_gap[m] is None, -abs(rank_gap[m] or 0), youth_rank[m]))
        assert [r["measure_id"] for r in rows] == order, group
        if len(shown) >= 3:
            position = {r["measure_id"]: float(r["youth_mean_position"]) for r in rows}
            rho = stats.spearmanr([-position[m] for m in shown], list(shown.values()))[0]
            assert float(rows[0]["spearman_rho"]) == pytest.approx(rho, abs=5e-4)
            assert int(rows[0]["spearman_n"]) == len(shown)
        else:
            assert rows[0]["spearman_rho"] in ("", "nan", "NaN")
