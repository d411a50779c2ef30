"""The fast CSV path's two-halves parse (io/fastcsv.py, where pyarrow is installed): a large file is
cut after a line feed near its middle and the halves parsed at once. The cut must be a record boundary;
here it is forced on small files (``SPLIT_PARSE_BYTES = 0``) and each read is compared with the csv
module's reading of the same file.
"""

from __future__ import annotations

import pytest

from surveykit.io import fastcsv
from test_io_fastcsv import _read_both, _same, _write

pytest.importorskip("pyarrow")


@pytest.fixture(autouse=True)
def _split_every_file(monkeypatch):
    monkeypatch.setattr(fastcsv, "SPLIT_PARSE_BYTES", 0)


def _halves_spy(monkeypatch) -> list:
    """Where the two-halves parse cut each file it read, and whether the first half parsed on its own."""
    seen: list = []
    original = fastcsv._record_boundary

    def spy(data):
        cut = original(data)
        seen.append((data, cut))
        return cut

    monkeypatch.setattr(fastcsv, "_record_boundary", spy)
    return seen


def test_a_cut_inside_a_quoted_cell_is_refused_and_the_file_read_whole(tmp_path, monkeypatch):
    """The line feed after the middle of this file is inside a quoted answer of many lines: a half that
    ends there ends inside quotes, so the file is parsed whole, and reads as the csv module reads it."""
    answer = "\n".join(f"line {k}, of a long answer" for k in range(400))
    rows = [["respondent_id", "sector", "q7"]] + [[f"r{k}", "Police", "short"] for k in range(20)]
    rows += [["r20", "Health", answer]] + [[f"r{k}", "Police", "short"] for k in range(21, 40)]
    path = _write(tmp_path / "quoted.csv", rows, newline="\n", trailing="")
    seen = _halves_spy(monkeypatch)
    slow, fast = _read_both(path, monkeypatch)
    _same(slow, fast)
    (data, cut), = seen
    assert data.count(b'"', 0, cut) % 2 == 1  # the cut was inside the quoted answer
    assert fast.column_values(2)[20] == answer


def test_a_cut_between_records_reads_both_halves(tmp_path, monkeypatch):
    """A cut at a record boundary: both halves are kept, in order, each column numbered as a whole."""
    rows = [["respondent_id", "sector", "q1"]] + [[f"r{k}", ["Police", "Health", "Education"][k % 3 if k < 50 else 2 - k % 3],
                                                  "Yes" if k < 70 else "No"] for k in range(100)]
    path = _write(tmp_path / "plain.csv", rows, newline="\n", trailing="")
    seen = _halves_spy(monkeypatch)
    slow, fast = _read_both(path, monkeypatch)
    _same(slow, fast)
    (data, cut), = seen
    assert 0 < cut < len(data) and data[cut - 1:cut] == b"\n"
    q1 = fast.rows.column_held(2)
    assert list(q1.distinct) == ["q1", "Yes", "No"]  # "No" first occurs in the second half


def test_a_byte_order_mark_after_the_cut_keeps_the_file_whole(tmp_path, monkeypatch):
    """A record starting with U+FEFF right after the cut: pandas would take it for the byte-order mark
    of its half, so there is no cut there, and the character stays in the cell."""
    head = "respondent_id,sector\n" + "".join(f"r{k},Police\n" for k in range(30))
    tail = "\ufeffr30,Health\n" + "".join(f"r{k},Police\n" for k in range(31, 60))
    data = (head + tail).encode("utf-8")
    assert data.find(b"\n", len(data) // 2) + 1 == len(head.encode())  # the cut would fall before the U+FEFF
    path = tmp_path / "bom.csv"
    path.write_bytes(data)
    seen = _halves_spy(monkeypatch)
    slow, fast = _read_both(path, monkeypatch)
    _same(slow, fast)
    assert seen[0][1] == 0
    assert "\ufeffr30" in list(fast.column_values(0))
