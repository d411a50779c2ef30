"""Reading a large CSV of answers a block at a time, with the same result as reading it whole.

``open_table_stream(path)`` gives the header and an iterator of data rows (``line_num``, cells) while
holding only one block of the file in memory. It reads the file exactly as ``io.base.open_sniff`` +
``parse_delimited`` would (delimiter guessed from the first record, the same cell-size limit, the
same CSV dialect, the same row numbers in errors) but only for files whose decoding cannot depend on
the whole text: UTF-8 (with or without a byte-order mark), no NUL byte, nothing that the whole-file
reader would repair as mojibake; or Windows-1252 or Mac Roman as the whole-file reader would choose
it from all of the file's bytes (one pass to decide, a second to read). Anything else (XLSX, UTF-8 with
stray bytes, other encodings, UTF-16, a pipe ...) raises
``NotStreamable`` before or while reading, and the caller reads the file whole instead; since the
whole-file reader applies to those files, the answers are the same either way.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

from surveykit.errors import InputError

BLOCK_BYTES = 1 << 20
_BOM = b"\xef\xbb\xbf"


class NotStreamable(Exception):
    """The file must be read whole (see the module docstring). Carries no file content."""


@dataclass
class TableStream:
    """An open CSV: its header (cells as written) and its data rows, read on demand."""

    path: Path
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (line number of the row's end, cells)
    _fh: BinaryIO

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> "TableStream":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_table_stream(path: str | Path, *, block_bytes: int = BLOCK_BYTES) -> TableStream:
    """Open a UTF-8 CSV for reading a block at a time (``NotStreamable``: read it whole instead).

    Problems the whole-file reader reports (an oversized cell, a broken quote) are raised as the
    same ``InputError`` with the same row, while iterating."""
    from surveykit.io.base import MAX_CELL_CHARS, guess_delimiter
    from surveykit.io.files import check_input

    p = check_input(path)
    block_bytes = max(block_bytes, 64)  # the first block must hold a byte-order mark whole
    if p.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".sav", ".zsav"):
        raise NotStreamable()
    try:
        fh = open(p, "rb")  # noqa: SIM115 - closed by TableStream.close
    except OSError:
        raise NotStreamable() from None
    try:
        if not _regular(fh):
            raise NotStreamable()
        blocks = _text_blocks(fh, block_bytes)
        first = next(blocks, None)
        if first is None or not first.strip():
            raise NotStreamable()  # empty: the whole-file reader says so
        # The whole-file reader guesses the delimiter from the first record within 200,000 characters.
        while len(first) < 200_001:
            more = next(blocks, None)
            if more is None:
                break
            first += more
    except BaseException:
        fh.close()
        raise
    delimiter = guess_delimiter(first)
    csv.field_size_limit(max(MAX_CELL_CHARS * 8, 131072))
    lines = itertools.chain.from_iterable(io.StringIO(t, newline="") for t in itertools.chain((first,), blocks))
    reader = csv.reader(lines, delimiter=delimiter)

    def rows() -> Iterator[tuple[int, list[str]]]:
        from surveykit.io.base import column_letter

        record = 0  # as the whole-file reader numbers rows: records from the header, not lines
        try:
            for row in reader:
                record += 1
                if row and max(map(len, row)) > MAX_CELL_CHARS:
                    j = next(k for k, cell in enumerate(row) if len(cell) > MAX_CELL_CHARS)
                    raise InputError(
                        f"a cell holds {len(row[j]):,} characters, more than the {MAX_CELL_CHARS:,} allowed",
                        path=p, row=record, column=column_letter(j))
                yield reader.line_num, row
        except csv.Error as exc:  # raised while record + 1 was read
            raise InputError(f"not a readable CSV file ({exc})", path=p, row=record + 1) from None

    it = rows()
    try:
        header = next(it, None)
    except BaseException:
        fh.close()
        raise
    if header is None:
        fh.close()
        raise NotStreamable()
    return TableStream(p, header[1], it, fh)


def _regular(fh: BinaryIO) -> bool:
    import stat

    return stat.S_ISREG(os.fstat(fh.fileno()).st_mode)


def _text_blocks(fh: BinaryIO, block_bytes: int) -> Iterator[str]:
    """Decoded pieces of the file, each ending at a line feed (or the end of the file).

    Splitting after a line feed byte is safe in UTF-8 (it never occurs inside a character) and in a
    single-byte encoding, and keeps a CSV record's line structure: the CSV reader sees the same lines
    as over the whole text."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    carry = b""
    start = True
    bom = False
    left: int | None = None  # bytes still to read, when the encoding was chosen from the file's size
    while True:
        data = fh.read(block_bytes if left is None else min(block_bytes, left))
        if start:
            start = False
            if data.startswith(_BOM):
                bom, data = True, data[3:]
            elif data[:2] in (b"\xff\xfe", b"\xfe\xff") or data.startswith((b"PK\x03\x04", b"$FL2", b"$FL3")):
                raise NotStreamable()
            elif not _utf8_so_far(data):
                # Not UTF-8: Windows-1252 or Mac Roman (Excel's CSV on Windows, an old Mac), decided from
                # the whole file's bytes as the whole-file reader decides, is streamed in that encoding.
                codec, size = _single_byte_codec(fh, data, block_bytes)
                decoder = codecs.getincrementaldecoder(codec)("strict")
                left = size
        if left is not None:
            left -= len(data)
            if not data and (left or fh.read(1)):
                raise NotStreamable()  # the file changed after its encoding was chosen: read it whole
        if not data:
            break
        data = carry + data
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            carry = data
            continue
        piece, carry = data[:cut], data[cut:]
        yield _check(piece, decoder, bom)
    if carry:
        yield _check(carry, decoder, bom, final=True)
    elif not bom:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise NotStreamable() from None


def _utf8_so_far(data: bytes) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(data)
    except UnicodeDecodeError:
        return False
    return True


def _single_byte_codec(fh: BinaryIO, first: bytes, block_bytes: int) -> tuple[str, int]:
    """The single-byte codec the whole-file reader would read this file with, as its bytes stand (see
    ``io.encoding_guess.single_byte_reading``), found from the file's blocks (one pass, or less when the
    first blocks settle that it is neither), and the number of bytes it was chosen from; ``fh`` is left
    just after ``first``. NotStreamable when it would read the file otherwise."""
    from surveykit.io.encoding_guess import single_byte_reading

    def blocks() -> Iterator[bytes]:
        # Each pass keeps its own place: the non-Latin check reads the file again during the tally.
        at = 0
        while True:
            fh.seek(at)
            block = fh.read(block_bytes)
            if not block:
                return
            at += len(block)
            yield block

    codec, size = single_byte_reading(blocks)
    if codec is None:
        raise NotStreamable()
    fh.seek(len(first))
    return codec, size


def _check(piece: bytes, decoder, bom: bool, *, final: bool = False) -> str:
    if b"\x00" in piece:
        raise NotStreamable()  # NUL bytes are removed or refused by the whole-file reader
    try:
        text = decoder.decode(piece, final=final)
    except UnicodeDecodeError:
        raise NotStreamable() from None
    # Without a BOM the whole-file reader repairs mojibake in the text; leave files it would change to it.
    if not bom:
        _refuse_mojibake(text)
    return text


def _refuse_mojibake(text: str) -> None:
    """Refuses (NotStreamable) a piece that could make ``io.mojibake.repair_mojibake`` change the whole
    text: one of the marks its first look searches for (\u00c3, \u00c2, \u00e2\u20ac), or a match of its
    pattern that stands for a character (``mojibake_fix``), which it repairs once its first look has
    found anything anywhere. A piece ends at a line feed, which no match spans, and is checked before
    any of its rows is read, so no row is read from text that the whole-file reader would repair.
    Plain words such as "caf\u00e9\u2019s" match the pattern but stand for no character: a file holding
    them stays streamed."""
    from surveykit.io.mojibake import _MOJIBAKE, has_mojibake_mark, mojibake_fix

    if text.isascii():
        return
    if has_mojibake_mark(text):
        raise NotStreamable()
    if any(mojibake_fix(m.group(0)) is not None for m in _MOJIBAKE.finditer(text)):
        raise NotStreamable()
