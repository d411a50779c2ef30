"""Shared fixtures: paths, the external fixtures folder, the shared sample, and running the CLI.

``run_cli`` / the ``cli`` fixture run the Typer app *in this process* (click's test runner), which
spares every CLI test a new interpreter and a fresh import of pandas. The result looks like
``subprocess.CompletedProcess`` (``returncode``, ``stdout``, ``stderr``) and behaves like the real
command: separate stdout and stderr, exit codes from ``typer.Exit`` / ``SystemExit``, click's usage
errors (exit 2), and an uncaught exception rendered as a traceback on stderr with exit 1, exactly
as Python would print it, so "no traceback" checks keep their meaning. ``run_cli_subprocess`` starts
a real ``python -m surveykit`` for the few tests that need a process (terminals, signals, import
hygiene, the installed package).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import subprocess
import sys
import traceback
import warnings
from pathlib import Path

import pytest

# Charts are drawn without a display, in every process the tests start and in this one (set before
# matplotlib is imported anywhere).
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXTERNAL = SHARED / "fixtures" / "external"
SAMPLE_DIR = ROOT / "responses" / "sample"
SAMPLE_SURVEY = SAMPLE_DIR / "professional_survey.csv"
SAMPLE_RANKINGS = SAMPLE_DIR / "youth_ranking.csv"
CODEBOOKS = ROOT / "codebooks"
PROG_NAME = "surveykit"

# The warning filters of a fresh interpreter started without -W: a command run in-process shows the
# warnings a user would see on stderr, not pytest's own selection.
_FRESH_PROCESS_FILTERS = (
    ("default", DeprecationWarning, "__main__"),
    ("ignore", DeprecationWarning, None),
    ("ignore", PendingDeprecationWarning, None),
    ("ignore", ImportWarning, None),
    ("ignore", ResourceWarning, None),
)


@pytest.fixture
def external():
    """The folder of real exports written by other people; the test skips when it is absent."""
    if not EXTERNAL.is_dir():
        pytest.skip("../shared/fixtures/external is not present")
    return EXTERNAL


# -- the CLI, in a real process ------------------------------------------------------------------

def run_cli_subprocess(*args: str, cwd: Path | None = None, input: str | None = None, timeout: float = 300,
                       env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ``surveykit ARGS`` in a new process exactly as a user would (``python -m surveykit``)."""
    full_env = {**os.environ, **(env or {})}
    full_env.setdefault("MPLBACKEND", "Agg")
    return subprocess.run([sys.executable, "-m", "surveykit", *map(str, args)], cwd=cwd or ROOT,
                          capture_output=True, text=True, input=input, timeout=timeout, env=full_env)


# -- the CLI, in this process --------------------------------------------------------------------

_command = None
_instrument_cache: dict = {}


def _click_command():
    """The click command behind ``surveykit`` (built once: the app's commands do not change)."""
    global _command
    if _command is None:
        import typer.main

        from surveykit.cli import app

        _command = typer.main.get_command(app)
    return _command


def _instrument_loader(original):
    """The instrument cache of a fresh process: a file is parsed again when its content changed.

    ``load_instrument`` caches by path (one process reads an instrument once); in this process one
    test may rewrite an instrument file that an earlier run read, so runs here are cached by path and
    content (what a new process would see)."""
    parse = original.__wrapped__

    def load(resolved: str, shown: str):
        try:
            digest = hashlib.sha256(Path(resolved).read_bytes()).hexdigest()
        except OSError:
            return parse(resolved, shown)  # the loader reports the missing / unreadable file
        key = (resolved, shown, digest)
        if key not in _instrument_cache:
            _instrument_cache[key] = parse(resolved, shown)
        return _instrument_cache[key]

    return load


def run_cli(*args: str, cwd: Path | None = None, input: str | None = None, timeout: float = 300,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ``surveykit ARGS`` in this process, as a user would see it: a ``CompletedProcess`` with
    the exit code, stdout and stderr (see the module docstring). ``cwd`` is entered for the run and
    left afterwards; ``env`` entries are set for the run only. ``timeout`` is accepted for
    compatibility with ``run_cli_subprocess`` (a command run in-process cannot be stopped from outside)."""
    from click.testing import CliRunner

    from surveykit.instrument import schema

    argv = [str(a) for a in args]
    runner = CliRunner()  # click >= 8.2: stdout and stderr are always captured separately
    previous_dir = os.getcwd()
    original_loader = schema._load_cached
    schema._load_cached = _instrument_loader(original_loader)
    try:
        os.chdir(cwd or ROOT)
        with warnings.catch_warnings():
            warnings.resetwarnings()
            for action, category, module in reversed(_FRESH_PROCESS_FILTERS):
                if module is None:
                    warnings.simplefilter(action, category)
                else:
                    warnings.filterwarnings(action, category=category, module=module)
            result = runner.invoke(_click_command(), argv, input=input, env=env, prog_name=PROG_NAME,
                                   catch_exceptions=True)
    finally:
        schema._load_cached = original_loader
        os.chdir(previous_dir)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        # Python prints an uncaught exception as a traceback on stderr and exits 1.
        stderr += "".join(traceback.format_exception(*result.exc_info))
    return subprocess.CompletedProcess([PROG_NAME, *argv], result.exit_code, result.stdout, stderr)


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def cli_subprocess():
    return run_cli_subprocess


# -- the shipped sample, read once ---------------------------------------------------------------

@pytest.fixture(scope="session")
def _sample_once():
    from surveykit.pipeline import load_responses

    if not SAMPLE_SURVEY.exists():
        pytest.skip("the sample study has not been generated")
    return load_responses(SAMPLE_SURVEY)


def fresh_copy(responses):
    """The same Responses with its own copy of the data frame: a test that changes its frame cannot
    change what another test reads."""
    return dataclasses.replace(responses, data=responses.data.copy())


@pytest.fixture
def sample_responses(_sample_once):
    """The shipped sample study read and prepared (``load_responses(SAMPLE_SURVEY)``), read once per
    session; each test gets its own copy of the data frame."""
    return fresh_copy(_sample_once)


@pytest.fixture(scope="module")
def sample_responses_module(_sample_once):
    """As ``sample_responses``, one copy per test module (for module-scoped fixtures)."""
    return fresh_copy(_sample_once)
