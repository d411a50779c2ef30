"""Charts that only the report draws (the analysis charts live in ``surveykit.charts``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from surveykit.charts.base import new_figure

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

COMPLETED = "#1f5f99"
PARTIAL = "#9fbfdc"


def respondents_chart(frame: "pd.DataFrame") -> "Figure":
    """Horizontal stacked bars: completed and not completed respondents per group.

    ``frame`` is ``report.sections.who_responded_frame()``'s table (the total row is left out).
    """
    rows = frame[frame["group"] != "total"].iloc[::-1]
    fig = new_figure(8.0, 0.4 * len(rows) + 1.4)
    ax = fig.add_subplot()
    labels = list(rows["group_label"])
    done = [int(v) for v in rows["completed"]]
    partial = [int(n) - int(c) for n, c in zip(rows["respondents"], rows["completed"])]
    ax.barh(labels, done, color=COMPLETED, label="completed")
    ax.barh(labels, partial, left=done, color=PARTIAL, label="not completed")
    for y, (d, p) in enumerate(zip(done, partial)):
        ax.text(d + p + 0.5, y, str(d + p), va="center", fontsize=8)
    ax.set_xlabel("respondents")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="lower right", frameon=False, fontsize=8)
    return fig


def sector_sizes_chart(frame: "pd.DataFrame") -> "Figure":
    """Respondents per group only (used when the completion split is suppressed)."""
    rows = frame[frame["group"] != "total"].iloc[::-1]
    fig = new_figure(8.0, 0.4 * len(rows) + 1.4)
    ax = fig.add_subplot()
    sizes = [int(v) for v in rows["respondents"]]
    ax.barh(list(rows["group_label"]), sizes, color=COMPLETED)
    for y, n in enumerate(sizes):
        ax.text(n + 0.5, y, str(n), va="center", fontsize=8)
    ax.set_xlabel("respondents")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def ranked_bars(table: "pd.DataFrame", *, value: str, label: str, xlabel: str) -> "Figure":
    """Horizontal bars of ``value`` (0-100), highest at the top, in the table's rank order.

    Suppressed values (the disclosure marker) are drawn as empty rows labelled "[c]"."""
    order = table.sort_values("rank") if "rank" in table.columns else table
    labels = [str(v) for v in order[label]][::-1]
    values = [v if isinstance(v, (int, float)) and v == v else None for v in order[value]][::-1]
    fig = new_figure(8.5, 0.32 * len(labels) + 1.3)
    ax = fig.add_subplot()
    ax.barh(range(len(labels)), [v or 0 for v in values], color=COMPLETED)
    for y, v in enumerate(values):
        ax.text((v or 0) + 1, y, f"{v:.0f}%" if v is not None else "[c]", va="center", fontsize=7)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_xlim(0, 105)
    ax.set_xlabel(xlabel)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def youth_positions(table: "pd.DataFrame") -> "Figure":
    """Dot chart of the young people's mean position per measure (1 = best at the top)."""
    order = table.sort_values("rank", ascending=False)
    fig = new_figure(8.5, 0.32 * len(order) + 1.3)
    ax = fig.add_subplot()
    ys = range(len(order))
    xs = [float(v) for v in order["mean_position"]]
    colours = [PARTIAL if a else COMPLETED for a in order["assumed"]]
    ax.hlines(list(ys), 1, xs, color="#d9dee7", linewidth=1)
    ax.scatter(xs, list(ys), color=colours, zorder=3)
    ax.set_yticks(list(ys), [str(v) for v in order["measure_label"]], fontsize=8)
    ax.set_xlim(0.5, len(order) + 0.5)
    ax.set_xlabel("mean position in the groups' combined orders (1 = best); light dots: assumed measures")
    ax.spines[["top", "right"]].set_visible(False)
    return fig
