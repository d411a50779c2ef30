"""The youth slope chart: labelled on both sides, footnote clear of the plot, its own alt text."""

from __future__ import annotations

import pytest

from conftest import SAMPLE_RANKINGS, SAMPLE_SURVEY


@pytest.fixture(scope="module")
def voices():
    if not SAMPLE_RANKINGS.exists():
        pytest.skip("the sample study has not been generated")
    from surveykit.api import read_rankings
    from surveykit.pipeline import load_responses
    from surveykit.voices import compare_voices

    return compare_voices(read_rankings(SAMPLE_RANKINGS), load_responses(SAMPLE_SURVEY), by="sector",
                          min_group_size=5)


def test_slope_chart_names_measures_on_both_sides(voices):
    from surveykit.charts.base import alt_text
    from surveykit.charts.youth import slope_chart

    fig = slope_chart(voices)
    ax = fig.axes[0]
    t = voices.group_table("all")
    rated = t[t["pro_pct_effective"].notna()]
    left = [" ".join(x.get_text().split()) for x in ax.texts if x.get_position()[0] < 0]
    right = [" ".join(x.get_text().split()) for x in ax.texts if x.get_position()[0] > 1]
    assert len(left) == len(right) == len(rated)
    for name in rated["measure_label"]:
        assert any(name in s for s in left) and any(name in s for s in right), name
    renderer = fig.canvas.get_renderer()
    note = fig.texts[-1].get_window_extent(renderer)
    assert not note.overlaps(ax.get_tightbbox(renderer))
    alt = alt_text(fig)
    assert alt.startswith("Slope chart of") and "Spearman rho" in alt
