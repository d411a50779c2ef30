"""Large CSV exports parsed by pandas' C parser into columns, not Python rows.

``csv.reader`` makes one Python list per record and one string per cell: on 100,000 respondents x
100+ columns that is most of the time and memory of reading an export. ``parse_columns`` parses the
same text with pandas' C tokenizer (which also shares one string object between equal cells of a
chunk) and keeps each column as an object array. ``ColumnarRows`` then behaves as the sequence of
row tuples the readers and ``prepare`` expect, while ``prepare`` takes whole columns from it.

The fast path only runs when its result is the one ``csv.reader`` gives: any record wider than the
widest of the first rows, a cell over ``MAX_CELL_CHARS``, or a parser complaint sends the file back
to the exact Python path, which reports the problem with its row and column. Small files always take
the Python path (their parse time is nothing).
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Iterator, Sequence

from surveykit.errors import InputError
from surveykit.io.base import MAX_CELL_CHARS, Sniff, column_letter, parse_delimited

if TYPE_CHECKING:
    import numpy as np

# Below this many bytes the csv module is as fast as it needs to be, and its result is the reference.
FAST_PARSE_BYTES = 1_000_000
_UTF8 = frozenset({"utf-8", "utf-8-sig"})


class ColumnarRows(Sequence):
    """Rows of an export held as columns: ``rows[i]`` is a tuple of strings, ``rows.column(j)`` an
    object array of one column (no copy). Every row has ``width`` cells ('' for a missing field)."""

    __slots__ = ("_columns", "_n", "_head", "_record", "_offset")

    def __init__(self, columns: "list[np.ndarray]", n: int, head: tuple = (), record=None, offset: int = 0):
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
        return self._columns[j]

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


def _nonblank(col: "np.ndarray") -> "np.ndarray":
    """True where a cell has a character other than whitespace (cells are '' mostly: test that first)."""
    import numpy as np

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
    import pandas as pd

    width = max((len(r) for r in sniff.head_rows), default=0)
    if not width:
        return None
    if not sniff.notes and sniff.encoding in _UTF8:
        # The bytes are the text exactly: parse them without a second copy of the file.
        source, encoding = io.BytesIO(sniff.data), sniff.encoding
    else:
        source, encoding = io.BytesIO(sniff.text.encode("utf-8")), "utf-8"
    try:
        frame = pd.read_csv(source, sep=sniff.delimiter, header=None, names=range(width), index_col=False,
                            dtype=object, na_filter=False, keep_default_na=False, skip_blank_lines=False,
                            quotechar='"', doublequote=True, escapechar=None, quoting=csv.QUOTE_MINIMAL,
                            skipinitialspace=False, comment=None, engine="c", encoding=encoding)
    except Exception:  # noqa: BLE001 - a wider row, a stray quote ...: the Python path says what is wrong
        return None
    columns = [frame[j].to_numpy(dtype=object, copy=False) for j in range(width)]
    n = len(frame)
    del frame
    for col in columns:
        if n and max(map(len, col)) > MAX_CELL_CHARS:
            return None
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


__all__ = ["ColumnarRows", "FAST_PARSE_BYTES", "as_row_tuple", "column_letter", "drop_blank_rows", "parse_columns",
           "text_rows"]
