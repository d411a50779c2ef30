"""The Plackett-Luce model of the youth rankings (``plackett_luce``): worths fitted with choix and
percentile intervals from a seeded bootstrap of the groups, withheld while a count of groups is hidden."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from surveykit.errors import invalid_choice
from surveykit.ranking.rankings import Rankings
from surveykit.ranking.scores import count_is_hidden

if TYPE_CHECKING:
    import pandas as pd

MODELS = ("none", "plackett-luce")


# -- Plackett-Luce --------------------------------------------------------------------------

@dataclass(frozen=True)
class PlackettLuce:
    """Plackett-Luce worths (summing to 1: the chance each measure is picked first) with
    percentile bootstrap intervals over groups. ``table`` columns: ``measure_id, measure_label,
    assumed, pl_worth, pl_worth_low, pl_worth_high, pl_rank``. ``withheld``: the worths, intervals and
    ranks are missing (NaN) because a number of groups calling a measure effective is suppressed
    (see ``plackett_luce``); ``line()`` says so."""

    table: "pd.DataFrame" = field(repr=False, compare=False)
    n_boot: int = 0
    seed: int = 0
    level: float = 0.95
    alpha: float = 0.0
    n_groups: int = 0
    withheld: bool = False

    def line(self) -> str:
        """The sentence for people under the table."""
        if self.withheld:
            return ("Plackett-Luce worths: not shown, because they are worked out from each group's whole order, "
                    "which beside the numbers shown can give a suppressed number of groups away.")
        return (f"Plackett-Luce worths (sum to 1), {int(self.level * 100)}% percentile intervals from "
                f"{self.n_boot} bootstrap resamples of the {self.n_groups} groups (seed {self.seed}).")


def choice_data(rankings: Rankings) -> list[tuple[int, list[int]]]:
    """Each group's combined order as a sequence of first choices (winner, losers) for choix.

    A strict order a1 > a2 > ... gives (a1, {a2..}), (a2, {a3..}), ...: the Plackett-Luce likelihood.
    Tied measures (an unranked pile) are not chosen among themselves; each is chosen over the
    measures below the tie (Breslow's approximation), and an unranked bottom pile adds nothing.
    """
    ids = rankings.measures.ids
    index = {m: i for i, m in enumerate(ids)}
    data: list[tuple[int, list[int]]] = []
    for g in rankings.groups:
        pos = g.positions(ids)
        for m in ids:
            below = [index[o] for o in ids if pos[o] > pos[m]]
            if below:
                data.append((index[m], below))
    return data


def _pl_params(n_items: int, data: list[tuple[int, list[int]]], alpha: float):
    """choix's MAP estimate (``opt_top1``), as worths summing to 1."""
    import choix
    import numpy as np

    params = choix.opt_top1(n_items, data, alpha=alpha)
    worth = np.exp(params - params.max())
    return worth / worth.sum()


def _pl_params_fast(n_items: int, data: list[tuple[int, list[int]]], alpha: float, *, tol: float = 1e-10):
    """The same objective as ``choix.opt_top1`` (alpha * |theta|^2 minus the top-1 log-likelihood),
    minimised by vectorised Newton steps: choix loops in Python, far too slow for 1000 bootstrap fits.
    Tests check both give the same worths."""
    import numpy as np

    mask = np.zeros((len(data), n_items), dtype=bool)
    win = np.zeros((len(data), n_items))
    for c, (w, losers) in enumerate(data):
        mask[c, w] = True
        mask[c, losers] = True
        win[c, w] = 1.0
    wins = win.sum(axis=0)

    def objective(t):
        z = np.where(mask, t, -np.inf)
        top = z.max(axis=1)
        return float(alpha * (t ** 2).sum() + (top + np.log(np.exp(z - top[:, None]).sum(axis=1))).sum()
                     - (win * t).sum())

    theta = np.zeros(n_items)
    value = objective(theta)
    for _ in range(200):
        z = np.where(mask, theta, -np.inf)
        z = np.exp(z - z.max(axis=1, keepdims=True))
        prob = z / z.sum(axis=1, keepdims=True)
        grad = 2 * alpha * theta + prob.sum(axis=0) - wins
        hess = 2 * alpha * np.eye(n_items) + np.diag(prob.sum(axis=0)) - prob.T @ prob
        step = np.linalg.solve(hess, grad)
        # Backtracking: a full Newton step can overshoot when one measure nearly always wins.
        size = 1.0
        while size > 1e-8:
            candidate = theta - size * step
            new_value = objective(candidate)
            if new_value <= value - 1e-4 * size * float(grad @ step):
                break
            size /= 2
        theta, value = candidate, new_value
        if np.abs(size * step).max() < tol:
            break
    worth = np.exp(theta - theta.max())
    return worth / worth.sum()


def plackett_luce(rankings: Rankings, *, n_boot: int = 1000, seed: int = 2016, level: float = 0.95,
                  alpha: float = 0.1, suppress: bool = True, threshold: int = 5) -> PlackettLuce:
    """Fit Plackett-Luce worths with choix (``opt_top1``, an L2 penalty ``alpha`` on the log-worths
    keeps a measure that no group ever chose first finite) and bootstrap groups ``n_boot`` times
    with a seeded generator for percentile intervals at ``level``.

    ``suppress`` (the default): where any measure's number of groups calling it effective is hidden
    (``count_is_hidden``), nothing is fitted and the worths, intervals and ranks are NaN
    (``withheld``). The worths come from every group's whole order, and the bootstrap, whose seed is
    published, replays them resample by resample: that can tell apart files whose other published
    numbers are all the same, and each group's order, beside the numbers that are shown, can leave a
    hidden number one possible value (the sample's rights_info)."""
    import numpy as np
    import pandas as pd

    from surveykit.validation import check_bool, check_threshold

    if n_boot < 0:
        raise invalid_choice("n_boot", n_boot, ["a whole number 0 or more"])
    if not 0 < level < 1:
        raise invalid_choice("level", level, ["a number between 0 and 1"])
    if alpha <= 0:
        raise invalid_choice("alpha", alpha, ["a positive number"])
    suppress = check_bool(suppress, parameter="suppress")
    threshold = check_threshold(threshold)
    ids = rankings.measures.ids
    n = len(ids)
    if suppress and any(count_is_hidden(int(k), rankings.n_groups, threshold=threshold)
                        for k in rankings.effective_matrix().sum(axis=0)):
        missing = [float("nan")] * n
        table = pd.DataFrame({
            "measure_id": list(ids),
            "measure_label": [x.label for x in rankings.measures.measures],
            "assumed": [x.assumed for x in rankings.measures.measures],
            "pl_worth": missing, "pl_worth_low": missing, "pl_worth_high": missing,
            "pl_rank": pd.array([pd.NA] * n, dtype="Int64"),
        })
        return PlackettLuce(table=table, n_boot=n_boot, seed=seed, level=level, alpha=alpha,
                            n_groups=rankings.n_groups, withheld=True)
    worth = _pl_params(n, choice_data(rankings), alpha)
    rng = np.random.default_rng(seed)
    boots = np.empty((n_boot, n))
    groups = rankings.groups
    for b in range(n_boot):
        pick = rng.integers(0, len(groups), size=len(groups))
        sample = Rankings(measures=rankings.measures, groups=tuple(groups[i] for i in pick))
        boots[b] = _pl_params_fast(n, choice_data(sample), alpha)
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    table = pd.DataFrame({
        "measure_id": list(ids),
        "measure_label": [x.label for x in rankings.measures.measures],
        "assumed": [x.assumed for x in rankings.measures.measures],
        "pl_worth": worth,
        "pl_worth_low": np.quantile(boots, lo_q, axis=0) if n_boot else np.nan,
        "pl_worth_high": np.quantile(boots, hi_q, axis=0) if n_boot else np.nan,
    })
    table["pl_rank"] = table["pl_worth"].rank(method="min", ascending=False).astype("int64")
    return PlackettLuce(table=table, n_boot=n_boot, seed=seed, level=level, alpha=alpha,
                        n_groups=rankings.n_groups)
