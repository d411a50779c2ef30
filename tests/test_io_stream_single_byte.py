"""A CSV of answers in Windows-1252 or Mac Roman (Excel's CSV on Windows, an old Mac) is streamed by
``surveykit code`` in the encoding the whole-file reader would choose (io/stream_table.py), instead of
being read whole: a 200,000-answer Windows-1252 file took 527 MB where its UTF-8 twin takes 92 MB.

The choice is made from every byte of the file, gathered a block at a time (``io.encoding_guess.ByteTally``),
and the reference for it is ``decode_bytes`` on the whole file: wherever ``single_byte_codec`` names a
codec, ``decode_bytes`` must read the file as that codec gives it, with no note. A tally gathered in
blocks of any size must equal the tally of the whole file."""

from __future__ import annotations

import csv
import io
import random

import pytest

from surveykit.errors import InputError
from surveykit.io.base import parse_delimited
from surveykit.io.decoding import decode_bytes
from surveykit.io.encoding_guess import ByteTally, single_byte_codec
from surveykit.io.stream_table import NotStreamable, open_table_stream

NAMES = {"cp1252": "windows-1252", "mac_roman": "mac-roman"}
WORDS = [b"plain", b" ", b", ", b"\n", b"\r\n", b"Don", b"caf", b"in", b"x"]
# UTF-8 sequences (a file holding one may be UTF-8 with stray bytes), mojibake marks in either
# encoding (\xc3, \xc2, \xe2\x80 / \xcc, \xe5, \x89\xdb), a NUL, control characters.
# Control characters: a file mostly made of them is binary, refused by the whole-file reader.
RARE = [b"\xc3\xa9", b"\xe2\x80\x99", b"\xc3", b"\xc2", b"\xe2\x80", b"\xcc", b"\xe5", b"\x89\xdb", b"\x00",
        b"\x01\x02\x1b\x07" * 4]


def _data(rng: random.Random) -> bytes:
    parts = []
    for _ in range(rng.randint(1, 60)):
        roll = rng.random()
        if roll < 0.55:
            parts.append(rng.choice(WORDS))
        elif roll < 0.97:
            parts.append(bytes([rng.randint(128, 255)]))
        else:
            parts.append(rng.choice(RARE))
    return b"".join(parts)


def _tally(data: bytes, cuts: list[int]) -> ByteTally:
    tally = ByteTally()
    for a, b in zip([0, *cuts], [*cuts, len(data)]):
        tally.add(data[a:b])
    return tally


def _facts(t: ByteTally):
    out = [t.nul, t.utf8_sequence, dict(t.counts), t.head, t.size]
    for codec in t.codecs:
        out += [t.glued(codec), t.decodes(codec)]
        if t.decodes(codec):
            out += [t.mojibake_suspected(codec), t.score(codec)]
    return out


def test_a_tally_in_blocks_is_the_tally_of_the_whole_file():
    rng = random.Random(20261206)
    for case in range(1500):
        data = _data(rng)
        cuts = sorted(rng.sample(range(1, len(data)), min(len(data) - 1, rng.randint(0, 6)))) if len(data) > 1 else []
        assert _facts(_tally(data, cuts)) == _facts(_tally(data, [])), f"case {case}: {data!r} cut at {cuts}"


def test_a_tally_cut_inside_a_pair_or_beside_a_capital_is_the_same():
    """Every cut of files where a block boundary may split \u00e2\u20ac's bytes, a UTF-8 sequence or a
    capital's neighbours."""
    for data in (b"plain text \xe2\x80 more", b"text \x89\xdb text", b"caf\xc3\xa9 x", b"in\xc2your",
                 b"x\xcey", b"\xce\xcb", b"ab\xe2\x80\x99cd"):
        whole = _facts(_tally(data, []))
        for cut in range(1, len(data)):
            assert _facts(_tally(data, [cut])) == whole, (data, cut)
    # Beyond the first 200,000 bytes only the marks tell: \u00e2\u20ac cut in two must still be seen.
    for pair in (b"\xe2\x80", b"\x89\xdb"):
        data = b"plain " * 40_000 + pair + b" end"
        tally = _tally(data, [240_001])
        assert _facts(tally) == _facts(_tally(data, []))
        assert any(tally.mojibake_suspected(c) for c in tally.codecs if tally.decodes(c))


def test_the_codec_named_is_the_one_decode_bytes_reads_with():
    rng = random.Random(1252)
    named = {"cp1252": 0, "mac_roman": 0}
    for case in range(3000):
        data = _data(rng)
        if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            data.decode("utf-8")
            continue  # UTF-8: streamed as UTF-8, never asked
        except UnicodeDecodeError:
            pass
        cuts = sorted(rng.sample(range(1, len(data)), 2)) if len(data) > 2 else []
        # Half the time the file can be read again (a first look at a non-Latin encoding is then checked).
        codec = single_byte_codec(_tally(data, cuts), (lambda: iter([data[:3], data[3:]])) if case % 2 else None)
        try:
            reading = decode_bytes(data)
        except InputError:
            assert codec is None, f"case {case}: {data!r}"
            continue
        if codec is not None:
            named[codec] += 1
            assert reading == (data.decode(codec), NAMES[codec], ()), f"case {case}: {data!r}"
    assert named["cp1252"] > 100 and named["mac_roman"] > 100, named


def _answers(encoding: str, rows: int = 3000) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["respondent_id", "answer", "sector"])
    for k in range(rows):
        w.writerow([f"R{k:05d}", f"She didn\u2019t feel safe \u2013 the caf\u00e9 staff knew her (\u00a3{k})\nline two",
                    ["police", "health"][k % 2]])
    return buf.getvalue().encode(encoding)


@pytest.mark.parametrize("encoding", ["cp1252", "mac_roman"])
def test_a_single_byte_file_streams_to_what_the_whole_file_reader_reads(tmp_path, encoding):
    data = _answers(encoding)
    path = tmp_path / "answers.csv"
    path.write_bytes(data)
    text, name, notes = decode_bytes(data)
    assert (name, notes) == (NAMES[encoding], ())
    with open_table_stream(path, block_bytes=4096) as stream:
        rows = [stream.header] + [cells for _, cells in stream.rows]
    assert rows == parse_delimited(text)
    assert rows[1][1].startswith("She didn\u2019t feel safe \u2013 the caf\u00e9")


def test_a_file_the_whole_file_reader_reads_otherwise_is_handed_over(tmp_path):
    # Windows-1252 with a UTF-8 sequence pasted in: it may be UTF-8 with stray bytes.
    path = tmp_path / "mixed.csv"
    path.write_bytes(_answers("cp1252") + "R9,caf\u00e9,police\r\n".encode("utf-8"))
    with pytest.raises(NotStreamable):
        with open_table_stream(path, block_bytes=4096) as stream:
            list(stream.rows)


def test_the_encoding_is_chosen_from_every_block_not_the_first(tmp_path):
    """Windows-1252 in the first blocks, Mac Roman below: the whole file reads as Mac Roman, and so must
    the stream (a review found that a tally of the first block alone would not be caught)."""
    head = b"".join(b"R%d,caf\xe9 cr\xe8me\r\n" % k for k in range(2_000))
    body = b"".join(b"Q%d,caf\x8e na\x95ve d\x8ej\x88 vu\r\n" % k for k in range(4_000))
    path = tmp_path / "answers.csv"
    path.write_bytes(b"respondent_id,answer\r\n" + head + body)
    text, name, notes = decode_bytes(path.read_bytes())
    assert (name, notes) == ("mac-roman", ())
    with open_table_stream(path, block_bytes=4096) as stream:
        rows = [stream.header] + [cells for _, cells in stream.rows]
    assert rows == parse_delimited(text) and rows[-1][1] == "caf\u00e9 na\u00efve d\u00e9j\u00e0 vu"


def test_a_file_that_grows_after_its_encoding_was_chosen_is_handed_over(tmp_path):
    path = tmp_path / "answers.csv"
    path.write_bytes(_answers("cp1252", rows=6000))  # more than the first 200,000 characters read on opening
    with open_table_stream(path, block_bytes=4096) as stream:
        with path.open("ab") as fh:
            fh.write(b"Q1,caf\x8e na\x95ve\r\n" * 1000)
        with pytest.raises(NotStreamable):
            list(stream.rows)
