"""The Python front door: ``import surveykit as sk``.

    responses = sk.read("export.csv", instrument="my_survey.yaml")
    sk.score(responses, questions="satisfaction", by="department")  # suppressed like the CLI's tables
    sk.compare(responses, questions=["teaching", "support"])        # by the instrument's grouping
    coded = sk.code(responses, "comments")            # with the field's codebook named in the instrument
    report = sk.report(responses, rankings=sk.read_rankings("youth.csv"))
    report.write("reports/2026")

Every function has the CLI's defaults: suppression on (threshold 5), quotes redacted, the
instrument's default grouping, Holm correction at alpha 0.05. Options are checked here, in the
library, once: a wrong value names the parameter, the allowed values and the value received.
Reading goes through ``surveykit.io``; everything after it works on loaded data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from surveykit.errors import InputError, UsageError
from surveykit.report.model import Report as _ModelReport
from surveykit.validation import DEFAULT_ALPHA, DEFAULT_THRESHOLD, check_bool, check_threshold, id_list

if TYPE_CHECKING:
    import pandas as pd

    from surveykit.banner import BannerResult
    from surveykit.clean import Responses
    from surveykit.coding.answers import Answers
    from surveykit.coding.codebook import Codebook
    from surveykit.coding.summary import CodingSummary
    from surveykit.compare import CompareResult
    from surveykit.instrument import Instrument
    from surveykit.io.coded import CodedFile
    from surveykit.ranking.concordance import Agreement
    from surveykit.ranking.rankings import Rankings

PathLike = "str | Path"


# -- reading -------------------------------------------------------------------------------------

def sample_path(name: str = "professional_survey.csv") -> Path:
    """A file of the shipped sample study (synthetic): ``professional_survey.csv``, ``youth_ranking.csv``,
    ``q7_coded_gold.csv`` ..., wherever surveykit is installed."""
    from surveykit.io.resources import sample_dir

    p = sample_dir() / name
    if not p.is_file():
        raise InputError(f"the shipped sample has no file {name!r}; it has: "
                         + ", ".join(sorted(f.name for f in sample_dir().iterdir() if f.is_file())))
    return p


def load_instrument(path: str | Path | None = None) -> "Instrument":
    """An instrument YAML (the shipped professional survey when ``path`` is None)."""
    from surveykit.instrument import load_instrument as _load

    return _load(path)


def read(path: str | Path, *, instrument: "str | Path | Instrument | None" = None,
         mapping: str | Path | None = None, platform: str | None = None, encoding: str | None = None,
         qsf: str | Path | None = None, check_fit: bool = True) -> "Responses":
    """Read an export and prepare it against the instrument (the shipped survey by default).

    ``qsf``: a Qualtrics survey definition used to map a Qualtrics export's columns. With
    ``check_fit`` (the default, as in every command) an export that the instrument plainly does not
    describe (no question found, or under half of the export's answer columns and under half of the
    instrument's questions mapped) raises ``InputError`` pointing to ``surveykit inspect`` and
    ``surveykit instrument draft``, instead of giving empty tables."""
    from surveykit.clean import prepare
    from surveykit.instrument import Instrument
    from surveykit.io import read_export
    from surveykit.io.mapping_file import load_mapping
    from surveykit.mapping import coverage

    check_bool(check_fit, parameter="check_fit")
    inst = instrument if isinstance(instrument, Instrument) else load_instrument(instrument)
    raw = read_export(path, platform=platform, encoding=encoding, qsf=qsf)
    doc = load_mapping(mapping) if mapping else None
    responses = prepare(raw, inst, mapping=doc)
    if check_fit and raw.n_rows:
        cov = coverage(responses.column_map, inst)
        if not cov.fits:
            raise InputError(
                f"the instrument {inst.id!r} does not fit this export: {cov.mapped_columns} of its "
                f"{cov.answer_columns} answer columns map onto it ({cov.questions_found} of the instrument's "
                f"{cov.questions_total} questions found). Check the columns with 'surveykit inspect FILE', or "
                "draft an instrument for it with 'surveykit instrument draft FILE'", path=path)
    return responses


def read_rankings(path: str | Path, *, measures: str | Path | None = None,
                  encoding: str | None = None) -> "Rankings":
    """A youth rankings file, checked against the measures codebook (the instrument's or the shipped one)."""
    from surveykit.ranking.rankings import read_rankings as _read

    return _read(path, measures=measures, encoding=encoding)


def read_coded(path: str | Path, *, question: str | None = None, coder: str | None = None) -> "CodedFile":
    """A coded file (``surveykit code --out``, ``code review``, a gold file or another coder's work)."""
    from surveykit.io.coded import read_coded as _read

    return _read(path, question=question, coder=coder)


def read_foi(paths: "str | Path | Sequence[str | Path]", *, wave: str | None = None,
             encoding: str | None = None) -> Any:
    """Local authority FOI returns (CSV/XLSX; see docs/foi.md) as ``surveykit.foi.Returns``.
    ``encoding``: of CSV files, instead of detecting it."""
    from surveykit.foi.returns import read_returns

    return read_returns(paths, wave=wave, encoding=encoding)


def load_codebook(path: str | Path | None = None) -> "Codebook":
    from surveykit.coding.codebook import load_codebook as _load

    return _load(path)


# -- analyses --------------------------------------------------------------------------------------

def _by(responses: "Responses", by: str | None, *, required: bool) -> str | None:
    inst = responses.instrument
    if by is None:
        by = inst.default_by
        if by is None and required:
            raise UsageError("by is required: the instrument declares no grouping ('groupings:' or a profile field "
                             "of kind sector); choose one of " + ", ".join(inst.grouping_candidates()))
    return by


def score(responses: "Responses", *, questions: Iterable[str] | str | None = None, by: str | None = None,
          summary: bool = False, suppress: bool = True, threshold: int = DEFAULT_THRESHOLD) -> "pd.DataFrame":
    """Counts and percentages of every option (``scoring.score``), or with ``summary=True`` one row
    per item with bases, mean, median, SD and top-box share (``scoring.summarise_items``)."""
    from surveykit import scoring

    if check_bool(summary, parameter="summary"):
        return scoring.summarise_items(responses, items=questions, by=by, suppress=suppress, threshold=threshold)
    return scoring.score(responses, questions=questions, by=by, suppress=suppress, threshold=threshold)


def rank_grid(responses: "Responses", *, question: str, by: str | None = None, sort: str = "top_box",
              include_other: bool = False, suppress: bool = True, threshold: int = DEFAULT_THRESHOLD) -> "pd.DataFrame":
    """A rated grid ranked by its top box (``scoring.rank_grid``)."""
    from surveykit import scoring

    return scoring.rank_grid(responses, question=question, by=by, sort=sort, include_other=include_other,
                             suppress=suppress, threshold=threshold)


def compare(responses: "Responses", *, by: str | None = None, questions: Iterable[str] | str | None = None,
            groups: Sequence[str] | str | None = None, alpha: float = DEFAULT_ALPHA, padjust: str = "holm",
            min_group_size: int = 10, suppress: bool = True, threshold: int = DEFAULT_THRESHOLD) -> "CompareResult":
    """Tests between the groups of ``by`` (default: the instrument's grouping), corrected as one family.
    ``suppress``: a test hides what the item's tables by ``by`` hide (``compare.compare``)."""
    from surveykit.compare import compare as _compare_fn

    return _compare_fn(responses, by=_by(responses, by, required=True), questions=questions, groups=groups,
                            alpha=alpha, padjust=padjust, min_group_size=min_group_size, suppress=suppress,
                            threshold=threshold)


def banner(responses: "Responses", *, question: str, by: str | None = None, alpha: float = DEFAULT_ALPHA,
           second_alpha: float | None = None, padjust: str = "holm", min_group_size: int = 10,
           groups: Sequence[str] | str | None = None, means: bool = True, suppress: bool = True,
           threshold: int = DEFAULT_THRESHOLD) -> "BannerResult":
    """A banner table: items by the groups of ``by`` with significance letters on shares and means
    (``banner.banner``)."""
    from surveykit.banner import banner as _banner_fn

    return _banner_fn(responses, question=question, by=_by(responses, by, required=True), alpha=alpha,
                      second_alpha=second_alpha, padjust=padjust, min_group_size=min_group_size, groups=groups,
                      means=means, suppress=suppress, threshold=threshold)


@dataclass(frozen=True)
class Coded:
    """A coded free-text field.

    rows: one row per answer and code (``respondent_id, question_id, code_id, start, end, matched,
    coder``; an answer with no code has one row with an empty code_id); summary: frequencies, codes by
    group, tests, co-occurrence (``coding.summary.CodingSummary``); answers: the texts coded."""

    question_id: str
    codebook: "Codebook"
    rows: "pd.DataFrame" = field(repr=False, compare=False)
    summary: "CodingSummary" = field(repr=False, compare=False)
    answers: "Answers" = field(repr=False, compare=False)


def codebook_for(responses: "Responses", question: str, codebook: "str | Path | Codebook | None") -> "Codebook":
    """The codebook to code ``question`` with: the one given, else the instrument's for that field."""
    return _codebook_for(responses, question, codebook, load_codebook)


def _codebook_for(responses: "Responses", question: str, codebook: "str | Path | Codebook | None",
                  load: Any) -> "Codebook":
    from surveykit.coding.answers import check_text_question
    from surveykit.coding.codebook import Codebook

    if isinstance(codebook, Codebook):
        return codebook
    if codebook is not None:
        return load(codebook)
    inst = responses.instrument
    field_id = check_text_question(inst, question)
    decl = inst.coded_field(field_id)
    if decl is None or decl.path is None:
        raise UsageError(f"codebook is required: the instrument names no codebook for {field_id!r} under 'coding:'; "
                         "pass a codebook file")
    return load(decl.path)


def code(responses: "Responses", question: str, *, codebook: "str | Path | Codebook | None" = None,
         by: str | None = None, redact: bool = True, suppress: bool = True,
         threshold: int = DEFAULT_THRESHOLD) -> Coded:
    """Code the answers to a free-text field with the rule coder (no file is read twice: the
    responses are already loaded). ``redact`` (default, as in the CLI): personal data is redacted from
    the evidence column ``matched``. ``suppress`` (default): the summary's tables hide counts below
    ``threshold`` and what they can be worked out from (``coding.published.protect_summary``); the
    coded rows themselves are per answer and are not a published table."""
    from surveykit.coding.answers import answers_from_responses
    from surveykit.coding.redact import redact_evidence
    from surveykit.coding.rules import code_answers
    from surveykit.coding.summary import summarise

    check_bool(redact, parameter="redact")
    check_bool(suppress, parameter="suppress")
    threshold = check_threshold(threshold)
    cb = codebook_for(responses, question, codebook)
    answers = answers_from_responses(responses, question=question, by=by)
    rows = code_answers(zip(answers.ids, answers.texts), cb, question_id=answers.question_id)
    if redact:
        rows = redact_evidence(rows, codebook=cb)
    summary = summarise(rows, cb, sectors=answers.sectors, sector_order=answers.sector_order)
    if suppress:
        from surveykit.coding.published import protect_summary

        summary = protect_summary(summary, threshold=threshold)
    return Coded(answers.question_id, cb, rows, summary, answers)


@dataclass(frozen=True)
class Ranked:
    """The youth ranking exercise scored: ``scores`` (one row per measure: % effective, mean
    position, Borda, rank; as published unless ``rank(suppress=False)``), ``agreement`` between
    groups, the ``best`` and ``worst`` measures."""

    rankings: "Rankings"
    scores: "pd.DataFrame" = field(repr=False, compare=False)
    agreement: "Agreement" = field(repr=False, compare=False)
    best: tuple[str, ...] = ()
    worst: tuple[str, ...] = ()


def rank(rankings: "Rankings | str | Path", *, top: int = 6, bottom: int = 4, suppress: bool = True,
         threshold: int = DEFAULT_THRESHOLD) -> Ranked:
    """Score a youth ranking exercise (a loaded ``Rankings`` or a rankings file) as ``surveykit rank``
    does. ``suppress``: the number (and share) of groups calling a measure effective is hidden where it,
    or the rest of the groups, is 1 to ``threshold - 1``, mean positions and Borda scores are rounded
    (``ranking.protect_scores``), and Cochran's Q is withheld while any of those numbers is hidden
    (``ranking.agreement``); ``suppress=False`` is for internal work only."""
    from surveykit.ranking.concordance import agreement
    from surveykit.ranking.rankings import Rankings
    from surveykit.ranking.scores import extremes, protect_scores, score_measures
    from surveykit.validation import check_count

    check_count(top, parameter="top", minimum=0)
    check_count(bottom, parameter="bottom", minimum=0)
    suppress = check_bool(suppress, parameter="suppress")
    threshold = check_threshold(threshold)
    r = rankings if isinstance(rankings, Rankings) else read_rankings(rankings)
    scores = score_measures(r)
    best, worst = extremes(scores, top=top, bottom=bottom)
    shown = protect_scores(scores, threshold=threshold) if suppress else scores
    return Ranked(r, shown, agreement(r, suppress=suppress, threshold=threshold), tuple(best), tuple(worst))


# -- the report ------------------------------------------------------------------------------------

class Report(_ModelReport):
    """The whole report (``surveykit.report.model.Report``: title, subtitle, sections of text, tables and
    charts, manifest) with ``write(folder)``."""

    def write(self, folder: str | Path, *, on_step: Any = None, palette: Any = None, force: bool = False,
              parallel: bool = True) -> Path:
        """Write report.html, report.md, report.docx, tables.xlsx, tables/*.csv, charts/ and
        manifest.json into ``folder`` atomically (a failed write leaves any previous report untouched).
        ``palette``: the accent colours of the HTML, workbook and Word file (``charts.palette``). Files in
        ``folder`` that surveykit did not write are kept; a folder it did not create is refused unless
        ``force`` (``surveykit.io.folder``). ``parallel``: make the SVG charts and the workbook in a forked
        child meanwhile (Linux; the same bytes either way)."""
        from surveykit.report.writers import write_report

        return write_report(self, folder, on_step=on_step, palette=palette, force=force, parallel=parallel)


def report(responses: "Responses | None", *, rankings: "Rankings | str | Path | None" = None,
           coded: Sequence["CodedFile | str | Path"] | Mapping[str, Sequence["CodedFile | str | Path"]] = (),
           codebooks: Mapping[str, "str | Path | Codebook"] | None = None, by: str | None = None,
           suppress: bool = True, threshold: int = DEFAULT_THRESHOLD, alpha: float = DEFAULT_ALPHA,
           padjust: str = "holm", foi: Any = None, foi_reference_rate: Any = None,
           on_step: Any = None, parallel: bool = False) -> "Report":
    """The whole study as a ``Report`` (``report.write(folder)`` writes HTML, Markdown, XLSX, CSV,
    charts and manifest.json). Sections follow the instrument's report plan, or one made from the
    question types. ``coded``: other coders' coded files, for the coding agreement in the methods: a
    list (for the first quoted coded field) or a mapping field -> files. ``codebooks``: field ->
    codebook, to replace the instrument's. ``foi``: local authority FOI returns (``sk.read_foi``) for
    a section "What local authorities told us" ahead of the survey's; ``foi_reference_rate``: the
    rate it is compared with (e.g. "6110/99230"). ``parallel``: code the free text and draw the charts in
    forked children while the analyses run (Linux), for a report written at once with its figures
    unchanged (the same numbers and bytes). ``responses`` None with ``foi``: a report of the FOI returns
    alone (their section and the methods).

    Example::

        report = sk.report(None, foi=sk.read_foi("returns.xlsx"))
        report.write("reports/foi")
    """
    if responses is None:
        return _foi_report(foi, rankings=rankings, coded=coded, codebooks=codebooks, by=by, suppress=suppress,
                           threshold=threshold, alpha=alpha, padjust=padjust, foi_reference_rate=foi_reference_rate,
                           on_step=on_step, parallel=parallel)
    from surveykit.io.base import sha256_of
    from surveykit.ranking.rankings import Rankings
    from surveykit.report.build import ReportInputs, ReportOptions, build_report
    from surveykit.report.plan import report_plan

    inst = responses.instrument
    r = rankings if rankings is None or isinstance(rankings, Rankings) else read_rankings(rankings)
    plan = report_plan(inst, has_rankings=r is not None)
    fields = [q for s in plan.sections for p in s.parts if "code" in p.analyses for q in p.questions]
    books: dict[str, Codebook] = {}
    given = dict(codebooks or {})
    loaded: dict[str, Codebook] = {}

    def load_once(path: "str | Path") -> "Codebook":
        # fields coded with the same codebook file share one load (one YAML parse) in this report
        key = str(Path(path).resolve())
        if key not in loaded:
            loaded[key] = load_codebook(path)
        return loaded[key]

    for f in fields:
        if f not in responses.column_map.targets():
            continue
        books[f] = _codebook_for(responses, f, given.get(f), load_once)
    coded_map = _coded_files(coded, inst, fields)
    files: dict[str, dict[str, Any]] = {}
    src = responses.source
    files["survey"] = {"path": src.path, "sha256": src.sha256, "platform": src.platform, "encoding": src.encoding,
                       "rows": src.n_rows}
    if inst.path and Path(inst.path).is_file():
        files["instrument"] = {"path": inst.path, "sha256": sha256_of(inst.path)}
    for f, cb in books.items():
        if cb.path and Path(cb.path).is_file():
            files[f"codebook:{f}"] = {"path": cb.path, "sha256": sha256_of(cb.path)}
    if r is not None:
        files["rankings"] = {"path": str(r.path), "sha256": r.sha256}
        if r.measures.path and Path(r.measures.path).is_file():
            files["youth_measures"] = {"path": r.measures.path, "sha256": sha256_of(r.measures.path)}
    for f, items in coded_map.items():
        for i, c in enumerate(items, 1):
            files[f"coded:{f}:{i}"] = {"path": str(c.path), "sha256": sha256_of(c.path)}
    if foi is not None:
        if not hasattr(foi, "sources"):
            foi = read_foi(foi)
        for i, (path, sha) in enumerate(foi.sources, 1):
            files[f"foi:{i}"] = {"path": str(path), "sha256": sha}
    inputs = ReportInputs(responses=responses, rankings=r, codebooks=books, coded=coded_map, files=files, foi=foi)
    options = ReportOptions(suppress=suppress, threshold=threshold, alpha=alpha, padjust=padjust, by=by,
                            foi_reference_rate=foi_reference_rate)
    built = build_report(inputs, options, on_step=on_step, parallel=parallel)
    return Report(title=built.title, subtitle=built.subtitle, sections=built.sections, manifest=built.manifest)


def _foi_report(foi: Any, *, rankings: Any, coded: Any, codebooks: Any, by: str | None, suppress: bool,
                threshold: int, alpha: float, padjust: str, foi_reference_rate: Any, on_step: Any,
                parallel: bool) -> "Report":
    """``report(None, foi=...)``: the FOI returns alone. What only a survey can use is refused, by name."""
    from surveykit.report.build import ReportOptions
    from surveykit.report.foi_report import build_foi_report

    if foi is None:
        raise UsageError("report: give the survey responses, FOI returns (foi=), or both; got neither")
    # alpha and padjust have no test to set here; they are still checked as any report checks them
    for name, value in (("rankings", rankings), ("coded", coded), ("codebooks", codebooks), ("by", by)):
        if value:
            raise UsageError(f"report: {name} goes with the survey responses; got {name} without responses")
    if not hasattr(foi, "sources"):
        foi = read_foi(foi)
    files = {f"foi:{i}": {"path": str(path), "sha256": sha} for i, (path, sha) in enumerate(foi.sources, 1)}
    options = ReportOptions(suppress=suppress, threshold=threshold, alpha=alpha, padjust=padjust,
                            foi_reference_rate=foi_reference_rate)
    built = build_foi_report(foi, options, files=files, on_step=on_step, parallel=parallel)
    return Report(title=built.title, subtitle=built.subtitle, sections=built.sections, manifest=built.manifest)


def _coded_files(coded, inst: "Instrument", fields: list[str]) -> dict[str, tuple["CodedFile", ...]]:
    from surveykit.io.coded import CodedFile

    def load(items, field_id):
        out = []
        for c in items:
            found = c if isinstance(c, CodedFile) else read_coded(c, question=field_id)
            if found.machine:
                # The report sets other coders beside the rules as a reliability check: surveykit's own
                # output there would be the rules compared with themselves (alpha 1, "reliable").
                raise UsageError(f"coded: {Path(found.path).name} holds only surveykit's own codes (coder 'rules' or "
                                 "'model'), not a person's coding; give the file a person coded (e.g. the one "
                                 "'surveykit code review' writes)")
            out.append(found)
        return tuple(out)

    if isinstance(coded, Mapping):
        return {k: load(v, k) for k, v in coded.items()}
    items = list(coded or ())
    if not items:
        return {}
    quoted = [f for f in fields if (inst.coded_field(f) is None or inst.coded_field(f).quotes)]
    if not quoted:
        raise UsageError("coded: the report codes no free-text field to compare other coders with")
    return {quoted[0]: load(items, quoted[0])}


def questions_list(value: Any) -> list[str] | None:
    """``questions`` as a list (one id, a comma-separated string or a list)."""
    return id_list(value, parameter="questions")
