"""How far the youth workshops' groups agree (``agreement``, ``Agreement``): Kendall's W, the Friedman
test and Cochran's Q, which is withheld while a count of groups calling a measure effective is hidden."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from surveykit.errors import AnalysisError
from surveykit.ranking.rankings import Rankings
from surveykit.ranking.scores import count_is_hidden

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Agreement:
    """How far the groups agree. Every p-value belongs with ``n_groups`` (raters) and ``n_measures``.

    kendall_w: Kendall's coefficient of concordance, corrected for tied positions;
    kendall_chi2 = n_groups * (n_measures - 1) * W on ``df`` degrees of freedom (this is also the
    tie-corrected Friedman statistic); friedman_*: the Friedman test on the positions (groups are
    blocks); cochran_*: Cochran's Q on the effective / not-effective sort. ``cochran_withheld``: Q and
    its p-value are NaN because Q is computed from the numbers of groups calling each measure
    effective and some of them are suppressed (see ``agreement``).
    """

    n_groups: int
    n_people: int
    n_measures: int
    df: int
    kendall_w: float
    kendall_chi2: float
    kendall_p: float
    friedman_chi2: float
    friedman_p: float
    cochran_q: float
    cochran_df: int
    cochran_p: float
    exploratory: bool
    cochran_withheld: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in self.__dict__.items()}

    def lines(self) -> list[str]:
        """Sentences for people; every p-value carries its n."""
        n = f"n = {self.n_groups} groups ({self.n_people} young people) x {self.n_measures} measures"
        label = "exploratory: " if self.exploratory else ""
        return [
            f"{label}Kendall's W = {_fmt(self.kendall_w, 3)} (tie-corrected), chi-square({self.df}) = "
            f"{_fmt(self.kendall_chi2, 2)}, p {_fmt_p(self.kendall_p)}, {n}",
            f"{label}Friedman test: chi-square({self.df}) = {_fmt(self.friedman_chi2, 2)}, "
            f"p {_fmt_p(self.friedman_p)}, {n}",
            f"{label}Cochran's Q on the effective / not-effective sort: " + (
                "not shown, because it is computed from the numbers of groups calling each measure effective, "
                f"and some of those are suppressed, {n}" if self.cochran_withheld else
                f"Q({self.cochran_df}) = {_fmt(self.cochran_q, 2)}, p {_fmt_p(self.cochran_p)}, {n}"),
        ]


def kendall_w(positions: "pd.DataFrame") -> tuple[float, float, int, float]:
    """Kendall's W with the tie correction, for a raters x items table of ranks (mid-ranks for ties).

    W = 12 S / (m^2 (n^3 - n) - m sum T), S = sum over items of (R_i - mean R)^2, T = sum over each
    rater's tie groups of (t^3 - t). Returns (W, chi-square = m (n-1) W, df = n-1, p).
    """
    from surveykit.stats import chi2_sf

    values = positions.to_numpy(dtype="float64")
    m, n = values.shape
    if m < 2 or n < 2:
        raise AnalysisError(f"Kendall's W needs at least 2 groups and 2 measures; got {m} and {n}")
    totals = values.sum(axis=0)
    s = float(((totals - totals.mean()) ** 2).sum())
    ties = 0.0
    for row in values:
        _, counts = _unique_counts(row)
        ties += float(sum(t ** 3 - t for t in counts if t > 1))
    denom = m ** 2 * (n ** 3 - n) - m * ties
    w = 12.0 * s / denom if denom > 0 else float("nan")
    chi2 = m * (n - 1) * w
    p = chi2_sf(chi2, n - 1) if not math.isnan(chi2) else float("nan")
    return w, chi2, n - 1, p


def cochran_q(binary: "pd.DataFrame") -> tuple[float, int, float]:
    """Cochran's Q for a blocks x treatments 0/1 table: (Q, df = k-1, p).

    Q = (k-1) (k sum C_j^2 - N^2) / (k N - sum R_i^2), C_j treatment totals, R_i block totals.
    NaN when every block gives every treatment the same answer (the test is undefined).
    """
    from surveykit.stats import chi2_sf

    x = binary.to_numpy(dtype="float64")
    k = x.shape[1]
    cols, rows, total = x.sum(axis=0), x.sum(axis=1), x.sum()
    denom = k * total - float((rows ** 2).sum())
    if denom <= 0:
        return float("nan"), k - 1, float("nan")
    q = (k - 1) * (k * float((cols ** 2).sum()) - total ** 2) / denom
    return float(q), k - 1, chi2_sf(q, k - 1)


def agreement(rankings: Rankings, *, suppress: bool = True, threshold: int = 5) -> Agreement:
    """Kendall's W, the Friedman test and Cochran's Q for a set of rankings (see ``Agreement``).

    ``suppress`` (the default): where any measure's number of groups calling it effective is hidden
    (``count_is_hidden``), Cochran's Q and its p-value are withheld (NaN, ``cochran_withheld``). Q is a
    function of those numbers and of the sizes of the groups' piles, so beside the numbers that are shown
    it often gives a hidden one away: with one hidden number among 12 to 20 groups, Q as the text prints
    it (two decimals) leaves a single possible value in about half of the cases. Kendall's W and the
    Friedman test depend only on the positions, which are published anyway.
    """
    import warnings

    from surveykit.stats import friedman
    from surveykit.validation import check_bool, check_threshold

    suppress = check_bool(suppress, parameter="suppress")
    threshold = check_threshold(threshold)

    pos = rankings.positions()
    if rankings.n_groups < 2:
        raise AnalysisError(f"agreement between groups needs at least 2 groups; the file has {rankings.n_groups}")
    w, chi2, df, p = kendall_w(pos)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            f_chi2, f_p = friedman([pos[c].to_numpy() for c in pos.columns])
        except ValueError:
            f_chi2, f_p = float("nan"), float("nan")
    effective = rankings.effective_matrix()
    q, q_df, q_p = cochran_q(effective)
    withheld = suppress and any(count_is_hidden(int(k), rankings.n_groups, threshold=threshold)
                                for k in effective.sum(axis=0))
    if withheld:
        q, q_p = float("nan"), float("nan")
    return Agreement(n_groups=rankings.n_groups, n_people=rankings.n_people, n_measures=len(rankings.measures),
                     df=df, kendall_w=w, kendall_chi2=chi2, kendall_p=p, friedman_chi2=f_chi2, friedman_p=f_p,
                     cochran_q=q, cochran_df=q_df, cochran_p=q_p, exploratory=rankings.exploratory,
                     cochran_withheld=withheld)


# -- helpers ----------------------------------------------------------------------------------

def _unique_counts(row) -> tuple[list[float], list[int]]:
    counts: dict[float, int] = {}
    for v in row:
        counts[float(v)] = counts.get(float(v), 0) + 1
    return list(counts), list(counts.values())


def _fmt(value: float, digits: int) -> str:
    return "n/a" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def _fmt_p(p: float) -> str:
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "n/a"
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"
