"""The answers of any CSV, read a block at a time, checked as ``answers.answers_from_table`` checks them.

``TableAnswers(path, text_column=..., id_column=..., sector_column=...)`` is iterated once and gives
``(respondent_id, text, group)`` triples in file order, holding one block of the file at a time. The
checks and their messages are those of ``answers_from_table``: a column that is not in the header, an
answer without an id, an id on more than one row; when a file has several problems, the one reported
is the one the whole-file reader reports (CSV problems anywhere first, then the header, then the first
bad row). Repeated ids are found with a 128-bit hash of each id (16 bytes per answer, not the ids
themselves), checked when the file ends, so the error comes after the answers were coded; the caller
writes nothing before the iteration has ended. ``io.stream_table.NotStreamable`` propagates: the
file must be read whole (``answers_from_table``) instead.
"""

from __future__ import annotations

import hashlib
from array import array
from pathlib import Path
from typing import Iterator

from surveykit.errors import InputError, invalid_choice, quoted_or


class TableAnswers:
    def __init__(self, path: str | Path, *, text_column: str, id_column: str = "respondent_id",
                 sector_column: str | None = None, question_id: str | None = None) -> None:
        self.path = Path(path)
        self.text_column = text_column
        self.id_column = id_column
        self.sector_column = sector_column
        self.question_id = question_id or text_column
        self.has_groups = sector_column is not None

    def __iter__(self) -> Iterator[tuple[str, str | None, str | None]]:
        from surveykit.io.stream_table import open_table_stream

        with open_table_stream(self.path) as stream:
            yield from self._answers(stream)

    def _answers(self, stream) -> Iterator[tuple[str, str | None, str | None]]:
        path = self.path
        header = [h.strip().lstrip("\ufeff") for h in stream.header]
        wanted = [("--id-column", self.id_column), ("--text-column", self.text_column)]
        if self.sector_column:
            wanted.append(("--sector-column", self.sector_column))
        for opt, col in wanted:
            if col not in header:
                _drain(stream)  # a CSV problem further down is reported first, as when reading whole
                raise invalid_choice(opt, col, header)
        i, j = header.index(self.id_column), header.index(self.text_column)
        k = header.index(self.sector_column) if self.sector_column else None
        width = len(header)
        seen = _IdHashes()
        problem: InputError | None = None
        problem_row = 0
        add = seen.add
        for n, (_, r) in enumerate(stream.rows, start=1):
            if len(r) < width:
                r = r + [""] * (width - len(r))
            rid = r[i].strip()
            if not rid:
                if r[j].strip():
                    problem = InputError("an answer has no id", path=path, row=n, column=self.id_column)
                    problem_row = n
                    break
                continue
            add(rid, n)
            text = r[j]
            yield rid, (text if text.strip() else None), ((r[k].strip() or None) if k is not None else None)
        if problem is not None:
            _drain(stream)
        dup = seen.first_repeat()
        if dup is not None and (problem is None or dup < problem_row):
            rid = self._id_at(dup)
            raise InputError(f"{quoted_or(rid, 'respondent id')} appears on more than one row", path=path, row=dup,
                             column=self.id_column)
        if problem is not None:
            raise problem

    def _id_at(self, row: int) -> str:
        """The id on data row ``row`` (read again: only the error path pays for it)."""
        from surveykit.io.stream_table import open_table_stream

        with open_table_stream(self.path) as stream:
            header = [h.strip().lstrip("\ufeff") for h in stream.header]
            i = header.index(self.id_column)
            for n, (_, r) in enumerate(stream.rows, start=1):
                if n == row:
                    return (r[i] if i < len(r) else "").strip()
        return ""


_blake2b = hashlib.blake2b


def _drain(stream) -> None:
    for _ in stream.rows:
        pass


class _IdHashes:
    """16-byte digests of the ids seen and their rows: duplicates found at the end by sorting."""

    def __init__(self) -> None:
        self._digests = bytearray()
        self._rows = array("q")

    def add(self, rid: str, row: int) -> None:
        self._digests += _blake2b(rid.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        self._rows.append(row)

    def first_repeat(self) -> int | None:
        """The first row (in file order) whose id was on an earlier row, or None."""
        if len(self._rows) < 2:
            return None
        import numpy as np

        halves = np.frombuffer(self._digests, dtype=np.uint64).reshape(-1, 2)
        hi, lo = halves[:, 0], halves[:, 1]
        order = np.lexsort((lo, hi))  # lexsort is stable
        hi, lo = hi[order], lo[order]
        same = (hi[1:] == hi[:-1]) & (lo[1:] == lo[:-1])
        if not same.any():
            return None
        # Stable sort: within a run of equal ids the rows are ascending, so each later one is a repeat.
        rows = np.frombuffer(self._rows, dtype=np.int64)
        return int(rows[order[1:][same]].min())
