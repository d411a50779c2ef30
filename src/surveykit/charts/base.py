"""What every chart shares: its alternative text, wrapped labels and a legend and footnote that
never overlap the plot or each other.

The alternative text is written by the function that draws the chart, from what it drew (its kind,
its items, its order, what is suppressed), and travels with the Figure: ``alt_text(fig)`` reads it
and the report uses it instead of a caller's guess.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.legend import Legend
    from matplotlib.text import Text

_ALT = "_surveykit_alt"
#: Gap between stacked blocks under the plot, in points.
GAP_PT = 6.0


def plain_text(fn: "Callable[..., Figure]") -> "Callable[..., Figure]":
    """A chart function whose texts are drawn as written: a label holding "$" (a price, or "$\\foo{$"
    typed by a respondent) is not read as mathematics, which misdraws it or stops the chart."""
    import functools

    @functools.wraps(fn)
    def made_plain(*args: Any, **kwargs: Any) -> "Figure":
        import matplotlib

        with matplotlib.rc_context({"text.parse_math": False}):
            return fn(*args, **kwargs)

    return made_plain


def new_figure(width: float = 8.0, height: float = 5.0) -> "Figure":
    """A Figure on the Agg canvas, independent of pyplot's global state."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def set_alt(fig: "Figure", text: str) -> "Figure":
    """Attach the alternative text to the figure (returns it, for chaining)."""
    setattr(fig, _ALT, " ".join(text.split()))
    return fig


def alt_text(fig: "Figure") -> str:
    """The alternative text the drawing function wrote ("" for a figure drawn elsewhere)."""
    return str(getattr(fig, _ALT, "") or "")


def wrap(text: str, width: int) -> str:
    """A label on several lines instead of cut with "...": no word is lost."""
    lines = textwrap.wrap(" ".join(str(text).split()), width=width, break_long_words=False, break_on_hyphens=False)
    return "\n".join(lines) if lines else ""


def listing(names: Sequence[str], *, limit: int = 3) -> str:
    """"A, B and C" (the first ``limit`` names, then "and N more")."""
    names = [str(n) for n in names]
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit} more"
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def stack_below(fig: "Figure", ax: "Axes", blocks: Iterable["Legend | Text"]) -> None:
    """Place legends and footnotes one under the other below everything the axes draws (tick labels
    and axis label included), left-aligned with the axes. Saved with ``bbox_inches="tight"`` the
    figure grows to hold them; they cannot overlap the plot or each other."""
    with shared_text_metrics():
        _stack_below(fig, ax, blocks)


def _stack_below(fig: "Figure", ax: "Axes", blocks: Iterable["Legend | Text"]) -> None:
    renderer = fig.canvas.get_renderer()
    to_fig = fig.transFigure.inverted()
    gap = GAP_PT * fig.dpi / 72.0
    bottom = plot_extent(ax, renderer).y0 - gap  # display pixels
    left = ax.get_window_extent(renderer).x0
    for block in blocks:
        x, y = to_fig.transform((left, bottom))
        if hasattr(block, "set_bbox_to_anchor"):  # a Legend
            block.set_loc("upper left")
            block.set_bbox_to_anchor((x, y), transform=fig.transFigure)
        else:
            block.set_transform(fig.transFigure)
            block.set_position((x, y))
            block.set_verticalalignment("top")
            block.set_horizontalalignment("left")
        extent = block.get_window_extent(renderer)
        bottom = extent.y0 - gap


def plot_extent(ax: "Axes", renderer):
    """The extent of what the axes draws (ticks, labels, title), its legend left out."""
    legend = ax.get_legend()
    shown = legend.get_visible() if legend is not None else False
    if legend is not None:
        legend.set_visible(False)
    try:
        return ax.get_tightbbox(renderer)
    finally:
        if legend is not None:
            legend.set_visible(shown)


def footnote(fig: "Figure", text: str, *, width: int = 110, fontsize: float = 7.5) -> "Text":
    """A footnote (wrapped), to be placed with ``stack_below``."""
    return fig.text(0, 0, wrap(text, width), fontsize=fontsize, ha="left", va="top", color="#333333")


#: Text metrics by (renderer kind, dpi, text, font, math): see ``shared_text_metrics``. Bounded.
METRICS: dict = {}
METRICS_MAX = 50_000


class shared_text_metrics:
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
        self._fonts = None
        if self._original is None:  # another matplotlib: leave it alone
            return
        original = self._original

        def metrics(renderer, text, fontprop, ismath, dpi):  # noqa: ANN001
            inner = getattr(renderer, "_renderer", renderer)  # a MixedModeRenderer's current renderer
            key = (type(renderer), type(inner), getattr(inner, "dpi", None), getattr(renderer, "dpi", None),
                   text, fontprop.copy(), ismath, dpi)
            found = METRICS.get(key)
            if found is None:
                found = original(renderer, text, fontprop, ismath, dpi)
                if len(METRICS) >= METRICS_MAX:
                    METRICS.clear()
                METRICS[key] = found
            return found

        mtext._get_text_metrics_with_cache = metrics
        self._fonts = _shared_font_tables(mtext)

    def __exit__(self, *exc: Any) -> None:
        if self._original is not None:
            self._module._get_text_metrics_with_cache = self._original
            if self._fonts is not None:
                self._module.fontManager, self._module.get_font = self._fonts


#: Font files by (font properties, font rcParams), and each font file's tables: see ``_shared_font_tables``.
FONTS: dict = {}
FONT_TABLES: dict = {}


def _shared_font_tables(mtext: Any) -> tuple[Any, Any] | None:
    """While ``shared_text_metrics`` is active, ``Text._get_layout`` finds its font and reads the
    font's line metrics (its OS/2, hhea and head tables) once per font instead of once per text laid
    out (matplotlib 3.11 looks the font up and reads two tables for every label, each time it is
    measured or drawn: about a tenth of the drawing). The same font files and the same tables, so the
    same numbers. Returns what to put back (None: another matplotlib, left alone)."""
    manager, get_font = getattr(mtext, "fontManager", None), getattr(mtext, "get_font", None)
    if manager is None or get_font is None or not hasattr(manager, "_find_fonts_by_props"):
        return None
    import matplotlib as mpl

    rc = mpl.rcParams
    families = ("font.serif", "font.sans-serif", "font.cursive", "font.fantasy", "font.monospace")

    class Manager:
        def __getattr__(self, name: str) -> Any:
            return getattr(manager, name)

        def _find_fonts_by_props(self, prop: Any, *args: Any, **kwargs: Any) -> Any:
            if args or kwargs or isinstance(prop, str):
                return manager._find_fonts_by_props(prop, *args, **kwargs)
            # FontProperties compare by their hash (as findfont's own cache keys them); the family
            # lists of the rcParams are part of findfont's key too.
            key = (hash(prop), tuple(tuple(rc[k]) for k in families))
            found = FONTS.get(key)
            if found is None:
                if len(FONTS) >= 1000:
                    FONTS.clear()
                found = FONTS[key] = manager._find_fonts_by_props(prop)
            return found

    def tables(paths: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs:
            return get_font(paths, *args, **kwargs)
        key = tuple(paths) if isinstance(paths, list) else paths
        try:
            found = FONT_TABLES.get(key)
        except TypeError:  # not a key: no sharing
            return get_font(paths)
        if found is None:
            if len(FONT_TABLES) >= 1000:
                FONT_TABLES.clear()
            found = FONT_TABLES[key] = _FontTables(get_font, paths)
        return found

    mtext.fontManager, mtext.get_font = Manager(), tables
    return manager, get_font


class _FontTables:
    """A font as ``Text._get_layout`` uses it: its sfnt tables, each read once (read-only dicts)."""

    def __init__(self, get_font: Any, paths: Any) -> None:
        self._get_font, self._paths = get_font, paths
        self._tables: dict[str, Any] = {}

    def get_sfnt_table(self, name: str) -> Any:
        if name not in self._tables:
            self._tables[name] = self._get_font(self._paths).get_sfnt_table(name)
        return self._tables[name]

    def __getattr__(self, name: str) -> Any:  # anything else: the font itself, as matplotlib gives it
        return getattr(self._get_font(self._paths), name)
