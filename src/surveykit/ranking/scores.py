"""The youth ranking exercise scored (``score_measures``, ``extremes``) and the scores' disclosure
protection (``count_is_hidden``, ``protect_scores``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from surveykit.errors import invalid_choice
from surveykit.ranking.rankings import Rankings

if TYPE_CHECKING:
    import pandas as pd


# -- scoring ----------------------------------------------------------------------------------

def score_measures(rankings: Rankings) -> "pd.DataFrame":
    """One row per measure, best first.

    Columns: ``measure_id, measure_label, assumed, n_groups, n_effective, pct_effective`` (0-100,
    of groups), ``mean_position`` (mean combined-order position, 1 = best), ``borda`` (sum over
    groups of ``n_measures - position``: the best measure of a group gets n-1 points, the worst 0),
    ``rank`` (1 = best, by mean position; equal mean positions share the lowest rank).
    """
    import pandas as pd

    pos = rankings.positions()
    eff = rankings.effective_matrix()
    n = len(rankings.measures)
    m = rankings.n_groups
    frame = pd.DataFrame({
        "measure_id": list(rankings.measures.ids),
        "measure_label": [x.label for x in rankings.measures.measures],
        "assumed": [x.assumed for x in rankings.measures.measures],
        "n_groups": m,
        "n_effective": [int(eff[c].sum()) for c in rankings.measures.ids],
    })
    frame["pct_effective"] = 100.0 * frame["n_effective"] / m
    frame["mean_position"] = [float(pos[c].mean()) for c in rankings.measures.ids]
    frame["borda"] = [float((n - pos[c]).sum()) for c in rankings.measures.ids]
    frame["rank"] = frame["mean_position"].rank(method="min").astype("int64")
    frame["_order"] = range(len(frame))
    frame = frame.sort_values(["rank", "_order"], kind="stable").drop(columns="_order").reset_index(drop=True)
    return frame


def count_is_hidden(n_effective: int, n_groups: int, *, threshold: int = 5) -> bool:
    """Whether a measure's number of groups calling it effective is suppressed: it, or the number of
    groups that did not, is 1 to ``threshold - 1``."""
    from surveykit.disclosure import is_primary

    return is_primary(float(n_effective), threshold) or is_primary(float(n_groups - n_effective), threshold)


def protect_scores(scores: "pd.DataFrame", *, threshold: int = 5) -> "pd.DataFrame":
    """``score_measures`` as published: the number (and share) of groups calling a measure effective
    is hidden where it, or the rest of the groups, is 1 to ``threshold - 1`` groups of young people;
    mean positions and Borda scores are rounded (with few groups a full-precision mean times the
    number of groups gives the groups' positions away). Ranks and orders use the true values."""
    from surveykit.disclosure import MARKER

    out = scores.astype({"n_effective": object, "pct_effective": object}).copy()
    for i, (k, m) in enumerate(zip(scores["n_effective"], scores["n_groups"])):
        if count_is_hidden(int(k), int(m), threshold=threshold):
            out.iat[i, out.columns.get_loc("n_effective")] = MARKER
            out.iat[i, out.columns.get_loc("pct_effective")] = MARKER
        else:
            out.iat[i, out.columns.get_loc("pct_effective")] = round(float(scores["pct_effective"].iloc[i]), 1)
    out["mean_position"] = [round(float(v), 1) for v in scores["mean_position"]]
    out["borda"] = [round(float(v)) for v in scores["borda"]]
    return out


def extremes(scores: "pd.DataFrame", *, top: int = 6, bottom: int = 4) -> tuple[list[str], list[str]]:
    """(most effective best first, most ineffective worst first) measure ids from ``score_measures``."""
    if top < 0 or bottom < 0:
        raise invalid_choice("top/bottom", (top, bottom), ["whole numbers 0 or more"])
    ids = list(scores["measure_id"])
    return ids[:top], list(reversed(ids))[:bottom]
