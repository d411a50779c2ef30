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
from surveykit.cli.common import (FORCE_FILE_OPTION, FORMAT_OPTION, NO_INPUT_OPTIONS, InputOptions, OutputFormat, emit, handle_errors,
                                  input_options, message)
from surveykit.cli.qda_common import check_codes, check_respondents, default_question
from surveykit.errors import InputError, UsageError, invalid_choice

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
    threshold: int = typer.Option(5, "--threshold", help="Disclosure control: a code given to fewer answers than "
                                                          "this (or to all but fewer) shows [c] for its figures."),
    no_suppress: bool = typer.Option(False, "--no-suppress",
                                     help="Show every figure (internal use only, not for publication)."),
    force: bool = FORCE_FILE_OPTION,
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

    A share times the answers a coder coded is a count, so a code given to fewer than --threshold
    answers (or to all but fewer) shows [c] for its shares, kappa, alpha and flag, as do the summary rows
    when they would give it back, and the exact-set match then too. --no-suppress shows everything
    (internal use).

    Example:  surveykit agree coder_a.csv coder_b.csv --disagreements to_adjudicate.csv
    """
    from surveykit.coding.agreement import agreement, alpha_text, coder_labels, coverage_sentence, share_text
    from surveykit.io.coded import UNCODED_CHOICES, file_identity, read_coded
    from surveykit.io.coded_write import write_frame_csv
    from surveykit.errors import invalid_choice

    if uncoded not in UNCODED_CHOICES:  # options first, before any file is read
        raise invalid_choice("--uncoded", uncoded, UNCODED_CHOICES)
    if len(files) < 2:
        raise UsageError(f"agree needs at least two coded files; got {len(files)}")
    if min_shared < 1:
        raise UsageError(f"--min-shared must be at least 1; got {min_shared}")
    check_distinct_files(files, identity=file_identity)
    if disagreements is not None:  # before the work: an adjudicated file is not replaced (io.owned_files)
        from surveykit.io.owned_files import check_not_input, check_output_file

        check_not_input(disagreements, [*files, codebook, survey], option="--disagreements")
        check_output_file(disagreements, force=force, option="--disagreements")
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
    result = agreement([c.frame for c in coded], labels, codes=codes, min_shared=min_shared,
                       suppress=not no_suppress, threshold=threshold)
    if disagreements is not None:
        write_frame_csv(disagreements, result.disagreements, force=force, option="--disagreements")
        message(f"wrote {len(result.disagreements)} disagreement(s) to {disagreements}")
    ov = result.overall
    message(coverage_sentence(ov))
    footer = (f"{ov['units']} answers coded by 2+ coders ({', '.join(labels)}). Pooled decisions (ALL): alpha "
              f"{alpha_text(ov['pooled_alpha'])} ({ov['pooled_flag']}); mean of per-code alpha (MEAN, "
              f"{ov['mean_alpha_codes']} codes): {alpha_text(ov['mean_alpha'])} ({ov['mean_flag']}); exact-set match "
              f"{share_text(ov['exact_set_match'])}. Flags: reliable >= 0.800, tentative >= 0.667 (Krippendorff); too_few below "
              f"{min_shared} shared answers.")
    if no_suppress:
        footer += " NOT SUPPRESSED (--no-suppress): for internal use only."
        message("NOT SUPPRESSED (--no-suppress): small counts can be worked out from these figures; for internal "
                "use only")
    elif ov.get("suppressed_codes"):
        footer += (f" [c]: {ov['suppressed_codes']} code(s) given to fewer than {threshold} answers (or to all but "
                   "fewer): their figures would give the count away.")
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


# -- REFI-QDA ---------------------------------------------------------------------------------------

@codebook_app.command("export")
@handle_errors
def codebook_export(
    file: Path = typer.Argument(..., help="Codebook YAML."),
    to: str = typer.Option("qdc", "--to", help="Export format: qdc (REFI-QDA codebook)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Output .qdc file (default: print the XML on stdout)."),
    force: bool = FORCE_FILE_OPTION,
) -> None:
    """Export a codebook as a REFI-QDA .qdc file for NVivo, ATLAS.ti, MAXQDA, QualCoder ...

    Themes become non-codable parent codes with their codes nested under them; definitions go in
    Description; GUIDs are stable (derived from the ids).

    Example:  surveykit codebook export codebooks/missing_reasons.yaml --to qdc --out missing_reasons.qdc
    """
    from surveykit.coding.codebook import load_codebook
    from surveykit.coding.refi import codebook_to_qdc
    from surveykit.io.coded_write import write_qdc

    if to != "qdc":
        raise invalid_choice("--to", to, ["qdc"])
    if out is not None:
        from surveykit.io.owned_files import check_not_input

        check_not_input(out, [file])
    cb = load_codebook(file)
    data = codebook_to_qdc(cb)
    if out is None:
        sys.stdout.write(data.decode("utf-8"))
        return
    write_qdc(out, data, force=force)
    message(f"wrote {len(cb.themes)} themes and {len(cb.codes)} codes to {out}")


@codebook_app.command("import")
@handle_errors
def codebook_import(
    file: Path = typer.Argument(..., help="A REFI-QDA codebook (.qdc) or project (.qdpx)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Output codebook YAML (default: print it on stdout)."),
    force: bool = FORCE_FILE_OPTION,
) -> None:
    """Import a REFI-QDA codebook (.qdc or .qdpx) as our codebook YAML, with patterns left empty.

    Top-level codes with children become themes; deeper codes become codes of their top-level
    theme (id = path joined by '__', label = names joined by ' > '); top-level codes without
    children go in the theme 'uncategorised'.

    Example:  surveykit codebook import project.qdpx --out codebooks/imported.yaml
    """
    from surveykit.coding.codebook_yaml import codebook_to_yaml
    from surveykit.coding.refi import qdc_to_codebook
    from surveykit.errors import CodebookError
    from surveykit.io.coded import read_qda_xml
    from surveykit.io.coded_write import write_output_text

    if out is not None:
        from surveykit.io.owned_files import check_not_input

        check_not_input(out, [file])
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
    write_output_text(out, text, force=force)
    message(f"{found} written to {out}")


# -- code export / code import (REFI-QDA projects) ---------------------------------------------------

@code_app.command("export")
@handle_errors
@input_options
def code_export(
    coded: Path = typer.Argument(..., help="A coded file (e.g. written by 'code review'), or a gold set (id, text, codes)."),
    out: Path = typer.Option(..., "--out", help="The project file to write (.qdpx)."),
    force: bool = FORCE_FILE_OPTION,
    to: str = typer.Option("qdpx", "--to", help="Export format: qdpx (REFI-QDA project)."),
    survey: Optional[Path] = typer.Option(None, "--survey", help="The survey export the answers come from (texts and "
                                                                  "profile fields: sector, role, region)."),
    answers: Optional[Path] = typer.Option(None, "--answers", help="Or any CSV/XLSX holding the answers (with "
                                                                    "--text-column)."),
    text_column: Optional[str] = typer.Option(None, "--text-column", help="With --answers: the column of answers."),
    id_column: str = typer.Option("respondent_id", "--id-column", help="With --answers: the respondent id column."),
    attributes: Optional[str] = typer.Option(None, "--attributes", help="With --answers: columns to carry as case "
                                                                         "attributes, comma-separated (e.g. sector,role)."),
    question: Optional[str] = typer.Option(None, "--question", help="Only this question's rows (and answers)."),
    codebook: Optional[Path] = typer.Option(None, "--codebook", help="The codebook (default: the shipped missing_reasons)."),
    name: Optional[str] = typer.Option(None, "--name", help="The project's name (default: the coded file's name)."),
    redact: bool = typer.Option(True, "--redact/--no-redact", help="Redact personal data in answers and memos "
                                                                   "(default; spans move with the text). --no-redact "
                                                                   "is for internal use only."),
    schema: Optional[Path] = typer.Option(None, "--schema", help="Also check the project against this XML schema "
                                                                 "(REFI's Project.xsd) before writing."),
    inputs: InputOptions = NO_INPUT_OPTIONS,
) -> None:
    """Export coded answers as a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA, QualCoder ...

    Each answer becomes a text source; each respondent a case with their sector and other profile
    fields as attributes; each code a coding of the answer's text at its span (start/end in the
    coded file; the whole answer when there is none), by its coder at its time; the codebook keeps
    its code ids (in each code's description, and GUIDs derived from them); memos from review
    (the memo column and the review journal beside the coded file) become notes. Answers and
    memos are redacted by default. The same input gives the same bytes.

    Example:  surveykit code export coded.csv --to qdpx --survey export.csv --out project.qdpx
    """
    import pandas as pd

    from surveykit.coding.codebook import load_codebook
    from surveykit.coding.journal import Memo, memos as journal_memos
    from surveykit.coding.qdpx import validate_with_schema
    from surveykit.coding.qdpx_export import AnswerSource, ProjectStream
    from surveykit.coding.redact import load_denylist
    from surveykit.io.coded import is_gold_file, read_coded, read_gold
    from surveykit.io.coded_write import write_output_bytes
    from surveykit.io.review_journal import journal_path, read_journal
    from surveykit.io.qdpx import beyond_read_limits, load_xml_schema, qdpx_archive

    if to != "qdpx":
        raise invalid_choice("--to", to, ["qdpx"])
    if survey is not None and answers is not None:
        raise UsageError("give --survey or --answers, not both")
    from surveykit.io.owned_files import check_not_input, check_output_file

    check_not_input(out, [coded, survey, answers, codebook, schema, journal_path(coded)])
    check_output_file(out, force=force)  # before the work
    cb = load_codebook(codebook)
    xml_schema = load_xml_schema(schema) if schema is not None else None
    sources: list[AnswerSource] = []
    if is_gold_file(coded):
        qid = question or default_question()
        texts, frame = read_gold(coded, question_id=qid)
        detail = frame.assign(start=None, end=None, coded_at=None, memo=None)
        sources = [AnswerSource(str(r), qid, str(t)) for r, t in zip(texts["respondent_id"], texts["text"])
                   if str(t).strip()]
    else:
        detail = read_coded(coded, question=question, uncoded="none", keep_row_coders=True).detail
        qids = list(dict.fromkeys(detail["question_id"]))
        if survey is not None:
            from surveykit.cli.qda_common import profile_values

            responses = inputs.load(survey)
            data = responses.data
            missing = [q for q in qids if q not in data.columns]
            if missing:
                raise UsageError(f"the coded file's question(s) {', '.join(missing[:5])} are not text questions of "
                                 f"{survey.name}; give --question")
            # Free-text profile answers (a role typed in) go into the project as case variables: redacted too.
            profiles = profile_values(responses, redact=redact, deny=load_denylist() if redact else ())
            for q in qids:
                for rid, text in zip(data["respondent_id"], data[q]):
                    if text is None or (not isinstance(text, str) and pd.isna(text)) or not str(text).strip():
                        continue
                    sources.append(AnswerSource(str(rid), q, str(text), dict(profiles.get(str(rid), []))))
        elif answers is not None:
            if not text_column:
                raise UsageError("--answers needs --text-column (the column holding the answers)")
            from surveykit.io.coded import read_columns

            cols = [c.strip() for c in (attributes or "").split(",") if c.strip()]
            table = read_columns(answers, id_column=id_column, columns=[text_column, *cols],
                                 parameter="--text-column/--attributes")
            if len(qids) > 1:
                raise UsageError(f"the coded file holds {len(qids)} questions; --answers has one: give --question")
            for rid, values in table.items():
                if values[text_column].strip():
                    sources.append(AnswerSource(rid, qids[0] if qids else (question or "answer"), values[text_column],
                                                {c: values[c] for c in cols if values[c].strip()}))
        else:
            raise UsageError("the coded file holds no answer texts: give --survey EXPORT or --answers FILE "
                             "--text-column COLUMN")
    memos = list(journal_memos(read_journal(journal_path(coded))))
    keys = {m.key() for m in memos}
    for rid, qid, coder, memo in zip(detail["respondent_id"], detail["question_id"], detail["coder"], detail["memo"]):
        if memo is not None and not pd.isna(memo):
            for text in str(memo).split("\n"):
                m = Memo("answer", text.strip(), str(coder or ""), None, str(rid), str(qid))
                if text.strip() and m.key() not in keys and not any(
                        x.target == "answer" and x.respondent_id == m.respondent_id and x.text == m.text for x in memos):
                    memos.append(m)
    memos = [m for m in memos if m.target != "code" or m.code_id in set(cb.code_ids)]
    deny = load_denylist() if redact else ()
    projects: list[ProjectStream] = []

    def make_project() -> tuple[ProjectStream, dict[str, bytes]]:
        # Made a piece at a time while it is compressed (an export of 100,000 answers never holds its
        # XML as a tree); made again only for an XML too large for a 32-bit zip member (io.qdpx).
        project = ProjectStream(name=name or coded.stem, codebook=cb, answers=sources, coded=detail, memos=memos,
                                redact=redact, denylist=deny)
        projects.append(project)
        return project, project.files

    if xml_schema is not None:
        xml = b"".join(make_project()[0])  # validated whole, before anything is written
        problems = validate_with_schema(xml, xml_schema)
        if problems:
            raise InputError(f"the project does not validate against {schema.name}: {problems[0]}; nothing written")
        archive, size = qdpx_archive(lambda: ([xml], projects[-1].files))
    else:
        archive, size = qdpx_archive(make_project)
    files, summary = projects[-1].files, projects[-1].summary
    assert summary is not None
    write_output_bytes(out, archive, force=force)
    message(f"wrote {out}: {summary.sources} answers, {summary.cases} cases, {summary.codings} codings in "
            f"{summary.selections} selections, {summary.notes} memo(s)"
            + (f"; {summary.redactions} redaction(s)" if redact else "; NOT REDACTED (internal use only)"))
    too_large = beyond_read_limits(size, files)
    if too_large is not None:
        message(f"note: 'surveykit code import' will not read this project back: it holds {too_large}, beyond the "
                "limits that guard against zip bombs; for a round trip, export a part at a time (--question, or a "
                "coded file of fewer answers)")


@code_app.command("import")
@handle_errors
def code_import(
    project: Path = typer.Argument(..., help="A REFI-QDA project (.qdpx) from QualCoder, NVivo, ATLAS.ti, MAXQDA ..."),
    out: Optional[Path] = typer.Option(None, "--out", help="The coded file to write (default: print it on stdout)."),
    question: str = typer.Option("answer", "--question", help="The question id for sources that do not say theirs."),
    schema: Optional[Path] = typer.Option(None, "--schema", help="Also validate project.qde against this XML schema "
                                                                 "(REFI's Project.xsd)."),
    force: bool = FORCE_FILE_OPTION,
) -> None:
    """Read the codings of a REFI-QDA project into a coded file (one row per answer, code and span).

    Columns: respondent_id, question_id, code_id, coder, start, end, coded_at, memo. Code ids are
    those 'codebook import' gives the same project (ids exported by surveykit come back unchanged).
    A source's respondent id is its respondent_id variable, else its case's name, else its name. A
    source nobody coded is not in the file (missing), unless the project marks it reviewed. Memos on
    codes go to the review journal beside --out. The archive is read in memory, never unpacked.

    Example:  surveykit code import project.qdpx --out coded_nvivo.csv
    """
    import sys

    from surveykit.coding.journal import memo_record
    from surveykit.coding.qdpx import read_project, validate_with_schema
    from surveykit.errors import AnalysisError
    from surveykit.io.coded import DETAIL_COLUMNS
    from surveykit.io.coded_write import coded_to_csv, write_coded
    from surveykit.io.review_journal import append_journal, journal_path
    from surveykit.io.qdpx import load_xml_schema, read_qdpx

    if out is not None:
        from surveykit.io.owned_files import check_not_input

        check_not_input(out, [project, schema])
    archive = read_qdpx(project)
    if schema is not None:
        problems = validate_with_schema(archive.project, load_xml_schema(schema))
        if problems:
            raise InputError(f"project.qde does not validate against {schema.name}: {problems[0]}; nothing written",
                             path=project)
    result = read_project(archive.project, source=str(project), members=archive.sources, question_id=question)
    found = (f"{result.origin or 'unknown origin'}: {result.sources} source(s), {result.codings} coding(s), "
             f"{len(result.codebook.codes)} code(s), {len(result.code_memos)} code memo(s)")
    if not len(result.rows):
        raise AnalysisError(f"the project holds no codings ({found}); nothing written", path=project)
    if out is None:
        sys.stdout.write(coded_to_csv(result.rows, extra=DETAIL_COLUMNS))
        message(f"read {found}")
        return
    write_coded(out, result.rows, extra=DETAIL_COLUMNS, force=force)
    if result.code_memos:
        jpath = journal_path(out)
        from surveykit.io.review_journal import read_journal
        from surveykit.coding.journal import memos as journal_memos

        have = {m.key() for m in journal_memos(read_journal(jpath))}
        for m in result.code_memos:
            if m.key() not in have:
                append_journal(jpath, memo_record(m))
        message(f"code memos kept in {jpath}")
    message(f"read {found}; wrote {len(result.rows)} rows to {out}")


# The model and review commands live in their own module; importing it registers them.
from surveykit.cli import qda_review as _qda_review  # noqa: E402,F401
