"""The chart process of ``surveykit report`` (``surveykit.report.chart_server``, issue 14 point 4).

Every chart it sends back must be the bytes and the alternative text the report's own process would
make (the reference is the recipe made and drawn here with ``figures.draw``); a chart it cannot make
(a failing chart function, an argument that does not pickle, a process that died) is made here, so
the error or the bytes are the serial ones; it leaves no process behind, even when the report's
process is killed; and the report's process itself never imports matplotlib.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import SAMPLE_RANKINGS, SAMPLE_SURVEY

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the chart process runs on Linux only")


def bars_chart(values, *, title, unused=None):
    """A small chart function of this module (the chart process imports it by name, as it imports the
    package's chart functions). ``unused`` is ignored."""
    from surveykit.charts.base import new_figure, set_alt

    fig = new_figure(4, 3)
    ax = fig.add_subplot()
    ax.barh([f"row {i}" for i in range(len(values))], values)
    ax.set_title(title)
    return set_alt(fig, f"Bar chart of {len(values)} rows titled {title}.")


def failing_chart(values):
    raise ValueError(f"no chart of {len(values)} values")


class _Unpicklable:
    def __reduce__(self):
        raise TypeError("not picklable")


def _chart(recipe, id="c"):
    from surveykit.report.model import Chart

    return Chart(id, "A title", recipe, "given alt")


def _expected(recipe_args, kwargs):
    """The chart made and drawn in this process (the serial path)."""
    from surveykit.charts.base import alt_text
    from surveykit.report.figures import draw

    fig = bars_chart(*recipe_args, **kwargs)
    return alt_text(fig), {fmt: draw(fig, fmt) for fmt in ("png", "svg")}


@pytest.fixture
def server():
    from surveykit.report import chart_server

    started = chart_server.start()
    if started is None:
        pytest.skip("forking is switched off here")
    yield started
    chart_server.stop()


def test_the_chart_process_sends_back_the_bytes_and_alt_text_made_here(server):
    from surveykit.report.chart_server import chart_bytes, draw_charts_ahead
    from surveykit.report.model import ChartRecipe

    charts = [_chart(ChartRecipe(bars_chart, [3, 1, 2], title="first"), "a"),
              _chart(ChartRecipe(bars_chart, [5, 4], title="second"), "b"),
              _chart(ChartRecipe(bars_chart, [1, 2, 3, 4], title="third"), "c")]
    draw_charts_ahead(charts)
    assert all(c.source.ticket is not None for c in charts)  # all three went to the chart process
    for chart, (values, title) in zip(charts, [([3, 1, 2], "first"), ([5, 4], "second"), ([1, 2, 3, 4], "third")]):
        alt, drawings = _expected((values,), {"title": title})
        assert chart.alt == alt
        assert chart_bytes(chart, "png") == drawings["png"]
        assert chart_bytes(chart, "svg") == drawings["svg"]
        assert not chart.source.made  # the figure was never made in this process


def test_a_chart_the_process_cannot_make_is_made_here_with_the_serial_error(server):
    from surveykit.report.chart_server import chart_bytes, draw_charts_ahead
    from surveykit.report.model import ChartRecipe

    chart = _chart(ChartRecipe(failing_chart, [1, 2, 3]))
    draw_charts_ahead([chart])
    assert chart.source.ticket is not None
    assert chart.source.served() is None  # the process reported the failure
    with pytest.raises(ValueError, match="no chart of 3 values"):
        chart_bytes(chart, "png")


def dying_chart(values):
    """A chart function that ends its process, as a crash in a drawing library would."""
    os._exit(3)


def test_a_worker_draws_chart_after_chart_and_each_is_the_serial_drawing(server):
    """More charts than drawing workers: each worker draws several, one after another, in whatever
    order they come; each is still the chart the report's process would draw (the worker's caches
    give the same numbers), and sending them in the other order changes nothing."""
    from surveykit.report.chart_server import chart_bytes, draw_charts_ahead
    from surveykit.report.model import ChartRecipe

    specs = [([3, 1, 2], "first"), ([5, 4], "second"), ([1, 2, 3, 4], "third"), ([2, 2], "first"),
             ([9, 1, 5, 5, 2], "a longer title with more words"), ([1], "second"), ([4, 3, 2, 1], "third")]
    for order in (specs, specs[::-1]):
        charts = [_chart(ChartRecipe(bars_chart, values, title=title), f"c{i}")
                  for i, (values, title) in enumerate(order)]
        draw_charts_ahead(charts)
        assert all(c.source.ticket is not None for c in charts)
        for chart, (values, title) in zip(charts, order):
            alt, drawings = _expected((values,), {"title": title})
            assert chart.source.served() is not None  # drawn by the chart process, not here
            assert chart.alt == alt
            assert chart_bytes(chart, "png") == drawings["png"]
            assert chart_bytes(chart, "svg") == drawings["svg"]
            assert not chart.source.made
        # The workers stay, idle, for the next charts: no more of them than cores, not one per chart.
        slots = len(os.sched_getaffinity(0))
        assert 1 <= len(_children(server._pid)) <= min(slots, len(order))


def test_a_chart_that_fails_leaves_its_worker_drawing_the_next(server):
    from surveykit.report.chart_server import chart_bytes, draw_charts_ahead
    from surveykit.report.model import ChartRecipe

    charts = [_chart(ChartRecipe(failing_chart, [1, 2]), "bad")] + \
        [_chart(ChartRecipe(bars_chart, [n, 1], title=f"after {n}"), f"ok{n}") for n in range(4)]
    draw_charts_ahead(charts)
    assert charts[0].source.served() is None
    for n, chart in enumerate(charts[1:]):
        assert chart.source.served() is not None
        assert chart_bytes(chart, "svg") == _expected(([n, 1],), {"title": f"after {n}"})[1]["svg"]
    with pytest.raises(ValueError, match="no chart of 2 values"):
        chart_bytes(charts[0], "png")


def test_a_worker_that_dies_loses_only_its_chart(server):
    """A worker that dies while drawing: that chart is made here (with its own outcome: here the
    function would end this process too, so the test only checks it was not served), and every
    other chart, before and after, is still drawn by the chart process."""
    from surveykit.report.chart_server import chart_bytes, draw_charts_ahead
    from surveykit.report.model import ChartRecipe

    before = [_chart(ChartRecipe(bars_chart, [n + 1], title=f"before {n}"), f"b{n}") for n in range(2)]
    dying = _chart(ChartRecipe(dying_chart, [1]), "dies")
    after = [_chart(ChartRecipe(bars_chart, [2, n + 1], title=f"after {n}"), f"a{n}") for n in range(3)]
    draw_charts_ahead([*before, dying, *after])
    assert dying.source.served() is None
    for chart in before + after:
        assert chart.source.served() is not None
    for n, chart in enumerate(after):
        assert chart_bytes(chart, "png") == _expected(([2, n + 1],), {"title": f"after {n}"})[1]["png"]
    assert server.usable


def test_an_argument_that_does_not_pickle_keeps_the_chart_here(server, monkeypatch):
    from surveykit.report import figures
    from surveykit.report.chart_server import chart_bytes, draw_charts_ahead
    from surveykit.report.model import ChartRecipe

    recipe = ChartRecipe(bars_chart, [2, 1], title="kept here", unused=_Unpicklable())  # cannot be sent
    monkeypatch.setattr(figures, "draw_ahead", lambda figs, **kw: None)  # no other child either
    chart = _chart(recipe)
    draw_charts_ahead([chart])
    assert recipe.ticket is None and recipe.made  # made here
    assert chart_bytes(chart, "png") == _expected(([2, 1],), {"title": "kept here"})[1]["png"]


def test_a_killed_chart_process_leaves_its_charts_to_this_process(server):
    from surveykit.report.chart_server import chart_bytes, draw_charts_ahead
    from surveykit.report.model import ChartRecipe

    os.kill(server._pid, signal.SIGKILL)
    chart = _chart(ChartRecipe(bars_chart, [4, 4, 1], title="after the kill"))
    draw_charts_ahead([chart])  # sent into a pipe nobody reads any more, or not sent at all
    alt, drawings = _expected(([4, 4, 1],), {"title": "after the kill"})
    assert chart_bytes(chart, "svg") == drawings["svg"]
    assert chart.alt == alt


def test_only_the_process_that_started_it_may_use_it(server):
    """A forked child of the report (the coding, the sections) must not write into the channels."""
    from surveykit.report import chart_server
    from surveykit.report.forked import Forked

    assert chart_server.current() is server
    job = Forked(lambda: chart_server.current() is None and not server.usable)
    assert job.result() is True


def test_finish_collects_every_chart_then_stops_the_process(server):
    from surveykit.report import chart_server
    from surveykit.report.chart_server import chart_drawn, draw_charts_ahead
    from surveykit.report.model import ChartRecipe

    charts = [_chart(ChartRecipe(bars_chart, list(range(1, n + 2)), title=f"n{n}"), f"c{n}") for n in range(4)]
    draw_charts_ahead(charts)
    pid = server._pid
    chart_server.finish()
    assert chart_server.current() is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped
    for n, chart in enumerate(charts):  # still readable here, as the process made them
        assert chart_drawn(chart, "png") == _expected((list(range(1, n + 2)),), {"title": f"n{n}"})[1]["png"]


def busy_chart(seconds):
    """A chart that first spends ``seconds`` of CPU time."""
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
    return bars_chart([1, 2], title="busy")


def test_finish_ends_the_workers_so_their_cpu_time_is_counted(server):
    """The benchmarks read the CPU time of ``surveykit report`` and its children: a chart process
    ended by ``finish`` waits for its workers, so the time they spent drawing reaches this process's
    children (killed, it would take that time with it)."""
    import resource

    from surveykit.report import chart_server
    from surveykit.report.chart_server import chart_drawn, draw_charts_ahead
    from surveykit.report.model import ChartRecipe

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    chart = _chart(ChartRecipe(busy_chart, 0.5))
    draw_charts_ahead([chart])
    assert chart_drawn(chart, "png") is not None
    chart_server.finish()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # Killed, the worker would take its half second with it: none of it would be counted.
    assert after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime >= 0.45


def _children(pid: int, *, unreaped: bool = False) -> set[int]:
    """The processes whose parent is ``pid``; ``unreaped``: dead ones not yet waited for too."""
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid and (unreaped or fields[0] not in ("Z", "X")):
            out.add(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


def test_the_chart_process_and_its_drawers_die_with_a_killed_report():
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from surveykit.report import chart_server
        from surveykit.report.chart_server import draw_charts_ahead
        from surveykit.report.model import Chart, ChartRecipe
        import test_report_chart_server as t
        server = chart_server.start()
        draw_charts_ahead([Chart("slow", "t", ChartRecipe(t.slow_chart, 60))])
        print(server._pid, flush=True)
        time.sleep(120)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        server_pid = int(proc.stdout.readline())
        deadline = time.monotonic() + 20
        while not _children(server_pid) and time.monotonic() < deadline:  # the drawing child has started
            time.sleep(0.05)
        drawers = _children(server_pid)
        assert drawers and _alive(server_pid)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in {server_pid, *drawers}) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(p) for p in {server_pid, *drawers})


def slow_chart(seconds):
    time.sleep(seconds)
    return bars_chart([1], title="slow")


@pytest.mark.skipif(not SAMPLE_SURVEY.exists(), reason="the sample study has not been generated")
def test_the_report_process_never_imports_matplotlib_and_leaves_no_child(tmp_path):
    """The whole sample report written through the pipeline ``surveykit report`` uses, in a fresh
    process: its charts are made and drawn by the chart process only, and every process it started
    is gone when it returns."""
    script = textwrap.dedent(f"""
        import json, os, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from surveykit.pipeline import build_report
        import test_report_chart_server as t
        report = build_report({str(SAMPLE_SURVEY)!r}, rankings={str(SAMPLE_RANKINGS)!r}, out={str(tmp_path / "r")!r})
        children = sorted(t._children(os.getpid(), unreaped=True))
        print(json.dumps({{"matplotlib": sorted(m for m in sys.modules if m.split(".")[0] == "matplotlib"),
                          "charts": len(report.charts), "children": children}}))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "MPLBACKEND": "Agg"})
    assert out.returncode == 0, out.stderr[-2000:]
    import json

    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["charts"] >= 4
    assert got["matplotlib"] == []
    assert got["children"] == []
    assert len(list((tmp_path / "r" / "charts").glob("*.png"))) == got["charts"]


def lean_import_chart(values, *, title):
    """``bars_chart``, whose alternative text says how the process that made it imported matplotlib:
    whether its classes' ``set`` got matplotlib's generated signature, and whether matplotlib's own
    step for it is back in place for classes made later."""
    import json

    import matplotlib.artist
    import matplotlib.lines

    from surveykit.charts.base import set_alt

    fig = bars_chart(values, title=title)
    step = vars(matplotlib.artist.Artist)["_update_set_signature_and_docstring"]
    state = {"signature": "__signature__" in vars(matplotlib.lines.Line2D.set),
             "restored": isinstance(step, classmethod) and step.__func__.__module__ == "matplotlib.artist"}
    return set_alt(fig, json.dumps(state, sort_keys=True))


def test_the_chart_process_imports_matplotlib_without_the_set_signatures_and_draws_the_same(tmp_path):
    """The chart process skips matplotlib's generated ``set`` signatures and docstrings while it imports
    (``chart_server._without_set_docstrings``: nearly half of that import's CPU), puts matplotlib's step
    back afterwards, and draws the same bytes as a process that imported matplotlib in full (this one).
    Run in a new interpreter, where matplotlib is not imported before the chart process starts."""
    import json

    script = textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from surveykit.report import chart_server
        from surveykit.report.chart_server import chart_bytes, draw_charts_ahead
        from surveykit.report.model import Chart, ChartRecipe
        import test_report_chart_server as t
        assert "matplotlib" not in sys.modules
        assert chart_server.start() is not None
        chart = Chart("c", "A title", ChartRecipe(t.lean_import_chart, [3, 1, 2], title="lean"), "given alt")
        draw_charts_ahead([chart])
        served = chart.source.served()
        assert served is not None, "drawn here, not by the chart process"
        chart_server.stop()
        sys.stdout.write(json.dumps({{"alt": served.alt, "png": served.drawings["png"].hex(),
                                      "svg": served.drawings["svg"].hex()}}))
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "MPLBACKEND": "Agg"}, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = json.loads(proc.stdout)
    assert json.loads(got["alt"]) == {"restored": True, "signature": False}
    _, drawings = _expected(([3, 1, 2],), {"title": "lean"})  # this process: matplotlib imported in full
    import matplotlib.lines

    assert "__signature__" in vars(matplotlib.lines.Line2D.set)
    assert bytes.fromhex(got["png"]) == drawings["png"]
    assert bytes.fromhex(got["svg"]) == drawings["svg"]


def _cli_report(tmp_path: Path, instrument: Path, monkeypatch) -> dict:
    """``surveykit report --survey SAMPLE --rankings SAMPLE_RANKINGS --instrument INSTRUMENT --out TMP/r`` (the
    shipped sample named, as its instrument is not the default) through the in-process CLI (``run_cli``:
    the command's own code, forks included, without a new interpreter's imports; whether the report's
    process imports matplotlib is the fresh-process test above). Records whether the chart process is
    up each time the instrument is read, and the children the command left (any state)."""
    import surveykit.instrument as instrument_module
    from conftest import run_cli
    from surveykit.report import chart_server

    seen = []
    real_load = instrument_module.load_instrument

    def load_instrument(path=None):
        seen.append(chart_server.current() is not None)  # is the chart process up when the instrument is read?
        return real_load(path)

    monkeypatch.setattr(instrument_module, "load_instrument", load_instrument)  # as the command and the pipeline import it
    before = _children(os.getpid(), unreaped=True)  # this test process's own, from earlier tests
    result = run_cli("report", "--survey", SAMPLE_SURVEY, "--rankings", SAMPLE_RANKINGS, "--instrument", instrument,
                     "--out", tmp_path / "r")
    return {"exit": result.returncode, "stderr": result.stderr, "seen": seen,
            "children": sorted(_children(os.getpid(), unreaped=True) - before),
            "server": chart_server.current() is not None}


@pytest.mark.skipif(not SAMPLE_SURVEY.exists(), reason="the sample study has not been generated")
def test_surveykit_report_starts_the_chart_process_before_it_reads_anything(tmp_path, monkeypatch):
    """The command forks the chart process first, so that it imports matplotlib while the report's
    process loads the instrument and reads the inputs; it is gone when the command returns."""
    from surveykit.instrument.schema import default_instrument_path

    got = _cli_report(tmp_path, default_instrument_path(), monkeypatch)
    assert got["exit"] == 0, got["stderr"][-2000:]
    assert got["seen"] and all(got["seen"])
    assert got["children"] == [] and not got["server"]
    assert len(list((tmp_path / "r" / "charts").glob("*.png"))) >= 4


def test_a_report_that_fails_before_building_leaves_no_chart_process(tmp_path, monkeypatch):
    bad = tmp_path / "broken.yaml"
    bad.write_text("questions: [this is not an instrument\n", encoding="utf-8")
    got = _cli_report(tmp_path, bad, monkeypatch)
    assert got["exit"] != 0
    assert got["children"] == [] and not got["server"]
    assert not (tmp_path / "r").exists()
