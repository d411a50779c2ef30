"""Writing coded files and other outputs: a new coded file (``write_coded``), the coded file under
review saved in place with the columns the review does not write kept (``save_reviewed``), result
tables, text and binary outputs, REFI-QDA codebooks; ``_writing`` turns a failed write into one clear
error (``io.review_journal`` and ``io.model_files`` use it too).

Separate from ``io.coded``, which reads these files: the writers need its column names, reading does
not need the writers (so this module imports ``io.coded``, never the other way).
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from surveykit.errors import InputError
from surveykit.io.atomic import write_text
from surveykit.io.coded import CODED_COLUMNS, WIDE_QUESTION_ID
from surveykit.io.owned_files import write_owned_bytes, write_owned_text

if TYPE_CHECKING:
    import pandas as pd


# -- writing -----------------------------------------------------------------------------------

@contextmanager
def _writing(path: str | Path) -> Iterator[None]:
    """A file that cannot be written (permissions, a folder in the way) -> one clear InputError."""
    try:
        yield
    except OSError as exc:
        raise InputError(f"cannot write the output ({exc.strerror or type(exc).__name__})", path=path) from None


def coded_to_csv(frame: "pd.DataFrame", *, extra: Iterable[str] = ()) -> str:
    """The coded-file CSV text (columns ``respondent_id, question_id, code_id, coder`` + extra)."""
    from surveykit.io.cells import frame_csv

    cols = list(CODED_COLUMNS) + [c for c in extra if c in frame.columns and c not in CODED_COLUMNS]
    return frame_csv(frame[cols])


def write_coded(path: str | Path, frame: "pd.DataFrame", *, extra: Iterable[str] = (), force: bool = False,
                option: str = "--out") -> Path:
    """Write a new coded file atomically (the whole file is replaced at once). A file already there
    is replaced only when surveykit wrote it and it is unchanged, or with ``force`` (``io.owned_files``)."""
    with _writing(path):
        return write_owned_text(path, coded_to_csv(frame, extra=extra), force=force, option=option)


def save_reviewed(path: str | Path, frame: "pd.DataFrame", *, extra: Iterable[str] = ()) -> Path:
    """Save the coded file under review in place, atomically. It is the user's own work from then on:
    it is not recorded as surveykit's, so no later ``--out`` replaces it without ``--force``.

    The file is read as ``read_coded`` reads it (its encoding, its delimiter, its column names in any
    case) and written back as UTF-8 with the same delimiter. Columns of the file that the review does not
    write (a coder's comment, the rules' evidence) are kept, after the review's own: each row keeps its
    values where the file had the same answer, code, coder (and span); a row that took the place of one
    of the file's (the answer decided again, or a row whose coder cell was blank) has that row's values;
    a row the review added has them blank."""
    from surveykit.io.cells import frame_csv, spreadsheet_safe

    cols = list(CODED_COLUMNS) + [c for c in extra if c in frame.columns and c not in CODED_COLUMNS]
    existing = _existing_columns(Path(path), cols)
    delimiter = existing.delimiter if existing else ","
    with _writing(path):
        if existing is None or not existing.kept:
            return write_text(path, frame_csv(frame[cols], sep=delimiter))
        out = frame[cols].astype(object).copy()
        starts = out["start"].tolist() if "start" in out.columns else [None] * len(out)
        ends = out["end"].tolist() if "end" in out.columns else [None] * len(out)
        keys = [tuple(_key_text(v) for v in (rid, qid, code, coder)) + (_span_text(s), _span_text(e))
                for rid, qid, code, coder, s, e in zip(out["respondent_id"], out["question_id"], out["code_id"],
                                                       out["coder"], starts, ends)]
        present = {k[:4] for k in keys}
        cells = [existing.values_for(k, present) for k in keys]
        # Kept columns by position: two columns of one name (or cells past the header) are both kept.
        table = out.copy()
        table.columns = range(len(cols))
        for j in range(len(existing.kept)):
            table[len(cols) + j] = [row[j] if row is not None else "" for row in cells]
        header = [spreadsheet_safe(str(c)) for c in cols] + [spreadsheet_safe(name) for name in existing.kept]
        return write_text(path, frame_csv(table, header=header, sep=delimiter))


def _key_text(value: Any) -> str:
    """A cell as the key of a coded row: text, a whole number without '.0', blank for missing."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _span_text(value: Any) -> str:
    """A span offset as a key: "12" for 12, 12.0 or "12.0"; blank for none."""
    text = _key_text(value)
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() else text


class _Existing:
    """The coded file a review saves into, as it is on disk: its delimiter, the names of the columns the
    review does not write (``kept``), and their cells by row key (respondent, question, code, coder,
    start, end); the first row of a key wins."""

    def __init__(self, delimiter: str, kept: tuple[str, ...], rows: list[tuple[tuple[str, ...], tuple[str, ...]]]):
        self.delimiter, self.kept = delimiter, kept
        self._exact: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._coder: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._code: dict[tuple[str, ...], list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        for key, cells in rows:
            self._exact.setdefault(key, cells)
            self._coder.setdefault(key[:4], cells)
            self._code.setdefault(key[:3], []).append((key, cells))

    def values_for(self, key: tuple[str, ...], present: set[tuple[str, ...]]) -> "tuple[str, ...] | None":
        """The kept cells for an output row: the file's row with the same key (or the same key but for the
        span); else a row of the file on the same answer and code whose coder has no such row in the output
        any more (the row this one took the place of)."""
        found = self._exact.get(key) or self._coder.get(key[:4])
        if found is not None:
            return found
        replaced = [(k, cells) for k, cells in self._code.get(key[:3], ()) if k[:4] not in present]
        same_span = [cells for k, cells in replaced if k[4:] == key[4:]]
        return same_span[0] if same_span else (replaced[0][1] if replaced else None)


def _existing_columns(path: Path, written: Iterable[str]) -> "_Existing | None":
    """The coded CSV at ``path`` read as ``read_coded`` reads it (encoding, delimiter, column names in any
    case), for ``save_reviewed``; None when there is no such file (or it is no long-layout coded file)."""
    from surveykit.io._tabular import all_rows
    from surveykit.io.base import open_sniff
    from surveykit.io.cells import spreadsheet_text

    if not path.is_file() or path.suffix.lower() != ".csv":
        return None
    sniff = open_sniff(path)
    if sniff.kind != "text":
        return None
    rows, _ = all_rows(sniff)
    if not rows:
        return None
    header = [h.strip().lstrip("\ufeff") for h in rows[0]]
    lower = [h.lower() for h in header]
    if "respondent_id" not in lower or "code_id" not in lower:
        return None
    written = set(written)
    # The review writes the first column of each of its names; every other column is kept, as are cells
    # past the header (named blank) that hold anything.
    width = max(len(r) for r in rows)
    first = {name: lower.index(name) for name in written if name in lower}
    kept_pos = [j for j in range(width) if j not in first.values()
                and (j < len(header) and header[j] or any(j < len(r) and r[j].strip() for r in rows[1:]))]
    if not kept_pos:
        return _Existing(sniff.delimiter or ",", (), [])
    # The key as read_coded gives it: the question "answer" without a question_id column (review reads the
    # file without --question), a blank coder as blank (it matches through the replaced-row rule).
    defaults = {"question_id": WIDE_QUESTION_ID}
    where = {name: lower.index(name) for name in (*CODED_COLUMNS, "start", "end") if name in lower}
    found = []
    for r in rows[1:]:
        if not any(c.strip() for c in r):
            continue
        r = list(r) + [""] * (width - len(r))
        key = tuple(spreadsheet_text(r[where[c]]).strip() if c in where else defaults.get(c, "")
                    for c in (*CODED_COLUMNS, "start", "end"))
        found.append((key[:4] + (_span_text(key[4]), _span_text(key[5])), tuple(r[j] for j in kept_pos)))
    names = tuple(header[j] if j < len(header) else "" for j in kept_pos)
    return _Existing(sniff.delimiter or ",", names, found)


def write_frame_csv(path: str | Path, frame: "pd.DataFrame", *, force: bool = False, option: str = "--out") -> Path:
    """Any result table as CSV, atomically (an existing file: see ``write_coded``)."""
    from surveykit.io.cells import frame_csv

    with _writing(path):
        return write_owned_text(path, frame_csv(frame), force=force, option=option)


def write_output_text(path: str | Path, text: str, *, force: bool = False, option: str = "--out") -> Path:
    """Any text output (e.g. an imported codebook's YAML), atomically (an existing file: see ``write_coded``)."""
    with _writing(path):
        return write_owned_text(path, text, force=force, option=option)


def write_output_bytes(path: str | Path, data: bytes, *, force: bool = False, option: str = "--out") -> Path:
    """Any binary output (e.g. a .qdpx project), atomically (an existing file: see ``write_coded``)."""
    with _writing(path):
        return write_owned_bytes(path, data, force=force, option=option)


# -- REFI-QDA files ---------------------------------------------------------------------------

def write_qdc(path: str | Path, data: bytes, *, force: bool = False, option: str = "--out") -> Path:
    """Write a .qdc codebook atomically (an existing file: see ``write_coded``)."""
    with _writing(path):
        return write_owned_bytes(path, data, force=force, option=option)
