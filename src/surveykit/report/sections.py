"""The analyses a report plan names, each built from the library functions the commands use.

No statistic is computed here: percentages, means, ranks and tests come from ``surveykit.scoring``,
``surveykit.compare``, ``surveykit.banner``, ``surveykit.ranking``, ``surveykit.voices`` and
``surveykit.coding``. This module chooses, reshapes (long to wide) and describes their outputs in
sentences generated from the results (highest and lowest items, significant differences after
correction), never keyed to an item id. Where a sentence combines answer options (a net such as
"Rarely or Never") it adds the option counts that ``score`` returned and divides by the valid base,
and publishes the share only when it cannot reveal a hidden cell.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from surveykit.disclosure import MARKER
from surveykit.report.model import ChartRecipe, Section, SectionBuilder
from surveykit.report.text import (all_or_too_small, by_phrase, display_id, group_labels, item_labels,
                                   n_text, num, pct_text, significant_p, top_phrase)

if TYPE_CHECKING:
    import pandas as pd

    from surveykit.clean import Responses
    from surveykit.instrument import Net, Question, ReportPart, ReportSection
    from surveykit.report.build import Build


# -- the dispatcher --------------------------------------------------------------------------------

def build_section(plan: "ReportSection", b: "Build") -> Section | None:
    """One section of the plan: its text, then each part's analyses in order."""
    progress = SectionProgress(plan, b)
    progress.build_parts(len(plan.parts))
    return progress.section()


class SectionProgress:
    """A section built part by part (``build_section`` in steps): a report may build the parts before
    one that waits for the coding child, go on with other sections, and finish this one later. The
    blocks are the same as built in one go (each part only appends its own)."""

    def __init__(self, plan: "ReportSection", b: "Build") -> None:
        self.plan, self.b = plan, b
        self.sb = SectionBuilder(plan.id, plan.title)
        for t in plan.text:
            self.sb.text(t)
        self.explained = bool(plan.text)
        self.before = len(self.sb.blocks)
        self.next = 0

    def build_parts(self, upto: int) -> None:
        """Build the parts up to (not including) index ``upto``."""
        b, sb = self.b, self.sb
        for part in self.plan.parts[self.next:upto]:
            for analysis in part.analyses:
                start = len(sb.blocks)
                ANALYSIS_FUNCTIONS[analysis](part, b, sb, self.explained)
                if b.ahead:  # this analysis's charts are finished: drawn meanwhile, while the rest is built
                    from surveykit.report.chart_server import draw_charts_ahead
                    from surveykit.report.model import Chart

                    draw_charts_ahead([blk for blk in sb.blocks[start:] if isinstance(blk, Chart)])
        self.next = max(self.next, upto)

    def section(self) -> Section | None:
        if len(self.sb.blocks) == self.before:
            return None
        return self.sb.build()


# -- who responded ---------------------------------------------------------------------------------

def who_responded_frame(responses: "Responses", by: str | None) -> "pd.DataFrame":
    """Respondents by group (``by``) in the declared order, with completion.

    Columns: group (id; "unknown" when blank or unrecognised), group_label, respondents,
    pct_of_respondents (0-100), completed, pct_completed (0-100 of the group's respondents). The
    last row is the total (group "total")."""
    import pandas as pd

    from surveykit.counting import group_sizes

    data = responses.data
    n_total = len(data)
    rows = []
    if by is not None:
        labels = {**group_labels(responses, by), "missing": "Not given / not recognised"}
        # Declared groups nobody is in are shown with 0; groups found but not declared follow them.
        for g, n, done in group_sizes(responses, by):
            rows.append({"group": "unknown" if g == "missing" else g, "group_label": labels.get(g, g),
                         "respondents": n, "pct_of_respondents": 100.0 * n / n_total if n_total else float("nan"),
                         "completed": done, "pct_completed": 100.0 * done / n if n else float("nan")})
    done = int(data["completed"].sum())
    rows.append({"group": "total", "group_label": "All respondents", "respondents": n_total,
                 "pct_of_respondents": 100.0 if n_total else float("nan"), "completed": done,
                 "pct_completed": 100.0 * done / n_total if n_total else float("nan")})
    return pd.DataFrame(rows, columns=["group", "group_label", "respondents", "pct_of_respondents", "completed",
                                       "pct_completed"])


def protect_completion(frame: "pd.DataFrame", threshold: int) -> "pd.DataFrame":
    """Disclosure control of who responded: each group's size and its completion split (completed, not
    completed) are counts; the sizes add up to the total, each size is its two parts, and the parts add
    up to the totals, all published. A margin of 0 makes every cell in it 0 (known to any reader:
    12 of 12 completed means every group completed). A hidden size hides its share of respondents and
    its completion; a hidden part hides its percentage."""
    from surveykit import disclosure

    body = frame[frame["group"] != "total"]
    if not len(body):
        return frame
    # The grouping's own names ("missing", not the table's "unknown"): the same protection, key for key,
    # as every other table by this grouping reads (counting.hidden_group_sizes).
    names = ["missing" if g == "unknown" else g for g in body["group"]]
    found = disclosure.protect_group_sizes(names, list(body["respondents"]), list(body["completed"]),
                                           threshold=threshold)
    hidden = {(kind, "unknown" if g == "missing" else g) for kind, g in found}
    out = frame.astype({c: object for c in ("respondents", "pct_of_respondents", "completed", "pct_completed")})
    for i, gid in zip(out.index, out["group"]):
        if gid == "total":
            continue
        if ("size", gid) in hidden:
            out.at[i, "respondents"] = out.at[i, "pct_of_respondents"] = disclosure.MARKER
        if ("size", gid) in hidden or ("done", gid) in hidden or ("open", gid) in hidden:
            out.at[i, "completed"] = out.at[i, "pct_completed"] = disclosure.MARKER
    return out


def _published_sizes(sizes: "pd.DataFrame") -> "pd.DataFrame":
    """What ``sector_sizes_chart`` draws, and no more: the group, its label and its size, for the groups
    whose size the who-responded table publishes (``sizes``: its rows without the total or a hidden size).
    A recipe's arguments are kept on the library's ``Report`` (``Chart.source``), so the unprotected
    frame, with its completion counts and unrounded shares, must not be one of them."""
    return sizes[["group", "group_label", "respondents"]].astype({"respondents": "int64"}).reset_index(drop=True)


def analysis_respondents(part: "ReportPart", b: "Build", sb: SectionBuilder, explained: bool) -> None:
    from surveykit.report.charts import respondents_chart, sector_sizes_chart

    responses, by = b.responses, b.by
    inst = responses.instrument
    who = (inst.report.respondents if inst.report else "respondents")
    frame = who_responded_frame(responses, by)
    total = frame.iloc[-1]
    sb.text(f"{int(total['respondents'])} {who} answered the survey and {int(total['completed'])} "
            f"({total['pct_completed']:.0f}%) completed it. Percentages elsewhere in this report are of the valid "
            "answers to each question (blank and 'Don't know' answers are not in the base), and the base is "
            "shown beside each one.")
    if by is None:
        return
    shown = protect_completion(frame, b.options.threshold) if b.options.suppress else frame
    sizes = shown[(shown["group"] != "total") & (shown["respondents"].astype(object) != MARKER)]
    counts = sizes.sort_values("respondents", ascending=False, kind="mergesort")
    if len(counts):
        top = counts.iloc[0]
        sb.text(f"The largest group by {by_phrase(responses, by)} was {top['group_label']} "
                f"({int(top['respondents'])} {who}).")
    table_id = f"who_responded_by_{by}"
    sb.table(table_id, f"Respondents by {by_phrase(responses, by)} and completion", shown,
             percent_columns=["pct_of_respondents", "pct_completed"],
             labels={"group_label": by_phrase(responses, by).capitalize()},
             note="Group sizes and the completion split are protected like every published table: a group of "
                  f"fewer than {b.options.threshold} is [c], and so is what it could be worked out from.")
    if (shown["respondents"].astype(object) == MARKER).any():
        # The chart draws only what the table shows: the groups whose size is published.
        sb.chart(table_id, f"Respondents by {by_phrase(responses, by)} (groups of {b.options.threshold} or more "
                           "whose size is published)",
                 ChartRecipe(sector_sizes_chart, _published_sizes(sizes), palette=b.palette),
                 alt=f"Horizontal bar chart of respondents per {by_phrase(responses, by)}, groups whose size is "
                     "published")
    elif not b.options.suppress or not (shown["completed"].astype(object) == MARKER).any():
        sb.chart(table_id, f"Respondents by {by_phrase(responses, by)} (completed and not completed)",
                 ChartRecipe(respondents_chart, frame, palette=b.palette),
                 alt=f"Horizontal stacked bar chart of respondents per {by_phrase(responses, by)}, completed and "
                     "not completed")
    else:
        sb.chart(table_id, f"Respondents by {by_phrase(responses, by)}",
                 ChartRecipe(sector_sizes_chart, _published_sizes(sizes), palette=b.palette),
                 alt=f"Horizontal bar chart of respondents per {by_phrase(responses, by)}")


# -- closed questions: options by group with nets ---------------------------------------------------

def option_wide(responses: "Responses", long: "pd.DataFrame", column_id: str,
                by: str | None) -> tuple["pd.DataFrame", list[str]]:
    """``score``'s long rows of one column as a group x option table.

    Columns: group, group_label, n_valid, pct_<option> for each valid option (0-100 of n_valid),
    n_dk, pct_dk (share of everyone who answered). Returns the frame and its percentage columns."""
    import pandas as pd

    from surveykit.report.model import slug

    q, _ = responses.instrument.column_owner(column_id)
    part = long[long["item_id"] == column_id]
    labels = group_labels(responses, by)
    opt_cols = {o.code: "pct_" + slug(o.label) for o in q.scale.options if not o.dk}
    # One pass over plain lists (the columns may be Arrow-backed: iterating rows of those is slow), the
    # groups in order of first appearance, as groupby(sort=False) gives them (a missing group is left out).
    rows: dict[Any, dict[str, Any]] = {}
    for g, code, pct, n_valid, n_dk in zip(part["group"].tolist(), part["option_code"].tolist(),
                                           part["pct"].tolist(), part["n_valid"].tolist(), part["n_dk"].tolist()):
        if g is None or g != g:
            continue
        row = rows.get(g)
        if row is None:
            row = rows[g] = {"group": g, "group_label": labels.get(g, g), "n_valid": n_valid}
        if code in opt_cols:
            row[opt_cols[code]] = pct
        else:
            row["n_dk"], row["pct_dk"] = n_dk, pct
    cols = ["group", "group_label", "n_valid", *opt_cols.values()] + (["n_dk", "pct_dk"] if q.scale.has_dk else [])
    frame = pd.DataFrame(list(rows.values())).reindex(columns=cols)
    pcts = [*opt_cols.values()] + (["pct_dk"] if q.scale.has_dk else [])
    return frame, pcts


def extra_nets(question: "Question") -> tuple["Net", ...]:
    """The question's nets without the one its top box already shows."""
    top = set(question.scale.top_box)
    return tuple(n for n in question.all_nets if set(n.codes) != top)


def _score_single_questions(questions: Sequence[str], b: "Build", sb: SectionBuilder,
                            tests: dict[str, Any] | None) -> None:
    from surveykit.scoring import ALL, net_shares, score, summarise_items

    responses, by, opts = b.responses, b.by, b.options
    inst = responses.instrument
    long = score(responses, questions=list(questions), by=by, suppress=opts.suppress, threshold=opts.threshold)
    summary = summarise_items(responses, items=list(questions), suppress=opts.suppress, threshold=opts.threshold,
                              protect_by=by)
    nets_long = net_shares(responses, questions=list(questions), by=by, suppress=opts.suppress,
                           threshold=opts.threshold)
    labels = group_labels(responses, by)
    for qid in questions:
        q = inst.question(qid)
        wide, pcts = option_wide(responses, long, qid, by)
        s = summary[summary["item_id"] == qid].iloc[0]
        parts = []
        if q.scale.top_box:
            parts.append((f"{pct_text(s['pct_top_box'])} {top_phrase(q)} (n = {n_text(s['n_valid'])} valid answers)",
                          s["pct_top_box"]))
        nets = extra_nets(q)
        mine = nets_long[nets_long["item_id"] == qid]
        shares = {n.id: {r.group: (r.pct, r.n_valid) for r in mine[mine["net_id"] == n.id].itertuples()}
                  for n in nets}
        for n in nets:
            share, _ = shares[n.id][ALL]
            parts.append((f"{pct_text(share)} {n.label}", share))
        if q.scale.has_dk:
            parts.append((f"{pct_text(s['pct_dk'])} Don't know (of everyone who answered)", s["pct_dk"]))
        sb.text(f"{display_id(q.id)} {q.text.strip()}", "p")
        if parts:
            sb.text(all_or_too_small(f"{q.short}: ", parts, "."), "finding")
        if by is not None:
            for n in nets:
                per = [(f"{labels.get(g, g)} {pct_text(shares[n.id][g][0])} (n = {n_text(shares[n.id][g][1])})",
                        shares[n.id][g][0]) for g in wide["group"] if g != ALL]
                if per:
                    sb.text(all_or_too_small(f"{n.label} by {by_phrase(responses, by)}: ", per, "."))
        if tests is not None:
            omni = tests["table"][tests["table"]["item_id"] == qid]
            if len(omni):
                r = omni.iloc[0]
                test = str(r["test"]).replace("_", " ")
                if r["test"] != "not_tested" and r["p_adjusted"] == MARKER:
                    verdict = "significant" if r["significant"] == True else "not significant"  # noqa: E712
                    sb.text(f"Difference between groups of {by_phrase(responses, by)}: {test}, {verdict} at "
                            f"{opts.alpha:g} ({HIDDEN_TEST}), n = {n_text(r['n'])}.", "note")
                else:
                    verdict = ("significant" if bool(r["significant"]) else "not significant") \
                        if r["test"] != "not_tested" else "not tested"
                    sb.text(f"Difference between groups of {by_phrase(responses, by)}: {test}, "
                            f"adjusted p {significant_p(r['p_adjusted'])} ({verdict} at {opts.alpha:g}), "
                            f"n = {n_text(r['n'])}.", "note")
        suffix = f"_by_{by}" if by else ""
        from surveykit.report.tables import people_labels

        headers = people_labels(wide, scale=q.scale, extra={"group_label": by_phrase(responses, by).capitalize()
                                                            if by else "Group", "n_valid": "Base (valid answers)",
                                                            "n_dk": "Don't know (n)"})
        foot = ("Percentages are of the valid answers (Don't know and blank left out); % Don't know is of everyone "
                "who answered.")
        if tests is not None:
            omni = tests["table"][tests["table"]["item_id"] == qid]
            if len(omni) and omni.iloc[0]["test"] != "not_tested":
                r0 = omni.iloc[0]
                if r0["p_adjusted"] == MARKER:
                    foot += (f" Difference between groups: {str(r0['test']).replace('_', ' ')}, "
                             f"{'significant' if r0['significant'] == True else 'not significant'} after "
                             f"{b.options.padjust} correction ({HIDDEN_TEST}).")
                else:
                    foot += (f" Difference between groups: {str(r0['test']).replace('_', ' ')}, adjusted p "
                             f"{significant_p(r0['p_adjusted'])} ({b.options.padjust} correction across this "
                             "section's tests).")
        sb.table(f"{qid}{suffix}", f"{display_id(q.id)} {q.short}" + (f", by {by_phrase(responses, by)}" if by else ""),
                 wide, percent_columns=pcts, labels=headers, base_column="n_valid", footnote=foot)


# -- tests between groups ----------------------------------------------------------------------------

#: What a sentence says of a test whose result is suppressed (compare.compare, suppress=True).
HIDDEN_TEST = "its exact statistics suppressed: its groups hold a small count they could give away"

def run_compare(questions: Sequence[str], b: "Build", *, groups: Sequence[str] | None = None, family: str = ""):
    """One ``compare`` run by the report's grouping over ``questions``: one family for the correction."""
    from surveykit.compare import compare

    res = compare(b.responses, by=b.by, questions=list(questions), groups=groups, alpha=b.options.alpha,
                  padjust=b.options.padjust, min_group_size=b.options.compare_min_group_size,
                  suppress=b.options.suppress, threshold=b.options.threshold)
    b.method(f"Comparisons by {by_phrase(b.responses, b.by)}" + (f" ({family})" if family else ""), res.scope)
    for note in res.notes[1:]:
        b.method(f"Comparisons by {by_phrase(b.responses, b.by)}", note)
    return res


def significant_pairs(result, labels: dict[str, str], items: dict[str, str]) -> tuple["pd.DataFrame", list[str]]:
    """The significant two-group tests of a compare result, with a sentence for each."""
    from surveykit.compare import HIGHER, PAIR_SEPARATOR

    t = result.table
    sig = t[(t["significant"] == True) & t["groups"].str.contains(PAIR_SEPARATOR, regex=False)]  # noqa: E712
    sentences = []
    for r in sig.itertuples(index=False):
        a, b = r.groups.split(PAIR_SEPARATOR)
        what = items.get(r.item_id, r.item_id)
        if r.p_adjusted == MARKER:  # suppressed: the verdict and the direction only (compare.compare)
            test = "Mann-Whitney U" if r.test == "mann_whitney_u" else r.test.replace("_", " ")
            hidden = f"({test}, adjusted p < {result.alpha:g}; its exact statistics suppressed, n = {n_text(r.n)})."
            higher = next((part[len(HIGHER):] for part in str(r.note).split("; ") if part.startswith(HIGHER)), None)
            if higher in (a, b):
                lo = b if higher == a else a
                sentences.append(f"{what}: {labels.get(higher, higher)} respondents rate it higher than "
                                 f"{labels.get(lo, lo)} respondents {hidden}")
            else:
                sentences.append(f"{what}: answers differ between {labels.get(a, a)} and {labels.get(b, b)} {hidden}")
            continue
        hi, lo = (a, b) if (num(r.effect_size) or 0) > 0 else (b, a)
        if r.test == "mann_whitney_u":
            sentences.append(f"{what}: {labels.get(hi, hi)} respondents rate it higher than {labels.get(lo, lo)} "
                             f"respondents (Mann-Whitney U, adjusted p {significant_p(r.p_adjusted)}, rank-biserial r = "
                             f"{abs(num(r.effect_size) or 0):.2f}, n = {int(r.n)}).")
        else:
            sentences.append(f"{what}: answers differ between {labels.get(a, a)} and {labels.get(b, b)} "
                             f"({r.test.replace('_', ' ')}, adjusted p {significant_p(r.p_adjusted)}, n = {int(r.n)}).")
    return sig.reset_index(drop=True), sentences


def part_label(part: "ReportPart") -> str:
    qs = [display_id(q) for q in part.questions]
    return qs[0] if len(qs) == 1 else (f"{qs[0]}-{qs[-1]}" if len(qs) <= 6 else f"{len(qs)} questions")


def analysis_score(part: "ReportPart", b: "Build", sb: SectionBuilder, explained: bool) -> None:
    from surveykit.report.grids import score_grid

    inst = b.responses.instrument
    singles = [q for q in part.questions if inst.question(q).type == "single"]
    grids = [q for q in part.questions if inst.question(q).is_grid]
    if singles:
        if not explained:
            sb.text("Each question is shown for all respondents" + (f" and by {by_phrase(b.responses, b.by)}"
                                                                   if b.by else "")
                    + ". Percentages are of the valid answers (Don't know and blank left out); the Don't know share "
                      "is of everyone who answered.")
        tests = None
        if "compare" in part.analyses and b.by is not None:
            res = run_compare(singles, b, family=part_label(part))
            tests = {"table": res.table}
            b.parameters.setdefault("compare_families", []).append(part_label(part))
            b.memo[("compare", part.questions)] = res
        _score_single_questions(singles, b, sb, tests)
    for qid in grids:
        score_grid(qid, b, sb)


def analysis_compare(part: "ReportPart", b: "Build", sb: SectionBuilder, explained: bool) -> None:
    """Significant differences after correction, and the tests table for grids."""
    inst = b.responses.instrument
    res = b.memo.get(("compare", part.questions))
    if res is None:
        res = run_compare(part.questions, b, family=part_label(part))
        b.memo[("compare", part.questions)] = res
    labels = group_labels(b.responses, b.by)
    _, sentences = significant_pairs(res, labels, item_labels(b.responses))
    grids = [q for q in part.questions if inst.question(q).is_grid]
    if grids or not any(inst.question(q).type == "single" for q in part.questions) or sentences:
        sb.text((f"Differences between two groups of {by_phrase(b.responses, b.by)} that are significant after "
                 f"correction (alpha {b.options.alpha:g}):") if sentences else
                f"No difference between two groups of {by_phrase(b.responses, b.by)} was significant after correction.")
    for s in sentences:
        sb.text(s, "finding")
    if grids:
        tid = f"{part.questions[0]}_{b.by}_tests" if len(part.questions) == 1 else f"{sb.id}_{b.by}_tests"
        sb.table(tid, f"{part_label(part)}: tests between groups of {by_phrase(b.responses, b.by)}", res.table,
                 note=res.scope, kind="data")


def analysis_banner(part: "ReportPart", b: "Build", sb: SectionBuilder, explained: bool) -> None:
    from surveykit.banner import MAX_GROUPS, banner, banner_groups

    opts = b.options
    n_groups = len(banner_groups(b.responses, b.by)) if part.questions else 0
    if n_groups > MAX_GROUPS:
        # A banner letters its columns A-Z: with more groups it is left out, not the whole report.
        names = ", ".join(display_id(q) for q in part.questions)
        sb.text(f"The banner table of {names} is left out: a banner letters its group columns A to Z, and this "
                f"grouping ({by_phrase(b.responses, b.by)}) has {n_groups} groups. The tables by the same grouping "
                "show every group.")
        b.method("Banner table", f"left out: {n_groups} groups, more than a banner's {MAX_GROUPS} lettered columns")
        return
    for qid in part.questions:
        res = banner(b.responses, question=qid, by=b.by, alpha=opts.alpha, padjust=opts.padjust,
                     min_group_size=opts.banner_min_group_size, suppress=opts.suppress, threshold=opts.threshold)
        b.method(f"Banner table ({display_id(qid)})", res.footer)
        for note in res.notes:
            b.method(f"Banner table ({display_id(qid)})", note)
        from surveykit.report.tables import banner_table

        q = b.responses.instrument.question(qid)
        sb.add(banner_table(res, id=f"{qid}_banner", title=f"{display_id(qid)} banner: {res.top_box_label or top_phrase(q)} "
                                                       f"by {by_phrase(b.responses, b.by)} with significance letters",
                            group_labels=group_labels(b.responses, b.by)))
        sb.table(f"{qid}_banner_long", f"{display_id(qid)} banner (every cell, long form)", res.table, kind="long")


def analysis_two_largest(part: "ReportPart", b: "Build", sb: SectionBuilder, explained: bool) -> None:
    """The two largest groups side by side: the same tests for those two alone. Published, the pair is
    chosen among the groups whose size is published only: which groups are named, and in which order,
    would otherwise tell a reader how a hidden size compares with the shown ones."""
    from surveykit.counting import MISSING, hidden_group_sizes

    responses = b.responses
    hidden = hidden_group_sizes(responses, b.by, b.options.threshold) if b.options.suppress else frozenset()
    pair = largest_groups(responses, b.by, hidden=hidden)
    if len(pair) < 2:
        # Said only where a size is [c]: whether the hidden groups hold anyone is not for the text to tell.
        if hidden - {MISSING}:
            phrase = by_phrase(responses, b.by)
            sb.text(f"The two largest groups by {phrase} are not compared on their own: fewer than two groups have a "
                    f"size that is published (a group of fewer than {b.options.threshold}, and any size it could be "
                    "worked out from, is [c]).")
            b.method("Two largest groups", f"left out: fewer than two groups of {phrase} have a published size")
        return
    res = run_compare(part.questions, b, groups=pair, family=f"{part_label(part)}, two largest groups")
    b.parameters["two_largest_groups"] = pair
    labels = group_labels(responses, b.by)
    _, sentences = significant_pairs(res, labels, item_labels(responses))
    sb.text(f"The two largest groups, {labels.get(pair[0], pair[0])} and {labels.get(pair[1], pair[1])}, compared on "
            "their own (Mann-Whitney U or a test of independence on each item, corrected across these tests): "
            + (f"{len(sentences)} significant difference(s)." if sentences else "no significant difference."))
    for s in sentences:
        sb.text(s, "finding")
    sb.table(f"{part.questions[0]}_two_largest", f"{part_label(part)}: {labels.get(pair[0], pair[0])} vs "
                                                 f"{labels.get(pair[1], pair[1])}", res.table, note=res.scope,
             kind="data")


def largest_groups(responses: "Responses", by: str | None, k: int = 2,
                   hidden: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """The ``k`` largest groups of ``by`` (largest first, ties in the instrument's order), none of the
    ``hidden`` ones: groups whose size is suppressed are neither chosen nor ranked by their true size."""
    from surveykit.scoring import MISSING, grouping

    if by is None:
        return []
    grp = grouping(responses, by)
    import numpy as np

    counts = np.bincount(grp.codes, minlength=len(grp.groups))
    ranked = sorted((i for i, g in enumerate(grp.groups) if g != MISSING and g not in hidden and counts[i] > 0),
                    key=lambda i: (-int(counts[i]), i))
    return [grp.groups[i] for i in ranked[:k]]


def _analysis_rank(part, b, sb, explained):
    from surveykit.report.grids import rank_grid_blocks

    for qid in part.questions:
        rank_grid_blocks(qid, b, sb, explained)


def _analysis_code(part, b, sb, explained):
    from surveykit.report.coding import code_blocks

    code_blocks(part.questions, b, sb, explained)


def _analysis_youth_ranking(part, b, sb, explained):
    from surveykit.report.youth import youth_ranking_blocks

    youth_ranking_blocks(b, sb)


def _analysis_youth_comparison(part, b, sb, explained):
    from surveykit.report.youth import youth_comparison_blocks

    youth_comparison_blocks(b, sb)


#: Analyses that never add a chart: a section made of these alone can be built in a forked child and
#: sent back whole (``build_report(parallel=True)``; a section that has a chart after all is rebuilt).
CHART_FREE = frozenset({"score", "compare", "banner", "two_largest"})

#: Analyses that run no significance test (no scipy.stats): ``build_report(parallel=True)`` builds the
#: leading sections made of these alone before that import, so that their charts are drawn meanwhile.
NO_STATISTICS = frozenset({"respondents"})

ANALYSIS_FUNCTIONS = {
    "respondents": analysis_respondents,
    "score": analysis_score,
    "compare": analysis_compare,
    "rank": _analysis_rank,
    "banner": analysis_banner,
    "two_largest": analysis_two_largest,
    "code": _analysis_code,
    "youth_ranking": _analysis_youth_ranking,
    "youth_comparison": _analysis_youth_comparison,
}
