"""Bytes into text: the encoding of an export, chosen as a person would (UTF-8, a byte-order mark,
UTF-16, Windows-1252 or Mac Roman by how plausible each reading is, a non-Latin encoding), with
mojibake repaired and every change noted (``decode_bytes``); and the same decisions made on a large
file's bytes without building its text (``plain_utf8_start``, ``ByteTally`` / ``single_byte_codec``
for a file read a block at a time), which must always agree with ``decode_bytes``.
"""

from __future__ import annotations

import codecs
import importlib
import re
from collections import Counter
from functools import lru_cache
from typing import Callable, Iterable, Mapping

from surveykit.errors import InputError


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


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# Every sequence above starts with one of these bytes followed by a continuation byte.
_UTF8_LEAD = re.compile(rb"[\xc2-\xf4](?=[\x80-\xbf])")
_NOT_UTF8_LEAD = bytes(range(0xC2)) + bytes(range(0xF5, 0x100))


def _holds_utf8_sequence(data: bytes) -> bool:
    """``_UTF8_MULTIBYTE.search(data)``, found faster: the alternation steps through a 100 MB file at
    about 60 MB a second. A file with no lead byte at all is settled by one ``translate``; otherwise
    only the places where a lead byte meets a continuation byte are tried."""
    if not data.translate(None, _NOT_UTF8_LEAD):
        return False
    return any(_UTF8_MULTIBYTE.match(data, m.start()) for m in _UTF8_LEAD.finditer(data))


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


_LATIN_CODECS = frozenset({"cp1252", "latin-1", "iso8859-1", "iso8859-15", "mac-roman", "cp1250", "iso8859-2",
                           "cp850", "cp437", "cp858", "iso8859-3", "iso8859-4", "iso8859-9", "iso8859-10",
                           "iso8859-13", "iso8859-14", "iso8859-16", "cp1254", "cp1257", "mac-latin2", "cp852",
                           "utf-8", "ascii"})


def _non_latin_codec(head: bytes) -> str | None:
    """The codec charset-normalizer guesses from the first 200,000 bytes, when it is not a Latin-script
    one (the first step of ``_non_latin_encoding``)."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    try:
        match = from_bytes(head[:200_000]).best()
    except Exception:  # noqa: BLE001 - detection is a guess; any failure means "no guess"
        return None
    if match is None or not match.encoding:
        return None
    try:
        codec = codecs.lookup(match.encoding).name
    except LookupError:
        return None
    return None if codec in _LATIN_CODECS else codec


def _non_latin_encoding(data: bytes) -> tuple[str, str] | None:
    """A non-Latin-script encoding (Cyrillic, Greek, Arabic, Hebrew, CJK ...) when charset-normalizer finds one.

    Latin-script guesses are left to ``_decode_single_byte``: charset-normalizer reads English with a few
    accents as Central European (cp1250), which would turn every pound sign into an L with stroke.
    """
    codec = _non_latin_codec(data[:200_000])
    if codec is None:  # checked before decoding the whole file with it, only to leave it
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    return (text, codec) if _non_latin_letters(text[:200_000]) else None


def _non_latin_letters(head: str) -> bool:
    """The letters of the text's first 200,000 characters are mostly not Latin (and there are some)."""
    import unicodedata

    # Letters proper (not modifier letters such as the circumflex a wrong code page produces).
    letters = [ch for ch in head[:200_000] if ord(ch) > 127 and unicodedata.category(ch) in ("Lu", "Ll", "Lo")]
    if len(letters) < 3:
        return False
    latin = sum(1 for ch in letters if unicodedata.name(ch, "").startswith("LATIN"))
    return not latin > 0.2 * len(letters)


def _decoded_head(blocks: "Iterable[bytes]", codec: str) -> str | None:
    """The first 200,000 characters of a file given a block at a time, decoded with ``codec``; None when
    the whole file does not decode with it (``data.decode(codec)`` would fail)."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    head = ""
    try:
        for block in blocks:
            piece = decoder.decode(block)
            if len(head) < 200_000:
                head += piece[:200_000 - len(head)]
        head += decoder.decode(b"", True)[:max(0, 200_000 - len(head))]
    except UnicodeDecodeError:
        return None
    return head


def _first_control(data: bytes) -> int:
    for i, b in enumerate(data[:65536]):
        if (b < 32 and b not in (9, 10, 12, 13)) or b == 0x7F:
            return i
    return 0


# Characters that real Western-European text in a single-byte encoding is made of.
_PLAUSIBLE_PUNCT = frozenset("\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u20ac\u00a3\u00b0\u00ab\u00bb\u00a9\u00a0\u00b7\u00bf\u00a1")
_MOJIBAKE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
                       "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{1,3}")


def _decode_single_byte(data: bytes) -> tuple[str, str, bool]:
    """Windows-1252 or Mac Roman: (text, encoding name, clean), whichever reads as more plausible text
    (ties go to Windows-1252).

    Both decode almost any bytes, so the choice is scored: lower-case accented letters and typographic
    punctuation count for an encoding, capitals wedged between lower-case letters (``in\u00c2your``)
    and control characters count against it. Mojibake is repaired before scoring, so an export whose
    text was UTF-8 re-saved as Mac Roman (Unipark/EFS) is recognised as Mac Roman.

    Only the winner is decoded whole, when the file gives ``repair_mojibake`` nothing to look at (see
    ``ByteTally.score``); a large file's text takes one to four bytes a character. ``clean``: the
    reading chosen was scored from its bytes, so ``repair_mojibake``'s first look at it finds nothing.
    """
    tally = ByteTally(utf8=False)  # one pass over the bytes serves both readings
    tally.add(data)
    if not tally.decodes("cp1252"):
        return data.decode("mac_roman"), "mac-roman", False
    mac, western = _reading_score(data, "mac_roman", tally), _reading_score(data, "cp1252", tally)
    if mac[0] > western[0]:
        return data.decode("mac_roman"), "mac-roman", mac[1]
    return data.decode("cp1252"), "windows-1252", western[1]


def _reading_score(data: bytes, codec: str, tally: "ByteTally") -> tuple[int, bool]:
    """``_plausibility(repair_mojibake(data.decode(codec))[0])``: from the bytes where it can be, with
    ``tally`` holding all of them (then the second value is True: the text holds nothing for
    ``repair_mojibake`` to look at)."""
    score = tally.score(codec)
    if score is None:
        return _plausibility(repair_mojibake(data.decode(codec))[0]), False
    return score, True


@lru_cache(maxsize=None)
def _byte_chars(codec: str) -> tuple[str, ...] | None:
    """The character each byte gives in a single-byte codec whose bytes below 128 are ASCII and above
    are not ("" for an undefined byte); None for any other codec."""
    chars = tuple(bytes([b]).decode(codec, errors="ignore") for b in range(256))
    if any(chars[b] != chr(b) for b in range(128)) or any(len(c) > 1 or c.isascii() and c for c in chars[128:]):
        return None
    return chars


class ByteTally:
    """What deciding between the single-byte readings needs to know of a file (``_decode_single_byte``,
    ``single_byte_codec``), gathered from its bytes a block at a time, in order,
    so that a file read in blocks is never held whole: how often each byte above 127 occurs (each is one
    character), the first ``_MOJIBAKE_HEAD`` bytes, NUL bytes, a UTF-8 sequence anywhere, and for each
    codec the capitals glued to lower-case letters and whether its bytes of \u00e2\u20ac meet."""

    def __init__(self, *, codecs: tuple[str, ...] = ("cp1252", "mac_roman"), utf8: bool = True) -> None:
        self.codecs = codecs
        self.counts: Counter = Counter()
        self.head = b""
        self.nul = False
        self.utf8_sequence = False
        self.size = 0
        self._utf8 = utf8
        self._tail = b""  # the last bytes of the block before
        self._glued = dict.fromkeys(codecs, 0)
        self._pair = dict.fromkeys(codecs, False)
        self._waiting: dict[str, list[str]] = {c: [] for c in codecs}  # the char before each capital that ended a block
        self._capitals: dict[str, re.Pattern | None] = {}
        self._capital_bytes: dict[str, frozenset[int]] = {}
        for codec in codecs:
            chars = _byte_chars(codec)
            assert chars is not None
            # The characters _score sends to ``glued``: capitals that are not punctuation.
            caps = [b for b in range(128, 256)
                    if chars[b] and chars[b] not in _PLAUSIBLE_PUNCT and chars[b].isalpha() and chars[b].isupper()]
            self._capitals[codec] = re.compile(b"[" + b"".join(re.escape(bytes([b])) for b in caps) + b"]") if caps else None
            self._capital_bytes[codec] = frozenset(caps)

    def add(self, block: bytes) -> None:
        if not block:
            return
        if len(self.head) < _MOJIBAKE_HEAD:
            self.head += block[:_MOJIBAKE_HEAD - len(self.head)]
        if not self.nul and b"\x00" in block:
            self.nul = True
        if self._utf8 and not self.utf8_sequence:
            self.utf8_sequence = _holds_utf8_sequence(self._tail[-3:] + block)
        high = block.translate(None, _ASCII_BYTES)
        self.counts.update(high)
        present = set(high)  # the bytes above 127 in this block: most blocks hold no capital at all
        first = block[0]
        for codec in self.codecs:
            chars = _byte_chars(codec)
            assert chars is not None
            # A capital that ended the block before: its neighbour after is this block's first byte.
            for before in self._waiting[codec]:
                self._glued[codec] += _glued(before, chars[first])
            self._waiting[codec] = []
            a, e = _BYTE_OF[codec].get("\u00e2"), _BYTE_OF[codec].get("\u20ac")
            if a is not None and e is not None and not self._pair[codec]:
                self._pair[codec] = (self._tail[-1:] == a and block[:1] == e) or (a in block and a + e in block)
            pattern = self._capitals[codec]
            if pattern is None or present.isdisjoint(self._capital_bytes[codec]):
                continue
            n = len(block)
            for m in pattern.finditer(block):
                i = m.start()
                before = chars[block[i - 1]] if i else (chars[self._tail[-1]] if self._tail else " ")
                if i + 1 < n:
                    self._glued[codec] += _glued(before, chars[block[i + 1]])
                else:
                    self._waiting[codec].append(before)
        self._tail = (self._tail + block[-3:])[-3:]
        self.size += len(block)

    def glued(self, codec: str) -> int:
        """Capitals glued to lower-case letters (a capital that ends the file has a space after it)."""
        return self._glued[codec] + sum(_glued(before, " ") for before in self._waiting[codec])

    def decodes(self, codec: str) -> bool:
        chars = _byte_chars(codec)
        assert chars is not None
        return all(chars[b] for b in self.counts)

    def mojibake_suspected(self, codec: str) -> bool:
        """``repair_mojibake``'s first check on the text of this reading (which must decode)."""
        for mark in MOJIBAKE_MARKS[:2]:  # the third, two characters, is ``_pair``
            byte = _BYTE_OF[codec].get(mark)
            if byte is not None and byte[0] in self.counts:
                return True
        return self._pair[codec] or _MOJIBAKE.search(self.head.decode(codec)) is not None

    def score(self, codec: str) -> int | None:
        """``_plausibility(repair_mojibake(text)[0])`` of the file's text in this reading (which must
        decode), counted on the bytes, where each byte is one character: None when ``repair_mojibake``'s
        first check would look further in the text (the caller then decodes it)."""
        if not self.counts:
            return 0  # ASCII
        if self.mojibake_suspected(codec):
            return None
        chars = _byte_chars(codec)
        assert chars is not None
        return _score({chars[b]: k for b, k in self.counts.items()}, lambda capitals: self.glued(codec))


def single_byte_codec(tally: ByteTally, blocks: "Callable[[], Iterable[bytes]] | None" = None) -> str | None:
    """The codec, "cp1252" or "mac_roman", that ``decode_bytes`` reads a file with when the file is not
    UTF-8 (the caller has found a byte that is not) and is read as that encoding exactly as its bytes
    stand; None when it would be read otherwise, or only its whole text can tell. ``tally`` has had every
    byte of the file, which has no byte-order mark. The steps are ``decode_bytes``'s: no NUL byte to
    remove, no UTF-8 sequence that could make it UTF-8 with stray bytes, then Windows-1252 or Mac Roman
    by ``_decode_single_byte``'s score, no non-Latin encoding detected, not binary, nothing that
    ``repair_mojibake`` would look at (so no note). ``blocks`` gives the file's blocks again, for the
    rare file whose first bytes look like a non-Latin encoding: it is decoded with that one to see
    whether it is (without ``blocks`` such a file gets None)."""
    if tally.nul or tally.utf8_sequence or not tally.counts:
        return None
    if not tally.decodes("cp1252"):
        codec = "mac_roman"
    else:
        western, mac = tally.score("cp1252"), tally.score("mac_roman")
        if western is None or mac is None:
            return None
        codec = "mac_roman" if mac > western else "cp1252"
    if tally.mojibake_suspected(codec):
        return None
    if _non_latin_head(tally.head, blocks):  # _non_latin_encoding: a reading in that encoding, if the file is one
        return None
    if _looks_binary(tally.head[:8192].decode(codec)):
        return None
    return codec


def single_byte_reading(blocks: "Callable[[], Iterable[bytes]]") -> tuple[str | None, int]:
    """``single_byte_codec`` of a file given a block at a time (``blocks()`` gives them from the start,
    and again when asked), and the number of bytes tallied. The file has no byte-order mark and is not
    UTF-8. Stops as soon as the answer is known to be None: at a NUL byte or a UTF-8 sequence, or when
    the head of the file is non-Latin text (Cyrillic in Windows-1251, say), which would be tallied in
    vain and slowly, its letters reading as Western capitals (26 MB of it took 12 s)."""
    tally = ByteTally()
    head = b""
    tail = b""  # the last bytes of the block before: a UTF-8 sequence can straddle two blocks
    for block in blocks():
        if b"\x00" in block or _holds_utf8_sequence(tail + block):
            return None, tally.size
        tail = block[-3:]
        if len(head) < _MOJIBAKE_HEAD:
            head += block[:_MOJIBAKE_HEAD - len(head)]
            # single_byte_codec's non-Latin check, made as soon as the head it looks at is in.
            if len(head) == _MOJIBAKE_HEAD and _non_latin_head(head, blocks):
                return None, tally.size
        tally.add(block)
    return single_byte_codec(tally, blocks), tally.size


def _non_latin_head(head: bytes, blocks: "Callable[[], Iterable[bytes]] | None") -> bool:
    """True when ``_non_latin_encoding`` reads the file whose first bytes are ``head`` as a non-Latin
    encoding: charset-normalizer guesses one from the head, and the file's text in it is mostly
    non-Latin letters. Without ``blocks`` (the file cannot be read again) the guess alone decides."""
    guess = _non_latin_codec(head)
    if guess is None:
        return False
    if blocks is None:
        return True
    decoded = _decoded_head(blocks(), guess)
    return decoded is not None and _non_latin_letters(decoded)


#: The name ``decode_bytes`` gives each single-byte reading it chooses.
READING_NAMES = {"cp1252": "windows-1252", "mac_roman": "mac-roman"}
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


_ASCII_BYTES = bytes(range(128))
_BYTE_OF = {codec: {c: bytes([b]) for b, c in enumerate(_byte_chars(codec) or ()) if c}
            for codec in ("cp1252", "mac_roman")}


def _plausibility(text: str) -> int:
    """How plausible ``text`` is as Western-European text: one point for each lower-case accented letter
    or typographic punctuation mark, two off for each capital glued to lower-case letters
    (``in\u00c2your``, ``\u00e5\u00cayour``, a wrong guess) and for each control or symbol character that
    real text does not hold. ASCII counts for nothing.

    Scored once per distinct character, and capitals one by one where they stand: a 100 MB export
    has a million characters beyond ASCII, which a loop over every character took seconds to find."""
    if text.isascii():
        return 0

    def glued(capitals: list[str]) -> int:
        found = 0
        n = len(text)
        for m in re.finditer("[" + "".join(map(re.escape, capitals)) + "]", text):
            i = m.start()
            found += _glued(text[i - 1] if i else " ", text[i + 1] if i + 1 < n else " ")
        return found

    return _score(Counter(_NOT_ASCII.findall(text)), glued)


def _score(counts: Mapping[str, int], glued: Callable[[list[str]], int]) -> int:
    """``_plausibility`` from how often each character beyond ASCII occurs; ``glued(capitals)``: how many
    of those capital letters stand glued to lower-case letters."""
    score = 0
    capitals: list[str] = []
    for ch, k in counts.items():
        if ch in _PLAUSIBLE_PUNCT:
            score += k
        elif ch.isalpha() and ch.islower():
            score += k
        elif ch.isalpha() and ch.isupper():
            capitals.append(ch)
        elif 0x80 <= ord(ch) < 0xA0 or ch in "\u2206\u221a\u222b\u220f\u2211\u25ca\uf8ff\u2248\u2260\u2264\u2265":
            score -= 2 * k
    if capitals:
        score -= 2 * glued(capitals)
    return score


def _glued(before: str, after: str) -> bool:
    """A capital between these two characters is glued to lower-case letters ("in\u00c2your")."""
    return (before.isalpha() and before.islower()) or (after.isalpha() and after.islower() and before.isalpha())


_NOT_ASCII = re.compile("[^\x00-\x7f]")


def repair_mojibake(text: str) -> tuple[str, int]:
    """Undo UTF-8 text that was decoded as Latin-1/Windows-1252 (``caf\u00c3\u00a9`` -> ``caf\u00e9``).

    Only sequences that re-encode to valid UTF-8 are replaced, so ordinary accented text is left alone.
    Returns (text, number of sequences repaired).
    """
    # Fast substring checks first (a 100 MB export must not pay for a regex scan). ``_mojibake_suspected``
    # and ``ByteTally.mojibake_suspected`` make the same checks on a file's bytes: keep them alike.
    if not text or text.isascii() or not (has_mojibake_mark(text) or _MOJIBAKE.search(text[:_MOJIBAKE_HEAD])):
        return text, 0
    if not _MOJIBAKE.search(text):
        return text, 0
    count = 0

    def fix(match: "re.Match[str]") -> str:
        nonlocal count
        seq = match.group(0)
        fixed = mojibake_fix(seq)
        if fixed is None:
            return seq
        count += 1
        return fixed

    return _MOJIBAKE.sub(fix, text), count


#: What ``repair_mojibake`` looks for first, anywhere in the text: mojibake of Latin-1 letters starts
#: with \u00c3 or \u00c2, of typographic punctuation with \u00e2\u20ac.
MOJIBAKE_MARKS = ("\u00c3", "\u00c2", "\u00e2\u20ac")


def has_mojibake_mark(text: str) -> bool:
    return any(mark in text for mark in MOJIBAKE_MARKS)


def mojibake_fix(seq: str) -> str | None:
    """The character a match of ``_MOJIBAKE`` stands for (its Windows-1252 or Latin-1 bytes read as
    UTF-8 give exactly one character), or None: then ``repair_mojibake`` leaves it as it is."""
    try:
        raw = seq.encode("cp1252")
    except UnicodeEncodeError:
        try:
            raw = seq.encode("latin-1")
        except UnicodeEncodeError:
            return None
    try:
        fixed = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return fixed if len(fixed) == 1 else None


#: How much of the text ``repair_mojibake`` searches with the full pattern before deciding to look further.
_MOJIBAKE_HEAD = 200_000
#: The UTF-8 bytes of the characters ``repair_mojibake`` looks for first (\u00c3, \u00c2, \u00e2\u20ac). In
#: valid UTF-8 a byte sequence can only be the encoding of those characters, and each starts with C3.
_MOJIBAKE_BYTES = re.compile(rb"\xc3(?:[\x82\x83]|\xa2\xe2\x82\xac)")
_UTF8_BOM = b"\xef\xbb\xbf"
#: Valid UTF-8 is checked this many bytes at a time, so that the text of the file is never built whole.
_UTF8_PIECE = 1 << 16


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
    decode = codecs.getincrementaldecoder("utf-8")("strict").decode
    try:
        for i in range(0, len(view), _UTF8_PIECE):
            decode(view[i:i + _UTF8_PIECE])
        decode(b"", True)
    except UnicodeDecodeError:
        return False
    return True


def _mojibake_suspected(data: bytes) -> bool:
    """``repair_mojibake``'s first check, made on the bytes of valid UTF-8 text: True when it would go on
    to search the whole text."""
    if b"\xc3" in data and _MOJIBAKE_BYTES.search(data):
        return True
    return _MOJIBAKE.search(LazyText(data).head(_MOJIBAKE_HEAD)) is not None


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    if not sample:
        return False
    control = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\r\n\t\f") or 0x7F <= ord(ch) < 0xA0)
    return control / len(sample) > 0.05
