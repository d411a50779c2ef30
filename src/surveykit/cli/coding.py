"""Coding commands: the ``codebook`` and ``code`` groups, ``quotes``.

``surveykit code FILE ...`` runs ``code run``: the group's first word is taken as a subcommand only
when it names one (train, review, ...), otherwise ``run`` is implied.
"""

from __future__ import annotations

import typer
from typer.core import TyperGroup

from surveykit.cli.app import app


class DefaultCommandGroup(TyperGroup):
    """A group that runs ``default_command`` when the first argument is not a subcommand."""

    default_command = "run"

    def parse_args(self, ctx, args):  # type: ignore[override]
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


codebook_app = typer.Typer(help="Check, export and import coding codebooks.\n\n"
                                "Example:  surveykit codebook check codebooks/missing_reasons.yaml",
                           no_args_is_help=True)
code_app = typer.Typer(cls=DefaultCommandGroup,
                       help="Code free-text answers against a codebook (rules, model suggestions, review).\n\n"
                            "Example:  surveykit code export.csv --question comments --codebook my_codes.yaml",
                       no_args_is_help=True)
app.add_typer(codebook_app, name="codebook")
app.add_typer(code_app, name="code")

# Heavy imports stay inside the commands (surveykit --help must not import pandas or nltk).
from enum import Enum  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import List, Optional  # noqa: E402

from surveykit.cli.common import (FORMAT_OPTION, OutputFormat, emit, handle_errors, message, InputOptions, NO_INPUT_OPTIONS,
                                  input_options)
from surveykit.errors import UsageError  # noqa: E402


class CodeEngine(str, Enum):
    local = "local"
    dask = "dask"


class CodeView(str, Enum):
    rows = "rows"
    frequency = "frequency"
    sectors = "sectors"
    tests = "tests"
    cooccurrence = "cooccurrence"
    uncoded = "uncoded"


CODEBOOK_FILE_OPTION = typer.Option(None, "--codebook", help="Coding codebook YAML (default: the codebook the instrument "
                                                              "names for the field under 'coding:').")
QUESTION_OPTION = typer.Option(None, "--question", "-q", help="The free-text field of a survey export (default: the "
                                                              "instrument's first coded field).")
TEXT_COLUMN = typer.Option(None, "--text-column", help="Any CSV/XLSX: the column holding the answers (instead of --question).")
ID_COLUMN = typer.Option("respondent_id", "--id-column", help="With --text-column: the id column.")
SECTOR_COLUMN = typer.Option(None, "--sector-column", help="With --text-column: a column of sectors (for by-sector views and quotes).")


def _answers(file: Path, question, text_column, id_column, sector_column, inputs, codebook):
    """The answers to code and the codebook to code them with (the one given, else the instrument's
    codebook for the field)."""
    from surveykit import api
    from surveykit.coding.answers import answers_from_responses, answers_from_table

    if text_column:
        answers = answers_from_table(file, text_column=text_column, id_column=id_column, sector_column=sector_column,
                                     question_id=question)
        if codebook is not None:
            return answers, api.load_codebook(codebook)
        inst = api.load_instrument(inputs.instrument)
        if not inst.coding or inst.coding[0].path is None:
            raise UsageError("--codebook is required: the instrument names no codebook under 'coding:'")
        return answers, api.load_codebook(inst.coding[0].path)
    if sector_column:
        raise UsageError("--sector-column only applies with --text-column (survey exports have a sector field)")
    if not question:
        inst = api.load_instrument(inputs.instrument)
        if not inst.coding:
            raise UsageError("--question is required: the instrument names no coded field under 'coding:' (or give "
                             "--text-column for any CSV)")
        question = inst.coding[0].field
    responses = inputs.load(file)
    answers = answers_from_responses(responses, question=question)
    return answers, api.codebook_for(responses, question, codebook)


@codebook_app.command("check")
@handle_errors
def codebook_check(
    file: Path = typer.Argument(..., help="Codebook YAML to check."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Check a coding codebook: structure, patterns, and that every example codes as declared.

    Lists every problem found (exit 1 when there are errors; warnings alone exit 0). A file that is
    not a codebook at all exits 2.

    Example:  surveykit codebook check codebooks/missing_reasons.yaml
    """
    from surveykit.coding.check import check_codebook

    report = check_codebook(file)
    cb = report.codebook
    n_codes = len(cb.codes) if cb else 0
    n_themes = len(cb.themes) if cb else 0
    summary = (f"{n_codes} codes in {n_themes} themes; {report.examples_checked} examples and counter-examples "
               f"checked; {len(report.errors)} error(s), {len(report.warnings)} warning(s)")
    frame = report.frame()
    if len(frame) or fmt is not OutputFormat.table:
        emit(frame, fmt, title=f"Problems in {file}", footer=summary,
             meta={"path": str(file), "ok": report.ok, "codes": n_codes, "themes": n_themes,
                   "examples_checked": report.examples_checked})
    message(("codebook OK: " if report.ok else "codebook has problems: ") + summary)
    if not report.ok:
        raise typer.Exit(1)


@code_app.command("run")
@handle_errors
@input_options
def code_run(
    files: List[Path] = typer.Argument(..., help="A survey export, or any CSV/XLSX with --text-column (with --engine "
                                                 "dask: several CSV or Parquet files, or a glob).", metavar="INPUT..."),
    question: Optional[str] = QUESTION_OPTION,
    codebook: Optional[Path] = CODEBOOK_FILE_OPTION,
    text_column: Optional[str] = TEXT_COLUMN,
    id_column: str = ID_COLUMN,
    sector_column: Optional[str] = SECTOR_COLUMN,
    view: CodeView = typer.Option(CodeView.rows, "--view",
                                  help="rows: one row per answer and code with its evidence; frequency: codes and "
                                       "themes (n, % of answers); sectors: % per sector; tests: a test per code "
                                       "across sectors; cooccurrence: pairs of codes; uncoded: answers with no code."),
    out: Optional[Path] = typer.Option(None, "--out", help="Also write the coded rows (CSV) to this file."),
    force: bool = typer.Option(False, "--force", help="Replace --out even if surveykit did not write it, or it was "
                                                      "changed after surveykit wrote it (with --engine dask: write "
                                                      "into a folder surveykit did not create)."),
    suggest: Optional[Path] = typer.Option(None, "--suggest", help="A model folder from 'code train': add model suggestions."),
    accept_above: float = typer.Option(1.0, "--accept-above",
                                       help="With --suggest: suggestions above this probability are accepted on answers the "
                                            "rules left uncoded; the rest go to review."),
    padjust: str = typer.Option("holm", "--padjust", help="p-value adjustment over codes: holm, fdr_bh, bonf, none."),
    redact: bool = typer.Option(True, "--redact/--no-redact",
                                help="Redact personal data from the evidence column 'matched' (default). "
                                     "--no-redact is for internal use only."),
    workers: Optional[int] = typer.Option(None, "--workers", help="Processes coding in parallel, at most one per "
                                                                   "2,000 answers (default: the cores available; with "
                                                                   "--engine dask: 2 local workers)."),
    engine: CodeEngine = typer.Option(CodeEngine.local, "--engine",
                                      help="local: this machine, answers streamed through a pool of workers; dask: a "
                                           "Dask cluster (pip install 'surveykit[dask]'; see docs/scaling.md)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="With --engine dask: the address of a running "
                                                                      "Dask scheduler (default: start a local cluster)."),
    threshold: int = typer.Option(5, "--threshold", help="Summary views: counts below this are suppressed, with "
                                                          "what they can be worked out from (default 5)."),
    no_suppress: bool = typer.Option(False, "--no-suppress",
                                     help="Summary views: show small counts (internal use only, not for publication)."),
    fmt: OutputFormat = FORMAT_OPTION,
    inputs: InputOptions = NO_INPUT_OPTIONS,
) -> None:
    """Code free-text answers with the codebook's rules; every code comes with its evidence.

    Rows: respondent_id, question_id, code_id, start, end, matched, coder ("rules"), via (what the
    codebook's lexicon or typo tolerance read into the evidence, e.g. "HO = home office"). Every
    answer appears: one with no code has a single row with an empty code_id. Blank answers are skipped.
    The uncoded answers are counted (and their ids listed) on stderr; --view uncoded lists them. Counts
    of 1 to --threshold - 1 (answers, answers with a code or without one) are [c] there, and no id is
    listed then.
    Percentages are of answers (respondents with a non-blank answer); the by-sector test per code is
    a chi-square (Fisher / Monte Carlo when expected counts are small), Holm-adjusted over codes.

    Answers are coded by --workers processes and written as they come: memory stays flat however
    many answers there are (rows waiting to be printed are kept in an anonymous temporary file).
    --out is written whole or not at all. With --engine dask, INPUT may be several CSV or Parquet files
    or a glob, and --out names a folder of partitioned output (docs/scaling.md).

    The summary views (frequency, sectors, tests, cooccurrence) hide counts below --threshold, and any
    count, share or test statistic they could be worked out from, as "[c]" (--no-suppress: internal use).

    Example:  surveykit code export.csv --question comments --view frequency
    """
    from surveykit.stats import PADJUST_METHODS
    from surveykit.validation import check_threshold

    protect = None if no_suppress else check_threshold(threshold, parameter="--threshold")

    if padjust not in PADJUST_METHODS:
        from surveykit.errors import invalid_choice

        raise invalid_choice("--padjust", padjust, PADJUST_METHODS)
    if workers is not None:
        from surveykit.validation import check_count

        check_count(workers, parameter="--workers")
    if scheduler is not None and engine is not CodeEngine.dask:
        raise UsageError("--scheduler only applies with --engine dask")
    if engine is CodeEngine.dask:
        from surveykit.cli.code_dask import run_dask

        if suggest is not None:
            raise UsageError("--suggest is not available with --engine dask (use the local engine)")
        if not text_column:
            raise UsageError("--engine dask needs --text-column (it reads CSV or Parquet files of answers)")
        return run_dask(list(files), text_column=text_column, id_column=id_column, sector_column=sector_column,
                        question=question, codebook=codebook, inputs=inputs, view=view, fmt=fmt, out=out,
                        padjust=padjust, redact=redact, workers=workers, scheduler=scheduler, protect=protect,
                        force=force)
    if len(files) != 1:
        raise UsageError(f"give one input file ({len(files)} given); several files or a glob need --engine dask")
    file = files[0]
    if out is not None and _same_file(out, file):
        raise UsageError("--out is the input file; name another file (surveykit never overwrites its input)")
    if out is not None:  # before the work: a file surveykit did not write, or an edited one, is kept
        from surveykit.io.owned_files import check_output_file

        check_output_file(out, force=force)
    if suggest is None and _streamable():
        return _code_streamed(file, question=question, codebook=codebook, text_column=text_column,
                              id_column=id_column, sector_column=sector_column, view=view, out=out, padjust=padjust,
                              redact=redact, fmt=fmt, inputs=inputs, workers=workers, protect=protect, force=force)
    _code_in_memory(file, question=question, codebook=codebook, text_column=text_column, id_column=id_column,
                    sector_column=sector_column, view=view, out=out, suggest=suggest, accept_above=accept_above,
                    padjust=padjust, redact=redact, fmt=fmt, inputs=inputs, protect=protect, force=force)


def _streamable() -> bool:
    """Whether ``code`` streams (always; the in-memory path is kept for --suggest, whose model reads
    every answer at once, and for tests that compare the two)."""
    return True


def _same_file(a: Path, b: Path) -> bool:
    import os

    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def _code_streamed(file, *, question, codebook, text_column, id_column, sector_column, view, out, padjust, redact,
                   fmt, inputs, workers, protect, force=False) -> None:
    """The streamed command (cli/code_stream.py): a CSV with --text-column is read a block at a time."""
    from surveykit.cli.code_stream import run_streamed, table_codebook
    from surveykit.io.stream_table import NotStreamable

    common = dict(view=view, fmt=fmt, out=out, padjust=padjust, redact=redact, workers=workers, protect=protect,
                  force=force)
    if text_column:
        from surveykit.coding.answers import answers_from_table
        from surveykit.coding.stream_answers import TableAnswers
        from surveykit.io.files import check_input

        path = check_input(file)  # a missing file is named before the codebook, as when the file is read first
        try:
            size = path.stat().st_size
        except OSError:
            size = None  # gone since: the reader names what is wrong
        cb = table_codebook(codebook, inputs)
        source = TableAnswers(file, text_column=text_column, id_column=id_column, sector_column=sector_column,
                              question_id=question)
        try:
            return run_streamed(answers=source, codebook=cb, question_id=source.question_id,
                                groups=sector_column is not None, sector_order=(), input_bytes=size, **common)
        except NotStreamable:
            pass  # not plain UTF-8 CSV (XLSX, another encoding ...): read whole, then code as a stream
        answers = answers_from_table(file, text_column=text_column, id_column=id_column, sector_column=sector_column,
                                     question_id=question)
    else:
        answers, cb = _answers(file, question, text_column, id_column, sector_column, inputs, codebook)
    sectors = answers.sectors
    items = ((rid, text, sectors.get(rid) if sectors is not None else None) for rid, text in answers)
    run_streamed(answers=items, codebook=cb, question_id=answers.question_id, groups=sectors is not None,
                 sector_order=answers.sector_order, **common)


def _code_in_memory(file, *, question, codebook, text_column, id_column, sector_column, view, out, suggest,
                    accept_above, padjust, redact, fmt, inputs, protect=5, force=False) -> None:
    """The command as it was before streaming: every answer and coded row in memory (used with --suggest)."""
    import pandas as pd

    from surveykit.coding.rules import code_answers
    from surveykit.coding.summary import summarise
    from surveykit.io.cells import frame_csv
    from surveykit.io.owned_files import write_owned_text

    model = None
    if suggest is not None:
        from surveykit.coding.model import TextModel
        from surveykit.io.model_files import read_model_file

        model = TextModel.from_json(read_model_file(suggest, "model.json"), source=str(suggest))
    answers, cb = _answers(file, question, text_column, id_column, sector_column, inputs, codebook)
    coded = code_answers(answers, cb, question_id=answers.question_id)
    if redact:
        from surveykit.coding.redact import redact_evidence

        coded = redact_evidence(coded, codebook=cb)
        # A forgiven typo's note repeats the answer's word ("placment ~ placement"): redacted too.
        coded = redact_evidence(coded, codebook=cb, column="via")
    if model is not None:
        from surveykit.coding.model import suggest as model_suggest

        frame = pd.DataFrame({"respondent_id": list(answers.ids), "text": list(answers.texts)}, dtype=object)
        # Accepted only on answers the rules left uncoded, as code evaluate and review count them.
        rule_coded = coded.loc[coded["code_id"].astype(str) != "", "respondent_id"].astype(str).unique()
        sugg = model_suggest(model, frame, question_id=answers.question_id, accept_above=accept_above,
                             rule_coded=rule_coded)
        coded = _merge_suggestions(coded, sugg)
    summary = summarise(coded[coded["coder"] == "rules"], cb, sectors=answers.sectors,
                        sector_order=answers.sector_order, padjust=padjust)
    if protect is not None:
        from surveykit.coding.published import protect_summary

        summary = protect_summary(summary, threshold=protect)
    if out is not None:
        write_owned_text(out, frame_csv(coded), force=force)
        message(f"wrote {len(coded)} coded rows to {out}")
    from surveykit.coding.published import published_answers, published_coded_counts

    n_answers, n_blank = published_answers(summary.n_answers, answers.n_blank, protect)
    n_coded, n_uncoded, ids = published_coded_counts(summary.n_coded, summary.uncoded_ids, protect)
    message(f"{answers.question_id}: {n_answers} answers ({n_blank} blank skipped); "
            f"{n_coded} with at least one code, {n_uncoded} uncoded" + (f" ({ids})" if ids else ""))
    meta = {"question_id": answers.question_id, "codebook": cb.id, "codebook_version": cb.version,
            "n_answers": n_answers, "n_coded": n_coded, "n_uncoded": n_uncoded}
    if view is CodeView.rows:
        emit(coded, fmt, title=f"Codes for {answers.question_id}", meta=meta)
    elif view is CodeView.frequency:
        emit(summary.frequency, fmt, title=f"Codes and themes in {answers.question_id} (% of {n_answers} answers)",
             meta=meta)
    elif view in (CodeView.sectors, CodeView.tests):
        if answers.sectors is None:
            raise UsageError(f"--view {view.value} needs sectors: use a survey export, or --sector-column")
        if view is CodeView.sectors:
            emit(summary.sectors, fmt, title=f"Codes by sector in {answers.question_id} (% of answers in the sector)",
                 meta=meta)
        else:
            emit(summary.tests, fmt, title=f"Codes across sectors: one test per code ({padjust}-adjusted)",
                 footer="Cramér's V as effect size; sectors with no answers are left out; unknown sector excluded.",
                 meta=meta)
    elif view is CodeView.cooccurrence:
        emit(summary.cooccurrence, fmt, title=f"Codes found together in {answers.question_id}", meta=meta)
    else:
        frame = pd.DataFrame({"respondent_id": list(summary.uncoded_ids)}, dtype="string")
        if answers.sectors is not None:
            frame["sector"] = [answers.sectors.get(r) for r in summary.uncoded_ids]
        emit(frame, fmt, title=f"Uncoded answers in {answers.question_id}", meta=meta)


def _merge_suggestions(coded, sugg):
    """Rules rows plus model suggestions (probability, accepted); rows grouped by respondent."""
    import pandas as pd

    rules = coded.copy()
    rules["probability"] = float("nan")
    # A rule code is accepted as found; an answer's "no code" row has nothing to accept.
    rules["accepted"] = pd.array([pd.NA if c == "" else True for c in rules["code_id"]], dtype="boolean")
    if not len(sugg):
        return rules
    sugg = sugg.copy()
    for col in ("start", "end"):
        sugg[col] = pd.NA
    sugg["matched"] = ""
    sugg["via"] = ""
    both = pd.concat([rules, sugg[list(rules.columns)]], ignore_index=True)
    order = {rid: i for i, rid in enumerate(dict.fromkeys(rules["respondent_id"]))}
    both["_o"] = both["respondent_id"].map(order)
    both = both.sort_values(["_o"], kind="stable").drop(columns="_o").reset_index(drop=True)
    return both


def _rule_codes_of(answers, cb) -> dict[str, frozenset[str]]:
    """The rules' codes of each answer with text (respondent id -> code ids): coded in the worker pool,
    as ``code`` does, when the answers fill more than one chunk and their ids are distinct; else here."""
    from surveykit.coding.rules import RuleCoder
    from surveykit.coding.stream import DEFAULT_CHUNK, code_ids_by_answer, code_stream

    items = [(rid, t, None) for rid, t in answers if t]
    if len(items) <= DEFAULT_CHUNK or len(set(answers.ids)) != len(answers.ids):
        coder = RuleCoder(cb)
        return {rid: frozenset(coder.code_ids_of(t)) for rid, t, _ in items}
    codes_of: dict[str, frozenset[str]] = {}
    for chunk in code_stream(items, codebook=cb, question_id=answers.question_id, redact=False, csv_rows=False,
                             render=code_ids_by_answer):
        codes_of.update((rid, frozenset(codes)) for rid, codes in chunk.rendered)
    return codes_of


@app.command()
@handle_errors
@input_options
def quotes(
    file: Path = typer.Argument(..., help="A survey export, or any CSV/XLSX with --text-column."),
    code: str = typer.Option(..., "--code", "-c", help="The code to quote, e.g. not_identified."),
    question: Optional[str] = QUESTION_OPTION,
    per_sector: int = typer.Option(2, "--per-sector", help="How many quotes from each sector."),
    codebook: Optional[Path] = CODEBOOK_FILE_OPTION,
    coded: Optional[Path] = typer.Option(None, "--coded", help="Take the codes from this coded file (e.g. human coding) instead of the rules."),
    redact: bool = typer.Option(True, "--redact/--no-redact", help="Redact personal data (default). --no-redact is for internal use only."),
    denylist: Optional[Path] = typer.Option(None, "--denylist", help="Extra names and places always redacted, one per line (default: codebooks/redact_denylist.txt)."),
    text_column: Optional[str] = TEXT_COLUMN,
    id_column: str = ID_COLUMN,
    sector_column: Optional[str] = SECTOR_COLUMN,
    threshold: int = typer.Option(5, "--threshold", help="Counts below this are suppressed: the number of quotes "
                                                         "and of answers with the code do not give them away."),
    no_suppress: bool = typer.Option(False, "--no-suppress", help="INTERNAL USE ONLY: as many quotes as asked for "
                                                                  "from every sector, and the exact count."),
    fmt: OutputFormat = FORMAT_OPTION,
    inputs: InputOptions = NO_INPUT_OPTIONS,
) -> None:
    """Exemplar answers for a code, a few from each sector, with personal data redacted.

    Redacted by default: names of people and places, street addresses, postcodes, e-mail
    addresses (also "name at mail dot com"), URLs, social handles, UK and international phone
    numbers, NI and NHS numbers, reference numbers, identifying dates and ages, plus everything in
    the deny-list; the codebook's own words are kept. The same inputs always give the same quotes.
    Counts are protected by default: a sector with fewer than --threshold answers with the code gives
    one quote, none gives more than --threshold - 1, and a small count of answers is shown as [c].

    Example:  surveykit quotes export.csv --question comments --code cost --per-sector 1
    """
    from surveykit.validation import check_threshold

    from surveykit.coding.quotes import select_quotes
    from surveykit.coding.redact import load_denylist
    from surveykit.coding.summary import code_sets

    if per_sector < 1:
        raise UsageError(f"--per-sector must be at least 1; got {per_sector}")
    threshold = check_threshold(threshold, parameter="--threshold")
    deny = load_denylist(denylist) if redact else ()
    answers, cb = _answers(file, question, text_column, id_column, sector_column, inputs, codebook)
    cb.code(code)  # unknown code -> one clear error listing the codes
    if coded is not None:
        from surveykit.io.coded import read_coded

        found = read_coded(coded, question=None if text_column else answers.question_id)
        for note in found.notes:
            message(note)
        codes_of = code_sets(found.frame)
    else:
        codes_of = _rule_codes_of(answers, cb)
    result = select_quotes(answers, codes_of, code, per_sector=per_sector, redact=redact, denylist=deny,
                           codebook=cb, suppress=not no_suppress, threshold=threshold)
    if not no_suppress and per_sector > 1 and threshold > 1:
        # Said whatever the counts are: said only where a sector was cut short, it would tell that one was.
        message(f"a sector with fewer than {threshold} answers coded {code} gives one quote, and none gives more than "
                f"{threshold - 1}, so that the number of quotes does not give a suppressed count away "
                "(--no-suppress: internal use)")
    if redact:
        kinds = ", ".join(f"{k} {v}" for k, v in result.redactions.items())
        message(f"{len(result.frame)} quote(s) of {result.n_with_code} answers coded {code}; "
                f"{result.n_redactions} redaction(s)" + (f" ({kinds})" if kinds else ""))
    else:
        message(f"{len(result.frame)} quote(s) of {result.n_with_code} answers coded {code}; NOT REDACTED "
                "(internal use only)")
    emit(result.frame, fmt, title=f"Quotes for {code} ({cb.code(code).label})",
         meta={"code_id": code, "redacted": redact, "n_redactions": result.n_redactions,
               "n_with_code": result.n_with_code})
