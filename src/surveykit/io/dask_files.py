"""Files of answers for the Dask engine: expanding globs, reading CSV/Parquet as a Dask DataFrame, and
writing one part of a partitioned output.

Dask is an optional extra (``pip install 'surveykit[dask]'``); ``require_dask`` turns its absence into
one clear error. Every cell is read as text, nothing is taken for a missing value (an empty cell is
an empty string), and each file is one partition: a CSV answer may hold a line break inside quotes,
which splitting a file at byte offsets would cut in two. The delimiter is guessed from the first CSV
file's first record, as for a single file.
"""

from __future__ import annotations

import glob
from pathlib import Path
from typing import Any, Sequence

from surveykit.errors import InputError, UsageError

PARQUET_SUFFIXES = (".parquet", ".pq")


def require_dask() -> None:
    """UsageError naming the install command when Dask (dataframe + distributed) is missing."""
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        raise UsageError("--engine dask needs Dask, which is not installed: pip install 'surveykit[dask]'") from None


def expand_inputs(patterns: Sequence[str | Path]) -> list[Path]:
    """The files named by paths and globs (each glob sorted), in the order given; duplicates dropped.
    InputError for a pattern that names no file; UsageError when CSV and Parquet are mixed."""
    from surveykit.io.files import check_input

    files: list[Path] = []
    for pattern in patterns:
        text = str(pattern)
        matches = sorted(glob.glob(text)) if glob.has_magic(text) else [text]
        if not matches:
            raise InputError("no file matches this pattern", path=text)
        for m in matches:
            p = check_input(m)
            if p not in files:
                files.append(p)
    kinds = {p.suffix.lower() in PARQUET_SUFFIXES for p in files}
    if len(kinds) > 1:
        raise UsageError("give either CSV or Parquet files, not both")
    return files


def read_answers_frame(files: Sequence[Path], *, wanted: Sequence[tuple[str, str]]) -> Any:
    """A Dask DataFrame of the ``wanted`` columns (``(option, column)`` pairs) of the files as text, one
    partition per file, in file order. A file that lacks a column: ``invalid_choice(option, ...)``
    listing the columns it has."""
    import dask.dataframe as dd

    from surveykit.errors import invalid_choice

    columns = list(dict.fromkeys(c for _, c in wanted))

    if files[0].suffix.lower() in PARQUET_SUFFIXES:
        import pyarrow.parquet as pq

        for f in files:
            names = pq.read_schema(f).names
            for opt, c in wanted:
                if c not in names:
                    raise invalid_choice(opt, c, names)
        ddf = dd.read_parquet([str(f) for f in files], columns=list(columns), split_row_groups=False)
        return ddf.astype({c: "string" for c in columns}).fillna("")
    sep = _delimiter(files[0])
    for f in files:
        header = _header(f, sep)
        for opt, c in wanted:
            if c not in header:
                raise invalid_choice(opt, c, header)
    return dd.read_csv([str(f) for f in files], sep=sep, usecols=list(columns), dtype=str, keep_default_na=False,
                       na_filter=False, skip_blank_lines=False, blocksize=None, encoding="utf-8-sig")


def _head_text(path: Path, size: int = 256 * 1024) -> str:
    with open(path, "rb") as fh:
        data = fh.read(size)
    return data.decode("utf-8-sig", errors="replace")


def _delimiter(path: Path) -> str:
    from surveykit.io.base import guess_delimiter

    return guess_delimiter(_head_text(path))


def _header(path: Path, sep: str) -> list[str]:
    import csv
    import io

    from surveykit.io.base import _first_record

    row = next(csv.reader(io.StringIO(_first_record(_head_text(path)), newline=""), delimiter=sep), [])
    return [h.strip().lstrip("\ufeff") for h in row]


def write_part(path: str | Path, text: str) -> Path:
    """One part file of a partitioned output, atomically (runs on a Dask worker)."""
    from surveykit.io.atomic import write_text

    return write_text(path, text)
