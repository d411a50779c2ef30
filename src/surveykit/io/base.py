"""What every reader shares: the RawExport value, the Reader protocol and the sniffing of a file.

A reader turns one platform's export into a ``RawExport``: header rows and data rows as the
strings the platform wrote, nothing typed yet. ``prepare()`` (clean.py) does the typing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import warnings
import zipfile
from struct import error as struct_error
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Protocol, Sequence, runtime_checkable

from surveykit.errors import InputError, SurveykitError
from surveykit.io.decoding import (  # noqa: F401 - decoding lives there; these names are used from here
    LazyText,
    byte_position,
    decode_bytes,
    held_text,
    plain_utf8_start,
)

# A single answer bigger than this is not a survey answer: refuse it instead of swallowing memory.
MAX_CELL_CHARS = 1_000_000
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
    """Parse CSV text into rows of strings, refusing oversized cells with the row and column."""
    csv.field_size_limit(max(MAX_CELL_CHARS * 8, 131072))
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            if row and max(map(len, row)) > MAX_CELL_CHARS:  # checked per row at C speed
                j = next(k for k, cell in enumerate(row) if len(cell) > MAX_CELL_CHARS)
                raise InputError(
                    f"a cell holds {len(row[j]):,} characters, more than the {MAX_CELL_CHARS:,} allowed",
                    path=path, row=reader.line_num, column=column_letter(j))
            rows.append(row)
            if limit is not None and len(rows) >= limit:
                break
    except csv.Error as exc:
        raise InputError(f"not a readable CSV file ({exc})", path=path, row=reader.line_num) from None
    # Drop trailing blank records (a final empty line is common).
    while rows and all(not c.strip() for c in rows[-1]):
        rows.pop()
    return rows


def column_letter(index: int) -> str:
    """Spreadsheet letter of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


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


# A workbook whose parts unpack to more than this is a zip bomb, not a survey export.
MAX_XLSX_UNPACKED = 1024 ** 3
# A part that unpacks to more than XLSX_RATIO_FROM bytes may be at most MAX_XLSX_RATIO times its packed
# size. Real sheets pack 5-25 times (Excel, Google Sheets, openpyxl; a sheet repeating one value in every
# cell about 25); a part that packs a hundred times smaller is built to blow up, not exported. Small
# parts may pack as they like: they cannot cost much however well they pack.
MAX_XLSX_RATIO = 100
XLSX_RATIO_FROM = 8 * 1024 ** 2
# A sheet is held as a padded table: its data may span at most this many cells (last row holding data
# times widest row). Excel's own limit is 1,048,576 x 16,384; a survey export is far smaller (50,000
# respondents x 400 columns is 20 million). One stray cell far from the data is refused at once.
MAX_XLSX_CELLS = 20_000_000
#: Empty rows a sheet may hold between two rows with data. Each becomes a respondent of blanks that every
#: later step carries: a 6 KB workbook with one cell at row 1,048,576 took 25 s and 2.5 GB to refuse.
MAX_XLSX_BLANK_RUN = 10_000


def _check_xlsx_package(path: Path, data: bytes) -> None:
    """Refuse a zip that is damaged, is not an Excel workbook, or unpacks to an absurd size."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, IndexError,
            struct_error) as exc:
        raise InputError(f"this Excel workbook is damaged or truncated (its zip structure: {type(exc).__name__})",
                         path=path) from None
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names and not any(n.lower() == "xl/workbook.xml" for n in names):
        raise InputError("this is not an Excel workbook (the zip has no xl/workbook.xml); save the data as .xlsx "
                         "or CSV", path=path)
    if sum(i.file_size for i in infos) > MAX_XLSX_UNPACKED:
        raise InputError(f"this workbook unpacks to more than {MAX_XLSX_UNPACKED:,} bytes; refused", path=path)
    # The sizes are the zip's own claims; a part is never unpacked past the size claimed (zipfile stops
    # there, and the checksum then fails), so a claim that passes here bounds what is read.
    for info in infos:
        if info.file_size > XLSX_RATIO_FROM and info.file_size > MAX_XLSX_RATIO * max(info.compress_size, 1):
            raise InputError(f"a part of this workbook unpacks to {info.file_size // max(info.compress_size, 1):,} "
                             f"times its packed size (more than the {MAX_XLSX_RATIO} allowed for a part over "
                             f"{XLSX_RATIO_FROM // 1024 ** 2} MB): it is built to blow up, not exported; refused",
                             path=path)


def _damaged_workbook(path: Path, exc: BaseException) -> InputError:
    # Only the exception's type: its text may quote cell contents.
    return InputError(f"this Excel workbook is damaged or truncated ({type(exc).__name__})", path=path)


def iter_xlsx_sheets(path: Path, *, data: bytes | None = None, limit: int | None = None,
                     sheet: str | None = None):
    """Yield (sheet name, rows as strings) for each worksheet, cached formula values not formulas.

    Any damage in the package (zip, XML, styles, shared strings) becomes one InputError.
    """
    if data is None:
        from surveykit.io.files import read_input

        data = read_input(path)
    _check_xlsx_package(path, data)
    # openpyxl raises whatever its parsers raise on a damaged part (lxml XMLSyntaxError, zlib.error,
    # KeyError, IndexError, TypeError ...): every one of them means "this workbook is damaged".
    # openpyxl warns on stderr about oddities of real workbooks ("no default style", "invalid dependency
    # definitions"); those are not the user's business, and stderr carries one line per problem. The
    # sheets are read whole inside the quiet block so that no filter leaks to the caller between yields.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sheets = _read_sheets(path, data, limit=limit, sheet=sheet)
    yield from sheets


def _read_sheets(path: Path, data: bytes, *, limit: int | None, sheet: str | None) -> list[tuple[str, list[list[str]]]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except MemoryError:
        raise _too_large_workbook(path) from None
    except Exception as exc:  # noqa: BLE001 - see iter_xlsx_sheets
        raise _damaged_workbook(path, exc) from None
    out: list[tuple[str, list[list[str]]]] = []
    try:
        for ws in wb.worksheets:
            if sheet is not None and ws.title != sheet:
                continue
            try:
                rows = _sheet_rows(path, wb, ws, limit=limit)
            except SurveykitError:
                raise
            except MemoryError:
                raise _too_large_workbook(path) from None
            except Exception as exc:  # noqa: BLE001 - a damaged sheet part, as above
                raise _damaged_workbook(path, exc) from None
            out.append((ws.title, rows))
    finally:
        try:
            wb.close()
        except Exception:  # noqa: BLE001 - closing a damaged archive must not hide the real error
            pass
    return out


def _too_large_workbook(path: Path) -> InputError:
    return InputError("this Excel workbook is too large to read in the memory available", path=path)


def _sheet_rows(path: Path, wb: Any, ws: Any, *, limit: int | None) -> list[list[str]]:
    """One sheet's rows as strings, as many rows as the last row holding data and each as wide as the widest
    (blank cells ''); row i of the list is the sheet's row i + 1, so messages can name rows.

    Empty cells cost nothing: each row is read as the cells the sheet holds (``_sparse_rows``), not padded
    to the used range the sheet claims (Excel's can run to row 1,048,576 and column XFD); rows with no
    data are only counted until a row with data follows them, and trailing ones are never stored. A sheet
    whose data spans more than ``MAX_XLSX_CELLS`` cells, or holds data after more than
    ``MAX_XLSX_BLANK_RUN`` empty rows, is refused as soon as that is seen."""
    rows: list[list[str]] = []
    width = 0
    for row_no, cells in _sparse_rows(wb, ws):
        if limit is not None and row_no > limit:
            break
        texts: dict[int, str] = {}
        for column, value in cells:
            text = cell_text(value)
            if text:
                if len(text) > MAX_CELL_CHARS:
                    raise InputError(f"a cell holds more than the {MAX_CELL_CHARS:,} characters allowed",
                                     path=path, row=row_no, column=column_letter(column - 1))
                texts[column] = text
        if not texts:
            continue
        row_width = max(texts)
        if row_no * max(width, row_width) > MAX_XLSX_CELLS:
            raise InputError(f"this sheet's data spans {row_no:,} rows and {max(width, row_width):,} columns, "
                             f"more than the {MAX_XLSX_CELLS:,} cells allowed (a stray cell far from the data "
                             "makes a sheet that large: delete it, or save the data as CSV)",
                             path=path, row=row_no, column=column_letter(row_width - 1))
        gap = row_no - 1 - len(rows)
        if gap > MAX_XLSX_BLANK_RUN:
            raise InputError(f"this row holds data after {gap:,} empty rows (more than the {MAX_XLSX_BLANK_RUN:,} "
                             "allowed): a stray cell far below the data? Delete it, or save the data as CSV",
                             path=path, row=row_no, column=column_letter(row_width - 1))
        width = max(width, row_width)
        while len(rows) < row_no - 1:
            rows.append([])
        row = [""] * row_width
        for column, text in texts.items():
            row[column - 1] = text
        rows.append(row)
    for row in rows:
        if len(row) < width:
            row.extend([""] * (width - len(row)))
    return rows


def _sparse_rows(wb: Any, ws: Any):
    """(row number, [(column number, value), ...]) for each row the sheet's XML holds, in order, with the
    cells it holds: the worksheet parser openpyxl's read-only sheets use, without their padding of every
    row to the used range (and of every missing row) the sheet claims. A row that comes again or out of
    order is skipped, as openpyxl does. Cached formula values (``data_only``)."""
    try:
        from openpyxl.worksheet._reader import WorkSheetParser

        source = ws._get_source()
        shared = ws._shared_strings
    except (ImportError, AttributeError):  # another openpyxl: its iterator, without the claimed used range
        ws.reset_dimensions()
        for row_no, values in enumerate(ws.iter_rows(values_only=True), 1):
            yield row_no, [(j, v) for j, v in enumerate(values, 1) if v is not None]
        return
    with source:
        parser = WorkSheetParser(source, shared, data_only=True, epoch=wb.epoch,
                                 date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        last = 0
        for row_no, cells in parser.parse():
            if row_no <= last:
                continue
            last = row_no
            yield row_no, [(c["column"], c["value"]) for c in cells if c["value"] is not None]


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the string an export would carry."""
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value)


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
