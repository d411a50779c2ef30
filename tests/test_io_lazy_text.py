"""A large export's text is not kept by its Sniff as a string (``Sniff.decoded``, a ``LazyText``): a plain UTF-8
file's own bytes are decoded again when the text is asked for, and any other text (a file that needed
a note: mojibake repaired, stray bytes, NULs removed; another encoding; a --encoding) is held as its
UTF-8 encoding. The text asked for later must be exactly what decoding gave while sniffing."""

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


def test_small_files_keep_their_text_and_files_with_notes_the_text_they_were_given(tmp_path):
    small = tmp_path / "small.csv"
    small.write_text(_export(10), encoding="utf-8")
    assert isinstance(open_sniff(small).decoded, str)
    # UTF-8 with a stray Windows-1252 byte: read with a note, so the repaired text is what is kept,
    # as its UTF-8 encoding (not the file's bytes).
    stray = tmp_path / "stray.csv"
    data = _export(30_000).encode("utf-8") + b"r30000,Police,caf\xe9\r\n"
    stray.write_bytes(data)
    sniff = open_sniff(stray)
    assert sniff.notes and isinstance(sniff.decoded, LazyText) and sniff.decoded.data != data
    assert sniff.text == decode_bytes(data)[0] and sniff.text.endswith("caf\u00e9\r\n")
    assert sniff.head_text(20) == sniff.text[:20]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_an_explicit_encoding_gives_its_text(tmp_path, encoding):
    path = tmp_path / "large.csv"
    text = _export(30_000, answer="Caf\u00e9 \u2013 \u00a3 \u201cquoted\u201d answer")
    path.write_bytes(text.encode(encoding))
    sniff = open_sniff(path, encoding=encoding)
    assert isinstance(sniff.decoded, LazyText) and sniff.encoding == encoding and sniff.notes == ()
    assert sniff.text == text and sniff.head_text(100) == text[:100]


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


def _sniffed_as_before(sniff, path, monkeypatch) -> None:
    """``sniff`` is what sniffing gives when the whole text is decoded and kept (as for a small file)."""
    import surveykit.io.base as base

    with monkeypatch.context() as m:
        m.setattr(base, "LAZY_TEXT_BYTES", 10 ** 12)
        kept = open_sniff(path)
    assert isinstance(kept.decoded, str)
    assert (sniff.encoding, sniff.notes, sniff.delimiter, sniff.head_rows) == \
        (kept.encoding, kept.notes, kept.delimiter, kept.head_rows)
    assert sniff.text == kept.text and sniff.sha256 == kept.sha256


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_a_large_ascii_file_is_never_decoded_while_sniffing(tmp_path, monkeypatch, newline):
    """Plain ASCII is its own UTF-8 text: sniffing reads the head without decoding the file (the text
    comes from the bytes when asked for), and finds what decoding it would have."""
    text = _export(40_000, answer="an answer; with a \"quote\", and a comma").replace("\r\n", newline)
    path = tmp_path / "ascii.csv"
    path.write_text(text, encoding="ascii", newline="")
    assert path.stat().st_size > 2_000_001  # larger than the head sniffing parses first
    import surveykit.io.base as base

    def refused(*args, **kwargs):
        raise AssertionError("decode_bytes was called")

    with monkeypatch.context() as m:
        m.setattr(base, "decode_bytes", refused)
        sniff = open_sniff(path)
    assert isinstance(sniff.decoded, LazyText) and sniff.encoding == "utf-8" and sniff.notes == ()
    assert sniff.head_rows[0] == ("respondent_id", "sector", "q7") and len(sniff.head_rows) == 6
    _sniffed_as_before(sniff, path, monkeypatch)


def test_a_large_ascii_file_whose_first_records_are_huge_is_sniffed_from_all_of_it(tmp_path, monkeypatch):
    """The first megabyte does not hold the records sniffing needs: they are read from the whole text."""
    huge = "x" * 400_000
    text = "respondent_id;q7\n" + "".join(f"r{k};{huge}{k}\n" for k in range(8))
    path = tmp_path / "huge.csv"
    path.write_bytes(text.encode("ascii"))
    sniff = open_sniff(path)
    assert isinstance(sniff.decoded, LazyText) and sniff.delimiter == ";"
    assert [r[0] for r in sniff.head_rows] == ["respondent_id", "r0", "r1", "r2", "r3", "r4"]
    assert sniff.head_rows[-1][1] == huge + "4"
    _sniffed_as_before(sniff, path, monkeypatch)


def test_a_large_ascii_file_with_nul_bytes_is_decoded_with_its_note(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes(_export(30_000, answer="plain").encode("ascii") + b"r30000,Police,a\x00b\r\n")
    sniff = open_sniff(path)
    assert sniff.notes == ("removed 1 NUL byte(s)",)
    assert sniff.text.endswith("r30000,Police,ab\r\n") and b"\x00" not in sniff.decoded.data


def test_the_digest_of_a_large_file_is_its_sha256(tmp_path):
    """A large file's SHA-256 is computed by a thread during the parse: what the export records is
    the digest of the bytes, as hashlib gives it."""
    import hashlib

    path = tmp_path / "large.csv"
    path.write_text(_export(30_000), encoding="utf-8")
    sniff = open_sniff(path)
    assert callable(sniff.digest)  # the thread's, waited for when asked
    expected = hashlib.sha256(path.read_bytes()).hexdigest()
    assert sniff.sha256 == expected and sniff.sha256 == expected  # asked twice: the same answer
    assert read_export(path).sha256 == expected


@pytest.mark.fuzz
def test_mutated_exports_sniff_the_same_without_decoding(tmp_path, monkeypatch):
    """Differential fuzzing of the ASCII path: damaged exports (the reader fuzz test's mutator) sniffed
    with every file counting as large give what sniffing from the decoded text gives: the same
    encoding, notes, delimiter, first records, text and digest, or the same error."""
    import surveykit.io.base as base
    from surveykit.errors import SurveykitError
    from test_fuzz_readers import mutated_csv_exports

    def outcome(path):
        try:
            s = open_sniff(path)
        except SurveykitError as exc:
            return ("error", str(exc)), None
        return ("read", s.kind, s.encoding, s.notes, s.delimiter, s.head_rows, s.text, s.sha256), s

    lazy = cases = 0
    for case, path, how in mutated_csv_exports(tmp_path):
        cases += 1
        monkeypatch.setattr(base, "LAZY_TEXT_BYTES", 10 ** 12)
        kept, _ = outcome(path)
        monkeypatch.setattr(base, "LAZY_TEXT_BYTES", 0)
        fast, sniff = outcome(path)
        assert fast == kept, f"case {case} ({how})"
        lazy += sniff is not None and isinstance(sniff.decoded, LazyText) and path.read_bytes().isascii()
    assert cases >= 60 and lazy > cases // 4


@pytest.mark.parametrize("encoding", ["utf-7", "raw_unicode_escape"])
def test_a_large_text_with_a_lone_surrogate_is_read_as_a_small_one(tmp_path, monkeypatch, encoding):
    """A --encoding such as UTF-7 can decode to a lone surrogate, which has no UTF-8 form: the text is
    kept as a string, and the file is read by the csv module, as a small file is (found by a review:
    sniffing raised UnicodeEncodeError, and reading the export had raised it in the fast parse)."""
    from surveykit.io import fastcsv

    cell = {"utf-7": b"+2AA-", "raw_unicode_escape": b"\\ud800"}[encoding]
    path = tmp_path / "surrogate.csv"
    path.write_bytes(b"respondent_id,sector,q7\r\nr0,Police," + cell + b"\r\n" + b"r1,Police,plain answer\r\n" * 43_691)
    assert path.stat().st_size > LAZY_TEXT_BYTES
    sniff = open_sniff(path, encoding=encoding)
    assert isinstance(sniff.decoded, str) and sniff.head_rows[1] == ("r0", "Police", "\ud800")
    raw = read_export(path, encoding=encoding)
    monkeypatch.setattr(fastcsv, "FAST_PARSE_BYTES", 10 ** 12)
    assert [tuple(r) for r in raw.rows] == [tuple(r) for r in read_export(path, encoding=encoding).rows]
    assert raw.rows[0][2] == "\ud800" and len(raw.rows) == 43_692
