"""The report as a pure data structure: a frozen ``Report`` of ``Section``s made of blocks.

A block is a ``Text`` (a paragraph), a ``Table`` (a tidy DataFrame with a title, a note and the
metadata people need to read it: headers, bases, footnote, layout) or a ``Chart`` (a matplotlib
Figure, or the ``ChartRecipe`` that makes it, with a title and an alternative text). Nothing here
touches the disk;
``surveykit.report.writers`` renders a Report to HTML, Markdown, XLSX, Word, CSV, PNG and SVG, and
``surveykit.report.tables`` holds the presentation rules (fallback headers, rounding, footnotes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping, Sequence, Union

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """A stable snake_case id for file and sheet names."""
    return _SLUG.sub("_", text.lower()).strip("_") or "item"


@dataclass(frozen=True)
class Text:
    """One paragraph of plain text (no markup; writers escape it)."""

    text: str
    kind: str = "p"  # "p" paragraph | "note" a smaller aside | "finding" a headline finding


TABLE_KINDS = ("wide", "long", "data")


@dataclass(frozen=True)
class Table:
    """A result table.

    id: unique in the report; names the CSV file (``tables/<id>.csv``) and the XLSX sheet.
    percent_columns: columns holding percentages on a 0-100 scale (shown with %, stored in XLSX as
    fractions formatted as percentages).
    digits: decimals shown to people per column (CSV and data sheets keep full precision).
    preview: HTML/Markdown/Word show only the first rows; CSV/XLSX hold them all.

    Metadata for people (every field optional; ``surveykit.report.tables`` has the fallbacks):
    labels: column id -> header people see (option labels, "Base", "Mean", "% effective"); unknown
      ids are humanised, never shown raw.
    footnote: under the table: base definition, suppression rule, test. Empty: a footnote is
      composed from the percentage columns and any suppressed cell.
    kind: "wide" (for people: HTML, Markdown, Word, a formatted sheet), "long" or "data" (CSV and a
      data sheet only; the report names where to find it). None: "long" when the id ends in
      "_long", else "wide".
    base_column: the column holding each row's base (shown as "Base" unless labelled).
    base_rows: rows of bases shown under the header, as (row label, {column id: base}).
    hidden: columns people do not see (None: an id column with a ``<id>_label`` column beside it).
    letters: value column -> column holding its significance letters (a banner): written in a
      cell of its own beside the number.
    empty_text: what an empty table says (default "No rows."; data-quality tables "No problems found.").
    row_kind: a (hidden) column whose value, "percent", "decimal" or "integer", sets how the numbers
      of its row are shown (tables that stack statistics in rows, such as a banner).
    counted: what the table's counts count, for the suppression footnote ("respondents"; the FOI
      tables: "children").
    """

    id: str
    title: str
    frame: "pd.DataFrame" = field(repr=False, compare=False)
    note: str = ""
    percent_columns: tuple[str, ...] = ()
    digits: Mapping[str, int] = field(default_factory=dict, compare=False)
    preview: int | None = None
    labels: Mapping[str, str] = field(default_factory=dict, compare=False)
    footnote: str = ""
    kind: str | None = None
    base_column: str | None = None
    base_rows: tuple[tuple[str, Mapping[str, Any]], ...] = field(default=(), compare=False)
    hidden: tuple[str, ...] | None = None
    letters: Mapping[str, str] = field(default_factory=dict, compare=False)
    empty_text: str = ""
    row_kind: str | None = None
    counted: str = "respondents"

    def __post_init__(self) -> None:
        if self.kind is not None and self.kind not in TABLE_KINDS:
            from surveykit.errors import invalid_choice

            raise invalid_choice("kind", self.kind, TABLE_KINDS)

    @property
    def layout(self) -> str:
        """The resolved kind: "wide" for people, "long"/"data" for the CSV and data sheets."""
        if self.kind is not None:
            return self.kind
        return "long" if self.id.endswith("_long") else "wide"


class ChartRecipe:
    """A chart not made yet: ``fn(*args, **kwargs)`` returns its Figure.

    ``fn`` is a chart function of the package (``surveykit.charts``, ``surveykit.report.charts``) and
    the arguments are data, so the recipe can be sent to the process that draws the charts
    (``surveykit.report.chart_server``): ``surveykit report`` never makes a figure in its own process.
    Anywhere else the figure is made here, once, the first time it is asked for. The same figure
    either way: a chart function depends on its arguments alone."""

    __slots__ = ("fn", "args", "kwargs", "_figure", "ticket")

    def __init__(self, fn: Any, /, *args: Any, **kwargs: Any) -> None:
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self._figure: "Figure | None" = None
        #: Set when the chart server draws this chart (``chart_server.Ticket``): its result is the
        #: alternative text and the drawings, or None when the server could not make them.
        self.ticket: Any = None

    def figure(self) -> "Figure":
        """The Figure, made here on the first call."""
        if self._figure is None:
            self._figure = self.fn(*self.args, **self.kwargs)
        return self._figure

    @property
    def made(self) -> bool:
        """Whether the figure exists in this process."""
        return self._figure is not None

    def __getstate__(self) -> tuple:
        return self.fn, self.args, self.kwargs  # the recipe only: a figure or a ticket stays here

    def __setstate__(self, state: tuple) -> None:
        self.fn, self.args, self.kwargs = state
        self._figure, self.ticket = None, None

    def served(self) -> Any:
        """What the chart server made of this recipe (waiting for it): an object with ``alt`` and
        ``drawings`` ({format: bytes}), or None (not sent, or the server failed: make it here)."""
        return self.ticket.result() if self.ticket is not None else None

    def alt(self) -> str:
        from surveykit.charts.base import alt_text

        done = self.served()
        return done.alt if done is not None else alt_text(self.figure())


@dataclass(frozen=True)
class Chart:
    """A chart; ``id`` names ``charts/<id>.png`` and ``charts/<id>.svg``.

    source: the matplotlib Figure, or a ``ChartRecipe`` that makes it (``figure`` gives the Figure
    either way). ``alt``: the alternative text, written by the chart function from what it drew
    (``surveykit.charts.base.alt_text``), else ``given_alt``, else the title."""

    id: str
    title: str
    source: "Figure | ChartRecipe" = field(repr=False, compare=False)
    given_alt: str = ""

    @property
    def figure(self) -> "Figure":
        source = self.source
        return source.figure() if isinstance(source, ChartRecipe) else source

    @property
    def alt(self) -> str:
        from surveykit.charts.base import alt_text

        source = self.source
        written = source.alt() if isinstance(source, ChartRecipe) else alt_text(source)
        return written or self.given_alt or self.title


Block = Union[Text, Table, Chart]


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    blocks: tuple[Block, ...] = ()

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Table))

    @property
    def charts(self) -> tuple[Chart, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Chart))


@dataclass(frozen=True)
class Report:
    """The whole report. ``manifest`` holds inputs, parameters and versions (JSON-serialisable)."""

    title: str
    subtitle: str
    sections: tuple[Section, ...]
    manifest: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(t for s in self.sections for t in s.tables)

    @property
    def charts(self) -> tuple[Chart, ...]:
        return tuple(c for s in self.sections for c in s.charts)

    def check_ids(self) -> None:
        """Table and chart ids must be unique, plain file names (they name files inside the report
        folder: a separator or a leading dot would put a file elsewhere)."""
        from surveykit.errors import UsageError

        for kind, ids in (("table", [t.id for t in self.tables]), ("chart", [c.id for c in self.charts])):
            bad = [i for i in ids if not is_file_id(i)]
            if bad:
                raise UsageError(f"the report's {kind} id {bad[0][:60]!r} cannot name a file: use letters, digits "
                                 "and '_' in the instrument's ids (questions, sections, groupings)")
            # Compared without case: on Windows and macOS "Q2_chart" and "q2_chart" are one file.
            folded = [i.lower() for i in ids]
            dupes = sorted({i for i in ids if folded.count(i.lower()) > 1})
            if dupes:
                raise UsageError(f"the report would write two {kind}s named {', '.join(repr(d) for d in dupes[:4])}: "
                                 "rename a question, section or grouping in the instrument so that no id is another's "
                                 "with a suffix the report adds (such as '_top_box' or '_by_sector'), or differs from "
                                 "it only in case")


_FILE_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,199}")


def is_file_id(value: str) -> bool:
    """Whether ``value`` can name a report file as it stands: letters, digits, '_' and '-', not starting
    with '-' (no separator, no leading dot, no '..')."""
    return isinstance(value, str) and _FILE_ID.fullmatch(value) is not None


def file_id(value: object) -> str:
    """``value`` made into a part of a file id (a wave such as "2016/17" -> "2016_17")."""
    text = re.sub(r"[^A-Za-z0-9_-]+", "_", str(value)).strip("_-")[:60]
    return text or "x"


def file_ids(values: "list[object]") -> list[str]:
    """``file_id`` of each value, numbered where two would name one file ("South/East" and "South_East";
    "North" and "north", one file on Windows and macOS): the k-th value's becomes "<id>_<k>"."""
    base = [file_id(v) for v in values]
    folded = [b.lower() for b in base]
    out: list[str] = []
    taken: set[str] = set()
    for k, b in enumerate(base):
        candidate, n = (b if folded.count(b.lower()) == 1 else f"{b}_{k + 1}"), k + 1
        while candidate.lower() in taken or (candidate != b and candidate.lower() in folded):
            n += 1
            candidate = f"{b}_{n}"
        taken.add(candidate.lower())
        out.append(candidate)
    return out


class SectionBuilder:
    """A small mutable helper to collect blocks, frozen into a Section at the end."""

    def __init__(self, id: str, title: str) -> None:
        self.id, self.title = id, title
        self.blocks: list[Block] = []

    def text(self, text: str, kind: str = "p") -> "SectionBuilder":
        self.blocks.append(Text(text, kind))
        return self

    def table(self, id: str, title: str, frame: "pd.DataFrame", *, note: str = "",
              percent_columns: tuple[str, ...] | list[str] = (), digits: Mapping[str, int] | None = None,
              preview: int | None = 60, labels: Mapping[str, str] | None = None, footnote: str = "",
              kind: str | None = None, base_column: str | None = None,
              base_rows: Sequence[tuple[str, Mapping[str, Any]]] = (), hidden: Sequence[str] | None = None,
              letters: Mapping[str, str] | None = None, empty_text: str = "",
              row_kind: str | None = None) -> "SectionBuilder":
        """Add a table (see ``Table`` for the metadata)."""
        self.blocks.append(make_table(id, title, frame, note=note, percent_columns=percent_columns, digits=digits,
                                      preview=preview, labels=labels, footnote=footnote, kind=kind,
                                      base_column=base_column, base_rows=base_rows, hidden=hidden, letters=letters,
                                      empty_text=empty_text, row_kind=row_kind))
        return self

    def add(self, block: Block) -> "SectionBuilder":
        """Add a block built elsewhere (e.g. ``report.tables.banner_table``)."""
        self.blocks.append(block)
        return self

    def chart(self, id: str, title: str, figure: "Figure | ChartRecipe", alt: str = "") -> "SectionBuilder":
        """Add a chart: a Figure, or a ``ChartRecipe`` that makes it (so that ``surveykit report`` can
        make and draw it in its chart process). Its alternative text is the one the chart function
        wrote (``alt`` only for a figure drawn without one)."""
        self.blocks.append(Chart(id, title, figure, alt))
        return self

    def build(self) -> Section:
        return Section(self.id, self.title, tuple(self.blocks))


def make_table(id: str, title: str, frame: "pd.DataFrame", *, note: str = "",
               percent_columns: Sequence[str] = (), digits: Mapping[str, int] | None = None,
               preview: int | None = 60, labels: Mapping[str, str] | None = None, footnote: str = "",
               kind: str | None = None, base_column: str | None = None,
               base_rows: Sequence[tuple[str, Mapping[str, Any]]] = (), hidden: Sequence[str] | None = None,
               letters: Mapping[str, str] | None = None, empty_text: str = "", row_kind: str | None = None) -> Table:
    """A ``Table`` with its frame re-indexed and its column references checked against the frame.

    A frame may carry its own presentation in ``frame.attrs["surveykit"]`` (a dict of these keyword
    names, e.g. ``BannerResult.wide()``); what the caller passes wins."""
    meta = dict(frame.attrs.get("surveykit", {})) if hasattr(frame, "attrs") else {}
    labels = labels or meta.get("labels")
    letters = letters or meta.get("letters")
    row_kind = row_kind or meta.get("row_kind")
    hidden = hidden if hidden is not None else meta.get("hidden")
    footnote = footnote or meta.get("footnote", "")
    kind = kind or meta.get("kind")
    base_column = base_column or meta.get("base_column")
    base_rows = base_rows or meta.get("base_rows", ())
    if "preview" in meta:
        preview = meta["preview"]
    pcols = tuple(c for c in percent_columns if c in frame.columns)
    frame = frame.reset_index(drop=True)
    return Table(id, title, frame, note=note, percent_columns=pcols, digits=dict(digits or {}),
                 preview=preview if preview is not None and len(frame) > preview else None,
                 labels=dict(labels or {}), footnote=footnote, kind=kind,
                 base_column=base_column if base_column in frame.columns else None,
                 base_rows=tuple((str(label), dict(row)) for label, row in base_rows),
                 hidden=None if hidden is None else tuple(hidden), letters=dict(letters or {}),
                 empty_text=empty_text, row_kind=row_kind if row_kind in frame.columns else None)
