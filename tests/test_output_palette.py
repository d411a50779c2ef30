"""The chart palette survives colour blindness and greyscale.

Colour maths written here, independently of the package: sRGB -> linear RGB (IEC 61966-2-1) ->
simulated colour-vision deficiency -> sRGB (clipped, as a screen shows it) -> linear -> XYZ (D65) ->
CIELAB; distance CIE76 Delta E. The simulation matrices are those of Machado, Oliveira and Fernandes
(2009), "A Physiologically-based Model for Simulation of Color Vision Deficiency", IEEE TVCG 15(6),
severity 1.0 (protanopia, deuteranopia, tritanopia), applied to linear RGB.
"""

from __future__ import annotations

import itertools

import pytest

from surveykit.charts import palette as pal
from surveykit.errors import UsageError

MACHADO_2009 = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}
SRGB_TO_XYZ = ((0.4124564, 0.3575761, 0.1804375), (0.2126729, 0.7151522, 0.0721750), (0.0193339, 0.1191920, 0.9503041))
WHITE = tuple(sum(row) for row in SRGB_TO_XYZ)  # D65 white of the same matrix


def to_linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def to_srgb(c: float) -> float:
    c = min(max(c, 0.0), 1.0)
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def mul(m, v):
    return tuple(sum(a * b for a, b in zip(row, v)) for row in m)


def lab(hex_colour: str, deficiency: str | None = None) -> tuple[float, float, float]:
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = tuple(to_linear(c) for c in rgb)
    if deficiency:
        lin = mul(MACHADO_2009[deficiency], lin)
        lin = tuple(to_linear(to_srgb(c)) for c in lin)  # what the screen can show
    x, y, z = (v / w for v, w in zip(mul(SRGB_TO_XYZ, lin), WHITE))

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e(a, b) -> float:
    return sum((p - q) ** 2 for p, q in zip(a, b)) ** 0.5


def test_colour_maths_reference_values():
    # sRGB primaries and white in CIELAB (D65), as tabulated by Bruce Lindbloom's calculator
    assert lab("#ffffff") == pytest.approx((100.0, 0.0, 0.0), abs=0.01)
    assert lab("#ff0000") == pytest.approx((53.24, 80.09, 67.20), abs=0.05)
    assert lab("#0000ff") == pytest.approx((32.30, 79.19, -107.86), abs=0.05)
    # a deuteranope cannot tell red from green apart as well as a trichromat
    assert delta_e(lab("#d62728", "deuteranopia"), lab("#2ca02c", "deuteranopia")) < \
        delta_e(lab("#d62728"), lab("#2ca02c")) / 2


@pytest.mark.parametrize("name", sorted(pal.PALETTES))
@pytest.mark.parametrize("k", range(2, 8))
def test_every_pair_distinct_under_colour_blindness(name, k):
    colours = pal.ordinal(k, palette=name)
    assert len(colours) == k and len(set(colours)) == k
    for deficiency in (None, *MACHADO_2009):
        labs = [lab(c, deficiency) for c in colours]
        for (i, a), (j, b) in itertools.combinations(enumerate(labs), 2):
            assert delta_e(a, b) >= 12, (name, k, deficiency, colours[i], colours[j], round(delta_e(a, b), 1))


@pytest.mark.parametrize("name", sorted(pal.PALETTES))
@pytest.mark.parametrize("k", range(2, 8))
def test_lightness_ramp_reads_in_greyscale(name, k):
    lightness = [lab(c)[0] for c in pal.ordinal(k, palette=name)]
    steps = [a - b for a, b in zip(lightness, lightness[1:])]
    assert all(s >= 10 for s in steps), (name, k, [round(v, 1) for v in lightness])  # lightest = lowest option


@pytest.mark.parametrize("name", sorted(pal.PALETTES))
def test_categorical_colours_distinct(name):
    colours = pal.categorical(3, palette=name)
    for deficiency in (None, *MACHADO_2009):
        for a, b in itertools.combinations(colours, 2):
            assert delta_e(lab(a, deficiency), lab(b, deficiency)) >= 12, (name, deficiency, a, b)


def test_old_ramp_fails_the_same_check():
    """The red-yellow-green ramp the charts used before: its ends collapse for a deuteranope."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    import numpy as np

    old = [to_hex(colormaps["RdYlGn"](x)) for x in np.linspace(0.08, 0.92, 5)]
    worst = min(delta_e(lab(a, "deuteranopia"), lab(b, "deuteranopia")) for a, b in itertools.combinations(old, 2))
    assert worst < 12


def test_chart_uses_the_palette_and_custom_colours():
    import pandas as pd

    from surveykit.charts.effectiveness import effectiveness_chart
    from surveykit.instrument import load_instrument
    from matplotlib.colors import to_hex

    table = pd.DataFrame({"item_id": ["a"], "item_label": ["A"], "group": "all", "n": [100],
                          **{f"pct_{k}": [20.0] for k in range(1, 6)}, "mean": [3.0], "pct_effective": [40.0],
                          "rank": [1]})
    scale = load_instrument().question("q45").scale
    fig = effectiveness_chart(table, scale=scale)
    drawn = [to_hex(c[0].get_facecolor()) for c in fig.axes[0].containers]
    assert drawn == list(pal.ordinal(5))
    greys = effectiveness_chart(table, scale=scale, palette="greys")
    assert [to_hex(c[0].get_facecolor()) for c in greys.axes[0].containers] == list(pal.ordinal(5, palette="greys"))
    mine = ["#111111", "#333333", "#555555", "#777777", "#999999"]
    custom = effectiveness_chart(table, scale=scale, palette=mine)
    assert [to_hex(c[0].get_facecolor()) for c in custom.axes[0].containers] == mine
    with pytest.raises(UsageError, match="palette must be one of 'default', 'greys'; got 'rainbow'"):
        pal.ordinal(5, palette="rainbow")
    with pytest.raises(UsageError, match="list of #rrggbb colours"):
        pal.ordinal(3, palette=["red", "#00ff00"])
    with pytest.raises(UsageError, match="palette has 2 colours; the chart needs 5"):
        pal.ordinal(5, palette=["#000000", "#ffffff"])


def test_cli_palette_option(cli, tmp_path):
    from conftest import SAMPLE_SURVEY

    bad = cli("effectiveness", SAMPLE_SURVEY, "--chart-out", tmp_path, "--palette", "rainbow")
    assert bad.returncode == 2 and "palette must be one of" in bad.stderr and "Traceback" not in bad.stderr
    assert not any(tmp_path.iterdir())
