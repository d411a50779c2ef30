"""The analysis sections of the report, each built from the library functions the commands use.

No statistic is computed here: percentages, means, ranks and tests come from ``surveykit.scoring``
(``score``, ``summarise_items``, ``effectiveness_table``, ``reasons_table``), ``surveykit.compare``,
``surveykit.banner``, ``surveykit.ranking``, ``surveykit.voices`` and ``surveykit.coding``. This
module only chooses, reshapes (long to wide) and describes their outputs in sentences. Where a
sentence combines two answer options (e.g. "Rarely or Never") it adds the option counts that
``score`` returned and divides by its valid base.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from surveykit.report.model import Section, SectionBuilder, slug

if TYPE_CHECKING:
    import pandas as pd

    from surveykit.clean import Responses
    from surveykit.report.build import Context

#: The closed questions of the study's middle chapters, reported by sector (the statements q16-q19
#: and the grids q14, q15, q45 have their own sections).
STATEMENTS = ("q16", "q17", "q18", "q19")
REASON_GRIDS = ("q14", "q15")
EFFECTIVENESS = "q45"
#: Extra shares the study reports for some questions: (question, option codes combined).
COMBINED_SHARES: dict[str, tuple[tuple[str, ...], ...]] = {
    "q5": (("1", "0"),),
    "q8": (("3", "2"), ("1", "0")),
    "q16": (("1", "2"),), "q17": (("1", "2"),), "q18": (("1", "2"),), "q19": (("1", "2"),),
    "q24": (("2", "1"),),
    "q27": (("High", "Medium"),),
}
#: Parameters of the analyses (recorded in manifest.json); the same defaults as the commands'.
PADJUST = "holm"
COMPARE_MIN_GROUP = 10
BANNER_MIN_GROUP = 10
VOICES_MIN_GROUP = 5


# -- small helpers ---------------------------------------------------------------------------------

def threshold(ctx: "Context") -> int:
    from surveykit.disclosure import DEFAULT_THRESHOLD

    return int(ctx.options.threshold) if ctx.options.threshold is not None else DEFAULT_THRESHOLD


def num(value: Any) -> float | None:
    """A shown number, or None when suppressed (the disclosure marker) or missing."""
    if value is None or isinstance(value, str):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def pct_text(value: Any, digits: int = 0) -> str:
    from surveykit.disclosure import MARKER

    f = num(value)
    return MARKER + " (suppressed)" if f is None and isinstance(value, str) else (
        "n/a" if f is None else f"{f:.{digits}f}%")


def n_text(value: Any) -> str:
    f = num(value)
    return str(value) if f is None else str(int(f))


def group_labels(responses: "Responses") -> dict[str, str]:
    from surveykit.scoring import ALL, MISSING

    return {ALL: "All respondents", MISSING: "Sector not given", **{s.id: s.label for s in responses.instrument.sectors}}


def present_questions(responses: "Responses", ids: Iterable[str]) -> list[str]:
    inst = responses.instrument
    return [q for q in ids if inst.has_question(q)]


def _cached(ctx: "Context", key: str, fn):
    if key not in ctx.cache:
        ctx.cache[key] = fn()
    return ctx.cache[key]


def score_long(responses: "Responses", ctx: "Context", questions: Sequence[str], by: str | None, *,
               published: bool = True) -> "pd.DataFrame":
    """``score`` of the questions: as published (suppressed unless --no-suppress), or raw."""
    from surveykit.scoring import score

    suppress = ctx.options.suppress and published
    key = f"score:{','.join(questions)}:{by}:{suppress}"
    return _cached(ctx, key, lambda: score(responses, questions=list(questions), by=by,
                                           suppress=suppress, threshold=threshold(ctx)))


def option_wide(responses: "Responses", long: "pd.DataFrame", column_id: str) -> tuple["pd.DataFrame", list[str]]:
    """``score``'s long rows of one column as a group x option table.

    Columns: group, group_label, n_valid, pct_<option> for each valid option (0-100 of n_valid),
    n_dk, pct_dk (share of everyone who answered). Returns the frame and its percentage columns."""
    import pandas as pd

    q, _ = responses.instrument.column_owner(column_id)
    part = long[long["item_id"] == column_id]
    labels = group_labels(responses)
    opt_cols = {o.code: "pct_" + slug(o.label) for o in q.scale.options if not o.dk}
    rows = []
    for g, grp in part.groupby("group", sort=False):
        row: dict[str, Any] = {"group": g, "group_label": labels.get(g, g), "n_valid": grp["n_valid"].iloc[0]}
        for r in grp.itertuples(index=False):
            if r.option_code in opt_cols:
                row[opt_cols[r.option_code]] = r.pct
            else:
                row["n_dk"], row["pct_dk"] = r.n_dk, r.pct
        rows.append(row)
    cols = ["group", "group_label", "n_valid", *opt_cols.values()] + (["n_dk", "pct_dk"] if q.scale.has_dk else [])
    frame = pd.DataFrame(rows)
    frame = frame.reindex(columns=cols)
    pcts = [*opt_cols.values()] + (["pct_dk"] if q.scale.has_dk else [])
    return frame, pcts


def combined_shares(long: "pd.DataFrame", raw: "pd.DataFrame", column_id: str, codes: Sequence[str],
                    dk: frozenset[str]) -> dict[str, tuple[Any, Any]]:
    """group -> (percentage of the group's valid answers giving any of ``codes``, n_valid).

    ``raw`` is ``score``'s unsuppressed long table and ``long`` the published one (suppression
    markers in it). The share adds ``raw``'s option counts and is published only when it follows from
    numbers the published table already shows: none of its options is suppressed (the sum of shown
    shares), or every
    suppressed valid option of the group is among its options (the share is then the valid base minus
    the options shown). Otherwise it is the marker: a combined share never reveals a hidden cell."""
    from surveykit.disclosure import MARKER

    wanted = set(codes)
    out: dict[str, tuple[Any, Any]] = {}
    shown = long[long["item_id"] == column_id]
    true = raw[raw["item_id"] == column_id]
    for g, part in shown.groupby("group", sort=False):
        n_valid = part["n_valid"].iloc[0]
        hidden = {r.option_code for r in part.itertuples(index=False)
                  if r.option_code not in dk and (isinstance(r.count, str) or isinstance(r.pct, str))}
        if num(n_valid) is None or (hidden & wanted and not hidden <= wanted):
            out[g] = (MARKER, n_valid)
            continue
        t = true[true["group"] == g]
        inside = int(t.loc[t["option_code"].isin(wanted), "count"].sum())
        base = int(t["n_valid"].iloc[0])
        out[g] = (100.0 * inside / base if base else float("nan"), n_valid)
    return out


def option_names(responses: "Responses", question_id: str, codes: Sequence[str]) -> str:
    scale = responses.instrument.question(question_id).scale
    names = [scale.label_of(c) for c in codes]
    return " or ".join(names)


def compare_family(responses: "Responses", ctx: "Context", key: str, questions: Sequence[str]):
    """One ``compare`` run by sector over ``questions`` (one family for the correction), cached."""
    from surveykit.compare import compare

    def run():
        res = compare(responses, by="sector", questions=list(questions), alpha=ctx.options.alpha, padjust=PADJUST,
                      min_group_size=COMPARE_MIN_GROUP)
        ctx.method("Sector comparisons (" + key + ")", res.scope)
        for note in res.notes[1:]:
            ctx.method("Sector comparisons", note)
        return res

    return _cached(ctx, f"compare:{key}", run)


def significant_pairs(result, labels: dict[str, str], items: dict[str, str]) -> tuple["pd.DataFrame", list[str]]:
    """The significant two-group tests of a compare result, with a sentence for each."""
    from surveykit.compare import PAIR_SEPARATOR

    t = result.table
    sig = t[(t["significant"] == True) & t["groups"].str.contains(PAIR_SEPARATOR, regex=False)]  # noqa: E712
    sentences = []
    for r in sig.itertuples(index=False):
        a, b = r.groups.split(PAIR_SEPARATOR)
        hi, lo = (a, b) if (num(r.effect_size) or 0) > 0 else (b, a)
        what = items.get(r.item_id, r.item_id)
        if r.test == "mann_whitney_u":
            sentences.append(f"{what}: {labels.get(hi, hi)} respondents rate it higher than {labels.get(lo, lo)} "
                             f"respondents (Mann-Whitney U, adjusted p {significant_p(r.p_adjusted)}, rank-biserial r = "
                             f"{abs(num(r.effect_size) or 0):.2f}, n = {int(r.n)}).")
        else:
            sentences.append(f"{what}: answers differ between {labels.get(a, a)} and {labels.get(b, b)} "
                             f"({r.test.replace('_', ' ')}, adjusted p {significant_p(r.p_adjusted)}, n = {int(r.n)}).")
    return sig.reset_index(drop=True), sentences


def _p(p: Any) -> str:
    f = num(p)
    return "n/a" if f is None else ("< 0.001" if f < 0.001 else f"{f:.3f}")


def significant_p(p: Any) -> str:
    """"= 0.012" or "< 0.001", to follow the letter p."""
    text = _p(p)
    return text if text.startswith("<") else f"= {text}"


def item_labels(responses: "Responses") -> dict[str, str]:
    out = {}
    for q, it in responses.instrument.closed_columns():
        out[it.id if it else q.id] = (f"{q.id.upper()} {it.label}" if it else f"{q.id.upper()} {q.short}")
    return out


def labelled_groups(frame: "pd.DataFrame", responses: "Responses") -> "pd.DataFrame":
    """Adds group_label after group (sector names for people)."""
    if "group" not in frame.columns:
        return frame
    labels = group_labels(responses)
    out = frame.copy()
    out.insert(list(out.columns).index("group") + 1, "group_label", [labels.get(g, g) for g in out["group"]])
    return out


# -- shared computations ---------------------------------------------------------------------------

def prepare(responses: "Responses", ctx: "Context") -> None:
    """Load the youth rankings (a broken file fails here, before any output) and record parameters."""
    from surveykit.disclosure import DEFAULT_THRESHOLD

    from surveykit.stats import DEFAULT_SEED, MONTE_CARLO_RESAMPLES

    ctx.parameters.update({"threshold": threshold(ctx), "default_threshold": DEFAULT_THRESHOLD,
                           "compare_by": "sector", "padjust": PADJUST, "compare_min_group_size": COMPARE_MIN_GROUP,
                           "banner_min_group_size": BANNER_MIN_GROUP, "voices_min_group_size": VOICES_MIN_GROUP,
                           "monte_carlo_seed": DEFAULT_SEED, "monte_carlo_resamples": MONTE_CARLO_RESAMPLES,
                           "youth_top": 6, "youth_bottom": 4, "coded_questions": ["q7", "q14_other_text",
                                                                                 "q15_other_text"],
                           "quotes": "1 per sector, up to 3 per code, the 6 most frequent codes of q7"})
    if ctx.options.rankings is not None:
        from surveykit.io.rankings import read_rankings
        from surveykit.ranking import default_measures_path, load_measures

        mset = load_measures()
        ctx.cache["rankings"] = read_rankings(ctx.options.rankings, measures=mset)
        ctx.codebooks["youth_measures"] = {"path": str(default_measures_path()), "measures": len(mset),
                                           "version": _yaml_version(default_measures_path())}
        from surveykit.report.build import sha256_file

        ctx.inputs["youth_measures"] = {"path": str(default_measures_path()),
                                        "sha256": sha256_file(default_measures_path())}
    if ctx.options.coded:
        from surveykit.io.coded import read_coded

        ctx.cache["coded_files"] = [read_coded(p, question="q7") for p in ctx.options.coded]
    if ctx.options.suppress:
        ctx.method("Disclosure control",
                   f"Published tables suppress counts of 1 to {threshold(ctx) - 1} respondents (shown as [c]) and "
                   "every number from which such a count could be worked out (secondary suppression); zero is "
                   "shown. Rankings and orders use the true values.")
    else:
        ctx.method("Disclosure control", "INTERNAL REPORT: small counts are NOT suppressed (--no-suppress).")


def _yaml_version(path) -> str:
    import yaml

    try:
        doc = yaml.safe_load(open(path, encoding="utf-8"))
        return str(doc.get("version", "")) if isinstance(doc, dict) else ""
    except (OSError, yaml.YAMLError):
        return ""


# -- why children go missing -----------------------------------------------------------------------

def section_why_missing(responses: "Responses", ctx: "Context") -> Section | None:
    from surveykit.scoring import reasons_table

    grids = present_questions(responses, REASON_GRIDS)
    sb = SectionBuilder("why_missing", "Why children go missing")
    sb.text("Professionals rated how often each reason leads trafficked children (q14) and unaccompanied or "
            "separated children (q15) to go missing, from Never (0) to Very often (4). Reasons are ranked by the "
            "share answering Often or Very often; the rank uses the true values even where a number is suppressed.")
    for qid in grids:
        q = responses.instrument.question(qid)
        table = reasons_table(responses, question=qid, suppress=ctx.options.suppress, threshold=threshold(ctx))
        table = table.drop(columns=["group"])
        top = list(table.sort_values("rank")["item_label"][:5])
        who = "trafficked children" if qid == "q14" else "unaccompanied / separated children"
        sb.text(f"{qid.upper()} ({who}): the reasons most often seen were, in order: "
                + "; ".join(f"{i}. {lab}" for i, lab in enumerate(top, 1)) + ".", "finding")
        pcts = [c for c in table.columns if c.startswith("pct_")]
        sb.table(f"{qid}_reasons", f"{qid.upper()} {q.short}: how often each reason is seen", table,
                 percent_columns=pcts, digits={"mean": 2})
        add_grid_chart(responses, ctx, sb, qid, table, f"{qid.upper()} {q.short}: how often each reason is seen",
                       f"Diverging bar chart of how often each {qid} reason is seen")
    coded = coding_blocks(responses, ctx)
    sb.blocks.extend(coded)
    return sb.build() if grids or coded else None


def coding_blocks(responses: "Responses", ctx: "Context") -> list:
    """The coded open answers (q7 and the other reason questions): filled in by report.coding."""
    from surveykit.report.coding import coded_blocks

    return coded_blocks(responses, ctx)


# -- other closed questions --------------------------------------------------------------------------

def closed_single_questions(responses: "Responses") -> list[str]:
    return [q.id for q in responses.instrument.questions
            if q.type == "single" and q.id not in STATEMENTS]


def combos(question) -> tuple[tuple[str, ...], ...]:
    """The extra combined shares of a question, without the one its top box already shows."""
    top = set(question.scale.top_box)
    return tuple(c for c in COMBINED_SHARES.get(question.id, ()) if set(c) != top)


def _question_blocks(responses: "Responses", ctx: "Context", sb: SectionBuilder, questions: Sequence[str],
                     family: str) -> None:
    from surveykit.scoring import ALL, summarise_items

    long = score_long(responses, ctx, questions, "sector")
    raw = score_long(responses, ctx, questions, "sector", published=False)
    summary = summarise_items(responses, items=list(questions), suppress=ctx.options.suppress,
                              threshold=threshold(ctx))
    result = compare_family(responses, ctx, family, questions) if questions else None
    labels = group_labels(responses)
    for qid in questions:
        q = responses.instrument.question(qid)
        wide, pcts = option_wide(responses, long, qid)
        s = summary[summary["item_id"] == qid].iloc[0]
        top_label = str(s["top_box_label"] or "").removeprefix("%").strip()
        parts = [f"{pct_text(s['pct_top_box'])} {top_label} (n = {n_text(s['n_valid'])} valid answers)"]
        dk = frozenset(o.code for o in q.scale.options if o.dk)
        shares = {codes: combined_shares(long, raw, qid, codes, dk) for codes in combos(q)}
        for codes in combos(q):
            share, _ = shares[codes][ALL]
            parts.append(f"{pct_text(share)} {option_names(responses, qid, codes)}")
        if q.scale.has_dk:
            parts.append(f"{pct_text(s['pct_dk'])} Don't know (of everyone who answered)")
        sb.text(f"{qid.upper()} {q.text.strip()}", "p")
        sb.text(f"{q.short}: " + "; ".join(parts) + ".", "finding")
        # Per-sector combined shares, where the study reported them.
        for codes in combos(q):
            per = []
            for g in wide["group"]:
                if g == ALL:
                    continue
                share, n = shares[codes][g]
                per.append(f"{labels.get(g, g)} {pct_text(share)} (n = {n_text(n)})")
            if per:
                sb.text(f"{option_names(responses, qid, codes)} by sector: " + "; ".join(per) + ".")
        if result is not None:
            omni = result.table[(result.table["item_id"] == qid)]
            if len(omni):
                r = omni.iloc[0]
                verdict = ("significant" if bool(r["significant"]) else "not significant") \
                    if r["test"] != "not_tested" else "not tested"
                sb.text(f"Difference between sectors: {str(r['test']).replace('_', ' ')}, adjusted p "
                        f"{significant_p(r['p_adjusted'])} ({verdict} at {ctx.options.alpha:g}), n = {n_text(r['n'])}.", "note")
        sb.table(f"{qid}_by_sector", f"{qid.upper()} {q.short}, by sector", wide, percent_columns=pcts)


def section_closed_questions(responses: "Responses", ctx: "Context") -> Section | None:
    questions = closed_single_questions(responses)
    if not questions:
        return None
    sb = SectionBuilder("closed_questions", "Nationality, identification, risk and safeguarding: the closed questions by sector")
    sb.text("Each question is shown for all respondents and by sector. Percentages are of the valid answers "
            "(Don't know and blank left out); the Don't know share is of everyone who answered. The test of a "
            "difference between sectors is chi-square (or Fisher / Monte Carlo for small expected counts) for "
            "yes/no questions and Kruskal-Wallis for ordered scales, corrected across this section's tests.")
    _question_blocks(responses, ctx, sb, questions, "closed questions")
    return sb.build()


def section_statements(responses: "Responses", ctx: "Context") -> Section | None:
    questions = present_questions(responses, STATEMENTS)
    if not questions:
        return None
    sb = SectionBuilder("statements", "Statements q16-q19: agreement by sector")
    sb.text("Respondents said how far they agree with four statements about their area, from Strongly disagree "
            "(1) to Strongly agree (5).")
    _question_blocks(responses, ctx, sb, questions, "statements q16-q19")
    result = compare_family(responses, ctx, "statements q16-q19", questions)
    sig, sentences = significant_pairs(result, group_labels(responses), item_labels(responses))
    for s in sentences:
        sb.text(s, "finding")
    return sb.build()


# -- intervention effectiveness ----------------------------------------------------------------------

def section_effectiveness(responses: "Responses", ctx: "Context") -> Section | None:
    from surveykit.scoring import effectiveness_table

    if not responses.instrument.has_question(EFFECTIVENESS):
        return None
    sb = SectionBuilder("effectiveness", "How effective are prevention measures? (q45)")
    thr = threshold(ctx)
    table = effectiveness_table(responses, suppress=ctx.options.suppress, threshold=thr).drop(columns=["group"])
    ctx.cache["effectiveness_table"] = table
    ranked = table.sort_values("rank")
    first, second = ranked.iloc[0], ranked.iloc[1]
    sb.text("Professionals rated each measure from Completely ineffective (1) to Very effective (5). "
            "'% effective' is the share rating it 4 or 5 of the valid answers (Don't know and blank left out).")
    sb.text(f"Rated most effective: {first['item_label']} ({pct_text(first['pct_effective'])} effective, "
            f"n = {n_text(first['n'])}), then {second['item_label']} ({pct_text(second['pct_effective'])}, "
            f"n = {n_text(second['n'])}).", "finding")
    bottom = ranked.iloc[-5:][::-1]
    sb.text("Rated least effective (lowest first): " + "; ".join(
        f"{r.item_label} ({pct_text(r.pct_effective)}, n = {n_text(r.n)})" for r in bottom.itertuples()) + ".",
        "finding")
    photo = table[table["item_id"].str.contains("photo")]
    for r in photo.itertuples():
        sb.text(f"{r.item_label}: {pct_text(r.pct_effective)} rate it effective (n = {n_text(r.n)}).", "finding")
    pcts = [c for c in table.columns if c.startswith("pct_")]
    sb.table("q45_effectiveness", "Q45 Effectiveness of prevention measures (all respondents)", table,
             percent_columns=pcts, digits={"mean": 2})
    add_grid_chart(responses, ctx, sb, EFFECTIVENESS, table, "Q45: how effective professionals rate each measure",
                   "Diverging bar chart of the q45 ratings of each measure")

    by = effectiveness_table(responses, by="sector", suppress=ctx.options.suppress, threshold=thr)
    wide = sector_wide(responses, by, value="pct_effective")
    sb.table("q45_effective_by_sector", "Q45 % rating each measure effective, by sector", wide,
             percent_columns=[c for c in wide.columns if c not in ("item_id", "item_label")],
             note="Percent of the sector's valid answers rating the measure 4 or 5; the base n of every cell is in "
                  "q45_effectiveness_by_sector_long.")
    sb.table("q45_effectiveness_by_sector_long", "Q45 effectiveness by sector (every statistic)",
             labelled_groups(by, responses), percent_columns=pcts, digits={"mean": 2})
    banner_blocks(responses, ctx, sb)
    result = compare_family(responses, ctx, "q45", [EFFECTIVENESS])
    sig, sentences = significant_pairs(result, group_labels(responses), item_labels(responses))
    sb.text("Across all sectors (Kruskal-Wallis on each measure, then every pair of sectors), the sector "
            f"differences significant after correction (alpha {ctx.options.alpha:g}) are:" if sentences else
            "Across all sectors, no difference between two sectors was significant after correction.")
    for s in sentences:
        sb.text(s, "finding")
    sb.table("q45_sector_tests", "Q45 tests between all sectors (Kruskal-Wallis, then pairwise Mann-Whitney U)",
             result.table, note=result.scope)
    head_to_head(responses, ctx, sb)
    return sb.build()


def largest_sectors(responses: "Responses", k: int = 2) -> list[str]:
    counts = responses.data["sector"].value_counts()
    order = [s.id for s in responses.instrument.sectors]
    ranked = sorted((sid for sid in counts.index if sid in order), key=lambda s: (-int(counts[s]), order.index(s)))
    return ranked[:k]


def head_to_head(responses: "Responses", ctx: "Context", sb: SectionBuilder) -> None:
    """The study set its two largest sectors side by side: the same test for those two alone."""
    from surveykit.compare import compare

    pair = largest_sectors(responses)
    if len(pair) < 2:
        return
    res = compare(responses, by="sector", questions=[EFFECTIVENESS], groups=pair, alpha=ctx.options.alpha,
                  padjust=PADJUST, min_group_size=COMPARE_MIN_GROUP)
    ctx.parameters["two_largest_sectors"] = pair
    ctx.method("Sector comparisons (q45, two largest sectors)", res.scope)
    labels = group_labels(responses)
    sig, sentences = significant_pairs(res, labels, item_labels(responses))
    sb.text(f"The two largest sectors, {labels[pair[0]]} and {labels[pair[1]]}, compared on their own (Mann-Whitney "
            "U on each measure, corrected across these tests): "
            + (f"{len(sentences)} significant difference(s)." if sentences else "no significant difference."))
    for s in sentences:
        sb.text(s, "finding")
    sb.table("q45_two_largest_sectors", f"Q45: {labels[pair[0]]} vs {labels[pair[1]]}", res.table, note=res.scope)


def sector_wide(responses: "Responses", by: "pd.DataFrame", *, value: str) -> "pd.DataFrame":
    """A by-sector grid table (long) as item rows x group columns of ``value`` (order of ``all``)."""
    import pandas as pd

    from surveykit.scoring import MISSING

    groups = [g for g in dict.fromkeys(by["group"]) if g != MISSING]
    base = by[by["group"] == groups[0]][["item_id", "item_label"]].reset_index(drop=True)
    cols = {}
    for g in groups:
        part = by[by["group"] == g].set_index("item_id")
        cols[g] = [part.loc[i, value] for i in base["item_id"]]
    return pd.concat([base, pd.DataFrame(cols)], axis=1)


def grid_chart(responses: "Responses", ctx: "Context", question: str, shown: "pd.DataFrame"):
    """Helper B's diverging chart of a grid for all respondents, or None when a number it would draw is
    suppressed in the published table (a chart must not reveal what the table hides)."""
    from surveykit.charts.effectiveness import effectiveness_chart, reasons_chart
    from surveykit.disclosure import MARKER
    from surveykit.scoring import effectiveness_table, reasons_table

    if ctx.options.suppress and (shown.astype(object) == MARKER).any(axis=None):
        return None
    q = responses.instrument.question(question)
    if question == EFFECTIVENESS:
        return effectiveness_chart(effectiveness_table(responses), scale=q.scale)
    return reasons_chart(reasons_table(responses, question=question), scale=q.scale,
                         title=f"{q.short} ({q.id})")


def add_grid_chart(responses, ctx, sb, question, shown, title, alt) -> None:
    """The diverging chart of every rating; when the table suppresses some rating shares, a bar chart of
    the top-box share alone (if that is shown in full); otherwise a note."""
    from surveykit.disclosure import MARKER
    from surveykit.report.charts import ranked_bars

    fig = grid_chart(responses, ctx, question, shown)
    if fig is not None:
        sb.chart(f"{question}_chart", title, fig, alt=alt)
        return
    top_col = "pct_effective" if question == EFFECTIVENESS else "pct_often"
    top_label = responses.instrument.question(question).scale.top_box_label or top_col
    if not (shown[top_col].astype(object) == MARKER).any():
        sb.chart(f"{question}_chart", f"{title} ({top_label})",
                 ranked_bars(shown, value=top_col, label="item_label", xlabel=top_label), alt=alt)
        sb.text("The chart shows the top-box share only: some shares of single ratings are suppressed in the "
                "table above and a full chart would reveal them.", "note")
    else:
        sb.text("The chart of this table is left out: some of its numbers are suppressed.", "note")


def banner_blocks(responses: "Responses", ctx: "Context", sb: SectionBuilder) -> None:
    from surveykit.report.effectiveness import banner_table

    banner_table(responses, ctx, sb)


# -- youth -------------------------------------------------------------------------------------------

def section_youth_ranking(responses: "Responses", ctx: "Context") -> Section | None:
    from surveykit.ranking import agreement, extremes, score_measures

    rankings = ctx.cache.get("rankings")
    if rankings is None:
        return None
    sb = SectionBuilder("youth_ranking", "The young people's ranking of prevention measures")
    scores = score_measures(rankings)
    agree = agreement(rankings)
    best, worst = extremes(scores)
    label = {m.id: m.label + (" *" if m.assumed else "") for m in rankings.measures.measures}
    sb.text(f"In the workshops, {rankings.sample_note()}. Each group sorted the {len(rankings.measures)} measures "
            "into 'would work' and 'would not work' and ranked each pile; a group's combined order puts the "
            "'would work' pile first.")
    sb.text("Most effective, best first: " + "; ".join(f"{i}. {label[m]}" for i, m in enumerate(best, 1)) + ".",
            "finding")
    sb.text("Least effective, worst first: " + "; ".join(f"{i}. {label[m]}" for i, m in enumerate(worst, 1)) + ".",
            "finding")
    for line in agree.lines():
        sb.text(line, "note")
    table = scores[["measure_id", "measure_label", "assumed", "n_groups", "n_effective", "pct_effective",
                    "mean_position", "borda", "rank"]].copy()
    table["measure_label"] = [label[m] for m in table["measure_id"]]
    sb.table("youth_ranking", "Young people's ranking of the measures", table, percent_columns=["pct_effective"],
             digits={"mean_position": 2, "borda": 1},
             note="* assumed: the study published 10 of its 14 measures; starred measures are this project's "
                  "reconstruction. pct_effective is the share of groups putting the measure in the 'would work' "
                  "pile; mean_position is the mean place in the groups' combined orders (1 = best).")
    from surveykit.report.charts import youth_positions

    sb.chart("youth_ranking", "Young people's mean position of each measure (1 = best)", youth_positions(table),
             alt="Dot chart of each measure's mean position in the young people's rankings")
    ctx.method("Youth ranking", "Measures ranked by mean combined-order position (ties share the lowest rank); "
               "agreement between groups by Kendall's W (tie-corrected), the Friedman test and Cochran's Q; "
               "with fewer than 10 groups every result is exploratory.")
    return sb.build()


def section_youth_vs_professionals(responses: "Responses", ctx: "Context") -> Section | None:
    from surveykit.voices import compare_voices

    rankings = ctx.cache.get("rankings")
    if rankings is None:
        return None
    result = compare_voices(rankings, responses, by="sector", min_group_size=VOICES_MIN_GROUP)
    sb = SectionBuilder("youth_vs_professionals", "Young people beside professionals")
    sb.text("Each measure of the youth exercise matches one q45 intervention. The young people's rank and the "
            "share of groups calling a measure effective are set beside the professionals' share rating the "
            "matched intervention effective (4 or 5) and their rank over the same measures. pct_gap is "
            "professionals' % minus young people's %.")
    corr = result.correlations
    overall = corr[corr["group"] == "all"].iloc[0]
    tag = "exploratory: " if result.exploratory else ""
    sb.text(f"{tag}Spearman's rho between the two orders = {overall['spearman_rho']:.2f}, p "
            f"{significant_p(overall['spearman_p'])}, n = {int(overall['spearman_n'])} measures (young people: "
            f"{result.n_groups} groups; professionals: {int(overall['n_respondents'])} rating q45).", "finding")
    div = result.divergences("all", top=4)
    t_all = result.group_table("all")
    lab = {r.measure_id: r.measure_label + (" *" if r.assumed else "") for r in t_all.itertuples()}
    sb.text("Largest differences between the two views: " + "; ".join(
        f"{lab[m]} (young people rank {int(r.youth_rank)}, professionals rank {int(r.pro_rank)})"
        for m in div for r in t_all[t_all["measure_id"] == m].itertuples()) + ".", "finding")
    for group, reason in result.skipped:
        ctx.method("Young people beside professionals", f"sector {group} left out: {reason}")
    t = t_all.drop(columns=["group", "group_label"]).copy()
    t["measure_label"] = [lab[m] for m in t["measure_id"]]
    sb.table("youth_vs_professionals", "Young people's and professionals' views of each measure", t,
             percent_columns=["youth_pct_effective", "pro_pct_effective"],
             digits={"youth_mean_position": 2, "pct_gap": 1, "spearman_rho": 3})
    from surveykit.charts.youth import slope_chart

    sb.chart("youth_vs_professionals", "Young people's rank (left) and professionals' rank (right) of each measure",
             slope_chart(result, group="all"), alt="Slope chart linking each measure's youth rank to its "
                                                  "professional rank")
    sb.table("youth_vs_professionals_by_sector", "Agreement between young people and each sector (Spearman's rho)",
             corr, digits={"spearman_rho": 3})
    return sb.build()
