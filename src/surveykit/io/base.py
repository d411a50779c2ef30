"""What every reader shares: the RawExport value, the Reader protocol and the sniffing of a file.

A reader turns one platform's export into a ``RawExport``: header rows and data rows as the
strings the platform wrote, nothing typed yet. ``prepare()`` (clean.py) does the typing.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Protocol, Sequence, runtime_checkable

from surveykit.errors import InputError
from surveykit.io.cell_limits import MAX_CELL_CHARS, column_letter
from surveykit.io.decoding import (  # noqa: F401 - decoding lives there; these names are used from here
    LazyText,
    byte_position,
    decode_bytes,
    held_text,
    plain_utf8_start,
)
from surveykit.io.xlsx_sheets import (  # noqa: F401 - the workbook reading lives there; these names are used from here
    cell_text,
    iter_xlsx_sheets,
)

SNIFF_ROWS = 6


@dataclass(frozen=True)
class Column:
    """One exported column. ``header`` is the first header row's text (forward-filled where the
    platform leaves grid columns blank), ``subheader`` the second row's, ``extra`` any further
    header rows (e.g. Qualtrics ImportId JSON)."""

    index: int
    header: str
    subheader: str = ""
    extra: tuple[str, ...] = ()

    @property
    def display(self) -> str:
        head = self.header if len(self.header) <= 70 else self.header[:67] + "..."
        return f"{head} [{self.subheader}]" if self.subheader else head


@dataclass(frozen=True)
class RawExport:
    """An export as read: strings as exported ('' for blank), one row per respondent."""

    path: str
    platform: str
    encoding: str
    sha256: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    header_rows: int = 1
    notes: tuple[str, ...] = ()
    # Platform metadata a later step may use: value labels, missing declarations, sheet name...
    meta: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    def cell(self, row: int, column: int) -> str:
        return self.rows[row][column]

    def column_values(self, column: int):
        """One column's strings as an object array (no copy when the rows are held as columns)."""
        import numpy as np

        if hasattr(self.rows, "column"):  # io.fastcsv.ColumnarRows
            return self.rows.column(column)
        out = np.empty(len(self.rows), dtype=object)
        out[:] = [r[column] if column < len(r) else "" for r in self.rows]
        return out


@dataclass(frozen=True)
class Sniff:
    """What is known about a file before choosing a reader.

    kind: "text" (decoded; ``text`` and ``head_rows`` set), "xlsx", "sav" or "binary".
    head_rows: the first rows parsed with the detected ``delimiter`` (text) or of each sheet (xlsx,
    in ``sheets``).
    decoded: the text; for a large file, a ``LazyText`` that decodes bytes again when the text is asked
    for: ``data`` itself when one codec reads the file as ``decode_bytes`` does with no note (plain UTF-8,
    Windows-1252 or Mac Roman as detected, an --encoding given), else the text encoded as UTF-8.
    The fast CSV path parses those bytes and never needs the text, and no second copy of the file is
    held through the parse.
    """

    path: Path
    kind: str
    data: bytes = field(repr=False)
    # The SHA-256 in hex, or what gives it: a large file's is computed by a thread while it is parsed
    # (not compared: it follows from ``data``, and a function compares by identity).
    digest: "str | Callable[[], str]" = field(default="", repr=False, compare=False)
    encoding: str = ""
    decoded: "str | LazyText" = field(default="", repr=False)
    delimiter: str = ","
    head_rows: tuple[tuple[str, ...], ...] = ()
    sheets: Mapping[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    # Reader options from the caller, e.g. {"qsf": path} for Qualtrics.
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower()

    @property
    def sha256(self) -> str:
        """The file's SHA-256 in hex (waits for the thread computing it, if it is still running)."""
        return self.digest if isinstance(self.digest, str) else self.digest()

    @property
    def text(self) -> str:
        """The file's text (decoded again each time for a large plain UTF-8 file; see ``decoded``)."""
        return self.decoded if isinstance(self.decoded, str) else self.decoded.text()

    def head_text(self, chars: int) -> str:
        """The first ``chars`` characters of the text, without decoding the rest."""
        return self.decoded[:chars] if isinstance(self.decoded, str) else self.decoded.head(chars)


@runtime_checkable
class Reader(Protocol):
    """An export format. ``detect`` scores how sure it is (0 = not mine, 1 = certainly mine)."""

    name: str
    label: str

    def detect(self, sniff: Sniff) -> float: ...

    def read(self, sniff: Sniff) -> RawExport: ...


def guess_delimiter(text: str) -> str:
    """The delimiter of the first line, counted outside quotes (comma, semicolon or tab)."""
    first = _first_record(text)
    counts = {d: 0 for d in ",;\t"}
    quoted = False
    for ch in first:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _first_record(text: str) -> str:
    quoted = False
    for i, ch in enumerate(text[:200_000]):
        if ch == '"':
            quoted = not quoted
        elif ch == "\n" and not quoted:
            return text[:i]
    return text[:200_000]


def parse_delimited(text: str, *, delimiter: str = ",", path: object = None,
                    limit: int | None = None) -> list[list[str]]:
    """Parse CSV text into rows of strings, refusing oversized cells with the row and column.

    A message's row is the record's number counted from the first (header) record, the row a
    spreadsheet shows, as for a row wider than the header: not the text's line, which is further
    down when quoted cells hold line breaks."""
    csv.field_size_limit(max(MAX_CELL_CHARS * 8, 131072))
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            if row and max(map(len, row)) > MAX_CELL_CHARS:  # checked per row at C speed
                j = next(k for k, cell in enumerate(row) if len(cell) > MAX_CELL_CHARS)
                raise InputError(
                    f"a cell holds {len(row[j]):,} characters, more than the {MAX_CELL_CHARS:,} allowed",
                    path=path, row=len(rows) + 1, column=column_letter(j))
            rows.append(row)
            if limit is not None and len(rows) >= limit:
                break
    except csv.Error as exc:  # raised while the record after the last one kept was read
        raise InputError(f"not a readable CSV file ({exc})", path=path, row=len(rows) + 1) from None
    # Drop trailing blank records (a final empty line is common).
    while rows and all(not c.strip() for c in rows[-1]):
        rows.pop()
    return rows


# -- sniffing ----------------------------------------------------------------------------

#: From this size a file's SHA-256 is computed beside the decoding and parsing (``_sha256_meanwhile``).
SHA_THREAD_BYTES = 1 << 20


def _sha256_meanwhile(data: bytes) -> "str | Callable[[], str]":
    """The SHA-256 of ``data`` in hex, or for a large file a function that gives it: a thread computes
    it while the file is decoded and parsed (hashlib lets go of the GIL), and the function waits for
    the thread the first time the digest is asked for (``Sniff.sha256``)."""
    if len(data) < SHA_THREAD_BYTES:
        return hashlib.sha256(data).hexdigest()
    import threading

    out: list[str] = []
    worker = threading.Thread(target=lambda: out.append(hashlib.sha256(data).hexdigest()),
                              name="surveykit-sha256", daemon=True)
    worker.start()

    def digest() -> str:
        worker.join()
        if not out:  # the thread failed: do it here
            out.append(hashlib.sha256(data).hexdigest())
        return out[0]

    return digest


def open_sniff(path: str | Path, *, encoding: str | None = None) -> Sniff:
    """Read a file's bytes and find out what it is; raises InputError for unusable files."""
    from surveykit.io.files import read_input_hashed

    p = Path(path)
    data, known = read_input_hashed(p)
    if not data or data.isspace():  # not data.strip(): that would copy a large file
        raise InputError("the file is empty", path=p)
    digest = known or _sha256_meanwhile(data)
    if data.startswith(b"PK\x03\x04"):
        if p.suffix.lower() not in (".xlsx", ".xlsm"):
            return Sniff(path=p, kind="binary", data=data, digest=digest)
        return Sniff(path=p, kind="xlsx", data=data, digest=digest, sheets=_xlsx_heads(p, data))
    if data.startswith((b"$FL2", b"$FL3")):
        return Sniff(path=p, kind="sav", data=data, digest=digest)
    if p.suffix.lower() in (".sav", ".zsav"):
        raise InputError("this is not an SPSS .sav file (it lacks the $FL2 signature)", path=p)
    if p.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise InputError("this is an old Excel 97-2003 workbook (.xls); save it as .xlsx or CSV", path=p)
        raise InputError("this is not a readable Excel workbook (it is not an .xlsx zip package)", path=p)
    held = None
    if len(data) >= LAZY_TEXT_BYTES:
        start = plain_utf8_start(data) if encoding is None else None
        if start is not None:
            # Plain UTF-8 (ASCII included), with nothing to repair or remove: decode_bytes would give
            # the text as it stands, encoding "utf-8" ("utf-8-sig" past a byte-order mark), no note.
            held = LazyText(data, start), "utf-8-sig" if start else "utf-8"
        else:
            # Windows-1252 or Mac Roman as detected, or the --encoding given, read as the bytes stand.
            held = held_text(data, encoding=encoding)
    if held is not None:
        # The text is not built at all (beyond Latin-1 it would take two or four bytes a character);
        # the fast CSV path parses the file's bytes in that encoding.
        lazy, enc = held
        head_text = lazy.head(2 * _HEAD_CHARS + 1)  # enough for _head_records to know the file is large
        delimiter = guess_delimiter(head_text)
        head = _head_records(head_text, delimiter=delimiter, path=p, whole=lazy.text)
        return Sniff(path=p, kind="text", data=data, digest=digest, encoding=enc, decoded=lazy,
                     delimiter=delimiter, head_rows=tuple(tuple(r) for r in head), notes=())
    try:
        text, enc, notes = decode_bytes(data, encoding=encoding)
    except InputError as exc:
        raise InputError(exc.message, path=p) from None
    delimiter = guess_delimiter(text)
    head = _head_records(text, delimiter=delimiter, path=p)
    decoded: str | LazyText = text
    if encoding is None and not notes and enc in ("utf-8", "utf-8-sig") and len(data) >= LAZY_TEXT_BYTES:
        decoded = LazyText(data, 3 if enc == "utf-8-sig" else 0)  # exactly what decode_bytes gave
    elif len(data) >= LAZY_TEXT_BYTES:
        # Any other large text (another encoding, a repair, a --encoding) is held as its UTF-8 bytes:
        # what the fast CSV path parses, so the text and a UTF-8 copy of it are not both held through
        # the parse. (Decoded text takes two or four bytes a character once one is beyond Latin-1.)
        try:
            decoded = LazyText(text.encode("utf-8"))
        except UnicodeEncodeError:  # a lone surrogate, from a --encoding such as utf-7: kept as it is
            pass
    del text
    return Sniff(path=p, kind="text", data=data, digest=digest, encoding=enc, decoded=decoded,
                 delimiter=delimiter, head_rows=tuple(tuple(r) for r in head), notes=notes)


#: From this size a plain UTF-8 file's text is not kept by its ``Sniff`` (see ``Sniff.decoded``).
LAZY_TEXT_BYTES = 1 << 20


_HEAD_CHARS = 1_000_000


def _head_records(text: str, *, delimiter: str, path: Path, whole: "Callable[[], str] | None" = None,
                  ) -> list[list[str]]:
    """``parse_delimited(text, limit=SNIFF_ROWS)`` without handing the csv module the whole of a large
    file (its StringIO would copy all of it): the first megabyte is parsed, and is enough when it holds
    one record more than needed (so the last one needed is complete); otherwise the whole text is.
    ``whole``: ``text`` is only the head of the file, and this gives all of it when it is needed."""
    if len(text) > 2 * _HEAD_CHARS:
        try:
            rows = parse_delimited(text[:_HEAD_CHARS], delimiter=delimiter, path=path, limit=SNIFF_ROWS + 1)
        except InputError:
            rows = []
        if len(rows) > SNIFF_ROWS:
            rows = rows[:SNIFF_ROWS]
            while rows and all(not c.strip() for c in rows[-1]):
                rows.pop()
            return rows
    if whole is not None and len(text) > 2 * _HEAD_CHARS:
        text = whole()
    return parse_delimited(text, delimiter=delimiter, path=path, limit=SNIFF_ROWS)


def _xlsx_heads(path: Path, data: bytes) -> dict[str, tuple[tuple[str, ...], ...]]:
    heads: dict[str, tuple[tuple[str, ...], ...]] = {}
    for name, rows in iter_xlsx_sheets(path, data=data, limit=SNIFF_ROWS):
        heads[name] = tuple(tuple(r) for r in rows)
    return heads


# -- shared checks for rectangular exports ------------------------------------------------

def check_header(header: Sequence[str], *, path: object, allow_blank: bool = False) -> None:
    """Refuse duplicate or (unless allowed) blank column names."""
    seen: dict[str, int] = {}
    for j, name in enumerate(header):
        key = name.strip()
        if not key:
            if allow_blank:
                continue
            raise InputError("a column has no name in the header row", path=path, column=column_letter(j))
        if key in seen:
            # Quoted only when it looks like an id: in a header-less file the "name" is a respondent's answer.
            from surveykit.errors import looks_like_id

            raise InputError(f"duplicate column name (also column {column_letter(seen[key])})",
                             path=path, column=key if looks_like_id(key) else column_letter(j))
        seen[key] = j


def check_widths(rows: Sequence[Sequence[str]], width: int, *, path: object, first_row: int) -> list[tuple[str, ...]]:
    """Pad short rows; refuse a row with more (non-empty) fields than the header."""
    if hasattr(rows, "fit_width"):  # io.fastcsv.ColumnarRows: the same check, column by column
        return rows.fit_width(width, path=path, first_row=first_row)
    out: list[tuple[str, ...]] = []
    for i, row in enumerate(rows):
        if len(row) == width:
            out.append(tuple(row))
            continue
        if len(row) > width:
            if any(c.strip() for c in row[width:]):
                raise InputError(f"this row has {len(row)} fields but the header has {width}",
                                 path=path, row=first_row + i)
            row = row[:width]  # trailing commas only
        out.append(tuple(row) + ("",) * (width - len(row)))
    return out


def sha256_of(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
