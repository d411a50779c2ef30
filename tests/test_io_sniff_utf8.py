"""A large UTF-8 export that is not plain ASCII is sniffed without building its text (io/decoding.py,
``plain_utf8_start``). Real exports hold curly quotes, dashes, accented names and emoji, and some start
with a byte-order mark. Decoding 140 MB of such text into one string took 0.2 s and two or four bytes a
character, and ``repair_mojibake``'s first look at it another 0.3 s.

The bytes are now checked in pieces: by Arrow's UTF-8 validator where pyarrow is imported (a block at
a time, about four times as fast), else by Python's decoder. Python's decoder is the reference for
Arrow's verdicts, and ``decode_bytes``, which sniffing used before, for every check: wherever the new
check says the bytes are plain UTF-8, ``decode_bytes`` must give their text as it stands, with the same
encoding and no note. Where the check is unsure, ``decode_bytes`` still decides.
"""

from __future__ import annotations

import csv
import io
import random

import pytest

import surveykit.io.base as base
from surveykit.errors import InputError
import surveykit.io.decoding as decoding
from surveykit.io.base import LAZY_TEXT_BYTES, open_sniff
from surveykit.io.decoding import LazyText, decode_bytes, plain_utf8_start

# Text a respondent might type: typographic punctuation, accents, other scripts, emoji (four bytes).
CLEAN = ["plain words", "Don\u2019t", "\u201cquoted\u201d", "a \u2013 b", "caf\u00e9", "Zo\u00eb", "na\u00efve",
         "\u00a35", "\u0416\u0438\u0442\u043e", "\u4e2d\u6587", "\U0001f61e", "\u00e9t\u00e9", "S\u00e3o",
         "\u00c9cole", "\u00fc"]
# What decode_bytes's mojibake check would look at: the characters it searches for first, and a
# Latin-1 letter glued to typographic punctuation (its pattern, in the first 200,000 characters).
SUSPECT = ["caf\u00c3\u00a9", "\u00c2\u00a3", "don\u00e2\u20ac\u2122t", "\u00e9\u2013", "\u00f4\u2019"]
# Bytes that are not UTF-8: a Windows-1252 byte, a cut-off sequence, an encoded surrogate, an overlong
# form, and a NUL byte (valid UTF-8, but decode_bytes removes it with a note).
BAD = [b"\xe9", b"\xe2\x80", b"\xed\xa0\x80", b"\xc0\xaf", b"\x00"]


def _case(rng: random.Random, *, dirty: bool) -> bytes:
    parts: list[bytes] = []
    for _ in range(rng.randint(1, 30)):
        roll = rng.random() if dirty else 1.0
        if roll < 0.08:
            parts.append(rng.choice(BAD))
        elif roll < 0.16:
            parts.append(rng.choice(SUSPECT).encode("utf-8"))
        else:
            parts.append(rng.choice(CLEAN).encode("utf-8"))
        parts.append(rng.choice([b" ", b",", b"\n", b"\r\n"]))
    if rng.random() < 0.3:
        parts.pop()  # the file ends with the last piece: a cut-off character there must be found
    data = b"".join(parts)
    return (b"\xef\xbb\xbf" + data) if rng.random() < 0.3 else data


@pytest.fixture(params=["Python's decoder, a piece at a time", "Arrow, a block at a time"])
def utf8_check(request, monkeypatch):
    """Each way of checking UTF-8: Arrow's where pyarrow is imported (as it is once pandas is), else
    Python's decoder. Returns the attribute of ``decoding`` that sets how many bytes a step takes."""
    if request.param.startswith("Arrow"):
        pytest.importorskip("pyarrow")
        return "_ARROW_UTF8_BLOCK"
    monkeypatch.setattr(decoding, "_arrow_is_utf8", lambda view: None)
    return "_UTF8_PIECE"


def test_plain_utf8_start_agrees_with_decode_bytes(monkeypatch, utf8_check):
    """Random texts built from clean, suspect and broken pieces, checked in steps of 1 to 9 bytes so
    that the steps' boundaries fall inside characters and inside the searched sequences."""
    rng = random.Random(20261206)
    fast = clean_cases = 0
    for case in range(4000):
        monkeypatch.setattr(decoding, utf8_check, rng.randint(1, 9))
        data = _case(rng, dirty=bool(case % 2))
        start = plain_utf8_start(data)
        try:
            text, encoding, notes = decode_bytes(data)
        except InputError:  # e.g. "looks like a binary file": never a plain UTF-8 file
            assert start is None, f"case {case}: {data!r}"
            continue
        if start is not None:
            fast += 1
            assert (text, encoding, notes) == (data[start:].decode("utf-8"), "utf-8-sig" if start else "utf-8", ()), \
                f"case {case}: {data!r}"
        if not case % 2:
            clean_cases += 1
            # Clean pieces, joined by spaces, commas and line ends (none of them punctuation that the
            # mojibake pattern looks for), are never sent back to decode_bytes.
            assert start is not None, f"case {case}: {data!r}"
    assert fast > 2300 and clean_cases == 2000, (fast, clean_cases)
    assert plain_utf8_start("ends mid-character \u2019".encode("utf-8")[:-1]) is None


# Byte sequences at the edges of UTF-8: encoded surrogates, overlong forms, the last code point and one
# past it, bytes that never occur, continuation bytes alone or four in a row, characters cut off.
EDGES = [b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xed\x9f\xbf", b"\xee\x80\x80", b"\xc0\x80", b"\xc1\xbf", b"\xc2\x80",
         b"\xdf\xbf", b"\xe0\x80\x80", b"\xe0\x9f\xbf", b"\xe0\xa0\x80", b"\xef\xbf\xbf", b"\xf0\x80\x80\x80",
         b"\xf0\x8f\xbf\xbf", b"\xf0\x90\x80\x80", b"\xf4\x8f\xbf\xbf", b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80",
         b"\xf8\x88\x80\x80\x80", b"\xfe", b"\xff", b"\x80", b"\xbf", b"\x80\x80\x80\x80", b"\xe2\x82", b"\xf0\x9f\x98",
         b"\xc3", b"\x00", b"\xef\xbb\xbf", b"\x7f"]


def _python_says_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_arrow_and_python_judge_every_byte_sequence_alike(monkeypatch):
    """Arrow's check (``_arrow_is_utf8``) against Python's strict UTF-8 decoder, the reference: the edge
    sequences in every context, and random strings of characters and arbitrary bytes, checked in blocks
    of 1 to 9 bytes (block ends inside characters) and in the default blocks."""
    pytest.importorskip("pyarrow")
    contexts = [b"", b"abc", "caf\u00e9".encode("utf-8"), "\U0001f61e".encode("utf-8")]
    cases = [pre + edge + post for edge in EDGES for pre in contexts for post in contexts]
    rng = random.Random(20261207)
    pieces = ["a \u00e9\u2019\u2014\u20ac\U0001f61e\u07ff\u0800\uffff\U00010000\U0010ffff".encode("utf-8")[k:k + 1]
              for k in range(30)] + [c.encode("utf-8") for c in "\u00e9\u2019\u2014\U0001f61e\U0010ffff"] + EDGES
    cases += [b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 16))) for _ in range(20_000)]
    valid = 0
    for case, data in enumerate(cases):
        expected = _python_says_utf8(data)
        valid += expected
        for block in (rng.randint(1, 9), decoding._ARROW_UTF8_BLOCK):
            monkeypatch.setattr(decoding, "_ARROW_UTF8_BLOCK", block)
            assert decoding._arrow_is_utf8(memoryview(data)) is expected, f"case {case}, blocks of {block}: {data!r}"
        monkeypatch.undo()
    assert 1_000 < valid < len(cases) - 1_000, valid  # both verdicts, many times over
    # A large text: valid, then broken at one byte anywhere.
    text = ("Zo\u00eb said \u201cshe won\u2019t\u201d \u2013 \U0001f61e\n" * 80_000).encode("utf-8")
    assert len(text) > 2 * decoding._ARROW_UTF8_BLOCK and decoding._arrow_is_utf8(memoryview(text)) is True
    for _ in range(20):
        broken = bytearray(text)
        broken[rng.randrange(len(text))] = rng.choice([0x80, 0xC0, 0xE9, 0xFF])
        assert decoding._arrow_is_utf8(memoryview(bytes(broken))) is _python_says_utf8(bytes(broken))


@pytest.mark.parametrize("mark", ["", "\ufeff"])
def test_a_suspect_sequence_anywhere_sends_the_file_to_decode_bytes(mark):
    """Deep in a file, past the first 200,000 characters: without a byte-order mark decode_bytes repairs
    mojibake there, so the file is left to it; with one it does not look, and neither does the check."""
    filler = "Don\u2019t know \u2013 caf\u00e9 \U0001f61e\n" * 20_000
    for suspect in ("caf\u00c3\u00a9", "\u00c2\u00a3", "\u00e2\u20ac\u2122"):
        data = (mark + filler + suspect + "\n").encode("utf-8")
        text, encoding, notes = decode_bytes(data)
        if mark:
            assert plain_utf8_start(data) == 3 and notes == () and text == data[3:].decode("utf-8")
        else:
            assert plain_utf8_start(data) is None and any("mojibake" in n for n in notes)
    # The glued pattern is only searched for in the head, as repair_mojibake does.
    deep = (filler + "\u00e9\u2013\n").encode("utf-8")
    assert plain_utf8_start(deep) == 0 and decode_bytes(deep)[2] == ()
    head = ("\u00e9\u2013\n" + filler).encode("utf-8")
    assert plain_utf8_start(head) is None


def _export(rows: int, *, bom: bool, newline: str) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=newline)
    w.writerow(["respondent_id", "sector", "q7"])
    for k in range(rows):
        w.writerow([f"r{k}", "Social care" if k % 2 else "Police",
                    f"Zo\u00eb said \u201cshe won\u2019t\u201d \u2013 {k} \U0001f61e{newline}second line"])
    return ("\ufeff" if bom else "").encode("utf-8") + buf.getvalue().encode("utf-8")


@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_a_large_utf8_export_is_sniffed_without_decoding_it(tmp_path, monkeypatch, bom, newline):
    """Sniffed through ``open_sniff`` (the first step of every read), with ``decode_bytes`` made to
    fail: the Sniff holds the bytes lazily and finds what decoding the whole text finds."""
    data = _export(30_000, bom=bom, newline=newline)
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    assert len(data) > max(LAZY_TEXT_BYTES, 2_000_001)

    def refused(*args, **kwargs):
        raise AssertionError("decode_bytes was called")

    with monkeypatch.context() as m:
        m.setattr(base, "decode_bytes", refused)
        sniff = open_sniff(path)
    assert isinstance(sniff.decoded, LazyText) and sniff.decoded.start == (3 if bom else 0)
    assert sniff.encoding == ("utf-8-sig" if bom else "utf-8") and sniff.notes == ()
    monkeypatch.setattr(base, "LAZY_TEXT_BYTES", 10 ** 12)  # as sniffing was: the whole text decoded
    kept = open_sniff(path)
    assert isinstance(kept.decoded, str)
    assert (sniff.encoding, sniff.notes, sniff.delimiter, sniff.head_rows) == \
        (kept.encoding, kept.notes, kept.delimiter, kept.head_rows)
    assert sniff.text == kept.text and sniff.sha256 == kept.sha256


def test_a_large_export_with_mojibake_is_still_repaired(tmp_path):
    """A file saved through the wrong encoding once ("caf\u00c3\u00a9") keeps its repair and its note."""
    data = _export(30_000, bom=False, newline="\n") + "r30000,Police,caf\u00c3\u00a9\n".encode("utf-8")
    path = tmp_path / "mojibake.csv"
    path.write_bytes(data)
    sniff = open_sniff(path)
    assert sniff.text.endswith("caf\u00e9\n") and sniff.decoded.data != data  # the repaired text
    assert sniff.notes == ("repaired 1 mojibake sequence(s) (UTF-8 text that had been saved as Latin-1)",)


@pytest.mark.parametrize("encoding,given", [("utf-8-sig", None), ("cp1252", None), ("mac_roman", None),
                                            ("cp1252", "cp1252")])
def test_validate_reads_a_large_real_export_as_the_whole_text_route_does(tmp_path, monkeypatch, cli, encoding,
                                                                          given):
    """Through the command: the sample export as a platform writes it (curly apostrophes, CRLF) with a
    byte-order mark, or as Excel saves it on Windows or an old Mac, made large, its encoding detected
    or given with --encoding. ``validate`` prints the same problems as when the file is decoded whole
    and read by the csv module."""
    from surveykit.io import fastcsv
    from surveykit.io.resources import sample_dir

    lines = (sample_dir() / "professional_survey.csv").read_text(encoding="utf-8").replace("'", "\u2019")
    lines = lines.splitlines(keepends=True)
    body = lines[2:] * 12  # repeated respondents: duplicate ids, reported with their rows
    path = tmp_path / "export.csv"
    path.write_bytes("".join(lines[:2] + body).replace("\n", "\r\n").encode(encoding))
    assert path.stat().st_size > LAZY_TEXT_BYTES
    options = ("--encoding", given) if given else ()
    fast = cli("validate", str(path), "--format", "csv", *options)
    monkeypatch.setattr(base, "LAZY_TEXT_BYTES", 10 ** 12)
    monkeypatch.setattr(fastcsv, "FAST_PARSE_BYTES", 10 ** 12)
    whole = cli("validate", str(path), "--format", "csv", *options)
    assert (fast.returncode, fast.stdout, fast.stderr) == (whole.returncode, whole.stdout, whole.stderr)
    assert "duplicate_id" in fast.stdout
