"""Charts that only the report draws (the analysis charts live in ``surveykit.charts``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from surveykit.report.figures import new_figure

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

COMPLETED = "#1f5f99"
PARTIAL = "#9fbfdc"


def respondents_chart(frame: "pd.DataFrame") -> "Figure":
    """Horizontal stacked bars: completed and not completed respondents per sector.

    ``frame`` is ``who_responded_frame()``'s table (the total row is left out).
    """
    rows = frame[frame["sector"] != "total"].iloc[::-1]
    fig = new_figure(8.0, 0.4 * len(rows) + 1.4)
    ax = fig.add_subplot()
    labels = list(rows["sector_label"])
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
