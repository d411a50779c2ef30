"""Large CSV exports go through pandas' C parser (io/fastcsv.py): the result must be the csv module's.

Every file here is read twice, once with the fast path forced (``FAST_PARSE_BYTES = 0``) and once
with it off, and the two RawExports (columns, rows, notes) and prepared Responses must be equal; the
reference is the csv-module path that every other test exercises. A problem planted deep in a large
generated export is reported with its row and column, through the command a user runs.

Each test runs for each way the fast path has of holding cells (the ``way`` fixture): as Python
strings (the default install, without pyarrow), as Arrow strings, and as Arrow strings parsed in two
halves at once (every file split, however small).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from pathlib import Path

import pytest

from surveykit.io import fastcsv, read_export
from surveykit.io.fastcsv import ColumnarRows

SAMPLE = Path(__file__).resolve().parents[1] / "responses" / "sample" / "professional_survey.csv"


@pytest.fixture(autouse=True, params=["python strings", "arrow strings", "arrow strings, two halves"])
def way(request, monkeypatch):
    """How the fast path holds the cells it parses (see the module's docstring)."""
    if request.param == "python strings":
        monkeypatch.setattr(fastcsv, "_arrow_string_dtype", lambda: None)
    else:
        pytest.importorskip("pyarrow")
        monkeypatch.setattr(fastcsv, "SPLIT_PARSE_BYTES", 0 if "halves" in request.param else 10 ** 12)
    return request.param


# The reference (the csv module's reading of a file, and the Responses prepared from it) does not depend
# on the ``way`` (which changes only how fastcsv's own parse holds cells), so it is computed once per file
# content and options in this module and remembered across the three ways (docs/DEVELOPING.md: a
# reference computed the old way may be remembered; the code under test, the fast path, is run every time).
_REFERENCE: dict = {}


@pytest.fixture(autouse=True, scope="module")
def _forget_references():
    yield
    _REFERENCE.clear()


def _reference_key(path: Path, kw) -> tuple:
    from surveykit.io import base

    return (path.name, hashlib.sha256(path.read_bytes()).hexdigest(), tuple(sorted(kw.items())),
            base.LAZY_TEXT_BYTES)


def _read_both(path: Path, monkeypatch, **kw):
    key = ("read", *_reference_key(path, kw))
    if key not in _REFERENCE:
        monkeypatch.setattr(fastcsv, "FAST_PARSE_BYTES", 10 ** 12)
        _REFERENCE[key] = read_export(path, **kw)
    slow = _REFERENCE[key]
    monkeypatch.setattr(fastcsv, "FAST_PARSE_BYTES", 0)
    fast = read_export(path, **kw)
    return slow, fast


def _prepared_reference(slow):
    """``prepare(slow)`` for a reference reading of ``_read_both``, remembered with it."""
    from surveykit.clean import prepare

    key = ("prepared", id(slow))
    if key not in _REFERENCE:
        _REFERENCE[key] = prepare(slow)
    return _REFERENCE[key]


def _same(slow, fast) -> None:
    assert isinstance(fast.rows, ColumnarRows)
    assert not isinstance(slow.rows, ColumnarRows)
    assert fast.columns == slow.columns
    assert fast.header_rows == slow.header_rows and fast.notes == slow.notes and fast.platform == slow.platform
    assert len(fast.rows) == len(slow.rows)
    assert [tuple(r) for r in fast.rows] == [tuple(r) for r in slow.rows]
    for j in range(len(slow.columns)):
        assert list(fast.column_values(j)) == [r[j] for r in slow.rows]


def test_sample_export_reads_the_same_both_ways(monkeypatch):
    from surveykit.clean import prepare

    slow, fast = _read_both(SAMPLE, monkeypatch)
    _same(slow, fast)
    a, b = _prepared_reference(slow), prepare(fast)
    assert a.issues == b.issues
    assert a.data.equals(b.data)
    assert list(a.data.dtypes) == list(b.data.dtypes)


# Quotes, doubled quotes, separators and line breaks inside quotes, CRLF and lone CR, blank and
# whitespace-only records in the middle and at the end, short rows, trailing empty fields, and
# non-ASCII text in UTF-8, UTF-8 with BOM and Windows-1252.
TRICKY_ROWS = [
    ["respondent_id", "sector", "q1", "q2_a", "q7"],
    ["r1", "Police", "Yes", "4", 'He said "no", then left'],
    ["r2", "  Social care ", " No", "", "line one\nline two, with comma"],
    [],
    ["   "],
    ["r3", "Health", "Don't know", "2", "caf\u00e9 \u2013 \u00a3 sign"],
    ["r4", "Police"],
    ["r5", "Education", "Yes", "5", ""],
    ["", "", "", "", ""],
    ["r6", "Voluntary sector", "No", "1", '""quoted"" start'],
]


def _write(path: Path, rows, *, encoding="utf-8", newline="\r\n", trailing="\n\n \n") -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=newline)
    for r in rows:
        w.writerow(r)
    path.write_bytes((buf.getvalue() + trailing).encode(encoding))
    return path


@pytest.mark.parametrize("encoding,newline", [("utf-8", "\r\n"), ("utf-8-sig", "\n"), ("cp1252", "\r"),
                                              ("utf-16", "\n")])
def test_tricky_tidy_files_read_the_same_both_ways(tmp_path, monkeypatch, encoding, newline):
    rows = TRICKY_ROWS if encoding != "cp1252" else [[c.replace("\u2013", "-") for c in r] for r in TRICKY_ROWS]
    path = _write(tmp_path / "tidy.csv", rows, encoding=encoding, newline=newline)
    slow, fast = _read_both(path, monkeypatch)
    assert slow.platform == "tidy"
    _same(slow, fast)
    assert len(slow.rows) == 9  # the blank middle records stay (tidy keeps them); trailing ones go


@pytest.mark.parametrize("encoding,given,newline", [("cp1252", None, "\r"), ("cp1252", None, "\r\n"),
                                                    ("mac_roman", None, "\n"), ("latin-1", "latin-1", "\r\n"),
                                                    ("cp1252", "windows-1252", "\n")])
def test_a_single_byte_file_held_as_its_bytes_reads_the_same_both_ways(tmp_path, monkeypatch, encoding, given,
                                                                        newline):
    """A Windows-1252 or Mac Roman export as detected, or one read with a single-byte --encoding, is held
    as the file's own bytes (``decoding.held_text``; every file counts as large here) and parsed in that
    encoding: the same rows as the csv module reading its text."""
    from surveykit.io import base

    accents = "caf\u00e9 na\u00efve fa\u00e7ade d\u00e9j\u00e0 \u2019q\u2019 \u00a3"
    rows = [[c.replace("caf\u00e9", accents) for c in r] for r in TRICKY_ROWS]
    buf = io.StringIO()
    csv.writer(buf, lineterminator=newline).writerows(rows)
    path = tmp_path / "held.csv"
    path.write_bytes(buf.getvalue().encode(encoding, errors="replace") + b"\n\n \n")
    monkeypatch.setattr(base, "LAZY_TEXT_BYTES", 0)
    sniff = base.open_sniff(path, encoding=given)
    assert sniff.decoded.data is sniff.data and sniff.decoded.codec == codecs.lookup(encoding).name
    slow, fast = _read_both(path, monkeypatch, encoding=given)
    _same(slow, fast)
    assert any("na\u00efve" in c for r in fast.rows for c in r)
    # And the route before held text: the whole file decoded by decode_bytes, read by the csv module.
    monkeypatch.setattr(base, "LAZY_TEXT_BYTES", 10 ** 12)
    monkeypatch.setattr(fastcsv, "FAST_PARSE_BYTES", 10 ** 12)
    whole = read_export(path, encoding=given)
    assert isinstance(whole.rows, tuple) and whole.encoding == fast.encoding and whole.notes == fast.notes
    assert [tuple(r) for r in fast.rows] == [tuple(r) for r in whole.rows]


def test_tricky_surveymonkey_file_reads_the_same_both_ways(tmp_path, monkeypatch):
    text = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    header, body = text[:2], text[2:40]
    # A blank record, a whitespace one and a trailing-comma one among the respondents, and blanks at the end.
    body[5:5] = ["\n", "   \n", ",,,\n"]
    path = tmp_path / "sm.csv"
    path.write_text("".join(header + body) + "\n\n", encoding="utf-8")
    slow, fast = _read_both(path, monkeypatch)
    assert slow.platform == "surveymonkey"
    _same(slow, fast)


def test_a_row_wider_than_the_header_is_refused_the_same_way(tmp_path, monkeypatch, cli):
    rows = [r for r in TRICKY_ROWS if r] + [["r9", "Police", "Yes", "4", "", "extra"]]
    path = _write(tmp_path / "wide.csv", rows)
    monkeypatch.setattr(fastcsv, "FAST_PARSE_BYTES", 10 ** 12)
    slow = cli("validate", str(path))
    monkeypatch.setattr(fastcsv, "FAST_PARSE_BYTES", 0)
    fast = cli("validate", str(path))
    assert slow.returncode == fast.returncode == 2
    assert fast.stderr == slow.stderr
    assert "row 10" in fast.stderr and "6 fields" in fast.stderr


def test_widths_found_column_by_column(tmp_path, monkeypatch):
    # Wider rows seen while sniffing make the parse wider than the header: cells past it must be blank.
    rows = [["respondent_id", "sector", "q1"], ["r1", "Police", "Yes", ""], ["r2", "Health", "No", "", ""],
            ["r3", "Police", "Yes"]]
    path = _write(tmp_path / "pad.csv", rows)
    slow, fast = _read_both(path, monkeypatch)
    _same(slow, fast)
    rows[3] = ["r3", "Police", "Yes", "", "surprise"]
    path = _write(tmp_path / "pad2.csv", rows)
    from surveykit.errors import InputError

    monkeypatch.setattr(fastcsv, "FAST_PARSE_BYTES", 0)
    with pytest.raises(InputError) as fast_err:
        read_export(path)
    monkeypatch.setattr(fastcsv, "FAST_PARSE_BYTES", 10 ** 12)
    with pytest.raises(InputError) as slow_err:
        read_export(path)
    assert str(fast_err.value) == str(slow_err.value)


def test_an_oversized_cell_goes_back_to_the_exact_path(tmp_path, monkeypatch):
    from surveykit.errors import InputError
    from surveykit.io.base import MAX_CELL_CHARS

    rows = [["respondent_id", "sector", "q1"], ["r1", "Police", "x" * (MAX_CELL_CHARS + 1)]]
    path = _write(tmp_path / "big.csv", rows)
    monkeypatch.setattr(fastcsv, "FAST_PARSE_BYTES", 0)
    with pytest.raises(InputError) as err:
        read_export(path)
    assert "characters" in str(err.value) and err.value.row == 2


def test_external_csv_exports_read_the_same_both_ways(external, monkeypatch):
    from surveykit.errors import SurveykitError

    checked = 0
    for path in sorted(external.rglob("*.csv")):
        try:
            slow = read_export(path)
        except SurveykitError:
            continue
        monkeypatch.setattr(fastcsv, "FAST_PARSE_BYTES", 0)
        fast = read_export(path)
        monkeypatch.setattr(fastcsv, "FAST_PARSE_BYTES", 10 ** 12)
        if isinstance(fast.rows, ColumnarRows):
            _same(slow, fast)
            checked += 1
    assert checked


def test_quoted_line_breaks_across_a_large_file_read_the_same_both_ways(tmp_path, monkeypatch):
    """Answers with CRLF line breaks inside their quotes all through a 3 MiB export, one of them placed
    at each 256 KiB mark (pandas' parser reads 256 KiB at a time) with its CR on the byte before the
    mark and its LF on the mark. pyarrow's reader, tried for the fast path, drops the LF of a quoted
    CRLF cut so by one of its blocks (apache/arrow issue 51368)."""
    from surveykit.clean import prepare

    header = "respondent_id,sector,q7\r\n"
    step = 1 << 18
    marks = [m * step for m in range(1, 13)]
    parts, size, k = [header], len(header), 0
    while marks:
        prefix = f'r{k},Police,"'
        pad = ""
        if 100 <= marks[0] - size < 200:  # rows are about 45 bytes: this window is always met
            pad = "x" * (marks[0] - 1 - size - len(prefix) - len("first line"))
            marks.pop(0)
        row = f'{prefix}{pad}first line\r\nsecond line"\r\n'
        parts.append(row)
        size += len(row)
        k += 1
    data = "".join(parts).encode("utf-8")
    assert all(data[m * step - 1:m * step + 1] == b"\r\n" for m in range(1, 13))
    path = tmp_path / "crlf.csv"
    path.write_bytes(data)
    slow, fast = _read_both(path, monkeypatch)
    _same(slow, fast)
    assert all("\r\n" in v for v in fast.column_values(2))
    # A file this large is hashed by a thread while it is decoded (io.base._sha256_meanwhile).
    assert fast.sha256 == slow.sha256 == hashlib.sha256(data).hexdigest()
    a, b = _prepared_reference(slow), prepare(fast)
    assert a.issues == b.issues and a.data.equals(b.data)


def test_ids_held_as_their_cells_are_stripped_and_checked_as_the_csv_module_reading_is(tmp_path, monkeypatch):
    """An export whose ids are nearly all different (held as their cells, not numbered): blank ids,
    ids padded with spaces, and ids that repeat only once stripped give the same ids and problems as
    the csv module's reading, at the same rows."""
    from surveykit.clean import prepare

    ids = [f"R{100000 + k}" for k in range(5_000)]
    ids[10] = ""
    ids[20] = "   "
    ids[30] = f"  {ids[40]} "  # once stripped, the same id as ids[40] (row 41)
    ids[4_999] = ids[5]
    rows = [["respondent_id", "sector", "q1"]]
    rows += [[rid, ["Police", "Social care"][k % 2], ["Yes", "No"][k % 3 % 2]] for k, rid in enumerate(ids)]
    path = _write(tmp_path / "ids.csv", rows, trailing="")
    slow, fast = _read_both(path, monkeypatch)
    assert not hasattr(fast.rows.column_held(0), "factorized")  # held as its cells
    a, b = _prepared_reference(slow), prepare(fast)
    assert a.issues == b.issues and a.data.equals(b.data)
    problems = [(i.row, i.code) for i in b.issues if i.column == "respondent_id"]
    assert problems == [(11, "missing_id"), (21, "missing_id"), (41, "duplicate_id"), (5000, "duplicate_id")]
    got = b.data["respondent_id"]
    assert got[10] == "row11" and got[20] == "row21" and got[30] == ids[40] and got[0] == "R100000"


def test_a_large_export_with_a_byte_order_mark_is_parsed_from_the_bytes_after_it(tmp_path, monkeypatch):
    """LimeSurvey's exports and Qualtrics' legacy ones start with a UTF-8 byte-order mark, and real answers
    hold curly quotes, dashes, accents and emoji. Such a file is parsed from the bytes after the mark,
    as UTF-8: pandas is never asked for "utf-8-sig", which sends the whole file through Python's
    decoder (0.4 s and 100 MB more for 100,000 respondents). It reads as the csv module reads it."""
    from surveykit.clean import prepare
    from surveykit.io.base import LAZY_TEXT_BYTES, LazyText, open_sniff

    rows = [["respondent_id", "sector", "q1", "q7"]]
    rows += [[f"r{k}", ["Police", "Social care", "Health"][k % 3], ["Yes", "No", "Don\u2019t know"][k % 4 % 3],
              f"Zo\u00eb said \u201cno\u201d \u2013 {k} \U0001f61e\nsecond line"] for k in range(25_000)]
    path = _write(tmp_path / "bom.csv", rows, encoding="utf-8-sig", newline="\n")
    assert path.stat().st_size > LAZY_TEXT_BYTES
    sniff = open_sniff(path)
    assert isinstance(sniff.decoded, LazyText) and sniff.decoded.start == 3 and sniff.encoding == "utf-8-sig"
    asked: list[str] = []
    original = fastcsv._read_options
    monkeypatch.setattr(fastcsv, "_read_options", lambda *a: asked.append(a[-1]) or original(*a))
    slow, fast = _read_both(path, monkeypatch)
    _same(slow, fast)
    assert asked and set(asked) == {"utf-8"}
    assert fast.encoding == slow.encoding == "utf-8-sig"
    assert fast.columns[0].header == "respondent_id"  # the mark is not part of the first cell
    a, b = _prepared_reference(slow), prepare(fast)
    assert a.issues == b.issues and a.data.equals(b.data)


def test_problem_planted_deep_in_a_large_export_is_found_with_row_and_column(tmp_path, cli):
    """80,000 respondents (the sample's rows repeated with new ids): one answer in row 73,456 is not an
    option. ``validate`` names that row and the column's header, and nothing else."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    header, body = lines[:2], [r for r in csv.reader(lines[2:])]
    n, planted = 80_000, 73_456
    # A closed column: the sample's "Which sector do you work in?" column is profile; take a grid column
    # whose answers are agreement labels.
    head = next(csv.reader([header[0]]))
    sub = next(csv.reader([header[1]]))
    j = next(k for k, row in enumerate(zip(*body)) if "Strongly agree" in row)
    def line(row):
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow(row)
        return buf.getvalue()

    # Each sample row is encoded once, without its id and with its long free text left out (the point
    # is the number of rows, not the bytes); the rows then differ by their ids only.
    tails = [line([c if len(c) <= 40 else "" for c in row[1:]]) for row in body]
    parts = [line(head), line(sub)]
    for i in range(n):
        if i + 1 == planted:
            row = [c if len(c) <= 40 else "" for c in body[i % len(body)]]
            row[j] = "Agree-ish"
            parts.append(f"{10_000_000 + i}," + line(row[1:]))
        else:
            parts.append(f"{10_000_000 + i}," + tails[i % len(body)])
    out = io.StringIO("".join(parts))
    path = tmp_path / "large.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    assert path.stat().st_size > fastcsv.FAST_PARSE_BYTES
    result = cli("validate", str(path), "--format", "csv")
    assert result.returncode == 1, result.stderr
    found = list(csv.DictReader(io.StringIO(result.stdout)))
    errors = [r for r in found if r["severity"] == "error"]
    assert len(errors) == 1
    # The column is named by its header as the export shows it (question [row]).
    title = head[j] or next(h for h in reversed(head[:j]) if h)
    assert errors[0]["row"] == str(planted)
    assert errors[0]["code"] == "unknown_label"
    assert errors[0]["column"].startswith(" ".join(title.split())[:60])
    assert sub[j] in errors[0]["column"]
    assert "Agree-ish" not in result.stdout + result.stderr


@pytest.mark.fuzz
def test_mutated_csv_exports_read_the_same_both_ways(tmp_path, monkeypatch):
    """Differential fuzzing: damaged CSV exports (the reader fuzz test's mutator on the sample's first
    rows) read through the fast path give exactly what the csv-module path gives: the same rows, or the
    same error message. FUZZ_CASES (``make fuzz``) scales it up with the reader fuzz test."""
    from surveykit.errors import SurveykitError
    from test_fuzz_readers import mutated_csv_exports

    def outcome(path):
        try:
            raw = read_export(path)
        except SurveykitError as exc:
            return ("error", str(exc))
        return ("read", raw.platform, raw.columns, raw.header_rows, raw.notes, [tuple(r) for r in raw.rows])

    compared = fast_used = 0
    for case, path, how in mutated_csv_exports(tmp_path):
        key = ("outcome", case, how, *_reference_key(path, {}))  # the reference, once for the three ways
        if key not in _REFERENCE:
            monkeypatch.setattr(fastcsv, "FAST_PARSE_BYTES", 10 ** 12)
            _REFERENCE[key] = (path, outcome(path))
        read_from, slow = _REFERENCE[key]
        if slow[0] == "error":  # an error names the file: the reference's, as it reads for this test's copy
            slow = ("error", slow[1].replace(str(read_from), str(path)))
        monkeypatch.setattr(fastcsv, "FAST_PARSE_BYTES", 0)
        calls = []
        original = fastcsv.parse_columns
        monkeypatch.setattr(fastcsv, "parse_columns", lambda s: calls.append(r := original(s)) or r)
        fast = outcome(path)
        monkeypatch.setattr(fastcsv, "parse_columns", original)
        assert fast == slow, f"case {case} ({how})"
        compared += 1
        fast_used += any(c is not None for c in calls)
    assert compared >= 60 and fast_used > compared // 3


def test_a_factored_column_acts_as_its_cells():
    """``Factored`` (a factorized column) against the object array of the same cells:
    cells, slices, ``take``, blank cells, and ``factorized`` against ``pandas.factorize`` of the cells,
    also after a slice has dropped strings that occurred only in the rows cut off."""
    import numpy as np
    import pandas as pd

    from surveykit.io.fastcsv import Factored, _nonblank

    cells = np.array(["Header", "Yes", " ", "No", "Yes", "", "Maybe", "No", "Header", "\t"], dtype=object)
    distinct = np.array(["Maybe", "Header", "No", "Yes", " ", "", "\t", "Unused"], dtype=object)
    lookup = {v: k for k, v in enumerate(distinct)}
    col = Factored(np.array([lookup[c] for c in cells], dtype=np.int32), distinct)
    assert list(col) == list(cells) and len(col) == len(cells)
    assert [col[i] for i in range(len(cells))] == list(cells)
    assert list(col.array()) == list(cells)
    assert list(col.take(np.array([3, 0, 3]))) == ["No", "Header", "No"]
    assert list(_nonblank(col)) == list(_nonblank(cells))
    for part, expect in ((col, cells), (col[1:8], cells[1:8]), (col[2:3], cells[2:3])):
        codes, uniques = part.factorized()
        ref_codes, ref_uniques = pd.factorize(np.asarray(expect, dtype=object))
        assert list(codes) == list(ref_codes) and list(uniques) == list(ref_uniques)
        assert list(part) == list(expect)  # factorized() renumbers the column, not its cells


def test_factorized_matches_pandas_on_random_slices_and_takes():
    """``Factored.factorized`` (numpy's renumbering of a slice or a selection of a factorized column)
    against ``pandas.factorize`` of the same cells, on 300 random columns."""
    import random

    import numpy as np
    import pandas as pd

    from surveykit.io.fastcsv import Factored

    rng = random.Random(20261205)
    for _ in range(300):
        words = [f"w{k}" for k in range(rng.randint(1, 12))]
        cells = np.array([rng.choice(words) for _ in range(rng.randint(0, 60))], dtype=object)
        codes, distinct = pd.factorize(cells)
        column = Factored(codes.astype(np.int32), distinct, first_seen=True)
        start, stop = sorted(rng.randint(0, len(cells)) for _ in range(2))
        index = np.array([rng.randrange(len(cells)) for _ in range(rng.randint(0, 20))] if len(cells) else [],
                         dtype=np.intp)
        for part, expect in ((column[start:stop], cells[start:stop]), (column.take(index), cells.take(index)),
                             (column[start:stop:2], cells[start:stop:2])):
            got_codes, got_distinct = part.factorized()
            ref_codes, ref_distinct = pd.factorize(np.asarray(expect, dtype=object))
            assert list(got_codes) == list(ref_codes) and list(got_distinct) == list(ref_distinct)
            assert list(part) == list(expect)


def test_columns_are_numbered_in_the_smallest_type_and_read_the_same(tmp_path, monkeypatch):
    """A column's codes take one byte a cell up to 127 distinct strings, two up to 32,767, four beyond
    (``fastcsv.code_dtype``), as parsed or when the rows below the header rows are numbered again. The
    sample export's respondent id, sector and six open-ended questions, made 40,000 respondents long,
    the questions answered with 126 to 32,768 distinct answers: each column's factorization is
    ``pandas.factorize`` of the csv module's cells, and the prepared data (those questions typed as
    text) and issues are the csv module's. The first 4,096 respondents give one of eight answers, so
    that the columns read as numbered ones, not as free text (``io.factored.mostly_distinct``; that case
    has a test of its own below)."""
    import numpy as np
    import pandas as pd

    from surveykit.clean import prepare

    n = 40_000
    text = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    records = list(csv.reader(text))
    header, body = records[:2], records[2:]
    sizes = {11: 126, 14: 127, 16: 128, 18: 32_766, 19: 32_767, 21: 32_768}  # open-ended columns
    assert all(header[1][j] == "Open-Ended Response" for j in sizes)
    keep = [0, 9, 10, *sizes]  # the respondent id, the sector (with its "other") and the six questions
    rows = [[r[j] for j in keep] for r in header]
    for k in range(n):
        row = body[k % len(body)]
        answers = (f"answer {k % (m if k >= 4096 else 8)}" for m in sizes.values())
        rows.append([str(10 ** 9 + k), row[9], row[10], *answers])
    sizes = {keep.index(j): m for j, m in sizes.items()}  # their places in the narrower export
    path = _write(tmp_path / "many_answers.csv", rows, trailing="")
    slow, fast = _read_both(path, monkeypatch)
    _same(slow, fast)
    limits = ((127, 1), (32_767, 2))
    for j, m in sizes.items():
        held = fast.rows.column_held(j)
        assert isinstance(held, fastcsv.Factored)
        codes, distinct = held.factorized()
        expected_codes, expected = pd.factorize(np.array([r[j] for r in slow.rows], dtype=object))
        assert list(distinct) == list(expected) and np.array_equal(codes, expected_codes)
        # One byte a cell up to 127 strings, two up to 32,767, counting the header cells as parsed.
        assert codes.dtype.itemsize <= next((size for top, size in limits if m + 2 <= top), 4)
    a, b = _prepared_reference(slow), prepare(fast)
    assert a.issues == b.issues and a.data.equals(b.data)
    typed = [c for c in a.data.columns if a.data[c].nunique() in sizes.values()]
    assert len(typed) == len(sizes)  # every one of the six questions was typed, with all its answers


def test_free_text_columns_are_held_as_their_cells_and_read_the_same(tmp_path, monkeypatch, cli):
    """A column where nearly every answer is its own (free text as people write it) is held as the object
    array of its cells, not numbered: numbering would hash every cell to find no repeat. Columns whose
    answers repeat (a closed question, the sector, a question most people skipped) are still numbered.
    Either way the cells, the prepared data and the issues are the csv module's; an answer over the cell
    limit in a free-text column still sends the file back to the exact path, which names its row."""
    import numpy as np

    from surveykit.clean import prepare
    from surveykit.errors import InputError

    text = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    records = list(csv.reader(text))
    header, body = records[:2], records[2:]
    q7, q9 = 18, 19  # the columns of two open-ended questions of the sample
    assert header[1][q7] == header[1][q9] == "Open-Ended Response"
    rows = [list(r) for r in header]
    for k in range(6_000):
        row = list(body[k % len(body)])
        row[0] = str(10 ** 9 + k)
        row[q7] = f"Placement {k} broke down after {k % 17} weeks; she said \u201cI was not safe\u201d"
        row[q9] = f"  note {k}, line one\nline two  " if k % 3 else ""  # a third skipped: still mostly distinct
        rows.append(row)
    path = _write(tmp_path / "free_text.csv", rows, trailing="")
    slow, fast = _read_both(path, monkeypatch)
    _same(slow, fast)
    for j in (0, q7, q9):  # the respondent id and the two answered questions
        held = fast.rows.column_held(j)
        assert isinstance(held, np.ndarray) and held.dtype == object, j
    assert isinstance(fast.rows.column_held(9), fastcsv.Factored)  # the sector
    a, b = _prepared_reference(slow), prepare(fast)
    assert a.issues == b.issues and a.data.equals(b.data)
    assert list(a.data.dtypes) == list(b.data.dtypes)
    target = {m.column.index: m.target for m in b.column_map.mapped}
    assert b.data[target[q7]].nunique() == 6_000 and b.data[target[q9]].isna().sum() == 2_000

    # One answer over the limit, deep in a free-text column: the exact path reports it with its row.
    from surveykit.io import base

    limit = max(len(cell) for row in rows for cell in row)  # every other cell is within it
    monkeypatch.setattr(fastcsv, "MAX_CELL_CHARS", limit)
    monkeypatch.setattr(base, "MAX_CELL_CHARS", limit)
    rows[4_000][q7] = "x" * (limit + 1)
    big = _write(tmp_path / "one_long_answer.csv", rows, trailing="")
    # The row a spreadsheet shows: the record's number from the header record. Answers above it hold line
    # breaks, so the file's line (where the record ends) is further down and must not be named.
    reader = csv.reader(io.StringIO(big.read_text(encoding="utf-8"), newline=""))
    found = next((k, reader.line_num) for k, record in enumerate(reader, 1) if record[q7].startswith("xxx"))
    record_no, line = found
    assert record_no == 4_001 and line > record_no  # rows[4_000], counted from rows[0] as record 1
    with pytest.raises(InputError) as err:
        read_export(big)
    assert "characters" in str(err.value) and err.value.row == record_no
    assert err.value.column == fastcsv.column_letter(q7)
    # The same through the command a user runs: one line naming the row and the column, not the answer.
    done = cli("validate", str(big))
    assert done.returncode == 2 and f"row {record_no}," in done.stderr and f"row {line}," not in done.stderr
    assert f"column '{fastcsv.column_letter(q7)}'" in done.stderr
    assert "xxxxxxxxxx" not in done.stderr and "Traceback" not in done.stderr
