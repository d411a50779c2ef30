"""The banner in the terminal: rich tables that fit the window, split into panels of columns (each
repeating the item column) when the groups do not fit side by side, as SPSS prints a wide table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping

if TYPE_CHECKING:
    from surveykit.banner import BannerResult

ITEM_WIDTH = 28
STAT_WIDTH = 11


def _cell(kind: str, value, letters: str) -> str:
    if value is None or (isinstance(value, float) and value != value):
        text = ""
    elif isinstance(value, str):
        text = value
    elif kind == "percent":
        text = f"{float(value):.1f}"
    elif kind == "decimal":
        text = f"{float(value):.2f}"
    else:
        text = f"{int(value)}"
    return f"{text} {letters}".rstrip() if letters else text


def render_banner(result: "BannerResult", *, width: int, group_labels: Mapping[str, str] | None = None,
                  title: str | None = None) -> str:
    """The banner as text at most ``width`` characters wide (letters beside each number)."""
    import io

    from rich import box
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    frame, headers, letters = result.people_frame(group_labels=group_labels)
    groups = list(letters)
    cells = {g: [_cell(k, v, s) for k, v, s in zip(frame["row_kind"], frame[g], frame[letters[g]])] for g in groups}

    def col_width(g: str) -> int:
        longest_word = max((len(w) for w in headers[g].split()), default=4)
        return max([min(max(longest_word, 10), 14)] + [len(c) for c in cells[g]])

    width = max(int(width), 40)
    item_w = min(ITEM_WIDTH, max(12, width // 4))
    fixed = item_w + STAT_WIDTH + 2 * 3  # two columns, padding and rules
    panels: list[list[str]] = [[]]
    used = fixed
    for g in groups:
        w = col_width(g) + 3
        if panels[-1] and used + w > width:
            panels.append([])
            used = fixed
        panels[-1].append(g)
        used += w
    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system=None, force_terminal=False, legacy_windows=False,
                      soft_wrap=False)
    for k, panel in enumerate(panels):
        caption = f"columns {k + 1} of {len(panels)}" if len(panels) > 1 else None
        table = Table(box=box.SIMPLE_HEAD, title=escape(title) if title and k == 0 else None, caption=caption, show_lines=False,
                      pad_edge=False, expand=False)
        table.add_column("Item", width=item_w, overflow="fold")
        table.add_column("", width=STAT_WIDTH, overflow="fold")
        for g in panel:
            table.add_column(escape(headers[g]), justify="right", width=col_width(g), overflow="fold")
        for i, row in enumerate(frame.itertuples(index=False)):
            # Text, not markup: "[c]" and labels with brackets are shown as they are.
            table.add_row(Text(str(row.item_label)), Text(str(row.statistic)), *[Text(cells[g][i]) for g in panel],
                          end_section=(row.row_kind == "integer"))
        console.print(table)
    return buf.getvalue().rstrip("\n")
