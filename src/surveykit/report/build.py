"""build_report: every input checked, every analysis run, the whole study as one ``Report``.

Order of work: (1) check every input path before anything else (a bad path is one clear line and
exit 2, nothing written); (2) load and prepare the data; (3) run each analysis through the same
library functions the individual commands use (``score``, ``compare``, ``rank``, ``code`` ...);
(4) assemble frozen Sections. Writing the folder is ``surveykit.report.writers.write_report``.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from surveykit.errors import InputError, UsageError
from surveykit.report.model import Report, Section, SectionBuilder

if TYPE_CHECKING:
    import pandas as pd

    from surveykit.clean import Responses

DEFAULT_SAMPLE_DIR = Path("responses/sample")
DEFAULT_SURVEY = DEFAULT_SAMPLE_DIR / "professional_survey.csv"
DEFAULT_RANKINGS = DEFAULT_SAMPLE_DIR / "youth_ranking.csv"
DEFAULT_OUT = Path("reports/sample")

#: The order of the study; the build steps the progress bar counts.
SECTION_ORDER = ("who_responded", "why_missing", "closed_questions", "statements", "effectiveness",
                 "youth_ranking", "youth_vs_professionals", "methods", "data_quality")
BUILD_STEPS = ("inputs", "who_responded", "why_missing", "closed_questions", "statements", "effectiveness",
               "youth_ranking", "youth_vs_professionals", "methods", "data_quality")


@dataclass(frozen=True)
class ReportOptions:
    """Every parameter of a report run (recorded in manifest.json).

    survey: the professional survey export; rankings: the youth ranking file (None: youth sections
    are left out); codebook: the missing-reasons codebook (None: the shipped one); suppress: apply
    small-count suppression and quote redaction (False only for internal use); threshold: the
    smallest count published (None: the disclosure module's default).
    """

    survey: Path
    rankings: Path | None = None
    codebook: Path | None = None
    suppress: bool = True
    threshold: int | None = None
    alpha: float = 0.05
    platform: str | None = None
    encoding: str | None = None
    mapping: Path | None = None
    instrument: Path | None = None
    qsf: Path | None = None
    coded: tuple[Path, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


# -- inputs ------------------------------------------------------------------------------------

def check_file(path: Path | None, option: str) -> None:
    """An input must be an existing, readable, non-empty file; the message names the option."""
    if path is None:
        return
    from surveykit.io.files import input_problem

    p = Path(path)
    if p.is_dir():
        raise InputError(f"{option}: is a folder, expected a file", path=p)
    problem = input_problem(p)
    if problem:
        raise InputError(f"{option}: {problem}", path=p)
    if not os.access(p, os.R_OK):
        raise InputError(f"{option}: file is not readable", path=p)
    if p.stat().st_size == 0:
        raise InputError(f"{option}: file is empty", path=p)


def check_out(out: Path, *, force: bool = False) -> None:
    """``--out`` may be a new or empty folder or a previous report (``io.folder``); never a file, and
    some other folder only with ``force`` (whose files are then kept)."""
    from surveykit.io.folder import check_output_folder, manifest_listed_files
    from surveykit.report.writers import REPORT_NAMES

    check_output_folder(out, kind="report", force=force, legacy=manifest_listed_files, legacy_names=REPORT_NAMES,
                        expected=REPORT_NAMES)


def check_inputs(options: ReportOptions, out: Path | None = None, *, force: bool = False) -> None:
    if options.threshold is not None and int(options.threshold) < 1:
        raise UsageError(f"--threshold must be a whole number of at least 1; got {options.threshold!r}")
    if not 0 < float(options.alpha) < 1:
        raise UsageError(f"alpha must be strictly between 0 and 1; got {options.alpha!r}")
    check_file(options.survey, "--survey")
    check_file(options.rankings, "--rankings")
    check_file(options.codebook, "--codebook")
    check_file(options.mapping, "--mapping")
    check_file(options.instrument, "--instrument")
    check_file(options.qsf, "--qsf")
    for p in options.coded:
        check_file(p, "--coded")
    if out is not None:
        check_out(out, force=force)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


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


# -- foundation sections -------------------------------------------------------------------------

def sector_labels(responses: "Responses") -> dict[str, str]:
    return {s.id: s.label for s in responses.instrument.sectors}


def who_responded_frame(responses: "Responses") -> "pd.DataFrame":
    """Respondents by sector in the instrument's order, with completion.

    Columns: sector (id, "unknown" when blank or unrecognised), sector_label, respondents,
    pct_of_respondents (0-100), completed, pct_completed (0-100 of the sector's respondents).
    The last row is the total.
    """
    import pandas as pd

    data = responses.data
    sector = data["sector"].map(lambda s: s if isinstance(s, str) else "unknown")
    labels = {**sector_labels(responses), "unknown": "Not given / not recognised"}
    order = [s.id for s in responses.instrument.sectors] + ["unknown"]
    n_total = len(data)
    rows = []
    for sid in order:
        mask = sector == sid
        n = int(mask.sum())
        if n == 0 and sid == "unknown":
            continue
        done = int(data.loc[mask, "completed"].sum())
        rows.append({"sector": sid, "sector_label": labels[sid], "respondents": n,
                     "pct_of_respondents": 100.0 * n / n_total if n_total else float("nan"),
                     "completed": done, "pct_completed": 100.0 * done / n if n else float("nan")})
    done = int(data["completed"].sum())
    rows.append({"sector": "total", "sector_label": "All respondents", "respondents": n_total,
                 "pct_of_respondents": 100.0 if n_total else float("nan"), "completed": done,
                 "pct_completed": 100.0 * done / n_total if n_total else float("nan")})
    return pd.DataFrame(rows)


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


def protect_completion(frame: "pd.DataFrame", threshold: int) -> "pd.DataFrame":
    """Disclosure control of the completion split: sectors x (completed, not completed) with the sector
    sizes and the totals as margins (``disclosure.suppress``); a hidden count hides its percentage."""
    import pandas as pd

    from surveykit import disclosure

    body = frame[frame["sector"] != "total"]
    table = pd.DataFrame({"completed": body["completed"].to_numpy(),
                          "not_completed": (body["respondents"] - body["completed"]).to_numpy()},
                         index=list(body["sector"]))
    protected = disclosure.suppress(table, threshold=threshold)
    out = frame.astype({"completed": object, "pct_completed": object}).copy()
    for i, sid in zip(out.index, out["sector"]):
        if sid in protected.index and disclosure.MARKER in tuple(protected.loc[sid]):
            out.at[i, "completed"] = disclosure.MARKER
            out.at[i, "pct_completed"] = disclosure.MARKER
    return out


def section_who_responded(responses: "Responses", ctx: "Context") -> Section:
    from surveykit.report.sections import threshold

    frame = who_responded_frame(responses)
    total = frame.iloc[-1]
    sb = SectionBuilder("who_responded", "Who responded")
    sb.text(f"{int(total['respondents'])} professionals answered the survey and {int(total['completed'])} "
            f"({total['pct_completed']:.0f}%) completed it. Percentages elsewhere in this report are of the valid "
            "answers to each question (blank and 'Don't know' answers are not in the base), and the base is "
            "shown beside each one.")
    counts = frame[frame["sector"] != "total"].sort_values("respondents", ascending=False, kind="mergesort")
    if len(counts):
        top = counts.iloc[0]
        sb.text(f"The largest group was {top['sector_label']} ({int(top['respondents'])} respondents).")
    shown = protect_completion(frame, threshold(ctx)) if ctx.options.suppress else frame
    sb.table("who_responded_by_sector", "Respondents by sector and completion", shown,
             percent_columns=["pct_of_respondents", "pct_completed"],
             note="Sector sizes are shown in full: they describe the sample. The completion split is protected "
                  "like every published table.")
    if not ctx.options.suppress or not (shown["completed"].astype(object) == "[c]").any():
        from surveykit.report.charts import respondents_chart

        sb.chart("who_responded_by_sector", "Respondents by sector (completed and not completed)",
                 respondents_chart(frame), alt="Horizontal bar chart of respondents per sector")
    else:
        from surveykit.report.charts import sector_sizes_chart

        sb.chart("who_responded_by_sector", "Respondents by sector", sector_sizes_chart(frame),
                 alt="Horizontal bar chart of respondents per sector")
    return sb.build()


def section_data_quality(responses: "Responses", ctx: "Context") -> Section:
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


def load_codebooks(ctx: "Context") -> None:
    """Load the missing-reasons codebook (a broken one fails here, before any output)."""
    from surveykit.coding.codebook import default_codebook_path, load_codebook

    path = Path(ctx.options.codebook) if ctx.options.codebook else default_codebook_path()
    codebook = load_codebook(path)
    ctx.cache["codebook"] = codebook
    ctx.codebooks["missing_reasons"] = {"id": codebook.id, "version": codebook.version, "path": str(path)}
    if "codebook" not in ctx.inputs:
        ctx.inputs["codebook"] = {"path": str(path), "sha256": sha256_file(path)}


# -- the context passed to sections ----------------------------------------------------------------

@dataclass
class Context:
    """What every section builder may use: options, loaded inputs and method notes collected on the way."""

    options: ReportOptions
    responses: "Responses"
    methods: list[tuple[str, str]] = field(default_factory=list)  # (topic, sentence)
    parameters: dict[str, Any] = field(default_factory=dict)
    codebooks: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, Any] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)

    def method(self, topic: str, text: str) -> None:
        if (topic, text) not in self.methods:
            self.methods.append((topic, text))


def section_methods(responses: "Responses", ctx: Context) -> Section:
    import pandas as pd

    sb = SectionBuilder("methods", "Methods")
    sb.text("Every figure in this report was produced by surveykit's library functions, the same ones its "
            "individual commands (score, compare, banner, rank, code) use; the parameters of this run and the "
            "SHA-256 hashes of its inputs are in manifest.json.")
    if ctx.methods:
        frame = pd.DataFrame([{"topic": t, "method": m} for t, m in ctx.methods])
        sb.table("methods", "Tests, corrections, suppression and coding", frame, preview=None)
    for tid, title, table, note in ctx.cache.get("method_tables", []):
        sb.table(tid, title, table, note=note)
    return sb.build()


# -- the whole report ------------------------------------------------------------------------------

SectionFn = Callable[["Responses", Context], "Section | None"]


def section_functions() -> dict[str, SectionFn]:
    """Section id -> builder, in the order of the study. Analysis sections live in report/sections.py."""
    from surveykit.report import sections

    return {
        "who_responded": section_who_responded,
        "why_missing": sections.section_why_missing,
        "closed_questions": sections.section_closed_questions,
        "statements": sections.section_statements,
        "effectiveness": sections.section_effectiveness,
        "youth_ranking": sections.section_youth_ranking,
        "youth_vs_professionals": sections.section_youth_vs_professionals,
        "methods": section_methods,
        "data_quality": section_data_quality,
    }


def build_report(options: ReportOptions, *, on_step: Callable[[str], None] | None = None) -> Report:
    """Check the inputs, run every analysis and return the Report (nothing is written)."""
    from surveykit import __version__
    from surveykit.instrument import default_instrument_path
    from surveykit.pipeline import load_responses

    step = on_step or (lambda name: None)
    step("inputs")
    check_inputs(options)
    responses = load_responses(options.survey, platform=options.platform, encoding=options.encoding,
                               mapping=options.mapping, instrument=options.instrument,
                               qsf=options.qsf)
    ctx = Context(options=options, responses=responses)
    instrument_path = Path(options.instrument) if options.instrument else default_instrument_path()
    ctx.inputs["survey"] = {"path": str(options.survey), "sha256": sha256_file(Path(options.survey)),
                            "platform": responses.source.platform, "encoding": responses.source.encoding,
                            "rows": responses.source.n_rows}
    ctx.inputs["instrument"] = {"path": str(instrument_path), "sha256": sha256_file(instrument_path)}
    for role, p in (("rankings", options.rankings), ("codebook", options.codebook), ("mapping", options.mapping)):
        if p is not None:
            ctx.inputs[role] = {"path": str(p), "sha256": sha256_file(Path(p))}
    for i, p in enumerate(options.coded, 1):
        ctx.inputs[f"coded_{i}"] = {"path": str(p), "sha256": sha256_file(Path(p))}
    ctx.codebooks["instrument"] = {"id": responses.instrument.id, "version": responses.instrument.version}
    load_codebooks(ctx)
    # Sections run in an order where the data they share is computed once (see sections.prepare()).
    from surveykit.report import sections as _sections

    _sections.prepare(responses, ctx)
    built: list[Section] = []
    for sid, fn in section_functions().items():
        step(sid)
        section = fn(responses, ctx)
        if section is not None:
            built.append(section)
    title = "Trafficked and unaccompanied children missing from care: survey report"
    n = responses.n
    subtitle = (f"{n} professional respondents ({Path(options.survey).name})"
                + (f" and the youth ranking exercise ({Path(options.rankings).name})" if options.rankings else "")
                + (". Small counts suppressed, quotes redacted." if options.suppress
                   else ". INTERNAL: small counts NOT suppressed and quotes NOT redacted."))
    manifest = {
        "surveykit_version": __version__,
        "libraries": library_versions(),
        "inputs": ctx.inputs,
        "codebooks": ctx.codebooks,
        "parameters": {
            "survey": str(options.survey), "rankings": str(options.rankings) if options.rankings else None,
            "codebook": str(options.codebook) if options.codebook else None, "suppress": options.suppress,
            "redact_quotes": options.suppress, "alpha": options.alpha, "platform": options.platform,
            "encoding": options.encoding, "mapping": str(options.mapping) if options.mapping else None,
            "instrument": str(options.instrument) if options.instrument else None,
            "coded": [str(p) for p in options.coded],
            **ctx.parameters, **options.extra,
        },
        "sections": [s.id for s in built],
    }
    report = Report(title=title, subtitle=subtitle, sections=tuple(built), manifest=manifest)
    report.check_ids()
    return report
