"""Bytes into text: the encoding of an export, chosen as a person would (UTF-8, a byte-order mark,
UTF-16, Windows-1252 or Mac Roman by how plausible each reading is, a non-Latin encoding), with
mojibake repaired and every change noted (``decode_bytes``); and the same decisions made on a large
file's bytes without building its text (``plain_utf8_start``, ``held_text``), which must always agree
with ``decode_bytes``. How a reading is chosen for bytes that are not UTF-8 is in ``encoding_guess``
(also for a file read a block at a time); finding and undoing mojibake is in ``mojibake``.
"""

from __future__ import annotations

import codecs
import importlib
import re
import struct
import sys
from functools import lru_cache
from typing import Iterable

from surveykit.errors import InputError
from surveykit.io.encoding_guess import (
    READING_NAMES,
    _byte_chars,
    _decode_single_byte,
    _holds_utf8_sequence,
    _looks_binary,
    _non_latin_encoding,
    _plausibility,
    single_byte_reading,
)
from surveykit.io.mojibake import _MOJIBAKE, _MOJIBAKE_HEAD, repair_mojibake


class LazyText:
    """The text of bytes already known to decode with ``codec`` (from ``start``, past a byte-order mark),
    decoded when asked for and not kept: a file's own bytes (UTF-8, or a single-byte encoding such as
    Windows-1252, where each byte is one character), or its text transcoded to UTF-8."""

    __slots__ = ("data", "start", "codec")

    def __init__(self, data: bytes, start: int = 0, codec: str = "utf-8") -> None:
        self.data = data
        self.start = start
        self.codec = codec

    def text(self) -> str:
        return str(memoryview(self.data)[self.start:], self.codec)

    def head(self, chars: int) -> str:
        if self.codec != "utf-8":  # one byte a character
            return str(memoryview(self.data)[self.start:self.start + chars], self.codec)
        # A character is at most 4 bytes: 4 * chars + 3 bytes hold the first ``chars`` whole, and the
        # cut can only split a character after them.
        part = memoryview(self.data)[self.start:self.start + 4 * chars + 3]
        return str(part, "utf-8", "ignore")[:chars]


def byte_position(data: bytes, offset: int) -> str:
    """Where a byte is, for people: "line 3, byte 46 (0xE9)" (byte counted from 1 in the file)."""
    line = data.count(b"\n", 0, offset) + 1
    shown = f" (0x{data[offset]:02X})" if 0 <= offset < len(data) else ""
    return f"line {line}, byte {offset + 1}{shown}"


def decode_bytes(data: bytes, *, encoding: str | None = None) -> tuple[str, str, tuple[str, ...]]:
    """Decode text, choosing the encoding when none is given. Returns (text, encoding, notes).

    Order: BOMs, UTF-8, UTF-16 without BOM (NUL every other byte), then for text that is not UTF-8:
    UTF-8 with a few stray Windows-1252 bytes (a file edited in two programs), a non-Latin single- or
    multi-byte encoding recognised by charset-normalizer (Cyrillic, Greek, CJK ...), else Windows-1252
    or Mac Roman, whichever reads as more plausible. When the bytes cannot be text at all, the error
    gives the line and byte of the first bad one.
    """
    notes: list[str] = []
    if encoding:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise InputError(f"--encoding {encoding!r} is not a known encoding (e.g. utf-8, utf-8-sig, cp1252, "
                             "mac_roman, utf-16)") from None
        try:
            return data.decode(codec), encoding, ()
        except UnicodeDecodeError as exc:
            raise InputError(f"cannot decode the file as {encoding}: {byte_position(data, exc.start)} is not valid "
                             f"{encoding}; leave out --encoding to detect it") from None
    if data.startswith(b"\xef\xbb\xbf"):
        body = data[3:]
        try:
            return body.decode("utf-8"), "utf-8-sig", ()
        except UnicodeDecodeError as exc:
            text, bad = _utf8_with_fallback(body)
            notes.append(f"the file starts with a UTF-8 byte-order mark but {bad} byte(s) are not UTF-8 (the first at "
                         f"{byte_position(data, exc.start + 3)}); they were read as Windows-1252")
            text, repaired = repair_mojibake(text)
            if repaired:
                notes.append(f"repaired {repaired} mojibake sequence(s)")
            if _looks_binary(text):
                raise InputError("this looks like a binary file, not a text export") from None
            return text, "utf-8-sig", tuple(notes)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", ()
        except UnicodeDecodeError as exc:
            raise InputError("the file starts with a UTF-16 byte-order mark but is not valid UTF-16 "
                             f"({byte_position(data, exc.start)})") from None
    head = data[:4096]
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4 and head[0::2].count(0) == 0:
        try:
            return data.decode("utf-16-le"), "utf-16-le", ()
        except UnicodeDecodeError:
            pass
    if len(head) >= 4 and head[0::2].count(0) > len(head) // 4 and head[1::2].count(0) == 0:
        try:
            return data.decode("utf-16-be"), "utf-16-be", ()
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        nul = data.count(b"\x00")
        if nul > max(16, len(data) // 100):
            where = byte_position(data, data.index(b"\x00"))
            raise InputError("this looks like a binary file, not a text export (it is full of NUL bytes; the first at "
                             f"{where})")
        data = data.replace(b"\x00", b"")
        notes.append(f"removed {nul} NUL byte(s)")
    clean = False  # known to hold nothing for repair_mojibake (it need not look)
    try:
        text = data.decode("utf-8")
        enc = "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
        text, enc, how, clean = _decode_not_utf8(data)
        if how:
            notes.append(how.format(where=byte_position(data, first_bad)))
        if _looks_binary(text):
            raise InputError("this looks like a binary file, not a text export (the first byte that is not text is "
                             f"at {byte_position(data, _first_control(data))})") from None
    text, repaired = (text, 0) if clean else repair_mojibake(text)
    if repaired:
        notes.append(f"repaired {repaired} mojibake sequence(s) (UTF-8 text that had been saved as {enc if enc != 'utf-8' else 'Latin-1'})")
    return text, enc, tuple(notes)


# Windows-1252 for a stray byte; its five undefined bytes fall back to Latin-1 (the C1 control).
_CP1252_BYTE = tuple(bytes([b]).decode("cp1252", errors="strict") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
                     else chr(b) for b in range(256))


def _utf8_with_fallback(data: bytes) -> tuple[str, int]:
    """UTF-8, reading each byte that is not valid UTF-8 as Windows-1252. Returns (text, bad bytes)."""
    parts: list[str] = []
    bad = 0
    pos = 0
    view = memoryview(data)
    while pos < len(data):
        try:
            parts.append(str(view[pos:], "utf-8"))
            break
        except UnicodeDecodeError as exc:
            stop = pos + exc.start
            parts.append(str(view[pos:stop], "utf-8"))
            end = pos + exc.end
            parts.append("".join(_CP1252_BYTE[b] for b in data[stop:end]))
            bad += end - stop
            pos = end
            if bad > 4096:  # not a few stray bytes: the caller decides what the file is
                parts.append("".join(_CP1252_BYTE[b] for b in data[pos:]))
                bad += len(data) - pos
                break
    return "".join(parts), bad


def _decode_not_utf8(data: bytes) -> tuple[str, str, str, bool]:
    """(text, encoding, note template, clean) for bytes that are not valid UTF-8; ``clean``: the text is
    known to give ``repair_mojibake`` nothing to repair (found on the bytes while choosing it)."""
    utf8_sequence = _holds_utf8_sequence(data)
    if not utf8_sequence:
        # The reading is Western only when no non-Latin encoding is found: looked for first, since
        # scoring the Western readings of Cyrillic, Greek ... text is slow (their letters read as capitals).
        other = _non_latin_encoding(data)
        if other is not None:
            return other[0], other[1], _detected(other[1]), False
    western_text, western, clean = _decode_single_byte(data)
    best_text, best, how = western_text, western, ""
    # A file that is mostly UTF-8 with a few Windows-1252 bytes pasted in: keep the UTF-8 where it is valid.
    if utf8_sequence:
        mixed, bad = _utf8_with_fallback(data)
        # Ties go to the mixed reading: the valid UTF-8 sequences are evidence of UTF-8.
        if bad <= 4096 and _plausibility(repair_mojibake(mixed)[0]) >= _plausibility(repair_mojibake(western_text)[0]):
            best_text, best, clean = mixed, "utf-8", False
            how = f"{bad} byte(s) are not UTF-8 (the first at {{where}}); they were read as Windows-1252"
    if best == western and utf8_sequence:
        other = _non_latin_encoding(data)
        if other is not None:
            (best_text, best), clean = other, False
            how = _detected(best)
    return best_text, best, how, clean


def _detected(codec: str) -> str:
    return f"encoding detected as {codec} (the text is not UTF-8; the first such byte is at {{where}})"


def _first_control(data: bytes) -> int:
    for i, b in enumerate(data[:65536]):
        if (b < 32 and b not in (9, 10, 12, 13)) or b == 0x7F:
            return i
    return 0


#: ``held_text`` tallies a file this many bytes at a time.
_TALLY_BLOCK = 1 << 20


def held_text(data: bytes, *, encoding: str | None = None) -> "tuple[LazyText, str] | None":
    """A file's text held as its own bytes, and the encoding ``decode_bytes`` names, when decoding them
    with one codec gives exactly what ``decode_bytes(data, encoding=encoding)`` gives, with no note:

    * no ``encoding`` and the file is not UTF-8: Windows-1252 or Mac Roman as ``single_byte_codec``
      chooses it from a tally of the bytes, a block at a time;
    * an ``encoding`` of one byte a character (cp1252, latin-1, mac_roman ...) that every byte decodes
      with, or UTF-8 (with or without a byte-order mark) that the bytes are.

    None otherwise (``decode_bytes`` then decides, and says what is wrong). The file's text is never
    built: for text beyond Latin-1 it takes two bytes a character, more than the file itself."""
    if encoding is None:
        # single_byte_codec is for a file without a byte-order mark that is not UTF-8. It declines UTF-8
        # itself: ASCII has no byte above 127, and other UTF-8 holds a sequence of its own.
        if data.startswith((_UTF8_BOM, b"\xff\xfe", b"\xfe\xff")):
            return None

        def blocks() -> Iterable[bytes]:
            return (data[i:i + _TALLY_BLOCK] for i in range(0, len(data), _TALLY_BLOCK))

        codec, _ = single_byte_reading(blocks)
        return (LazyText(data, 0, codecs.lookup(codec).name), READING_NAMES[codec]) if codec is not None else None
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        return None
    chars = _byte_chars(codec) if _one_char_a_byte(codec) else None
    if chars is not None:
        # What is left of the file once every byte the codec defines is taken out: nothing, when the
        # whole file decodes with it.
        if not data.translate(None, bytes(b for b in range(256) if chars[b])):
            return LazyText(data, 0, codec), encoding
        return None
    if codec in ("utf-8", "utf-8-sig"):
        start = 3 if codec == "utf-8-sig" and data.startswith(_UTF8_BOM) else 0
        if _is_utf8(memoryview(data)[start:]):
            return LazyText(data, start), encoding
    return None


@lru_cache(maxsize=None)
def _one_char_a_byte(codec: str) -> bool:
    """The codec reads each byte as one character by a table (Windows-1252, Mac Roman, ISO 8859 ...);
    not one, such as raw_unicode_escape, that reads a run of bytes as one character."""
    if codec in ("iso8859-1", "ascii"):  # their own decoders: Latin-1 the identity, ASCII the half of it
        return True
    try:
        module = importlib.import_module("encodings." + codec.replace("-", "_"))
    except ImportError:
        return False
    table = getattr(module, "decoding_table", None)
    return isinstance(table, str) and len(table) == 256


#: The UTF-8 bytes of the characters ``repair_mojibake`` looks for first (\u00c3, \u00c2, \u00e2\u20ac). In
#: valid UTF-8 a byte sequence can only be the encoding of those characters, and each starts with C3.
_MOJIBAKE_BYTES = re.compile(rb"\xc3(?:[\x82\x83]|\xa2\xe2\x82\xac)")
_UTF8_BOM = b"\xef\xbb\xbf"
#: Valid UTF-8 is checked this many bytes at a time, so that the text of the file is never built whole.
_UTF8_PIECE = 1 << 16
#: Arrow's check of valid UTF-8 (``_arrow_is_utf8``) takes this many bytes at a time.
_ARROW_UTF8_BLOCK = 1 << 20


def plain_utf8_start(data: bytes) -> int | None:
    """Where the text starts (0, or 3 past a UTF-8 byte-order mark) when ``decode_bytes`` would read the
    bytes as UTF-8 exactly as they stand: valid UTF-8, no NUL byte to remove, nothing that its
    mojibake check would look at twice, so no note. None when that is not certain; ``decode_bytes``
    then decides. Checks the bytes in pieces: the text of a large file is not built to find this out."""
    if b"\x00" in data:
        return None
    if data.isascii():
        return 0
    start = 3 if data.startswith(_UTF8_BOM) else 0
    if not _is_utf8(memoryview(data)[start:]):
        return None
    # decode_bytes repairs mojibake only in a file without a byte-order mark.
    if not start and _mojibake_suspected(data):
        return None
    return start


def _is_utf8(view: memoryview) -> bool:
    """True when ``view`` is valid UTF-8 as Python's strict decoder judges it: no encoded surrogate, no
    overlong form, nothing past U+10FFFF, no character cut off at the end."""
    verdict = _arrow_is_utf8(view)
    if verdict is not None:
        return verdict
    decode = codecs.getincrementaldecoder("utf-8")("strict").decode
    try:
        for i in range(0, len(view), _UTF8_PIECE):
            decode(view[i:i + _UTF8_PIECE])
        decode(b"", True)
    except UnicodeDecodeError:
        return False
    return True


def _arrow_is_utf8(view: memoryview) -> bool | None:
    """Arrow's UTF-8 check of ``view``, where pyarrow is already imported (a large file's reader imports
    it with pandas); None otherwise, and Python's decoder decides. The bytes are checked as strings of
    ``_ARROW_UTF8_BLOCK`` bytes, without a copy, each ending before a byte that starts a character.
    Arrow checks 140 MB of valid UTF-8 in about 20 ms, where Python's decoder takes about 78 ms; as one
    string, Arrow took 185 ms to refuse 140 MB of Windows-1252, so the first block that fails ends the
    check. Arrow and Python judge every byte sequence alike (tests/test_io_sniff_utf8.py compares them)."""
    pa = sys.modules.get("pyarrow")
    if pa is None:
        return None
    try:
        invalid = pa.ArrowInvalid
        string = pa.large_string()
        data = pa.py_buffer(view)
    except Exception:  # noqa: BLE001 - a pyarrow without these (or still importing): Python's decoder decides
        return None
    n = len(view)
    start = 0
    while start < n:
        end = min(start + _ARROW_UTF8_BLOCK, n)
        # A continuation byte (10xxxxxx) never starts a character: the block takes up to three more, so as
        # not to cut the character it ends in. A fourth in a row is invalid wherever it falls (the next
        # block then starts with it).
        stop = min(end + 3, n)
        while end < stop and view[end] & 0xC0 == 0x80:
            end += 1
        # The offsets as packed bytes: pyarrow.array() would import pandas the first time it runs.
        offsets = pa.py_buffer(struct.pack("<2q", 0, end - start))
        try:
            pa.Array.from_buffers(string, 1, [None, offsets, data.slice(start, end - start)]).validate(full=True)
        except invalid:
            return False
        except Exception:  # noqa: BLE001 - anything but a verdict: Python's decoder decides
            return None
        start = end
    return True


def _mojibake_suspected(data: bytes) -> bool:
    """``repair_mojibake``'s first check, made on the bytes of valid UTF-8 text: True when it would go on
    to search the whole text."""
    if b"\xc3" in data and _MOJIBAKE_BYTES.search(data):
        return True
    return _MOJIBAKE.search(LazyText(data).head(_MOJIBAKE_HEAD)) is not None
