"""The report's speed work (issue 14, points 3 and 4) changes no byte: forked children, charts drawn
ahead, sections built in a child, memos.

The reference is the serial path (no child process, nothing drawn ahead): the report of the shipped
sample written that way must be byte-identical, file for file, to the one ``surveykit report`` writes
(children on) and to the library's ``parallel=True`` path. The fork helper is checked on its own:
results, a failing child, a child stopped on an error, and a child that dies with its parent.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SAMPLE_RANKINGS, SAMPLE_SURVEY

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forked children are used on Linux only")


def _digests(folder: Path) -> dict[str, str]:
    """sha256 of every file; manifest.json without its timestamp and the paths of its inputs."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if not p.is_file() or p.name.startswith(".surveykit-"):
            continue
        data = p.read_bytes()
        if p.name == "manifest.json":
            doc = json.loads(data)
            doc.pop("generated_at")
            for entry in doc.get("inputs", {}).values():
                entry.pop("path", None)
            data = json.dumps(doc, sort_keys=True).encode()
        out[p.relative_to(folder).as_posix()] = hashlib.sha256(data).hexdigest()
    return out


@pytest.fixture(scope="module")
def serial_report(tmp_path_factory):
    """The sample report built and written in this process only (SURVEYKIT_FORK=0: no child at all)."""
    from surveykit import api
    from surveykit.report.forked import ENV_SWITCH

    if not SAMPLE_SURVEY.exists():
        pytest.skip("the sample study has not been generated")
    out = tmp_path_factory.mktemp("serial") / "report"
    old = os.environ.get(ENV_SWITCH)
    os.environ[ENV_SWITCH] = "0"
    try:
        responses = api.read(SAMPLE_SURVEY)
        api.report(responses, rankings=SAMPLE_RANKINGS, parallel=True).write(out)
    finally:
        if old is None:
            os.environ.pop(ENV_SWITCH, None)
        else:
            os.environ[ENV_SWITCH] = old
    return _digests(out)


def test_cli_report_with_children_is_byte_identical_to_the_serial_report(serial_report, sample_report):
    # ``sample_report`` is ``surveykit report`` on the same inputs through the CLI, children on (the
    # default): the run is shared with the other tests that read it rather than written again here.
    assert os.environ.get("SURVEYKIT_FORK", "1") != "0"
    got = _digests(sample_report.folder)
    assert len(got) > 50  # every chart (PNG and SVG), table, the workbook, Word, HTML, Markdown
    assert got == serial_report


def test_library_parallel_report_is_byte_identical_and_leaves_no_child(serial_report, tmp_path):
    from surveykit import api
    from surveykit.report import figures

    before = _children()
    responses = api.read(SAMPLE_SURVEY)
    report = api.report(responses, rankings=SAMPLE_RANKINGS, parallel=True)
    report.write(tmp_path / "report", parallel=True)
    assert _digests(tmp_path / "report") == serial_report
    assert not figures._AHEAD  # every drawing made ahead was handed out
    assert _children() <= before  # every child was reaped: none left running, not even a zombie


def _children() -> set[int]:
    """This process's child processes (any state), from /proc."""
    me, out = os.getpid(), set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == me:
            out.add(int(stat.parent.name))
    return out


def test_a_figure_drawn_ahead_gives_the_bytes_it_would_give_when_drawn_here():
    from surveykit.charts.base import new_figure
    from surveykit.report import figures

    def chart():
        fig = new_figure(4, 3)
        ax = fig.add_subplot()
        ax.barh(["one", "two", "three"], [3, 1, 2])
        ax.set_xlabel("respondents")
        return fig

    here = chart()
    expected = {fmt: figures.figure_bytes(here, fmt) for fmt in ("png", "svg")}
    ahead = chart()
    figures.draw_ahead([ahead])
    assert ahead in figures._AHEAD
    assert figures.drawn(ahead, "svg") == expected["svg"]
    assert figures.figure_bytes(ahead, "png") == expected["png"]
    assert ahead not in figures._AHEAD  # each format handed out once; a later save draws again
    assert figures.figure_bytes(ahead, "png") == expected["png"]


def test_forked_returns_the_childs_result_and_runs_in_another_process():
    from surveykit.report.forked import Forked

    job = Forked(lambda: (os.getpid(), [1.5, "two", {"three": 3}]))
    pid, value = job.result()
    assert pid != os.getpid()
    assert value == [1.5, "two", {"three": 3}]
    assert job.result() == (pid, value)  # computed once


def test_a_failing_child_is_redone_here_so_the_error_is_the_serial_one():
    from surveykit.errors import UsageError
    from surveykit.report.forked import Forked

    calls = []

    def fails():
        calls.append(os.getpid())
        raise UsageError("--out: the folder is not writable")

    job = Forked(fails)
    with pytest.raises(UsageError, match="not writable"):
        job.result()
    assert calls == [os.getpid()]  # the child's attempt happened in its own memory; this one raised


def test_without_fork_the_work_runs_here(monkeypatch):
    from surveykit.report.forked import ENV_SWITCH, Forked

    monkeypatch.setenv(ENV_SWITCH, "0")
    assert Forked(os.getpid).result() == os.getpid()


def test_close_stops_a_child_whose_result_is_not_wanted():
    from surveykit.report.forked import Forked

    job = Forked(lambda: time.sleep(60))
    pid = job._pid
    assert pid is not None
    t0 = time.perf_counter()
    job.close()
    assert time.perf_counter() - t0 < 10
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed and reaped


def _dead(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return True
    return state in ("Z", "X")  # a zombie waiting for init is dead too


def test_a_child_dies_with_its_parent_killed(tmp_path):
    """SIGKILL of ``surveykit report`` must leave no child running (the kill test's "no orphans")."""
    script = ("import sys, time\n"
              "from surveykit.report.forked import Forked\n"
              "job = Forked(lambda: time.sleep(120))\n"
              "print(job._pid, flush=True)\n"
              "time.sleep(120)\n")
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        child = int(proc.stdout.readline())
        assert not _dead(child)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 10
    while not _dead(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _dead(child)


def test_grids_are_made_once_per_table_and_never_shared_between_tables():
    import pandas as pd

    from surveykit.report.model import make_table
    from surveykit.report.tables import grid

    a = make_table("t", "T", pd.DataFrame({"x": [1, 2]}))
    b = make_table("t", "T", pd.DataFrame({"x": [3, 4]}))  # equal as dataclasses: the frame is not compared
    assert a == b
    assert grid(a) is grid(a)
    assert [c.text for c in grid(b).rows[1]] != [c.text for c in grid(a).rows[1]]
    assert grid(a, every_row=True) is not grid(a)


def test_the_suppression_marker_is_looked_up_once_per_table_and_never_shared():
    import pandas as pd

    from surveykit.disclosure import MARKER
    from surveykit.report.model import make_table
    from surveykit.report.tables import footnote, has_marker

    plain = make_table("t", "T", pd.DataFrame({"x": ["1", "2"]}))
    marked = make_table("t", "T", pd.DataFrame({"x": ["1", MARKER]}))  # equal as dataclasses
    assert plain == marked
    assert has_marker(plain) is False and has_marker(marked) is True
    assert has_marker(plain) is False  # the answer kept for the first table is not the second's
    assert MARKER in footnote(marked, threshold=5) and MARKER not in footnote(plain, threshold=5)


def test_counts_are_reused_only_inside_a_report_and_are_read_only(sample_responses):
    from surveykit.reuse import reusing
    from surveykit.scoring import grouping

    outside = grouping(sample_responses, "sector")
    assert grouping(sample_responses, "sector") is not outside
    with reusing():
        first = grouping(sample_responses, "sector")
        assert grouping(sample_responses, "sector") is first
        assert first.groups == outside.groups and (first.codes == outside.codes).all()
        with pytest.raises(ValueError):
            first.codes[0] = 0
    assert grouping(sample_responses, "sector") is not first


_EARLY_CHARTS = r"""
import importlib, json, sys
from surveykit import api

build = importlib.import_module("surveykit.report.build")

seen = []
real = build._ahead

def spy(section, parallel):
    seen.append([section.id, "scipy.stats" in sys.modules])
    return real(section, parallel)

build._ahead = spy
responses = api.read(sys.argv[1])
before = "scipy.stats" in sys.modules
api.report(responses, rankings=sys.argv[2], parallel=True)
print(json.dumps({"before": before, "seen": seen}))
"""


def test_the_charts_of_the_sections_without_tests_start_before_scipy_is_imported():
    """With children (``parallel=True``), the leading sections that run no significance test (who
    responded) are built, and their charts sent to be drawn, before scipy.stats is imported: the
    drawing fills the core that would wait for that import. The later sections come after it."""
    if not SAMPLE_SURVEY.exists():
        pytest.skip("the sample study has not been generated")
    out = subprocess.run([sys.executable, "-c", _EARLY_CHARTS, str(SAMPLE_SURVEY), str(SAMPLE_RANKINGS)],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["before"] is False
    assert got["seen"][0] == ["who_responded", False]
    assert len(got["seen"]) > 2 and all(imported for _, imported in got["seen"][1:])


def test_the_report_command_keeps_its_strings_in_python_and_puts_the_option_back():
    """``surveykit report`` builds its small tables with pandas' Python string storage, where pyarrow
    would be the default (pyarrow's cost per call outweighs its speed on small tables); the option is
    the process's, so it is put back when the command ends, and the library never sets it. The report's
    files are the same either way: ``test_cli_report_with_children_is_byte_identical_to_the_serial_report``
    compares the command's files with the library's, built with the default storage."""
    import pandas as pd

    from surveykit.pipeline import python_strings

    before = pd.get_option("mode.string_storage")
    with python_strings():
        assert pd.get_option("mode.string_storage") == "python"
        assert type(pd.Series(["a", "b"]).array).__name__ == "StringArray"
    assert pd.get_option("mode.string_storage") == before

    script = ("import sys\n"
              "import surveykit.pipeline as pipeline\n"
              "def first_step():\n"
              "    import pandas as pd\n"
              "    print(pd.get_option('mode.string_storage'), flush=True)\n"
              "    raise SystemExit(0)\n"
              "pipeline.start_chart_process = first_step\n"
              "from surveykit.cli import run\n"
              "sys.argv = ['surveykit', 'report', '--out', sys.argv[1]]\n"
              "run()\n")
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([sys.executable, "-c", script, str(Path(tmp) / "report")], capture_output=True,
                             text=True, timeout=120)
    assert out.stdout.strip().splitlines()[0] == "python", out.stderr[-2000:]
