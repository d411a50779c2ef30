"""foi: local authority Freedom of Information returns (validate, summary, change, check, basis, cells, sample)."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from surveykit.cli.app import app
from surveykit.cli.common import (ENCODING_OPTION, FORMAT_OPTION, OutputFormat, echo, emit, handle_errors, message)

foi_app = typer.Typer(
    help=("Local authority FOI returns: check them, summarise them, compare waves, check published claims. "
          "A report of them (HTML, Word, workbook, charts): surveykit report --foi FILE.\n\n"
          "Example:  surveykit foi summary responses/sample/foi_returns.xlsx --table share_missing"),
    no_args_is_help=True, add_completion=False, rich_markup_mode=None,
)
app.add_typer(foi_app, name="foi")

RETURNS_ARG = typer.Argument(..., help="Returns files (CSV or XLSX; a nationality/gender table may be one of them).")
SET_WAVE_OPTION = typer.Option(None, "--set-wave", help="The wave of tables that do not say (no 'wave' column, "
                                                        "no year in the sheet or file name).")
WAVE_OPTION = typer.Option(None, "--wave", "-w", help="Only these waves (repeatable).")
COHORT_OPTION = typer.Option(None, "--cohort", help="Only these cohorts: trafficked, unaccompanied, separated "
                                                    "(repeatable).")
THRESHOLD_OPTION = typer.Option(None, "--threshold", help="Disclosure control: counts of children below this are "
                                                          "suppressed (default 5).")
NO_SUPPRESS_OPTION = typer.Option(False, "--no-suppress", help="INTERNAL USE ONLY: show small counts.")
CONFIDENCE_OPTION = typer.Option(0.95, "--confidence", help="Confidence level of the intervals.")


def _read(files: List[Path], set_wave: Optional[str], encoding: Optional[str]):
    from surveykit.foi import read_returns

    return read_returns(files, wave=set_wave, encoding=encoding)


def _note_inconsistencies(returns) -> None:
    """After the output: the analyses ran, but some returns contradict themselves."""
    from surveykit.foi import consistency_issues

    problems = [i for i in consistency_issues(returns) if i.severity == "inconsistency"]
    if problems:
        message(f"note: {len(problems)} inconsistent return(s) (e.g. more went missing than were in care); "
                "run 'surveykit foi validate' to list them")


def _suppress_args(threshold: Optional[int], no_suppress: bool) -> dict:
    if no_suppress:
        message("--no-suppress: small counts are shown; for internal use only")
    return {"suppress": not no_suppress, "threshold": 5 if threshold is None else threshold}


SUPPRESSED_FOOTER = "[c] = fewer than {t} children, or a number they could be worked out from (suppressed)."


def _footer(frames, sup: dict) -> Optional[str]:
    """The suppression footnote, when some table shows a suppressed cell."""
    from surveykit.disclosure import MARKER

    shown = any(bool((f.astype(object) == MARKER).to_numpy().any()) for f in frames if len(f))
    return SUPPRESSED_FOOTER.format(t=sup["threshold"]) if sup["suppress"] and shown else None


@foi_app.command("validate")
@handle_errors
def validate_cmd(
    files: List[Path] = RETURNS_ARG,
    fmt: OutputFormat = FORMAT_OPTION,
    set_wave: Optional[str] = SET_WAVE_OPTION,
    encoding: Optional[str] = ENCODING_OPTION,
    show_raw: bool = typer.Option(False, "--show-raw", help="Add a 'raw' column with each problem cell as written "
                                                            "(it may hold an authority's free text)."),
) -> None:
    """List every cell that could not be read and every inconsistency, by authority and column.

    Exit code 0 when clean (warnings only), 1 when problems were found, 2 when a file is unusable.

    Example:  surveykit foi validate responses/sample/foi_returns.xlsx --format csv
    """
    from surveykit.foi import validate_returns

    result = validate_returns(files, wave=set_wave, encoding=encoding)
    frame = result.frame(raw=show_raw)
    n_rec = len(result.returns.records)
    waves = ", ".join(result.returns.waves) or "none"
    title = f"{n_rec} returns (waves: {waves}); {result.n_problems} problem(s), {len(frame) - result.n_problems} warning(s)"
    if fmt is OutputFormat.table and not len(frame):
        echo(f"{n_rec} returns (waves: {waves}): no problems found.")
    else:
        emit(frame, fmt, title=title, meta={"files": [str(f) for f in files], "returns": n_rec,
                                            "waves": list(result.returns.waves), "n_problems": result.n_problems})
    if result.n_problems:
        message(f"{result.n_problems} problem(s) found")
        raise typer.Exit(1)


TABLE_HELP = ("Which table: all, figures, coverage, totals, share_missing, episodes, still_missing, durations, "
              "regions, nations, large_authorities, nationality, gender, size_test, change, reference.")


@foi_app.command("summary")
@handle_errors
def summary_cmd(
    files: List[Path] = RETURNS_ARG,
    table: str = typer.Option("all", "--table", "-t", help=TABLE_HELP),
    fmt: OutputFormat = FORMAT_OPTION,
    wave: Optional[List[str]] = WAVE_OPTION,
    cohort: Optional[List[str]] = COHORT_OPTION,
    reference: Optional[str] = typer.Option(None, "--reference", help="A reference rate for the rate ratio table, "
                                                                      "e.g. 6110/99230 or 6%."),
    threshold: Optional[int] = THRESHOLD_OPTION,
    no_suppress: bool = NO_SUPPRESS_OPTION,
    confidence: float = CONFIDENCE_OPTION,
    set_wave: Optional[str] = SET_WAVE_OPTION,
    encoding: Optional[str] = ENCODING_OPTION,
) -> None:
    """Print the chapter-2 tables of the returns, each figure with its basis (the authorities it stands on).

    Example:  surveykit foi summary responses/sample/foi_returns.xlsx --table regions --wave 2016
    """
    from surveykit.errors import UsageError, invalid_choice
    from surveykit.foi.summary import TABLE_NAMES, summary_tables

    names = ("all",) + TABLE_NAMES
    if table not in names:
        raise invalid_choice("--table", table, names)
    if fmt is OutputFormat.csv and table == "all":
        raise UsageError("--format csv prints one table: choose it with --table (e.g. --table figures)")
    if table == "reference" and reference is None:
        raise UsageError("--table reference needs --reference (e.g. --reference 6110/99230)")
    returns = _read(files, set_wave, encoding)
    sup = _suppress_args(threshold, no_suppress)
    # One table asked for: only it is worked out (each is on its own, so it is the table "all" shows).
    tables = summary_tables(returns, names=None if table == "all" else table, confidence=confidence,
                            reference=reference, **sup)
    tables = {k: _filter(v, wave, cohort, returns) for k, v in tables.items()}
    if table != "all" and table not in tables:
        raise UsageError(f"the returns have only one wave: there is no {table!r} table")
    footer = _footer(tables.values(), sup)
    if fmt is OutputFormat.json:
        import json

        from surveykit.cli.common import frame_to_json

        payload = {"files": [str(f) for f in files], "waves": list(returns.waves), "suppress": sup["suppress"],
                   "threshold": sup["threshold"], "tables": {k: json.loads(frame_to_json(v)) for k, v in tables.items()}}
        echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        for i, (name, frame) in enumerate(tables.items()):
            if i:
                echo("")
            emit(frame, fmt, title=f"== {name} ==" if fmt is OutputFormat.table else None,
                 footer=footer if fmt is OutputFormat.table and i == len(tables) - 1 else None)
    _note_inconsistencies(returns)


def _filter(frame, wave, cohort, returns):
    from surveykit.foi.figures import select_cohorts, select_waves

    out = frame
    if wave:
        select_waves(returns, wave)
        if "wave" in out.columns:
            out = out[out["wave"].isin(wave)]
        elif "wave_from" in out.columns:
            out = out[out["wave_from"].isin(wave) | out["wave_to"].isin(wave)]
    if cohort:
        select_cohorts(returns, cohort, allow_all=True)
        if "cohort" in out.columns:
            out = out[out["cohort"].isin(list(cohort) + ["all"])]
    return out.reset_index(drop=True)


@foi_app.command("change")
@handle_errors
def change_cmd(
    files: List[Path] = RETURNS_ARG,
    from_wave: Optional[str] = typer.Option(None, "--from", help="The earlier wave (with --to; default: every pair "
                                                                 "of consecutive waves)."),
    to_wave: Optional[str] = typer.Option(None, "--to", help="The later wave."),
    cohort: Optional[List[str]] = COHORT_OPTION,
    figure: Optional[List[str]] = typer.Option(None, "--figure", help="in_care, went_missing, episodes, "
                                                                      "still_missing, share_missing (repeatable)."),
    basis: Optional[str] = typer.Option(None, "--basis", help="Only both_waves or all_responders (default: both)."),
    fmt: OutputFormat = FORMAT_OPTION,
    threshold: Optional[int] = THRESHOLD_OPTION,
    no_suppress: bool = NO_SUPPRESS_OPTION,
    confidence: float = CONFIDENCE_OPTION,
    set_wave: Optional[str] = SET_WAVE_OPTION,
    encoding: Optional[str] = ENCODING_OPTION,
) -> None:
    """Change between waves over the authorities that answered in both (both_waves) and over all
    responders (all_responders), with a two-proportion test for the share missing.

    Example:  surveykit foi change responses/sample/foi_returns.xlsx --from 2016 --to 2020 --cohort trafficked
    """
    from surveykit.errors import UsageError, invalid_choice
    from surveykit.foi.change import BASES, CHANGE_FIGURES, change

    if (from_wave is None) != (to_wave is None):
        raise UsageError("give both --from and --to, or neither")
    if basis is not None and basis not in BASES:
        raise invalid_choice("--basis", basis, BASES)
    returns = _read(files, set_wave, encoding)
    if len(returns.waves) < 2:
        raise UsageError(f"a change needs two waves; the returns hold {len(returns.waves)}")
    sup = _suppress_args(threshold, no_suppress)
    frame = change(returns, waves=None if from_wave is None else (from_wave, to_wave), cohort=cohort or None,
                   figures=figure or CHANGE_FIGURES, confidence=confidence, **sup)
    if basis is not None:
        frame = frame[frame["basis"] == basis].reset_index(drop=True)
    emit(frame, fmt, title="Change between waves (both_waves: the same authorities in both; all_responders: "
                           "whoever answered each wave)",
         footer=_footer([frame], sup))
    # A change over no common authority is a row of blanks: say why on stderr too, once per reason.
    for reason in dict.fromkeys(label for b, label in zip(frame["basis"], frame["basis_label"])
                                if b == "both_waves" and str(label).startswith("not computable")):
        message(f"both_waves {reason}")
    _note_inconsistencies(returns)


@foi_app.command("check")
@handle_errors
def check_cmd(
    claims: Path = typer.Argument(..., help="The claims YAML file (see docs/foi.md)."),
    files: List[Path] = RETURNS_ARG,
    fmt: OutputFormat = FORMAT_OPTION,
    threshold: Optional[int] = THRESHOLD_OPTION,
    no_suppress: bool = NO_SUPPRESS_OPTION,
    confidence: float = CONFIDENCE_OPTION,
    set_wave: Optional[str] = SET_WAVE_OPTION,
    encoding: Optional[str] = ENCODING_OPTION,
) -> None:
    """Recompute each published claim from the returns: agree, differ or not_computable, with the basis used.

    Exit code 0 when every claim agrees, 1 when one differs or cannot be computed, 2 for unusable input.

    Example:  surveykit foi check responses/sample/foi_claims.yaml responses/sample/foi_returns.xlsx
    """
    from surveykit.foi import check_claims, load_claims

    parsed = load_claims(claims)
    returns = _read(files, set_wave, encoding)
    sup = _suppress_args(threshold, no_suppress)
    frame = check_claims(returns, parsed, confidence=confidence, **sup)
    counts = frame["verdict"].value_counts()
    summary = ", ".join(f"{counts.get(v, 0)} {v}" for v in ("agree", "differ", "not_computable"))
    emit(frame, fmt, title=f"{len(frame)} claim(s): {summary}", meta={"claims": str(claims), "summary": {
        v: int(counts.get(v, 0)) for v in ("agree", "differ", "not_computable")}})
    _note_inconsistencies(returns)
    if counts.get("differ", 0) or counts.get("not_computable", 0):
        message(f"{summary}")
        raise typer.Exit(1)


@foi_app.command("basis")
@handle_errors
def basis_cmd(
    files: List[Path] = RETURNS_ARG,
    figure: str = typer.Option(..., "--figure", help="share_missing, in_care, went_missing, episodes, still_missing, "
                                                     "episodes_per_child, still_missing_share, share_over_a_week, "
                                                     "authorities_provided."),
    wave: str = typer.Option(..., "--wave", "-w", help="The wave."),
    cohort: str = typer.Option(..., "--cohort", help="The cohort."),
    only_in: bool = typer.Option(False, "--in", help="Only the authorities the figure stands on."),
    fmt: OutputFormat = FORMAT_OPTION,
    set_wave: Optional[str] = SET_WAVE_OPTION,
    encoding: Optional[str] = ENCODING_OPTION,
) -> None:
    """List the authorities a figure stands on (in_basis) and the status of their answers.

    Example:  surveykit foi basis responses/sample/foi_returns.xlsx --figure share_missing --wave 2016 --cohort trafficked
    """
    from surveykit.foi.basis import figure_basis

    returns = _read(files, set_wave, encoding)
    frame = figure_basis(returns, figure=figure, wave=wave, cohort=cohort)
    n_in = int(frame["in_basis"].sum())
    if only_in:
        frame = frame[frame["in_basis"]].reset_index(drop=True)
    emit(frame, fmt, title=f"{figure}, {cohort}, {wave}: stands on {n_in} of {returns.asked(wave)} authorities")


@foi_app.command("cells")
@handle_errors
def cells_cmd(
    files: List[Path] = RETURNS_ARG,
    fmt: OutputFormat = typer.Option(OutputFormat.csv, "--format", "-f", help="csv (default) or json for scripts; "
                                                                                "table for people."),
    show_raw: bool = typer.Option(False, "--show-raw", help="Add each cell as written (it may hold free text)."),
    set_wave: Optional[str] = SET_WAVE_OPTION,
    encoding: Optional[str] = ENCODING_OPTION,
) -> None:
    """Every count cell as read: value, status (reported, approximate, range, suppressed, not_held,
    refused_s12, blank), bounds, and where it came from. The per-authority values are NOT suppressed:
    for checking the reading, not for publication.

    Example:  surveykit foi cells responses/sample/foi_returns.xlsx > cells.csv
    """
    returns = _read(files, set_wave, encoding)
    frame = returns.cells_frame(raw=show_raw)
    message("per-authority counts, not suppressed: do not publish this table")
    emit(frame, fmt)


@foi_app.command("sample")
@handle_errors
def sample_cmd(
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write the FOI sample files into."),
    seed: int = typer.Option(2016, "--seed", help="Random seed; the same seed gives byte-identical files."),
    force: bool = typer.Option(False, "--force", help="Replace files of the same names in --out even if surveykit did "
                                                      "not write them, or they were changed since."),
) -> None:
    """Write the synthetic FOI returns (217 made-up authorities, waves 2016-2024) and a claims file.

    Example:  surveykit foi sample --out /tmp/foi
    """
    from surveykit.sample.foi import write_foi_sample

    for p in write_foi_sample(out, seed=seed, force=force):
        message(f"wrote {p}")
