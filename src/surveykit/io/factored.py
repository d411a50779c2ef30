"""How a large export's columns are held once parsed (``io.fastcsv``): numbered, as a ``Factored``
column (its distinct strings and, per cell, the index of its string, in the smallest integer type that
numbers them: ``code_dtype``), or, for free text where nearly every answer is its own
(``mostly_distinct``), as the object array of the cells. Apart from the parsing, which makes them, and
from ``ColumnarRows``, which holds them as rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

# A slice of a first-seen column that starts within this many rows is renumbered from the rows cut
# off (``Factored._renumbered``); one that starts further down, by a pass over all its codes.
_RENUMBER_HEAD_ROWS = 16


def code_dtype(n_distinct: int):
    """The smallest integer type that numbers ``n_distinct`` strings: most columns of a survey hold a
    handful of answers, and a code of one byte a cell instead of four keeps 100,000 respondents x 100
    columns 30 MB smaller (twice over while ``prepare`` renumbers the rows below the header)."""
    import numpy as np

    return np.int8 if n_distinct <= 127 else np.int16 if n_distinct <= 32767 else np.int32


class Factored:
    """One column held as its distinct strings (``distinct``, an object array) and, per cell, the index
    of its string (``codes``): a factorized column. It does for ``ColumnarRows`` what the object array
    of its cells does (``c[i]``, slices, ``take``, iteration, ``len``); ``array()`` builds that array
    the first time it is asked for, and keeps it. ``prepare`` types the column from ``factorized()``
    without it."""

    __slots__ = ("codes", "distinct", "_first_seen", "_head", "_array")

    def __init__(self, codes: "np.ndarray", distinct: "np.ndarray", *, first_seen: bool = False,
                 head: int | None = None) -> None:
        self.codes = codes
        self.distinct = distinct
        # True when ``distinct`` holds only strings that occur, in the order they first occur.
        self._first_seen = first_seen
        # For the rows below the first few of a first-seen column: how many strings those rows held
        # (``_renumbered``); None for any other column.
        self._head = head
        self._array: "np.ndarray | None" = None

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, i):
        if isinstance(i, slice):
            codes = self.codes[i]
            head = None
            if self._first_seen and i.step in (None, 1) and len(codes):
                start = i.indices(len(self.codes))[0]
                if start <= _RENUMBER_HEAD_ROWS:
                    head = int(self.codes[:start].max()) + 1 if start else 0
            return Factored(codes, self.distinct, head=head)
        return self.distinct[self.codes[i]]

    def __iter__(self) -> Iterator[str]:
        return iter(self.array())

    def take(self, index: "np.ndarray") -> "Factored":
        return Factored(self.codes.take(index), self.distinct)

    def array(self) -> "np.ndarray":
        """The cells as an object array (equal cells share one string object)."""
        if self._array is None:
            self._array = self.distinct.take(self.codes)
        return self._array

    def factorized(self) -> "tuple[np.ndarray, np.ndarray]":
        """(codes, distinct) exactly as ``pandas.factorize`` of the cells gives them: the distinct
        strings that occur, in the order they first occur (a slice of a column may have lost some)."""
        if not self._first_seen and self._head is not None:
            self.codes, self.distinct = self._renumbered(self._head)
            self._first_seen = True
        if not self._first_seen:
            import numpy as np

            # Where each string first occurs (len(codes) if nowhere), then the strings that occur in
            # that order: numpy's loops over small integers, about 3x faster than pandas.factorize here.
            n = len(self.codes)
            first = np.full(len(self.distinct), n, dtype=np.int64)
            np.minimum.at(first, self.codes, np.arange(n))
            used = np.flatnonzero(first < n)
            used = used[np.argsort(first[used], kind="stable")]
            number = np.zeros(len(self.distinct), dtype=code_dtype(len(used)))
            number[used] = np.arange(len(used))
            self.codes, self.distinct, self._first_seen = number.take(self.codes), self.distinct.take(used), True
        return self.codes, self.distinct

    def _renumbered(self, m: int) -> "tuple[np.ndarray, np.ndarray]":
        """``factorized()`` of the rows below the first few of a first-seen column, the cut-off rows
        holding its first ``m`` strings, without a pass over every distinct string.

        The strings first seen below the cut are numbered m, m + 1, ... up to the largest code, and
        keep that order. Only the m head strings can be out of place: a blank header cell, for one,
        that is also a blank answer. Each that occurs again goes where its first occurrence puts it."""
        import numpy as np

        codes = self.codes
        top = int(codes.max())
        if top < m:  # nothing but head strings: renumbered as any other column
            return Factored(codes, self.distinct).factorized()
        again: list[tuple[int, int]] = []  # (first position below the cut, head code)
        for h in range(m):
            hits = codes == h
            at = int(hits.argmax())
            if hits[at]:
                again.append((at, h))
        if not again:
            return (codes - m if m else codes), self.distinct[m:top + 1]
        again.sort()
        # A head string goes after the new strings first seen before it (they are m..last, in order).
        slots = []
        for at, _ in again:
            before = codes[:at]
            newer = before[before >= m]
            slots.append(int(newer.max()) - m + 1 if newer.size else 0)
        order = np.insert(np.arange(m, top + 1), slots, [h for _, h in again])
        number = np.zeros(top + 1, dtype=code_dtype(len(order)))
        number[order] = np.arange(len(order))
        return number.take(codes), self.distinct.take(order)


#: The first cells of a column that ``mostly_distinct`` looks at.
DISTINCT_SAMPLE = 2048


def mostly_distinct(n_distinct: int, n_cells: int) -> bool:
    """Whether a column whose first ``n_cells`` cells hold ``n_distinct`` different strings is held as
    its cells rather than numbered (``Factored``): free text, where nearly every answer is its own.
    Numbering its strings would hash every cell to find next to no repeat: about 30 ms a column of
    100,000 answers, and an export has dozens. (Blank answers repeat: a question most people skipped
    is still numbered.) How a column is held changes no value read, only the work."""
    return n_cells >= 256 and n_distinct > n_cells // 2
