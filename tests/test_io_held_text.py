"""A large export in a single-byte encoding is held as the file's own bytes (``decoding.held_text``): a
Windows-1252 or Mac Roman file as detected, or a file read with a single-byte or UTF-8 ``--encoding``.
Its text is not built while sniffing, nor transcoded to UTF-8 for the parse (that held the file, its text
at two bytes a character and the UTF-8 copy at once: twice the memory pandas needs to read it).

The reference is ``decode_bytes``, the whole-text decision: wherever ``held_text`` holds a file, one
codec over its bytes must give exactly ``decode_bytes``' text and encoding, with no note; wherever that
is not certain it must decline, and ``decode_bytes`` decides as before."""

from __future__ import annotations

import codecs
import random

import pytest

from surveykit.errors import InputError
from surveykit.io import base, read_export
from surveykit.io.base import LAZY_TEXT_BYTES, open_sniff
from surveykit.io.decoding import LazyText, decode_bytes, held_text

WESTERN = "Caf\u00e9 \u2013 na\u00efve fa\u00e7ade, d\u00e9j\u00e0 vu \u2019quoted\u2019 \u00a3 \u201cnote\u201d"


def _agrees(data: bytes, encoding: str | None = None) -> bool:
    """``held_text`` gives decode_bytes' text and encoding with no note, or declines. True if it held it."""
    held = held_text(data, encoding=encoding)
    try:
        text, enc, notes = decode_bytes(data, encoding=encoding)
    except InputError:
        assert held is None, "held a file that decode_bytes refuses"
        return False
    if held is None:
        return False
    lazy, name = held
    assert lazy.data is data, "the file's own bytes, not a copy"
    assert (lazy.text(), name, ()) == (text, enc, notes)
    assert lazy.head(40) == text[:40]
    return True


def _rows(codec: str, n: int = 40) -> bytes:
    lines = ["respondent_id,sector,q7"] + [f'r{k},Police,"{WESTERN} {k}\r\nsecond line"' for k in range(n)]
    return ("\r\n".join(lines) + "\r\n").encode(codec, errors="replace")


@pytest.mark.parametrize("codec,name", [("cp1252", "windows-1252"), ("mac_roman", "mac-roman")])
def test_a_detected_single_byte_file_is_held_as_its_bytes(codec, name):
    data = _rows(codec)
    assert _agrees(data)
    assert held_text(data)[1] == name and held_text(data)[0].codec == codecs.lookup(codec).name


@pytest.mark.parametrize("data", [
    _rows("utf-8"),  # UTF-8: plain_utf8_start's, or decode_bytes'
    _rows("ascii", 3),
    b"\xef\xbb\xbf" + _rows("cp1252"),  # a byte-order mark over bytes that are not UTF-8: read with a note
    b"\xff\xfe" + "a,b\r\n".encode("utf-16-le"),
    b"\xff\xfe" + "\u6f22\u5b57\u304b\u306a\u2019\u01ff\u0431".encode("utf-16-le") * 50,  # UTF-16 without a NUL byte
    b"\xfe\xff" + "\u6f22\u5b57\u304b\u306a\u2019\u01ff\u0431".encode("utf-16-be") * 50,
    _rows("utf-8") + b"r99,Police,caf\xe9\r\n",  # UTF-8 with a stray Windows-1252 byte: a note
    _rows("cp1252").replace(b"Police", b"Poli\x00ce"),  # NUL bytes are removed, with a note
    "Caf\u00e9".encode("utf-8").decode("cp1252").encode("cp1252") + b"," + _rows("cp1252"),  # mojibake: repaired
    ("id,text\r\n" + "\u041f\u0440\u0438\u0432\u0435\u0442 \u043c\u0438\u0440, \u0434\u0440\u0443\u0437\u044c\u044f\r\n" * 60).encode("cp1251"),
    bytes(range(1, 32)) * 20 + b"\x80\x81",  # control bytes: binary, refused
    # A UTF-16 byte-order mark over Windows-1252 bytes, which alone would be read as Windows-1252: an
    # even number of bytes decode_bytes reads as UTF-16, an odd number it refuses.
    b"\xff\xfe" + _rows("cp1252", 2)[:-1],
    b"\xff\xfe" + _rows("cp1252", 2),
    b"\xfe\xff" + _rows("cp1252", 2),
], ids=["utf-8", "ascii", "bom-not-utf8", "utf-16", "utf-16-le-no-nul", "utf-16-be-no-nul", "stray-byte", "nul",
        "mojibake", "cyrillic", "binary", "utf-16-bom-western-even", "utf-16-bom-western-odd", "utf-16-be-bom-western"])
def test_anything_else_is_left_to_decode_bytes(data):
    assert not _agrees(data)


@pytest.mark.parametrize("encoding", ["cp1252", "windows-1252", "latin-1", "mac_roman", "iso8859-15", "cp1251",
                                      "utf-8", "utf-8-sig", "ascii"])
def test_an_encoding_given_reads_the_bytes_as_they_stand(encoding):
    sample = WESTERN if encoding not in ("cp1251", "ascii") else "plain text, \u0434\u0430" if encoding == "cp1251" else "plain"
    data = ("id,text\r\n" + f"1,{sample}\r\n" * 50).encode(codecs.lookup(encoding).name, errors="replace")
    assert _agrees(data, encoding)
    if encoding == "utf-8-sig":
        assert _agrees(b"\xef\xbb\xbf" + data, encoding) and held_text(b"\xef\xbb\xbf" + data, encoding=encoding)[0].start == 3


@pytest.mark.parametrize("encoding,data", [
    ("cp1252", b"id,text\r\n1,undefined \x81 byte\r\n"),  # 0x81 is not a Windows-1252 character
    ("ascii", b"id,text\r\n1,caf\xe9\r\n"),
    ("utf-8", b"id,text\r\n1,caf\xe9\r\n"),
    ("utf-7", b"id,text\r\n1,+2AA-\r\n"),  # not one byte a character: left to decode_bytes
    ("raw_unicode_escape", b"id,text\r\n1,\\u00e9\r\n"),
    ("no-such-codec", b"id\r\n1\r\n"),
])
def test_an_encoding_the_bytes_are_not_is_left_to_decode_bytes(encoding, data):
    assert held_text(data, encoding=encoding) is None
    _agrees(data, encoding)


def test_random_bytes_agree_with_decode_bytes():
    """Files made of Western text in the two single-byte encodings, with stray UTF-8, mojibake, NULs,
    control bytes, capitals glued to words and bytes Windows-1252 leaves undefined mixed in."""
    rng = random.Random(20261206)
    pieces = [WESTERN.encode("cp1252"), WESTERN.encode("mac_roman"), "caf\u00e9".encode("utf-8"), b"\xc3\xa9",
              b"\xe2\x80\x99", b"\x00", b"\x81", b"\x8d", b"in\xc2your", b"\xe5\xcayour", b"plain words, ",
              b"\r\n", b'"', b"\xd5", b"\x95", b"\x07", b"1,Police,"]
    held = 0
    for _ in range(1500):
        data = b"id,sector,text\r\n" + b"".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        held += _agrees(data)
        for encoding in ("cp1252", "mac_roman", "latin-1"):
            _agrees(data, encoding)
    assert held > 50  # the held path was taken, and agreed, often


@pytest.mark.parametrize("codec", ["cp1252", "mac_roman"])
def test_a_large_single_byte_export_is_sniffed_without_decoding_it(tmp_path, monkeypatch, codec):
    """Sniffing neither decodes the file whole nor copies it: its Sniff holds the file's bytes once, and
    gives what sniffing the decoded text gives."""
    data = _rows(codec, 15_000)
    assert len(data) > LAZY_TEXT_BYTES
    path = tmp_path / "large.csv"
    path.write_bytes(data)

    def refused(*args, **kwargs):
        raise AssertionError("decode_bytes was called")

    with monkeypatch.context() as m:
        m.setattr(base, "decode_bytes", refused)
        sniff = open_sniff(path)
    assert isinstance(sniff.decoded, LazyText) and sniff.decoded.data is sniff.data and sniff.decoded.codec == codecs.lookup(codec).name
    monkeypatch.setattr(base, "LAZY_TEXT_BYTES", 10 ** 12)
    kept = open_sniff(path)
    assert isinstance(kept.decoded, str)
    assert (sniff.encoding, sniff.notes, sniff.delimiter, sniff.head_rows, sniff.text, sniff.sha256) == \
        (kept.encoding, kept.notes, kept.delimiter, kept.head_rows, kept.text, kept.sha256)


def test_an_undefined_byte_with_an_encoding_given_is_the_same_error(tmp_path):
    path = tmp_path / "large.csv"
    path.write_bytes(_rows("cp1252", 15_000) + b"r1,Police,\x81\r\n")
    with pytest.raises(InputError) as err:
        read_export(path, encoding="cp1252")
    assert "is not valid cp1252" in str(err.value) and "0x81" in str(err.value)


def _full_tally_codec(data: bytes) -> str | None:
    """``single_byte_codec`` over a tally of every byte (the decision ``single_byte_reading`` must reach)."""
    from surveykit.io.encoding_guess import ByteTally, single_byte_codec

    tally = ByteTally()
    tally.add(data)
    return single_byte_codec(tally, lambda: [data])


CYRILLIC = "\u041f\u0440\u0438\u0432\u0435\u0442 \u043c\u0438\u0440, \u0434\u0440\u0443\u0437\u044c\u044f \u2014 \u0432\u0441\u0451 \u0445\u043e\u0440\u043e\u0448\u043e"


@pytest.mark.parametrize("block", [3, 64, 4096, 1 << 20])
def test_the_reading_chosen_a_block_at_a_time_is_the_full_tallys(block):
    """``single_byte_reading`` stops early where it can; its answer is always that of tallying every byte
    first, whatever the size of the blocks (a UTF-8 sequence or a NUL byte split between two blocks too)."""
    from surveykit.io.encoding_guess import single_byte_reading

    rng = random.Random(block)
    pieces = [WESTERN.encode("cp1252"), WESTERN.encode("mac_roman"), "caf\u00e9".encode("utf-8"), b"\xc3\xa9",
              b"\x00", b"\x81", b"in\xc2your", b"plain words, ", b"\r\n", CYRILLIC.encode("cp1251")]
    weights = [6, 3, 1, 1, 1, 1, 1, 6, 4, 1]
    chosen = 0
    for case in range(300 if block < 4096 else 600):
        data = b"id,text\r\n" + b"".join(rng.choices(pieces, weights, k=rng.randint(1, 40)))
        if case % 50 == 0:  # long enough for the head check to run while tallying
            data = data * (250_000 // len(data) + 1)
        try:
            data.decode("utf-8")
            continue  # the function is for files that are not UTF-8
        except UnicodeDecodeError:
            pass

        def blocks():
            return (data[i:i + block] for i in range(0, len(data), block))

        codec, size = single_byte_reading(blocks)
        assert codec == _full_tally_codec(data)
        assert codec is None or size == len(data)
        chosen += codec is not None
    assert chosen >= 15  # the Western readings were chosen, and agreed, often


def test_a_file_that_cannot_be_a_western_reading_is_not_tallied_to_its_end(monkeypatch):
    """A UTF-8 sequence or a NUL byte in the first block, or a non-Latin head (Cyrillic in Windows-1251),
    settles it: the rest is not tallied (26 MB of Cyrillic took 12 s to tally, its letters read as
    Western capitals)."""
    from surveykit.io import encoding_guess

    added = []
    real_add = encoding_guess.ByteTally.add
    monkeypatch.setattr(encoding_guess.ByteTally, "add",
                        lambda self, block, *high: (added.append(len(block)), real_add(self, block, *high)))
    for data in (("r,\u00e9\r\n" * 400_000).encode("utf-8") + b"\x81",
                 b"a" * 4095 + "\u00e9".encode("utf-8") + WESTERN.encode("cp1252") * 100_000,  # across two blocks
                 b"r,\x00\r\n" + WESTERN.encode("cp1252") * 100_000,
                 ("id,text\r\n" + f"1,{CYRILLIC}\r\n" * 20_000).encode("cp1251")):
        added.clear()
        blocks = lambda: (data[i:i + 4096] for i in range(0, len(data), 4096))  # noqa: E731
        assert encoding_guess.single_byte_reading(blocks)[0] is None
        assert sum(added) <= 200_000 + 4096 < len(data)
        assert held_text(data) is None


def test_the_non_latin_check_reads_the_file_again_without_losing_the_tallys_place(tmp_path, monkeypatch):
    """``surveykit code``'s block reader: when the head suggests a non-Latin encoding that the file turns
    out not to be, the check decodes the file from its start in the middle of the tally; the tally must
    still see every block once (it shares the file handle)."""
    from surveykit.io import encoding_guess, stream_table

    data = _rows("cp1252", 20_000)
    path = tmp_path / "western.csv"
    path.write_bytes(data)
    monkeypatch.setattr(encoding_guess, "_non_latin_codec", lambda head: "cp1251")  # a wrong guess ...
    monkeypatch.setattr(encoding_guess, "_non_latin_letters", lambda head: False)  # ... that the text refutes
    with open(path, "rb") as fh:
        first = fh.read(4096)
        codec, size = stream_table._single_byte_codec(fh, first, 4096)
        assert (codec, size, fh.tell()) == ("cp1252", len(data), 4096)


def test_a_non_latin_file_is_read_without_scoring_the_western_readings(monkeypatch):
    """``decode_bytes`` looks for a non-Latin encoding before it scores Windows-1252 and Mac Roman when
    the file holds no UTF-8 sequence (scoring Cyrillic as Western text took 35 s for 26 MB); the reading
    and its note are as before."""
    from surveykit.io import decoding

    data = ("id,text\r\n" + f"1,{CYRILLIC}\r\n" * 2_000).encode("cp1251")

    def refused(*args, **kwargs):
        raise AssertionError("scored as Western text")

    with monkeypatch.context() as m:
        m.setattr(decoding, "_decode_single_byte", refused)
        text, encoding, notes = decode_bytes(data)
    assert text == data.decode("cp1251") and encoding == "cp1251"
    assert notes == ("encoding detected as cp1251 (the text is not UTF-8; the first such byte is at line 2, "
                     "byte 12 (0xCF))",)
    # Two of its letters that make a UTF-8 sequence ("\u041f\u0401": CF A8): the Western readings and
    # UTF-8 with stray bytes are weighed first, as before, and the non-Latin reading still wins.
    data = ("id,text\r\n" + f"1,{CYRILLIC} \u041f\u0401\u0442\u0440\r\n" * 2_000).encode("cp1251")
    assert decode_bytes(data)[:2] == (data.decode("cp1251"), "cp1251")
