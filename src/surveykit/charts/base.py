"""The one way charts are made: a Figure on the Agg canvas, independent of pyplot's global state."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def new_figure(width: float = 8.0, height: float = 5.0) -> "Figure":
    """A Figure on the Agg canvas (no pyplot state, so charts never leak between calls)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig
