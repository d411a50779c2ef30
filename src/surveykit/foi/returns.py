"""Returns: the FOI answers of every authority in every wave, each count parsed into a ``Cell``.

``read_returns(paths)`` reads CSV and XLSX files (one sheet per wave, or one table with a ``wave``
column, or one file per wave with the year in its name) plus the optional nationality/gender side
table (a sheet or file with ``cohort``, ``nationality``, ``gender`` and ``count`` columns). In strict
mode (the default, used by every analysis) the first unusable input raises ``InputError`` naming the
file, the authority and the column; with ``strict=False`` (``foi validate``) every problem is
collected as a ``ReturnIssue`` instead.

A wave cell must look like a wave (a year, a year range or a short id such as W1); anything else
is an ``invalid_wave`` error naming the row and column, never the text. A totals or subtotals row
(named as a total, with no authority code) is left out with a ``totals_row`` warning. Two rows for
one authority in a wave are a ``duplicate_authority`` error, with codes and names compared
ignoring case and spaces ("E1" and "e1", "Alpha" and "ALPHA").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from surveykit.errors import InputError
from surveykit.foi.cells import BLANK_CELL, INVALID, Cell, parse_cell, problem_code, problem_text
from surveykit.foi.schema import (BASE_MEASURES, COHORTS, NATIONS, NOT_STATED, column_role, normalise_cohort,
                                  normalise_gender, normalise_header, normalise_nation, normalise_nationality)

if TYPE_CHECKING:
    import pandas as pd

    from surveykit.io.foi import RawSheet

#: Severity of a ReturnIssue: "error" (the input cannot be used as it is), "inconsistency" (the
#: numbers contradict each other) or "warning" (worth knowing; does not fail validation).
SEVERITIES = ("error", "inconsistency", "warning")
HEADER_SEARCH_ROWS = 20
#: Sheets with these names (notes for people) are skipped without a warning.
_QUIET_SHEET = re.compile(r"^(?:readme|read me|notes?|about|contents|info|instructions|cover)$", re.I)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2}(?:[-_/](?:\d{2}|\d{4}))?)(?!\d)")
#: What a wave cell may say: a year or a year range ("2016", "2016/17", "2016-2017", "FY2016"), or a
#: short id ("W1", "wave 2", "round 3", "2016a"). Anything else is not read as a wave (and not quoted).
_WAVE_CELL = re.compile(r"^(?:(?:fy\s*)?(?:19|20)\d{2}(?:\s*[-/_\u2013]\s*(?:\d{2}|(?:19|20)\d{2}))?[a-z]?"
                        r"|(?:wave|round|w|r)\s*\d{1,3}[a-z]?|[a-z]{0,3}\d{1,4}[a-z]?)$", re.I)
#: A row of totals or subtotals: named as a total ("Total", "Grand total", "England total", "Sum",
#: "All authorities") and carrying no authority code. It is left out, with a warning.
_TOTAL_ROW = re.compile(r"^(?:.{0,40}\b)?(?:grand\s*|sub[\s-]?)?totals?\b.{0,40}$|^(?:sum|sum\s+total|overall|"
                        r"all(?:\s+local)?\s+(?:authorities|las|councils))$", re.I)


def looks_like_wave(text: str) -> bool:
    """True when a wave cell looks like a wave (see ``_WAVE_CELL``); free text does not."""
    return bool(_WAVE_CELL.match(" ".join(text.split())))


def authority_key(text: str) -> str:
    """How two rows are matched as the same authority: case and spaces ignored ("E1" = "e 1")."""
    return "".join(text.split()).casefold()


def is_totals_row(authority_id: str, authority: str) -> bool:
    """A totals or subtotals row: named as a total, with no authority code beside the name."""
    name = authority or authority_id
    return bool(name) and bool(_TOTAL_ROW.match(name)) and (not authority_id or bool(_TOTAL_ROW.match(authority_id)))


@dataclass(frozen=True)
class ReturnIssue:
    """One problem in the returns. ``file`` names the file (and sheet); ``row`` is the spreadsheet
    row (1-based, header included); ``column`` the header as written. Messages never quote a cell."""

    code: str
    message: str
    severity: str = "error"
    file: str = ""
    row: int | None = None
    wave: str = ""
    authority_id: str = ""
    authority: str = ""
    column: str = ""
    raw: str = field(default="", repr=False)  # the cell as written: shown only on request

    def as_dict(self, *, raw: bool = False) -> dict[str, object]:
        out: dict[str, object] = {"severity": self.severity, "code": self.code, "file": self.file, "row": self.row,
                                  "wave": self.wave, "authority_id": self.authority_id, "authority": self.authority,
                                  "column": self.column, "message": self.message}
        if raw:
            out["raw"] = self.raw
        return out

    def error(self) -> InputError:
        """The one-line error for the strict commands: file, authority and column named."""
        who = ""
        if self.authority_id or self.authority:
            name = self.authority if self.authority and self.authority != self.authority_id else ""
            who = f"authority {self.authority_id}" + (f" ({name})" if name else "")
            who += f", wave {self.wave}: " if self.wave else ": "
        hint = " (run 'surveykit foi validate' to list every problem)" if self.code not in FILE_LEVEL else ""
        return InputError(f"{who}{self.message}{hint}", path=self.file or None, row=self.row,
                          column=self.column or None)


FILE_LEVEL = ("no_authority_column", "no_wave", "duplicate_column", "no_count_columns")


@dataclass(frozen=True)
class AuthorityReturn:
    """One authority's answers in one wave. ``cells[(cohort, measure)]`` is a parsed Cell;
    ``headers[(cohort, measure)]`` the column header as written (for messages)."""

    wave: str
    authority_id: str
    authority: str
    nation: str
    region: str
    period: str
    file: str
    row: int
    cells: Mapping[tuple[str, str], Cell] = field(repr=False)
    headers: Mapping[tuple[str, str], str] = field(repr=False, default_factory=dict)
    #: The counted values of ``cells`` (``value``): the national tables ask for them hundreds of
    #: thousands of times in one report.
    _values: Mapping[tuple[str, str], int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_values", {k: c.value for k, c in self.cells.items() if c.value is not None})

    def cell(self, cohort: str, measure: str) -> Cell:
        return self.cells.get((cohort, measure), BLANK_CELL)

    def value(self, cohort: str, measure: str) -> int | None:
        return self._values.get((cohort, measure))

    @property
    def counted(self) -> Mapping[tuple[str, str], int]:
        """``value`` of every (cohort, measure) that holds a number, and only those: the national
        tables test which numbers an authority gave once per authority, not once per number."""
        return self._values


@dataclass(frozen=True)
class BreakdownRow:
    """One line of the nationality/gender side table: children of ``cohort`` counted in ``measure``
    (went_missing unless the table says otherwise) with this nationality and gender."""

    wave: str
    authority_id: str
    cohort: str
    measure: str
    nationality: str
    gender: str
    cell: Cell
    file: str
    row: int


@dataclass(frozen=True)
class Returns:
    """Every authority's answers. ``issues`` are the reading problems (strict reading raised the
    first error instead); consistency problems come from ``surveykit.foi.validate``."""

    records: tuple[AuthorityReturn, ...]
    breakdowns: tuple[BreakdownRow, ...] = ()
    issues: tuple[ReturnIssue, ...] = ()
    sources: tuple[tuple[str, str], ...] = ()  # (path, sha256)
    measure_order: tuple[tuple[str, str], ...] = ()  # (cohort, measure) in the order first seen

    def __post_init__(self) -> None:
        by_wave: dict[str, list[AuthorityReturn]] = {}
        for r in self.records:
            by_wave.setdefault(r.wave, []).append(r)
        # an index, not data: set once here although the dataclass is frozen
        object.__setattr__(self, "_by_wave", {w: tuple(rs) for w, rs in by_wave.items()})

    @property
    def waves(self) -> tuple[str, ...]:
        return tuple(sorted(self._by_wave, key=wave_key))  # type: ignore[attr-defined]

    @property
    def cohorts(self) -> tuple[str, ...]:
        present = {c for c, _ in self.measure_order}
        return tuple(c for c in COHORTS if c in present)

    def measures(self, cohort: str) -> tuple[str, ...]:
        return tuple(m for c, m in self.measure_order if c == cohort)

    def duration_bands(self, cohort: str) -> tuple[str, ...]:
        return tuple(m for m in self.measures(cohort) if m.startswith("duration_"))

    def in_wave(self, wave: str) -> tuple[AuthorityReturn, ...]:
        return self._by_wave.get(wave, ())  # type: ignore[attr-defined]

    def asked(self, wave: str) -> int:
        """Authorities asked in a wave: every authority with a row in that wave."""
        return len(self.in_wave(wave))

    def cells_frame(self, *, raw: bool = False) -> "pd.DataFrame":
        """Every count cell, one row each: wave, authority_id, authority, nation, region, cohort,
        measure, value, status, low, high, file, row, column, and with ``raw=True`` the cell as
        written (left out by default: an authority may have written free text)."""
        import pandas as pd

        rows = []
        for r in self.records:
            for (cohort, measure), c in r.cells.items():
                rows.append({"wave": r.wave, "authority_id": r.authority_id, "authority": r.authority,
                             "nation": r.nation, "region": r.region, "cohort": cohort, "measure": measure,
                             "value": c.value, "status": c.status, "low": c.low, "high": c.high,
                             "file": r.file, "row": r.row, "column": r.headers.get((cohort, measure), ""),
                             "raw": c.raw})
        cols = ["wave", "authority_id", "authority", "nation", "region", "cohort", "measure", "value", "status",
                "low", "high", "file", "row", "column"] + (["raw"] if raw else [])
        frame = pd.DataFrame(rows, columns=cols)
        for c in ("value", "low", "high"):
            frame[c] = frame[c].astype("Int64")
        return frame


def wave_key(wave: str) -> tuple:
    """Natural order of waves: numbers by value ("2016" < "2018"), then text."""
    m = re.match(r"^(\d+)", wave)
    return (0, int(m.group(1)), wave) if m else (1, 0, wave)


# -- reading ------------------------------------------------------------------------------------

def read_returns(paths: str | Path | Sequence[str | Path], *, wave: str | None = None, encoding: str | None = None,
                 strict: bool = True) -> Returns:
    """Read and parse returns files. ``wave`` names the wave of tables that have no ``wave`` column
    (otherwise: the sheet name, then a year in the file name). ``strict``: raise ``InputError`` for
    the first error (file, authority and column named) instead of collecting it in ``issues``."""
    from surveykit.io.foi import read_returns_file

    if isinstance(paths, (str, Path)):
        paths = [paths]
    if not paths:
        raise InputError("no returns file given")
    sheets: list["RawSheet"] = []
    for p in paths:
        sheets.extend(read_returns_file(p, encoding=encoding))
    returns = parse_sheets(sheets, wave=wave)
    if strict:
        raise_first_error(returns.issues)
    return returns


def raise_first_error(issues: Iterable[ReturnIssue]) -> None:
    for issue in issues:
        if issue.severity == "error":
            raise issue.error()


def parse_sheets(sheets: Sequence["RawSheet"], *, wave: str | None = None) -> Returns:
    """Parse raw tables into Returns, collecting every problem as a ReturnIssue."""
    parser = _Parser(wave)
    by_file: dict[str, list["RawSheet"]] = {}
    for s in sheets:
        by_file.setdefault(s.path, []).append(s)
    for path, file_sheets in by_file.items():
        used = 0
        for s in file_sheets:
            used += parser.sheet(s, only=len(file_sheets) == 1)
        if not used and not any(i.file.startswith(path) and i.code == "no_authority_column" for i in parser.issues):
            parser.issue("no_authority_column", "no sheet has an authority column (expected 'authority' or "
                         "'authority_id', with count columns such as 'trafficked_in_care')", file=path)
    parser.check_breakdowns()
    sources = tuple(dict.fromkeys((s.path, s.sha256) for s in sheets))
    return Returns(tuple(parser.records), tuple(parser.breakdowns), tuple(parser.issues), sources,
                   tuple(parser.order))


class _Parser:
    def __init__(self, wave: str | None) -> None:
        self.wave = None if wave is None else str(wave).strip()
        self.records: list[AuthorityReturn] = []
        self.breakdowns: list[BreakdownRow] = []
        self.issues: list[ReturnIssue] = []
        self.order: list[tuple[str, str]] = []
        self.seen: dict[tuple[str, str, str], AuthorityReturn] = {}  # (wave, "id" | "name", authority_key)

    def issue(self, code: str, message: str, severity: str = "error", **where: object) -> None:
        self.issues.append(ReturnIssue(code, message, severity, **where))  # type: ignore[arg-type]

    def wave_readable(self, wave: str, table_wave: str | None, where: dict, column: str) -> bool:
        """Whether a row's wave can be read; an empty wave cell (``no_wave``) or one that is no wave
        (``invalid_wave``, never quoted) is an issue, and the row is left out."""
        if not wave:
            self.issue("no_wave", "the wave cell is empty", **{**where, "column": column})
            return False
        if table_wave is None and not looks_like_wave(wave):
            self.issue("invalid_wave", "the wave cell does not look like a wave (a year such as 2016 or 2016/17, "
                       "or a short id such as W1); row left out", **{**where, "column": column})
            return False
        return True

    # -- one table ---------------------------------------------------------------------------

    def sheet(self, s: "RawSheet", *, only: bool) -> int:
        """Parse one table; returns 1 when it held returns or breakdowns, 0 when it was skipped."""
        header_at, roles = _find_header(s.rows)
        where = s.where
        if header_at is None:
            counts_somewhere = any(column_role(h).kind == "count" for r in s.rows[:HEADER_SEARCH_ROWS] for h in r)
            if counts_somewhere or only:
                self.issue("no_authority_column", "no authority column (expected 'authority' or 'authority_id')",
                           file=where)
            elif s.sheet and not _QUIET_SHEET.match(s.sheet.strip()):
                self.issue("sheet_skipped", f"sheet {s.sheet!r} has no authority column and was skipped",
                           "warning", file=where)
            return 0
        header = s.rows[header_at]
        names = [r.name for r in roles if r.kind == "id"]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            cols = [h for h, r in zip(header, roles) if r.kind == "id" and r.name == dupes[0]]
            self.issue("duplicate_column", f"two columns hold {dupes[0]!r}: {', '.join(repr(c) for c in cols)}",
                       file=where, row=header_at + 1)
            return 0
        counts = [(c, r) for c, r in zip(header, roles) if r.kind == "count"]
        seen_counts: dict[tuple[str, str], str] = {}
        for h, r in counts:
            key = (r.cohort, r.measure)
            if key in seen_counts:
                self.issue("duplicate_column", f"two columns hold {r.cohort} {r.measure}: {seen_counts[key]!r} and "
                           f"{h!r}", file=where, row=header_at + 1)
                return 0
            seen_counts[key] = h
        for h, r in zip(header, roles):
            if r.kind == "unknown" and h.strip():
                self.issue("unknown_column", f"column {h.strip()!r} is not a returns column and was ignored",
                           "warning", file=where, column=h.strip())
        if "nationality" in names or "gender" in names:
            self._breakdown_sheet(s, header_at, roles)
            return 1
        if not counts:
            self.issue("no_count_columns", "no count columns (expected names such as 'trafficked_in_care', "
                       "'unaccompanied_went_missing')", file=where, row=header_at + 1)
            return 0
        self._returns_sheet(s, header_at, roles)
        return 1

    def _table_wave(self, s: "RawSheet", has_wave_column: bool) -> str | None:
        if has_wave_column:
            return None
        if self.wave:
            return self.wave
        if s.sheet and any(ch.isdigit() for ch in s.sheet):
            return s.sheet.strip()
        m = _YEAR.findall(Path(s.path).stem)
        if m:
            return m[-1]
        self.issue("no_wave", "which wave (year) is this? Add a 'wave' column, name the sheet or file by the "
                   "year (e.g. foi_returns_2016.csv), or pass --wave", file=s.where)
        return ""

    def _ids(self, s: "RawSheet", header_at: int, roles: list) -> tuple[dict[str, int], list[tuple[int, tuple[str, ...]]]]:
        index = {r.name: j for j, r in enumerate(roles) if r.kind == "id"}
        data = []
        for i in range(header_at + 1, len(s.rows)):
            row = s.rows[i]
            if not "".join(row).strip():
                continue
            data.append((i + 1, tuple(row) + ("",) * (len(roles) - len(row))))
        return index, data

    def _returns_sheet(self, s: "RawSheet", header_at: int, roles: list) -> None:
        header = s.rows[header_at]
        index, data = self._ids(s, header_at, roles)
        table_wave = self._table_wave(s, "wave" in index)
        if table_wave == "":
            return
        counts = [(j, r, header[j].strip()) for j, r in enumerate(roles) if r.kind == "count"]
        for _, r, _h in counts:
            if (r.cohort, r.measure) not in self.order:
                self.order.append((r.cohort, r.measure))
        for rownum, row in data:
            get = lambda name: " ".join(row[index[name]].split()) if name in index else ""  # noqa: E731
            aid, name = get("authority_id"), get("authority")
            wave = table_wave if table_wave is not None else get("wave")
            where = {"file": s.where, "row": rownum, "wave": _shown_wave(wave, table_wave),
                     "authority_id": aid or name, "authority": name or aid}
            if not aid and not name:
                if any(row[j].strip() for j, _, _ in counts):
                    self.issue("no_authority", "a row with counts names no authority", **{**where, "column":
                               "authority"})
                continue
            if not self.wave_readable(wave, table_wave, where, header[index["wave"]] if "wave" in index else ""):
                if wave:  # a wave that is no wave: its cells are still checked (validate lists every problem)
                    for j, _r, h in counts:
                        cell = parse_cell(row[j])
                        if cell.status == INVALID:
                            self.issue(problem_code(cell), problem_text(cell), **{**where, "column": h, "raw": cell.raw})
                continue
            if is_totals_row(aid, name):
                self.issue("totals_row", "a totals row (named as a total, with no authority code) was left out: "
                           "it is not an authority", "warning",
                           **{**where, "authority_id": "", "authority": "",
                              "column": header[index.get("authority", index.get("authority_id"))]})
                continue
            nation_raw = get("nation")
            nation = normalise_nation(nation_raw)
            if nation is None:
                self.issue("unknown_nation", f"nation is not one of {', '.join(NATIONS)}; kept as written",
                           "warning", **{**where, "column": header[index["nation"]]})
                nation = nation_raw
            region = get("region") or (nation if nation in NATIONS[1:] else NOT_STATED)
            cells: dict[tuple[str, str], Cell] = {}
            headers: dict[tuple[str, str], str] = {}
            for j, r, h in counts:
                cell = parse_cell(row[j])
                cells[(r.cohort, r.measure)] = cell
                headers[(r.cohort, r.measure)] = h
                if cell.status == INVALID:
                    self.issue(problem_code(cell), problem_text(cell), **{**where, "column": h, "raw": cell.raw})
            rec = AuthorityReturn(wave, aid or name, name or aid, nation, region, get("period"), s.where, rownum,
                                  cells, headers)
            keys = [(wave, "id", authority_key(rec.authority_id))]
            if name:  # the same name under two codes (or none) is one authority entered twice too
                keys.append((wave, "name", authority_key(name)))
            first = next((self.seen[k] for k in keys if k in self.seen), None)
            if first is not None:
                self.issue("duplicate_authority", f"this authority appears twice in wave {wave} (also {first.file}, "
                           f"row {first.row})", **{**where, "column": header[index.get("authority_id",
                                                                                          index.get("authority"))]})
                continue
            for k in keys:
                self.seen[k] = rec
            self.records.append(rec)

    def _breakdown_sheet(self, s: "RawSheet", header_at: int, roles: list) -> None:
        header = s.rows[header_at]
        index, data = self._ids(s, header_at, roles)
        missing = [c for c in ("cohort", "count") if c not in index]
        if missing:
            self.issue("no_count_columns", f"a nationality/gender table needs the column(s) {', '.join(missing)}",
                       file=s.where, row=header_at + 1)
            return
        table_wave = self._table_wave(s, "wave" in index)
        if table_wave == "":
            return
        for rownum, row in data:
            get = lambda name: " ".join(row[index[name]].split()) if name in index else ""  # noqa: E731
            aid = get("authority_id") or get("authority")
            wave = table_wave if table_wave is not None else get("wave")
            where = {"file": s.where, "row": rownum, "wave": _shown_wave(wave, table_wave), "authority_id": aid,
                     "authority": get("authority") or aid}
            if not aid:
                self.issue("no_authority", "a breakdown row names no authority", **{**where, "column": "authority"})
                continue
            if not self.wave_readable(wave, table_wave, where, header[index["wave"]] if "wave" in index else ""):
                continue
            cohort = normalise_cohort(get("cohort"))
            if cohort is None:
                self.issue("unknown_cohort", f"cohort must be one of {', '.join(COHORTS)}",
                           **{**where, "column": header[index["cohort"]]})
                continue
            measure = normalise_header(get("measure")) if "measure" in index and get("measure") else "went_missing"
            if measure not in BASE_MEASURES:
                self.issue("unknown_measure", f"measure must be one of {', '.join(BASE_MEASURES)}",
                           **{**where, "column": header[index["measure"]]})
                continue
            cell = parse_cell(row[index["count"]])
            if cell.status == INVALID:
                self.issue(problem_code(cell), problem_text(cell), **{**where, "column": header[index["count"]], "raw": cell.raw})
            self.breakdowns.append(BreakdownRow(wave, aid, cohort, measure, normalise_nationality(get("nationality")),
                                                normalise_gender(get("gender")), cell, s.where, rownum))

    def check_breakdowns(self) -> None:
        """A breakdown row may name an authority by id or by name; resolve it to the id."""
        by_name = {(r.wave, authority_key(r.authority)): r.authority_id for r in self.records}
        by_id = {(r.wave, authority_key(r.authority_id)): r.authority_id for r in self.records}
        ids = {(r.wave, r.authority_id) for r in self.records}
        fixed = []
        for b in self.breakdowns:
            if (b.wave, b.authority_id) not in ids:
                key = (b.wave, authority_key(b.authority_id))
                aid = by_id.get(key) or by_name.get(key)
                if aid is None:
                    self.issue("breakdown_unknown_authority", f"the nationality/gender table names an authority "
                               f"with no return in wave {b.wave}", "inconsistency", file=b.file, row=b.row,
                               wave=b.wave, authority_id=b.authority_id, authority=b.authority_id)
                else:
                    b = BreakdownRow(b.wave, aid, b.cohort, b.measure, b.nationality, b.gender, b.cell, b.file, b.row)
            fixed.append(b)
        self.breakdowns = fixed


def _shown_wave(wave: str, table_wave: str | None) -> str:
    """The wave as messages may show it: a wave cell that does not look like a wave is not quoted."""
    return wave if table_wave is not None or looks_like_wave(wave) else ""


def _find_header(rows: Sequence[Sequence[str]]) -> tuple[int | None, list]:
    """The first row (within the first rows: title lines may sit above it) naming an authority column."""
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        roles = [column_role(h) if h.strip() else column_role("") for h in row]
        names = {r.name for r in roles if r.kind == "id"}
        if names & {"authority", "authority_id"}:
            return i, roles
    return None, []
