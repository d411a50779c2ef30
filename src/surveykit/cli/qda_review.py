"""The model and review commands on the ``code`` group: ``code train`` and ``code review``.

Heavy libraries (pandas, scikit-learn, rich) are imported inside the functions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from surveykit.cli.coding import code_app
from surveykit.cli.common import (FORMAT_OPTION, NO_INPUT_OPTIONS, InputOptions, OutputFormat, emit, handle_errors,
                                  input_options, message)
from surveykit.cli.qda_common import answers_frame, check_codes, default_question, load_answers, profile_values
from surveykit.errors import UsageError

TEXT_COLUMN_OPTION = typer.Option(None, "--text-column", help="For a plain CSV: the column holding the answers.")
ID_COLUMN_OPTION = typer.Option(None, "--id-column", help="For a plain CSV: the respondent id column (default respondent_id).")
CODEBOOK_OPTION = typer.Option(None, "--codebook", help="Coding codebook YAML (default: the shipped missing_reasons).")


# -- model suggestions -------------------------------------------------------------------------------

@code_app.command("train")
@handle_errors
@input_options
def code_train(
    coded: Path = typer.Argument(..., help="Human-coded file (respondent_id, question_id, code_id, coder), e.g. the one "
                                           "'code review' writes, or a gold set (id, text, codes)."),
    out: Path = typer.Option(..., "--out", help="Model folder to write (model.json + metrics.csv)."),
    force: bool = typer.Option(False, "--force", help="Replace the --out model folder even if surveykit did not "
                                                      "write it, or it was changed since (files that are not "
                                                      "surveykit's are kept)."),
    survey: Optional[Path] = typer.Option(None, "--survey", help="The survey export (or CSV) holding the answers' texts "
                                                                  "(not needed for a gold set, which holds them)."),
    question: Optional[str] = typer.Option(None, "--question", help="The free-text field (default: the instrument's "
                                                                   "first coded field)."),
    codebook: Optional[Path] = typer.Option(None, "--codebook", help="Check the codes against this codebook, and learn "
                                                                  "from its examples too (see --examples)."),
    examples: bool = typer.Option(True, "--examples/--no-examples",
                                  help="With --codebook: add each code's worked examples, include notes and definition "
                                       "to the training answers (never scored in the cross-validation)."),
    text_column: Optional[str] = TEXT_COLUMN_OPTION,
    id_column: Optional[str] = ID_COLUMN_OPTION,
    first: Optional[int] = typer.Option(None, "--first", help="Train on the first N coded answers only (file order)."),
    folds: int = typer.Option(5, "--folds", help="Cross-validation folds (KFold, shuffled, fixed seed)."),
    workers: Optional[int] = typer.Option(None, "--workers", help="Processes fitting the cross-validation folds "
                                                                   "(default: the cores available; the files are the "
                                                                   "same for any number)."),
    fmt: OutputFormat = FORMAT_OPTION,
    inputs: InputOptions = NO_INPUT_OPTIONS,
) -> None:
    """Train model suggestions on your own coding: word and character n-grams, calibrated probabilities.

    One logistic regression per code with Platt-scaled (calibrated) probabilities; prints
    cross-validated precision, recall and F1 per code. The model folder is plain JSON (no pickle),
    and the same data always gives the same files. A code needs at least 3 answers with it and 3
    without. See docs/coding-model.md.

    Example:  surveykit code train coded.csv --survey export.csv --question comments --codebook codebook.yaml --out models/comments
    """
    from surveykit.coding.model import model_files
    from surveykit.coding.training import human_coding, train
    from surveykit.io.coded import is_gold_file, read_coded, read_gold
    from surveykit.io.model_files import check_model_dir, write_model_dir

    check_model_dir(out, force=force)  # refused before any training, not after
    if is_gold_file(coded):
        if survey is not None:
            raise UsageError("a gold set holds its answers' texts: leave out --survey")
        qid = question or default_question()
        answers, frame = read_gold(coded, question_id=qid)
        source = coded.name
    else:
        if survey is None:
            raise UsageError("--survey is required: the coded file has no answer texts (a gold set with id, text, "
                             "codes columns needs none)")
        loaded = load_answers(survey, question=question, text_column=text_column, id_column=id_column, inputs=inputs)
        answers, qid, source = answers_frame(loaded), loaded.question_id, survey.name
        # Each row's own coder: the rule coder's and the model's rows are left out (human_coding).
        frame = read_coded(coded, question=question, keep_row_coders=True).frame
    frame, machine_only = human_coding(frame)
    if machine_only:
        message(f"{machine_only} answer(s) coded only by surveykit's rules or model were left out (suggestions are "
                "not coding: review them to train on them)")
    codes = None
    extra: list[tuple[str, str]] = []
    if codebook is not None:
        from surveykit.coding.codebook import load_codebook
        from surveykit.coding.model import codebook_examples

        cb = load_codebook(codebook)
        codes = list(cb.code_ids)
        check_codes(frame, codes, path=str(coded))
        if examples:
            extra = codebook_examples(cb)
    model, metrics = train(answers, frame, question_id=qid, codes=codes, folds=folds, first=first, examples=extra,
                           workers=workers)
    write_model_dir(out, model_files(model, metrics), force=force)
    blank = frame["respondent_id"].nunique() - model.n_answers
    if blank and first is None:
        message(f"{blank} coded answer(s) are blank in {source} and were left out")
    message(f"trained on {model.n_answers} answers: {len(model.codes)} code(s) with a classifier"
            + (f", {len(model.skipped)} with too few examples" if model.skipped else "")
            + (f"; {model.n_examples} codebook example(s) added" if model.n_examples else "") + f"; wrote {out}")
    emit(metrics, fmt, title=f"Cross-validated ({min(folds, model.n_answers)}-fold) precision, recall, F1 per code",
         meta={"question_id": qid, "n_answers": model.n_answers})


# -- review -------------------------------------------------------------------------------------------

def survey_context(responses, *, extra: list[str], redact: bool) -> dict[str, list[tuple[str, str]]]:
    """Context beside each answer of a survey export: the profile fields (sector, role ...), then
    the other free-text answers asked for (redacted unless redact is False)."""
    import pandas as pd

    from surveykit.coding.answers import check_text_question
    from surveykit.coding.redact import load_denylist, redact as redact_text

    columns = [check_text_question(responses.instrument, c) for c in extra]
    deny = load_denylist() if redact else ()
    out = profile_values(responses, redact=redact, deny=deny)
    for row in responses.data[["respondent_id", *columns]].to_dict("records"):
        ctx = out.setdefault(str(row["respondent_id"]), [])
        for col in columns:
            value = row.get(col)
            if value is None or (not isinstance(value, str) and pd.isna(value)) or not str(value).strip():
                continue
            ctx.append((col, redact_text(str(value), denylist=deny)[0] if redact else str(value)))
    return out


def table_context(file: Path, *, id_column: str, extra: list[str], redact: bool) -> dict[str, list[tuple[str, str]]]:
    from surveykit.coding.redact import load_denylist, redact as redact_text
    from surveykit.io.coded import read_columns

    deny = load_denylist() if redact else ()
    table = read_columns(file, id_column=id_column, columns=extra)
    return {rid: [(c, redact_text(v, denylist=deny)[0] if redact else v) for c, v in values.items() if v.strip()]
            for rid, values in table.items()}


@code_app.command("review")
@handle_errors
@input_options
def code_review(
    file: Path = typer.Argument(..., help="A survey export, or any CSV/XLSX with --text-column."),
    coded: Path = typer.Option(..., "--coded", help="The coded file to write (and to resume from)."),
    question: Optional[str] = typer.Option(None, "--question", "-q", help="The free-text field (default: the "
                                                                         "instrument's first coded field)."),
    codebook: Optional[Path] = CODEBOOK_OPTION,
    suggest: Optional[Path] = typer.Option(None, "--suggest", help="A model folder from 'code train' for model suggestions."),
    accept_above: float = typer.Option(0.9, "--accept-above", help="Model suggestions above this start ticked (on answers the rules left uncoded)."),
    coder: str = typer.Option("reviewer", "--coder", help="Your name or initials, written in the coder column."),
    context: Optional[str] = typer.Option(None, "--context",
                                          help="Other answers to show beside each answer, comma-separated: free-text "
                                               "fields of a survey export or columns of a CSV."),
    redact: bool = typer.Option(True, "--redact/--no-redact",
                                help="Redact personal data in the context shown (default). The answer under review is "
                                     "shown as written, since its spans refer to it."),
    order: str = typer.Option("file", "--order", help="file: in the file's order; uncertainty: the answers the model is "
                                                      "least sure of first (active learning)."),
    retrain_every: int = typer.Option(20, "--retrain-every", help="Retrain the model on your decisions every N "
                                                                  "decisions (0: never)."),
    text_column: Optional[str] = TEXT_COLUMN_OPTION,
    id_column: Optional[str] = ID_COLUMN_OPTION,
    inputs: InputOptions = NO_INPUT_OPTIONS,
) -> None:
    """Review codes one answer at a time: accept, add (to the whole answer or to words N-M), remove, memo.

    Shows each answer with its context (sector, role; --context adds the respondent's other
    answers, redacted by default), the rule coder's codes (each in its own colour and letter, e.g.
    «owe a debt»A, so it reads without colour too) and, with a model, the model's (with
    probabilities). Every decision and memo is appended to NAME.journal.jsonl and written to
    --coded at once (with coder, time and span), so quitting, Ctrl-C or a kill loses nothing; run
    the same command again to carry on. --order uncertainty takes the answers the model is least
    sure of first; the model is retrained on your decisions every --retrain-every decisions.
    Keys: Enter/a accept, +CODE [N-M] add, -CODE remove, x clear, m TEXT memo on the answer,
    mc CODE TEXT memo on a code, w number the words, s skip, b back, l list codes, q quit.

    Example:  surveykit code review export.csv --question comments --coded comments_coded.csv --context role_notes
    """
    from rich.console import Console

    from surveykit.coding.codebook import load_codebook
    from surveykit.coding.journal import unsaved_decisions
    from surveykit.coding.model import codebook_examples, load_model
    from surveykit.coding.review import Learning, ReviewSession, build_items, check_reviewer, retrain, run_review
    from surveykit.errors import invalid_choice
    from surveykit.io.coded import MACHINE_CODERS, OPTIONAL_COLUMNS, read_coded
    from surveykit.io.coded_write import save_reviewed
    from surveykit.io.review_journal import append_journal, journal_path, read_journal
    from surveykit.io.owned_files import check_not_input

    # The coded file is rewritten at every decision: never one of the files the review reads.
    check_not_input(coded, [file, codebook, inputs.mapping, inputs.instrument, inputs.qsf], option="--coded")
    if not 0 <= accept_above <= 1:
        raise UsageError(f"--accept-above must be between 0 and 1; got {accept_above}")
    if order not in ("file", "uncertainty"):
        raise invalid_choice("--order", order, ["file", "uncertainty"])
    if retrain_every < 0:
        raise UsageError(f"--retrain-every must be 0 (never) or more; got {retrain_every}")
    check_reviewer(coder)
    cb = load_codebook(codebook)
    model = load_model(suggest) if suggest is not None else None
    responses = None if text_column else inputs.load(file)
    answers = load_answers(file, question=question, text_column=text_column, id_column=id_column, inputs=inputs,
                           responses=responses)
    extra = [c.strip() for c in (context or "").split(",") if c.strip()]
    if text_column:
        ctx = table_context(file, id_column=id_column or "respondent_id", extra=extra, redact=redact) if extra else {}
    else:
        ctx = survey_context(responses, extra=extra, redact=redact)
    existing = None
    if coded.exists():
        if coded.suffix.lower() != ".csv":
            raise UsageError(f"--coded {coded.name}: review saves its decisions into a CSV coded file and would "
                             "rewrite this one as CSV; give --coded a .csv file (a new name starts a new file)")
        # Every row as it is in the file (a model suggestion not accepted keeps its code): the file is saved
        # back in place, and the rows that are not this review's decisions must come back unchanged.
        found = read_coded(coded, keep_row_coders=True, keep_unaccepted=True)
        if found.layout != "long":
            raise UsageError(f"--coded {coded.name}: this coded file is in the wide layout (an id, then Code 1, "
                             "Code 2 ...); review saves the long layout and would rewrite it: give --coded a new "
                             ".csv name")
        existing = found.detail
        check_codes(existing, list(cb.code_ids), path=str(coded))
        machine = sorted({str(c) for c in existing["coder"]} & MACHINE_CODERS)
        if machine:
            message(f"{coded.name}: the rows of {' and '.join('the rule coder' if c == 'rules' else 'the model' for c in machine)} "
                    f"(coder {', '.join(repr(c) for c in machine)}) are suggestions, not decisions: they are kept as "
                    f"they are, and your decisions are saved beside them as coder {coder.strip()!r}")
    jpath = journal_path(coded)
    records = read_journal(jpath)
    unknown = sorted({c.code_id for _, _, _, cs in unsaved_decisions(records) for c in cs} - set(cb.code_ids))
    if unknown:
        raise UsageError(f"the review journal {jpath.name} has codes not in the codebook: {', '.join(unknown[:5])}")
    items = build_items(list(answers), cb, question_id=answers.question_id, model=model, accept_above=accept_above,
                        context=ctx)
    if not items:
        raise UsageError(f"no non-blank answers to review for {answers.question_id!r}")
    session = ReviewSession.resume(items, existing, coder=coder, journal=records)
    console = Console(stderr=True, highlight=False)

    def learn(s):
        new = retrain(s, question_id=answers.question_id, examples=codebook_examples(cb))
        current = learning.model
        return new if new is not None and (current is None or new.n_answers >= current.n_answers) else None

    learning = Learning(order=order, retrain_every=retrain_every, model=model, train=learn, accept_above=accept_above)
    outcome = run_review(session, cb, read_line=console.input, show=console.print,
                         save=lambda frame: save_reviewed(coded, frame, extra=OPTIONAL_COLUMNS),
                         journal=lambda record: append_journal(jpath, record), learning=learning)
    decided = sum(1 for i in items if i.respondent_id in session.decisions)
    message(f"{decided} of {len(items)} answers decided" + (f"; saved in {coded}" if coded.exists() else "; nothing saved")
            + (" (run the same command to continue)" if outcome == "quit" and decided < len(items) else ""))
