"""QDA interchange, agreement, model training and review commands (on the coding groups).

``codebook export`` / ``codebook import`` (REFI-QDA), ``code train`` / ``code review`` and the
top-level ``agree``. Heavy libraries are imported inside the functions.
"""

from __future__ import annotations

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
        from surveykit.pipeline import load_responses

        ids = set(load_responses(survey).data["respondent_id"].astype(str))
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
