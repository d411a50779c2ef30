"""The diverging stacked bar chart: centred on the neutral rating, n on each bar, sorted by % effective."""

from __future__ import annotations

import pandas as pd
import pytest

from surveykit.charts.effectiveness import diverging_chart, effectiveness_chart
from surveykit.instrument import load_instrument
from surveykit.report.figures import figure_bytes, save_figure


@pytest.fixture
def table():
    return pd.DataFrame({
        "item_id": ["a", "b", "c"], "item_label": ["Item A", "Item B", "Item C"], "group": "all",
        "n": [150, 160, 155],
        "pct_1": [10.0, 2.0, 30.0], "pct_2": [10.0, 3.0, 30.0], "pct_3": [20.0, 5.0, 20.0],
        "pct_4": [40.0, 50.0, 10.0], "pct_5": [20.0, 40.0, 10.0],
        "mean": [3.5, 4.2, 2.4], "pct_effective": [60.0, 90.0, 20.0], "rank": [2, 1, 3]})


def test_chart_geometry(table):
    scale = load_instrument().question("q45").scale
    fig = effectiveness_chart(table, scale=scale)
    ax = fig.axes[0]
    # highest % effective at the top (matplotlib draws y=0 at the bottom)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Item C", "Item A", "Item B"]
    bars = ax.patches
    assert len(bars) == 3 * 5
    # five containers (one per rating), in scale order; the neutral one straddles zero
    neutral = ax.containers[2]
    for bar, p3 in zip(neutral, [20.0, 20.0, 5.0]):
        assert bar.get_x() == pytest.approx(-p3 / 2)
        assert bar.get_width() == pytest.approx(p3)
    # the negative side holds ratings 1 and 2 and half the neutral: item C starts at -(30 + 30 + 10)
    assert ax.containers[0][0].get_x() == pytest.approx(-70.0)
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["n=155", "n=150", "n=160"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Completely ineffective", "Ineffective", "Neither effective nor ineffective", "Effective", "Very effective"]


def test_chart_deterministic_png_and_svg(table, tmp_path):
    scale = load_instrument().question("q45").scale
    a = figure_bytes(effectiveness_chart(table, scale=scale), "svg")
    b = figure_bytes(effectiveness_chart(table, scale=scale), "svg")
    assert a == b
    paths = save_figure(effectiveness_chart(table, scale=scale), tmp_path / "eff")
    assert sorted(p.name for p in paths) == ["eff.png", "eff.svg"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_chart_refuses_several_groups(table):
    two = pd.concat([table, table.assign(group="ngo")])
    with pytest.raises(ValueError, match="one group"):
        diverging_chart(two, scale=load_instrument().question("q45").scale)
