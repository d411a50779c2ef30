"""compare(): test choice, the correction family, small groups, and bad input (library level).
Statistics themselves are checked in test_compare_stats.py; here every p-value is recomputed with
scipy / statsmodels from the raw answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as ss
from statsmodels.stats.multitest import multipletests

import importlib

compare = importlib.import_module("surveykit.compare")  # the module; sk.compare is the front door's function
from surveykit.errors import UsageError
from surveykit.pipeline import load_responses

from test_scoring import write_export

SECTORS = {"Local authority": 30, "Police": 25, "Charity": 20, "Health": 6}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    rng = np.random.default_rng(11)
    rows = []
    i = 0
    for sector, n in SECTORS.items():
        shift = {"Police": 1, "Local authority": -1}.get(sector, 0)
        for _ in range(n):
            i += 1
            rows.append({
                "respondent_id": f"r{i}", "sector": sector,
                "q45_secure_accommodation": str(int(np.clip(rng.integers(2, 5) + shift, 1, 5))),
                "q45_cctv": str(rng.integers(1, 6)) if rng.uniform() > 0.1 else "",
                "q1": rng.choice(["Yes", "No", "Don't know"], p=[0.5, 0.35, 0.15]),
                "q27": rng.choice(["High", "Medium", "Low", "Absent"], p=[0.4, 0.4, 0.15, 0.05]),
            })
    path = write_export(tmp_path_factory.mktemp("compare") / "cmp.csv", rows)
    return load_responses(path)


def _values(resp, col, sector):
    d = resp.data
    v = d.loc[d.sector == sector, col]
    return v[v.isin(["1", "2", "3", "4", "5"])].astype(float).to_numpy()


def test_two_groups_mann_whitney(data):
    res = compare.compare(data, by="sector", questions=["q45_secure_accommodation", "q45_cctv"], suppress=False,
                          groups="criminal_justice,local_authority")
    t = res.table
    assert list(t.columns) == compare.COMPARE_COLUMNS
    assert (t["test"] == "mann_whitney_u").all()
    assert (t["groups"] == "criminal_justice vs local_authority").all()
    raw_p = []
    for col in ("q45_secure_accommodation", "q45_cctv"):
        x, y = _values(data, col, "criminal_justice"), _values(data, col, "local_authority")
        ref = ss.mannwhitneyu(x, y, alternative="two-sided")
        row = t[t.item_id == col].iloc[0]
        assert row["statistic"] == ref.statistic and row["p_value"] == pytest.approx(ref.pvalue)
        assert row["n"] == x.size + y.size
        assert row["effect_size"] == pytest.approx(2 * ref.statistic / (x.size * y.size) - 1)
        raw_p.append(ref.pvalue)
    assert list(t["p_adjusted"]) == pytest.approx(list(multipletests(raw_p, method="holm")[1]))
    sec = t[t.item_id == "q45_secure_accommodation"].iloc[0]
    assert sec["effect_size"] > 0.5 and sec["significant"]  # police rate it higher by construction
    assert "2 tests" in res.scope and "Holm" in res.scope


def test_many_groups_kruskal_and_pairwise_one_family(data):
    res = compare.compare(data, by="sector", questions=["q45_secure_accommodation", "q27"], padjust="bonf", suppress=False)
    t = res.table
    kw = t[(t.item_id == "q45_secure_accommodation") & (t.test == "kruskal_wallis")].iloc[0]
    samples = [_values(data, "q45_secure_accommodation", s) for s in ("local_authority", "criminal_justice", "ngo")]
    ref = ss.kruskal(*samples)
    assert kw["statistic"] == pytest.approx(ref.statistic) and kw["p_value"] == pytest.approx(ref.pvalue)
    assert kw["dof"] == 2
    assert kw["groups"] == "local_authority;criminal_justice;ngo"
    pairs = t[(t.item_id == "q45_secure_accommodation") & (t.test == "mann_whitney_u")]
    assert list(pairs["groups"]) == ["local_authority vs criminal_justice", "local_authority vs ngo",
                                     "criminal_justice vs ngo"]
    # health has 6 respondents (< 10): left out of every test, and said so
    assert "health" not in " ".join(t["groups"])
    assert "health" in kw["note"]
    assert res.excluded_groups == ("health",)
    assert any("health" in n for n in res.notes)
    # one family: Bonferroni multiplies by the number of tests in the whole run
    tested = t["p_value"].notna()
    m = int(tested.sum())
    assert m == 5  # KW + 3 pairwise + 1 chi-square
    assert list(t.loc[tested, "p_adjusted"]) == pytest.approx(list(np.minimum(1, t.loc[tested, "p_value"] * m)))
    assert f"all {m} tests" in res.scope


def test_nominal_chi_square_and_fallbacks(data):
    res = compare.compare(data, by="sector", questions=["q1", "q27"], groups=["local_authority", "criminal_justice"], suppress=False)
    t = res.table.set_index("item_id")
    d = data.data
    keep = d.sector.isin(["local_authority", "criminal_justice"]) & d.q1.isin(["1", "0"])
    table = pd.crosstab(d.sector[keep], d.q1[keep]).to_numpy()
    ref = ss.chi2_contingency(table, correction=False)
    expected_ok = (ref.expected_freq >= 5).all()
    assert t.loc["q1", "test"] == ("chi_square" if expected_ok else "fisher_exact")
    if expected_ok:
        assert t.loc["q1", "statistic"] == pytest.approx(ref.statistic)
        assert t.loc["q1", "p_value"] == pytest.approx(ref.pvalue)
        assert t.loc["q1", "effect_size"] == pytest.approx(np.sqrt(ref.statistic / table.sum()))
    # q27 has rare "Absent" answers: expected counts below 5 in a 2 x 4 table -> Monte Carlo
    assert t.loc["q27", "test"] == "chi_square_monte_carlo"
    assert "Monte Carlo" in t.loc["q27", "note"]
    again = compare.compare(data, by="sector", questions=["q27"], groups=["local_authority", "criminal_justice"], suppress=False)
    assert again.table["p_value"].iloc[0] == t.loc["q27", "p_value"]


def test_chi_square_by_and_nominal_test(data):
    r = compare.chi_square_by(data, column="q1", by="sector")
    d = data.data
    keep = d.q1.isin(["1", "0"]) & d.sector.notna()
    table = pd.crosstab(d.sector[keep], d.q1[keep]).to_numpy()
    direct = compare.nominal_test(table)
    assert r == direct


def test_min_group_size_zero_tests(data):
    res = compare.compare(data, by="sector", questions=["q45_cctv"], min_group_size=100, suppress=False)
    assert res.table["test"].tolist() == ["not_tested"]
    assert res.table["p_value"].isna().all()


def test_bad_input(data):
    with pytest.raises(UsageError, match=r"alpha must be strictly between 0 and 1.*got 1\.5"):
        compare.compare(data, by="sector", alpha=1.5)
    with pytest.raises(UsageError, match="alpha must be strictly between 0 and 1.*got 0"):
        compare.compare(data, by="sector", alpha=0)
    with pytest.raises(UsageError, match="by must be one of 'sector', 'region'.*got 'department'"):
        compare.compare(data, by="department")
    with pytest.raises(UsageError, match="groups must be one of 'local_authority', 'criminal_justice', 'health', "
                                         "'ngo'; got 'police'"):
        compare.compare(data, by="sector", groups="local_authority,police")
    with pytest.raises(UsageError, match="'q46' is a free-text question; closed questions are: q1, q3"):
        compare.compare(data, by="sector", questions=["q46"])
    with pytest.raises(UsageError, match="questions must be one of 'q1'.*got 'q48'"):
        compare.compare(data, by="sector", questions=["q48"])
    with pytest.raises(UsageError, match="padjust must be one of 'holm', 'fdr_bh', 'bonf', 'none'; got 'hommel'"):
        compare.compare(data, by="sector", padjust="hommel")
