"""Saving figures deterministically and atomically as PNG and SVG."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from surveykit.charts.base import new_figure  # noqa: F401  (charts are made in one place)
from surveykit.io.atomic import write_bytes

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Fixed metadata and SVG ids so the same chart gives byte-identical files; SVG text stays text
# (svg.fonttype "none") so that it can be edited and read by screen readers.
_PNG_META = {"Software": None}
_SVG_META = {"Date": None, "Creator": None}


def figure_bytes(fig: "Figure", fmt: str) -> bytes:
    import matplotlib

    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "surveykit", "svg.fonttype": "none"}):
        fig.savefig(buf, format=fmt, metadata=_PNG_META if fmt == "png" else _SVG_META, bbox_inches="tight")
    return buf.getvalue()


def save_figure(fig: "Figure", stem: str | Path, *, formats: tuple[str, ...] = ("png", "svg")) -> list[Path]:
    """Write ``stem.png`` and ``stem.svg`` (atomic); returns the paths written."""
    stem = Path(stem)
    return [write_bytes(stem.with_suffix(f".{fmt}"), figure_bytes(fig, fmt)) for fmt in formats]
