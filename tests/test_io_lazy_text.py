"""A large plain UTF-8 export's text is not kept by its Sniff (io/base.py, ``LazyText``): the text
asked for later must be exactly what decoding gave while sniffing, and a file that needed a note
(mojibake repaired, stray bytes, NULs removed) keeps the text it was given."""

from __future__ import annotations

import csv
import io

import pytest

from surveykit.errors import InputError
from surveykit.io import read_export
from surveykit.io.base import LAZY_TEXT_BYTES, LazyText, decode_bytes, open_sniff


def _export(rows: int, *, answer: str = "Caf\u00e9 \u2013 \u00a3 \u201cquoted\u201d \U0001f600 answer") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["respondent_id", "sector", "q7"])
    for k in range(rows):
        w.writerow([f"r{k}", "Police" if k % 2 else "Social care", f"{answer} {k}\nsecond line"])
    return buf.getvalue()


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_a_large_utf8_file_is_decoded_again_to_the_same_text(tmp_path, bom):
    text = _export(30_000)
    data = bom + text.encode("utf-8")
    assert len(data) >= LAZY_TEXT_BYTES
    path = tmp_path / "large.csv"
    path.write_bytes(data)
    sniff = open_sniff(path)
    assert isinstance(sniff.decoded, LazyText)
    expected, encoding, notes = decode_bytes(data)
    assert sniff.text == expected == text and sniff.encoding == encoding and not notes
    # Every cut of the head, including ones inside a four-byte character.
    for chars in (0, 1, 50, 81, 82, 83, 84, 4000):
        assert sniff.head_text(chars) == text[:chars]


def test_small_files_and_files_with_notes_keep_their_text(tmp_path):
    small = tmp_path / "small.csv"
    small.write_text(_export(10), encoding="utf-8")
    assert isinstance(open_sniff(small).decoded, str)
    # UTF-8 with a stray Windows-1252 byte: read with a note, so the repaired text is what is kept.
    stray = tmp_path / "stray.csv"
    stray.write_bytes(_export(30_000).encode("utf-8") + b"r30000,Police,caf\xe9\r\n")
    sniff = open_sniff(stray)
    assert sniff.notes and isinstance(sniff.decoded, str) and sniff.text.endswith("caf\u00e9\r\n")
    assert sniff.head_text(20) == sniff.text[:20]


def test_an_explicit_encoding_keeps_its_text(tmp_path):
    path = tmp_path / "large.csv"
    path.write_text(_export(30_000), encoding="utf-8")
    assert isinstance(open_sniff(path, encoding="utf-8").decoded, str)


def test_a_large_file_the_fast_path_refuses_is_read_from_its_text(tmp_path):
    """A record wider than the header deep in a large file: the csv-module path reads the text decoded
    again and names the row, as it does for a small file."""
    text = _export(30_000) + "r30000,Police,answer,extra\r\n"
    path = tmp_path / "wide.csv"
    path.write_text(text, encoding="utf-8")
    assert isinstance(open_sniff(path).decoded, LazyText)
    with pytest.raises(InputError) as err:
        read_export(path)
    assert err.value.row == 30_002 and "4 fields" in str(err.value)
    assert "answer" not in str(err.value)
