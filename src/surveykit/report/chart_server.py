"""The chart process of ``surveykit report``: one forked process makes and draws every chart.

``surveykit report`` forks it before it reads anything (``start``), while the second core has nothing
else to do: it imports matplotlib and the chart functions there and then waits. Each section sends its
charts as they are built (``ChartRecipe``: a chart function and its data, pickled); the process's
drawing workers (``_serve``) make each Figure, read its alternative text and draw it as PNG and SVG
(``figures.draw``), and the process sends them back. So the report's own process never imports
matplotlib nor lays out a figure: it only writes the bytes. The bytes are the ones the report's
process would draw itself (the same function on the same data, drawn the same way); a chart the
process could not make is made and drawn by the report's process instead (``ChartRecipe.served`` is
then None), so an error is the one a serial run raises.

The process never writes a file, prints or logs. Requests and results go through two anonymous
memory files (``os.memfd_create``): each side appends to its own and names what it appended with a
16-byte record on a pipe, so neither side ever blocks on a full pipe however large the drawings.
Each drawing worker hands its drawings to the process the same way, through a memory file of its own.
The process dies with its parent (``PR_SET_PDEATHSIG``), its workers with it. It ends by itself once
the report has every chart (``finish``), or is killed when the report fails (``stop``). Linux only,
like ``report.forked``; elsewhere the charts are drawn as before.
"""

from __future__ import annotations

import gc
import os
import pickle
import struct
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Sequence

from surveykit.report.forked import fork_available, reap

if TYPE_CHECKING:
    from surveykit.report.model import Chart

_RECORD = struct.Struct("<qq")  # (offset, length) of a blob in a memory file
_GRACE = 2.0  # seconds the chart process has to end by itself once the report has every chart
#: What the chart process imports while it waits for its first chart.
PRELOAD = ("pandas", "matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg",
           "matplotlib.backends.backend_svg", "surveykit.charts.effectiveness", "surveykit.charts.youth",
           "surveykit.charts.foi", "surveykit.report.charts", "surveykit.report.figures")
FORMATS = ("png", "svg")


@dataclass(frozen=True)
class Served:
    """One chart as the chart process made it."""

    alt: str
    drawings: dict[str, bytes]


class Ticket:
    """A chart sent to the chart process; ``result()`` waits for it (None: make it here)."""

    __slots__ = ("server", "key")

    def __init__(self, server: "ChartServer", key: int) -> None:
        self.server, self.key = server, key

    def result(self) -> Served | None:
        return self.server.result(self.key)


class ChartServer:
    """The forked chart process and this process's ends of its channels."""

    def __init__(self) -> None:
        self.owner = os.getpid()
        self._pid: int | None = None
        self._results: dict[int, Served | None] = {}
        self._sent = 0
        self._offset = 0  # the next free byte of the request file
        self._jobs = os.memfd_create("surveykit-chart-requests", os.MFD_CLOEXEC)
        self._made = os.memfd_create("surveykit-charts", os.MFD_CLOEXEC)
        to_child, self._to = os.pipe()
        self._from, from_child = os.pipe()
        gc.freeze()  # as report.forked: the child's collector must not touch (and so copy) the parent's heap
        try:
            pid = os.fork()
        except OSError:
            gc.unfreeze()
            for fd in (to_child, self._to, self._from, from_child, self._jobs, self._made):
                os.close(fd)
            raise
        if pid == 0:  # the chart process
            code = 0
            try:
                os.close(self._to)
                os.close(self._from)
                _serve(self.owner, to_child, from_child, self._jobs, self._made)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        gc.unfreeze()
        os.close(to_child)
        os.close(from_child)
        self._pid = pid

    @property
    def usable(self) -> bool:
        """Whether this process may send charts: the one that started the server, while it runs (a
        forked child of the report must not: the channels are the parent's)."""
        return self._pid is not None and os.getpid() == self.owner

    def submit(self, recipe: Any) -> Ticket | None:
        """Send a recipe; returns its ticket, or None when it cannot be sent (draw it here)."""
        if not self.usable:
            return None
        try:
            blob = pickle.dumps((recipe.fn, recipe.args, recipe.kwargs), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - an argument that does not pickle: the chart is made here
            return None
        key = self._sent
        try:
            _write_all(self._jobs, blob, self._offset)
            os.write(self._to, _RECORD.pack(self._offset, len(blob)))
        except OSError:
            return None
        self._offset += len(blob)
        self._sent += 1
        return Ticket(self, key)

    def result(self, key: int) -> Served | None:
        """The chart process's result for ``key`` (waiting for it); None when it failed or died."""
        while key not in self._results:
            record = _read_record(self._from) if self._pid is not None and os.getpid() == self.owner else None
            if record is None:  # the process ended (or this is not the parent): make the rest here
                for k in range(self._sent):
                    self._results.setdefault(k, None)
                self._results.setdefault(key, None)
                break
            offset, length = record
            try:
                done_key, ok, alt, drawings = pickle.loads(_read_all(self._made, offset, length))
            except Exception:  # noqa: BLE001 - a damaged result: the charts not yet read are made here
                self._results.setdefault(key, None)
                break
            self._results[done_key] = Served(alt, drawings) if ok else None
        return self._results[key]

    def finish(self) -> None:
        """Wait for every chart sent, then end the process (the results stay readable here).

        With every chart in, the process is not killed but told there is no more to draw (its
        request pipe closes): it ends its workers and waits for them, so their CPU time is counted
        in this process's children (as a benchmark reads it), and is then reaped here. It is killed
        if it has not ended within ``_GRACE`` seconds."""
        for key in range(self._sent):
            self.result(key)
        self._end(graceful=True)

    def stop(self) -> None:
        """Stop the process now (idempotent); charts not yet received are made here if asked for."""
        self._end(graceful=False)

    def _end(self, *, graceful: bool) -> None:
        pid, self._pid = self._pid, None
        if pid is None:
            return
        fds = [self._to, self._from, self._jobs, self._made]
        if os.getpid() == self.owner:
            ended = False
            if graceful:
                try:
                    os.close(fds.pop(0))  # the end of its requests
                    ended = _ended(pid, time.monotonic() + _GRACE)
                except OSError:
                    pass
            if not ended:
                reap(pid, kill=True)  # nothing it holds is wanted any more (its drawing workers die with it)
        for fd in fds:
            try:
                os.close(fd)
            except OSError:
                pass


def _ended(pid: int, deadline: float) -> bool:
    """Whether the child ``pid`` has ended (and is reaped) by ``deadline`` (``time.monotonic``)."""
    while True:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return True
        if done:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.002)


def _without_set_docstrings() -> Callable[[], None]:
    """While the chart process imports matplotlib: give each Artist class its ``set`` method without
    the signature and docstring matplotlib builds for it (``Artist._update_set_signature_and_docstring``
    inspects every setter of the class and renders them as text: about 0.15 s of CPU, nearly half of
    importing what the charts need). ``Artist.set`` reads neither (it hands its keyword arguments to
    the setters, in the order given), so the drawings are the same; only ``help()`` would show less,
    and this process draws charts, nothing else. Returns the function that puts matplotlib's own step
    back (for any class made afterwards); a matplotlib laid out differently is left alone."""
    try:
        from matplotlib import artist
    except ImportError:
        return lambda: None
    original = artist.Artist.__dict__.get("_update_set_signature_and_docstring")
    if not isinstance(original, classmethod):
        return lambda: None

    def flag_only(cls: Any) -> None:
        cls.set._autogenerated_signature = True  # what __init_subclass__ looks for in the next subclass

    artist.Artist._update_set_signature_and_docstring = classmethod(flag_only)

    def restore() -> None:
        artist.Artist._update_set_signature_and_docstring = original

    return restore


def _serve(parent: int, requests: int, answers: int, jobs: int, made: int) -> None:
    """The chart process: each chart it is sent is made and drawn by one of its drawing workers,
    children forked from it (its imports done once, here), as many as there are cores; each result
    is passed on as it comes, until its requests end or it is stopped (SIGKILL: ``ChartServer.stop``).

    A worker draws one chart after another, so the second chart it draws finds the fonts open and
    the text already measured (``charts.base.shared_text_metrics``: the same numbers, so the same
    bytes) where a child forked for each chart started cold: about a tenth of the drawing's CPU. A
    worker that dies takes only its current chart with it: that chart is reported as failed (the
    report's process makes it) and the next chart gets a new worker."""
    import importlib
    import select

    from surveykit.report.forked import _die_with_parent

    _die_with_parent(parent)
    sys.stdout = open(os.devnull, "w")
    sys.stderr = open(os.devnull, "w")
    restore = _without_set_docstrings()
    try:
        for name in PRELOAD:
            try:
                importlib.import_module(name)
            except ImportError:
                pass  # a chart that needs it fails here and is made by the report's process
    finally:
        restore()
    try:
        from PIL import Image

        Image.preinit()
    except ImportError:
        pass
    from surveykit.report.chart_fonts import read_fonts_from_memory

    read_fonts_from_memory()  # the workers forked from here read their fonts without system calls
    here = os.getpid()
    slots = max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
    waiting: list[tuple[int, int, int]] = []  # (key, offset, length) of requests not started yet
    idle: list[_Worker] = []
    busy: dict[int, _Worker] = {}  # its answer pipe -> the worker drawing a chart
    key = offset = 0
    accepting = True
    while accepting or waiting or busy:
        while waiting and (idle or len(busy) < slots):
            worker = idle.pop() if idle else _Worker.start(here, jobs, others=list(busy.values()),
                                                          unneeded=(requests, answers, made))
            worker.send(*waiting.pop(0))
            busy[worker.answers] = worker
        ready, _, _ = select.select(([requests] if accepting else []) + list(busy), [], [])
        for fd in ready:
            if fd == requests:
                record = _read_record(requests)
                if record is None:
                    accepting = False
                    continue
                waiting.append((key, *record))
                key += 1
                continue
            worker = busy.pop(fd)
            blob = worker.result()
            if blob is None:  # the worker died: its chart is made by the report's process
                blob = pickle.dumps((worker.key, False, "", {}))
            else:
                idle.append(worker)
            _write_all(made, blob, offset)
            os.write(answers, _RECORD.pack(offset, len(blob)))
            offset += len(blob)
    # Each worker holds only its own channels, so closing its request pipe ends it: all of them first,
    # then wait for each, so that they end side by side.
    for worker in idle:
        worker.hang_up()
    for worker in idle:
        reap(worker.pid, kill=False)


class _Worker:
    """A drawing worker of the chart process and the chart process's ends of its channels: a pipe
    that names each request (key, offset, length in the request file), and a pipe and a memory
    file through which the worker returns each pickled (key, ok, alt text, {format: bytes})."""

    def __init__(self, pid: int, to_worker: int, answers: int, results: int) -> None:
        self.pid, self.to_worker, self.answers, self.results = pid, to_worker, answers, results
        self.key = -1

    @classmethod
    def start(cls, server: int, jobs: int, *, others: Sequence["_Worker"], unneeded: Sequence[int]) -> "_Worker":
        """Fork a worker; it closes its copies of the ``others``' channels (were it to hold another
        worker's request pipe open, that worker would never see the pipe end) and of the chart
        process's ``unneeded`` descriptors (its channels to the report's process)."""
        job_read, job_write = os.pipe()
        answer_read, answer_write = os.pipe()
        results = os.memfd_create("surveykit-chart-drawings", os.MFD_CLOEXEC)
        gc.freeze()  # as report.forked: the worker's collector leaves the chart process's heap alone
        pid = os.fork()
        if pid != 0:
            os.close(job_read)
            os.close(answer_write)
            return cls(pid, job_write, answer_read, results)
        code = 0
        try:
            os.close(job_write)
            os.close(answer_read)
            for other in others:
                for fd in (other.to_worker, other.answers, other.results):
                    os.close(fd)
            for fd in unneeded:
                os.close(fd)
            _draw_requests(server, job_read, answer_write, jobs, results)
        except BaseException:
            code = 1
        finally:
            os._exit(code)

    def send(self, key: int, offset: int, length: int) -> None:
        self.key = key
        os.write(self.to_worker, _JOB.pack(key, offset, length))

    def result(self) -> bytes | None:
        """The worker's pickled result for its current chart; None if it died first (it is reaped)."""
        record = _read_record(self.answers)
        if record is not None:
            try:
                return _read_all(self.results, *record)
            except (OSError, EOFError):
                pass
        self.hang_up()
        reap(self.pid, kill=True)
        return None

    def hang_up(self) -> None:
        """Close this end of the worker's channels (its request pipe closing ends its loop)."""
        for fd in (self.to_worker, self.answers, self.results):
            try:
                os.close(fd)
            except OSError:
                pass


_JOB = struct.Struct("<qqq")  # (key, offset, length) of a request in the request file


def _draw_requests(server: int, job_pipe: int, answer_pipe: int, jobs: int, results: int) -> None:
    """A drawing worker's loop: make and draw each chart it is sent, one at a time, until its request
    pipe closes. A chart whose function fails is returned as not drawn (the report's process makes it
    and raises the error itself)."""
    from surveykit.report.forked import _die_with_parent

    _die_with_parent(server)
    from surveykit.charts.base import alt_text
    from surveykit.report.figures import draw

    while True:
        record = _read_exactly(job_pipe, _JOB.size)
        if record is None:
            return
        key, job_offset, length = _JOB.unpack(record)
        try:
            fn, args, kwargs = pickle.loads(_read_all(jobs, job_offset, length))
            fig = fn(*args, **kwargs)
            result = (key, True, alt_text(fig), {fmt: draw(fig, fmt) for fmt in FORMATS})
            del fig
        except Exception:  # noqa: BLE001 - the report's process makes this chart and raises any error itself
            result = (key, False, "", {})
        blob = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        # At the start of the file each time: the chart process reads a result before it sends the
        # next request, so the file is never larger than the largest drawing.
        _write_all(results, blob, 0)
        os.write(answer_pipe, _RECORD.pack(0, len(blob)))


def _read_exactly(fd: int, size: int) -> bytes | None:
    """``size`` bytes from a pipe, or None at its end (or on an error)."""
    data = b""
    while len(data) < size:
        try:
            chunk = os.read(fd, size - len(data))
        except OSError:
            return None
        if not chunk:
            return None
        data += chunk
    return data


def _read_record(fd: int) -> tuple[int, int] | None:
    data = _read_exactly(fd, _RECORD.size)
    if data is None:
        return None
    offset, length = _RECORD.unpack(data)
    return offset, length


def _write_all(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        n = os.pwrite(fd, view, offset)
        view, offset = view[n:], offset + n


def _read_all(fd: int, offset: int, length: int) -> bytes:
    parts, left = [], length
    while left > 0:
        chunk = os.pread(fd, left, offset)
        if not chunk:
            raise EOFError("a chart blob ends early")
        parts.append(chunk)
        offset, left = offset + len(chunk), left - len(chunk)
    return b"".join(parts)


# -- the charts of a report: sent to the chart process, or drawn as before -------------------------

def draw_charts_ahead(charts: Sequence["Chart"]) -> None:
    """Start drawing finished charts: a chart still to be made (``ChartRecipe``) goes to the chart
    process when ``surveykit report`` runs one (``report.chart_server``); any other is made here and
    drawn by ``draw_ahead``."""
    from surveykit.report.figures import draw_ahead
    from surveykit.report.model import ChartRecipe

    server = current()
    figures = []
    for chart in charts:
        source = chart.source
        if isinstance(source, ChartRecipe) and not source.made:
            if source.ticket is None and server is not None:
                source.ticket = server.submit(source)
            if source.ticket is not None:
                continue
        figures.append(chart.figure)
    draw_ahead(figures)


def chart_drawn(chart: "Chart", fmt: str) -> bytes | None:
    """The bytes of ``chart`` in ``fmt`` drawn ahead (by the chart process or ``draw_ahead``, waiting
    for them), or None: draw it now (``chart_bytes``)."""
    from surveykit.report.model import ChartRecipe

    source = chart.source
    if isinstance(source, ChartRecipe):
        done = source.served()
        if done is not None:
            return done.drawings.get(fmt)
        if not source.made:
            return None
    from surveykit.report.figures import drawn

    return drawn(chart.figure, fmt)


def chart_pending(chart: "Chart", fmt: str) -> bool:
    """Whether ``chart`` is being drawn (or was drawn) ahead in ``fmt``, not yet handed out. Never
    makes the figure."""
    from surveykit.report.model import ChartRecipe

    source = chart.source
    if isinstance(source, ChartRecipe):
        if source.ticket is not None:
            return True
        if not source.made:
            return False
    from surveykit.report.figures import pending

    return pending(chart.figure, fmt)


def chart_bytes(chart: "Chart", fmt: str) -> bytes:
    """``chart`` as ``fmt`` ("png" or "svg") bytes, deterministic: drawn ahead, or now."""
    from surveykit.report.figures import draw

    data = chart_drawn(chart, fmt)
    return data if data is not None else draw(chart.figure, fmt)



# -- the server of this process ------------------------------------------------------------------

_SERVER: ChartServer | None = None


def start() -> ChartServer | None:
    """Start the chart process for this process's report (Linux, forking allowed; see
    ``report.forked.ENV_SWITCH``); None where it cannot run (charts are then drawn as before)."""
    global _SERVER
    stop()
    if not fork_available() or not hasattr(os, "memfd_create"):
        return None
    try:
        _SERVER = ChartServer()
    except OSError:
        _SERVER = None
    return _SERVER


def current() -> ChartServer | None:
    """The running chart process this process may send charts to, if any."""
    return _SERVER if _SERVER is not None and _SERVER.usable else None


def finish() -> None:
    """Wait for every chart sent and end the process, which ends its workers first (``pipeline``
    once the report is written; ``tests/report_zygote.py`` forks writers afterwards, which must not
    share its channels)."""
    global _SERVER
    server, _SERVER = _SERVER, None
    if server is not None:
        server.finish()


def stop() -> None:
    """Stop the chart process, if any (the report is written, or failed)."""
    global _SERVER
    server, _SERVER = _SERVER, None
    if server is not None:
        server.stop()
