"""Fonts read from memory in the processes that only draw charts (the chart process and its workers).

matplotlib hands FreeType each font as a Python file object, and FreeType reads the glyphs it needs
through it: a seek and a read, two system calls, for each piece of each glyph. The six charts of the
sample report made about 170,000 seeks and 77,000 reads this way, about 0.13 s of CPU in all. Given
the font's bytes instead (an in-memory file, the bytes read once per font), FreeType reads the same
data with no system call, and the drawings are the same bytes.

``read_fonts_from_memory()`` makes matplotlib's font manager open fonts that way in this process and in
the processes it forks later. It is for processes that write PNG and SVG only: a font opened from
memory has no file name, which the PDF and PostScript writers need (they embed the font file).
"""

from __future__ import annotations

import io
import os
import types
from typing import Any


class _FontsFromMemory(types.ModuleType):
    """``matplotlib.ft2font`` as the font manager sees it, except that ``FT2Font`` given a path opens
    the font's bytes (read once per path) instead of the file, for a font opened to draw text: the one
    call that passes a kerning factor (``font_manager.get_font``). A font opened to list it
    (``FontManager.addfont``) keeps its file name, which the font list records."""

    def __init__(self, real: types.ModuleType) -> None:
        super().__init__(real.__name__, real.__doc__)
        self._real = real
        self._bytes: dict[str, bytes] = {}

    def __getattr__(self, name: str) -> Any:  # everything else is the real module's
        return getattr(self._real, name)

    def FT2Font(self, filename: Any, *args: Any, **kwargs: Any) -> Any:  # matplotlib's name for it
        if "_kerning_factor" in kwargs and isinstance(filename, (str, os.PathLike)):
            path = os.fspath(filename)
            data = self._bytes.get(path)
            if data is None:
                try:
                    with open(path, "rb") as fh:
                        data = fh.read()
                except OSError:
                    data = None  # matplotlib opens the path itself and reports the problem
                else:
                    self._bytes[path] = data
            if data is not None:
                filename = io.BytesIO(data)  # shares the bytes: nothing is copied until written
        return self._real.FT2Font(filename, *args, **kwargs)


def read_fonts_from_memory() -> bool:
    """Have matplotlib's font manager open each font from its bytes in this process (and the ones it
    forks later); True when it does. Fonts already opened stay as they are. Nothing changes when
    matplotlib is laid out differently from what this expects."""
    try:
        from matplotlib import font_manager, ft2font
    except ImportError:
        return False
    current = getattr(font_manager, "ft2font", None)
    if isinstance(current, _FontsFromMemory):
        return True
    if current is not ft2font or not callable(getattr(ft2font, "FT2Font", None)):
        return False
    font_manager.ft2font = _FontsFromMemory(ft2font)  # type: ignore[attr-defined]
    return True
