"""Streaming a CSV of answers (io/stream_table.py) must read what the whole-file reader reads, which
repairs mojibake ("caf\u00c3\u00a9" for "caf\u00e9") when its first look finds something. The stream used to
hand any piece matching the repair's pattern to the whole-file reader, so one ordinary word such as
"caf\u00e9\u2019s" (a match that stands for no character) made ``surveykit code`` hold a 200,000-answer
file in memory (480 MB instead of 90 MB). Now a file is refused only when the whole-file reader could
change its text: a mark, or a match that stands for a character. The reference is ``decode_bytes`` + ``parse_delimited``, with pieces of 4 KiB so that
a file has many."""

from __future__ import annotations

import csv
import io

import pytest

from surveykit.io.base import decode_bytes, parse_delimited
from surveykit.io.stream_table import NotStreamable, open_table_stream

FILLER = "An answer about going missing \u2013 she didn\u2019t feel safe there, so she left."


def _file(tmp_path, inserts: dict[int, str], rows: int = 6000):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["respondent_id", "answer"])
    for k in range(rows):
        w.writerow([f"R{k:05d}", inserts.get(k, f"{FILLER} {k}")])
    path = tmp_path / "answers.csv"
    path.write_bytes(buf.getvalue().encode("utf-8"))
    return path


def _streamed(path):
    with open_table_stream(path, block_bytes=4096) as stream:
        return [stream.header] + [cells for _, cells in stream.rows]


def _whole(path):
    text, _, notes = decode_bytes(path.read_bytes())
    return parse_delimited(text), notes


# Rows 10 and 5000 lie in the first 200,000 characters and far beyond them.
@pytest.mark.parametrize("where", [10, 5000])
def test_an_ordinary_word_that_matches_the_pattern_keeps_the_file_streamed(tmp_path, where):
    path = _file(tmp_path, {where: "the caf\u00e9\u2019s staff \u00f4\u2013 knew her"})
    rows, notes = _whole(path)
    assert notes == () and rows[where + 1][1] == "the caf\u00e9\u2019s staff \u00f4\u2013 knew her"
    assert _streamed(path) == rows


def test_a_mark_still_hands_the_file_over(tmp_path):
    path = _file(tmp_path, {5000: "caf\u00c3\u00a9"})
    assert _whole(path)[1]  # repaired, with a note
    with pytest.raises(NotStreamable):
        _streamed(path)


def test_a_match_that_stands_for_a_character_hands_the_file_over(tmp_path):
    """"\u00d0\u00be" is Cyrillic "\u043e" saved through Windows-1252, and holds none of the marks. The
    whole-file reader repairs it when its first look finds anything anywhere, even a mark far below:
    the stream cannot know that yet, so it hands the file over. (A review found that letting such a
    match through when nothing had been found so far could report a cell as too large that the
    repair shrinks: row 1 below holds 1,000,002 characters, 650,001 once repaired.)"""
    deep = {5000: "\u00d0\u00be"}
    path = _file(tmp_path, deep)
    rows, notes = _whole(path)
    assert notes == () and rows[5001][1] == "\u00d0\u00be"  # nothing found first: left as it is
    with pytest.raises(NotStreamable):
        _streamed(path)
    big = {0: "x" * 300_000 + "\u00d0\u00be" * 350_001, 5500: "caf\u00c3\u00a9"}
    path = _file(tmp_path, big)
    rows, notes = _whole(path)
    assert notes and len(rows[1][1]) == 650_001  # the mark below made it repair row 1
    with pytest.raises(NotStreamable):
        _streamed(path)
