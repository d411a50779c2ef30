"""build_report: the whole study as one ``Report``, built from data already loaded.

Nothing here reads a file. The caller (``surveykit.report(...)`` or ``surveykit report``) loads the
export, the rankings, the codebooks and other coders' files through ``surveykit.io`` and passes them
in ``ReportInputs``; ``build_report`` follows the instrument's report plan (or a plan made from the
question types, ``report.plan.default_plan``) and returns frozen Sections. Each section is built
on its own from the inputs, so the order of sections never changes a number. Writing the folder is
``Report.write`` (``surveykit.report.writers``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable, Mapping

from surveykit.errors import UsageError
from surveykit.report.model import Report, Section, SectionBuilder
from surveykit.validation import DEFAULT_ALPHA, DEFAULT_THRESHOLD, check_alpha, check_bool, check_threshold

if TYPE_CHECKING:
    import pandas as pd

    from surveykit.clean import Responses
    from surveykit.coding.codebook import Codebook
    from surveykit.instrument import ReportPlan
    from surveykit.io.coded import CodedFile
    from surveykit.ranking.rankings import Rankings

#: The build steps a progress bar counts besides the plan's sections.
FIXED_STEPS = ("methods", "data_quality")


@dataclass(frozen=True)
class ReportInputs:
    """Everything a report is built from, already loaded.

    responses: the prepared survey; rankings: the youth ranking exercise (None: youth analyses are
    left out); codebooks: free-text field id -> Codebook (the fields the plan codes); coded: other
    coders' coded files (field id -> files) for the agreement in the methods; files: what the manifest
    records of each input file (role -> {"path", "sha256", ...}), filled by the caller that read them.
    """

    responses: "Responses"
    rankings: "Rankings | None" = None
    codebooks: Mapping[str, "Codebook"] = field(default_factory=dict)
    coded: Mapping[str, tuple["CodedFile", ...]] = field(default_factory=dict)
    files: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    foi: Any = None  # surveykit.foi.Returns: the local authority FOI returns (a section ahead of the survey's)


@dataclass(frozen=True)
class ReportOptions:
    """Every parameter of a report run (recorded in manifest.json).

    suppress: apply small-count suppression and quote redaction (False only for internal use);
    threshold: the smallest count published; alpha: significance level; padjust: the correction
    of each family of tests; by: the grouping compared (default: the plan's, then the instrument's);
    the min_group_size options: groups smaller than this are left out of tests (named in the notes).
    """

    suppress: bool = True
    threshold: int = DEFAULT_THRESHOLD
    alpha: float = DEFAULT_ALPHA
    padjust: str = "holm"
    by: str | None = None
    compare_min_group_size: int = 10
    banner_min_group_size: int = 10
    voices_min_group_size: int = 5
    youth_top: int = 6
    youth_bottom: int = 4
    quoted_codes: int = 6
    quotes_per_code: int = 3
    foi_reference_rate: Any = None  # a reference rate for the FOI rate ratio, e.g. "6110/99230"
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def checked(self) -> "ReportOptions":
        from surveykit.stats import PADJUST_METHODS
        from surveykit.validation import check_choice, check_count

        check_bool(self.suppress, parameter="suppress")
        check_choice(self.padjust, PADJUST_METHODS, parameter="padjust")
        for name in ("compare_min_group_size", "banner_min_group_size", "voices_min_group_size"):
            check_count(getattr(self, name), parameter=name)
        return replace(self, threshold=check_threshold(self.threshold), alpha=check_alpha(self.alpha))


@dataclass
class Build:
    """What one section's analyses produce besides its blocks (collected, never shared between sections)."""

    inputs: ReportInputs
    options: ReportOptions
    by: str | None
    methods: list[tuple[str, str]] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)
    method_tables: list[tuple[str, str, "pd.DataFrame", str]] = field(default_factory=list)
    #: Results of deterministic computations shared by the analyses of one part (a compare run used
    #: by both ``score`` and ``compare``): a memo, so the order of analyses never changes a number.
    memo: dict[Any, Any] = field(default_factory=dict)
    #: Work started for the whole report before its sections (``build_report(parallel=True)``): "coding",
    #: the coded fields (``report.coding.start_coding``). Pure results, the same whichever section asks.
    shared: Mapping[str, Any] = field(default_factory=dict)
    #: Start drawing each part's charts in a forked child as soon as the part is built
    #: (``report.figures.draw_ahead``), before the section's later parts (which may wait for the coding).
    ahead: bool = False

    @property
    def responses(self) -> "Responses":
        return self.inputs.responses

    @property
    def palette(self) -> str | None:
        """The charts' palette: the instrument's report plan may name one."""
        plan = self.inputs.responses.instrument.report
        return plan.palette if plan is not None else None

    def method(self, topic: str, text: str) -> None:
        if (topic, text) not in self.methods:
            self.methods.append((topic, text))


def resolve_by(responses: "Responses", plan: "ReportPlan", options: ReportOptions) -> str | None:
    inst = responses.instrument
    by = options.by or plan.by or inst.default_by
    if by is not None and by not in inst.grouping_candidates():
        from surveykit.errors import invalid_choice

        raise invalid_choice("by", by, inst.grouping_candidates())
    return by


def section_steps(inputs: ReportInputs) -> tuple[str, ...]:
    """The steps a progress bar shows: the plan's sections, then methods and data quality."""
    from surveykit.report.plan import report_plan

    plan = report_plan(inputs.responses.instrument, has_rankings=inputs.rankings is not None)
    return (("foi",) if inputs.foi is not None else ()) + tuple(s.id for s in plan.sections) + FIXED_STEPS


def build_report(inputs: ReportInputs, options: ReportOptions | None = None, *,
                 on_step: Callable[[str], None] | None = None, parallel: bool = False) -> Report:
    """Run every analysis of the report plan and return the Report (nothing is read or written).

    ``parallel``: use forked children (``report.forked``, Linux) for work that does not need to wait: the
    coded fields are coded in one from the start, and each section's charts are drawn (PNG and SVG) in
    one as soon as the section is built (``report.figures.draw_ahead``). For a caller that writes the
    report at once without changing its figures (``surveykit report``); the numbers and bytes are the
    same either way."""
    from surveykit.reuse import reusing

    # The report counts the same columns for many tables, and codes and quotes several fields with one
    # codebook: each count, rule coder and redactor is made once for the build.
    with reusing():
        return _build(inputs, options, on_step=on_step, parallel=parallel)


def _build(inputs: ReportInputs, options: ReportOptions | None, *, on_step: Callable[[str], None] | None,
           parallel: bool) -> Report:
    from surveykit._version import __version__
    from surveykit.report.plan import report_plan

    options = (options or ReportOptions()).checked()
    step = on_step or (lambda name: None)
    responses = inputs.responses
    inst = responses.instrument
    plan = report_plan(inst, has_rankings=inputs.rankings is not None)
    by = resolve_by(responses, plan, options)
    _check_inputs_fit(inputs, plan)

    built: list[Section] = []
    methods: list[tuple[str, str]] = []
    parameters: dict[str, Any] = {}
    method_tables: list[tuple[str, str, Any, str]] = []
    disclosure_note(options, methods)
    shared: dict[str, Any] = {}
    done: dict[int, Built] = {}
    if parallel:
        _import_analyses()
        from surveykit.report.coding import coded_fields, start_coded_summaries, start_rule_coding
        from surveykit.report.sections import NO_STATISTICS

        fields = coded_fields(inputs, plan.sections)
        first = start_rule_coding(inputs, by, fields) if fields else None
        # The leading sections that need no statistics (who responded) are built before scipy.stats is
        # imported: their charts are drawn meanwhile, by a chart process that would otherwise wait for
        # the import (the rule coding alone does not fill the other core for that long).
        for i, plan_section in enumerate(plan.sections):
            if not plan_section.parts or not all(set(part.analyses) <= NO_STATISTICS for part in plan_section.parts):
                break
            step(plan_section.id)
            done[i] = build_one(plan_section, inputs, options, by, shared, ahead=True)
        from surveykit.lean_scipy import import_scipy_stats

        import_scipy_stats(lean=True)  # the tests need it here and in the children forked below
        if first is not None:
            shared["coding"] = start_coded_summaries(inputs, options, by, fields, first)
    if inputs.foi is not None:
        from surveykit.report.foi import foi_section

        step("foi")
        section, notes = foi_section(inputs.foi, suppress=options.suppress, threshold=options.threshold,
                                     reference_rate=options.foi_reference_rate)
        built.append(rounded(section) if options.suppress else section)
        _ahead(section, parallel)
        methods.extend(m for m in notes if m not in methods)
    # Sections without charts are built whole in another child. With the coding in a child, a section
    # that waits for it is built up to its first coded part when its turn comes (so its charts start
    # drawing), and finished as soon as the coding is in, the next sections being built meanwhile.
    # The results are merged in the plan's order, as if built in order (each section is built from the
    # inputs alone and its parts in order, so neither the order nor the process changes anything).
    offloaded: dict[int, Any] = {}
    if parallel:
        offloaded = {i: job for i, job in start_sections(inputs, options, by, plan).items() if i not in done}
    coding = shared.get("coding")
    # Per section, the index of its first part that codes free text (None: none, or no coding child).
    first_coded = [next((k for k, part in enumerate(s.parts) if "code" in part.analyses), None)
                   if coding is not None else None for s in plan.sections]
    todo = [i for i in range(len(plan.sections)) if i not in offloaded and i not in done]
    started: dict[int, Any] = {}
    try:
        while todo:
            pick = None
            for j in todo:  # the plan's order
                if first_coded[j] is None or coding.ready():
                    pick = j
                    break
                if j not in started:  # waits for the coding: its parts before the coded one now
                    step(plan.sections[j].id)
                    started[j] = start_one(plan.sections[j], inputs, options, by, shared, ahead=parallel,
                                           upto=first_coded[j])
            if pick is None:  # every section left waits for the coding
                pick = todo[0]
            todo.remove(pick)
            progress = started.pop(pick, None)
            if progress is None:
                step(plan.sections[pick].id)
                progress = start_one(plan.sections[pick], inputs, options, by, shared, ahead=parallel, upto=0)
            done[pick] = finish_one(progress, options, ahead=parallel)
        for i in sorted(offloaded):
            step(plan.sections[i].id)
            result = offloaded[i].result()[i]
            done[i] = result if result is not None else build_one(plan.sections[i], inputs, options, by, shared,
                                                                  ahead=parallel)
    finally:
        for job in {id(j): j for j in [*offloaded.values(), *shared.values()]}.values():
            job.close()  # collected by then, unless a section failed
    for i in range(len(plan.sections)):
        section, section_methods_, section_parameters, section_tables = done[i]
        if section is not None:
            built.append(section)
        for m in section_methods_:
            if m not in methods:
                methods.append(m)
        parameters.update(section_parameters)
        method_tables.extend(section_tables)
    step("methods")
    built.append(section_methods(methods, method_tables))
    step("data_quality")
    built.append(section_data_quality(responses))

    n = responses.n
    who = plan.respondents
    title = plan.title or inst.title or f"Survey report: {inst.id}"
    subtitle = (f"{n} {who}" + (f" ({_name(responses.source.path)})" if responses.source.path else "")
                + (f" and the youth ranking exercise ({_name(str(inputs.rankings.path))})" if inputs.rankings else "")
                + ((". No count suppressed (threshold 1), quotes redacted." if options.threshold <= 1
                    else ". Small counts suppressed, quotes redacted.") if options.suppress
                   else ". INTERNAL: small counts NOT suppressed and quotes NOT redacted."))
    from surveykit.stats import DEFAULT_SEED, MONTE_CARLO_RESAMPLES

    manifest = {
        "surveykit_version": __version__,
        "libraries": library_versions(),
        "inputs": dict(inputs.files),
        "codebooks": {
            "instrument": {"id": inst.id, "version": inst.version},
            **{f"coding:{fld}": {"id": cb.id, "version": cb.version, "codes": len(cb.codes)}
               for fld, cb in inputs.codebooks.items()},
            **({"youth_measures": {"measures": len(inputs.rankings.measures), "title": inputs.rankings.measures.title}}
               if inputs.rankings else {}),
        },
        "parameters": {
            "suppress": options.suppress, "redact_quotes": options.suppress, "threshold": options.threshold,
            "alpha": options.alpha, "padjust": options.padjust, "by": by,
            "compare_min_group_size": options.compare_min_group_size,
            "banner_min_group_size": options.banner_min_group_size,
            "voices_min_group_size": options.voices_min_group_size,
            "monte_carlo_seed": DEFAULT_SEED, "monte_carlo_resamples": MONTE_CARLO_RESAMPLES,
            "report_plan": "instrument" if inst.report is not None else "from question types",
            **parameters, **dict(options.extra),
        },
        "sections": [s.id for s in built],
    }
    report = Report(title=title, subtitle=subtitle, sections=tuple(built), manifest=manifest)
    report.check_ids()
    return report


#: One built section and what its analyses added to the methods: (section or None, methods, parameters,
#: method tables).
Built = tuple


def build_one(plan_section: Any, inputs: ReportInputs, options: ReportOptions, by: str | None,
              shared: Mapping[str, Any], *, ahead: bool = False) -> Built:
    """Build one section of the plan (rounded for publication); ``ahead``: start drawing its charts."""
    return finish_one(start_one(plan_section, inputs, options, by, shared, ahead=ahead, upto=0), options,
                      ahead=ahead)


def start_one(plan_section: Any, inputs: ReportInputs, options: ReportOptions, by: str | None,
              shared: Mapping[str, Any], *, ahead: bool, upto: int) -> Any:
    """A section with its first ``upto`` parts built (``sections.SectionProgress``); ``finish_one``
    builds the rest."""
    from surveykit.report.sections import SectionProgress

    progress = SectionProgress(plan_section, Build(inputs=inputs, options=options, by=by, shared=shared,
                                                   ahead=ahead))
    progress.build_parts(upto)
    return progress


def finish_one(progress: Any, options: ReportOptions, *, ahead: bool) -> Built:
    progress.build_parts(len(progress.plan.parts))
    section, b = progress.section(), progress.b
    if section is not None:
        section = rounded(section) if options.suppress else section
        _ahead(section, ahead)
    return section, b.methods, b.parameters, b.method_tables


def start_sections(inputs: ReportInputs, options: ReportOptions, by: str | None, plan: "ReportPlan") -> dict[int, Any]:
    """Build the plan's sections that draw no chart (``sections.CHART_FREE`` analyses only) in one
    forked child; returns section index -> the job, whose result maps each index to its ``Built`` (None:
    the parent builds that section itself)."""
    from surveykit.report.forked import Forked
    from surveykit.report.sections import CHART_FREE

    picked = [i for i, s in enumerate(plan.sections)
              if s.parts and all(set(part.analyses) <= CHART_FREE for part in s.parts)]
    if not picked:
        return {}

    def work() -> dict[int, Built | None]:
        out: dict[int, Built | None] = {}
        for i in picked:
            built = build_one(plan.sections[i], inputs, options, by, {})
            out[i] = None if built[0] is not None and built[0].charts else built  # a figure is not sent back
        return out

    job = Forked(work)
    return {i: job for i in picked}


def _import_analyses() -> None:
    """Import the analysis modules every section may use before the first child is forked: imported
    once here (the sections built in this process need them too), not once more in each child."""
    import importlib

    for name in ("surveykit.stats", "surveykit.disclosure", "surveykit.scoring", "surveykit.compare",
                 "surveykit.banner", "surveykit.report.sections", "surveykit.report.grids",
                 "surveykit.coding.summary", "surveykit.coding.check"):
        importlib.import_module(name)


def _ahead(section: Section, parallel: bool) -> None:
    if parallel and section.charts:
        from surveykit.report.chart_server import draw_charts_ahead

        draw_charts_ahead(section.charts)


def rounded(section: Section) -> Section:
    """Published numbers rounded for people: percentages to one decimal, the columns a table names in
    ``digits`` to that many decimals (means ...). Internal reports (no suppression) keep full precision."""
    from dataclasses import replace as _replace

    from surveykit.disclosure import round_published
    from surveykit.report.model import Table

    blocks = []
    for block in section.blocks:
        if isinstance(block, Table):
            frame = round_published(block.frame, percents=list(block.percent_columns))
            for col, d in block.digits.items():
                frame = round_published(frame, stats=[col], stat_digits=d)
            block = _replace(block, frame=frame)
        blocks.append(block)
    return _replace(section, blocks=tuple(blocks))


def _name(path: str) -> str:
    from pathlib import PurePath

    return PurePath(path).name


def _check_inputs_fit(inputs: ReportInputs, plan: "ReportPlan") -> None:
    """Every coded field of the plan has its codebook loaded (a caller's mistake, not the user's)."""
    for sec in plan.sections:
        for part in sec.parts:
            if "code" in part.analyses:
                missing = [q for q in part.questions if q not in inputs.codebooks]
                if missing:
                    raise UsageError(f"no codebook was loaded for the coded field(s) {', '.join(missing)}")


def disclosure_note(options: ReportOptions, methods: list[tuple[str, str]]) -> None:
    if options.suppress and options.threshold <= 1:
        methods.append(("Disclosure control", "Published tables suppress no count (threshold 1); quotes are "
                                              "redacted."))
    elif options.suppress:
        methods.append(("Disclosure control",
                        f"Published tables suppress counts of 1 to {options.threshold - 1} respondents (shown as "
                        "[c]) and every number from which such a count could be worked out (secondary "
                        "suppression); zero is shown. Ranks and orders come from the numbers shown: an item whose "
                        "ranked number is suppressed comes last, without a rank."))
    else:
        methods.append(("Disclosure control", "INTERNAL REPORT: small counts are NOT suppressed (--no-suppress)."))


def library_versions() -> dict[str, str]:
    import platform
    from importlib import metadata

    out = {"python": platform.python_version()}
    for name in ("pandas", "numpy", "scipy", "statsmodels", "pingouin", "scikit-learn", "nltk", "matplotlib",
                 "openpyxl", "pyyaml", "choix", "rich", "typer"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


# -- the two sections every report ends with ------------------------------------------------------

def issues_frames(responses: "Responses") -> tuple["pd.DataFrame", "pd.DataFrame"]:
    """The problems ``validate`` reports: a summary by code and the full list.

    Summary columns: code, severity, issues, rows_affected, example_column. List columns: row,
    column, code, severity, message (messages never contain answers).
    """
    import pandas as pd

    listing = pd.DataFrame([i.as_dict() for i in responses.issues],
                           columns=["row", "column", "code", "severity", "message"])
    if not len(listing):
        summary = pd.DataFrame(columns=["code", "severity", "issues", "rows_affected", "example_column"])
        return summary, listing
    rows = []
    for (code, severity), grp in listing.groupby(["code", "severity"], sort=True):
        cols = sorted(str(c) for c in grp["column"].dropna().unique())
        rows.append({"code": code, "severity": severity, "issues": len(grp),
                     "rows_affected": int(grp["row"].dropna().nunique()),
                     "example_column": cols[0] if cols else ""})
    summary = pd.DataFrame(rows).sort_values(["severity", "issues", "code"], ascending=[True, False, True],
                                             kind="mergesort").reset_index(drop=True)
    listing = listing.astype({"row": "Int64"})
    return summary, listing


def section_data_quality(responses: "Responses") -> Section:
    summary, listing = issues_frames(responses)
    sb = SectionBuilder("data_quality", "Data quality")
    src = responses.source
    sb.text(f"The survey export was read as {src.platform} ({src.encoding}), {src.n_rows} data rows. "
            f"Checking it against the questionnaire found {len(listing)} problem(s) "
            f"({int((listing['severity'] == 'error').sum()) if len(listing) else 0} error(s), "
            f"{int((listing['severity'] == 'warning').sum()) if len(listing) else 0} warning(s)); these are "
            "the problems 'surveykit validate' lists. Answers that could not be read are left blank and "
            "so are outside every percentage base.")
    for note in src.notes:
        sb.text(note, "note")
    sb.table("data_quality_summary", "Data problems by kind", summary)
    sb.table("data_quality_issues", "Every data problem found", listing,
             note="Messages never repeat a respondent's answer.")
    return sb.build()


def section_methods(methods: list[tuple[str, str]], method_tables: list[tuple[str, str, Any, str]], *,
                    commands: str = "score, compare, banner, rank, code") -> Section:
    import pandas as pd

    sb = SectionBuilder("methods", "Methods")
    sb.text("Every figure in this report was produced by surveykit's library functions, the same ones its "
            f"individual commands ({commands}) use; the parameters of this run and the "
            "SHA-256 hashes of its inputs are in manifest.json.")
    if methods:
        frame = pd.DataFrame([{"topic": t, "method": m} for t, m in methods])
        sb.table("methods", "Tests, corrections, suppression and coding", frame, preview=None)
    for tid, title, table, note in method_tables:
        sb.table(tid, title, table, note=note)
    return sb.build()
