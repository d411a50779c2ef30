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
from surveykit.errors import UsageError

TEXT_COLUMN_OPTION = typer.Option(None, "--text-column", help="For a plain CSV: the column holding the answers.")
ID_COLUMN_OPTION = typer.Option(None, "--id-column", help="For a plain CSV: the respondent id column (default respondent_id).")
CODEBOOK_OPTION = typer.Option(None, "--codebook", help="Coding codebook YAML (default: the shipped missing_reasons).")


def load_answers(file: Path, *, question: Optional[str], text_column: Optional[str], id_column: Optional[str],
                 inputs: InputOptions = NO_INPUT_OPTIONS):
    """The answers to code: a survey export with --question, or any CSV with --text-column."""
    from surveykit.coding.answers import answers_from_survey, answers_from_table

    if text_column:
        return answers_from_table(file, text_column=text_column, id_column=id_column or "respondent_id",
                                  question_id=question)
    if not question:
        raise UsageError("--question is required for a survey export (or give --text-column for any CSV)")
    return answers_from_survey(file, question=question, **inputs.kwargs())


def answers_frame(answers):
    import pandas as pd

    return pd.DataFrame({"respondent_id": list(answers.ids), "text": list(answers.texts)}, dtype=object)


# -- model suggestions -------------------------------------------------------------------------------

@code_app.command("train")
@handle_errors
@input_options
def code_train(
    coded: Path = typer.Argument(..., help="Human-coded file (respondent_id, question_id, code_id, coder), e.g. the one "
                                           "'code review' writes, or a gold set (id, text, codes)."),
    out: Path = typer.Option(..., "--out", help="Model folder to write (model.json + metrics.csv)."),
    survey: Optional[Path] = typer.Option(None, "--survey", help="The survey export (or CSV) holding the answers' texts "
                                                                  "(not needed for a gold set, which holds them)."),
    question: Optional[str] = typer.Option(None, "--question", help="The text question, e.g. q7."),
    codebook: Optional[Path] = typer.Option(None, "--codebook", help="Check the codes against this codebook."),
    text_column: Optional[str] = TEXT_COLUMN_OPTION,
    id_column: Optional[str] = ID_COLUMN_OPTION,
    first: Optional[int] = typer.Option(None, "--first", help="Train on the first N coded answers only (file order)."),
    folds: int = typer.Option(5, "--folds", help="Cross-validation folds (KFold, shuffled, fixed seed)."),
    fmt: OutputFormat = FORMAT_OPTION,
    inputs: InputOptions = NO_INPUT_OPTIONS,
) -> None:
    """Train model suggestions on your own coding: word and character n-grams, calibrated probabilities.

    One logistic regression per code with Platt-scaled (calibrated) probabilities; prints
    cross-validated precision, recall and F1 per code. The model folder is plain JSON (no pickle),
    and the same data always gives the same files. A code needs at least 3 answers with it and 3
    without. See docs/coding-model.md.

    Example:  surveykit code train q7_coded.csv --survey responses/sample/professional_survey.csv --question q7 --out models/q7
    """
    from surveykit.coding.model import model_files, train
    from surveykit.io.coded import is_gold_file, read_coded, read_gold, write_model_dir

    if is_gold_file(coded):
        if survey is not None:
            raise UsageError("a gold set holds its answers' texts: leave out --survey")
        qid = question or "q7"
        answers, frame = read_gold(coded, question_id=qid)
        source = coded.name
    else:
        if survey is None:
            raise UsageError("--survey is required: the coded file has no answer texts (a gold set with id, text, "
                             "codes columns needs none)")
        loaded = load_answers(survey, question=question, text_column=text_column, id_column=id_column, inputs=inputs)
        answers, qid, source = answers_frame(loaded), loaded.question_id, survey.name
        frame = read_coded(coded, question=question).frame
    codes = None
    if codebook is not None:
        from surveykit.cli.qda import check_codes
        from surveykit.coding.codebook import load_codebook

        codes = list(load_codebook(codebook).code_ids)
        check_codes(frame, codes, path=str(coded))
    model, metrics = train(answers, frame, question_id=qid, codes=codes, folds=folds, first=first)
    write_model_dir(out, model_files(model, metrics))
    blank = frame["respondent_id"].nunique() - model.n_answers
    if blank and first is None:
        message(f"{blank} coded answer(s) are blank in {source} and were left out")
    message(f"trained on {model.n_answers} answers: {len(model.codes)} code(s) with a classifier"
            + (f", {len(model.skipped)} with too few examples" if model.skipped else "") + f"; wrote {out}")
    emit(metrics, fmt, title=f"Cross-validated ({min(folds, model.n_answers)}-fold) precision, recall, F1 per code",
         meta={"question_id": qid, "n_answers": model.n_answers})
