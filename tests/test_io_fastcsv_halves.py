"""The fast CSV path's two-halves parse (io/fastcsv.py, where pyarrow is installed): a large file is
cut after a line feed near its middle and the halves parsed at once. The cut must be a record boundary;
here it is forced on small files (``SPLIT_PARSE_BYTES = 0``) and each read is compared with the csv
module's reading of the same file. Each test runs for both ways the halves' bytes can reach pandas'
tokenizer: handed to it whole (pandas 3.1's ``TextReader.load_buffer``), and read through a file object
(any other pandas, and text in another encoding than UTF-8).
"""

from __future__ import annotations

import codecs

import pytest

from surveykit.io import fastcsv
from test_io_fastcsv import _read_both, _same, _write

pytest.importorskip("pyarrow")


@pytest.fixture(autouse=True, params=["bytes handed over", "read through a file object"])
def _split_every_file(request, monkeypatch):
    monkeypatch.setattr(fastcsv, "SPLIT_PARSE_BYTES", 0)
    if request.param == "read through a file object":
        monkeypatch.setattr(fastcsv, "_parse_loaded", lambda part, options: None)


def _halves_spy(monkeypatch) -> list:
    """(bytes, cut) of each file the fast path was asked to cut (cut 0: not cut)."""
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


def test_a_wide_record_right_after_the_cut_is_an_error_as_in_the_whole_file(tmp_path, monkeypatch):
    """pandas takes the width of what it parses from the first record, and cuts a first record wider
    than that short (with a warning) where further down it is an error. A record wider than the header
    right after the cut must still be the error the csv module's reading reports."""
    from surveykit.errors import InputError
    from surveykit.io import read_export

    head = "respondent_id,sector,q1\n" + "".join(f"r{k},Police,Yes\n" for k in range(30))
    wide = "r30,Health,No,surprise,extra\n"
    # As many rows after it as put the middle of the file in the last row before it.
    data = next(d for n in range(1, 100) if (d := (head + wide + "r31,Police,No\n" * n).encode()).find(
        b"\n", len(d) // 2) + 1 == len(head))
    path = tmp_path / "wide.csv"
    path.write_bytes(data)
    seen = _halves_spy(monkeypatch)
    errors = []
    for size in (10 ** 12, 0):  # the csv module's reading, then the fast path
        monkeypatch.setattr(fastcsv, "FAST_PARSE_BYTES", size)
        with pytest.raises(InputError) as err:
            read_export(path)
        errors.append(str(err.value))
    assert errors[0] == errors[1] and "row 32" in errors[0] and "5 fields" in errors[0]
    (data_seen, cut), = seen
    assert data_seen[cut:].startswith(b"r30,Health,No,surprise")  # the cut was right before it


def test_every_cut_of_awkward_files_reads_as_the_csv_module_does(tmp_path, monkeypatch, request):
    """Random small exports full of what a cut can land in (quoted line breaks, CRLF and lone CR,
    doubled quotes, quotes inside unquoted cells, blank records, short and over-wide rows, a U+FEFF at
    the start of a record), each read once per line feed in it with the cut forced there: every read
    gives what the csv module's reading gives, the same rows or the same error. Run on the bytes handed
    to the tokenizer, the way a UTF-8 file is read (the file-object way, for other encodings, is the one
    this test ran on before pandas could be handed the bytes)."""
    import random

    from surveykit.errors import SurveykitError
    from surveykit.io import read_export

    if "file object" in request.node.callspec.params["_split_every_file"]:
        pytest.skip("run on the bytes handed over (see the docstring)")
    rng = random.Random(20261205)
    cells = ["Yes", "No", "", " ", 'say "no"', "a,b", "line\nbreak", "cr\r\nlf", "lone\rcr", '""', "x\"y",
             "\ufeffmark", "caf\u00e9 \u2013 \u00a3"]

    def outcome(path):
        try:
            raw = read_export(path)
        except SurveykitError as exc:
            return ("error", str(exc))
        return ("read", raw.columns, raw.header_rows, raw.notes, [tuple(r) for r in raw.rows])

    def quote(c: str) -> str:
        if rng.random() < 0.1:
            return c  # as typed, quotes and all
        return '"' + c.replace('"', '""') + '"' if any(ch in c for ch in ',"\r\n') or rng.random() < 0.2 else c

    compared = refused = 0
    for case in range(24):
        lines = ["respondent_id,sector,q1,q7"]
        for k in range(rng.randint(8, 30)):
            width = rng.choice([4, 4, 4, 4, 3, 5]) if case % 3 else 4
            row = [f"r{k}"] + [rng.choice(cells) for _ in range(width - 1)]
            lines.append("" if rng.random() < 0.05 else ",".join(quote(c) for c in row))
        data = (rng.choice(["\n", "\r\n"]).join(lines) + "\n").encode("utf-8")
        path = tmp_path / f"case{case}.csv"
        path.write_bytes(data)
        monkeypatch.setattr(fastcsv, "FAST_PARSE_BYTES", 10 ** 12)
        expected = outcome(path)
        monkeypatch.setattr(fastcsv, "FAST_PARSE_BYTES", 0)
        for cut in [k + 1 for k in range(len(data) - 1) if data[k:k + 1] == b"\n"]:
            if data.startswith(b"\xef\xbb\xbf", cut):
                continue  # never cut there (see test_a_byte_order_mark_after_the_cut_keeps_the_file_whole)
            monkeypatch.setattr(fastcsv, "_record_boundary", lambda _data, cut=cut: cut)
            assert outcome(path) == expected, f"case {case}, cut at byte {cut}"
            compared += 1
        refused += expected[0] == "error"
    assert compared > 300 and 0 < refused < 24


def test_utf8_halves_are_handed_to_the_tokenizer_and_other_encodings_read_through_a_file(
        tmp_path, monkeypatch, request):
    """Where pandas can be handed the bytes (``TextReader.load_buffer``), a UTF-8 file's halves go to
    it whole and nothing reads them through a file object; a Windows-1252 file held in its own bytes
    (as a large one is), which the tokenizer cannot read as they stand, is read through one and decoded
    by pandas. Both read as the csv module reads them."""
    from pandas._libs.parsers import TextReader

    from surveykit.io import base

    if "file object" in request.node.callspec.params["_split_every_file"]:
        pytest.skip("the file objects are what this test tells apart from the bytes handed over")
    if not hasattr(TextReader, "load_buffer"):
        pytest.skip("this pandas cannot be handed the bytes (pandas < 3.1): every half is read through a file")
    monkeypatch.setattr(base, "LAZY_TEXT_BYTES", 0)  # every file held in its own bytes, as a large one is
    reads: list = []
    original = fastcsv._Slice.readinto

    def spy(self, buffer):
        reads.append(len(buffer))
        return original(self, buffer)

    monkeypatch.setattr(fastcsv._Slice, "readinto", spy)
    rows = [["respondent_id", "sector", "q7"]] + [[f"r{k}", "Police", f"caf\u00e9 {k}, \u00a3{k}"] for k in range(60)]
    for encoding, read_through_a_file in (("utf-8", False), ("cp1252", True)):
        reads.clear()
        seen = _halves_spy(monkeypatch)
        path = _write(tmp_path / f"{encoding}.csv", rows, encoding=encoding, newline="\n", trailing="")
        slow, fast = _read_both(path, monkeypatch)
        _same(slow, fast)
        assert codecs.lookup(fast.encoding).name == codecs.lookup(encoding).name
        (_, cut), = seen
        assert cut > 0
        assert bool(reads) is read_through_a_file, encoding


def test_the_first_half_is_parsed_on_the_calling_thread_while_another_parses_the_second(tmp_path, monkeypatch):
    """The second half goes to one other thread and the first is parsed on the thread that reads the file,
    at the same time: the memory the first half's columns free, as they are numbered, stays with the
    calling thread's allocator, where ``prepare`` (on that thread) makes its arrays next. The parse of
    the first half here waits until the second has started elsewhere, so parsing them one after the
    other on this thread would fail as surely as parsing both on other threads would."""
    import threading

    rows = [["respondent_id", "sector", "q1"]] + [[f"r{k}", ["Police", "Health"][k % 2], "Yes"] for k in range(80)]
    path = _write(tmp_path / "plain.csv", rows, newline="\n", trailing="")
    seen = _halves_spy(monkeypatch)
    calls: list = []
    second_started = threading.Event()
    original = fastcsv._parse_loaded

    def spy(part, options):
        here = threading.current_thread()
        calls.append((here is threading.main_thread(), bytes(part[:3])))
        if here is threading.main_thread():
            assert second_started.wait(30), "the second half was not being parsed beside the first"
        else:
            second_started.set()
        return original(part, options)

    monkeypatch.setattr(fastcsv, "_parse_loaded", spy)
    slow, fast = _read_both(path, monkeypatch)
    _same(slow, fast)
    (data, cut), = seen
    assert cut > 0
    assert sorted(calls) == [(False, data[cut:cut + 3]), (True, data[:3])]
