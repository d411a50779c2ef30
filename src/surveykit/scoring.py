"""Scoring: option counts and percentages, item summaries, and the ranked grid tables.

Percentages are of the *valid* base: blank and Don't know are never in it (DESIGN.md §3). The DK
share is reported on its own, as a share of everyone who answered (valid + DK).

Groups: ``by=None`` gives one group, ``"all"``. With ``by`` (a grouping profile field such as
``sector``, or any single-choice question id: ``Instrument.grouping_candidates()``) the first group
is ``"all"`` (everyone) and then one group per value in the instrument's order; respondents with no
value form the group ``"missing"`` (so that every group total adds up to ``"all"``, which disclosure
control relies on). The groupings, the counts and their protection are ``counting``'s.

Published tables are suppressed by default (``suppress=True``, ``threshold=5``), as in the CLI;
``suppress=False`` gives the true values for internal work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

# The groupings and counts the tables are made from; their names stay importable from here.
from surveykit.counting import (ALL, MISSING, Grouping, _isna, closed_targets, count_matrix, group_sizes, grouping,
                                hidden_group_sizes, hidden_sets, item_counts, protections)
from surveykit.errors import UsageError, invalid_choice
from surveykit.validation import DEFAULT_THRESHOLD, check_bool, check_threshold

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from surveykit.clean import Responses

SCORE_COLUMNS = ["question_id", "item_id", "item_label", "group", "option_code", "option_label", "count", "pct",
                 "n_valid", "n_dk", "n_blank"]
SUMMARY_COLUMNS = ["question_id", "item_id", "item_label", "group", "n_valid", "n_dk", "n_blank", "pct_dk", "mean",
                   "median", "sd", "pct_top_box", "top_box_label"]
SORT_KEYS = ("pct_effective", "top_box", "mean", "instrument")


def _stats_from_counts(values: "np.ndarray", counts: "np.ndarray") -> tuple[float, float, float]:
    """Mean, median and sample SD (ddof 1) of a discrete variable given its value counts."""
    import numpy as np

    n = counts.sum()
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    order = np.argsort(values)
    v, c = values[order], counts[order]
    mean = float((v * c).sum() / n)
    sd = float(np.sqrt(((v - mean) ** 2 * c).sum() / (n - 1))) if n > 1 else float("nan")
    cum = np.cumsum(c)
    lo = v[np.searchsorted(cum, (n + 1) // 2)]  # the ((n+1)//2)-th value (1-based)
    hi = v[np.searchsorted(cum, n // 2 + 1)]  # the (n//2 + 1)-th value
    median = float(lo) if n % 2 else float((v[np.searchsorted(cum, n // 2)] + hi) / 2)
    return mean, median, sd


def score(responses: "Responses", *, questions: Iterable[str] | str | None = None, by: str | None = None,
          suppress: bool = True, threshold: int = DEFAULT_THRESHOLD,
          protect_by: str | None = None) -> "pd.DataFrame":
    """Counts and percentages of every option of every closed question / grid item.

    Returns a long table with columns ``question_id, item_id, item_label, group, option_code,
    option_label, count, pct, n_valid, n_dk, n_blank``. ``pct`` is the percentage (0-100) of the
    valid base ``n_valid`` for valid options; on the Don't know row it is the DK share of everyone
    who answered (``n_dk / (n_valid + n_dk)``). ``item_id`` is the column id (the question id for
    single questions).

    ``suppress=True`` (the default) applies disclosure control (``surveykit.disclosure``): count,
    pct, n_valid and n_dk become ``disclosure.MARKER`` where a count below ``threshold`` could be
    read or recovered (with mean, SD and top-box share treated as published beside the table), and
    n_blank where it would reveal a hidden Don't know count. ``protect_by``: with ``by=None``, protect
    over this grouping (when tables by it are published too). Published percentages are rounded to
    one decimal.
    """
    from surveykit import disclosure
    import numpy as np
    import pandas as pd

    suppress = check_bool(suppress, parameter="suppress")
    threshold = check_threshold(threshold)

    rows = []
    targets = closed_targets(responses, questions)
    hides = hidden_sets(responses, targets, by, protect_by, threshold) if suppress else None
    for k, ic in enumerate(item_counts(responses, targets, by)):
        opts = ic.question.scale.options
        dk_rows = [i for i, o in enumerate(opts) if o.dk]
        valid_rows = [i for i, o in enumerate(opts) if not o.dk]
        n_valid = ic.counts[valid_rows].sum(axis=0)
        n_dk = ic.counts[dk_rows].sum(axis=0) if dk_rows else np.zeros_like(n_valid)
        hide = hides[k] if hides is not None else frozenset()
        m = disclosure.MARKER
        for gi, g in enumerate(ic.groups):
            for i, o in enumerate(opts):
                c = int(ic.counts[i, gi])
                base = n_valid[gi] + n_dk[gi] if o.dk else n_valid[gi]
                row = [ic.question.id, ic.column_id, ic.label, g, o.code, o.label, c,
                       100.0 * c / base if base else np.nan, int(n_valid[gi]), int(n_dk[gi]), int(ic.blank[gi])]
                if hide:
                    dk_hidden = bool(dk_rows) and ("c", dk_rows[0], gi) in hide
                    # pct of a DK row is n_dk / (n_valid + n_dk): it would reveal a hidden base too
                    if ("c", i, gi) in hide or ("n", gi) in hide or (o.dk and dk_hidden):
                        row[6 if ("c", i, gi) in hide else 7] = m
                        row[7] = m
                    if ("n", gi) in hide:
                        row[8] = m
                    if dk_hidden:
                        row[9] = m
                    if ("b", gi) in hide:
                        row[10] = m
                rows.append(tuple(row))
    frame = pd.DataFrame(rows, columns=SCORE_COLUMNS)
    if suppress:
        frame = frame.astype({"count": object, "pct": object, "n_valid": object, "n_dk": object, "n_blank": object})
        return disclosure.round_published(frame, percents=["pct"])
    return frame.astype({"count": "int64", "n_valid": "int64", "n_dk": "int64", "n_blank": "int64", "pct": "float64"})


def summarise_items(responses: "Responses", *, items: Iterable[str] | str | None = None,
                    by: str | None = None, suppress: bool = True,
                    threshold: int = DEFAULT_THRESHOLD, protect_by: str | None = None) -> "pd.DataFrame":
    """One row per item and group: ``question_id, item_id, item_label, group, n_valid, n_dk, n_blank,
    pct_dk, mean, median, sd, pct_top_box, top_box_label``.

    ``items`` takes question ids (all their items) or item column ids. mean / median / sd (sample SD)
    are of the option scores on ordinal scales and NaN on nominal ones; ``pct_top_box`` (0-100) is
    the share of the valid base in the scale's top box (e.g. "% effective" = 4 or 5).
    ``suppress=True`` (the default): disclosure control as in ``score`` (the same numbers are hidden
    whichever table shows them); a mean, median or SD only for a group whose every answer count is
    publishable; percentages rounded to one decimal and statistics to two."""
    import numpy as np

    from surveykit import disclosure
    import pandas as pd

    suppress = check_bool(suppress, parameter="suppress")
    threshold = check_threshold(threshold)

    rows = []
    targets = closed_targets(responses, items, parameter="items")
    hides = hidden_sets(responses, targets, by, protect_by, threshold) if suppress else None
    for k, ic in enumerate(item_counts(responses, targets, by)):
        scale = ic.question.scale
        valid = [i for i, o in enumerate(scale.options) if not o.dk]
        dk = [i for i, o in enumerate(scale.options) if o.dk]
        top = [i for i, o in enumerate(scale.options) if o.code in scale.top_box]
        values = np.array([o.value if o.value is not None else np.nan for o in scale.options])[valid]
        for gi, g in enumerate(ic.groups):
            c = ic.counts[:, gi]
            nv, nd = int(c[valid].sum()), int(c[dk].sum()) if dk else 0
            if scale.is_ordinal:
                mean, median, sd = _stats_from_counts(values, c[valid])
            else:
                mean = median = sd = np.nan
            row = [ic.question.id, ic.column_id, ic.label, g, nv, nd, int(ic.blank[gi]),
                   100.0 * nd / (nv + nd) if nv + nd else np.nan, mean, median, sd,
                   100.0 * c[top].sum() / nv if nv and top else np.nan, scale.top_box_label]
            if suppress:
                hide = hides[k]
                mk = disclosure.MARKER
                if ("n", gi) in hide:
                    row[4] = row[7] = row[8] = row[9] = row[10] = row[11] = mk
                if dk and ("c", dk[0], gi) in hide:
                    row[5] = row[7] = mk
                if ("mean", gi) in hide:
                    row[8] = row[9] = mk
                if ("sd", gi) in hide:
                    row[10] = mk
                if ("top", gi) in hide:
                    row[11] = mk
                if ("b", gi) in hide:
                    row[6] = mk
            rows.append(tuple(row))
    frame = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    if not suppress:
        return frame
    frame = frame.astype({c: object for c in SUMMARY_COLUMNS[4:12]})
    return disclosure.round_published(frame, percents=["pct_dk", "pct_top_box"], stats=["mean", "median", "sd"])


NET_COLUMNS = ["question_id", "item_id", "group", "net_id", "net_label", "count", "pct", "n_valid"]


def net_shares(responses: "Responses", *, questions: Iterable[str] | str | None = None, by: str | None = None,
               suppress: bool = True, threshold: int = DEFAULT_THRESHOLD,
               protect_by: str | None = None) -> "pd.DataFrame":
    """The nets (combined options declared in the instrument, e.g. "Rarely or Never") of closed
    questions, per group: ``question_id, item_id, group, net_id, net_label, count, pct, n_valid``
    (pct of the valid base, 0-100). With ``suppress`` a net is hidden where it or its complement
    counts 1 to ``threshold - 1`` respondents, or where it would reveal a hidden count: the same
    protection as every other table of the item."""
    import numpy as np
    import pandas as pd

    from surveykit import disclosure

    suppress = check_bool(suppress, parameter="suppress")
    threshold = check_threshold(threshold)
    targets = [(q, it) for q, it in closed_targets(responses, questions) if q.all_nets]
    hides = hidden_sets(responses, targets, by, protect_by, threshold) if suppress else None
    rows = []
    for k, ic in enumerate(item_counts(responses, targets, by)):
        scale = ic.question.scale
        codes = [o.code for o in scale.options]
        valid = [i for i, o in enumerate(scale.options) if not o.dk]
        for j, net in enumerate(ic.question.all_nets):
            idx = [codes.index(c) for c in net.codes]
            for gi, g in enumerate(ic.groups):
                n = int(ic.counts[valid, gi].sum())
                x = int(ic.counts[idx, gi].sum())
                row = [ic.question.id, ic.column_id, g, net.id, net.label, x, 100.0 * x / n if n else np.nan, n]
                if hides is not None:
                    hide = hides[k]
                    if ("net", j, gi) in hide or ("n", gi) in hide:
                        row[5] = row[6] = disclosure.MARKER
                    if ("n", gi) in hide:
                        row[7] = disclosure.MARKER
                rows.append(row)
    frame = pd.DataFrame(rows, columns=NET_COLUMNS)
    if suppress:
        frame = disclosure.round_published(frame.astype({"count": object, "pct": object, "n_valid": object}),
                                           percents=["pct"])
    return frame


def _grid_table(responses: "Responses", question: str, *, by: str | None, sort: str, top_name: str,
                include_other: bool = False, suppress: bool = False, threshold: int = 5,
                protect_by: str | None = None) -> "pd.DataFrame":
    from surveykit import disclosure

    import numpy as np
    import pandas as pd

    if sort not in SORT_KEYS:
        raise invalid_choice("sort", sort, SORT_KEYS)
    suppress = check_bool(suppress, parameter="suppress")
    threshold = check_threshold(threshold)
    inst = responses.instrument
    grids = ranked_grids(inst)
    if not isinstance(question, str) or not inst.has_question(question) or inst.question(question).id not in grids:
        raise invalid_choice("question (a grid with an ordinal scale and a top box)", question, grids)
    q = inst.question(question)
    targets = [(q, it) for it in q.items if include_other or not it.other]
    valid_opts = [o for o in q.scale.options if not o.dk]
    pct_cols = [f"pct_{o.code}" for o in sorted(valid_opts, key=lambda o: o.value)]
    rows = []
    masked: list[list[bool]] = []
    order = {it.id: i for i, it in enumerate(q.items)}
    hides = hidden_sets(responses, targets, by, protect_by, threshold) if suppress else None
    for k, ic in enumerate(item_counts(responses, targets, by)):
        vi = [i for i, o in enumerate(q.scale.options) if not o.dk]
        values = np.array([q.scale.options[i].value for i in vi])
        top = [i for i, o in enumerate(q.scale.options) if o.code in q.scale.top_box]
        hide = hides[k] if hides is not None else frozenset()
        code_row = {q.scale.options[i].code: i for i in vi}
        for gi, g in enumerate(ic.groups):
            c = ic.counts[:, gi]
            n = int(c[vi].sum())
            pcts = [100.0 * c[code_row[col[4:]]] / n if n else np.nan for col in pct_cols]
            mean = float((values * c[vi]).sum() / n) if n else np.nan
            topv = 100.0 * c[top].sum() / n if n else np.nan
            rows.append([ic.column_id, ic.label, g, n, *pcts, mean, topv, order[ic.column_id]])
            masked.append([("n", gi) in hide,
                           *[("c", code_row[col[4:]], gi) in hide or ("n", gi) in hide for col in pct_cols],
                           ("mean", gi) in hide or ("n", gi) in hide, ("top", gi) in hide or ("n", gi) in hide])
    cols = ["item_id", "item_label", "group", "n", *pct_cols, "mean", top_name, "_order"]
    frame = pd.DataFrame(rows, columns=cols)
    mask_cols = ["n", *pct_cols, "mean", top_name]
    mask = pd.DataFrame(masked, columns=mask_cols, index=frame.index)
    # Rank within each group: by the top-box share, ties broken by the mean (1 = best). With suppression
    # both are the published numbers: a suppressed share or mean sorts as unknown, after every shown
    # one, and a suppressed share has no rank. Its place between two shown shares would bound it, and
    # with its base shown that can leave one possible count (the sample's reasons grid by region did).
    frame["_top"] = frame[top_name].mask(mask[top_name])
    frame["_mean"] = frame["mean"].mask(mask["mean"])
    frame = frame.sort_values(["group", "_top", "_mean", "_order"], ascending=[True, False, False, True],
                              na_position="last", kind="mergesort")
    frame["rank"] = frame.groupby("group", sort=False).cumcount() + 1
    key = {"pct_effective": ["_top", "_mean"], "top_box": ["_top", "_mean"], "mean": ["_mean", "_top"],
           "instrument": ["_order"]}[sort]
    asc = [True] if sort == "instrument" else [False, False]
    group_order = {g: i for i, g in enumerate(grouping(responses, by).labels)}
    frame["_g"] = frame["group"].map(group_order)
    frame = frame.sort_values(["_g", *key, "_order"], ascending=[True, *asc, True], kind="mergesort",
                              na_position="last")
    frame = frame.drop(columns=["_order", "_g", "_top", "_mean"])
    if suppress:
        mask = mask.loc[frame.index]
        frame = frame.astype({c: object for c in [*mask_cols, "rank"]})
        for col in mask_cols:
            frame.loc[mask[col].to_numpy(), col] = disclosure.MARKER
        frame.loc[mask[top_name].to_numpy(), "rank"] = disclosure.MARKER
        frame = disclosure.round_published(frame, percents=[*pct_cols, top_name], stats=["mean"])
    return frame.reset_index(drop=True)


def in_rank_order(table: "pd.DataFrame") -> "pd.DataFrame":
    """The rows of a ranked grid table (``rank_grid``, ``effectiveness_table``, ``reasons_table``) in rank
    order: the ranked rows by rank, then the rows whose share is suppressed (rank ``[c]``) in the
    table's own order."""
    import pandas as pd

    from surveykit.disclosure import MARKER

    ranks = pd.to_numeric(table["rank"].where(table["rank"].map(lambda v: not (isinstance(v, str) and v == MARKER))),
                          errors="coerce")
    return table.assign(_rank=ranks).sort_values("_rank", na_position="last", kind="mergesort").drop(columns="_rank")


def ranked_grids(instrument) -> list[str]:
    """The grids that can be ranked: an ordinal scale with a top box."""
    return [q.id for q in instrument.questions if q.is_grid and q.is_ordinal and q.scale.top_box]


def rank_grid(responses: "Responses", *, question: str, by: str | None = None, sort: str = "top_box",
              include_other: bool = False, suppress: bool = True,
              threshold: int = DEFAULT_THRESHOLD, protect_by: str | None = None) -> "pd.DataFrame":
    """Any rated grid ranked by its top box (the share of valid answers in the scale's ``top_box``).

    Columns ``item_id, item_label, group, n, pct_<code> (one per valid option, lowest score first),
    mean, pct_top_box, rank``: ``n`` is the valid base, ``pct_<code>`` the share giving that option
    (0-100), ``mean`` the mean score, ``pct_top_box`` the top-box share, ``rank`` 1 = highest
    top-box share within the group (ties: higher mean). ``sort``: top_box (default), mean or
    instrument order. The rated "Other" row is left out unless ``include_other``: it pools measures
    that respondents named themselves. With ``suppress``, ranks and order come from the published
    numbers: an item whose share is suppressed comes after the others, with rank ``[c]`` (and a
    suppressed mean breaks no tie)."""
    return _grid_table(responses, question, by=by, sort=sort, top_name="pct_top_box", include_other=include_other,
                       suppress=suppress, threshold=threshold, protect_by=protect_by)


def _role_grid(responses: "Responses", question: str | None, role: str, command: str) -> str:
    """The grid a named table works on: the one asked for, else the instrument's grid with ``role``."""
    inst = responses.instrument
    if question is not None:
        return question
    with_role = [q.id for q in inst.questions_with_role(role)]
    if with_role:
        return with_role[0]
    raise UsageError(f"question is required: the instrument declares no grid with 'role: {role}' for {command}; "
                     f"grids that can be ranked: {', '.join(ranked_grids(inst)) or 'none'}")


def effectiveness_table(responses: "Responses", *, question: str | None = None, by: str | None = None,
                        sort: str = "pct_effective", include_other: bool = False, suppress: bool = True,
                        threshold: int = DEFAULT_THRESHOLD, protect_by: str | None = None) -> "pd.DataFrame":
    """An effectiveness grid ranked by the share rating each measure effective (the study's Figure 13).

    ``question``: the grid (default: the instrument's grid with ``role: effectiveness``). Columns
    ``item_id, item_label, group, n, pct_1 .. pct_5, mean, pct_effective, rank``: as ``rank_grid``
    with the top-box share named ``pct_effective``."""
    q = _role_grid(responses, question, "effectiveness", "the effectiveness table")
    return _grid_table(responses, q, by=by, sort=sort, top_name="pct_effective", include_other=include_other,
                       suppress=suppress, threshold=threshold, protect_by=protect_by)


def reasons_table(responses: "Responses", *, question: str | None = None, by: str | None = None,
                  sort: str = "pct_effective", include_other: bool = False, suppress: bool = True,
                  threshold: int = DEFAULT_THRESHOLD, protect_by: str | None = None) -> "pd.DataFrame":
    """A grid of reasons ranked by how often respondents see each reason.

    ``question``: any rated grid (default: the instrument's first grid with ``role: reasons``).
    Columns ``item_id, item_label, group, n, pct_<code> .., mean, pct_often, rank``: as
    ``rank_grid`` with the top-box share (e.g. Often or Very often) named ``pct_often``.
    ``sort="pct_effective"`` means by the top-box share, as for the effectiveness table."""
    q = _role_grid(responses, question, "reasons", "the reasons table")
    return _grid_table(responses, q, by=by, sort=sort, top_name="pct_often", include_other=include_other,
                       suppress=suppress, threshold=threshold, protect_by=protect_by)


def other_answers(responses: "Responses", *, question: str) -> list[str]:
    """The non-blank "Other (please specify)" texts of a question, in file order (personal data:
    callers redact or withhold them in published output)."""
    q = responses.instrument.question(question)
    if not q.other_text:
        return []
    return [t for t in responses.text(q.other_text) if t is not None and not _isna(t) and str(t).strip()]


__all__ = ["ALL", "MISSING", "NET_COLUMNS", "SCORE_COLUMNS", "SORT_KEYS", "SUMMARY_COLUMNS", "Grouping", "closed_targets",
           "count_matrix", "effectiveness_table", "group_sizes", "grouping", "hidden_group_sizes", "hidden_sets",
           "in_rank_order", "item_counts", "net_shares", "other_answers", "protections", "rank_grid", "ranked_grids",
           "reasons_table", "score", "summarise_items"]
