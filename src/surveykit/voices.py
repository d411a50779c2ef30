"""Young people's views beside professionals': the youth ranking against the ratings of a grid.

Each youth measure matches one item of the instrument's youth grid (``youth: {grid: ...}`` in the
instrument; ``item`` in the measures codebook). For the young
people we use the ranking exercise (``surveykit.ranking.score_measures``); for the professionals the
share of the matched item's valid answers in the scale's top box (e.g. 4 or 5 of 5, DK and blank
excluded) from ``surveykit.scoring.summarise_items``, overall and, with ``by``, per group. Both sides are
ranked over the same 14 measures (1 = most effective).

Where the views **diverge** is measured on one scale both sides share: the percentage calling a
measure effective (% of youth groups putting it in the effective pile, % of professionals rating it
4 or 5). ``pct_gap = pro_pct_effective - youth_pct_effective`` (positive: professionals back it more
than the young people did); measures are ordered by the size of that gap, then by the size of the
rank gap. Spearman's rho compares the two orders (positive: the views agree), always with its n.

Published (``suppress``, the default), every rank, gap, order and correlation is worked out from the
published shares only: a hidden share would otherwise come back through them (where a measure falls in
the order of gaps, between two gaps that are shown, can leave one possible number of groups). A measure
whose gap is hidden comes after every measure whose gap is shown; the respondents' rank and Spearman's
rho leave out the items whose share is hidden (``spearman_n`` says how many are in).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from surveykit.errors import AnalysisError, invalid_choice

if TYPE_CHECKING:
    import pandas as pd

    from surveykit.clean import Responses
    from surveykit.ranking.rankings import Rankings

OVERALL = "all"


@dataclass(frozen=True)
class Voices:
    """The comparison.

    ``table``: one row per group x measure, groups in order (``all`` first), measures by divergence.
    Columns: ``group, group_label, measure_id, measure_label, assumed, item_id, youth_rank,
    youth_mean_position, youth_pct_effective, pro_n_valid, pro_pct_effective, pro_rank, rank_gap``
    (pro_rank - youth_rank), ``pct_gap``, ``divergence_order`` (1 = largest), ``spearman_rho,
    spearman_p, spearman_n`` (the group's correlation, repeated so a CSV row never shows a p-value
    without its n).
    ``correlations``: one row per group: ``group, group_label, n_respondents, spearman_rho,
    spearman_p, spearman_n``.
    ``skipped``: (group, reason) for groups too small to show (published, the reason gives the smallest
    base only when every base of the group is published).
    """

    table: "pd.DataFrame" = field(repr=False, compare=False)
    correlations: "pd.DataFrame" = field(repr=False, compare=False)
    n_groups: int = 0
    n_people: int = 0
    exploratory: bool = True
    note: str = ""
    skipped: tuple[tuple[str, str], ...] = ()
    min_group_size: int = 5

    def groups(self) -> list[str]:
        return list(dict.fromkeys(self.table["group"]))

    def group_table(self, group: str) -> "pd.DataFrame":
        if group not in self.groups():
            raise invalid_choice("group", group, self.groups())
        return self.table[self.table["group"] == group].reset_index(drop=True)

    def divergences(self, group: str = OVERALL, *, top: int = 5) -> list[str]:
        """Measure ids where the two views differ most, largest first (only measures whose gap is shown)."""
        t = self.group_table(group)
        shown = [not isinstance(v, str) and not math.isnan(float(v)) for v in t["pct_gap"]]
        return list(t.loc[shown, "measure_id"][:top])

    def spearman_text(self, group: str = OVERALL) -> str:
        """``Spearman rho = ..., p ..., n = N measures``, or why it was not computed."""
        c = self.correlations.set_index("group").loc[group]
        rho, p = float(c["spearman_rho"]), float(c["spearman_p"])
        n = int(c["spearman_n"])
        if math.isnan(rho) and n < 3:
            return (f"Spearman rho not computed: {n} measure{' has' if n == 1 else 's have'} a published share "
                    "of respondents (it needs 3)")
        if math.isnan(rho):
            return f"Spearman rho not defined: over the {n} measures with a published share, one side does not vary"
        p_text = "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
        return f"Spearman rho = {rho:.2f}, {p_text}, n = {n} measures"


def compare_voices(rankings: "Rankings", responses: "Responses", *, by: str | None = None,
                   min_group_size: int = 5, suppress: bool = True, threshold: int = 5,
                   protect_by: str | None = None) -> Voices:
    """Young people's ranking beside professionals' ratings of the matched grid items, overall and
    (with ``by``, a grouping such as ``"sector"``) per group.

    A group is shown only when every matched item has at least ``min_group_size`` valid answers in
    it; the others are listed in ``skipped``. With ``suppress`` (the default) the respondents' bases
    and shares are published as every other table of those items publishes them (``[c]`` where
    hidden; ``protect_by``: the grouping the run's other tables are protected over), and ranks,
    divergences and correlations are worked out from the published shares only (module docstring).
    """
    import pandas as pd

    from surveykit.ranking.scores import count_is_hidden, score_measures
    from surveykit.scoring import ALL, MISSING, summarise_items
    from surveykit.stats import spearman

    if by is not None and by not in responses.instrument.grouping_candidates():
        raise invalid_choice("by", by, responses.instrument.grouping_candidates())
    if not isinstance(min_group_size, int) or min_group_size < 1:
        raise invalid_choice("min_group_size", min_group_size, ["a whole number of at least 1"])
    measures = rankings.measures
    inst = responses.instrument
    if inst.youth is not None:
        known = list(inst.question(inst.youth.grid).columns)
    else:
        known = [it.id for q, it in inst.closed_columns() if it is not None and q.is_ordinal]
    keys = {k.casefold(): k for k in known}
    unknown = [i for i in (m.item for m in measures.measures) if i.casefold() not in keys]
    if unknown:
        raise invalid_choice("item in the measures codebook", unknown[0], known)
    items = [keys[m.item.casefold()] for m in measures.measures]

    from surveykit.validation import check_bool, check_threshold

    suppress = check_bool(suppress, parameter="suppress")
    threshold = check_threshold(threshold)
    youth = score_measures(rankings).set_index("measure_id")
    youth_hidden = [suppress and count_is_hidden(int(youth.loc[m, "n_effective"]), rankings.n_groups,
                                                 threshold=threshold) for m in measures.ids]
    shown = _shown_shares(responses, items, by, protect_by, threshold) if suppress else {}
    frames = [(OVERALL, "All respondents", summarise_items(responses, items=items, by=None, suppress=False))]
    skipped: list[tuple[str, str]] = []
    if by is not None:
        per = summarise_items(responses, items=items, by=by, suppress=False)
        # summarise_items also returns the overall group and respondents with no sector; neither is a sector.
        per = per[~per["group"].isin([ALL, MISSING])]
        labels = inst.group_labels(by)
        for group in _group_order(per["group"], labels):
            part = per[per["group"] == group]
            smallest = int(part["n_valid"].min()) if len(part) else 0
            if smallest < min_group_size or len(part) < len(items):
                skipped.append((str(group), _skip_reason(group, items, smallest, min_group_size,
                                                         shown if suppress else None)))
                continue
            frames.append((str(group), labels.get(str(group), str(group)), part))

    n_answering = _respondents_answering(responses, items, by)
    rows: list[pd.DataFrame] = []
    corr_rows: list[dict[str, Any]] = []
    for group, label, summary in frames:
        pro = summary.set_index("item_id")
        t = pd.DataFrame({
            "group": group,
            "group_label": label,
            "measure_id": list(measures.ids),
            "measure_label": [m.label for m in measures.measures],
            "assumed": [m.assumed for m in measures.measures],
            "item_id": items,
            "youth_rank": [int(youth.loc[m, "rank"]) for m in measures.ids],
            "youth_mean_position": [float(youth.loc[m, "mean_position"]) for m in measures.ids],
            "youth_pct_effective": [float(youth.loc[m, "pct_effective"]) for m in measures.ids],
            "pro_n_valid": [int(pro.loc[i, "n_valid"]) for i in items],
            "pro_pct_effective": [_as_float(pro.loc[i, "pct_top_box"]) for i in items],
        })
        if t["pro_pct_effective"].notna().sum() < 3:
            raise AnalysisError(f"group {group!r}: fewer than 3 matched items have ratings; cannot compare")
        # what the ranks, gaps, order and rho are worked out from: the shares as published
        shares = t["pro_pct_effective"].mask([isinstance(shown[(group, i)][1], str) for i in items]) \
            if suppress else t["pro_pct_effective"]
        valid = shares.notna()
        t["pro_rank"] = shares.rank(method="min", ascending=False).astype("Int64")
        t["rank_gap"] = t["pro_rank"] - t["youth_rank"]
        t["pct_gap"] = shares - t["youth_pct_effective"].mask(youth_hidden)
        n = int(valid.sum())
        if n >= 3 and shares[valid].nunique() > 1 and t.loc[valid, "youth_mean_position"].nunique() > 1:
            rho, p = spearman(-t.loc[valid, "youth_mean_position"], shares[valid])
        else:  # too few published shares, or one side does not vary: rho is not defined
            rho, p = float("nan"), float("nan")
        t["spearman_rho"], t["spearman_p"], t["spearman_n"] = float(rho), float(p), n
        t["_youth_hidden"] = youth_hidden
        t["_abs_pct"] = t["pct_gap"].abs()
        t["_abs_rank"] = t["rank_gap"].abs().astype("float64")
        t = t.sort_values(["_abs_pct", "_abs_rank", "youth_rank"], ascending=[False, False, True],
                          kind="stable", na_position="last").drop(columns=["_abs_pct", "_abs_rank"])
        t["divergence_order"] = range(1, len(t) + 1)
        rows.append(t)
        corr_rows.append({"group": group, "group_label": label, "n_respondents": n_answering.get(group, 0),
                          "spearman_rho": float(rho), "spearman_p": float(p), "spearman_n": n})
    table = pd.concat(rows, ignore_index=True)
    if suppress:
        table = _published(table, shown, list(table["_youth_hidden"]))
    order = ["group", "group_label", "measure_id", "measure_label", "assumed", "item_id", "youth_rank",
             "youth_mean_position", "youth_pct_effective", "pro_n_valid", "pro_pct_effective", "pro_rank",
             "rank_gap", "pct_gap", "divergence_order", "spearman_rho", "spearman_p", "spearman_n"]
    return Voices(table=table[order], correlations=pd.DataFrame(corr_rows), n_groups=rankings.n_groups,
                  n_people=rankings.n_people, exploratory=rankings.exploratory, note=rankings.sample_note(),
                  skipped=tuple(skipped), min_group_size=min_group_size)


def _skip_reason(group: str, items: list[str], smallest: int, min_group_size: int,
                 shown: dict[tuple[str, str], tuple[Any, Any]] | None) -> str:
    """Why a group is left out. The smallest base is given only where a reader could work it out anyway:
    suppression off (``shown`` None), or every base of the group's matched items published. Where one is
    [c], the minimum would be it, or a bound on it (a bound that, with the published totals, can pin it)."""
    from surveykit.disclosure import MARKER

    reason = f"fewer than {min_group_size} valid answers on some matched item"
    if shown is None or all((group, i) in shown and shown[(group, i)][0] != MARKER for i in items):
        return f"{reason} (smallest n = {smallest})"
    return f"{reason} (smallest n not shown: some of this group's bases are suppressed)"


def _shown_shares(responses: "Responses", items: list[str], by: str | None, protect_by: str | None,
                  threshold: int) -> dict[tuple[str, str], tuple[Any, Any]]:
    """(group, item) -> (base, top-box share) as the item tables publish them (the same suppression)."""
    from surveykit.scoring import summarise_items

    shown = {}
    overall = summarise_items(responses, items=items, by=None, suppress=True, threshold=threshold,
                              protect_by=protect_by or by)
    for r in overall.itertuples():
        shown[(OVERALL, r.item_id)] = (r.n_valid, r.pct_top_box)
    if by is not None:
        for r in summarise_items(responses, items=items, by=by, suppress=True, threshold=threshold).itertuples():
            shown[(str(r.group), r.item_id)] = (r.n_valid, r.pct_top_box)
    return shown


def _published(table: "pd.DataFrame", shown: dict[tuple[str, str], tuple[Any, Any]],
               youth_hidden: list[bool]) -> "pd.DataFrame":
    """The table as published: the respondents' bases and shares as the item tables publish them, the
    young people's share hidden where it counts 1-4 groups (or leaves 1-4 out), and every number worked
    out from a hidden share hidden with it (``youth_hidden``: one flag a row, in the table's order)."""
    from surveykit.disclosure import MARKER

    out = table.astype({"pro_n_valid": object, "pro_pct_effective": object, "pct_gap": object,
                        "youth_pct_effective": object, "pro_rank": object, "rank_gap": object}).copy()
    column = out.columns.get_loc
    for i, (g, item) in enumerate(zip(table["group"], table["item_id"])):
        n, pct = shown[(g, item)]
        out.iat[i, column("pro_n_valid")] = n
        if youth_hidden[i]:
            out.iat[i, column("youth_pct_effective")] = MARKER
            out.iat[i, column("pct_gap")] = MARKER
        if isinstance(pct, str):
            for name in ("pro_pct_effective", "pct_gap", "pro_rank", "rank_gap"):
                out.iat[i, column(name)] = MARKER
    return out


def _group_order(values, labels: dict[str, str]) -> list[str]:
    """Groups in the instrument's declared order, then any others, missing groups left out."""
    import pandas as pd

    present = [str(v) for v in dict.fromkeys(values) if not pd.isna(v)]
    known = [s for s in labels if s in present]
    return known + sorted(v for v in present if v not in labels)


def _respondents_answering(responses: "Responses", items: list[str], by: str | None) -> dict[str, int]:
    """How many professionals gave a valid rating to at least one matched item, overall and per group."""
    numeric = [responses.numeric(i) for i in items]
    answered = numeric[0].notna()
    for s in numeric[1:]:
        answered = answered | s.notna()
    out = {OVERALL: int(answered.sum())}
    if by is not None:
        groups = responses.groups(by)
        for g in dict.fromkeys(groups):
            if g is None or (isinstance(g, float) and math.isnan(g)):
                continue
            out[str(g)] = int((answered & (groups == g)).sum())
    return out


def _as_float(value: Any) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return float("nan")
    return v
