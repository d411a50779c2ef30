"""Which reading ``decoding.decode_bytes`` gives bytes that are not plain UTF-8, and the pieces it
decides with: whether they hold a UTF-8 sequence (``_holds_utf8_sequence``), whether charset-normalizer
finds a non-Latin encoding (``_non_latin_encoding``), and otherwise Windows-1252 or Mac Roman,
whichever reads as more plausible Western text (``_decode_single_byte``).

``ByteTally`` gathers what that choice needs from a file given a block at a time, and
``single_byte_codec`` / ``single_byte_reading`` make it from the tally, so that a large file
(``decoding.held_text``) or a stream (``stream_table``) is never held whole as text. They must always
choose as ``decode_bytes`` does; the tests compare the two.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from functools import lru_cache
from typing import Callable, Iterable, Mapping

from surveykit.io.mojibake import _MOJIBAKE, _MOJIBAKE_HEAD, MOJIBAKE_MARKS, repair_mojibake


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


# Characters that real Western-European text in a single-byte encoding is made of.
_PLAUSIBLE_PUNCT = frozenset("\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u20ac\u00a3\u00b0\u00ab\u00bb\u00a9\u00a0\u00b7\u00bf\u00a1")


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

    def add(self, block: bytes, high: bytes | None = None) -> None:
        """Tally the next block; ``high``: its bytes above 127 in order, when the caller has them."""
        if not block:
            return
        if len(self.head) < _MOJIBAKE_HEAD:
            self.head += block[:_MOJIBAKE_HEAD - len(self.head)]
        if not self.nul and b"\x00" in block:
            self.nul = True
        if self._utf8 and not self.utf8_sequence:
            self.utf8_sequence = _holds_utf8_sequence(self._tail[-3:] + block)
        if high is None:
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
    tally = ByteTally(utf8=False)  # a UTF-8 sequence is looked for here, and ends the tally
    head = b""
    tail = b""  # the last bytes of the block before: a UTF-8 sequence can straddle two blocks
    for block in blocks():
        high = block.translate(None, _ASCII_BYTES)
        # A sequence is at most 4 bytes: one that straddles the blocks lies in ``tail + block[:3]``
        # (checked so, the block is not copied to check it). One within the block starts with a lead
        # byte, which is above 127: a block whose high bytes hold none has no sequence.
        if (b"\x00" in block or _holds_utf8_sequence(tail + block[:3])
                or high.translate(None, _NOT_UTF8_LEAD) and _holds_utf8_sequence(block)):
            return None, tally.size
        tail = block[-3:]
        if len(head) < _MOJIBAKE_HEAD:
            head += block[:_MOJIBAKE_HEAD - len(head)]
            # single_byte_codec's non-Latin check, made as soon as the head it looks at is in.
            if len(head) == _MOJIBAKE_HEAD and _non_latin_head(head, blocks):
                return None, tally.size
        tally.add(block, high)
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


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    if not sample:
        return False
    control = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\r\n\t\f") or 0x7F <= ord(ch) < 0xA0)
    return control / len(sample) > 0.05
