"""A report of local authority FOI returns alone: ``surveykit report --foi FILE`` with no survey.

The section "What local authorities told us" (``report.foi.foi_section``) and the methods, with the
title, subtitle and manifest a report has, written by the same writers (HTML, Markdown, Word, workbook,
CSV, charts)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from surveykit.foi.returns import Returns
    from surveykit.report.build import ReportOptions
    from surveykit.report.model import Report

TITLE = "Local authority FOI returns"
#: The progress steps of a report of FOI returns alone (``on_step`` is called with each).
FOI_REPORT_STEPS = ("foi", "methods")


def build_foi_report(returns: "Returns", options: "ReportOptions | None" = None, *,
                     files: Mapping[str, Mapping[str, Any]], on_step: Callable[[str], None] | None = None,
                     parallel: bool = False) -> "Report":
    """The report of ``returns`` alone. ``files``: what the manifest records of the inputs (path and
    SHA-256 per returns file). ``parallel``: draw the charts in the chart process meanwhile."""
    from surveykit._version import __version__
    from surveykit.report.build import ReportOptions, _ahead, library_versions, rounded, section_methods
    from surveykit.report.foi import foi_section
    from surveykit.report.model import Report

    options = (options or ReportOptions()).checked()
    step = on_step or (lambda name: None)
    step("foi")
    section, notes = foi_section(returns, suppress=options.suppress, threshold=options.threshold,
                                 reference_rate=options.foi_reference_rate)
    section = rounded(section) if options.suppress else section
    _ahead(section, parallel)
    # The FOI notes say how counts of children are suppressed; an internal report says it is not.
    methods = ([] if options.suppress else
               [("Disclosure control", "INTERNAL REPORT: small counts are NOT suppressed (--no-suppress).")])
    methods += [m for m in notes if m not in methods]
    step("methods")
    built = (section, section_methods(methods, [], commands="foi summary, foi change"))
    waves = list(returns.waves)
    authorities = {r.authority_id for w in waves for r in returns.in_wave(w)}
    names = ", ".join(_name(str(path)) for path, _ in returns.sources)
    subtitle = (f"Returns of {len(authorities)} local authorities ({names}); "
                f"{'wave' if len(waves) == 1 else 'waves'} {', '.join(waves)}"
                + ((". No count suppressed (threshold 1)." if options.threshold <= 1 else ". Small counts suppressed.")
                   if options.suppress
                   else ". INTERNAL: small counts NOT suppressed."))
    manifest = {
        "surveykit_version": __version__,
        "libraries": library_versions(),
        "inputs": {k: dict(v) for k, v in files.items()},
        "codebooks": {},
        "parameters": {"suppress": options.suppress, "threshold": options.threshold,
                       "foi_reference_rate": None if options.foi_reference_rate is None
                       else str(options.foi_reference_rate)},
        "sections": [s.id for s in built],
    }
    report = Report(title=TITLE, subtitle=subtitle, sections=built, manifest=manifest)
    report.check_ids()
    return report


def _name(path: str) -> str:
    from pathlib import PurePath

    return PurePath(path).name
