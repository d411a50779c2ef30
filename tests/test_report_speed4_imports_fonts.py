"""Fourth round of ``surveykit report`` speed (issue 14): what the report process skips must change
nothing but time.

* ``stats.import_scipy_stats(lean=True)`` imports scipy.stats without the docstring rewriting scipy
  does at import: the same functions and numbers, only the appended notes are missing, and every module
  of scipy is given its own docstring parser back afterwards;
* ``charts.base.shared_text_metrics`` also shares the font lookup and the font's line-metric tables
  while text is measured or drawn, and charts laid out with it (``stack_below``) and saved with it are
  byte-identical to charts laid out and saved by matplotlib alone.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys

import pytest

from chart_checks import matplotlib_bytes

_SCIPY_PROBE = r"""
import json, sys
from surveykit.stats import import_scipy_stats
import_scipy_stats(lean=LEAN)
import_scipy_stats(lean=LEAN)  # a second call does nothing
import scipy.stats
import scipy._lib._docscrape as docscrape
parsers = sorted(name for name, m in list(sys.modules.items())
                 if getattr(m, "__dict__", {}).get("FunctionDoc") not in (None, docscrape.FunctionDoc))
chi = scipy.stats.chi2_contingency([[12, 5, 9], [7, 15, 4]])
mwu = scipy.stats.mannwhitneyu([1, 4, 2, 8, 5], [3, 9, 7, 6, 11, 10])
doc = scipy.stats.mannwhitneyu.__doc__ or ""
print(json.dumps({"parsers": parsers, "parser": docscrape.FunctionDoc.__name__,
                  "numbers": [repr(chi.statistic), repr(chi.pvalue), repr(mwu.statistic), repr(mwu.pvalue)],
                  "has_doc": "Mann-Whitney" in doc, "note": "Array API Standard Support" in doc}))
"""


def _probe(lean: bool) -> dict:
    out = subprocess.run([sys.executable, "-c", _SCIPY_PROBE.replace("LEAN", str(lean))], capture_output=True,
                         text=True, check=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_lean_scipy_import_changes_only_the_docstrings():
    pytest.importorskip("scipy")
    lean, usual = _probe(True), _probe(False)
    assert lean["numbers"] == usual["numbers"]  # the same functions give the same numbers
    assert lean["parsers"] == [] and lean["parser"] == "FunctionDoc"  # every module has its parser back
    assert lean["has_doc"] and usual["has_doc"]  # functions keep their own docstrings
    if usual["note"]:  # a scipy that appends the note: the lean import skipped exactly that step
        assert not lean["note"]


_STRICT_SCIPY = r"""
import importlib.abc, json, sys
import scipy._lib._docscrape as docscrape
real = docscrape.FunctionDoc

class NeedsTheParser(importlib.abc.MetaPathFinder):
    # A scipy whose import needs more of the docstring parser than the stand-in offers.
    def find_spec(self, name, path, target=None):
        if name == "scipy.stats._stats_py" and docscrape.FunctionDoc is not real:
            raise AttributeError("this scipy needs the real parser")
        return None

sys.meta_path.insert(0, NeedsTheParser())
from surveykit.stats import import_scipy_stats
import_scipy_stats(lean=True)
import scipy.stats
print(json.dumps({"pvalue": repr(scipy.stats.mannwhitneyu([1, 4, 2, 8, 5], [3, 9, 7, 6, 11, 10]).pvalue),
                  "parser": docscrape.FunctionDoc is real}))
"""


def test_a_scipy_that_fails_under_the_stand_in_is_imported_the_usual_way():
    pytest.importorskip("scipy")
    out = subprocess.run([sys.executable, "-c", _STRICT_SCIPY], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    import scipy.stats

    assert got["parser"]
    assert got["pvalue"] == repr(scipy.stats.mannwhitneyu([1, 4, 2, 8, 5], [3, 9, 7, 6, 11, 10]).pvalue)


def _chart():
    """A chart with several fonts (sizes, weights, a serif and a monospace label, mathtext), a legend
    and a footnote placed by ``stack_below``."""
    from surveykit.charts.base import footnote, new_figure, stack_below

    fig = new_figure(7, 4)
    ax = fig.add_subplot()
    ax.barh([0, 1, 2], [30, 45, 25], color="#0072B2", label="first kind")
    ax.barh([0, 1, 2], [10, 5, 20], left=[30, 45, 25], color="#E69F00", label="second kind")
    ax.set_yticks([0, 1, 2], ["A long label\non two lines", "Short", r"With $\alpha^2$ maths"], fontsize=8)
    ax.set_title("A bold title", fontweight="bold", fontsize=11, loc="left")
    ax.set_xlabel("a serif axis label", family="serif")
    ax.text(50, 1, "monospace n=45", family="monospace", fontsize=7)
    legend = ax.legend(ncol=2, fontsize=8, frameon=False)
    stack_below(fig, ax, [legend, footnote(fig, "A footnote in small type that runs on for a while. " * 3)])
    return fig


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_a_chart_laid_out_and_saved_with_shared_fonts_has_matplotlibs_bytes(monkeypatch, fmt):
    pytest.importorskip("matplotlib")
    from surveykit.charts import base
    from surveykit.report import figures

    base.METRICS.clear()
    base.FONTS.clear()
    base.FONT_TABLES.clear()
    shared = figures.draw(_chart(), fmt)  # laid out and saved with everything shared
    assert base.FONTS and base.FONT_TABLES  # the font lookups were shared ...
    again = figures.draw(_chart(), fmt)  # ... and a second chart reads them from the shared tables
    monkeypatch.setattr(base, "shared_text_metrics", contextlib.nullcontext)  # stack_below alone
    alone = matplotlib_bytes(_chart(), fmt)
    assert shared == alone
    assert again == alone


def test_the_shared_fonts_are_put_back_even_on_an_error():
    pytest.importorskip("matplotlib")
    import matplotlib.text as mtext

    from surveykit.charts.base import shared_text_metrics

    before = (mtext.fontManager, mtext.get_font, mtext._get_text_metrics_with_cache)
    with pytest.raises(RuntimeError):
        with shared_text_metrics():
            assert mtext.get_font is not before[1]
            with shared_text_metrics():  # nested: put back in order
                pass
            raise RuntimeError("stop")
    assert (mtext.fontManager, mtext.get_font, mtext._get_text_metrics_with_cache) == before


def test_a_report_collects_less_often_and_puts_the_thresholds_back():
    import gc

    from surveykit.pipeline import REPORT_GC_THRESHOLD, fewer_collections

    old = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        with pytest.raises(RuntimeError):
            with fewer_collections():
                assert gc.get_threshold() == (REPORT_GC_THRESHOLD, 10, 10)
                raise RuntimeError("stop")
        assert gc.get_threshold() == (700, 10, 10)
        gc.set_threshold(50_000, 5, 5)  # a process that collects even less often keeps its setting
        with fewer_collections():
            assert gc.get_threshold() == (50_000, 5, 5)
        assert gc.get_threshold() == (50_000, 5, 5)
    finally:
        gc.set_threshold(*old)


def test_the_report_command_leaves_the_collector_as_it_found_it(tmp_path, cli, monkeypatch):
    """The CLI in-process: the report's build runs with the raised threshold, and the process that ran
    the command has its own thresholds back afterwards. The build is stopped where the analysis would
    start (the sample is read, then a data error), so the command's own path is run without a whole
    report: the way back is the same for every outcome (a context manager)."""
    import gc

    import surveykit.api as api
    from conftest import SAMPLE_SURVEY
    from surveykit.errors import AnalysisError
    from surveykit.pipeline import REPORT_GC_THRESHOLD

    if not SAMPLE_SURVEY.exists():
        pytest.skip("the sample study has not been generated")
    seen = []

    def stop(*args, **kwargs):
        seen.append(gc.get_threshold())
        raise AnalysisError("stopped by the test")

    monkeypatch.setattr(api, "report", stop)
    old = gc.get_threshold()
    result = cli("report", "--survey", str(SAMPLE_SURVEY), "--out", str(tmp_path / "r"))
    assert result.returncode == AnalysisError.exit_code and "stopped by the test" in result.stderr, result.stderr
    assert seen == [(max(old[0], REPORT_GC_THRESHOLD), *old[1:])]
    assert gc.get_threshold() == old
    assert not (tmp_path / "r").exists()


_F2PY_PROBE = r"""
import json, sys
import numpy
from surveykit.stats import import_scipy_stats
import_scipy_stats(lean=True)
after = {"f2py": "numpy.f2py" in sys.modules, "attribute": "f2py" in numpy.__dict__}
import scipy._lib.array_api_compat.numpy as xp
names = getattr(xp, "__all__", [])
lazy = callable(xp.f2py.run_main) if "f2py" in names else None  # the stand-in hands out the real names
import numpy.f2py
print(json.dumps({"after": after, "lazy": lazy, "real": numpy.f2py.__file__.endswith("__init__.py"),
                  "run_main": callable(numpy.f2py.run_main)}))
"""


def test_lean_scipy_import_leaves_f2py_unimported_and_importable():
    """scipy's array API layer copies numpy's namespace, which imports numpy.f2py (and
    charset_normalizer with it) for nothing; the lean import defers it: not imported after
    scipy.stats, and importable as usual afterwards."""
    pytest.importorskip("scipy")
    out = subprocess.run([sys.executable, "-c", _F2PY_PROBE], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["after"] == {"f2py": False, "attribute": False}
    assert got["lazy"] in (True, None)
    assert got["real"] and got["run_main"]
