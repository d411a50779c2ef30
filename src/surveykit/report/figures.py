"""Saving figures deterministically and atomically as PNG and SVG.

``surveykit report`` sends its charts to its chart process (``report.chart_server``); a Figure made
elsewhere is drawn here:
``draw_ahead(figures)`` starts drawing finished figures in a forked child (``report.forked``) while
the report goes on with its analyses; ``figure_bytes`` then takes each format's bytes from that child
once (the same bytes it would draw itself: the child draws the same figure the same way).
"""

from __future__ import annotations

import io
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from surveykit.charts.base import METRICS, new_figure, shared_text_metrics  # noqa: F401  (charts are made in one place)

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

    if fmt == "svg":  # matplotlib reads SOURCE_DATE_EPOCH for an SVG and stops on one it cannot read
        from surveykit.validation import source_date_epoch

        source_date_epoch()

    buf = io.BytesIO()
    # parse_math off: tick labels made while drawing are drawn as written too (charts.base.plain_text).
    with matplotlib.rc_context({"svg.hashsalt": "surveykit", "svg.fonttype": "none", "text.parse_math": False}), \
            _shared_text_metrics(), \
            xml_safe_labels(fig):
        fig.savefig(buf, format=fmt, metadata=_PNG_META if fmt == "png" else _SVG_META, bbox_inches="tight")
    return buf.getvalue()


class xml_safe_labels:
    """While a figure is saved, every text it draws holds only characters XML can hold: the others
    (a control character in a region typed by a respondent, say) are drawn as U+FFFD
    (``writers.cells.xml_safe``, the rule of every writer), in the PNG as in the SVG, which would
    otherwise be a file no XML parser reads (or, with a lone surrogate, not written at all).

    The figure's texts (titles, legends, annotations, tick labels set so far) are cleaned for good
    where they need it; tick labels made while drawing (a categorical axis's, a formatter's) are
    cleaned as they are made. A figure without such a character is drawn as before, byte for byte."""

    def __init__(self, fig: "Figure") -> None:
        self.fig = fig
        self._patched: list[Any] = []

    def __enter__(self) -> None:
        from matplotlib.text import Text

        from surveykit.report.writers.cells import xml_safe

        for text in self.fig.findobj(Text):
            value = text.get_text()
            if not value.isprintable() and xml_safe(value) != value:
                text.set_text(xml_safe(value))
        for ax in self.fig.axes:
            axis_map = getattr(ax, "_axis_map", None)  # every axis of the axes (x, y; z in 3-D)
            for axis in (axis_map.values() if axis_map else (ax.xaxis, ax.yaxis)):
                for ticker in (axis.major, axis.minor):
                    formatter = ticker.formatter
                    if "format_ticks" in vars(formatter):  # already cleaned (a figure saved inside a save)
                        continue
                    original = formatter.format_ticks

                    def format_ticks(values: Any, _original: Any = original) -> list[str]:
                        return [xml_safe(label) if isinstance(label, str) else label for label in _original(values)]

                    formatter.format_ticks = format_ticks
                    self._patched.append(formatter)

    def __exit__(self, *exc: Any) -> None:
        for formatter in self._patched:
            vars(formatter).pop("format_ticks", None)
        self._patched.clear()


# Text metrics are shared between renderers of one kind and resolution (``charts.base``): the names
# stay here for the code and tests that knew them here.
_METRICS = METRICS
_shared_text_metrics = shared_text_metrics


def save_figure(fig: "Figure", stem: str | Path, *, formats: tuple[str, ...] = ("png", "svg"),
                force: bool = False, option: str = "--chart-out") -> list[Path]:
    """Write ``stem.png`` and ``stem.svg`` (atomic); returns the paths written. A file already there is
    replaced only when surveykit wrote it and it is unchanged, or with ``force`` (``io.owned_files``);
    otherwise neither file is written."""
    from surveykit.io.owned_files import write_owned_files

    stem = Path(stem)
    return write_owned_files([(stem.with_suffix(f".{fmt}"), figure_bytes(fig, fmt)) for fmt in formats],
                             force=force, option=option)
