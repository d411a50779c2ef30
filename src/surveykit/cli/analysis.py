"""score, effectiveness, reasons, compare, banner: the tables of the professional survey.

Published tables (score, effectiveness, reasons, banner) apply disclosure control by default:
counts below ``--threshold`` (5) and anything that would reveal them are shown as ``[c]``;
``--no-suppress`` turns it off for internal work.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from surveykit.cli.app import app
from surveykit.cli.common import (FORMAT_OPTION, OutputFormat, emit, handle_errors, message, InputOptions, NO_INPUT_OPTIONS,
                                  input_options)

FILE_ARG = typer.Argument(..., help="The export file (CSV, XLSX, SAV ...).")
BY_HELP = ("Break down by a grouping: a profile field such as sector, or any single-choice question id "
           "(default for compare and banner: the instrument's first grouping).")
NO_SUPPRESS = typer.Option(False, "--no-suppress", help="Show small counts (internal use only, not for publication).")
THRESHOLD = typer.Option(5, "--threshold", help="Disclosure control: counts below this are suppressed.")
SHOW_OTHER = typer.Option(False, "--show-other",
                          help="List the 'Other (please specify)' answers, redacted of personal data.")


def _round(frame, digits: int = 1):
    """Round float columns for people (table form only); markers and text stay as they are."""
    import pandas as pd

    out = frame.copy()
    for col in out.columns:
        if col in ("p_value", "p_adjusted"):
            out[col] = [v if isinstance(v, str) or pd.isna(v) else f"{v:.4g}" for v in out[col]]
        elif out[col].dtype.kind == "f" or out[col].dtype == object:
            out[col] = [f"{v:.{digits if col not in ('statistic', 'effect_size', 'sd', 'mean', 'median') else 2}f}"
                        if isinstance(v, float) and not pd.isna(v) else v for v in out[col]]
    return out


def _suppression_note(suppress: bool, threshold: int) -> str:
    from surveykit.disclosure import MARKER

    if suppress:
        return (f"{MARKER}: suppressed (a count below {threshold}, or a number that would reveal one). "
                "Percentages are of valid answers (Don't know and blank excluded).")
    return "NOT SUPPRESSED (--no-suppress): for internal use only. Percentages are of valid answers."


def _other_texts(responses, question: str, show: bool, *, suppress: bool, threshold: int,
                 ) -> tuple["int | str", list[str], str]:
    """Count the 'Other' answers; list them, redacted of personal data, only when asked. Published
    (``suppress``), a count of 1 to threshold - 1 is [c], and the answers are not listed then (their
    number would be the count)."""
    from surveykit.disclosure import MARKER, is_primary
    from surveykit.scoring import other_answers

    texts = other_answers(responses, question=question)
    if suppress and is_primary(len(texts), threshold):
        return MARKER, [], ""
    if not show:
        return len(texts), [], ""
    from surveykit.coding.redact import Redactor, load_denylist

    redactor = Redactor(instrument=getattr(responses, "instrument", None), denylist=load_denylist())
    # Redact first, then shorten: a cut must not split a placeholder or leave half a name.
    return len(texts), [_shorten(redactor.redact(t).text) for t in texts], "redacted"


def _shorten(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rsplit(" ", 1)[0] + "..."


@app.command()
@handle_errors
@input_options
def score(
    file: Path = FILE_ARG,
    question: Optional[List[str]] = typer.Option(None, "--question", "-q", help="Question or item id (repeatable; default: every closed question)."),
    by: Optional[str] = typer.Option(None, "--by", help=BY_HELP),
    summary: bool = typer.Option(False, "--summary", help="One row per item: bases, mean, median, SD, top-box share."),
    no_suppress: bool = NO_SUPPRESS,
    threshold: int = THRESHOLD,
    fmt: OutputFormat = FORMAT_OPTION,
    inputs: InputOptions = NO_INPUT_OPTIONS,
) -> None:
    """Counts and percentages of every option of every closed question (valid base, DK apart).

    CSV columns: question_id, item_id, item_label, group, option_code, option_label, count, pct,
    n_valid, n_dk, n_blank. --summary gives n_valid, n_dk, mean, median, sd, pct_top_box per item.

    Example:  surveykit score export.csv --question satisfaction --by department
    """
    from surveykit import api
    from surveykit.validation import check_threshold

    threshold = check_threshold(threshold, parameter="--threshold")
    responses = inputs.load(file)
    suppress = not no_suppress
    frame = api.score(responses, questions=question, by=by, summary=summary, suppress=suppress, threshold=threshold)
    note = _suppression_note(suppress, threshold)
    meta = {"suppressed": suppress, "threshold": threshold, "note": note}
    if fmt is OutputFormat.table:
        shown = frame.drop(columns=["question_id"]) if not summary else frame.drop(columns=["question_id", "top_box_label"])
        emit(_round(shown), fmt, footer=note)
    else:
        emit(frame, fmt, meta=meta)


def _grid_command(kind: str, file: Path, question: Optional[str], by: Optional[str], sort: str,
                  chart_out: Optional[Path], show_other: bool, include_other: bool, no_suppress: bool, threshold: int,
                  fmt: OutputFormat, inputs, palette: Optional[str] = None, force: bool = False) -> None:
    from surveykit import scoring
    from surveykit.charts.palette import check_palette
    from surveykit.validation import check_choice, check_threshold

    threshold = check_threshold(threshold, parameter="--threshold")
    check_palette(palette)
    check_choice(sort, scoring.SORT_KEYS, parameter="--sort")
    responses = inputs.load(file)
    suppress = not no_suppress
    build = scoring.effectiveness_table if kind == "effectiveness" else scoring.reasons_table
    kwargs = {"question": question, "by": by, "sort": sort, "include_other": include_other}
    frame = build(responses, **kwargs, suppress=suppress, threshold=threshold)
    role = "effectiveness" if kind == "effectiveness" else "reasons"
    question = question or responses.instrument.questions_with_role(role)[0].id
    from surveykit.disclosure import MARKER

    n_other, texts, redaction = _other_texts(responses, question, show_other, suppress=suppress, threshold=threshold)
    q = responses.instrument.question(question)
    notes = [_suppression_note(suppress, threshold),
             f"'Other (please specify)': {n_other} written answer(s)"
             + (" (not listed while counts are suppressed)" if n_other == MARKER
                else "" if show_other else " (list them with --show-other)")]
    if chart_out is not None:
        from surveykit.charts.effectiveness import diverging_chart
        from surveykit.report.figures import save_figure

        # The chart shows the same (protected) numbers as the "all" rows of the table.
        numbers = frame[frame["group"] == "all"]
        top_col = "pct_effective" if kind == "effectiveness" else "pct_often"
        fig = diverging_chart(numbers, scale=q.scale, top_col=top_col, palette=palette,
                              what="measure" if kind == "effectiveness" else "reason",
                              title=f"{q.short} ({q.id}), all respondents")
        stem = Path(chart_out) / f"{kind}_{q.id}"
        for p in save_figure(fig, stem, force=force):
            message(f"wrote {p}")
    if fmt is OutputFormat.table:
        footer = "\n".join(notes + ([f"Other answers ({redaction}):"] + [f"  - {t}" for t in texts] if texts else []))
        emit(_round(frame), fmt, title=f"{q.id}: {q.short}", footer=footer)
    else:
        emit(frame, fmt, meta={"question_id": q.id, "suppressed": suppress, "threshold": threshold,
                               "other_count": n_other, "other_answers": texts, "other_redaction": redaction,
                               "notes": notes})


SORT_OPTION = typer.Option("pct_effective", "--sort", help="pct_effective (top-box share), mean or instrument.")
CHART_OUT = typer.Option(None, "--chart-out", help="Folder for the diverging bar chart (PNG and SVG, all respondents).")
CHART_FORCE = typer.Option(False, "--force", help="With --chart-out: replace chart files even if surveykit did not "
                                                  "write them, or they were changed since.")
PALETTE = typer.Option(None, "--palette", help="Chart colours: default or greys (both colour-blind and greyscale safe).")
INCLUDE_OTHER = typer.Option(False, "--include-other", help="Include the rated 'Other' row.")


@app.command()
@handle_errors
@input_options
def effectiveness(
    file: Path = FILE_ARG,
    question: Optional[str] = typer.Option(None, "--question", "-q",
                                           help="The rated grid (default: the instrument's grid with role: effectiveness)."),
    by: Optional[str] = typer.Option(None, "--by", help=BY_HELP),
    sort: str = SORT_OPTION,
    chart_out: Optional[Path] = CHART_OUT,
    force: bool = CHART_FORCE,
    palette: Optional[str] = PALETTE,
    show_other: bool = SHOW_OTHER,
    include_other: bool = INCLUDE_OTHER,
    no_suppress: bool = NO_SUPPRESS,
    threshold: int = THRESHOLD,
    fmt: OutputFormat = FORMAT_OPTION,
    inputs: InputOptions = NO_INPUT_OPTIONS,
) -> None:
    """An effectiveness grid ranked by % effective (n, % per rating, mean, % effective, rank).

    Without --question, the instrument's grid declared with role: effectiveness. --chart-out DIR writes
    DIR/effectiveness_<question>.png and .svg: a diverging stacked bar chart centred on the neutral
    rating, n on each bar, sorted by % effective; suppressed shares are drawn as a hatched block in a
    panel of their own, never dropped.

    Example:  surveykit effectiveness responses/sample/professional_survey.csv --chart-out reports/charts
    """
    _grid_command("effectiveness", file, question, by, sort, chart_out, show_other, include_other, no_suppress,
                  threshold, fmt, inputs, palette, force=force)


@app.command()
@handle_errors
@input_options
def reasons(
    file: Path = FILE_ARG,
    question: Optional[str] = typer.Option(None, "--question", "-q",
                                           help="Any rated grid with a top box (default: the instrument's first grid "
                                                "with role: reasons)."),
    by: Optional[str] = typer.Option(None, "--by", help=BY_HELP),
    sort: str = SORT_OPTION,
    chart_out: Optional[Path] = CHART_OUT,
    force: bool = CHART_FORCE,
    palette: Optional[str] = PALETTE,
    show_other: bool = SHOW_OTHER,
    include_other: bool = INCLUDE_OTHER,
    no_suppress: bool = NO_SUPPRESS,
    threshold: int = THRESHOLD,
    fmt: OutputFormat = FORMAT_OPTION,
    inputs: InputOptions = NO_INPUT_OPTIONS,
) -> None:
    """A grid of reasons ranked by the share of respondents seeing each one often (its top box).

    Example:  surveykit reasons export.csv --question barriers --instrument my_survey.yaml
    """
    _grid_command("reasons", file, question, by, sort, chart_out, show_other, include_other, no_suppress,
                  threshold, fmt, inputs, palette, force=force)


@app.command()
@handle_errors
@input_options
def compare(
    file: Path = FILE_ARG,
    by: Optional[str] = typer.Option(None, "--by", help=BY_HELP),
    question: Optional[List[str]] = typer.Option(None, "--question", "-q", help="Question or item id (repeatable; default: every closed question)."),
    groups: Optional[str] = typer.Option(None, "--groups", help="Comma-separated groups to compare (default: all)."),
    alpha: float = typer.Option(0.05, "--alpha", help="Significance level, strictly between 0 and 1."),
    padjust: str = typer.Option("holm", "--padjust", help="holm, fdr_bh, bonf or none (one family: the whole run)."),
    min_group_size: int = typer.Option(10, "--min-group-size", help="Groups with fewer valid answers on an item are left out."),
    pairwise: bool = typer.Option(True, "--pairwise/--no-pairwise", help="Pairwise Mann-Whitney tests after Kruskal-Wallis."),
    seed: int = typer.Option(20160101, "--seed", help="Seed of the Monte Carlo p-values."),
    threshold: int = THRESHOLD,
    no_suppress: bool = NO_SUPPRESS,
    fmt: OutputFormat = FORMAT_OPTION,
    inputs: InputOptions = NO_INPUT_OPTIONS,
) -> None:
    """Compare groups with significance tests, corrected for multiple comparisons.

    Ordinal items: Mann-Whitney U (two groups) or Kruskal-Wallis + pairwise Mann-Whitney U;
    nominal items: chi-square, Fisher's exact or Monte Carlo. CSV columns: question_id, item_id,
    test, groups, n, statistic, dof, p_value, p_adjusted, effect_size, effect_measure,
    significant, note. A test hides ("[c]") what the item's tables by the same grouping hide: its n
    when one of its groups' bases is hidden, its statistic, p-values and verdict when any count of its
    groups is (--no-suppress: internal use).

    Example:  surveykit compare export.csv --by sector --question measures --groups police,ngo
    """
    from surveykit.api import _by
    from surveykit.compare import compare as run_compare
    from surveykit.lean_scipy import import_scipy_stats
    from surveykit.stats import PADJUST_METHODS
    from surveykit.validation import check_alpha, check_choice, check_threshold

    check_alpha(alpha, parameter="--alpha")
    check_choice(padjust, PADJUST_METHODS, parameter="--padjust")
    responses = inputs.load(file)
    threshold = check_threshold(threshold, parameter="--threshold")
    import_scipy_stats(lean=True)  # this process only computes: scipy.stats without its docstring rewriting
    result = run_compare(responses, by=_by(responses, by, required=True), questions=question, groups=groups,
                         alpha=alpha, padjust=padjust, min_group_size=min_group_size, pairwise=pairwise, seed=seed,
                         suppress=not no_suppress, threshold=threshold)
    if fmt is OutputFormat.table:
        shown = result.table.drop(columns=["question_id"])
        emit(_round(shown, 3), fmt, footer="\n".join(result.notes))
    else:
        emit(result.table, fmt, meta={"by": result.by, "groups": list(result.groups), "alpha": result.alpha,
                                      "padjust": result.padjust, "scope": result.scope, "notes": list(result.notes)})


@app.command()
@handle_errors
@input_options
def banner(
    file: Path = FILE_ARG,
    question: str = typer.Option(..., "--question", "-q", help="The question (a grid's items become the rows)."),
    by: Optional[str] = typer.Option(None, "--by", help=BY_HELP),
    groups: Optional[str] = typer.Option(None, "--groups", help="Comma-separated groups to show (default: all)."),
    alpha: float = typer.Option(0.05, "--alpha", help="Significance level of the upper-case letters, strictly between 0 and 1."),
    second_alpha: Optional[float] = typer.Option(None, "--second-alpha",
                                                 help="A second, larger level for lower-case letters (e.g. 0.10)."),
    padjust: str = typer.Option("holm", "--padjust", help="holm, fdr_bh, bonf or none (family: each statistic of this table)."),
    min_group_size: int = typer.Option(10, "--min-group-size", help="Columns with fewer valid answers on a row are shown but not tested."),
    means: bool = typer.Option(True, "--means/--no-means", help="A row of means (Welch t-test letters) under each share."),
    width: Optional[int] = typer.Option(None, "--width", help="Table width in characters (default: the terminal's)."),
    no_suppress: bool = NO_SUPPRESS,
    threshold: int = THRESHOLD,
    fmt: OutputFormat = FORMAT_OPTION,
    inputs: InputOptions = NO_INPUT_OPTIONS,
) -> None:
    """Banner table: items as rows, groups as lettered columns, top-box % and mean with significance letters.

    A number carries the letter of every column it is significantly higher than (column-proportion
    z-tests for shares, Welch t-tests for means, corrected across the table); lower-case letters at
    --second-alpha. Small groups are shown and marked not tested. The table fits the terminal width
    (wide banners are split into panels). CSV/JSON give the long form: item_id, item_label, group,
    letter, tested, n, count, pct, higher_than, mean, mean_higher_than.

    Example:  surveykit banner export.csv --question measures --by sector --second-alpha 0.1
    """
    import shutil
    import textwrap

    from surveykit import api
    from surveykit.banner import column_labels
    from surveykit.cli.banner_view import render_banner
    from surveykit.cli.common import echo
    from surveykit.errors import UsageError
    from surveykit.validation import check_alpha, check_threshold

    check_alpha(alpha, parameter="--alpha")
    threshold = check_threshold(threshold, parameter="--threshold")
    if width is not None and width < 40:
        raise UsageError(f"--width must be at least 40 characters; got {width!r}")
    responses = inputs.load(file)
    by = api._by(responses, by, required=True)
    result = api.banner(responses, question=question, by=by, alpha=alpha, second_alpha=second_alpha, padjust=padjust,
                        min_group_size=min_group_size, groups=groups, means=means, suppress=not no_suppress,
                        threshold=threshold)
    if fmt is OutputFormat.table:
        labels = column_labels(responses, by)
        footer = result.people_footnote(group_labels=labels)
        if no_suppress:
            footer += " " + _suppression_note(False, threshold)
        cols = width or shutil.get_terminal_size((100, 24)).columns
        echo(render_banner(result, width=cols, group_labels=labels,
                           title=f"{result.question_id}: {result.top_box_label} by {by}"))
        echo(textwrap.fill(footer, width=max(cols, 40)))
    else:
        emit(result.table, fmt, meta={"question_id": result.question_id, "by": by, "letters": dict(result.letters),
                                      "footer": result.footer, "notes": list(result.notes),
                                      "suppressed": not no_suppress, "threshold": threshold,
                                      "second_alpha": second_alpha})
