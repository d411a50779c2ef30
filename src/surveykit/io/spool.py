"""A scratch file for rows that must wait until a run ends (a text table's widths are known only then).

``spool()`` is an anonymous temporary file: on Linux and macOS it has no name from the moment it is
created (nobody else can open it) and the system removes it when it is closed or the process ends,
so a killed run leaves nothing behind.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator


def spool() -> BinaryIO:
    """An anonymous binary scratch file, readable and writable (use it as a context manager)."""
    return tempfile.TemporaryFile(prefix="surveykit-", suffix=".spool")


def text_blocks(fh: BinaryIO, *, size: int = 1 << 20) -> Iterator[str]:
    """The UTF-8 text of a binary file from its current position, in pieces that end at a line feed
    (or the end): no character and no line is cut in two."""
    carry = b""
    for block in iter(lambda: fh.read(size), b""):
        block = carry + block
        cut = block.rfind(b"\n") + 1
        if cut == 0:
            carry = block
            continue
        carry = block[cut:]
        yield block[:cut].decode("utf-8", "surrogatepass")
    if carry:
        yield carry.decode("utf-8", "surrogatepass")


def file_text_blocks(path: str | Path) -> Iterator[str]:
    """``text_blocks`` of a file surveykit has just written (e.g. the --out file, to print it)."""
    with open(path, "rb") as fh:
        yield from text_blocks(fh)
