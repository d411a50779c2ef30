"""Reading an Excel workbook (.xlsx, .xlsm) into rows of strings: the package checks that refuse a damaged
file or a zip bomb, the limits on a sheet's size, and the sparse reading of each sheet's cells
(``iter_xlsx_sheets``, ``cell_text``). It is apart from ``base`` because it is one format's reader with its
own hazards, not what every reader shares; ``base`` uses it to sniff a workbook and re-exports the names
used from there. openpyxl is imported only when a workbook is read.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path
from struct import error as struct_error
from typing import Any

from surveykit.errors import InputError, SurveykitError
from surveykit.io.cell_limits import MAX_CELL_CHARS, column_letter

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
