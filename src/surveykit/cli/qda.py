"""QDA interchange, agreement, model training and review commands (on the coding groups).

``codebook export`` / ``codebook import`` (REFI-QDA), ``code train`` / ``code review`` and the
top-level ``agree``. Heavy libraries are imported inside the functions.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from surveykit.cli.app import app
from surveykit.cli.coding import code_app, codebook_app
from surveykit.cli.common import FORMAT_OPTION, OutputFormat, emit, handle_errors, message
from surveykit.errors import UsageError, invalid_choice

CODEBOOK_OPTION = typer.Option(None, "--codebook", help="Coding codebook YAML (default: codebooks/missing_reasons.yaml).")


# -- agree ----------------------------------------------------------------------------------------

@app.command()
@handle_errors
def agree(
    files: List[Path] = typer.Argument(..., help="Two or more coded files (one per coder)."),
    fmt: OutputFormat = FORMAT_OPTION,
    disagreements: Optional[Path] = typer.Option(None, "--disagreements",
                                                 help="Write the (answer, code) disagreements here for adjudication."),
    codebook: Optional[Path] = typer.Option(None, "--codebook",
                                            help="Check every code against this codebook and report its codes in order."),
    survey: Optional[Path] = typer.Option(None, "--survey", help="Check every respondent id against this survey export."),
    question: Optional[str] = typer.Option(None, "--question",
                                           help="Only this question (long files); the question id for wide files."),
    uncoded: str = typer.Option("none", "--uncoded",
                                help="An answer with no code is 'none' (coded with nothing) or 'missing' (not coded yet)."),
) -> None:
    """Agreement between coders: per code, percent agreement, Cohen's kappa and Krippendorff's alpha.

    Coded files are CSV/XLSX with respondent_id, question_id, code_id, coder (one row per answer and
    code; an answer coded with nothing has one row with an empty code_id), or the wide layout
    (ResponseId, question text, Code 1..Code N). Alpha >= 0.800 is flagged reliable, >= 0.667 tentative.

    Example:  surveykit agree coder_a.csv coder_b.csv --disagreements to_adjudicate.csv
    """
    from surveykit.coding.agreement import agreement, coder_labels
    from surveykit.io.coded import read_coded, write_frame_csv

    if len(files) < 2:
        raise UsageError(f"agree needs at least two coded files; got {len(files)}")
    coded = [read_coded(f, question=question, uncoded=uncoded) for f in files]
    for c in coded:
        for note in c.notes:
            message(note)
    labels = coder_labels([c.coder for c in coded], [Path(c.path).stem for c in coded])
    codes = None
    if codebook is not None:
        from surveykit.coding.codebook import load_codebook

        cb = load_codebook(codebook)
        codes = list(cb.code_ids)
        for c in coded:
            check_codes(c.frame, codes, path=c.path)
    if survey is not None:
        from surveykit.api import read

        ids = set(read(survey).data["respondent_id"].astype(str))
        for c in coded:
            check_respondents(c.frame, ids, path=c.path)
    result = agreement([c.frame for c in coded], labels, codes=codes)
    if disagreements is not None:
        write_frame_csv(disagreements, result.disagreements)
        message(f"wrote {len(result.disagreements)} disagreement(s) to {disagreements}")
    ov = result.overall
    footer = (f"{ov['units']} answers seen by 2+ coders ({', '.join(labels)}); pooled alpha "
              f"{ov['pooled_alpha']:.3f} ({ov['pooled_flag']}); exact-set match {ov['exact_set_match']:.1%}. "
              "Flags: reliable >= 0.800, tentative >= 0.667 (Krippendorff).")
    emit(result.per_code, fmt, title="Agreement per code", footer=footer, meta={"overall": ov})


def check_codes(frame, codes: list[str], *, path: str) -> None:
    """Unknown code ids in a coded file -> InputError naming them (ids only, never answers)."""
    import pandas as pd

    from surveykit.errors import InputError

    allowed = set(codes)
    unknown = sorted({str(c) for c in frame["code_id"] if not pd.isna(c) and str(c) not in allowed})
    if unknown:
        shown = ", ".join(repr(u[:40]) for u in unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        raise InputError(f"code_id has {len(unknown)} code(s) not in the codebook: {shown}; "
                         f"allowed: {', '.join(codes[:8])}{' ...' if len(codes) > 8 else ''}", path=path)


def check_respondents(frame, ids: set[str], *, path: str) -> None:
    from surveykit.errors import InputError

    unknown = sorted({str(r) for r in frame["respondent_id"]} - ids)
    if unknown:
        shown = ", ".join(repr(u[:40]) for u in unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        raise InputError(f"respondent_id has {len(unknown)} id(s) not in the survey: {shown}", path=path)


# -- REFI-QDA ---------------------------------------------------------------------------------------

@codebook_app.command("export")
@handle_errors
def codebook_export(
    file: Path = typer.Argument(..., help="Codebook YAML."),
    to: str = typer.Option("qdc", "--to", help="Export format: qdc (REFI-QDA codebook)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Output .qdc file (default: print the XML on stdout)."),
) -> None:
    """Export a codebook as a REFI-QDA .qdc file for NVivo, ATLAS.ti, MAXQDA, QualCoder ...

    Themes become non-codable parent codes with their codes nested under them; definitions go in
    Description; GUIDs are stable (derived from the ids).

    Example:  surveykit codebook export codebooks/missing_reasons.yaml --to qdc --out missing_reasons.qdc
    """
    from surveykit.coding.codebook import load_codebook
    from surveykit.coding.refi import codebook_to_qdc
    from surveykit.io.coded import write_qdc

    if to != "qdc":
        raise invalid_choice("--to", to, ["qdc"])
    cb = load_codebook(file)
    data = codebook_to_qdc(cb)
    if out is None:
        sys.stdout.write(data.decode("utf-8"))
        return
    write_qdc(out, data)
    message(f"wrote {len(cb.themes)} themes and {len(cb.codes)} codes to {out}")


@codebook_app.command("import")
@handle_errors
def codebook_import(
    file: Path = typer.Argument(..., help="A REFI-QDA codebook (.qdc) or project (.qdpx)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Output codebook YAML (default: print it on stdout)."),
) -> None:
    """Import a REFI-QDA codebook (.qdc or .qdpx) as our codebook YAML, with patterns left empty.

    Top-level codes with children become themes; deeper codes become codes of their top-level
    theme (id = path joined by '__', label = names joined by ' > '); top-level codes without
    children go in the theme 'uncategorised'.

    Example:  surveykit codebook import project.qdpx --out codebooks/imported.yaml
    """
    from surveykit.coding.codebook import codebook_to_yaml
    from surveykit.coding.refi import qdc_to_codebook
    from surveykit.errors import CodebookError
    from surveykit.io.coded import read_qda_xml, write_output_text

    cb, summary = qdc_to_codebook(read_qda_xml(file), source=str(file))
    if not cb.codes:
        raise CodebookError("the file holds no codes (no CodeBook element or an empty one); nothing written",
                            path=file)
    text = codebook_to_yaml(cb)
    found = (f"read {summary.refi_codes} codes ({summary.origin or 'unknown origin'}, {summary.max_depth} level(s)); "
             f"{summary.themes} themes and {summary.codes} codes")
    if out is None:
        sys.stdout.write(text)
        message(found)
        return
    write_output_text(out, text)
    message(f"{found} written to {out}")


def load_answers(file: Path, *, question: Optional[str], text_column: Optional[str], id_column: Optional[str]):
    """The answers to code (D1's loaders): a survey export with --question, or any CSV with --text-column."""
    from surveykit import api
    from surveykit.coding.answers import answers_from_responses, answers_from_table

    if text_column:
        return answers_from_table(file, text_column=text_column, id_column=id_column or "respondent_id",
                                  question_id=question)
    if not question:
        inst = api.load_instrument()
        if not inst.coding:
            raise UsageError("--question is required for a survey export (or give --text-column for any CSV)")
        question = inst.coding[0].field
    return answers_from_responses(api.read(file), question=question)


def answers_frame(answers):
    import pandas as pd

    return pd.DataFrame({"respondent_id": list(answers.ids), "text": list(answers.texts)}, dtype=object)


# -- model suggestions -------------------------------------------------------------------------------

TEXT_COLUMN_OPTION = typer.Option(None, "--text-column", help="For a plain CSV: the column holding the answers.")
ID_COLUMN_OPTION = typer.Option(None, "--id-column", help="For a plain CSV: the respondent id column (default respondent_id).")


@code_app.command("train")
@handle_errors
def code_train(
    coded: Path = typer.Argument(..., help="Human-coded file (respondent_id, question_id, code_id, coder)."),
    survey: Path = typer.Option(..., "--survey", help="The survey export (or CSV) holding the answers' texts."),
    question: Optional[str] = typer.Option(None, "--question", help="The free-text field (default: the instrument's first coded field)."),
    out: Path = typer.Option(..., "--out", help="Model folder to write (model.json + metrics.csv)."),
    codebook: Optional[Path] = typer.Option(None, "--codebook", help="Check the codes against this codebook."),
    text_column: Optional[str] = TEXT_COLUMN_OPTION,
    id_column: Optional[str] = ID_COLUMN_OPTION,
    folds: int = typer.Option(5, "--folds", help="Cross-validation folds (KFold, shuffled, fixed seed)."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Train model suggestions (TF-IDF + one-vs-rest logistic regression) on human-coded answers.

    Prints cross-validated precision, recall and F1 per code. The model folder is plain JSON (no
    pickle), and the same data always gives the same files.

    Example:  surveykit code train coded.csv --survey export.csv --question comments --out models/comments
    """
    from surveykit.coding.model import model_files, train
    from surveykit.io.coded import read_coded, write_model_dir

    loaded = load_answers(survey, question=question, text_column=text_column, id_column=id_column)
    answers = answers_frame(loaded)
    qid = loaded.question_id
    coded_file = read_coded(coded, question=question)
    codes = None
    if codebook is not None:
        from surveykit.coding.codebook import load_codebook

        codes = list(load_codebook(codebook).code_ids)
        check_codes(coded_file.frame, codes, path=str(coded))
    model, metrics = train(answers, coded_file.frame, question_id=qid, codes=codes, folds=folds)
    write_model_dir(out, model_files(model, metrics))
    blank = coded_file.frame["respondent_id"].nunique() - model.n_answers
    if blank:
        message(f"{blank} coded answer(s) are blank in {survey.name} and were left out")
    message(f"trained on {model.n_answers} answers: {len(model.codes)} code(s) with a classifier"
            + (f", {len(model.skipped)} with too few examples" if model.skipped else "") + f"; wrote {out}")
    emit(metrics, fmt, title=f"Cross-validated ({min(folds, model.n_answers)}-fold) precision, recall, F1 per code",
         meta={"question_id": qid, "n_answers": model.n_answers})


# -- review -------------------------------------------------------------------------------------------

@code_app.command("review")
@handle_errors
def code_review(
    file: Path = typer.Argument(..., help="A survey export, or any CSV/XLSX with --text-column."),
    coded: Path = typer.Option(..., "--coded", help="The coded file to write (and to resume from)."),
    question: Optional[str] = typer.Option(None, "--question", "-q", help="The free-text field (default: the instrument's first coded field)."),
    codebook: Optional[Path] = CODEBOOK_OPTION,
    suggest: Optional[Path] = typer.Option(None, "--suggest", help="A model folder from 'code train' for model suggestions."),
    accept_above: float = typer.Option(0.9, "--accept-above", help="Model suggestions above this start ticked."),
    coder: str = typer.Option("reviewer", "--coder", help="Your name or initials, written in the coder column."),
    text_column: Optional[str] = TEXT_COLUMN_OPTION,
    id_column: Optional[str] = ID_COLUMN_OPTION,
) -> None:
    """Review codes one answer at a time: accept, add, remove, skip, go back, quit.

    Shows each answer with the rule coder's codes (evidence highlighted) and, with --suggest, the
    model's (with probabilities). Every decision is written to --coded at once (atomically), so
    quitting or Ctrl-C loses nothing; run the same command again to carry on where you stopped.
    Keys: Enter/a accept, +CODE add, -CODE remove, x clear, s skip, b back, l list codes, q quit.

    Example:  surveykit code review export.csv --question comments --coded comments_coded.csv
    """
    from rich.console import Console

    from surveykit.coding.codebook import load_codebook
    from surveykit.coding.review import ReviewSession, build_items, run_review
    from surveykit.coding.model import load_model as read_model
    from surveykit.io.coded import read_coded, write_coded

    if not 0 <= accept_above <= 1:
        raise UsageError(f"--accept-above must be between 0 and 1; got {accept_above}")
    cb = load_codebook(codebook)
    model = read_model(suggest) if suggest is not None else None
    answers = load_answers(file, question=question, text_column=text_column, id_column=id_column)
    existing = None
    if coded.exists():
        existing = read_coded(coded, keep_row_coders=True).frame
        check_codes(existing, list(cb.code_ids), path=str(coded))
    items = build_items(list(answers), cb, question_id=answers.question_id, model=model, accept_above=accept_above)
    if not items:
        raise UsageError(f"no non-blank answers to review for {answers.question_id!r}")
    session = ReviewSession.resume(items, existing, coder=coder)
    console = Console(stderr=True, highlight=False)

    def show(obj) -> None:
        console.print(obj)

    outcome = run_review(session, cb, read_line=console.input, show=show,
                         save=lambda frame: write_coded(coded, frame))
    decided = sum(1 for i in items if i.respondent_id in session.decisions)
    message(f"{decided} of {len(items)} answers decided" + (f"; saved in {coded}" if coded.exists() else "; nothing saved")
            + (" (run the same command to continue)" if outcome == "quit" and decided < len(items) else ""))
