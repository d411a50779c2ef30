"""The colours of every chart and of the report's accents: one place, colour-blind and greyscale safe.

An ordered scale (Completely ineffective .. Very effective, Never .. Very often) is drawn with a
ramp whose CIELAB lightness falls monotonically from the lowest option to the highest, so the order
still reads in greyscale; hue runs from sand through grey (the neutral option) to blue. For 2 to 7
categories every pair of colours stays at least 12 apart (CIE76 Delta E) under simulated
protanopia, deuteranopia and tritanopia (Machado, Oliveira and Fernandes 2009, severity 1.0): see
tests/test_output_palette.py, which does that colour maths independently. Beyond 7 categories no
ramp can keep that distance with a monotone lightness; colours are then interpolated and the
guarantee does not hold (the caller should merge options).

``palette`` parameters accept a name from ``PALETTES`` or a sequence of ``#rrggbb`` colours (an
instrument's ``report.palette:`` key or a report option passes it through). A custom list is used
as given: its order is the order of the categories, and its colour-blind safety is the user's.
"""

from __future__ import annotations

import re
from typing import Sequence, Union

from surveykit.errors import UsageError, invalid_choice

PaletteSpec = Union[str, Sequence[str], None]

#: Ordered ramps by number of categories (lightest = lowest option).
_DEFAULT = {
    2: ("#d9b690", "#2a5985"),
    3: ("#d9b690", "#878787", "#2a5985"),
    4: ("#fcf4d3", "#d9b690", "#2a5985", "#002271"),
    5: ("#fcf4d3", "#d9b690", "#878787", "#2a5985", "#002271"),
    6: ("#ffe7a7", "#e8c09b", "#a99b8f", "#6d7681", "#2f5270", "#00315f"),
    7: ("#faf4d5", "#f0c891", "#bda696", "#878787", "#55687e", "#414565", "#321f53"),
}
_GREYS = {
    2: ("#b9b9b9", "#474747"),
    3: ("#e8e8e8", "#848484", "#2c2c2c"),
    4: ("#e8e8e8", "#a4a4a4", "#656565", "#2c2c2c"),
    5: ("#e8e8e8", "#b5b5b5", "#848484", "#565656", "#2c2c2c"),
    6: ("#e8e8e8", "#bfbfbf", "#979797", "#717171", "#4d4d4d", "#2c2c2c"),
    7: ("#e8e8e8", "#c5c5c5", "#a4a4a4", "#848484", "#656565", "#474747", "#2c2c2c"),
}
PALETTES: dict[str, dict[int, tuple[str, ...]]] = {"default": _DEFAULT, "greys": _GREYS}
DEFAULT_PALETTE = "default"

#: Unordered categories (lines, two-part bars): blue, orange, grey; distinct under the three
#: simulations and in lightness.
_CATEGORICAL = {"default": ("#2a5985", "#c0661b", "#8a8a8a"), "greys": ("#2c2c2c", "#8a8a8a", "#c5c5c5")}

#: A suppressed block: white with grey hatching and a grey outline (never a colour of a ramp).
SUPPRESSED_FACE = "#ffffff"
SUPPRESSED_EDGE = "#6b6b6b"
SUPPRESSED_HATCH = "////"
#: Outlines of bar segments (so the lightest colour still has an edge on white paper).
EDGE = "#4d4d4d"
INK = "#1d2430"
MUTED = "#5b6475"

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def _custom(palette: Sequence[str]) -> tuple[str, ...]:
    colours = tuple(str(c) for c in palette)
    bad = [c for c in colours if not _HEX.match(c)]
    if not colours or bad:
        raise UsageError(f"palette must be one of {', '.join(repr(p) for p in PALETTES)} or a list of #rrggbb "
                         f"colours; got {list(colours)!r}")
    return tuple(c.lower() for c in colours)


def check_palette(palette: PaletteSpec) -> PaletteSpec:
    """The palette itself when valid (None: the default); else a UsageError naming the parameter."""
    if palette is None:
        return None
    if isinstance(palette, str):
        if palette not in PALETTES:
            raise invalid_choice("palette", palette, list(PALETTES))
        return palette
    return _custom(palette)


def ordinal(k: int, *, palette: PaletteSpec = None) -> tuple[str, ...]:
    """``k`` colours for an ordered scale, lowest option first (lightest first in the named ramps)."""
    if k < 1:
        raise UsageError(f"a palette needs at least 1 category; got {k}")
    palette = check_palette(palette)
    if palette is None or isinstance(palette, str):
        ramps = PALETTES[palette or DEFAULT_PALETTE]
        if k == 1:
            return (ramps[2][-1],)
        if k in ramps:
            return ramps[k]
        return _interpolate(ramps[max(ramps)], k)
    colours = tuple(palette)
    if len(colours) < k:
        raise UsageError(f"palette has {len(colours)} colours; the chart needs {k}")
    if len(colours) == k:
        return colours
    step = (len(colours) - 1) / (k - 1) if k > 1 else 0
    return tuple(colours[round(i * step)] for i in range(k))


def categorical(k: int, *, palette: PaletteSpec = None) -> tuple[str, ...]:
    """``k`` colours for unordered categories (at most 3 from a named palette)."""
    palette = check_palette(palette)
    if palette is None or isinstance(palette, str):
        colours = _CATEGORICAL[palette or DEFAULT_PALETTE]
        if k > len(colours):
            return ordinal(k, palette=palette)
        return colours[:k]
    return ordinal(k, palette=palette)


def accent(palette: PaletteSpec = None) -> str:
    """The colour of headings and rules in the written report (dark enough for text on white)."""
    palette = check_palette(palette)
    if palette is None or isinstance(palette, str):
        return _CATEGORICAL[palette or DEFAULT_PALETTE][0]
    return _darkest(palette)


def band(palette: PaletteSpec = None) -> str:
    """A light background for table headers (the lightest colour of the palette's 5-ramp, or a grey)."""
    palette = check_palette(palette)
    if palette == "greys":
        return "#f0f0f0"
    return "#eef2f7"


def _luminance(hex_colour: str) -> float:
    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def _darkest(colours: Sequence[str]) -> str:
    return min(colours, key=_luminance)


def text_colour(fill: str) -> str:
    """Black or white, whichever reads better on ``fill`` (labels printed inside bars)."""
    return "#ffffff" if _luminance(fill) < 0.18 else "#000000"


def _interpolate(colours: Sequence[str], k: int) -> tuple[str, ...]:
    """``k`` colours along the ramp (sRGB interpolation; only for scales longer than 7)."""
    rgb = [tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in colours]
    out = []
    for j in range(k):
        pos = j * (len(rgb) - 1) / (k - 1)
        lo = int(pos)
        hi = min(lo + 1, len(rgb) - 1)
        t = pos - lo
        out.append("#" + "".join(f"{round(a + (b - a) * t):02x}" for a, b in zip(rgb[lo], rgb[hi])))
    return tuple(out)


__all__ = ["PALETTES", "DEFAULT_PALETTE", "ordinal", "categorical", "accent", "band", "check_palette",
           "text_colour", "SUPPRESSED_FACE", "SUPPRESSED_EDGE", "SUPPRESSED_HATCH", "EDGE"]
