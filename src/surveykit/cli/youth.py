"""rank, voices: the youth workshops' ranking exercise, and young people's views beside professionals'."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer

from surveykit.cli.app import app
from surveykit.cli.common import (ENCODING_OPTION, FORMAT_OPTION, OutputFormat, echo, emit, handle_errors, message,
                                  InputOptions, NO_INPUT_OPTIONS, input_options)

RANK_COLUMNS = ["measure_id", "measure_label", "assumed", "n_groups", "n_effective", "pct_effective",
                "mean_position", "borda", "rank"]
MEASURES_OPTION = typer.Option(None, "--measures", help="Measures codebook (default: codebooks/youth_measures.yaml).")
ASSUMED_NOTE = ("* assumed: the study published 10 of its 14 measures; the starred ones are this "
                "project's reconstruction.")


def _rounded(frame, digits: dict[str, int]):
    out = frame.copy()
    for col, d in digits.items():
        if col in out.columns:
            out[col] = [v if isinstance(v, str) else round(float(v), d) for v in out[col]]
    return out


def _star(frame):
    """Labels of assumed measures get a star in tables for people."""
    out = frame.copy()
    out["measure_label"] = [f"{lab} *" if a else lab for lab, a in zip(out["measure_label"], out["assumed"])]
    return out


@app.command()
@handle_errors
def rank(
    file: Path = typer.Argument(..., help="The youth rankings CSV (one row per group x measure)."),
    measures: Optional[Path] = MEASURES_OPTION,
    model: str = typer.Option("none", "--model", help="Also fit a ranking model: none or plackett-luce."),
    bootstrap: int = typer.Option(1000, "--bootstrap", help="Bootstrap resamples of groups for Plackett-Luce intervals."),
    seed: int = typer.Option(2016, "--seed", help="Seed of the bootstrap (same seed, same intervals)."),
    top: int = typer.Option(6, "--top", help="How many measures to list as most effective."),
    bottom: int = typer.Option(4, "--bottom", help="How many measures to list as most ineffective."),
    encoding: Optional[str] = ENCODING_OPTION,
    threshold: int = typer.Option(5, "--threshold", help="Disclosure control: counts of groups below this (and "
                                                         "their complements) are suppressed."),
    no_suppress: bool = typer.Option(False, "--no-suppress", help="Show small counts of groups (internal use only)."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Score the youth ranking exercise: % effective, mean position, Borda, rank, and agreement.

    Each group's combined order puts its effective pile first (in its ranks) and then its
    not-effective pile from best to worst; measures left unranked in a pile share the mid-rank of
    the positions left. Agreement between groups: Kendall's W (tie-corrected), the Friedman test and
    Cochran's Q on the effective / not-effective sort (not shown while a count of groups is
    suppressed: it would give the count away; nor are the Plackett-Luce worths, for the same reason).
    With fewer than 10 groups everything is labelled exploratory; every p-value is shown with its n.

    Example:  surveykit rank responses/sample/youth_ranking.csv --model plackett-luce
    """
    from surveykit.errors import invalid_choice
    from surveykit.ranking.concordance import agreement
    from surveykit.ranking.measures import load_measures
    from surveykit.ranking.model import MODELS, plackett_luce
    from surveykit.ranking.rankings import read_rankings
    from surveykit.ranking.scores import extremes, score_measures

    if model not in MODELS:
        raise invalid_choice("--model", model, MODELS)
    if bootstrap < 0:
        raise invalid_choice("--bootstrap", bootstrap, ["a whole number 0 or more"])
    if top < 0 or bottom < 0:
        raise invalid_choice("--top/--bottom", top if top < 0 else bottom, ["a whole number 0 or more"])
    mset = load_measures(measures)
    rankings = read_rankings(file, measures=mset, encoding=encoding)
    from surveykit.ranking.scores import protect_scores
    from surveykit.validation import check_threshold

    threshold = check_threshold(threshold, parameter="--threshold")
    scores = score_measures(rankings)
    agree = agreement(rankings, suppress=not no_suppress, threshold=threshold)
    best, worst = extremes(scores, top=top, bottom=bottom)
    table = (scores if no_suppress else protect_scores(scores, threshold=threshold))[RANK_COLUMNS]
    pl = None
    if model == "plackett-luce":
        pl = plackett_luce(rankings, n_boot=bootstrap, seed=seed, suppress=not no_suppress, threshold=threshold)
        table = table.merge(pl.table[["measure_id", "pl_worth", "pl_worth_low", "pl_worth_high"]],
                            on="measure_id", how="left")
    table = _rounded(table, {"pct_effective": 1, "mean_position": 3, "borda": 1, "pl_worth": 4,
                             "pl_worth_low": 4, "pl_worth_high": 4})
    label = {m.id: m.label + (" *" if m.assumed else "") for m in mset.measures}
    meta: dict[str, Any] = {
        "analysis": "youth_ranking",
        "file": str(file),
        "sha256": rankings.sha256,
        "n_groups": rankings.n_groups,
        "n_people": rankings.n_people,
        "n_workshops": rankings.n_workshops,
        "exploratory": rankings.exploratory,
        "note": rankings.sample_note(),
        "agreement": agree.as_dict(),
        "most_effective": best,
        "most_ineffective": worst,
        "assumed_measures": [m.id for m in mset.measures if m.assumed],
    }
    if pl is not None:
        meta["plackett_luce"] = {"n_boot": pl.n_boot, "seed": pl.seed, "level": pl.level, "alpha": pl.alpha,
                                 "withheld": pl.withheld,
                                 "note": pl.line() if pl.withheld else
                                 "worths sum to 1: the chance each measure is picked first; "
                                 "percentile bootstrap over groups"}
    if fmt is OutputFormat.csv:
        message(rankings.sample_note())
        emit(table, fmt)
        return
    if fmt is OutputFormat.json:
        emit(table, fmt, meta=meta)
        return
    title = f"Youth ranking exercise: {rankings.sample_note()}"
    footer = [ASSUMED_NOTE, ""]
    footer.append("Most effective (best first): " + "; ".join(f"{i}. {label[m]}" for i, m in enumerate(best, 1)))
    footer.append("Most ineffective (worst first): " + "; ".join(f"{i}. {label[m]}" for i, m in enumerate(worst, 1)))
    footer.append("")
    footer.append("Agreement between groups:")
    footer.extend(f"  {line}" for line in agree.lines())
    if pl is not None:
        footer.append(pl.line())
        if pl.withheld:  # people see the sentence, not three empty columns
            table = table.drop(columns=["pl_worth", "pl_worth_low", "pl_worth_high"])
    emit(_star(table), fmt, title=title, footer="\n".join(footer))


@app.command()
@handle_errors
@input_options
def voices(
    survey: Path = typer.Argument(..., help="The professional survey export."),
    rankings_file: Path = typer.Argument(..., metavar="RANKINGS", help="The youth rankings CSV."),
    by: Optional[str] = typer.Option(None, "--by", help="Also compare per group of respondents: a grouping of the "
                                                        "instrument (e.g. sector)."),
    measures: Optional[Path] = MEASURES_OPTION,
    min_group_size: int = typer.Option(5, "--min-group-size",
                                       help="Leave out groups with fewer valid answers than this on any matched item."),
    top: int = typer.Option(5, "--top", help="How many of the largest divergences to list per group."),
    chart_out: Optional[Path] = typer.Option(None, "--chart-out",
                                             help="Folder for slope charts (voices_GROUP.png and .svg)."),
    force: bool = typer.Option(False, "--force", help="With --chart-out: replace chart files even if surveykit did "
                                                      "not write them, or they were changed since."),
    threshold: int = typer.Option(5, "--threshold", help="Disclosure control: counts below this are suppressed."),
    no_suppress: bool = typer.Option(False, "--no-suppress", help="Show small counts (internal use only)."),
    fmt: OutputFormat = FORMAT_OPTION,
    inputs: InputOptions = NO_INPUT_OPTIONS,
) -> None:
    """Young people's ranking beside the survey respondents' ratings of the matched grid, measure by measure.

    For each measure: the young people's rank and % of groups calling it effective; professionals'
    % rating the matched item in its top box and their rank over the same measures, overall
    and with --by sector per sector; Spearman's rho (with p and n); the measures where the two views
    diverge most (largest gap in % effective first).

    Example:  surveykit voices export.csv youth_ranking.csv --by sector --chart-out charts
    """
    import json

    from surveykit.ranking.measures import load_measures
    from surveykit.ranking.rankings import read_rankings
    from surveykit.voices import compare_voices

    from surveykit.errors import UsageError, invalid_choice
    from surveykit.instrument import load_instrument

    # Options are checked before the (slow) survey is read.
    inst = load_instrument(inputs.instrument)
    if by is not None and by not in inst.grouping_candidates():
        raise invalid_choice("--by", by, inst.grouping_candidates())
    if measures is None and inst.youth is not None:
        measures = Path(inst.youth.path) if inst.youth.path else None
    if top < 1:
        raise invalid_choice("--top", top, ["a whole number of at least 1"])
    if min_group_size < 1:
        raise invalid_choice("--min-group-size", min_group_size, ["a whole number of at least 1"])
    if chart_out is not None and chart_out.exists() and not chart_out.is_dir():
        raise UsageError(f"--chart-out must be a folder; {chart_out} is a file")
    rankings = read_rankings(rankings_file, measures=load_measures(measures))
    responses = inputs.load(survey)
    result = compare_voices(rankings, responses, by=by, min_group_size=min_group_size, suppress=not no_suppress,
                            threshold=threshold)
    for group, reason in result.skipped:
        message(f"group {group} left out: {reason}")
    written: list[Path] = []
    if chart_out is not None:
        from surveykit.charts.youth import slope_chart
        from surveykit.report.figures import save_figure
        from surveykit.report.model import file_ids

        groups = list(result.groups())
        # A group is the data's own value: its file name is a plain slug of it, numbered where two groups'
        # slugs are one ("South/East", "South_East"), so that no chart replaces another.
        for group, slug in zip(groups, file_ids(groups)):
            written += save_figure(slope_chart(result, group=group), chart_out / f"voices_{slug}", force=force)
    table = _rounded(result.table, {"youth_mean_position": 2, "youth_pct_effective": 1, "pro_pct_effective": 1,
                                    "pct_gap": 1, "spearman_rho": 3, "spearman_p": 4})
    if fmt is OutputFormat.csv:
        message(f"young people: {result.note}")
        emit(table, fmt)
    elif fmt is OutputFormat.json:
        corr = _rounded(result.correlations, {"spearman_rho": 3, "spearman_p": 4})
        emit(table, fmt, meta={"analysis": "voices", "survey": str(survey), "rankings": str(rankings_file),
                               "n_groups": result.n_groups, "n_people": result.n_people,
                               "exploratory": result.exploratory, "note": result.note,
                               "min_group_size": result.min_group_size,
                               "skipped": [{"group": g, "reason": r} for g, r in result.skipped],
                               "correlations": json.loads(corr.to_json(orient="records")),
                               "divergences": {g: result.divergences(g, top=top) for g in result.groups()}})
    else:
        _voices_text(result, table, top=top)
    for path in written:
        message(f"wrote {path}")


def _voices_text(result, table, *, top: int) -> None:
    echo(f"Young people: {result.note}")
    echo("Respondents: % rating the matched item in its top box (Don't know and blank "
         "left out of the base, n_valid shown).")
    echo("Divergence: pct_gap = professionals' % effective - young people's % of groups calling it effective.")
    cols = ["measure_label", "youth_rank", "youth_pct_effective", "pro_rank", "pro_pct_effective", "pro_n_valid",
            "rank_gap", "pct_gap"]
    corr = result.correlations.set_index("group")
    for group in result.groups():
        part = _star(table[table["group"] == group])
        c = corr.loc[group]
        tag = "exploratory: " if result.exploratory else ""
        echo("")
        title = (f"== {c['group_label']} ({int(c['n_respondents'])} respondents rating the matched items) ==\n"
                 f"{tag}{result.spearman_text(group)} (young people: {result.n_groups} groups)")
        label = dict(zip(part["measure_id"], part["measure_label"]))
        biggest = ", ".join(label[m] for m in result.divergences(group, top=top)) or \
            "none shown (every gap of this group is suppressed)"
        emit(part[cols], OutputFormat.table, title=title, footer=f"Largest divergences, in order: {biggest}")
    echo("")
    echo(ASSUMED_NOTE)
