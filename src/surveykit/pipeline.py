"""Pipeline entry points: from file paths to prepared data and to the whole report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from surveykit.clean import Responses
    from surveykit.report.model import Report


def load_responses(path: str | Path, *, platform: str | None = None, encoding: str | None = None,
                   mapping: str | Path | None = None, instrument: str | Path | None = None,
                   qsf: str | Path | None = None) -> "Responses":
    """Read an export and prepare it against the instrument (the shipped survey by default).

    ``qsf``: a Qualtrics survey definition used to map a Qualtrics export's columns."""
    from surveykit.clean import prepare
    from surveykit.instrument import load_instrument
    from surveykit.io import read_export
    from surveykit.io.mapping_file import load_mapping

    raw = read_export(path, platform=platform, encoding=encoding, qsf=qsf)
    doc = load_mapping(mapping) if mapping else None
    return prepare(raw, load_instrument(instrument), mapping=doc)


def build_report(survey: str | Path, *, rankings: str | Path | None = None, codebook: str | Path | None = None,
                 out: str | Path | None = None, suppress: bool = True, threshold: int | None = None,
                 alpha: float = 0.05, platform: str | None = None, encoding: str | None = None,
                 mapping: str | Path | None = None, instrument: str | Path | None = None,
                 qsf: str | Path | None = None, coded: "tuple[str | Path, ...] | list[str | Path]" = (),
                 on_step: "Callable[[str], None] | None" = None, force: bool = False) -> "Report":
    """The whole study as one Report; when ``out`` is given it is also written there (atomically).

    Every input (and ``out``) is checked before any analysis runs or any file is written. ``rankings``
    None leaves the youth sections out. ``suppress`` False (internal use only) publishes small counts
    and unredacted quotes. ``coded``: other coders' coded files of q7 (see ``surveykit agree``), for the
    coding agreement in the methods. ``on_step`` is called with each step's name (for a progress bar).
    ``force`` writes into an ``out`` folder surveykit did not create (its files are kept; see ``io.folder``).
    """
    from surveykit.report.build import ReportOptions, build_report as _build, check_inputs
    from surveykit.report.writers import write_report

    opts = ReportOptions(survey=Path(survey), rankings=Path(rankings) if rankings else None,
                         codebook=Path(codebook) if codebook else None, suppress=suppress, threshold=threshold,
                         alpha=alpha, platform=platform, encoding=encoding,
                         mapping=Path(mapping) if mapping else None,
                         instrument=Path(instrument) if instrument else None,
                         qsf=Path(qsf) if qsf else None,
                         coded=tuple(Path(c) for c in coded))
    check_inputs(opts, Path(out) if out is not None else None, force=force)
    report = _build(opts, on_step=on_step)
    if out is not None:
        write_report(report, out, on_step=on_step, force=force)
    return report
