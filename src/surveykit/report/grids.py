"""Rated grids in the report: ranked by their top box with a diverging chart, and by group.

Numbers come from ``scoring.rank_grid`` (the table of ``surveykit effectiveness`` / ``reasons``);
sentences name the highest and lowest items from the ranks, whatever the items are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from surveykit.report.model import ChartRecipe, SectionBuilder
from surveykit.report.text import display_id

if TYPE_CHECKING:
    import pandas as pd

    from surveykit.report.build import Build

#: How many items a finding names at each end of a ranked grid.
FINDING_ITEMS = 5


def _scale_span(question) -> str:
    opts = sorted(question.scale.valid_options, key=lambda o: o.value)
    return f"from {opts[0].label} ({opts[0].code}) to {opts[-1].label} ({opts[-1].code})"


def rank_grid_blocks(qid: str, b: "Build", sb: SectionBuilder, explained: bool) -> None:
    from surveykit.disclosure import MARKER
    from surveykit.report.text import all_or_too_small, n_text, pct_text, top_phrase
    from surveykit.scoring import in_rank_order, rank_grid

    responses, opts = b.responses, b.options
    q = responses.instrument.question(qid)
    top = top_phrase(q)
    table = rank_grid(responses, question=qid, suppress=opts.suppress, threshold=opts.threshold,
                      protect_by=b.by).drop(columns=["group"])
    if not explained:
        sb.text(f"Respondents rated each item of {display_id(q.id)} {_scale_span(q)}. Items are ranked by the share "
                f"answering {top} of the valid answers (Don't know and blank left out); an item whose share is "
                "suppressed comes after the others, without a rank, as its place among them would narrow the "
                "number hidden.")
    ranked = in_rank_order(table)
    with_rank = ranked[[not (isinstance(v, str) and v == MARKER) for v in ranked["rank"]]]
    # The findings name ranked items only (all suppressed: the sentence says so); where some share is
    # suppressed they say they speak of the shown ones, as a suppressed share may be higher or lower.
    among = " (of the items whose share is shown)" if 0 < len(with_rank) < len(ranked) else ""
    if len(with_rank):
        ranked = with_rank
    head = ranked.iloc[:FINDING_ITEMS]
    entries = [(f"{i}. {r.item_label} ({pct_text(r.pct_top_box)}, n = {n_text(r.n)})", r.pct_top_box)
               for i, r in enumerate(head.itertuples(), 1)]
    sb.text(all_or_too_small(f"{display_id(q.id)} {q.short}, ranked by the share {top}{among}: ", entries, "."),
            "finding")
    low_k = min(FINDING_ITEMS, len(ranked) - FINDING_ITEMS)
    if low_k > 0:
        tail = ranked.iloc[-low_k:][::-1]
        entries = [(f"{i}. {r.item_label} ({pct_text(r.pct_top_box)}, n = {n_text(r.n)})", r.pct_top_box)
                   for i, r in enumerate(tail.itertuples(), 1)]
        sb.text(all_or_too_small(f"Lowest share {top}{among} (lowest first): ", entries, "."), "finding")
    from surveykit.report.tables import people_labels

    pcts = [c for c in table.columns if c.startswith("pct_")]
    labels = people_labels(table, scale=q.scale, extra={"pct_top_box": f"% {top}", "n": "Base (valid answers)"})
    sb.table(f"{qid}_ranked", f"{display_id(q.id)} {q.short}: ranked by the share {top} (all respondents)", table,
             percent_columns=pcts, digits={"mean": 2}, labels=labels, base_column="n",
             footnote=f"Percentages are of each item's valid answers (Don't know and blank left out); items are ranked "
                      f"by the share {top}, ties by the mean; an item whose share is suppressed comes last, unranked.")
    add_grid_chart(qid, b, sb, table, f"{display_id(q.id)} {q.short}: every rating",
                   f"Diverging bar chart of the {display_id(q.id)} ratings of each item")


def score_grid(qid: str, b: "Build", sb: SectionBuilder) -> None:
    """A grid by group: the top-box share of every item in every group (wide) and every statistic (long)."""
    from surveykit.report.text import by_phrase, labelled_groups, top_phrase
    from surveykit.scoring import rank_grid, ranked_grids, score

    responses, opts, by = b.responses, b.options, b.by
    q = responses.instrument.question(qid)
    if by is None:
        if qid not in ranked_grids(responses.instrument):
            long = score(responses, questions=[qid], suppress=opts.suppress, threshold=opts.threshold, protect_by=by)
            sb.table(f"{qid}_options", f"{display_id(q.id)} {q.short}", long, percent_columns=["pct"])
        return
    if qid not in ranked_grids(responses.instrument):
        long = score(responses, questions=[qid], by=by, suppress=opts.suppress, threshold=opts.threshold)
        sb.table(f"{qid}_by_{by}", f"{display_id(q.id)} {q.short}, by {by_phrase(responses, by)}",
                 labelled_groups(long, responses, by), percent_columns=["pct"])
        return
    top = top_phrase(q)
    long = rank_grid(responses, question=qid, by=by, suppress=opts.suppress, threshold=opts.threshold)
    from surveykit.report.tables import people_labels, wide_with_bases
    from surveykit.report.text import group_labels

    wide = group_wide(responses, long, value="pct_top_box", by=by)
    _, base_rows = wide_with_bases(long, index=["item_id", "item_label"], columns="group", value="pct_top_box",
                                   base="n")
    long_id = f"{qid}_by_{by}_long"
    names = group_labels(responses, by)
    sb.table(f"{qid}_top_box_by_{by}", f"{display_id(q.id)} % {top} for each item, by {by_phrase(responses, by)}", wide,
             percent_columns=[c for c in wide.columns if c not in ("item_id", "item_label")],
             labels={c: names.get(c, c) for c in wide.columns if c not in ("item_id", "item_label")}
             | {"item_label": "Item"}, base_rows=base_rows,
             footnote=f"Percent of each group's valid answers that are {top}; the base of every cell is in {long_id}.")
    pcts = [c for c in long.columns if c.startswith("pct_")]
    frame = labelled_groups(long, responses, by)
    sb.table(long_id, f"{display_id(q.id)} {q.short} by {by_phrase(responses, by)} (every statistic)",
             frame, percent_columns=pcts, digits={"mean": 2}, kind="long",
             labels=people_labels(frame, scale=q.scale, extra={"pct_top_box": f"% {top}"}))


def group_wide(responses, by_table: "pd.DataFrame", *, value: str, by: str) -> "pd.DataFrame":
    """A by-group grid table (long) as item rows x group columns of ``value`` (order of ``all``)."""
    import pandas as pd

    from surveykit.scoring import MISSING

    groups = [g for g in dict.fromkeys(by_table["group"]) if g != MISSING]
    base = by_table[by_table["group"] == groups[0]][["item_id", "item_label"]].reset_index(drop=True)
    cols = {}
    for g in groups:
        part = by_table[by_table["group"] == g].set_index("item_id")
        cols[g] = [part.loc[i, value] for i in base["item_id"]]
    return pd.concat([base, pd.DataFrame(cols)], axis=1)


def add_grid_chart(qid: str, b: "Build", sb: SectionBuilder, shown: "pd.DataFrame", title: str, alt: str) -> None:
    """The diverging chart of every rating, drawn from the numbers the table publishes: a suppressed
    share is a hatched "suppressed" block of known position, never a number the table hides."""
    from surveykit.charts.effectiveness import diverging_chart

    q = b.responses.instrument.question(qid)
    chart = ChartRecipe(diverging_chart, shown, scale=q.scale, top_col="pct_top_box",
                        title=f"{q.short} ({display_id(q.id)})", palette=b.palette)
    sb.chart(f"{qid}_chart", title, chart, alt=alt)
