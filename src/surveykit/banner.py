"""Banner tables: items as rows, groups as columns, the top-box share in each cell with
significance letters, as SPSS Custom Tables and Q print them.

Each tested group column gets a letter (A, B, C ... in column order). A cell carries the letter of
every other column whose share it is significantly *higher* than: two-sided column-proportion
z-tests with the pooled proportion, every pair of columns on every row, all p-values of the table
corrected together (``padjust``, default Holm). Columns with fewer than ``min_group_size`` valid
answers on a row are not tested on that row; groups below it on every row are left out of the
table (named in the notes). The "all" column (everyone, including left-out groups) is shown
without a letter and is not tested.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

from surveykit import stats
from surveykit.errors import UsageError, invalid_choice

if TYPE_CHECKING:
    import pandas as pd

    from surveykit.clean import Responses

BANNER_COLUMNS = ["item_id", "item_label", "group", "letter", "n", "count", "pct", "higher_than"]


@dataclass(frozen=True)
class BannerResult:
    """``table``: long form, one row per item and group (``BANNER_COLUMNS``; ``higher_than`` holds
    the letters, ``count``/``pct``/``n`` may be ``disclosure.MARKER``); ``tests``: every pairwise
    z-test (item_id, group_a, group_b, z, p_value, p_adjusted); ``footer``: test, alpha,
    correction; ``notes``: groups left out and other remarks."""

    table: "pd.DataFrame" = field(repr=False)
    tests: "pd.DataFrame" = field(repr=False)
    question_id: str
    top_box_label: str
    letters: tuple[tuple[str, str], ...]  # (group, letter)
    footer: str
    notes: tuple[str, ...] = ()

    def wide(self) -> "pd.DataFrame":
        """Items as rows, one column per group: "72.1 BC" (share, then letters), plus the bases."""
        import pandas as pd

        letter = dict(self.letters)
        out = []
        for item_id, part in self.table.groupby("item_id", sort=False):
            row = {"item": part["item_label"].iloc[0]}
            for _, r in part.iterrows():
                head = f"{r['group']} ({letter[r['group']]})" if r["group"] in letter else r["group"]
                pct = r["pct"]
                cell = pct if isinstance(pct, str) else ("" if pd.isna(pct) else f"{pct:.1f}")
                row[head] = f"{cell} {r['higher_than']}".strip()
                row[f"n {r['group']}"] = r["n"]
            out.append(row)
        frame = pd.DataFrame(out)
        cells = [c for c in frame.columns if not c.startswith("n ")]
        bases = [c for c in frame.columns if c.startswith("n ")]
        return frame[cells + bases]


def banner(responses: "Responses", *, question: str, by: str, alpha: float = 0.05,
           padjust: str = "holm", min_group_size: int = 10, groups: Sequence[str] | str | None = None,
           suppress: bool = True, threshold: int = 5) -> BannerResult:
    """Build the banner table of ``question`` (a grid: its items; a single question: one row) by
    ``by``. The cell share is the scale's top box (% effective, % agree, % yes ...) of the valid base.
    ``suppress`` (default True, as in the CLI): disclosure control on counts, shares and bases
    (``surveykit.disclosure``)."""
    import numpy as np
    import pandas as pd

    from surveykit import disclosure
    from surveykit.compare import check_alpha, select_groups
    from surveykit.scoring import ALL, MISSING, closed_targets, grouping

    from surveykit.validation import check_bool, check_threshold

    alpha = check_alpha(alpha)
    check_bool(suppress, parameter="suppress")
    threshold = check_threshold(threshold)
    if padjust not in stats.PADJUST_METHODS:
        raise invalid_choice("padjust", padjust, stats.PADJUST_METHODS)
    targets = closed_targets(responses, [question], parameter="question")
    q = targets[0][0]
    if len({t[0].id for t in targets}) != 1:
        raise UsageError(f"question must name one question; got {question!r}")
    scale = q.scale
    if not scale.top_box:
        raise UsageError(f"question {q.id!r} has no top box to show in a banner")
    grp = grouping(responses, by)
    present = [g for g in grp.groups if g != MISSING]
    chosen = select_groups(present, groups) or present
    valid = [o.code for o in scale.valid_options]
    top = set(scale.top_box)

    # counts per item: n valid and top-box count for "all" and each chosen group
    cells: dict[tuple[str, str], tuple[int, int]] = {}
    for qq, it in targets:
        col = it.id if it else qq.id
        ser = responses.data[col]
        is_valid = ser.isin(valid).to_numpy()
        is_top = ser.isin(list(top)).to_numpy()
        cells[(col, ALL)] = (int(is_valid.sum()), int(is_top.sum()))
        for g in chosen:
            m = grp.codes == grp.groups.index(g)
            cells[(col, g)] = (int((is_valid & m).sum()), int((is_top & m).sum()))
    cols = [it.id if it else qq.id for qq, it in targets]
    shown = [g for g in chosen if any(cells[(c, g)][0] >= min_group_size for c in cols)]
    left_out = [g for g in chosen if g not in shown]
    if len(shown) > len(string.ascii_uppercase):
        raise UsageError(f"a banner holds at most 26 group columns; {by!r} has {len(shown)}")
    letters = {g: string.ascii_uppercase[i] for i, g in enumerate(shown)}

    tests = []
    for c in cols:
        for i, a in enumerate(shown):
            for b in shown[i + 1:]:
                na, xa = cells[(c, a)]
                nb, xb = cells[(c, b)]
                if na < min_group_size or nb < min_group_size:
                    continue
                z, p = stats.two_proportion_z(xa, na, xb, nb)
                tests.append({"item_id": c, "group_a": a, "group_b": b, "z": z, "p_value": p})
    tests_frame = pd.DataFrame(tests, columns=["item_id", "group_a", "group_b", "z", "p_value"])
    tests_frame["p_adjusted"] = stats.p_adjust(tests_frame["p_value"].tolist(), padjust) if len(tests) else []
    higher: dict[tuple[str, str], list[str]] = {}
    for r in tests_frame.itertuples():
        if r.p_adjusted < alpha:
            winner, loser = (r.group_a, r.group_b) if r.z > 0 else (r.group_b, r.group_a)
            higher.setdefault((r.item_id, winner), []).append(letters[loser])

    labels = {(it.id if it else qq.id): (it.label if it else qq.short) for qq, it in targets}
    rows = []
    groups_shown = [ALL] + shown
    for c in cols:
        for g in groups_shown:
            n, x = cells[(c, g)]
            rows.append({"item_id": c, "item_label": labels[c], "group": g, "letter": letters.get(g, ""),
                         "n": n, "count": x, "pct": 100.0 * x / n if n else np.nan,
                         "higher_than": "".join(sorted(higher.get((c, g), [])))})
    table = pd.DataFrame(rows, columns=BANNER_COLUMNS)
    notes = []
    if left_out:
        notes.append(f"left out (fewer than {min_group_size} valid answers on every row): {', '.join(left_out)}")
    if suppress:
        table = _protect(table, responses, targets, by, threshold, disclosure.MARKER)
        table = disclosure.round_published(table, percents=["pct"])
        notes.append(f"cells based on fewer than {threshold} respondents, and cells that would reveal them, "
                     f"are shown as {disclosure.MARKER}")
    footer = (f"{scale.top_box_label or 'top box'} of valid answers (Don't know and blank excluded). Letters: the "
              f"cell is significantly higher than the column with that letter (two-sided column-proportion "
              f"z-test, pooled; {len(tests)} comparisons, {_name(padjust)} correction across this table; "
              f"alpha = {alpha:g}). Columns with fewer than {min_group_size} valid answers on a row are not tested.")
    return BannerResult(table=table, tests=tests_frame, question_id=q.id, top_box_label=scale.top_box_label,
                        letters=tuple(letters.items()), footer=footer, notes=tuple(notes))


def _name(method: str) -> str:
    return {"holm": "Holm", "fdr_bh": "Benjamini-Hochberg", "bonf": "Bonferroni", "none": "no"}[method]


def _protect(table, responses, targets, by, threshold, marker):
    """The item's one protection over ``by`` (``scoring.hidden_sets``: the same numbers hidden as in
    every other table of the item): a hidden top-box share hides the cell's count, share and letters,
    a hidden base the base too."""
    from surveykit.scoring import grouping, hidden_sets

    labels = grouping(responses, by).labels
    out = table.astype({"n": object, "count": object, "pct": object}).copy()
    for (q, it), hide in zip(targets, hidden_sets(responses, targets, by, None, threshold)):
        col = it.id if it else q.id
        for idx in table.index[table["item_id"] == col]:
            g = labels.index(table.at[idx, "group"])
            if ("top", g) in hide or ("n", g) in hide:
                out.at[idx, "count"] = marker
                out.at[idx, "pct"] = marker
                out.at[idx, "higher_than"] = ""
            if ("n", g) in hide:
                out.at[idx, "n"] = marker
    return out
