"""Saving figures deterministically and atomically as PNG and SVG.

``draw_ahead(figures)`` starts drawing finished figures in a forked child (``report.forked``) while
the report goes on with its analyses; ``figure_bytes`` then takes each format's bytes from that child
once (the same bytes it would draw itself: the child draws the same figure the same way).
"""

from __future__ import annotations

import io
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from surveykit.charts.base import new_figure  # noqa: F401  (charts are made in one place)
from surveykit.io.atomic import write_bytes

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Fixed metadata and SVG ids so the same chart gives byte-identical files; SVG text stays text
# (svg.fonttype "none") so that it can be edited and read by screen readers.
_PNG_META = {"Software": None}
_SVG_META = {"Date": None, "Creator": None}


#: Figure -> its pending drawings: a shared job and the figure's place in it, then {format: bytes}.
_AHEAD: "weakref.WeakKeyDictionary[Any, _Ahead]" = weakref.WeakKeyDictionary()


class _Ahead:
    """One figure's share of a forked drawing job; each format is handed out once."""

    def __init__(self, job: "_Job", index: int) -> None:
        self.job, self.index = job, index
        self.taken: set[str] = set()

    def take(self, fmt: str) -> bytes | None:
        if fmt in self.taken:
            return None
        self.taken.add(fmt)
        return self.job.results()[self.index].get(fmt)


class _Job:
    def __init__(self, forked: Any, formats: tuple[str, ...]) -> None:
        self.forked, self.formats = forked, formats
        self._results: Any = None

    def results(self) -> list[dict[str, bytes]]:
        if self._results is None:
            self._results = self.forked.result()
        return self._results


def draw_ahead(figures: Sequence["Figure"], *, formats: tuple[str, ...] = ("png", "svg")) -> None:
    """Draw ``figures`` in every format in a forked child (Linux) while this process carries on. The
    figures must not change afterwards: ``figure_bytes`` hands out these drawings (once per format)."""
    from surveykit.report.forked import Forked, fork_available

    figs = [f for f in figures if f not in _AHEAD]
    if not figs or not fork_available():
        return
    if "svg" in formats:
        import matplotlib.backends.backend_svg  # noqa: F401  (once here, not once per child)
    if "png" in formats:
        from PIL import Image

        Image.preinit()  # the image plugins a PNG save registers: once here, not once per child
    job = _Job(Forked(lambda: [{fmt: draw(f, fmt) for fmt in formats} for f in figs]), formats)
    for i, fig in enumerate(figs):
        _AHEAD[fig] = _Ahead(job, i)


def discard_ahead() -> None:
    """Stop every pending drawing and forget it (a run that ends without writing its charts)."""
    for ahead in list(_AHEAD.values()):
        ahead.job.forked.close()
    _AHEAD.clear()


def pending(fig: "Figure", fmt: str) -> bool:
    """Whether ``draw_ahead`` is drawing (or has drawn) this figure in ``fmt``, not yet handed out."""
    ahead = _AHEAD.get(fig)
    return ahead is not None and fmt in ahead.job.formats and fmt not in ahead.taken


def drawn(fig: "Figure", fmt: str) -> bytes | None:
    """The bytes ``draw_ahead`` made of this figure in ``fmt`` (waiting for them), once; else None."""
    ahead = _AHEAD.get(fig)
    if ahead is None:
        return None
    data = ahead.take(fmt)
    if ahead.taken >= set(ahead.job.formats):
        _AHEAD.pop(fig, None)
    return data


def figure_bytes(fig: "Figure", fmt: str) -> bytes:
    """The figure as ``fmt`` ("png" or "svg") bytes, deterministic."""
    data = drawn(fig, fmt)
    return data if data is not None else draw(fig, fmt)


def draw(fig: "Figure", fmt: str) -> bytes:
    """The figure drawn now as ``fmt`` bytes (never the drawing made ahead), deterministic."""
    import matplotlib

    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "surveykit", "svg.fonttype": "none"}), _shared_text_metrics():
        fig.savefig(buf, format=fmt, metadata=_PNG_META if fmt == "png" else _SVG_META, bbox_inches="tight")
    return buf.getvalue()


#: Text metrics by (renderer kind, dpi, text, font, math): see ``_shared_text_metrics``. Bounded.
_METRICS: dict = {}
_METRICS_MAX = 50_000


class _shared_text_metrics:
    """While a figure is saved, matplotlib's text metrics are shared between renderers of the same
    kind and resolution.

    matplotlib caches a text's width, height and descent per renderer object, and a save with
    ``bbox_inches="tight"`` makes new renderers (a dry run, then the drawing at the final size; PNG
    and SVG each): every label is measured again by FreeType, about a sixth of the drawing. A
    renderer's metrics depend only on its kind, its resolution and the text, font and math flag (the
    measuring renderer's type and dpi are in the key, so an Agg and an SVG measure never mix), so the
    numbers, and the bytes, are the same; ``tests/test_report_speed_charts.py`` checks the bytes."""

    def __enter__(self) -> None:
        import matplotlib.text as mtext

        self._module = mtext
        self._original = getattr(mtext, "_get_text_metrics_with_cache", None)
        if self._original is None:  # another matplotlib: leave it alone
            return
        original = self._original

        def metrics(renderer, text, fontprop, ismath, dpi):  # noqa: ANN001
            inner = getattr(renderer, "_renderer", renderer)  # a MixedModeRenderer's current renderer
            key = (type(renderer), type(inner), getattr(inner, "dpi", None), getattr(renderer, "dpi", None),
                   text, fontprop.copy(), ismath, dpi)
            found = _METRICS.get(key)
            if found is None:
                found = original(renderer, text, fontprop, ismath, dpi)
                if len(_METRICS) >= _METRICS_MAX:
                    _METRICS.clear()
                _METRICS[key] = found
            return found

        mtext._get_text_metrics_with_cache = metrics

    def __exit__(self, *exc: Any) -> None:
        if self._original is not None:
            self._module._get_text_metrics_with_cache = self._original


def save_figure(fig: "Figure", stem: str | Path, *, formats: tuple[str, ...] = ("png", "svg")) -> list[Path]:
    """Write ``stem.png`` and ``stem.svg`` (atomic); returns the paths written."""
    stem = Path(stem)
    return [write_bytes(stem.with_suffix(f".{fmt}"), figure_bytes(fig, fmt)) for fmt in formats]
