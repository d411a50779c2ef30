"""Diverging stacked bar chart of a rated grid (effectiveness ratings, how often reasons are seen ...).

Each item is one bar of its valid answers (100%), split at the scale's neutral point: the lower
options extend left of zero, the higher ones right, and the neutral option straddles zero half and
half. Items are ordered by the top-box share (highest at the top) and the valid base ``n`` is
printed at the end of each bar.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from surveykit.instrument import Scale


def diverging_chart(table: "pd.DataFrame", *, scale: "Scale", top_col: str = "pct_effective",
                    title: str | None = None, label_width: int = 48) -> "Figure":
    """The chart of one group's rows of ``scoring.effectiveness_table`` / ``reasons_table``
    (numbers, not suppression markers). The neutral point is the middle valid option."""
    import numpy as np
    from matplotlib import colormaps

    from surveykit.charts.base import new_figure

    if "group" in table.columns and table["group"].nunique() > 1:
        raise ValueError("diverging_chart draws one group: filter the table first")
    from surveykit.disclosure import MARKER

    opts = sorted(scale.valid_options, key=lambda o: o.value)
    cols = [f"pct_{o.code}" for o in opts]
    if "rank" in table.columns:  # ranks come from the true values even when numbers are suppressed
        data = table.sort_values("rank", ascending=False, kind="mergesort")  # bottom-up
    else:
        data = table.sort_values([top_col, "mean"], ascending=[True, True], kind="mergesort")
    raw = data[cols].to_numpy(dtype=object)
    omitted = np.vectorize(lambda v: isinstance(v, str) and v == MARKER)(raw) if raw.size else np.zeros((0, 0), bool)
    # A suppressed share is left out of the bar (an SVG would give its exact width away).
    pcts = np.nan_to_num(np.where(omitted, 0.0, raw).astype(float))
    k = len(opts)
    mid = k // 2 if k % 2 else None  # index of the neutral option (odd-length scales)
    lower = list(range(k // 2))
    left = pcts[:, lower].sum(axis=1) + (pcts[:, mid] / 2 if mid is not None else 0)
    colours = colormaps["RdYlGn"](np.linspace(0.08, 0.92, k))
    colours[mid if mid is not None else 0] = (0.78, 0.78, 0.78, 1.0) if mid is not None else colours[0]

    height = max(3.0, 0.42 * len(data) + 1.6)
    fig = new_figure(10.0, height)
    ax = fig.add_subplot(1, 1, 1)
    y = np.arange(len(data))
    start = -left
    for i, o in enumerate(opts):
        ax.barh(y, pcts[:, i], left=start, color=colours[i], edgecolor="white", linewidth=0.5, label=o.label,
                height=0.7)
        start = start + pcts[:, i]
    right_end = start
    for yi, (end, n) in enumerate(zip(right_end, data["n"].to_numpy())):
        ax.text(end + 1.0, yi, f"n={n if isinstance(n, str) else int(n)}", va="center", ha="left", fontsize=8)
    if omitted.any():
        fig.text(0.01, 0.005, f"Shares based on fewer respondents than the disclosure threshold ({MARKER}) are "
                 "left out, so some bars fall short of 100%.", fontsize=7, ha="left", va="bottom")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels([textwrap.shorten(str(lbl), width=label_width, placeholder="...")
                        for lbl in data["item_label"]], fontsize=8)
    lim = max(100.0, float(np.max(left)) if len(left) else 100.0)
    ax.set_xlim(-lim - 2, 112)
    ticks = [t for t in range(-100, 101, 25) if -lim - 2 <= t <= 112]
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{abs(t)}%" for t in ticks])
    ax.set_xlabel("% of valid answers (Don't know and blank excluded); neutral split at 0")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 if len(data) > 6 else -0.25), ncol=min(k, 5),
              fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def effectiveness_chart(table: "pd.DataFrame", *, scale: "Scale", title: str | None = None) -> "Figure":
    """An effectiveness grid's chart: ``diverging_chart`` with the % effective ordering."""
    return diverging_chart(table, scale=scale, top_col="pct_effective",
                           title=title or "How effective respondents rate each measure")


def reasons_chart(table: "pd.DataFrame", *, scale: "Scale", title: str | None = None) -> "Figure":
    return diverging_chart(table, scale=scale, top_col="pct_often", title=title)


__all__: Sequence[str] = ("diverging_chart", "effectiveness_chart", "reasons_chart")
