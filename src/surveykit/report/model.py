"""The report as a pure data structure: a frozen ``Report`` of ``Section``s made of blocks.

A block is a ``Text`` (a paragraph), a ``Table`` (a tidy DataFrame with a title and a note) or a
``Chart`` (a matplotlib Figure with a title and an alternative text). Nothing here touches the disk;
``surveykit.report.writers`` renders a Report to HTML, Markdown, XLSX, CSV, PNG and SVG.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping, Union

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


@dataclass(frozen=True)
class Table:
    """A result table.

    id: unique in the report; names the CSV file (``tables/<id>.csv``) and the XLSX sheet.
    percent_columns: columns holding percentages on a 0-100 scale (shown with %, stored in XLSX as
    fractions formatted as percentages).
    """

    id: str
    title: str
    frame: "pd.DataFrame" = field(repr=False, compare=False)
    note: str = ""
    percent_columns: tuple[str, ...] = ()
    digits: Mapping[str, int] = field(default_factory=dict, compare=False)
    preview: int | None = None  # HTML/Markdown show only the first rows; CSV/XLSX hold them all


@dataclass(frozen=True)
class Chart:
    """A chart; ``id`` names ``charts/<id>.png`` and ``charts/<id>.svg``."""

    id: str
    title: str
    figure: "Figure" = field(repr=False, compare=False)
    alt: str = ""


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
        """Table and chart ids must be unique (they name files)."""
        for kind, ids in (("table", [t.id for t in self.tables]), ("chart", [c.id for c in self.charts])):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"duplicate {kind} ids in report: {', '.join(dupes)}")


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
              preview: int | None = 60) -> "SectionBuilder":
        pcols = tuple(c for c in percent_columns if c in frame.columns)
        frame = frame.reset_index(drop=True)
        self.blocks.append(Table(id, title, frame, note=note, percent_columns=pcols, digits=dict(digits or {}),
                                 preview=preview if preview is not None and len(frame) > preview else None))
        return self

    def chart(self, id: str, title: str, figure: "Figure", alt: str = "") -> "SectionBuilder":
        self.blocks.append(Chart(id, title, figure, alt or title))
        return self

    def build(self) -> Section:
        return Section(self.id, self.title, tuple(self.blocks))
