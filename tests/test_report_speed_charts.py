"""Charts saved with text metrics shared between renderers (``report.figures._shared_text_metrics``,
issue 14) are byte-identical to matplotlib's own save, which measures every text again for every
renderer. The reference is ``Figure.savefig`` called directly, with the same settings."""

from __future__ import annotations

import os

import pytest

from chart_checks import matplotlib_bytes
from conftest import SAMPLE_RANKINGS, SAMPLE_SURVEY


@pytest.fixture(scope="module")
def sample_figures():
    from surveykit import api
    from surveykit.report.forked import ENV_SWITCH

    if not SAMPLE_SURVEY.exists():
        pytest.skip("the sample study has not been generated")
    old = os.environ.get(ENV_SWITCH)
    os.environ[ENV_SWITCH] = "0"
    try:
        report = api.report(api.read(SAMPLE_SURVEY), rankings=SAMPLE_RANKINGS)
    finally:
        if old is None:
            os.environ.pop(ENV_SWITCH, None)
        else:
            os.environ[ENV_SWITCH] = old
    charts = report.charts
    assert len(charts) >= 4
    return [c.figure for c in charts]


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_every_sample_chart_has_matplotlibs_bytes(sample_figures, fmt):
    import matplotlib.text

    from surveykit.report import figures

    original = matplotlib.text._get_text_metrics_with_cache
    figures._METRICS.clear()
    for fig in sample_figures:
        assert figures.draw(fig, fmt) == matplotlib_bytes(fig, fmt)
    assert figures._METRICS  # the shared metrics were used ...
    assert matplotlib.text._get_text_metrics_with_cache is original  # ... and only while saving
    # a second pass reads every metric from the shared cache: still the same bytes
    for fig in sample_figures[:2]:
        assert figures.draw(fig, fmt) == matplotlib_bytes(fig, fmt)


def test_rasterised_parts_of_an_svg_do_not_mix_metrics():
    """An SVG with a rasterised artist measures some text with Agg inside the SVG renderer
    (matplotlib's MixedModeRenderer): the key holds the measuring renderer, so nothing mixes."""
    from surveykit.charts.base import new_figure
    from surveykit.report import figures

    fig = new_figure(4, 3)
    ax = fig.add_subplot()
    ax.plot([0, 1, 2], [2, 0, 1], rasterized=True)
    ax.set_title("Rasterised line, vector text")
    ax.set_xticks([0, 1, 2], ["first label", "second label", "third"])
    fig.text(0.1, 0.01, "a footnote in small type", fontsize=7)
    figures._METRICS.clear()
    for fmt in ("png", "svg", "svg", "png"):
        assert figures.draw(fig, fmt) == matplotlib_bytes(fig, fmt)


def test_a_matplotlib_without_the_private_cache_is_left_alone(monkeypatch):
    import matplotlib.text

    from surveykit.report import figures

    monkeypatch.delattr(matplotlib.text, "_get_text_metrics_with_cache")
    with figures._shared_text_metrics():
        assert not hasattr(matplotlib.text, "_get_text_metrics_with_cache")
    assert not hasattr(matplotlib.text, "_get_text_metrics_with_cache")
