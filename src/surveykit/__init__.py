"""surveykit: survey analysis and qualitative coding, from raw export to report.

The front door of the library (the same defaults as the command line: small counts suppressed,
quotes redacted)::

    import surveykit as sk

    responses = sk.read("export.csv", instrument="my_survey.yaml")
    sk.score(responses, questions="satisfaction", by="department")
    sk.compare(responses, questions=["teaching", "support"])
    coded = sk.code(responses, "comments")
    sk.report(responses).write("reports/2026")

Names are imported on first use, so ``import surveykit`` (and ``surveykit --help``) stays instant.
"""

from __future__ import annotations

import sys
import types
from typing import Any

from surveykit._version import __version__

#: name -> module that defines it (imported lazily)
_EXPORTS = {
    "read": "surveykit.api", "read_rankings": "surveykit.api", "read_coded": "surveykit.api",
    "load_instrument": "surveykit.api", "load_codebook": "surveykit.api", "sample_path": "surveykit.api",
    "read_foi": "surveykit.api",
    "score": "surveykit.api", "rank_grid": "surveykit.api", "compare": "surveykit.api", "banner": "surveykit.api",
    "code": "surveykit.api", "rank": "surveykit.api", "report": "surveykit.api",
    "Report": "surveykit.api", "Coded": "surveykit.api", "Ranked": "surveykit.api",
    "Responses": "surveykit.clean", "Instrument": "surveykit.instrument",
    "SurveykitError": "surveykit.errors", "InputError": "surveykit.errors", "UsageError": "surveykit.errors",
    "InstrumentError": "surveykit.errors", "CodebookError": "surveykit.errors", "AnalysisError": "surveykit.errors",
}

__all__ = ["__version__", *_EXPORTS]


class _FrontDoor(types.ModuleType):
    """``sk.compare``, ``sk.banner`` and ``sk.report`` are functions, though modules of the same names
    exist (``surveykit.compare`` ...). Python sets a package attribute for every submodule it imports;
    refusing that for the front door's names keeps the functions reachable. The submodules stay
    importable by their full names (``from surveykit.compare import compare``)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _EXPORTS and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _FrontDoor


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'surveykit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
