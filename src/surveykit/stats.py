"""The one adapter between surveykit and the statistics libraries.

Every significance test surveykit reports goes through this module, which returns plain
``TestResult`` values with our own names. The tests are computed with scipy (and numpy):

* Kruskal-Wallis from the count of each distinct value per group (midranks, tie correction), with
  pingouin's formula and order of operations, so the numbers are pingouin's ``kruskal`` to the bit;
* Mann-Whitney U as ``scipy.stats.mannwhitneyu`` computes it (what pingouin's ``mwu`` calls): its
  normal approximation from value counts, term for term (``_mwu_asymptotic``), its exact p-value
  from scipy;
* chi-square with ``scipy.stats.chi2_contingency`` (what pingouin's ``chi2_independence`` computes
  its Pearson row with).

pingouin itself is not imported on these paths: it costs about a second of start-up (it imports
pyplot, xarray and statsmodels) for three thin wrappers over scipy. The tests check every result
against pingouin and scipy for equality. ``_pg_value`` still reads a pingouin result whichever
spelling of its columns the version uses (renamed in 0.6: ``p-unc`` -> ``p_unc``, ``U-val`` ->
``U_val`` ...). Fisher's exact test, Monte Carlo chi-square, column-proportion z-tests and the
multiple-comparison correction use scipy / numpy directly.

The column-proportion z-test, Welch's t from summary statistics, Spearman's correlation, Friedman's
test and the chi-square tail are computed with scipy.special, operation for operation as scipy.stats
computes them (the tests check the bits against scipy.stats): the commands that need no other test
(the FOI commands, ``banner``, ``voices``, ``rank``) then never import scipy.stats, about 0.3 s.

Effect sizes:

* Kruskal-Wallis: epsilon-squared, ``H / ((n**2 - 1) / (n + 1))`` = ``H / (n - 1)``
  (Tomczak & Tomczak 2014);
* Mann-Whitney U: rank-biserial correlation ``r = 2 * U_x / (n_x * n_y) - 1`` (Wendt 1972), positive
  when the first sample tends to be higher (pingouin's ``RBC``);
* chi-square / Fisher / Monte Carlo: Cramér's V, ``sqrt(chi2 / (n * (min(r, c) - 1)))``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

from surveykit.errors import invalid_choice
from surveykit.lean_scipy import import_scipy_stats  # noqa: F401 - offered here as before

if TYPE_CHECKING:
    import numpy as np

#: Our names -> the spellings pingouin has used for them (0.5 first, then 0.6+).
PINGOUIN_COLUMNS: dict[str, tuple[str, ...]] = {
    "H": ("H",),
    "ddof1": ("ddof1",),
    "p_unc": ("p-unc", "p_unc"),
    "U": ("U-val", "U_val"),
    "p_val": ("p-val", "p_val"),
    "rbc": ("RBC",),
    "chi2": ("chi2",),
    "dof": ("dof",),
    "pval": ("pval",),
    "cramer": ("cramer",),
}

PADJUST_METHODS = ("holm", "fdr_bh", "bonf", "none")


#: scipy's rule for the exact Mann-Whitney p-value: a sample of at most this many answers and no ties.
MWU_EXACT_MAX_N = 8

#: Monte Carlo resamples for the chi-square test when expected counts are small (R uses 2000).
MONTE_CARLO_RESAMPLES = 10_000
DEFAULT_SEED = 20160101


@dataclass(frozen=True)
class TestResult:
    """One test: ``test`` is our stable name (kruskal_wallis, mann_whitney_u, chi_square,
    fisher_exact, chi_square_monte_carlo, two_proportion_z)."""

    test: str
    statistic: float
    p_value: float
    n: int
    dof: float | None = None
    effect_size: float | None = None
    effect_measure: str = ""
    note: str = ""


def _pg_value(frame: Any, name: str) -> float:
    """A value from a one-row pingouin result, whichever spelling of the column this version uses."""
    for col in PINGOUIN_COLUMNS[name]:
        if col in frame.columns:
            return float(frame[col].iloc[0])
    raise KeyError(f"pingouin result has none of {PINGOUIN_COLUMNS[name]} (columns: {list(frame.columns)})")


def _rank_counts(arrays: "list[np.ndarray]") -> tuple["np.ndarray", "np.ndarray", "np.ndarray"]:
    """Counts of each distinct value per sample (rows: samples, columns: distinct values in ascending
    order), the midrank of each distinct value in the pooled data, and the tie counts (the pooled count
    of each value present). Midranks and rank sums are whole or half numbers, so float sums of them
    are exact: the result does not depend on the order of summation."""
    import numpy as np

    both = np.concatenate(arrays)
    lo, hi = float(both.min()), float(both.max())
    if hi - lo < 1000 and np.array_equal(both, np.round(both)):
        # scale scores: whole numbers in a short range -> count them directly, no sort
        inverse = (both - lo).astype(np.int64)
        size = int(hi - lo) + 1
    else:
        _, inverse = np.unique(both, return_inverse=True)
        size = int(inverse.max()) + 1
    bounds = np.cumsum([0] + [a.size for a in arrays])
    counts = np.stack([np.bincount(inverse[bounds[i]:bounds[i + 1]], minlength=size)
                       for i in range(len(arrays))]).astype(float)
    t = counts.sum(axis=0)
    present = t > 0
    counts, t = counts[:, present], t[present]
    midrank = np.cumsum(t) - (t - 1) / 2
    return counts, midrank, t


def kruskal(samples: Sequence[Sequence[float]]) -> TestResult:
    """Kruskal-Wallis H test (tie-corrected) with epsilon-squared.

    Computed from value counts with pingouin's formula, term for term:
    ``H = 12 / (n (n + 1)) * sum(R_i**2 / n_i) - 3 (n + 1)``, divided by the tie correction
    ``1 - sum(t**3 - t) / (n**3 - n)``; p from the chi-square distribution with (groups - 1)
    degrees of freedom. Empty samples are left out of the groups, as pingouin does."""
    import numpy as np

    arrays = [np.asarray(s, dtype=float) for s in samples]
    arrays = [a[~np.isnan(a)] for a in arrays]
    n = int(sum(a.size for a in arrays))
    if n == 0 or np.unique(np.concatenate(arrays)).size < 2:
        return TestResult("kruskal_wallis", float("nan"), float("nan"), n, len(arrays) - 1, float("nan"),
                          "epsilon_squared", "all answers equal: no test")
    arrays = [a for a in arrays if a.size]
    counts, midrank, t = _rank_counts(arrays)
    rank_sums = counts @ midrank
    sizes = np.array([a.size for a in arrays], dtype=np.int64)
    h = (12 / (n * (n + 1)) * np.sum(rank_sums ** 2 / sizes)) - 3 * (n + 1)
    size = np.float64(n)
    h /= 1.0 - (t ** 3 - t).sum() / (size ** 3 - size)
    dof = len(arrays) - 1
    h = float(h)
    return TestResult("kruskal_wallis", h, chi2_sf(h, dof), n, float(dof),
                      h / (n - 1) if n > 1 else float("nan"), "epsilon_squared")


def mann_whitney(x: Sequence[float], y: Sequence[float]) -> TestResult:
    """Two-sided Mann-Whitney U with scipy's default method (exact for small samples without ties,
    else the normal approximation with tie and continuity correction), statistic U of ``x``, with the
    rank-biserial correlation (positive: ``x`` tends higher).

    The normal approximation is computed here from value counts (``_mwu_asymptotic``), operation for
    operation as ``scipy.stats.mannwhitneyu`` computes it (the same bits, without its sort and
    per-call overhead: a report runs hundreds of these); the exact p-value comes from scipy."""
    import numpy as np

    xa = np.asarray(x, dtype=float)
    ya = np.asarray(y, dtype=float)
    xa, ya = xa[~np.isnan(xa)], ya[~np.isnan(ya)]
    n = int(xa.size + ya.size)
    if xa.size == 0 or ya.size == 0:
        return TestResult("mann_whitney_u", float("nan"), float("nan"), n, None, float("nan"),
                          "rank_biserial", "an empty group: no test")
    counts, midrank, t = _rank_counts([xa, ya])
    ties = bool((t > 1).any())
    if (xa.size > MWU_EXACT_MAX_N and ya.size > MWU_EXACT_MAX_N) or ties:
        u, p = _mwu_asymptotic(counts[0], midrank, t, xa.size, ya.size)
    else:
        from scipy import stats

        res = stats.mannwhitneyu(xa, ya, alternative="two-sided")
        u, p = float(res.statistic), float(res.pvalue)
    pairs = xa.size * ya.size
    # Wendt's rank-biserial, written as pingouin writes it (its RBC), so the bits agree too.
    r = 1 - (2 * (pairs - u)) / pairs
    return TestResult("mann_whitney_u", u, p, n, None, float(r), "rank_biserial")


def _mwu_asymptotic(first: "np.ndarray", midrank: "np.ndarray", t: "np.ndarray", n1: int,
                    n2: int) -> tuple[float, float]:
    """U of the first sample and the two-sided normal-approximation p-value (tie and continuity
    corrected) from the first sample's count of each distinct value, the midranks and the tie
    counts: O(distinct values) after one count (survey scales have five or so). The rank sum is a
    sum of whole and half numbers, so it is exact in any order; the rest follows scipy's
    ``_mannwhitneyu`` line by line."""
    from scipy import special

    n = n1 + n2
    u1 = float((first * midrank).sum() - n1 * (n1 + 1) / 2)
    u = max(u1, n1 * n2 - u1)
    mu = n1 * n2 / 2
    tie_term = float((t ** 3 - t).sum())
    s = math.sqrt(n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1))))
    numerator = u - mu - 0.5
    if s == 0:  # every answer equal: U is its mean, z = -inf
        return u1, 1.0
    p = float(special.ndtr(-(numerator / s))) * 2
    return u1, min(max(p, 0.0), 1.0)


def _trim(table: Any) -> "np.ndarray":
    import numpy as np

    t = np.asarray(table, dtype=float)
    if t.ndim == 1 and t.size == 0:  # no rows at all (e.g. no group holds an answer): nothing to test
        t = t.reshape(0, 0)
    if t.ndim != 2:
        raise ValueError("a contingency table must be two-dimensional")
    if np.any(t < 0) or np.any(t != np.round(t)):
        raise ValueError("a contingency table holds non-negative whole counts")
    return t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]


def pearson_chi2(table: Any) -> TestResult:
    """Pearson chi-square test of independence without continuity correction
    (``scipy.stats.chi2_contingency``), with Cramér's V."""
    from scipy import stats

    t = _trim(table)
    n = int(t.sum())
    if min(t.shape) < 2:
        return TestResult("chi_square", float("nan"), float("nan"), n, 0, float("nan"), "cramers_v",
                          "fewer than two non-empty rows or columns: no test")
    res = stats.chi2_contingency(t, correction=False)
    chi2 = float(res.statistic)
    return TestResult("chi_square", chi2, float(res.pvalue), n, float(res.dof),
                      math.sqrt(chi2 / (n * (min(t.shape) - 1))), "cramers_v")


def _chi2_stat(t: "np.ndarray", expected: "np.ndarray") -> float:
    return float(((t - expected) ** 2 / expected).sum())


def expected_counts(table: Any) -> "np.ndarray":
    import numpy as np

    t = np.asarray(table, dtype=float)
    return np.outer(t.sum(axis=1), t.sum(axis=0)) / t.sum()


def fisher_exact(table: Any) -> TestResult:
    """Fisher's exact test on a 2x2 table (two-sided, scipy); Cramér's V from the Pearson statistic."""
    from scipy import stats

    t = _trim(table)
    if t.shape != (2, 2):
        raise ValueError("Fisher's exact test needs a 2x2 table")
    n = int(t.sum())
    chi2 = _chi2_stat(t, expected_counts(t))
    res = stats.fisher_exact(t.astype(int))
    return TestResult("fisher_exact", float(res.statistic), float(res.pvalue), n, 1,
                      math.sqrt(chi2 / n), "cramers_v", "statistic is the odds ratio")


def monte_carlo_chi2(table: Any, *, seed: int = DEFAULT_SEED,
                     n_resamples: int = MONTE_CARLO_RESAMPLES) -> TestResult:
    """Pearson chi-square with a Monte Carlo p-value: tables with the observed margins are drawn
    (``scipy.stats.random_table``, Patefield's algorithm) and p = (1 + #{X2* >= X2}) / (B + 1), as
    R's ``chisq.test(simulate.p.value = TRUE)``. Seeded, so deterministic."""
    import numpy as np
    from scipy import stats

    t = _trim(table)
    n = int(t.sum())
    if min(t.shape) < 2:
        return TestResult("chi_square_monte_carlo", float("nan"), float("nan"), n, 0, float("nan"), "cramers_v",
                          "fewer than two non-empty rows or columns: no test")
    e = expected_counts(t)
    obs = _chi2_stat(t, e)
    rng = np.random.default_rng(seed)
    sims = stats.random_table(t.sum(axis=1).astype(int), t.sum(axis=0).astype(int), seed=rng).rvs(n_resamples)
    # Each drawn table has the observed margins, so sum((O - E)^2 / E) = sum(O^2 / E) - n: one product
    # over the drawn tables instead of three temporaries their size (a tenth of the time). The sums
    # differ from the textbook form by rounding only, far inside the tolerance below.
    flat = sims.reshape(len(sims), t.size).astype(float)
    sim_stats = (flat * flat) @ (1.0 / e).ravel() - n
    # Same tolerance as R, so floating-point noise does not decide ties.
    hits = int(np.sum(sim_stats >= obs - 1e-7 * max(1.0, obs)))
    p = (1 + hits) / (n_resamples + 1)
    dof = (t.shape[0] - 1) * (t.shape[1] - 1)
    return TestResult("chi_square_monte_carlo", obs, p, n, dof, math.sqrt(obs / (n * (min(t.shape) - 1))),
                      "cramers_v", f"Monte Carlo p-value, {n_resamples} resamples, seed {seed}")


def nominal_test(table: Any, *, seed: int = DEFAULT_SEED, n_resamples: int = MONTE_CARLO_RESAMPLES) -> TestResult:
    """Test independence in a contingency table, choosing the test the way the reports explain it:

    * every expected count >= 5: Pearson chi-square (asymptotic p-value);
    * some expected count < 5 in a 2x2 table: Fisher's exact test;
    * some expected count < 5 in a larger table: chi-square with a seeded Monte Carlo p-value.

    Empty rows and columns are dropped first. ``TestResult.test`` says which test was used.
    """
    import numpy as np

    t = _trim(table)
    if min(t.shape) < 2:
        return pearson_chi2(t)
    if np.all(expected_counts(t) >= 5):
        return pearson_chi2(t)
    if t.shape == (2, 2):
        res = fisher_exact(t)
        return TestResult(res.test, res.statistic, res.p_value, res.n, res.dof, res.effect_size,
                          res.effect_measure, "an expected count below 5: Fisher's exact test; " + res.note)
    res = monte_carlo_chi2(t, seed=seed, n_resamples=n_resamples)
    return TestResult(res.test, res.statistic, res.p_value, res.n, res.dof, res.effect_size, res.effect_measure,
                      "an expected count below 5: " + res.note)


def two_proportion_z(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float]:
    """Column-proportion z-test with the pooled proportion (as SPSS Custom Tables): (z, two-sided p).

    The normal tail is scipy.special's ``ndtr(-|z|)``, which ``scipy.stats.norm.sf`` computes: the same
    bits, without importing scipy.stats (the FOI commands need nothing else from it)."""
    from scipy import special

    if n1 == 0 or n2 == 0:
        return float("nan"), float("nan")
    p = (x1 + x2) / (n1 + n2)
    se = math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    if se == 0:
        return 0.0, 1.0
    z = (x1 / n1 - x2 / n2) / se
    return z, float(2 * special.ndtr(-abs(z)))


def spearman(x: Sequence[float], y: Sequence[float]) -> tuple[float, float]:
    """Spearman's rank correlation of two paired samples and its two-sided p-value from Student's t
    with n - 2 degrees of freedom: (rho, p). NaN for fewer than two pairs, a constant sample or a NaN.

    Computed operation for operation as ``scipy.stats.spearmanr`` computes it for two variables
    (average ranks, numpy's correlation of the ranks, ``t = rho sqrt(dof / ((rho + 1)(1 - rho)))``,
    ``2 stdtr(dof, -|t|)``), so the bits are scipy's, with scipy.special only: the FOI tables' size
    test is the one statistic of ``surveykit foi`` that would otherwise import all of scipy.stats."""
    import numpy as np
    from scipy import special

    pairs = np.column_stack((np.asarray(x), np.asarray(y))).astype(float, copy=False)
    n = pairs.shape[0]
    nan = float("nan")
    if n <= 1 or (pairs[:, 0] == pairs[0, 0]).all() or (pairs[:, 1] == pairs[0, 1]).all() or np.isnan(pairs).any():
        return nan, nan
    ranked = np.column_stack((_average_ranks(pairs[:, 0])[0], _average_ranks(pairs[:, 1])[0]))
    rs = np.corrcoef(ranked, rowvar=False)
    dof = n - 2
    with np.errstate(divide="ignore"):
        # small negative values from rounding are clipped before the square root, as scipy does
        t = rs * np.sqrt((dof / ((rs + 1.0) * (1.0 - rs))).clip(0))
    prob = 2 * special.stdtr(dof, -np.abs(t))
    return float(rs[1, 0]), float(prob[1, 0])


def chi2_sf(statistic: float, dof: float) -> float:
    """P(X >= statistic) for chi-square with ``dof`` degrees of freedom: scipy.special's ``chdtrc``,
    which ``scipy.stats.chi2.sf`` computes (the same bits, without importing scipy.stats)."""
    from scipy import special

    return float(special.chdtrc(dof, statistic))


def friedman(samples: Sequence[Sequence[float]]) -> tuple[float, float]:
    """Friedman's test of k related samples (the same n blocks each, e.g. measures ranked by groups):
    (chi-square statistic, p with k - 1 degrees of freedom). Values are ranked within each block, ties
    sharing their mean rank and corrected for. NaN when a value is missing or there is no block; a
    ValueError for fewer than 3 samples.

    Computed operation for operation as ``scipy.stats.friedmanchisquare`` computes it (ranks and tie
    counts are whole or half numbers, so their sums are exact in any order): scipy's bits, with
    scipy.special only."""
    import numpy as np

    k = len(samples)
    if k < 3:
        raise ValueError(f"At least 3 samples must be given for Friedman test, got {k}.")
    data = np.stack([np.asarray(sample, dtype=float) for sample in samples], axis=-1)  # blocks x samples
    n = data.shape[0]
    if n == 0 or np.isnan(data).any():
        return float("nan"), float("nan")
    ranks = np.empty_like(data)
    ties = np.float64(0.0)
    for i, block in enumerate(data):
        ranks[i], counts = _average_ranks(block)
        ties += (counts * (counts * counts - 1)).sum()
    c = 1 - ties / (k * (k * k - 1) * n)
    ssbn = np.sum(np.sum(ranks, axis=0) ** 2)
    with np.errstate(divide="ignore", invalid="ignore"):  # every block all tied: no test (NaN or inf)
        statistic = (12.0 / (k * n * (k + 1)) * ssbn - 3 * n * (k + 1)) / c
    return float(statistic), chi2_sf(float(statistic), k - 1)


def _average_ranks(values: "np.ndarray") -> tuple["np.ndarray", "np.ndarray"]:
    """Ranks 1..n, tied values sharing the mean of their ranks (whole or half numbers: exact), and how
    many values each distinct value has (as floats, in ascending order of the values)."""
    import numpy as np

    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    first = np.r_[True, ordered[1:] != ordered[:-1]]
    dense = first.cumsum()
    starts = np.r_[np.nonzero(first)[0], len(first)]
    ranks = np.empty(len(values))
    ranks[order] = 0.5 * (starts[dense] + starts[dense - 1] + 1)
    return ranks, np.diff(starts).astype(float)


def welch_t(mean1: float, sd1: float, n1: int, mean2: float, sd2: float, n2: int) -> tuple[float, float]:
    """Two-sample t-test of means with unequal variances (Welch), from each group's mean, SD (n - 1)
    and size: (t, two-sided p). NaN when a group has fewer than 2 values; two constant groups give
    t = 0, p = 1 when their means are equal, else an infinite t and p = 0.

    Computed operation for operation as ``scipy.stats.ttest_ind_from_stats(..., equal_var=False)``
    computes it (Welch-Satterthwaite degrees of freedom, ``2 stdtr(df, -|t|)``), on the same numpy
    scalars: scipy's bits, with scipy.special only (a banner needs nothing else from scipy.stats)."""
    import numpy as np
    from scipy import special

    if n1 < 2 or n2 < 2:
        return float("nan"), float("nan")
    if sd1 == 0 and sd2 == 0:
        if mean1 == mean2:
            return 0.0, 1.0
        return math.copysign(math.inf, mean1 - mean2), 0.0
    m1, s1, m2, s2 = np.asarray(mean1), np.asarray(sd1), np.asarray(mean2), np.asarray(sd2)
    vn1, vn2 = s1 ** 2 / n1, s2 ** 2 / n2
    with np.errstate(divide="ignore", invalid="ignore"):
        df = (vn1 + vn2) ** 2 / (vn1 ** 2 / (n1 - 1) + vn2 ** 2 / (n2 - 1))
        df = np.where(np.isnan(df), 1.0, df)  # undefined only when both variances are zero
        t = np.divide(m1 - m2, np.sqrt(vn1 + vn2))
    p = 2 * special.stdtr(np.asarray(df, dtype=t.dtype), -np.abs(t))
    return float(t), float(p)


def p_adjust_published(p_values: Sequence[float], method: str, hidden: Sequence[bool]) -> list[float]:
    """``p_adjust`` for a family some of whose p-values are not published (``hidden``): a published
    test's adjusted p-value is computed as if every hidden p-value were 1, the family keeping its size;
    a hidden test's is the method's own (its verdict may be published, its value is not).

    Holm's and Benjamini-Hochberg's adjusted values depend on where every p-value of the family ranks,
    so a published one can be a hidden one times a known factor. Taken as 1, a hidden test ranks last:
    each published value then depends only on published p-values and the family's size, and it is
    never below the method's own value (a published test ranks no later than it truly does, so Holm's
    factor for it is at least as large, and each of Benjamini-Hochberg's terms m p / k for it is at
    least one of the true ones), so a verdict drawn from it keeps the method's error rate. Bonferroni
    and no correction are unchanged."""
    import numpy as np

    p = np.asarray(p_values, dtype=float)
    mask = np.asarray(hidden, dtype=bool)
    if mask.shape != p.shape:
        raise ValueError("hidden must have one flag per p-value")
    own = p_adjust(p, method)
    if not mask.any() or method in ("bonf", "none"):
        return own
    public = p_adjust(np.where(mask & ~np.isnan(p), 1.0, p), method)
    return [o if h else v for o, v, h in zip(own, public, mask.tolist())]


def p_adjust(p_values: Sequence[float], method: str = "holm") -> list[float]:
    """Adjust a family of p-values (Holm, Benjamini-Hochberg, Bonferroni); NaN entries are left out of
    the family. Computed here with numpy (the tests check it against statsmodels ``multipletests``,
    which calls gc.collect() on every call and so costs seconds over a report)."""
    import numpy as np

    if method not in PADJUST_METHODS:
        raise invalid_choice("padjust", method, PADJUST_METHODS)
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if not ok.any():
        return out.tolist()
    q = p[ok]
    m = len(q)
    if method == "none":
        adjusted = q
    elif method == "bonf":
        adjusted = np.minimum(1.0, q * m)
    else:
        order = np.argsort(q, kind="mergesort")
        ranked = q[order]
        if method == "holm":
            # step-down: max over the smaller p-values of (m - i) * p_(i)
            steps = np.maximum.accumulate((m - np.arange(m)) * ranked)
        else:  # fdr_bh, step-up: min over the larger p-values of m / i * p_(i)
            steps = np.minimum.accumulate((m / np.arange(m, 0, -1)) * ranked[::-1])[::-1]
        adjusted = np.empty(m)
        adjusted[order] = np.minimum(1.0, steps)
    out[ok] = adjusted
    return out.tolist()
