"""Youth ranking exercise: the measures codebook, combined orders, scores and agreement statistics.

Expected values are computed by hand (shown in comments), cross-checked against scipy, pingouin and
statsmodels, and against a published worked example (R's friedman.test help page, data from
Hollander & Wolfe 1973).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from surveykit.errors import CodebookError
from surveykit.ranking import (agreement, choice_data, cochran_q, combined_positions, kendall_w,
                               load_measures, parse_measures, parse_rankings, plackett_luce, score_measures)

HEADER = ["workshop", "group", "group_size", "measure_id", "verdict", "rank_in_verdict"]


def small_measures():
    return parse_measures({"measures": [
        {"id": "a", "label": "Measure A", "item": "q45_specialist_foster_care", "published": "top 1"},
        {"id": "b", "label": "Measure B", "item": "q45_advocate_guardian", "published": "top 2"},
        {"id": "c", "label": "Measure C", "item": "q45_cctv", "published": "assumed"},
        {"id": "d", "label": "Measure D", "item": "q45_secure_accommodation", "published": "bottom 1"},
    ]})


# Three groups sorting four measures (E = effective pile, rank 1 = best; N = not effective, rank 1 = worst)
#   G1: E a1 b2 | N d1 c2           -> positions a1 b2 c3 d4
#   G2: E b1 a2 c3 | N d (unranked) -> positions b1 a2 c3 d4 (one unranked: mid-rank of 4..4)
#   G3: E a1 | N b c d (unranked)   -> positions a1, b c d share mid-rank of 2..4 = 3
SMALL = [
    ["1", "G1", "2", "a", "effective", "1"], ["1", "G1", "2", "b", "effective", "2"],
    ["1", "G1", "2", "c", "not_effective", "2"], ["1", "G1", "2", "d", "not_effective", "1"],
    ["1", "G2", "2", "a", "effective", "2"], ["1", "G2", "2", "b", "effective", "1"],
    ["1", "G2", "2", "c", "effective", "3"], ["1", "G2", "2", "d", "not_effective", ""],
    ["2", "G3", "1", "a", "effective", "1"], ["2", "G3", "1", "b", "not_effective", ""],
    ["2", "G3", "1", "c", "not_effective", ""], ["2", "G3", "1", "d", "not_effective", ""],
]


@pytest.fixture(scope="module")
def small():
    return parse_rankings([HEADER] + SMALL, measures=small_measures())


def test_shipped_codebook_matches_design():
    ms = load_measures()
    assert len(ms) == 14
    assert ms.published_top() == ("foster_carers_understand", "advocate", "hear_from_peers", "new_friends",
                                  "rights_info", "memorise_number")
    assert ms.published_bottom() == ("not_allowed_to_leave", "restricted_phone", "cctv", "no_easy_exit_room")
    assert {m.id for m in ms.measures if m.assumed} == {"risk_info", "location_secret", "escorted_outings",
                                                         "photo_on_arrival"}
    assert ms.measure("not_allowed_to_leave").item == "q45_secure_accommodation"
    assert ms.measure("restricted_phone").item == "q45_restricted_phone_internet"
    # every q45 match is a real item of the instrument
    from surveykit.instrument import load_instrument

    q45 = {it.id for it in load_instrument().question("q45").items}
    assert {m.item for m in ms.measures} <= q45


@pytest.mark.parametrize("doc, needle", [
    ({"measures": []}, "non-empty 'measures'"),
    ({"measures": [{"id": "a", "label": "A", "item": "q45_cctv", "published": "middle"}]}, "published must be"),
    ({"measures": [{"id": "a", "label": "A", "item": "q45_cctv", "published": "top 2"}]}, "'top N' places"),
    ({"measures": [{"id": "a", "label": "A", "item": "q45_cctv", "published": "assumed"},
                   {"id": "a", "label": "B", "item": "q45_cctv", "published": "assumed"}]}, "declared twice"),
    ({"measures": [{"id": "A b", "label": "A", "item": "q45_cctv", "published": "assumed"}]}, "snake_case"),
])
def test_broken_codebook_is_refused(doc, needle):
    with pytest.raises(CodebookError, match=needle):
        parse_measures(doc)


def test_combined_positions_by_hand():
    # effective pile ranked, not-effective pile ranked (1 = worst -> last position)
    v = {"a": "effective", "b": "effective", "c": "not_effective", "d": "not_effective", "e": "not_effective"}
    r = {"a": 2, "b": 1, "c": 1, "d": 3, "e": 2}
    assert combined_positions(v, r) == {"b": 1.0, "a": 2.0, "d": 3.0, "e": 4.0, "c": 5.0}
    # not-effective pile unranked: the three share the mid-rank of positions 3..5 = 4
    r = {"a": 2, "b": 1, "c": None, "d": None, "e": None}
    assert combined_positions(v, r) == {"b": 1.0, "a": 2.0, "c": 4.0, "d": 4.0, "e": 4.0}
    # partly ranked pile: c is ranked worst (5), d and e share positions 3..4 -> 3.5
    r = {"a": None, "b": None, "c": 1, "d": None, "e": None}
    assert combined_positions(v, r) == {"a": 1.5, "b": 1.5, "c": 5.0, "d": 3.5, "e": 3.5}


def test_small_ranking_scores_by_hand(small):
    s = score_measures(small).set_index("measure_id")
    # position table  a: 1 2 1 | b: 2 1 3 | c: 3 3 3 | d: 4 4 3
    assert s.loc["a", "mean_position"] == pytest.approx(4 / 3)
    assert s.loc["b", "mean_position"] == pytest.approx(2.0)
    assert s.loc["c", "mean_position"] == pytest.approx(3.0)
    assert s.loc["d", "mean_position"] == pytest.approx(11 / 3)
    # Borda = sum of (4 - position): a 3+2+3, b 2+3+1, c 1+1+1, d 0+0+1
    assert s["borda"].to_dict() == {"a": 8.0, "b": 6.0, "c": 3.0, "d": 1.0}
    assert s["n_effective"].to_dict() == {"a": 3, "b": 2, "c": 1, "d": 0}
    assert s.loc["b", "pct_effective"] == pytest.approx(200 / 3)
    assert list(s.index) == ["a", "b", "c", "d"] and list(s["rank"]) == [1, 2, 3, 4]
    assert s.loc["c", "assumed"] and not s.loc["a", "assumed"]
    assert small.n_people == 5 and small.n_groups == 3 and small.exploratory


def test_small_ranking_agreement_by_hand(small):
    a = agreement(small, suppress=False)
    # R = 4, 6, 9, 11; mean 7.5; S = 12.25 + 2.25 + 2.25 + 12.25 = 29
    # ties: G3 has one tie of t = 3 -> 27 - 3 = 24; W = 12 * 29 / (3^2 (4^3 - 4) - 3 * 24) = 348 / 468
    assert a.kendall_w == pytest.approx(348 / 468)
    assert a.kendall_chi2 == pytest.approx(3 * 3 * 348 / 468)  # 6.6923
    assert a.df == 3
    assert a.kendall_p == pytest.approx(stats.chi2.sf(261 / 39, 3))
    # Friedman, tie-corrected: (0.2 * 254 - 45) / (1 - 24 / 180) = 5.8 / 0.8667 = 6.6923 = m (n-1) W
    assert a.friedman_chi2 == pytest.approx(5.8 / (1 - 24 / 180))
    assert a.friedman_chi2 == pytest.approx(a.kendall_chi2)
    # Cochran's Q: C = 3, 2, 1, 0 (N = 6); R = 2, 3, 1; Q = 3 (4 * 14 - 36) / (24 - 14) = 6
    assert a.cochran_q == pytest.approx(6.0)
    assert a.cochran_df == 3
    assert a.cochran_p == pytest.approx(stats.chi2.sf(6.0, 3))
    assert all(f"n = 3 groups (5 young people) x 4 measures" in line for line in a.lines())
    assert all(line.startswith("exploratory:") for line in a.lines())
    # by default Q is withheld: with 3 groups the counts 3, 2 and 1 are hidden
    d = agreement(small)
    assert d.cochran_withheld and math.isnan(d.cochran_q) and math.isnan(d.cochran_p) and d.cochran_df == 3
    assert (d.kendall_w, d.friedman_chi2) == (a.kendall_w, a.friedman_chi2)
    assert "Q(" not in d.lines()[2] and "not shown" in d.lines()[2] and d.as_dict()["cochran_q"] is None


def test_agreement_cross_checked_with_scipy_pingouin_statsmodels(small):
    import pingouin as pg
    from statsmodels.stats.contingency_tables import cochrans_q as sm_cochran

    pos = small.positions()
    long = pos.reset_index().melt(id_vars="group", var_name="measure", value_name="position")
    pg_fr = pg.friedman(long, dv="position", within="measure", subject="group")
    a = agreement(small, suppress=False)
    assert a.friedman_chi2 == pytest.approx(float(pg_fr["Q"].iloc[0]))
    assert a.kendall_w == pytest.approx(float(pg_fr["W"].iloc[0]))
    sp = stats.friedmanchisquare(*[pos[c] for c in pos.columns])
    assert a.friedman_p == pytest.approx(sp.pvalue)
    eff = small.effective_matrix()
    sm = sm_cochran(eff.to_numpy())
    assert a.cochran_q == pytest.approx(sm.statistic) and a.cochran_p == pytest.approx(sm.pvalue)
    eff_long = eff.reset_index().melt(id_vars="group", var_name="measure", value_name="effective")
    pg_q = pg.cochran(eff_long, dv="effective", within="measure", subject="group")
    assert a.cochran_q == pytest.approx(float(pg_q["Q"].iloc[0]))


def test_kendall_w_published_example():
    """R's friedman.test help page: Hollander & Wolfe (1973, p. 140ff), times of 22 baseball players
    rounding first base by three methods (round out, narrow angle, wide angle). Published result:
    Friedman chi-squared = 11.143, df = 2, p-value = 0.003805. With 22 raters and 3 items,
    W = chi-square / (m (n - 1)) = 11.143 / 44 = 0.2532."""
    times = np.array([
        5.40, 5.50, 5.55, 5.85, 5.70, 5.75, 5.20, 5.60, 5.50, 5.55, 5.50, 5.40, 5.90, 5.85, 5.70,
        5.45, 5.55, 5.60, 5.40, 5.40, 5.35, 5.45, 5.50, 5.35, 5.25, 5.15, 5.00, 5.85, 5.80, 5.70,
        5.25, 5.20, 5.10, 5.65, 5.55, 5.45, 5.60, 5.35, 5.45, 5.05, 5.00, 4.95, 5.50, 5.50, 5.40,
        5.45, 5.55, 5.50, 5.55, 5.55, 5.35, 5.45, 5.50, 5.55, 5.50, 5.45, 5.25, 5.65, 5.60, 5.40,
        5.70, 5.65, 5.55, 6.30, 6.30, 6.25]).reshape(22, 3)
    ranks = pd.DataFrame([stats.rankdata(row) for row in times])  # mid-ranks within each player
    w, chi2, df, p = kendall_w(ranks)
    assert round(chi2, 3) == 11.143
    assert df == 2
    assert round(p, 6) == 0.003805
    assert round(w, 4) == 0.2532


def test_cochran_q_by_hand_and_undefined_case():
    # every group agrees: C = 2, 0, 2 (N = 4), R = 2, 2; Q = 2 (3 * 8 - 16) / (12 - 8) = 4
    q, df, p = cochran_q(pd.DataFrame([[1, 0, 1], [1, 0, 1]]))
    assert q == pytest.approx(4.0) and df == 2
    # each group calls every measure the same: the denominator is 0 and Q is undefined
    q, df, p = cochran_q(pd.DataFrame([[1, 1, 1], [0, 0, 0]]))
    assert math.isnan(q) and math.isnan(p) and df == 2


def test_choice_data_follows_the_combined_order(small):
    data = choice_data(small)
    # G3: a is chosen over b, c, d; the unranked b, c, d add no choices among themselves
    g3 = [(0, [1, 2, 3])]
    assert data[-1:] == g3
    # G1 is a strict order a > b > c > d: a over {b,c,d}, b over {c,d}, c over {d}
    assert data[:3] == [(0, [1, 2, 3]), (1, [2, 3]), (2, [3])]


def test_plackett_luce_matches_choix_and_is_seeded(small):
    import choix

    pl = plackett_luce(small, n_boot=50, seed=7, suppress=False)  # three groups: every count would be hidden
    params = choix.opt_top1(4, choice_data(small), alpha=0.1)
    worth = np.exp(params) / np.exp(params).sum()
    assert pl.table["pl_worth"].to_numpy() == pytest.approx(worth, abs=1e-6)
    assert pl.table["pl_worth"].sum() == pytest.approx(1.0)
    assert (pl.table["pl_worth_low"] <= pl.table["pl_worth"] + 1e-9).all()
    assert (pl.table["pl_worth"] <= pl.table["pl_worth_high"] + 1e-9).all()
    assert list(pl.table.sort_values("pl_rank")["measure_id"]) == ["a", "b", "c", "d"]
    again = plackett_luce(small, n_boot=50, seed=7, suppress=False)
    pd.testing.assert_frame_equal(pl.table, again.table)
    other = plackett_luce(small, n_boot=50, seed=8, suppress=False)
    assert not np.allclose(pl.table["pl_worth_low"], other.table["pl_worth_low"])


def test_fast_bootstrap_fit_agrees_with_choix_on_resamples():
    from surveykit.ranking import read_rankings
    from surveykit.ranking import Rankings
    from surveykit.ranking.model import _pl_params, _pl_params_fast

    from conftest import SAMPLE_RANKINGS

    r = read_rankings(SAMPLE_RANKINGS)
    rng = np.random.default_rng(1)
    for _ in range(8):
        pick = rng.integers(0, r.n_groups, size=r.n_groups)
        sample = Rankings(measures=r.measures, groups=tuple(r.groups[i] for i in pick))
        data = choice_data(sample)
        assert _pl_params_fast(14, data, 0.1) == pytest.approx(_pl_params(14, data, 0.1), abs=1e-6)


def test_ten_groups_are_no_longer_exploratory():
    rows = [HEADER] + [[str(w), f"G{g}", "2", m, v, r] for w in (1, 2) for g in range(5)
                       for m, v, r in (("a", "effective", "1"), ("b", "effective", "2"),
                                       ("c", "not_effective", "2"), ("d", "not_effective", "1"))]
    r = parse_rankings(rows, measures=small_measures())
    assert r.n_groups == 10 and not r.exploratory
    assert "EXPLORATORY" not in r.sample_note() and "20 young people in 10 groups" in r.sample_note()
    a = agreement(r)
    assert a.kendall_w == pytest.approx(1.0)  # every group gave the same order
    assert not any(line.startswith("exploratory") for line in a.lines())
