"""The statistics adapter (surveykit.stats): every test against scipy / statsmodels and a published
worked example whose source is named."""

from __future__ import annotations

import math
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats as ss

from surveykit import stats

# Hollander & Wolfe (1973), p. 116: mucociliary efficiency; the example of R's ?kruskal.test.
HW_NORMAL = [2.9, 3.0, 2.5, 2.6, 3.2]
HW_OBSTRUCTIVE = [3.8, 2.7, 4.0, 2.4]
HW_ASBESTOSIS = [2.8, 3.4, 3.7, 2.2, 2.0]

# Hollander & Wolfe (1973), p. 110: permeability constants; the example of R's ?wilcox.test.
HW_X = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
HW_Y = [1.15, 0.88, 0.90, 0.74, 1.21]

# Agresti (2007) party identification by gender; the example of R's ?chisq.test.
AGRESTI = np.array([[762, 327, 468], [484, 239, 477]])


def test_kruskal_published_example():
    # R: kruskal.test(list(x, y, z)) -> Kruskal-Wallis chi-squared = 0.77143, df = 2, p-value = 0.68
    res = stats.kruskal([HW_NORMAL, HW_OBSTRUCTIVE, HW_ASBESTOSIS])
    assert res.test == "kruskal_wallis"
    assert res.statistic == pytest.approx(0.77143, abs=5e-6)
    assert res.dof == 2
    assert round(res.p_value, 2) == 0.68
    assert res.n == 14
    # epsilon-squared by hand: H / (n - 1)
    assert res.effect_size == pytest.approx(0.771428571 / 13, rel=1e-6)
    assert res.effect_measure == "epsilon_squared"


def test_kruskal_matches_scipy_with_ties():
    rng = np.random.default_rng(3)
    groups = [rng.integers(1, 6, size=n).astype(float) for n in (30, 41, 25, 12)]
    res = stats.kruskal(groups)
    ref = ss.kruskal(*groups)
    assert res.statistic == pytest.approx(ref.statistic, rel=1e-12)
    assert res.p_value == pytest.approx(ref.pvalue, rel=1e-12)
    n = sum(len(g) for g in groups)
    assert res.effect_size == pytest.approx(ref.statistic / ((n ** 2 - 1) / (n + 1)), rel=1e-12)


def test_kruskal_all_equal_is_not_a_test():
    res = stats.kruskal([[3, 3, 3], [3, 3]])
    assert math.isnan(res.p_value) and "equal" in res.note


def test_mann_whitney_published_example():
    # R: wilcox.test(x, y, alternative = "g") -> W = 35, p-value = 0.1272 (exact). The exact null
    # distribution is symmetric, so our two-sided p is twice that: 0.2544.
    res = stats.mann_whitney(HW_X, HW_Y)
    assert res.statistic == 35
    assert res.p_value == pytest.approx(2 * 0.1272, abs=2e-4)
    # rank-biserial by hand: 2U / (n1 n2) - 1 = 70 / 50 - 1
    assert res.effect_size == pytest.approx(0.4)
    assert res.effect_measure == "rank_biserial"


def test_mann_whitney_matches_scipy_to_the_bit():
    rng = np.random.default_rng(5)
    x = rng.integers(1, 6, 80).astype(float)
    y = rng.integers(2, 6, 60).astype(float)
    ref = ss.mannwhitneyu(x, y, alternative="two-sided")
    res = stats.mann_whitney(x, y)
    assert res.statistic == ref.statistic
    assert res.p_value == pytest.approx(ref.pvalue, rel=1e-12)
    assert res.effect_size == pytest.approx(2 * ref.statistic / (80 * 60) - 1)
    # The normal approximation is counted, not sorted: scipy's numbers must come out exactly, for
    # tied and untied, small and large, whole and decimal samples, and the exact p-value for small
    # samples without ties.
    cases = [(x, y), (y, x), (x, x + 0.0), (rng.normal(size=30), rng.normal(0.4, size=25)),
             (rng.integers(1, 6, 9).astype(float), rng.integers(1, 6, 3).astype(float)),
             (rng.normal(size=5), rng.normal(size=12)), (np.array([2.0, 2.0, 2.0]), np.array([2.0, 2.0])),
             (rng.integers(0, 3, 700).astype(float) / 2, rng.integers(0, 3, 11).astype(float) / 2),
             (rng.integers(-5, 3000, 400).astype(float), rng.integers(-5, 3000, 300).astype(float))]
    for a, b in cases:
        ref = ss.mannwhitneyu(a, b, alternative="two-sided")
        res = stats.mann_whitney(a, b)
        assert (res.statistic, res.p_value) == (float(ref.statistic), float(ref.pvalue)), (a, b)
    # and against scipy's asymptotic method on big tied samples, both directions
    big_x = rng.integers(1, 6, 30000).astype(float)
    big_y = rng.integers(1, 6, 20000).astype(float)
    for a, b in ((big_x, big_y), (big_y, big_x), (big_x, big_x[:500] + 0.0)):
        ref = ss.mannwhitneyu(a, b, alternative="two-sided", method="asymptotic")
        res = stats.mann_whitney(a, b)
        assert res.statistic == ref.statistic
        assert res.p_value == float(ref.pvalue)


def test_chi_square_equals_pingouin():
    """scipy computes the test; pingouin's Pearson row (the library this adapter was written for)
    must come out the same, to the bit, small table or large."""
    pg = pytest.importorskip("pingouin")
    rng = np.random.default_rng(11)
    tables = [AGRESTI, np.array([[45, 15], [30, 32]]), rng.integers(5, 400, size=(9, 6)),
              rng.integers(1000, 20000, size=(8, 5))]
    for table in tables:
        r, c = np.indices(table.shape)
        raw = pd.DataFrame({"row": np.repeat(r.ravel(), table.ravel()), "col": np.repeat(c.ravel(), table.ravel())})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, _, ref = pg.chi2_independence(raw, x="row", y="col", correction=False)
        ref = ref[ref["test"] == "pearson"]
        ours = stats.pearson_chi2(table)
        assert ours.statistic == stats._pg_value(ref, "chi2")
        assert ours.p_value == stats._pg_value(ref, "pval")
        assert ours.dof == stats._pg_value(ref, "dof")
        assert ours.effect_size == stats._pg_value(ref, "cramer")


def _samples(rng, sizes, low=1, high=6):
    return [rng.integers(low, high, size=n).astype(float) for n in sizes]


def test_kruskal_equals_pingouin_to_the_bit():
    pg = pytest.importorskip("pingouin")
    rng = np.random.default_rng(21)
    cases = [[HW_NORMAL, HW_OBSTRUCTIVE, HW_ASBESTOSIS],          # decimals, no ties
             _samples(rng, (30, 41, 25, 12)),                     # a five-point scale, many ties
             _samples(rng, (3, 4)),
             _samples(rng, (9000, 15000, 20000, 4000, 30000, 22000)),  # large groups
             [rng.normal(size=50), rng.normal(0.3, size=70), rng.normal(size=5)],
             [[1.0, 2.0, np.nan, 3.0], [], [2.0, 5.0, 5.0]],      # NaN and an empty group
             _samples(rng, (200, 300), low=-3, high=2000)]        # a wide range of whole numbers
    for groups in cases:
        arrays = [np.asarray(g, dtype=float) for g in groups]
        frame = pd.DataFrame({"y": np.concatenate(arrays), "g": np.repeat(np.arange(len(arrays)),
                                                                           [a.size for a in arrays])})
        ref = pg.kruskal(data=frame, dv="y", between="g")
        ours = stats.kruskal(groups)
        assert ours.statistic == stats._pg_value(ref, "H")
        assert ours.p_value == stats._pg_value(ref, "p_unc")
        assert ours.dof == stats._pg_value(ref, "ddof1")
        sc = ss.kruskal(*[a[~np.isnan(a)] for a in arrays if np.isfinite(a).any()])
        assert ours.statistic == pytest.approx(sc.statistic, rel=1e-12)
        assert ours.p_value == pytest.approx(sc.pvalue, rel=1e-12)


def test_mann_whitney_equals_pingouin_to_the_bit():
    pg = pytest.importorskip("pingouin")
    rng = np.random.default_rng(31)
    cases = [(HW_X, HW_Y), (HW_Y, HW_X), tuple(_samples(rng, (80, 60))), tuple(_samples(rng, (5, 7))),
             (rng.normal(size=6), rng.normal(size=7)),            # exact p (small, no ties)
             tuple(_samples(rng, (1500, 2500)))]
    for x, y in cases:
        ref = pg.mwu(np.asarray(x, dtype=float), np.asarray(y, dtype=float), alternative="two-sided")
        ours = stats.mann_whitney(x, y)
        assert ours.statistic == stats._pg_value(ref, "U")
        assert ours.p_value == stats._pg_value(ref, "p_val")
        assert ours.effect_size == stats._pg_value(ref, "rbc")


def test_compare_on_large_tables_imports_no_pingouin():
    """Kruskal-Wallis, Mann-Whitney and chi-square of a large compare run in a fresh process: scipy
    computes them, so pingouin (a second of imports) must not be loaded."""
    code = (
        "import sys, numpy as np\n"
        "from surveykit import stats\n"
        "rng = np.random.default_rng(0)\n"
        "g = [rng.integers(1, 6, size=n).astype(float) for n in (20000, 30000, 25000)]\n"
        "stats.kruskal(g); stats.mann_whitney(g[0], g[1]); stats.mann_whitney(g[0][:50], g[1][:40])\n"
        "stats.nominal_test(rng.integers(1000, 9000, size=(9, 3))); stats.pearson_chi2([[30, 12], [8, 40]])\n"
        "print('pingouin' in sys.modules, 'statsmodels' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False"]


def test_mann_whitney_direction():
    # x clearly higher -> positive rank-biserial
    assert stats.mann_whitney([5, 5, 4, 5, 4], [1, 2, 1, 2, 1]).effect_size == pytest.approx(1.0)


def test_chi_square_published_example():
    # R: chisq.test(M) -> X-squared = 30.07, df = 2, p-value = 2.954e-07
    res = stats.pearson_chi2(AGRESTI)
    assert res.statistic == pytest.approx(30.07, abs=5e-3)
    assert res.dof == 2
    assert res.p_value == pytest.approx(2.954e-07, rel=1e-3)
    ref = ss.chi2_contingency(AGRESTI, correction=False)
    assert res.statistic == pytest.approx(ref.statistic, rel=1e-12)
    n = AGRESTI.sum()
    assert res.effect_size == pytest.approx(math.sqrt(ref.statistic / (n * 1)), rel=1e-12)
    assert res.effect_measure == "cramers_v"


def test_chi_square_k_sample_proportions_published_example():
    # R ?prop.test: smokers <- c(83, 90, 129, 70); patients <- c(86, 93, 136, 82); prop.test(smokers, patients)
    # -> X-squared = 12.6, df = 3, p-value = 0.005585
    smokers = np.array([83, 90, 129, 70])
    patients = np.array([86, 93, 136, 82])
    res = stats.pearson_chi2(np.vstack([smokers, patients - smokers]))
    assert round(res.statistic, 1) == 12.6
    assert res.dof == 3
    assert res.p_value == pytest.approx(0.005585, abs=5e-7)


def test_fisher_published_example():
    # R ?fisher.test, Fisher's tea tasting: TeaTasting <- rbind(c(3, 1), c(1, 3)): two-sided p = 0.4857
    res = stats.fisher_exact([[3, 1], [1, 3]])
    assert res.p_value == pytest.approx(0.4857, abs=5e-5)
    assert res.p_value == pytest.approx(ss.fisher_exact([[3, 1], [1, 3]]).pvalue, rel=1e-12)
    assert res.test == "fisher_exact"


def test_monte_carlo_published_example_and_determinism():
    # R ?chisq.test: chisq.test(M, simulate.p.value = TRUE, B = 2000) -> p-value = 0.0004998 (= 1/2001:
    # no simulated table is as extreme as the observed one)
    res = stats.monte_carlo_chi2(AGRESTI, n_resamples=2000, seed=1)
    assert res.p_value == pytest.approx(0.0004998, abs=1e-7)
    assert res.statistic == pytest.approx(30.07, abs=5e-3)
    # seeded: the same answer twice, and another seed may differ only within Monte Carlo error
    small = np.array([[3, 1, 4], [2, 6, 1]])
    a = stats.monte_carlo_chi2(small, seed=7)
    b = stats.monte_carlo_chi2(small, seed=7)
    assert a == b
    # Against the exact permutation distribution's asymptotic cousin: same order of magnitude
    # (scipy's asymptotic p for this table is about 0.12; the Monte Carlo p sits near it).
    asym = ss.chi2_contingency(small, correction=False).pvalue
    assert abs(a.p_value - asym) < 0.1


def test_monte_carlo_matches_scipy_permutation_test():
    # An independent Monte Carlo: scipy.stats.permutation_test shuffling group labels.
    table = np.array([[4, 1, 2], [1, 5, 2]])
    rows = np.repeat([0, 1], table.sum(axis=1))
    cols = np.concatenate([np.repeat(np.arange(3), r) for r in table])

    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()

    def stat(r, axis=-1):  # vectorised Pearson X2 of the (shuffled rows) x cols table
        obs = np.stack([np.stack([((r == a) & (cols == b)).sum(axis=-1) for b in range(3)], axis=-1)
                        for a in range(2)], axis=-2)
        return ((obs - expected) ** 2 / expected).sum(axis=(-1, -2))

    ref = ss.permutation_test((rows,), stat, permutation_type="pairings", n_resamples=20000, vectorized=True,
                              alternative="greater", random_state=0).pvalue
    ours = stats.monte_carlo_chi2(table, n_resamples=20000).p_value
    assert abs(ours - ref) < 0.02


def test_monte_carlo_p_counts_the_drawn_tables_as_the_textbook_statistic_does():
    """The p-value is (1 + #{X2* >= X2}) / (B + 1) with each drawn table's X2* = sum((O - E)^2 / E), as R
    computes it; recomputed here that way from scipy's draws for the same seed. Tables of 9 to about
    100,000 answers, sparse and dense, where ties with the observed table are common."""
    gen = np.random.default_rng(11)
    tables = [np.array([[3, 1, 4], [2, 6, 1]]), np.array([[1, 0, 2], [0, 3, 1], [2, 0, 0]]),
              np.array([[40000, 3, 9000], [25000, 1, 21000], [2, 0, 5]])]
    for _ in range(40):
        shape = (int(gen.integers(2, 7)), int(gen.integers(2, 5)))
        tables.append(gen.poisson(gen.gamma(0.6, float(gen.choice([2, 20, 400])), size=shape)) + 1)
    for k, table in enumerate(tables):
        res = stats.monte_carlo_chi2(table, seed=k, n_resamples=3000)
        n = table.sum()
        expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / n
        observed = ((table - expected) ** 2 / expected).sum()
        drawn = ss.random_table(table.sum(axis=1), table.sum(axis=0), seed=np.random.default_rng(k)).rvs(3000)
        x2 = ((drawn - expected) ** 2 / expected).sum(axis=(1, 2))
        hits = int((x2 >= observed - 1e-7 * max(1.0, observed)).sum())
        assert res.p_value == (1 + hits) / 3001, (k, table)
        assert res.statistic == pytest.approx(observed, rel=1e-12)


def test_nominal_test_chooses_the_test():
    big = stats.nominal_test(AGRESTI)
    assert big.test == "chi_square"
    two = stats.nominal_test([[3, 1], [1, 3]])
    assert two.test == "fisher_exact" and "expected count below 5" in two.note
    three = stats.nominal_test([[3, 1, 4], [2, 6, 1]])
    assert three.test == "chi_square_monte_carlo" and "seed" in three.note
    # empty rows/columns are dropped before choosing
    assert stats.nominal_test([[762, 0, 327, 468], [484, 0, 239, 477], [0, 0, 0, 0]]).statistic == pytest.approx(
        big.statistic)


def test_two_proportion_z_against_statsmodels_and_chi_square():
    from statsmodels.stats.proportion import proportions_ztest

    z, p = stats.two_proportion_z(45, 60, 30, 62)
    zr, pr = proportions_ztest([45, 30], [60, 62])
    assert z == pytest.approx(zr, rel=1e-12) and p == pytest.approx(pr, rel=1e-12)
    # z squared is the Pearson chi-square of the 2x2 table (R: prop.test(correct = FALSE))
    chi = ss.chi2_contingency([[45, 15], [30, 32]], correction=False).statistic
    assert z ** 2 == pytest.approx(chi, rel=1e-12)


def test_two_proportion_z_p_is_scipys_normal_tail_to_the_bit():
    # computed with scipy.special.ndtr (no scipy.stats import on the FOI path): scipy.stats' bits
    rng = np.random.default_rng(11)
    checked = 0
    for x1, n1, x2, n2 in rng.integers(0, 80, (3000, 4)):
        n1, n2 = n1 + x1, n2 + x2
        z, p = stats.two_proportion_z(int(x1), int(n1), int(x2), int(n2))
        if n1 and n2 and 0 < x1 + x2 < n1 + n2:
            assert p == float(2 * ss.norm.sf(abs(z))), (x1, n1, x2, n2)
            checked += 1
    assert checked > 2500


def test_welch_t_is_scipys_to_the_bit():
    # computed with scipy.special (no scipy.stats import for a banner): ttest_ind_from_stats's bits, for
    # means and SDs of 1-5 answers and of arbitrary scales, one SD zero, equal means, small and large groups
    rng = np.random.default_rng(17)
    checked = 0
    for k in range(3000):
        n1, n2 = (int(v) for v in rng.integers(2, 400, 2))
        if k % 2:
            a, b = rng.integers(1, 6, n1).astype(float), rng.integers(1, 6, n2).astype(float)
            m1, m2, s1, s2 = float(a.mean()), float(b.mean()), float(a.std(ddof=1)), float(b.std(ddof=1))
        else:
            m1, m2 = (float(v) for v in rng.normal(size=2) * rng.choice([0.01, 1.0, 100.0]))
            s1, s2 = (float(v) for v in np.abs(rng.normal(size=2)) * rng.choice([1e-3, 1.0, 50.0]))
        if k % 7 == 0:
            s1 = 0.0
        if k % 11 == 0:
            m2 = m1
        if s1 == 0 and s2 == 0:
            continue
        ref = ss.ttest_ind_from_stats(m1, s1, n1, m2, s2, n2, equal_var=False)
        assert stats.welch_t(m1, s1, n1, m2, s2, n2) == (float(ref.statistic), float(ref.pvalue)), (m1, s1, n1, m2,
                                                                                                    s2, n2)
        checked += 1
    assert checked > 2900


# R's ?friedman.test example (Hollander & Wolfe (1973), p. 140): rounding first base, 22 players x 3
# methods; friedman.test(RoundingTimes) gives Friedman chi-squared = 11.143, df = 2, p-value = 0.003805.
ROUNDING_TIMES = np.array([
    [5.40, 5.50, 5.55], [5.85, 5.70, 5.75], [5.20, 5.60, 5.50], [5.55, 5.50, 5.40], [5.90, 5.85, 5.70],
    [5.45, 5.55, 5.60], [5.40, 5.40, 5.35], [5.45, 5.50, 5.35], [5.25, 5.15, 5.00], [5.85, 5.80, 5.70],
    [5.25, 5.20, 5.10], [5.65, 5.55, 5.45], [5.60, 5.35, 5.45], [5.05, 5.00, 4.95], [5.50, 5.50, 5.40],
    [5.45, 5.55, 5.50], [5.55, 5.55, 5.35], [5.45, 5.50, 5.55], [5.50, 5.45, 5.25], [5.65, 5.60, 5.40],
    [5.70, 5.65, 5.55], [6.30, 6.30, 6.25]])


def test_friedman_published_example_and_scipy_to_the_bit():
    statistic, p = stats.friedman(list(ROUNDING_TIMES.T))
    assert statistic == pytest.approx(11.143, abs=5e-4) and p == pytest.approx(0.003805, abs=5e-7)
    # scipy.stats.friedmanchisquare's numbers exactly: mid-ranks with ties (the youth positions), whole
    # rankings, continuous values, half-point scores, a missing value (NaN) and blocks all tied
    rng = np.random.default_rng(8)
    for case in range(600):
        k, n = int(rng.integers(3, 16)), int(rng.integers(1, 40))
        if case % 4 == 0:
            samples = [rng.integers(1, k + 1, n).astype(float) for _ in range(k)]
        elif case % 4 == 1:
            samples = [rng.normal(size=n) for _ in range(k)]
        elif case % 4 == 2:
            blocks = [rng.permutation(k).astype(float) + 1 for _ in range(n)]
            samples = [np.array([b[j] for b in blocks]) for j in range(k)]
        else:
            samples = [rng.integers(0, 3, n) / 2.0 for _ in range(k)]
            if case % 8 == 3:
                samples[0][0] = np.nan
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = ss.friedmanchisquare(*samples)
            got = stats.friedman(samples)
        want = (float(ref.statistic), float(ref.pvalue))
        assert all(a == b or (math.isnan(a) and math.isnan(b)) for a, b in zip(got, want)), (case, got, want)
    with pytest.raises(ValueError, match="At least 3 samples"):
        stats.friedman([[1.0, 2.0], [2.0, 1.0]])


def test_chi2_sf_is_scipys_to_the_bit():
    rng = np.random.default_rng(9)
    values = [0.0, 1e-300, float("inf"), *(rng.exponential(5, 500) * rng.choice([0.1, 1.0, 10.0], 500))]
    for x in values:
        for dof in (1, 2, 5, 13, 40):
            assert stats.chi2_sf(x, dof) == float(ss.chi2.sf(x, dof)), (x, dof)
    assert math.isnan(stats.chi2_sf(float("nan"), 3))


# R's ?cor.test example (Hollander & Wolfe (1973), p. 187): cor.test(x, y, method = "spearman") gives
# S = 48, rho = 0.6.
HW_COR_X = [44.4, 45.9, 41.9, 53.3, 44.7, 44.1, 50.7, 45.2, 60.1]
HW_COR_Y = [2.6, 3.1, 2.5, 5.0, 3.6, 4.0, 5.2, 2.8, 3.8]


def test_spearman_published_example_and_scipy_to_the_bit():
    rho, p = stats.spearman(HW_COR_X, HW_COR_Y)
    assert rho == pytest.approx(0.6, abs=1e-12)
    # the t approximation with 7 degrees of freedom (R: cor.test(..., exact = FALSE) uses the same t)
    t = 0.6 * math.sqrt(7 / (1 - 0.36))
    assert p == pytest.approx(2 * ss.t.sf(t, 7), rel=1e-10)
    # scipy.stats.spearmanr's numbers exactly: ties, whole and decimal values, small and large samples,
    # positive and negative association, and the FOI size test's kind of data (counts and shares)
    rng = np.random.default_rng(3)
    cases = [(HW_COR_X, HW_COR_Y), (HW_COR_Y, HW_COR_X), ([1, 2, 3], [3, 1, 2]), ([1, 2], [2, 1]),
             ([1, 2, 3, 4], [1, 2, 3, 4]), ([1, 2, 3, 4], [4, 3, 2, 1])]
    for k in range(400):
        n = int(rng.integers(3, 300))
        if k % 3 == 0:
            x = rng.integers(0, 5, n).tolist()
            y = (rng.integers(0, 7, n) / 3).tolist()
        elif k % 3 == 1:
            x = rng.normal(size=n)
            y = (x * rng.normal() + rng.normal(size=n)).tolist()
            x = x.tolist()
        else:
            x = rng.integers(1, 3000, n).tolist()
            y = [min(g / c, 1.0) for g, c in zip(rng.integers(0, 60, n).tolist(), x)]
        cases.append((x, y))
    for x, y in cases:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a constant sample: scipy warns and gives NaN
            ref = ss.spearmanr(x, y)
        got = stats.spearman(x, y)
        want = (float(ref.statistic), float(ref.pvalue))
        assert all(a == b or (math.isnan(a) and math.isnan(b)) for a, b in zip(got, want)), (x, y, got, want)


@pytest.mark.parametrize("x, y", [([1.0], [2.0]), ([], []), ([3, 3, 3], [1, 2, 3]), ([1, 2, 3], [5, 5, 5]),
                                  ([1, 2, float("nan")], [1, 2, 3])])
def test_spearman_without_a_correlation_is_nan(x, y):
    rho, p = stats.spearman(x, y)
    assert math.isnan(rho) and math.isnan(p)


def test_p_adjust_by_hand_and_statsmodels():
    from statsmodels.stats.multitest import multipletests

    p = [0.01, 0.02, 0.03, 0.04, 0.05]
    # by hand (Holm 1979): sorted p * (m - i + 1) = .05 .08 .09 .08 .05, then running maximum
    assert stats.p_adjust(p, "holm") == pytest.approx([0.05, 0.08, 0.09, 0.09, 0.09])
    assert stats.p_adjust(p, "bonf") == pytest.approx([0.05, 0.10, 0.15, 0.20, 0.25])
    # Benjamini-Hochberg: p * m / i = .05 for every i
    assert stats.p_adjust(p, "fdr_bh") == pytest.approx([0.05] * 5)
    assert stats.p_adjust(p, "none") == pytest.approx(p)
    rng = np.random.default_rng(0)
    q = rng.uniform(size=40).tolist()
    for ours, theirs in (("holm", "holm"), ("fdr_bh", "fdr_bh"), ("bonf", "bonferroni")):
        assert stats.p_adjust(q, ours) == pytest.approx(multipletests(q, method=theirs)[1].tolist())
    # NaN (tests not run) stay out of the family
    out = stats.p_adjust([0.01, float("nan"), 0.04], "bonf")
    assert out[0] == pytest.approx(0.02) and math.isnan(out[1]) and out[2] == pytest.approx(0.08)


def test_p_adjust_rejects_unknown_method():
    from surveykit.errors import UsageError

    with pytest.raises(UsageError, match="padjust must be one of 'holm', 'fdr_bh', 'bonf', 'none'; got 'sidak'"):
        stats.p_adjust([0.1], "sidak")


def test_pingouin_columns_both_spellings():
    old = pd.DataFrame({"p-unc": [0.5], "U-val": [3.0]})
    new = pd.DataFrame({"p_unc": [0.25], "U_val": [4.0]})
    assert stats._pg_value(old, "p_unc") == 0.5 and stats._pg_value(new, "p_unc") == 0.25
    assert stats._pg_value(old, "U") == 3.0 and stats._pg_value(new, "U") == 4.0
    with pytest.raises(KeyError):
        stats._pg_value(pd.DataFrame({"x": [1]}), "p_unc")
