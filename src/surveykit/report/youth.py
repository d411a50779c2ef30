"""The youth ranking exercise in the report, and the young people beside the survey's respondents.

Numbers come from ``surveykit.ranking`` (``score_measures``, ``agreement``, ``extremes``) and
``surveykit.voices.compare_voices``; the grid the measures map onto is the instrument's
``youth: {grid: ...}``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from surveykit.report.model import ChartRecipe, SectionBuilder
from surveykit.report.text import display_id

if TYPE_CHECKING:
    from surveykit.report.build import Build


def youth_ranking_blocks(b: "Build", sb: SectionBuilder) -> None:
    from surveykit.ranking.concordance import agreement
    from surveykit.ranking.scores import extremes, score_measures
    from surveykit.report.charts import youth_positions

    rankings = b.inputs.rankings
    if rankings is None:
        return
    scores = score_measures(rankings)
    agree = agreement(rankings, suppress=b.options.suppress, threshold=b.options.threshold)
    best, worst = extremes(scores, top=b.options.youth_top, bottom=b.options.youth_bottom)
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
    from surveykit.ranking.scores import protect_scores

    shown = protect_scores(scores, threshold=b.options.threshold) if b.options.suppress else scores
    table = shown[["measure_id", "measure_label", "assumed", "n_groups", "n_effective", "pct_effective",
                   "mean_position", "borda", "rank"]].copy()
    table["measure_label"] = [label[m] for m in table["measure_id"]]
    assumed = any(m.assumed for m in rankings.measures.measures)
    sb.table("youth_ranking", "Young people's ranking of the measures", table, percent_columns=["pct_effective"],
             digits={"mean_position": 2, "borda": 1},
             note=("* assumed: the study published only some of its measures; starred measures are a "
                   "reconstruction. " if assumed else "")
             + "pct_effective is the share of groups putting the measure in the 'would work' pile; mean_position is "
               "the mean place in the groups' combined orders (1 = best).")
    sb.chart("youth_ranking", "Young people's mean position of each measure (1 = best)",
             ChartRecipe(youth_positions, table, palette=b.palette),
             alt="Dot chart of each measure's mean position in the young people's rankings")
    b.parameters.update({"youth_top": b.options.youth_top, "youth_bottom": b.options.youth_bottom})
    b.method("Youth ranking", "Measures ranked by mean combined-order position (ties share the lowest rank); "
             "agreement between groups by Kendall's W (tie-corrected), the Friedman test and Cochran's Q"
             + (" (not shown: it is computed from the counts of groups, some of which are suppressed)"
                if agree.cochran_withheld else "") + "; with fewer than 10 groups every result is exploratory.")


def youth_comparison_blocks(b: "Build", sb: SectionBuilder) -> None:
    from surveykit.charts.youth import slope_chart
    from surveykit.report.text import by_phrase, significant_p
    from surveykit.voices import compare_voices

    rankings = b.inputs.rankings
    if rankings is None:
        return
    responses = b.responses
    inst = responses.instrument
    grid = inst.question(inst.youth.grid) if inst.youth else None
    result = compare_voices(rankings, responses, by=b.by, min_group_size=b.options.voices_min_group_size,
                            suppress=b.options.suppress, threshold=b.options.threshold, protect_by=b.by)
    what = f"{display_id(grid.id)} ({grid.short})" if grid else "the survey's grid"
    top = grid.scale.top_box_net.label if grid is not None and grid.scale.top_box_net else "top box"
    sb.text(f"Each measure of the youth exercise matches one item of {what}. The young people's rank and the "
            "share of groups calling a measure effective are set beside the share of respondents rating the matched "
            f"item {top} and their rank over the same measures. pct_gap is the respondents' % minus the young "
            "people's %.")
    corr = result.correlations
    overall = corr[corr["group"] == "all"].iloc[0]
    tag = "exploratory: " if result.exploratory else ""
    if not math.isnan(float(overall["spearman_rho"])):
        sb.text(f"{tag}Spearman's rho between the two orders = {overall['spearman_rho']:.2f}, p "
                f"{significant_p(overall['spearman_p'])}, n = {int(overall['spearman_n'])} measures (young "
                f"people: {result.n_groups} groups; respondents: {int(overall['n_respondents'])} rating {what}).",
                "finding")
    else:  # fewer than 3 measures with a published share (the rest suppressed), or one side constant
        sb.text(f"{result.spearman_text('all')}.", "note")
    div = result.divergences("all", top=4)
    t_all = result.group_table("all")
    lab = {r.measure_id: r.measure_label + (" *" if r.assumed else "") for r in t_all.itertuples()}
    if div:  # measures whose gap is shown: a suppressed share leaves its measure out of this sentence
        sb.text("Largest differences between the two views: " + "; ".join(
            f"{lab[m]} (young people rank {int(r.youth_rank)}, respondents rank {int(r.pro_rank)})"
            for m in div for r in t_all[t_all["measure_id"] == m].itertuples()) + ".", "finding")
    for group, reason in result.skipped:
        b.method("Young people beside the survey's respondents", f"group {group} left out: {reason}")
    t = t_all.drop(columns=["group", "group_label"]).copy()
    t["measure_label"] = [lab[m] for m in t["measure_id"]]
    sb.table("youth_vs_respondents", "Young people's and respondents' views of each measure", t,
             percent_columns=["youth_pct_effective", "pro_pct_effective"],
             digits={"youth_mean_position": 2, "pct_gap": 1, "spearman_rho": 3})
    sb.chart("youth_vs_respondents", "Young people's rank (left) and respondents' rank (right) of each measure",
             ChartRecipe(slope_chart, result, group="all", palette=b.palette),
             alt="Slope chart linking each measure's youth rank to its rank among the survey's respondents")
    if b.by is not None:
        sb.table(f"youth_vs_respondents_by_{b.by}",
                 f"Agreement between young people and each group of {by_phrase(responses, b.by)} (Spearman's rho)",
                 corr, digits={"spearman_rho": 3})
