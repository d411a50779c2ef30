"""Large CSV exports parsed by pandas' C parser into columns, not Python rows.

``csv.reader`` makes one Python list per record and one string per cell: on 100,000 respondents x
100+ columns that is most of the time and memory of reading an export. ``parse_columns`` parses the
same text with pandas' C tokenizer and factorizes each column at once: a column is then held as its
distinct strings and one small integer per cell (a ``Factored`` column). A column of free text, where
nearly every answer is its own (``mostly_distinct``, judged on its first cells), is held as the object
array of its cells instead: numbering it would hash every cell for next to no repeat. ``ColumnarRows``
behaves as the sequence of row tuples the readers and ``prepare`` expect, while ``prepare`` takes whole
columns from it and types each distinct string once, without building the cells.

The fast path only runs when its result is the one ``csv.reader`` gives: any record wider than the
widest of the first rows, a cell over ``MAX_CELL_CHARS``, or a parser complaint sends the file back
to the exact Python path, which reports the problem with its row and column. Small files always take
the Python path (their parse time is nothing).

The text is parsed from the bytes its ``Sniff`` holds (``Sniff.decoded``): a UTF-8 file's own, a
Windows-1252 or Mac Roman file's own in that encoding (pandas decodes them a block at a time), or the
text encoded as UTF-8. Each column's codes take the smallest integer type that numbers its strings.

Where pyarrow is installed the parser puts the cells into Arrow strings and Arrow numbers each
column's distinct strings (``_arrow_columns``): no Python string is made but one per distinct value
(one per cell, for free text), and a large file is parsed as two halves at once. That is still
pandas' tokenizer, so the reading is the same. pyarrow's own CSV reader was tried (2026-12-05) and
left out: it silently drops the ``\n`` of a quoted ``\r\n`` that straddles two of its blocks
(apache/arrow issue 51368), which no check of the first rows would catch.
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
from typing import TYPE_CHECKING, Iterator, Sequence

from surveykit.errors import InputError
from surveykit.io.base import MAX_CELL_CHARS, Sniff, column_letter, parse_delimited
from surveykit.io.decoding import LazyText
from surveykit.io.factored import DISTINCT_SAMPLE, Factored, code_dtype, mostly_distinct

if TYPE_CHECKING:
    import numpy as np

# Below this many bytes the csv module is as fast as it needs to be, and its result is the reference.
FAST_PARSE_BYTES = 1_000_000
_UTF8 = frozenset({"utf-8", "utf-8-sig"})


class ColumnarRows(Sequence):
    """Rows of an export held as columns: ``rows[i]`` is a tuple of strings, ``rows.column(j)`` an
    object array of one column (no copy when it is held as one), ``rows.column_held(j)`` the column as
    it is held (an object array or a ``Factored``). Every row has ``width`` cells ('' for a missing
    field)."""

    __slots__ = ("_columns", "_n", "_head", "_record", "_offset")

    def __init__(self, columns: "list[np.ndarray | Factored]", n: int, head: tuple = (), record=None, offset: int = 0):
        self._columns = columns
        self._n = n
        # The first records exactly as the csv module read them (a header row keeps its own length).
        self._head = head
        # record(k): the file's k-th record as the csv module reads it (for an error message that needs
        # a row's real number of fields); row 0 here is record ``offset``.
        self._record = record
        self._offset = offset

    @property
    def width(self) -> int:
        return len(self._columns)

    def column(self, j: int) -> "np.ndarray":
        if j >= len(self._columns):
            import numpy as np

            out = np.empty(self._n, dtype=object)
            out[:] = ""
            return out
        col = self._columns[j]
        return col.array() if isinstance(col, Factored) else col

    def column_held(self, j: int):
        """Column ``j`` as it is held: an object array, or a ``Factored`` (see ``column``)."""
        return self._columns[j] if j < len(self._columns) else self.column(j)

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i):
        if isinstance(i, slice):
            start, stop, step = i.indices(self._n)
            n = len(range(start, stop, step))
            if step != 1:
                return ColumnarRows([c[start:stop:step] for c in self._columns], n)
            return ColumnarRows([c[start:stop] for c in self._columns], n, self._head[start:stop], self._record,
                                self._offset + start)
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(i)
        if i < len(self._head):
            return self._head[i]
        return tuple(c[i] for c in self._columns)

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        yield from self._head
        if self._columns:
            yield from zip(*(c[len(self._head):] for c in self._columns))
        else:
            yield from [()] * (self._n - len(self._head))

    def __eq__(self, other) -> bool:
        if isinstance(other, ColumnarRows):
            other = tuple(other)
        return isinstance(other, (tuple, list)) and tuple(self) == tuple(tuple(r) for r in other)

    __hash__ = None  # type: ignore[assignment]

    def take(self, index: "np.ndarray") -> "ColumnarRows":
        return ColumnarRows([c.take(index) for c in self._columns], len(index))

    def fit_width(self, width: int, *, path: object, first_row: int) -> "ColumnarRows":
        """``base.check_widths`` for columns: cells past ``width`` must be blank (trailing commas)."""
        import numpy as np

        if width < len(self._columns):
            bad = np.zeros(self._n, dtype=bool)
            for j in range(width, len(self._columns)):
                bad |= _nonblank(self._columns[j])
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                if self._record is not None:
                    n_fields = len(self._record(self._offset + i))
                else:  # fields up to the last non-empty one (trailing empty fields are not seen here)
                    n_fields = max(k for k in range(len(self._columns)) if self._columns[k][i] != "") + 1
                raise InputError(f"this row has {n_fields} fields but the header has {width}",
                                 path=path, row=first_row + i)
        if width <= len(self._columns):
            return ColumnarRows(self._columns[:width], self._n)
        pad = np.empty(self._n, dtype=object)
        pad[:] = ""
        return ColumnarRows(self._columns + [pad] * (width - len(self._columns)), self._n)

    def blank_rows(self) -> "np.ndarray":
        """Indices of rows whose every cell is blank or whitespace, found without a loop over all rows:
        each column narrows the candidates, and the first (an id, usually) leaves almost none."""
        import numpy as np

        candidates = np.arange(self._n)
        for col in self._columns:
            if not candidates.size:
                break
            candidates = candidates[~_nonblank(col.take(candidates) if candidates.size < self._n else col)]
        return candidates

    def drop_blank(self) -> "ColumnarRows":
        import numpy as np

        blank = self.blank_rows()
        if not blank.size:
            return self
        keep = np.setdiff1d(np.arange(self._n), blank, assume_unique=True)
        return self.take(keep)


def _nonblank(col) -> "np.ndarray":
    """True where a cell has a character other than whitespace (cells are '' mostly: test that first)."""
    import numpy as np

    if isinstance(col, Factored):  # each distinct string looked at once
        return _nonblank(col.distinct)[col.codes] if len(col.distinct) else np.zeros(len(col), dtype=bool)

    out = col != ""
    idx = np.flatnonzero(out)
    if idx.size:
        # str.isspace is True exactly for a non-empty cell of whitespace alone (numpy's loop, not Python's).
        out[idx[np.frompyfunc(str.isspace, 1, 1)(col[idx]).astype(bool)]] = False
    return out


def drop_blank_rows(rows):
    """Rows with something other than whitespace (any sequence of rows, columnar or not)."""
    if isinstance(rows, ColumnarRows):
        return rows.drop_blank()
    return [r for r in rows if "".join(r).strip()]


def as_row_tuple(rows):
    """What a RawExport stores: columnar rows as they are, anything else as a tuple of row tuples."""
    return rows if isinstance(rows, ColumnarRows) else tuple(rows)


def text_rows(sniff: Sniff):
    """Every record of a text export: ``ColumnarRows`` for a large file when the fast path gives the
    same result as the csv module, else the csv module's list of lists."""
    if len(sniff.data) >= FAST_PARSE_BYTES:
        rows = parse_columns(sniff)
        if rows is not None:
            return rows
    return parse_delimited(sniff.text, delimiter=sniff.delimiter, path=sniff.path)


def parse_columns(sniff: Sniff) -> ColumnarRows | None:
    """The file's records as columns, or None when only the Python path can read it faithfully."""
    width = max((len(r) for r in sniff.head_rows), default=0)
    if not width:
        return None
    codec = "utf-8"
    if isinstance(sniff.decoded, LazyText):
        # The text held as bytes: the file's own (past a byte-order mark, rather than leaving that to
        # pandas' "utf-8-sig", which sends the whole file through Python's decoder: 0.4 s and 100 MB
        # more for 100,000 respondents; or in a single-byte encoding, which pandas decodes a block at a
        # time), or its transcoding to UTF-8. Parsed without another copy.
        data, start, codec = sniff.decoded.data, sniff.decoded.start, sniff.decoded.codec
    elif not sniff.notes and sniff.encoding in _UTF8:
        data = sniff.data  # a small file's bytes are its text exactly
        start = len(_BOM) if sniff.encoding == "utf-8-sig" and data.startswith(_BOM) else 0
    else:
        try:
            data, start = sniff.text.encode("utf-8"), 0
        except UnicodeEncodeError:  # a lone surrogate (a --encoding such as utf-7): the Python path reads it
            return None
    columns = _pandas_columns(data, width, sniff.delimiter, start=start, encoding=codec)
    if columns is None:
        return None
    n = len(columns[0])
    rows = ColumnarRows(columns, n)
    # The csv module drops trailing blank records; so does this.
    blank = rows.blank_rows()
    end = n
    k = blank.size - 1
    while k >= 0 and blank[k] == end - 1:
        end -= 1
        k -= 1
    if end < n:
        rows = rows[:end]
    # The first records must read exactly as the csv module read them when sniffing.
    head = tuple(tuple(r) for r in sniff.head_rows[: min(len(sniff.head_rows), len(rows))])
    for i, row in enumerate(head):
        if rows[i] != row + ("",) * (width - len(row)):
            return None

    def record(k: int) -> list[str]:
        return parse_delimited(sniff.text, delimiter=sniff.delimiter, path=sniff.path, limit=k + 1)[k]

    return ColumnarRows(rows._columns, len(rows), head, record)


def _pandas_columns(data: bytes, width: int, delimiter: str, *, start: int = 0, encoding: str = "utf-8",
                    ) -> "list[np.ndarray | Factored] | None":
    """Every column of the text ``data[start:]`` (in ``encoding``: UTF-8, or one byte a character) as a
    ``Factored``, or as the object array of its cells where nearly every cell differs
    (``mostly_distinct``), parsed by pandas' C parser (None: it refuses the file, or a cell is over the
    limit). Where pyarrow is installed the cells become Arrow strings, never Python ones
    (``_arrow_columns``); otherwise they are Python strings, factorized by pandas."""
    if _arrow_string_dtype() is not None:
        return _arrow_columns(data, encoding, width, delimiter, start)
    return _object_columns(data, encoding, width, delimiter, start)


def _read_options(width: int, delimiter: str, encoding: str) -> dict:
    """pandas.read_csv's options for the csv module's reading: every cell its exact text."""
    return dict(sep=delimiter, header=None, names=range(width), index_col=False, na_filter=False,
                keep_default_na=False, skip_blank_lines=False, quotechar='"', doublequote=True, escapechar=None,
                quoting=csv.QUOTE_MINIMAL, skipinitialspace=False, comment=None, engine="c", encoding=encoding)


def _object_columns(data: bytes, encoding: str, width: int, delimiter: str, start: int = 0,
                    ) -> "list[np.ndarray | Factored] | None":
    """The columns parsed into Python strings and factorized: factorizing a column costs about what
    measuring every cell did, and then only its distinct strings are measured, and typed by ``prepare``.
    A column of free text, nearly every cell its own (``mostly_distinct``), is kept as its cells."""
    import pandas as pd

    try:
        source = io.BufferedReader(_Slice(memoryview(data)[start:]), 1 << 20) if start else io.BytesIO(data)
        frame = pd.read_csv(source, dtype=object, **_read_options(width, delimiter, encoding))
    except Exception:  # noqa: BLE001 - a wider row, a stray quote ...: the Python path says what is wrong
        return None
    cells = [frame[j].to_numpy(dtype=object, copy=False) for j in range(width)]
    del frame
    columns: list[np.ndarray | Factored] = []
    for j in range(width):
        if mostly_distinct(len(set(cells[j][:DISTINCT_SAMPLE])), min(len(cells[j]), DISTINCT_SAMPLE)):
            column = cells[j]
            cells[j] = None
            if len(column) and max(map(len, column)) > MAX_CELL_CHARS:
                return None
            columns.append(column)
            continue
        # pandas.factorize numbers the strings in the order they first occur. Cells are strings, never
        # missing (na_filter=False); a missing one (code -1) would send the file to the exact path.
        codes, distinct = pd.factorize(cells[j])
        cells[j] = None  # freed as the columns are factorized
        if len(codes) and codes.min() < 0 or len(distinct) and max(map(len, distinct)) > MAX_CELL_CHARS:
            return None
        columns.append(Factored(codes.astype(code_dtype(len(distinct))), distinct, first_seen=True))
    return columns


#: From this size a file is parsed in two halves at once (pandas' tokenizer lets go of the GIL).
SPLIT_PARSE_BYTES = 8_000_000
#: The parsed columns' memory goes back to the system each time this much of it has been freed.
RELEASE_BYTES = 16 * 1024 ** 2
_BOM = b"\xef\xbb\xbf"


def _arrow_string_dtype():
    """pandas' dtype for Arrow strings, or None without pyarrow."""
    try:
        import pandas as pd
        import pyarrow as pa

        return pd.ArrowDtype(pa.large_string())
    except Exception:  # noqa: BLE001 - not installed, or a pyarrow this pandas cannot use
        return None


class _Slice(io.RawIOBase):
    """A read-only file over part of a bytes object, without copying it (the parser reads in blocks)."""

    def __init__(self, view: memoryview) -> None:
        self._view = view
        self._pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), len(self._view) - self._pos)
        buffer[:n] = self._view[self._pos:self._pos + n]
        self._pos += n
        return n


def _parse_loaded(part: memoryview, options: dict):
    """``part`` parsed with ``options`` by a parser handed the bytes themselves (pandas 3.1's
    ``TextReader.load_buffer``, which its own parallel ``read_csv`` of a file path uses), or None where
    this pandas has no such parser. Read through a file object, the tokenizer takes the GIL for every
    block it asks for, so two halves parsed at once wait on each other; handed the bytes, it never does.
    Only the way the bytes reach the tokenizer differs: the options, and so the cells and the errors,
    are ``read_csv``'s."""
    import pandas as pd

    with pd.read_csv(io.BytesIO(b""), iterator=True, **options) as reader:
        parser = getattr(getattr(reader, "_engine", None), "_reader", None)
        if not callable(getattr(parser, "load_buffer", None)):
            return None
        parser.load_buffer(part)
        return reader.read()


def _record_boundary(data: bytes) -> int:
    """A byte offset near the middle just after a line feed (0: none worth splitting at). Whether
    it is a record boundary, not a line break inside a quoted cell, is for the parse to confirm."""
    if len(data) < SPLIT_PARSE_BYTES:
        return 0
    cut = data.find(b"\n", len(data) // 2) + 1
    # The parser would take a byte-order mark at the start of the second half for its own.
    if cut <= 0 or cut >= len(data) or data.startswith(_BOM, cut):
        return 0
    return cut


def _arrow_columns(data: bytes, encoding: str, width: int, delimiter: str, start: int = 0,
                   ) -> "list[np.ndarray | Factored] | None":
    """The columns parsed into Arrow strings and dictionary-encoded by Arrow: no Python string is made
    but for the distinct strings of each column (or for every cell of a free-text one). A large file
    is parsed as two halves in two threads, cut after a line feed near the middle. The cut is a record
    boundary exactly when the first half parses on its own: a cut inside a quoted cell leaves that
    half ending inside quotes, which the parser refuses ("EOF inside string"); then the file is parsed
    whole. Arrow numbers each column's
    strings in the order they first occur, as ``pandas.factorize`` does. The text is ``data[start:]``
    (``start``: past a byte-order mark); ``_record_boundary`` and the cut count from the start of ``data``."""
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    options = dict(_read_options(width, delimiter, encoding), dtype=_arrow_string_dtype())
    # The tokenizer reads a loaded buffer as UTF-8; text in another encoding is decoded by pandas as it reads.
    loaded = codecs.lookup(encoding).name == "utf-8"

    view = memoryview(data)

    def parse(part: memoryview):
        frame = _parse_loaded(part, options) if loaded else None
        if frame is None:
            frame = pd.read_csv(io.BufferedReader(_Slice(part), 1 << 20), **options)
        return [frame[j].array.__arrow_array__() for j in range(width)]  # chunked Arrow arrays, no copy

    cut = _record_boundary(data)
    # pandas takes the width of a half from its first record: a first record wider than ``width`` is
    # cut short with a ParserWarning, where further down the file it is an error. A record that wide
    # can only start the second half (the first half starts with the head rows that set ``width``);
    # the warning is made an error, so that such a cut is refused. (The filter is the process's: set
    # here, around both threads, not in them.)
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        try:
            if cut:
                # The first half is parsed here, not in a second thread: this thread's allocator keeps the
                # memory its columns free as they are numbered, and the arrays ``prepare`` makes next (on
                # this thread) reuse it instead of faulting in fresh pages (bench/RESULTS.md).
                with ThreadPoolExecutor(1, thread_name_prefix="surveykit-parse") as pool:
                    second = pool.submit(parse, view[cut:])
                    halves = (parse(view[start:cut]), second.result())
                chunked = [pa.chunked_array(a.chunks + b.chunks, type=a.type) for a, b in zip(*halves)]
                del halves
            else:
                chunked = parse(view[start:])
        except Exception:  # noqa: BLE001 - a wider row, a stray quote, a cut inside quotes: see above
            if not cut:
                return None
            try:
                chunked = parse(view[start:])
            except Exception:  # noqa: BLE001 - the Python path says what is wrong
                return None

    def encode(j: int):
        column = chunked[j]
        if column.null_count:  # never with na_filter=False; a missing cell would go to the exact path
            return None
        head = column.slice(0, DISTINCT_SAMPLE)
        if mostly_distinct(pc.count_distinct(head).as_py(), len(head)):
            # Held as its cells. A cell of more bytes than the limit may still be within it in characters.
            if len(column) and pc.max(pc.binary_length(column)).as_py() > MAX_CELL_CHARS \
                    and pc.max(pc.utf8_length(column)).as_py() > MAX_CELL_CHARS:
                return None
            return column, None
        encoded = pc.dictionary_encode(column)  # one dictionary across the chunks, first occurrence first
        distinct = encoded.chunks[-1].dictionary if encoded.num_chunks else pa.array([], type=column.type)
        if len(distinct) and pc.max(pc.utf8_length(distinct)).as_py() > MAX_CELL_CHARS:
            return None
        codes = np.concatenate([c.indices.to_numpy() for c in encoded.chunks]) if encoded.num_chunks else \
            np.zeros(0, dtype=np.int32)
        return codes.astype(code_dtype(len(distinct)), copy=False), distinct

    columns: list[np.ndarray | Factored] = []
    pool_memory = pa.default_memory_pool()
    freed = 0  # bytes of parsed columns freed since their memory last went back to the system
    with ThreadPoolExecutor(2, thread_name_prefix="surveykit-encode") as pool:
        for j, done in enumerate(pool.map(encode, range(width))):
            freed += chunked[j].nbytes
            chunked[j] = None  # freed as the columns are encoded
            # The parsed columns' memory goes back to the system: the Python strings made for the
            # distinct values cannot reuse it (CPython keeps small objects in arenas of its own), and a
            # large export's parse peaked 30-40 MB higher (a free-text one 130-150 MB). A call takes
            # 0.6-0.9 ms with the system allocator the command uses, so it is made once
            # ``RELEASE_BYTES`` have been freed, not after every column.
            if freed >= RELEASE_BYTES or j == width - 1:
                pool_memory.release_unused()
                freed = 0
            if done is None:
                return None
            held, distinct = done
            if distinct is None:  # free text: ``held`` is the Arrow column, taken as its cells
                columns.append(held.to_numpy(zero_copy_only=False))
            else:  # ``held`` is the column's codes
                columns.append(Factored(held, distinct.to_numpy(zero_copy_only=False), first_seen=True))
    return columns


__all__ = ["ColumnarRows", "FAST_PARSE_BYTES", "Factored", "as_row_tuple", "column_letter", "drop_blank_rows", "parse_columns",
           "text_rows"]
