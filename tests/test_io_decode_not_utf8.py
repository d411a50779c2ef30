"""Reading an export that is not UTF-8 (io/decoding.py, ``_decode_not_utf8``), e.g. a CSV saved by Excel
on Windows in Windows-1252. A 140 MB export of that kind took 13 s to sniff; two steps are now
computed faster, and each must give what its definition gives:

- ``_plausibility``, the score that chooses between Windows-1252 and Mac Roman, is counted per
  distinct character, capitals where they stand. The definition is the plain loop over every
  character that it replaces (9 s of the 13), written out here.
- ``_decode_single_byte`` scores the Windows-1252 and Mac Roman readings from the bytes (each byte is
  one character) and decodes only the winner, where the text would give ``repair_mojibake`` nothing to
  look at. The definition is decoding both, repairing and scoring each (what it replaces).
- ``_holds_utf8_sequence``, whether the bytes hold a UTF-8 multi-byte sequence (then the file may be
  UTF-8 with a few stray bytes), tries the full pattern only where a lead byte meets a continuation
  byte. The definition is the pattern's search over the whole file (2.3 s of the 13).
"""

from __future__ import annotations

import random

from surveykit.io.decoding import decode_bytes
from surveykit.io.encoding_guess import (
    _PLAUSIBLE_PUNCT,
    _UTF8_MULTIBYTE,
    ByteTally,
    _decode_single_byte,
    _holds_utf8_sequence,
    _plausibility,
)
from surveykit.io.mojibake import repair_mojibake


def _by_definition(text: str) -> int:
    score = 0
    n = len(text)
    for i, ch in enumerate(text):
        o = ord(ch)
        if o < 128:
            continue
        if ch in _PLAUSIBLE_PUNCT:
            score += 1
        elif ch.isalpha() and ch.islower():
            score += 1
        elif ch.isalpha() and ch.isupper():
            before = text[i - 1] if i else " "
            after = text[i + 1] if i + 1 < n else " "
            if (before.isalpha() and before.islower()) or (after.isalpha() and after.islower() and before.isalpha()):
                score -= 2
        elif 0x80 <= o < 0xA0 or ch in "\u2206\u221a\u222b\u220f\u2211\u25ca\uf8ff\u2248\u2260\u2264\u2265":
            score -= 2
    return score


# ASCII letters and marks, accented lower and upper case, typographic punctuation, C1 controls, the
# symbols a wrong Mac Roman guess produces, a title-case letter (alphabetic, neither lower nor upper),
# other scripts, a combining mark, emoji, and characters a regular expression class treats specially.
ALPHABET = ("aZ 9,.\n\t" "\u00e9\u00e8\u00fc\u00f1\u00e5" "\u00c2\u00c9\u00ca\u00c5\u00d1" "\u2019\u201c\u2013\u20ac\u00a3"
            "\u0080\u0092\u009f" "\u2206\u221a\uf8ff\u2264" "\u01c5" "\u0416\u0436\u4e2d\u05d0" "\u0301"
            "\U0001f61e" "]^-\\")


def test_the_score_is_the_definition_on_random_text():
    rng = random.Random(20261206)
    for case in range(3000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 60)))
        assert _plausibility(text) == _by_definition(text), f"case {case}: {text!r}"


def test_capitals_are_scored_where_they_stand():
    # Glued to lower-case letters on the left, or on the right after a letter: a wrong guess.
    assert _plausibility("in\u00c2your") == -2 and _plausibility("\u00e5\u00cayour") == -1  # +1 for \u00e5
    # At a word's start, alone, or at either end of the text: nothing.
    assert _plausibility("\u00c9cole \u00c2 x") == 0 and _plausibility("\u00c9") == 0
    assert _plausibility("a\u00c9") == -2 and _plausibility("\u00c9a") == 0


def test_a_windows_1252_export_is_still_read_as_windows_1252():
    text = "respondent_id,q7\n" + "".join(f"r{k},Don\u2019t know \u2013 caf\u00e9 \u00a3{k}\n" for k in range(2000))
    decoded, encoding, notes = decode_bytes(text.encode("cp1252"))
    assert (decoded, encoding) == (text, "windows-1252") and notes == ()


def test_utf8_sequences_are_found_as_the_pattern_finds_them():
    rng = random.Random(61220)
    # Bytes around the edges of the lead and continuation ranges, and ASCII.
    pool = [0x41, 0x20, 0x0A, 0x7F, 0x80, 0x92, 0xBF, 0xC0, 0xC1, 0xC2, 0xC3, 0xDF, 0xE0, 0xE9, 0xEF, 0xF0, 0xF4,
            0xF5, 0xFF]
    found = 0
    for case in range(5000):
        data = bytes(rng.choice(pool) for _ in range(rng.randint(0, 12)))
        expected = _UTF8_MULTIBYTE.search(data) is not None
        assert _holds_utf8_sequence(data) == expected, f"case {case}: {data!r}"
        found += expected
    assert 500 < found < 4500
    # A Windows-1252 export: lead bytes (\xe9) but never followed by a continuation byte.
    assert not _holds_utf8_sequence("caf\u00e9 \u2013 Don\u2019t".encode("cp1252"))
    assert _holds_utf8_sequence("caf\u00e9".encode("cp1252") + "caf\u00e9".encode("utf-8"))


def _decoded_by_definition(data: bytes) -> tuple[str, str]:
    """Windows-1252 or Mac Roman as ``_decode_single_byte`` chose before it scored bytes."""
    candidates = []
    try:
        candidates.append((data.decode("cp1252"), "windows-1252"))
    except UnicodeDecodeError:
        pass
    candidates.append((data.decode("mac_roman"), "mac-roman"))
    if len(candidates) == 1:
        return candidates[0]
    scores = [_plausibility(repair_mojibake(text)[0]) for text, _ in candidates]
    return candidates[1] if scores[1] > scores[0] else candidates[0]


def test_single_byte_readings_are_scored_from_the_bytes_as_from_the_text():
    """Random bytes: ASCII letters, every byte above 127 (Windows-1252's undefined five among them), and
    the Windows-1252 and Mac Roman bytes of mojibake's marks, so that both ways of scoring are taken."""
    rng = random.Random(1252)
    marks = [b"\xc3\xa9", b"\xc2\xa3", b"\xe2\x80\x99", b"\xcc", b"\xe5", b"\x89\xdb"]
    from_bytes = cleaned = 0
    for case in range(3000):
        parts = []
        for _ in range(rng.randint(0, 40)):
            roll = rng.random()
            if roll < 0.5:
                parts.append(bytes([rng.choice(b"aeZ ,\n")]))
            elif roll < 0.97:
                parts.append(bytes([rng.randint(128, 255)]))
            else:
                parts.append(rng.choice(marks))
        data = b"".join(parts)
        tally = ByteTally()
        tally.add(data)
        for codec in ("cp1252", "mac_roman"):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                assert not tally.decodes(codec)
                continue
            assert tally.decodes(codec)
            score = tally.score(codec)
            if score is not None:
                from_bytes += 1
                assert score == _plausibility(repair_mojibake(text)[0]), f"case {case}, {codec}: {data!r}"
        text, name, clean = _decode_single_byte(data)
        assert (text, name) == _decoded_by_definition(data), f"case {case}: {data!r}"
        if clean:  # decode_bytes then skips repair_mojibake: it must have nothing to do
            assert repair_mojibake(text) == (text, 0), f"case {case}: {data!r}"
            cleaned += 1
    assert from_bytes > 1000 and cleaned > 500


def test_a_large_windows_1252_export_is_scored_without_decoding_both_readings(monkeypatch):
    """The Mac Roman reading of a Windows-1252 export is never built: only the winner is decoded."""
    text = "respondent_id,q7\n" + "".join(f"r{k},Don\u2019t know \u2013 caf\u00e9 \u00a3{k}\n" for k in range(20_000))
    data = text.encode("cp1252")
    decoded: list[str] = []
    original = bytes.decode

    class Spy(bytes):
        def decode(self, encoding="utf-8", errors="strict"):
            if len(self) > 100_000:
                decoded.append(encoding)
            return original(self, encoding, errors)

    assert _decode_single_byte(Spy(data))[:2] == (text, "windows-1252")
    assert decoded == ["cp1252"]


def test_mojibake_beyond_the_head_is_repaired_before_scoring():
    """Past the first 200,000 characters only repair_mojibake's three marks (\u00c3, \u00c2, \u00e2\u20ac) tell it
    to search the whole text: their bytes in either reading must send the scoring to the text."""
    filler = b"plain answer, " * 20_000
    cases = [("cp1252", b"caf\xc3\xa9 "), ("cp1252", b"cost\xc2\xa35 "), ("cp1252", b"don\xe2\x80\x99t "),
             ("mac_roman", b"caf\xcc\xa9 "), ("mac_roman", b"cost\xe5\xa35 "), ("mac_roman", b"don\x89\xdb\xaat ")]
    for codec, mojibake in cases:
        data = filler + mojibake * 3
        text = data.decode(codec)
        assert repair_mojibake(text)[1] == 3, (codec, mojibake)
        tally = ByteTally()
        tally.add(data)
        assert tally.score(codec) in (None, _plausibility(repair_mojibake(text)[0])), (codec, mojibake)
