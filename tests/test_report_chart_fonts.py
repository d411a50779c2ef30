"""Fonts read from memory in the chart process (``report.chart_fonts``, issue 14): the same bytes as
matplotlib alone, without reading the font files glyph by glyph.

The chart process's own tests (test_report_chart_server.py) compare every chart it draws, with this in
force, with the chart drawn in the test's process."""

from __future__ import annotations

import io
import sys

import pytest

from chart_checks import matplotlib_bytes

pytest.importorskip("matplotlib")


def _chart():
    """Text in several fonts: sizes, a bold title, serif, monospace and mathtext."""
    from surveykit.charts.base import new_figure

    fig = new_figure(6, 3)
    ax = fig.add_subplot()
    ax.barh([0, 1, 2], [30, 45, 25], color="#0072B2")
    ax.set_yticks([0, 1, 2], ["A long label\non two lines", "Short", r"With $\alpha^2$ maths"], fontsize=8)
    ax.set_title("A bold title", fontweight="bold", loc="left")
    ax.set_xlabel("a serif axis label", family="serif")
    ax.text(30, 1, "monospace n=45", family="monospace", fontsize=7)
    return fig


@pytest.fixture
def fresh_fonts(monkeypatch):
    """matplotlib's font manager as it was, and no font open, before and after the test."""
    from matplotlib import font_manager

    from surveykit.charts import base

    monkeypatch.setattr(font_manager, "ft2font", font_manager.ft2font)  # put back after the test

    def forget():
        font_manager._get_font.cache_clear()
        base.METRICS.clear()
        base.FONTS.clear()
        base.FONT_TABLES.clear()

    forget()
    yield forget
    forget()


def _read_calls() -> int:
    with open("/proc/self/io") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("syscr:"))


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_a_chart_drawn_with_fonts_from_memory_has_matplotlibs_bytes(fresh_fonts, fmt):
    from surveykit.report.chart_fonts import read_fonts_from_memory
    from surveykit.report.figures import draw

    alone = matplotlib_bytes(_chart(), fmt)
    fresh_fonts()
    assert read_fonts_from_memory()
    assert draw(_chart(), fmt) == alone  # laid out and drawn with the report's sharing as well
    fresh_fonts()
    assert matplotlib_bytes(_chart(), fmt) == alone


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts read calls in /proc/self/io")
def test_fonts_from_memory_are_read_once_not_glyph_by_glyph(fresh_fonts):
    from matplotlib import font_manager

    from surveykit.report.chart_fonts import read_fonts_from_memory

    matplotlib_bytes(_chart(), "png")  # matplotlib's own imports and caches, once
    fresh_fonts()
    before = _read_calls()
    matplotlib_bytes(_chart(), "png")
    from_files = _read_calls() - before
    assert from_files > 1000  # FreeType reads each glyph's data through the file

    fresh_fonts()
    assert read_fonts_from_memory()
    before = _read_calls()
    matplotlib_bytes(_chart(), "png")
    from_memory = _read_calls() - before
    assert from_memory < 100  # each font file read whole, once
    font = font_manager.get_font(font_manager.findfont("DejaVu Sans"))
    assert isinstance(font.fname, io.BytesIO)


def test_it_is_installed_once_and_leaves_an_unexpected_matplotlib_alone(fresh_fonts, monkeypatch):
    from matplotlib import font_manager, ft2font

    from surveykit.report.chart_fonts import read_fonts_from_memory

    assert read_fonts_from_memory()
    shim = font_manager.ft2font
    assert shim is not ft2font and shim.FT2Font is not ft2font.FT2Font
    others = [name for name in dir(ft2font) if not name.startswith("_") and name != "FT2Font"]
    assert others and all(getattr(shim, name) is getattr(ft2font, name) for name in others)  # the rest is matplotlib's
    assert read_fonts_from_memory() and font_manager.ft2font is shim  # not wrapped twice

    path = font_manager.findfont("DejaVu Sans")
    assert shim.FT2Font(path).fname == path  # a font opened to list it, not to draw: its file, as before

    monkeypatch.setattr(font_manager, "ft2font", object())  # a font manager laid out differently
    assert not read_fonts_from_memory()
