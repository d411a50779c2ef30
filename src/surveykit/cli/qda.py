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
    uncoded: str = typer.Option("missing", "--uncoded",
                                help="An answer without a code is 'missing' (default: not coded by that coder; a long "
                                     "file's explicit empty code_id row still means 'no code applies'), 'none' (every "
                                     "answer in the file was coded: no code = 'no code applies') or 'missing-all' "
                                     "(empty code_id rows are missing too)."),
    min_shared: int = typer.Option(10, "--min-shared", help="Fewer answers coded by 2+ coders than this: flag 'too_few'."),
) -> None:
    """Agreement between coders: per code, percent agreement, Cohen's kappa and Krippendorff's alpha.

    Coded files are CSV/XLSX with respondent_id, question_id, code_id, coder (one row per answer and
    code; an answer coded with nothing has one row with an empty code_id), or the wide layout
    (ResponseId, question text, Code 1..Code N). An answer a coder did not code is missing for that
    coder, so a second coder's reliability sample is compared on the answers both coded; stderr says
    how many answers each coder coded and how many both did.

    Two summary rows: ALL = pooled decisions (every answer-and-code pair one binary unit, one alpha
    over all of them); MEAN = the mean of the per-code alphas (codes with a defined alpha). Flags:
    reliable >= 0.800, tentative >= 0.667 (Krippendorff), and 'too_few' below --min-shared shared
    answers (10), whatever the value. The same file twice, or two byte-identical files, are refused.

    Example:  surveykit agree coder_a.csv coder_b.csv --disagreements to_adjudicate.csv
    """
    from surveykit.coding.agreement import agreement, coder_labels, coverage_sentence
    from surveykit.io.coded import file_identity, read_coded, write_frame_csv

    if len(files) < 2:
        raise UsageError(f"agree needs at least two coded files; got {len(files)}")
    if min_shared < 1:
        raise UsageError(f"--min-shared must be at least 1; got {min_shared}")
    check_distinct_files(files, identity=file_identity)
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
    result = agreement([c.frame for c in coded], labels, codes=codes, min_shared=min_shared)
    if disagreements is not None:
        write_frame_csv(disagreements, result.disagreements)
        message(f"wrote {len(result.disagreements)} disagreement(s) to {disagreements}")
    ov = result.overall
    message(coverage_sentence(ov))
    footer = (f"{ov['units']} answers coded by 2+ coders ({', '.join(labels)}). Pooled decisions (ALL): alpha "
              f"{ov['pooled_alpha']:.3f} ({ov['pooled_flag']}); mean of per-code alpha (MEAN, {ov['mean_alpha_codes']} "
              f"codes): {ov['mean_alpha']:.3f} ({ov['mean_flag']}); exact-set match {ov['exact_set_match']:.1%}. "
              f"Flags: reliable >= 0.800, tentative >= 0.667 (Krippendorff); too_few below {min_shared} shared answers.")
    emit(result.per_code, fmt, title="Agreement per code", footer=footer, meta={"overall": ov})


def check_distinct_files(files, *, identity) -> None:
    """The same file twice, or byte-identical copies, cannot measure agreement: UsageError."""
    seen: dict[str, Path] = {}
    hashes: dict[str, Path] = {}
    for f in files:
        real, digest = identity(f)
        if real in seen:
            raise UsageError(f"the same file is given twice ({seen[real]} and {f}); agreement needs one file per coder")
        if digest in hashes:
            raise UsageError(f"{hashes[digest]} and {f} are byte-identical copies; agreement needs each coder's own "
                             "file")
        seen[real], hashes[digest] = f, f


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


# The model and review commands live in their own module; importing it registers them.
from surveykit.cli import qda_review as _qda_review  # noqa: E402,F401
