"""No import the path does not need (issue 14.3): the reading and statistics commands, run as a user
runs them in one fresh process, load neither pingouin nor statsmodels (scipy computes the tests) nor
the report's libraries (matplotlib, python-docx, openpyxl) nor nltk, nor pydantic (Typer's coercion of
option values, taken without it for plain values: cli.coerce)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import SAMPLE_SURVEY

NOT_NEEDED = ("pingouin", "statsmodels", "nltk", "matplotlib", "docx", "openpyxl", "sklearn")


def _not_needed() -> tuple[str, ...]:
    """NOT_NEEDED, and pydantic where cli.coerce takes over Typer's coercion (a Typer it was verified
    with; a newer one keeps its own, which imports pydantic)."""
    from surveykit.cli import coerce

    return NOT_NEEDED + (("pydantic",) if coerce.typer_version() in coerce.VERIFIED else ())


def _loaded_after(commands: list[list[str]], watched: list[str]) -> tuple[str, list[str]]:
    """Run ``commands`` (argument lists of ``surveykit``) one after the other in one fresh process, as
    the CLI runs them: (their stdout, the modules of ``watched`` that were then imported)."""
    code = (
        "import json, sys\n"
        "from surveykit.cli import app\n"
        f"for args in {commands!r}:\n"
        "    try:\n"
        "        app(args=args, prog_name='surveykit')\n"
        "    except SystemExit as exc:\n"
        "        assert exc.code in (0, None), (args, exc.code)\n"
        f"print(json.dumps([m for m in {watched!r} if m in sys.modules]), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "MPLBACKEND": "Agg"})
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout, json.loads(result.stderr.strip().splitlines()[-1])


def test_validate_score_compare_and_banner_load_only_what_they_use():
    path = str(SAMPLE_SURVEY)
    out, loaded = _loaded_after([["validate", path], ["score", path, "--format", "csv"],
                                 ["compare", path, "--by", "sector", "--format", "csv"],
                                 ["banner", path, "--question", "q45", "--format", "csv"]], list(_not_needed()))
    assert loaded == [], f"these commands imported {loaded}"
    assert "p_value" in out  # the compare table was printed: the tests really ran


def test_the_foi_commands_banner_voices_and_rank_do_not_import_scipy_stats():
    """``foi summary``, ``foi change``, ``banner``, ``voices`` and ``rank`` compute their tests with
    scipy.special (``stats.spearman``, ``two_proportion_z``, ``welch_t``, ``friedman``, ``chi2_sf``): all of
    scipy.stats (about 0.3 s to import) is not loaded, nor any library of NOT_NEEDED."""
    from conftest import SAMPLE_RANKINGS

    from foi_data import SAMPLE_CSV  # the CSV returns: a workbook would need openpyxl, rightly

    path, survey, ranks = str(SAMPLE_CSV), str(SAMPLE_SURVEY), str(SAMPLE_RANKINGS)
    out, loaded = _loaded_after([["foi", "summary", path],
                                 ["foi", "summary", path, "--table", "size_test", "--format", "csv"],
                                 ["foi", "change", path, "--format", "csv"],
                                 ["banner", survey, "--question", "q45", "--format", "csv"],
                                 ["voices", survey, ranks, "--format", "csv"], ["rank", ranks, "--format", "json"]],
                                ["scipy.stats", *_not_needed()])
    assert loaded == [], f"these commands imported {loaded}"
    # the size test, the change tests, the banner's letters and the voices' correlations really ran
    assert "spearman" in out and "two_proportion_z" in out
    assert "mean_higher_than" in out and "spearman_rho" in out
    assert "friedman_p" in out and "kendall_p" in out


def test_the_commands_that_run_tests_import_scipy_stats_lean_and_the_library_as_usual():
    """compare imports scipy.stats without scipy's docstring rewriting
    (``lean_scipy.import_scipy_stats(lean=True)``; the same numbers, ``test_report_speed4_imports_fonts``); a
    program that calls the library imports it as scipy does (a fresh process each: the first import
    decides)."""
    note = "Array API Standard Support"
    code = (
        "import json, sys\n"
        "from surveykit.cli import app\n"
        f"path = {str(SAMPLE_SURVEY)!r}\n"
        "args = {'compare': ['compare', path, '--by', 'sector', '--format', 'csv'], 'library': None}[sys.argv[1]]\n"
        "if args is None:\n"
        "    import surveykit as sk\n"
        "    sk.compare(sk.read(path), by='sector')\n"
        "else:\n"
        "    try:\n"
        "        app(args=args, prog_name='surveykit')\n"
        "    except SystemExit as exc:\n"
        "        assert exc.code in (0, None), (args, exc.code)\n"
        "import scipy.stats\n"
        f"print(json.dumps({note!r} in (scipy.stats.mannwhitneyu.__doc__ or '')), file=sys.stderr)\n"
    )
    noted = {}
    for name in ("library", "compare"):
        result = subprocess.run([sys.executable, "-c", code, name], capture_output=True, text=True, timeout=300,
                                env={**os.environ, "MPLBACKEND": "Agg"})
        assert result.returncode == 0, (name, result.stderr[-2000:])
        noted[name] = json.loads(result.stderr.strip().splitlines()[-1])
    if not noted["library"]:
        pytest.skip("this scipy appends no note to its docstrings: nothing tells the two imports apart")
    assert noted == {"library": True, "compare": False}
