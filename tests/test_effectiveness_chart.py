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


# -- honest charts (issue 12, point 6) -----------------------------------------------------------

@pytest.fixture
def suppressed(table):
    t = table.astype(object).copy()
    t.loc[1, ["pct_1", "pct_2"]] = "[c]"          # item B: two ratings hidden (5% of its bar)
    t.loc[2, ["n", "pct_1", "pct_2", "pct_3", "pct_4", "pct_5", "mean", "pct_effective"]] = "[c]"  # item C: all
    t.loc[0, "item_label"] = ("Training professionals on the links between trafficking and going missing from "
                              "care, and on how to respond")
    return t


def test_suppressed_shares_are_a_hatched_block_in_a_known_place(suppressed):
    scale = load_instrument().question("q45").scale
    fig = effectiveness_chart(suppressed, scale=scale)
    main, side = fig.axes[0], fig.axes[1]
    hatched = [p for p in side.patches if p.get_hatch()]
    # one hatched bar per row in the side panel (zero width where nothing is hidden), all from x = 0
    assert len(hatched) == 3 and all(p.get_x() == 0 for p in hatched)
    widths = {round(p.get_y() + p.get_height() / 2): p.get_width() for p in hatched}
    # rows bottom-up: C (rank 3), A, B
    assert widths == {0: pytest.approx(100.0), 1: pytest.approx(0.0), 2: pytest.approx(5.0)}
    # the bars themselves hold only the shown shares: B's right end is 5 + 50 + 40 - 2.5
    assert "Suppressed [c]" in [t.get_text() for t in main.get_legend().get_texts()]
    ends = [p.get_x() + p.get_width() for p in main.containers[-1]]
    assert ends[2] == pytest.approx(92.5)
    texts = [t.get_text() for t in fig.texts]
    assert any("hatched block" in t for t in texts)


def test_alt_text_describes_the_chart_drawn(suppressed, table):
    from surveykit.charts.base import alt_text

    scale = load_instrument().question("q45").scale
    alt = alt_text(effectiveness_chart(table, scale=scale))
    assert alt.startswith("Diverging stacked bar chart of 3 measures rated from Completely ineffective to Very "
                          "effective")
    assert "Item B (90%) first, Item C (20%) last" in alt and "suppressed" not in alt
    alt2 = alt_text(effectiveness_chart(suppressed, scale=scale))
    assert "2 bars include a hatched block of suppressed shares" in alt2
    from surveykit.report.charts import ranked_bars

    bars = alt_text(ranked_bars(table, value="pct_effective", label="item_label", xlabel="% effective"))
    assert bars.startswith("Horizontal bar chart of % effective") and "Diverging" not in bars
    # the report takes the chart's own text over a caller's guess
    from surveykit.report.model import SectionBuilder

    sb = SectionBuilder("s", "S").chart("c", "T", ranked_bars(table, value="pct_effective", label="item_label",
                                                               xlabel="% effective"), alt="Diverging bar chart")
    assert sb.build().charts[0].alt == bars


def test_labels_wrap_and_nothing_overlaps(suppressed):
    scale = load_instrument().question("q45").scale
    fig = effectiveness_chart(suppressed, scale=scale)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    long = [lbl for lbl in labels if lbl.startswith("Training")][0]
    assert "..." not in long and "\n" in long
    assert " ".join(long.split()) == suppressed.loc[0, "item_label"]  # every word kept
    renderer = fig.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    notes = [t.get_window_extent(renderer) for t in fig.texts]
    from surveykit.charts.base import plot_extent

    plot = plot_extent(ax, renderer)
    boxes = [legend, *notes]
    for a, b in [(x, y) for i, x in enumerate(boxes) for y in boxes[i + 1:]] + [(plot, x) for x in boxes]:
        assert not a.overlaps(b), (a, b)


def test_svg_keeps_text_as_text(table):
    scale = load_instrument().question("q45").scale
    svg = figure_bytes(effectiveness_chart(table, scale=scale), "svg").decode()
    assert "<text" in svg and "Completely ineffective" in svg and "Item A" in svg


def test_cli_chart_out_draws_the_suppressed_block(cli, tmp_path):
    from conftest import SAMPLE_SURVEY

    proc = cli("effectiveness", SAMPLE_SURVEY, "--chart-out", tmp_path, "--threshold", "30", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    svg = (tmp_path / "effectiveness_q45.svg").read_text()
    assert "Suppressed [c]" in svg and "hatched block" in svg
