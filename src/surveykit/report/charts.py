"""Charts that only the report draws (the analysis charts live in ``surveykit.charts``).

Each one writes its own alternative text (``surveykit.charts.base.set_alt``) from what it drew, and
takes its colours from ``surveykit.charts.palette``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from surveykit.charts.base import listing, plain_text, set_alt, stack_below, wrap
from surveykit.charts.palette import (EDGE, SUPPRESSED_EDGE, SUPPRESSED_FACE, SUPPRESSED_HATCH, PaletteSpec,
                                      categorical, ordinal)
from surveykit.report.figures import new_figure

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

LABEL_WIDTH = 40


def _two(palette: PaletteSpec) -> tuple[str, str]:
    dark, light = ordinal(2, palette=palette)[::-1]
    return dark, light


@plain_text
def respondents_chart(frame: "pd.DataFrame", *, palette: PaletteSpec = None) -> "Figure":
    """Horizontal stacked bars: completed and not completed respondents per group.

    ``frame`` is ``report.sections.who_responded_frame()``'s table (the total row is left out).
    """
    rows = frame[frame["group"] != "total"].iloc[::-1]
    completed, partial_colour = _two(palette)
    labels = [wrap(str(v), LABEL_WIDTH) for v in rows["group_label"]]
    fig = new_figure(8.0, 0.42 * len(rows) + 1.4)
    ax = fig.add_subplot()
    done = [int(v) for v in rows["completed"]]
    partial = [int(n) - int(c) for n, c in zip(rows["respondents"], rows["completed"])]
    ax.barh(labels, done, color=completed, edgecolor=EDGE, linewidth=0.4, label="completed")
    ax.barh(labels, partial, left=done, color=partial_colour, edgecolor=EDGE, linewidth=0.4, label="not completed")
    for y, (d, p) in enumerate(zip(done, partial)):
        ax.text(d + p + 0.5, y, str(d + p), va="center", fontsize=8)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_xlabel("respondents")
    ax.spines[["top", "right"]].set_visible(False)
    legend = ax.legend(ncol=2, frameon=False, fontsize=8)
    stack_below(fig, ax, [legend])
    order = list(rows.sort_values("respondents", ascending=False, kind="mergesort")["group_label"])
    return set_alt(fig, f"Horizontal stacked bar chart of respondents in {len(rows)} groups, each bar split into "
                        f"completed and not completed; largest groups: {listing(order)}.")


@plain_text
def sector_sizes_chart(frame: "pd.DataFrame", *, palette: PaletteSpec = None) -> "Figure":
    """Respondents per group only (used when the completion split is suppressed)."""
    rows = frame[frame["group"] != "total"].iloc[::-1]
    fig = new_figure(8.0, 0.42 * len(rows) + 1.2)
    ax = fig.add_subplot()
    sizes = [int(v) for v in rows["respondents"]]
    ax.barh([wrap(str(v), LABEL_WIDTH) for v in rows["group_label"]], sizes, color=_two(palette)[0])
    for y, n in enumerate(sizes):
        ax.text(n + 0.5, y, str(n), va="center", fontsize=8)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_xlabel("respondents")
    ax.spines[["top", "right"]].set_visible(False)
    order = list(rows.sort_values("respondents", ascending=False, kind="mergesort")["group_label"])
    return set_alt(fig, f"Horizontal bar chart of respondents in {len(rows)} groups; largest groups: "
                        f"{listing(order)}.")


@plain_text
def ranked_bars(table: "pd.DataFrame", *, value: str, label: str, xlabel: str, palette: PaletteSpec = None) -> "Figure":
    """Horizontal bars of ``value`` (0-100), highest at the top, in the table's rank order.

    A suppressed value (the disclosure marker) is drawn as a short hatched block at the start of its
    row, labelled "[c] suppressed", never as an empty row that reads as zero."""
    order = table.sort_values("rank") if "rank" in table.columns else table
    labels = [wrap(str(v), LABEL_WIDTH) for v in order[label]][::-1]
    values = [v if isinstance(v, (int, float)) and v == v else None for v in order[value]][::-1]
    lines = sum(lbl.count("\n") + 1 for lbl in labels)
    fig = new_figure(8.5, 0.2 * lines + 0.14 * len(labels) + 1.3)
    ax = fig.add_subplot()
    colour = _two(palette)[0]
    ax.barh(range(len(labels)), [v or 0 for v in values], color=colour)
    hidden = [i for i, v in enumerate(values) if v is None]
    if hidden:
        ax.barh(hidden, [6.0] * len(hidden), color=SUPPRESSED_FACE, edgecolor=SUPPRESSED_EDGE,
                hatch=SUPPRESSED_HATCH, linewidth=0.6, label="[c] suppressed (value not shown)")
    for y, v in enumerate(values):
        ax.text((v if v is not None else 6.0) + 1, y, f"{v:.0f}%" if v is not None else "[c] suppressed",
                va="center", fontsize=7)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_xlim(0, 105)
    ax.set_xlabel(xlabel)
    ax.spines[["top", "right"]].set_visible(False)
    if hidden:
        stack_below(fig, ax, [ax.legend(frameon=False, fontsize=8)])
    names = [str(v) for v in order[label]]
    shown = [v for v in order[value]]
    first = f"{names[0]} ({shown[0]:.0f}%)" if names and isinstance(shown[0], (int, float)) else (names[0] if names else "")
    return set_alt(fig, f"Horizontal bar chart of {xlabel} for {len(names)} rows, highest at the top: {first} first, "
                        f"{names[-1] if names else ''} last."
                        + (f" {len(hidden)} value(s) are suppressed and drawn as hatched blocks." if hidden else ""))


@plain_text
def youth_positions(table: "pd.DataFrame", *, palette: PaletteSpec = None) -> "Figure":
    """Dot chart of the young people's mean position per measure (1 = best at the top)."""
    order = table.sort_values("rank", ascending=False)
    published, assumed = categorical(2, palette=palette)
    labels = [wrap(str(v), LABEL_WIDTH) for v in order["measure_label"]]
    fig = new_figure(8.5, 0.2 * sum(lbl.count("\n") + 1 for lbl in labels) + 0.14 * len(order) + 1.3)
    ax = fig.add_subplot()
    ys = list(range(len(order)))
    xs = [float(v) for v in order["mean_position"]]
    colours = [assumed if a else published for a in order["assumed"]]
    markers = ["s" if a else "o" for a in order["assumed"]]
    ax.hlines(ys, 1, xs, color="#d9dee7", linewidth=1)
    for x, y, c, m in zip(xs, ys, colours, markers):
        ax.scatter([x], [y], color=c, marker=m, zorder=3)
    ax.set_yticks(ys, labels, fontsize=8)
    ax.set_xlim(0.5, len(order) + 0.5)
    ax.set_xlabel("mean position in the groups' combined orders (1 = best); squares: assumed measures")
    ax.spines[["top", "right"]].set_visible(False)
    best = list(table.sort_values("rank")["measure_label"])
    return set_alt(fig, f"Dot chart of the young people's mean position of {len(order)} measures (1 = best, at the "
                        f"top): {listing(best)} first, {best[-1] if best else ''} last; assumed measures are "
                        "drawn as squares.")
