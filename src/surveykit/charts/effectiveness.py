"""Diverging stacked bar chart of a rated grid (effectiveness ratings, how often reasons are seen ...).

Each item is one bar of its valid answers (100%), split at the scale's neutral point: the lower
options extend left of zero, the higher ones right, and the neutral option straddles zero half and
half. Items are ordered by the top-box share (highest at the top) and the valid base ``n`` is
printed at the end of each bar.

Suppressed shares (the disclosure marker) are never dropped silently: together they form one hatched
"suppressed" block drawn in a panel of its own to the right of the bars, always at the same place,
whose width is the part of the bar the table does not show (100% minus the shares it shows, which
the table already gives away; no single hidden share can be read from it). The bars themselves
then hold only the shown shares.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from surveykit.charts.base import footnote, listing, new_figure, plain_text, set_alt, stack_below, wrap
from surveykit.charts.palette import (EDGE, SUPPRESSED_EDGE, SUPPRESSED_FACE, SUPPRESSED_HATCH, PaletteSpec,
                                      ordinal)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from surveykit.instrument import Scale

SUPPRESSED_LABEL = "Suppressed [c]"


@plain_text
def diverging_chart(table: "pd.DataFrame", *, scale: "Scale", top_col: str = "pct_effective",
                    title: str | None = None, label_width: int = 34, palette: PaletteSpec = None,
                    what: str = "item") -> "Figure":
    """The chart of one group's rows of ``scoring.effectiveness_table`` / ``reasons_table``
    (numbers or suppression markers). The neutral point is the middle valid option.

    ``palette``: a palette name or list of colours (``surveykit.charts.palette``); ``what``: the
    word for a row in the alternative text ("measure", "reason" ...)."""
    import numpy as np

    from surveykit.disclosure import MARKER
    if "group" in table.columns and table["group"].nunique() > 1:
        raise ValueError("diverging_chart draws one group: filter the table first")

    opts = sorted(scale.valid_options, key=lambda o: o.value)
    cols = [f"pct_{o.code}" for o in opts]
    if "rank" in table.columns:  # published ranks: a suppressed share (rank [c]) comes last
        from surveykit.scoring import in_rank_order

        data = in_rank_order(table).iloc[::-1]  # bottom-up
    else:
        data = table.sort_values([top_col, "mean"], ascending=[True, True], kind="mergesort")
    raw = data[cols].to_numpy(dtype=object)
    hidden = np.array([[isinstance(v, str) and v == MARKER for v in row] for row in raw], dtype=bool).reshape(raw.shape)
    pcts = np.nan_to_num(np.where(hidden, 0.0, raw).astype(float))
    # The hidden share of a bar: what the shown shares leave of 100% (nothing when n itself is hidden
    # and every share is: the whole bar is then hidden).
    hidden_share = np.where(hidden.any(axis=1), np.clip(100.0 - pcts.sum(axis=1), 0.0, 100.0), 0.0)
    k = len(opts)
    mid = k // 2 if k % 2 else None  # index of the neutral option (odd-length scales)
    lower = list(range(k // 2))
    left = pcts[:, lower].sum(axis=1) + (pcts[:, mid] / 2 if mid is not None else 0)
    colours = ordinal(k, palette=palette)

    n_rows = len(data)
    labels = [wrap(str(lbl), label_width) for lbl in data["item_label"]]
    lines = sum(max(1, lbl.count("\n") + 1) for lbl in labels)
    height = max(2.6, 0.24 * lines + 0.18 * n_rows + 1.2)
    fig = new_figure(10.0, height)
    any_hidden = bool(hidden.any())
    if any_hidden:
        grid = fig.add_gridspec(1, 2, width_ratios=[8.6, 1.4], wspace=0.05)
        ax = fig.add_subplot(grid[0, 0])
        side = fig.add_subplot(grid[0, 1], sharey=ax)
    else:
        ax = fig.add_subplot(1, 1, 1)
        side = None
    y = np.arange(n_rows)
    start = -left
    for i, o in enumerate(opts):
        ax.barh(y, pcts[:, i], left=start, color=colours[i], edgecolor=EDGE, linewidth=0.4, label=o.label,
                height=0.7)
        start = start + pcts[:, i]
    right_end = start
    for yi, (end, n) in enumerate(zip(right_end, data["n"].to_numpy())):
        ax.text(end + 1.0, yi, f"n={n if isinstance(n, str) else int(n)}", va="center", ha="left", fontsize=8)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=8)
    lim = max(100.0, float(np.max(left)) if len(left) else 100.0)
    ax.set_xlim(-lim - 2, 112)
    ticks = [t for t in range(-100, 101, 25) if -lim - 2 <= t <= 112]
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{abs(t)}%" for t in ticks])
    ax.set_xlabel("% of valid answers (Don't know and blank excluded); the neutral rating is split at 0")
    ax.spines[["top", "right"]].set_visible(False)
    handles, names = ax.get_legend_handles_labels()
    if side is not None:
        side.barh(y, hidden_share, left=0, color=SUPPRESSED_FACE, edgecolor=SUPPRESSED_EDGE, hatch=SUPPRESSED_HATCH,
                  linewidth=0.6, height=0.7, label=SUPPRESSED_LABEL)
        for yi, share in enumerate(hidden_share):
            if share > 0:
                side.text(min(share, 70.0) + 2.0, yi, "[c]", va="center", ha="left", fontsize=7, color="#000000",
                          bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
        side.set_xlim(0, 100)
        side.set_xticks([0, 50, 100])
        side.set_xticklabels(["0", "50", "100%"], fontsize=7)
        side.tick_params(axis="y", left=False, labelleft=False)
        side.spines[["top", "right"]].set_visible(False)
        side.set_title("suppressed\nshare", fontsize=7.5, loc="left")
        h2, n2 = side.get_legend_handles_labels()
        handles, names = handles + h2, names + n2
    legend = ax.legend(handles, names, ncol=min(len(names), 3 if k > 4 else len(names)), fontsize=8,
                       frameon=False)
    if title:
        ax.set_title(wrap(title, 90), fontsize=10, loc="left")
    blocks = [legend]
    if any_hidden:
        blocks.append(footnote(fig, f"{SUPPRESSED_LABEL}: shares based on fewer respondents than the disclosure "
                                    "threshold, and shares that would reveal them, are not drawn in the bar; the "
                                    "hatched block in the right-hand panel is their total, whatever ratings they "
                                    "belong to."))
    stack_below(fig, ax, blocks)

    # Alternative text, from what was drawn (top of the chart first).
    order = [str(v) for v in data["item_label"]][::-1]
    tops = [v for v in data[top_col]][::-1] if top_col in data.columns else []
    best = f"{order[0]} ({_pct(tops[0])})" if order and tops else (order[0] if order else "")
    worst = f"{order[-1]} ({_pct(tops[-1])})" if order and tops else (order[-1] if order else "")
    n_hidden = int(hidden.any(axis=1).sum())
    top_name = scale.top_box_label or top_col.replace("pct_", "% ").replace("_", " ")
    alt = (f"Diverging stacked bar chart of {n_rows} {what}{'s' if n_rows != 1 else ''} rated from "
           f"{opts[0].label} to {opts[-1].label} ({k} ratings), one bar per {what} split at the neutral point, "
           f"sorted by {top_name} from highest at the top: {best} first, {worst} last."
           + (f" {n_hidden} bar{'s' if n_hidden != 1 else ''} include{'s' if n_hidden == 1 else ''} a hatched "
              f"block of suppressed shares ({listing([order[i] for i in range(n_rows) if hidden[::-1][i].any()])})."
              if n_hidden else ""))
    return set_alt(fig, alt)


def _pct(value) -> str:
    if isinstance(value, str):
        return value
    try:
        return f"{float(value):.0f}%"
    except (TypeError, ValueError):
        return ""


@plain_text
def effectiveness_chart(table: "pd.DataFrame", *, scale: "Scale", title: str | None = None,
                        palette: PaletteSpec = None) -> "Figure":
    """An effectiveness grid's chart: ``diverging_chart`` with the % effective ordering."""
    return diverging_chart(table, scale=scale, top_col="pct_effective", palette=palette, what="measure",
                           title=title or "How effective respondents rate each measure")


@plain_text
def reasons_chart(table: "pd.DataFrame", *, scale: "Scale", title: str | None = None,
                  palette: PaletteSpec = None) -> "Figure":
    return diverging_chart(table, scale=scale, top_col="pct_often", title=title, palette=palette, what="reason")


__all__: Sequence[str] = ("diverging_chart", "effectiveness_chart", "reasons_chart")
