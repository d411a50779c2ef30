"""Which authorities a figure stands on, one row per authority: in or out, and why.

The table names authorities and the status of their answers, never their counts (those would be
small numbers by authority), so it can be shared as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from surveykit.errors import invalid_choice
from surveykit.foi.figures import select_cohorts, select_waves
from surveykit.foi.returns import Returns

if TYPE_CHECKING:
    import pandas as pd

#: figure -> the measures an authority must give a number for to be in the figure's basis
#: ("provided" figures accept a range too).
BASIS_MEASURES = {
    "authorities_provided": ("in_care",), "in_care": ("in_care",), "went_missing": ("went_missing",),
    "episodes": ("episodes",), "still_missing": ("still_missing",),
    "share_missing": ("went_missing", "in_care"), "episodes_per_child": ("episodes", "went_missing"),
    "still_missing_share": ("still_missing", "went_missing"), "share_over_a_week": ("duration_*",),
}
BASIS_COLUMNS = ["figure", "wave", "cohort", "authority_id", "authority", "nation", "region", "in_basis", "statuses"]


def figure_basis(returns: Returns, *, figure: str, wave: str, cohort: str) -> "pd.DataFrame":
    """Every authority of the wave with ``in_basis`` (True when the figure counts it) and
    ``statuses``: the status of each answer the figure needs, e.g. ``in_care=reported;
    went_missing=not_held``. Columns: figure, wave, cohort, authority_id, authority, nation,
    region, in_basis, statuses."""
    import pandas as pd

    if figure not in BASIS_MEASURES:
        raise invalid_choice("figure", figure, tuple(BASIS_MEASURES))
    (w,) = select_waves(returns, wave)
    (c,) = select_cohorts(returns, cohort)
    measures = BASIS_MEASURES[figure]
    if measures == ("duration_*",):
        measures = returns.duration_bands(c)
    rows = []
    for r in returns.in_wave(w):
        cells = [r.cell(c, m) for m in measures]
        if figure == "authorities_provided":
            inside = all(x.provided for x in cells)
        else:
            inside = bool(cells) and all(x.value is not None for x in cells)
        rows.append({"figure": figure, "wave": w, "cohort": c, "authority_id": r.authority_id,
                     "authority": r.authority, "nation": r.nation, "region": r.region, "in_basis": inside,
                     "statuses": "; ".join(f"{m}={x.status}" for m, x in zip(measures, cells))})
    return pd.DataFrame(rows, columns=BASIS_COLUMNS)
