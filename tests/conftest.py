"""Shared fixtures: paths, the external fixtures folder, the shared sample, and running the CLI.

``run_cli`` / the ``cli`` fixture run the Typer app *in this process*, which
spares every CLI test a new interpreter and a fresh import of pandas. The result is a
``subprocess.CompletedProcess`` (``returncode``, ``stdout``, ``stderr``) and behaves like the real
command: separate stdout and stderr (UTF-8, read back as ``text=True`` reads a pipe), exit codes
from ``typer.Exit`` / ``SystemExit``, click's usage errors (exit 2), and an uncaught exception
printed as a traceback on stderr with exit 1, as Python prints it, so "no traceback" checks keep
their meaning. (Click's own test runner is not used: it would set a fixed help width, and Typer's
rebuilds the whole command tree on every call.) ``run_cli_subprocess`` starts
a real ``python -m surveykit`` for the few tests that need a new interpreter (terminals, signals,
import hygiene, the installed package); ``run_cli_forked`` runs one in a process of its own forked
from a zygote that imported surveykit once (``tests/cli_zygote.py``), for tests that need a process
but not a fresh interpreter (a memory limit, a timeout on a hostile input).
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import io
import os
import shutil
import subprocess
import sys
import traceback
import warnings
from pathlib import Path

import pytest

# Charts are drawn without a display, in every process the tests start and in this one (set before
# matplotlib is imported anywhere).
os.environ.setdefault("MPLBACKEND", "Agg")

# One BLAS/OpenMP thread per process unless set already, as `make test` sets it: the workers take every
# core, and a second BLAS thread only spins waiting for work on the tests' small arrays. Set here (before
# numpy is imported: no plugin loads it) so that a plain `pytest -n 2` runs in the same environment as
# `make test`, in the workers and in every process the tests start. No result depends on it.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

# A test process holds pytest's, pandas', scikit-learn's and matplotlib's objects for the whole run, and
# the collector walked its young ones every 700 new objects: about 8% of the CPU of five test files run
# alone (bench/RESULTS.md, "Fifth pass"). Collecting every 20,000 still collects; it changes no result
# (the report raises its own threshold the same way: pipeline.fewer_collections). Workers forked from a
# test process inherit it; processes the tests start anew keep the interpreter's defaults.
gc.set_threshold(20_000, *gc.get_threshold()[1:])

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


def pytest_collection_modifyitems(config, items):
    """Files holding a test marked ``slow`` run first (in their usual order; the rest keep theirs): under
    ``pytest -n`` (make test) the longest file then starts at once on one worker while the others share
    the rest, instead of starting last and running on alone. The order is the same in every worker."""
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)  # stable: False (slow files) sorts first


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


_ZYGOTE = None


def run_cli_forked(*argv: str, cwd: Path | None = None, input: str | None = None, timeout: float = 300,
                   env: dict[str, str] | None = None, limit_as: int | None = None) -> subprocess.CompletedProcess:
    """``python ARGV`` (``-m surveykit ...`` or ``-c CODE``) in a process of its own, forked from this
    worker's zygote (``tests/cli_zygote.py``: the imports done once) instead of a new interpreter;
    ``limit_as`` caps its address space. Raises ``subprocess.TimeoutExpired`` after ``timeout``
    seconds (the child is killed). Not for tests of what a command imports."""
    global _ZYGOTE
    if _ZYGOTE is None:
        import tempfile

        from cli_zygote import CliZygote

        _ZYGOTE = CliZygote(Path(tempfile.mkdtemp(prefix="surveykit-zygote-")))
    return _ZYGOTE.run([str(a) for a in argv], cwd=cwd or ROOT, env=env, input=input, timeout=timeout,
                       limit_as=limit_as)


def pytest_sessionfinish(session, exitstatus):
    """The zygote of this worker, if one was started, ends with the session; its scratch folder goes."""
    global _ZYGOTE
    if _ZYGOTE is not None:
        _ZYGOTE.close()
        _ZYGOTE = None


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """A pytest-xdist worker ends at once when its session is over, as ``surveykit`` itself does
    (``cli.end_process``): its results went to the controller as its session finished (written to the
    pipe, which the controller reads after the worker is gone), and the interpreter's shutdown would
    free a whole run's modules and objects one by one (a gigabyte; 1-2 s at the end of ``make test``,
    while the controller waits for the worker to end). The exit functions still run and the streams
    are flushed. ``SURVEYKIT_QUICK_EXIT=0`` keeps the full shutdown, as it does for the command."""
    if getattr(config, "workerinput", None) is None or os.environ.get("SURVEYKIT_QUICK_EXIT", "1") == "0":
        return
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(0)


# -- the CLI, in this process --------------------------------------------------------------------

_command = None
_instrument_cache: dict = {}


def _click_command():
    """The click command behind ``surveykit``, built once with every command module loaded (a real
    process loads only the module of the command it runs; ``test_cli_harness`` checks both agree)."""
    global _command
    if _command is None:
        import typer.main

        from surveykit.cli import app, load

        load()
        _command = typer.main.get_command(app)
    return _command


def _instrument_loader(original):
    """The instrument cache of a fresh process: a file is parsed again when its content changed.

    ``load_instrument`` caches by path (one process reads an instrument once); in this process one
    test may rewrite an instrument file that an earlier run read, so runs here are cached by path and
    content (what a new process would see)."""
    parse = original.__wrapped__

    def load(resolved: str, shown: str):
        if not Path(resolved).is_file():  # a pipe or device: the loader refuses it (reading it here would block)
            return parse(resolved, shown)
        try:
            digest = hashlib.sha256(Path(resolved).read_bytes()).hexdigest()
        except OSError:
            return parse(resolved, shown)  # the loader reports the missing / unreadable file
        key = (resolved, shown, digest)
        if key not in _instrument_cache:
            _instrument_cache[key] = parse(resolved, shown)
        return _instrument_cache[key]

    return load


def _text_of(data: bytes, *, errors: str = "replace") -> str:
    """Bytes written to a stream as ``subprocess.run(text=True)`` reads them (UTF-8, universal newlines;
    ``errors="strict"`` as it does, "replace" for the in-process runs, whose stderr may hold anything)."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors=errors, newline=None).read()


def _exit_code(code, err) -> int:
    """The exit status of ``SystemExit(code)``, as the interpreter sets it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=err)  # sys.exit("message"): the message on stderr, status 1
    return 1


def run_cli(*args: str, cwd: Path | None = None, input: str | None = None, timeout: float = 300,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ``surveykit ARGS`` in this process, as a user would see it: a ``CompletedProcess`` with
    the exit code, stdout and stderr (see the module docstring). For the run, stdin holds ``input``,
    ``cwd`` is the working folder and ``env`` entries are set; all are restored afterwards. ``timeout``
    is accepted for compatibility with ``run_cli_subprocess`` (a run in this process cannot be stopped
    from outside)."""
    from surveykit.instrument import schema

    argv = [str(a) for a in args]
    out, err = io.BytesIO(), io.BytesIO()
    streams = (sys.stdin, sys.stdout, sys.stderr)
    previous_dir = os.getcwd()
    previous_env = {k: os.environ.get(k) for k in (env or {})}
    original_loader = schema._load_cached
    command = _click_command()
    wrappers = (io.TextIOWrapper(io.BytesIO((input or "").encode("utf-8")), encoding="utf-8"),
                io.TextIOWrapper(out, encoding="utf-8"),
                io.TextIOWrapper(err, encoding="utf-8", errors="backslashreplace"))
    schema._load_cached = _instrument_loader(original_loader)
    try:
        os.chdir(cwd or ROOT)
        os.environ.update(env or {})
        sys.stdin, sys.stdout, sys.stderr = wrappers
        with warnings.catch_warnings():
            warnings.resetwarnings()
            for action, category, module in reversed(_FRESH_PROCESS_FILTERS):
                if module is None:
                    warnings.simplefilter(action, category)
                else:
                    warnings.filterwarnings(action, category=category, module=module)
            try:
                command.main(args=argv, prog_name=PROG_NAME)  # standalone: ends with SystemExit
                code = 0
            except SystemExit as exc:
                code = _exit_code(exc.code, sys.stderr)
            except Exception:
                # Python prints an uncaught exception as a traceback on stderr and exits 1.
                traceback.print_exc(file=sys.stderr)
                code = 1
    finally:
        sys.stdin, sys.stdout, sys.stderr = streams
        for w in wrappers:
            w.flush()
            w.detach()  # keep the buffers open after the wrappers are gone
        schema._load_cached = original_loader
        for k, v in previous_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        os.chdir(previous_dir)
    return subprocess.CompletedProcess([PROG_NAME, *argv], code, _text_of(out.getvalue()), _text_of(err.getvalue()))


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


# -- the output tests' report (tests/output_report.py), written once ------------------------------

@pytest.fixture(scope="session")
def written_sample_report(tmp_path_factory):
    """``(report, folder)``: ``output_report.sample_report()`` written once for the whole session (the
    docx, workbook and table tests only read the folder; writing it is charts, Word and Excel work)."""
    from output_report import sample_report

    from surveykit.report.writers import write_report

    report = sample_report()
    return report, write_report(report, tmp_path_factory.mktemp("output_report") / "r")


# -- expensive set-up shared by every worker of a run ------------------------------------------------

def _shared_root(tmp_path_factory) -> Path:
    """A folder of this test run that every pytest-xdist worker sees: the run's base temporary folder
    (each worker's own is a subfolder of it), or this process's own without xdist."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def shared_once(tmp_path_factory, name: str, make) -> Path:
    """The folder ``NAME`` made once per test run by ``make(folder)``, whichever worker asks first; the
    others wait on a file lock and get the same folder. A ``make`` that fails leaves no folder behind,
    so the next worker to ask tries again (and reports the same failure). Treat the folder as read-only:
    copy it (``shutil.copytree``) to change anything."""
    from filelock import FileLock

    root = _shared_root(tmp_path_factory) / "shared"
    root.mkdir(exist_ok=True)
    folder, done = root / name, root / f"{name}.done"
    with FileLock(str(root / f"{name}.lock")):
        if not done.exists():
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir()
            try:
                make(folder)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            done.touch()
    return folder


def link_repository_inputs(folder: Path) -> Path:
    """Link the repository's ``responses/`` and ``codebooks/`` into ``folder`` (the layout the README's
    examples are written for: their relative paths work and nothing is written into the checkout)."""
    for name in ("responses", "codebooks"):
        (folder / name).symlink_to(ROOT / name, target_is_directory=True)
    return folder


def shared_cli_run(tmp_path_factory, *args: str, env: dict[str, str] | None = None
                   ) -> tuple[Path, subprocess.CompletedProcess]:
    """``surveykit ARGS`` run once per test run (in-process, ``run_cli``) in a fresh folder laid out as the
    README's examples expect (``link_repository_inputs``): ``(folder, result)``. Every test that asks
    for the same arguments and environment gets the same run, whichever pytest-xdist worker ran it
    (``shared_once``). READ-ONLY, as ``shared_once``'s folders: copy the folder to change anything."""
    import json

    argv = [str(a) for a in args]
    key = hashlib.sha256(json.dumps([argv, sorted((env or {}).items())]).encode()).hexdigest()[:16]

    def make(folder: Path) -> None:
        work = folder / "work"
        work.mkdir()
        link_repository_inputs(work)
        proc = run_cli(*argv, cwd=work, env=env)
        (folder / "result.json").write_text(json.dumps({"returncode": proc.returncode, "stdout": proc.stdout,
                                                        "stderr": proc.stderr}), encoding="utf-8")

    folder = shared_once(tmp_path_factory, f"cli-{key}", make)
    done = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    return folder / "work", subprocess.CompletedProcess([PROG_NAME, *argv], done["returncode"], done["stdout"],
                                                        done["stderr"])


def _tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@dataclasses.dataclass(frozen=True)
class SharedReport:
    """A report folder written once per test run, and the stderr of the ``surveykit report`` that wrote it."""

    folder: Path
    stderr: str


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory):
    """``surveykit report`` with no options (the shipped sample study and its youth rankings, default
    threshold), run once per test run in a folder holding a copy of responses/sample/, through the
    in-process CLI. READ-ONLY: tests that only read the report share it; a test that changes the folder
    copies it first. At the end of the session the folder is checked unchanged."""
    if not SAMPLE_SURVEY.is_file() or not SAMPLE_RANKINGS.is_file():
        pytest.skip("the sample study is not generated (make sample)")

    def make(work: Path) -> None:
        shutil.copytree(SAMPLE_DIR, work / "responses" / "sample")
        proc = run_cli("report", cwd=work)
        assert proc.returncode == 0, proc.stderr
        (work / "stderr.txt").write_text(proc.stderr, encoding="utf-8")

    work = shared_once(tmp_path_factory, "sample_report", make)
    shared = SharedReport(work / "reports" / "sample", (work / "stderr.txt").read_text(encoding="utf-8"))
    before = _tree_digest(shared.folder)
    yield shared
    assert _tree_digest(shared.folder) == before, "a test changed the shared sample report (copy it first)"
