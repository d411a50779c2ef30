"""The fast CSV path gives the memory of the columns it has parsed back to the system in batches
(io/fastcsv.py, ``RELEASE_BYTES``): once that many bytes of parsed columns have been freed, and once
after the last column, never after every column (with the system allocator the command uses, a call
took 0.6-0.9 ms, and 113 of them slowed reading 100,000 respondents; bench/RESULTS.md).

pyarrow's memory pool is replaced by one that counts the calls; the cells must read the same whatever
the batch size, as the csv module reads them.
"""

from __future__ import annotations

import csv
import io

import pytest

from surveykit.io import fastcsv
from surveykit.io.base import open_sniff


class _CountingPool:
    def __init__(self) -> None:
        self.calls = 0

    def release_unused(self) -> None:
        self.calls += 1


def _export(tmp_path, rows: int = 15_000):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["respondent_id", "sector", *(f"q{i}" for i in range(1, 9)), "q7"])
    for k in range(rows):
        w.writerow([f"R{k:06d}", ("Police", "Social care", "")[k % 3], *(str((k + i) % 5 + 1) for i in range(8)),
                    f"answer {k} \u2013 \u201cquoted\u201d, with a comma"])
    path = tmp_path / "export.csv"
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")
    assert path.stat().st_size > fastcsv.FAST_PARSE_BYTES
    return path, [r for r in csv.reader(io.StringIO(buf.getvalue()))]


@pytest.mark.parametrize("halves", [False, True], ids=["whole", "two halves"])
def test_parsed_memory_goes_back_in_batches_and_once_after_the_last_column(tmp_path, monkeypatch, halves):
    pa = pytest.importorskip("pyarrow")
    pool = _CountingPool()
    monkeypatch.setattr(pa, "default_memory_pool", lambda: pool)
    monkeypatch.setattr(fastcsv, "SPLIT_PARSE_BYTES", 0 if halves else 10 ** 12)
    path, expected = _export(tmp_path)
    sniff = open_sniff(path)
    width = len(expected[0])

    def calls(release_bytes: int) -> int:
        pool.calls = 0
        monkeypatch.setattr(fastcsv, "RELEASE_BYTES", release_bytes)
        rows = fastcsv.parse_columns(sniff)
        assert rows is not None and [list(r) for r in rows] == expected
        return pool.calls

    assert calls(0) == width  # a batch of one column: after every column
    assert calls(10 ** 15) == 1  # never reached: once, after the last column
    # A third of the file: batches of several columns, at least one ended before the last column.
    assert 2 <= calls(path.stat().st_size // 3) < width
