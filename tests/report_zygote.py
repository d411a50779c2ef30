"""Start ``surveykit report`` processes that are about to write, each forked from one process that has
run the same command up to that point (test_hostile_folder's kill test kills 13 reports while they
write; the analysis before the writing is the same in all 13 and writes nothing, so it is done once).

The zygote imports what a report needs, then, told to (``prepare``), runs ``python -m surveykit ARGS``
(``runpy``, as ``-m`` does) in the given working folder until the command calls ``Report.write``:
there it collects the charts its forked helpers drew ahead and waits. Each ``start`` forks a child
that returns into ``Report.write`` and finishes the real command (the writing, its message, the exit
status) with stdout on /dev/null and stderr in a file: a real process, killed like any other (the
writers' own forked helpers die with it). Every child writes the same prepared report, so the
moments of a kill are spread over the same writing each time.

Protocol (one JSON object a line): the zygote says ``{"ready": true}`` once imported; the test sends
``{"prepare": [...args], "cwd": ...}`` and gets ``{"prepared": true}`` when the command reached the
writing (or the zygote ends with the command's exit status if it failed first); then each
``{"stderr": PATH}`` (optionally ``"out"``: another folder) gets ``{"pid": N}`` at once and ``{"pid": N, "status": S}`` when the child ends
(``S`` as ``Popen.returncode``: the exit code, or minus the signal that killed it). One child at a
time. ``ZygoteProcess`` is the test side, a ``Popen``-like handle (``pid``, ``poll``, ``wait``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cli_zygote import ZygoteClient, _line, _say
from cli_zygote import start as start_zygote

PRELOAD = (
    "pandas", "numpy", "scipy.stats", "matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg",
    "PIL.Image", "yaml", "regex", "rich.progress",
    "surveykit.cli.app", "surveykit.cli.reporting", "surveykit.api", "surveykit.pipeline",
    "surveykit.report.build", "surveykit.report.sections", "surveykit.report.charts", "surveykit.report.grids",
    "surveykit.report.youth", "surveykit.report.coding", "surveykit.report.figures", "surveykit.report.forked",
    "surveykit.report.chart_server",
    "surveykit.coding.rules", "surveykit.coding.redact", "surveykit.coding.summary", "surveykit.coding.quotes",
    "surveykit.compare", "surveykit.stats", "surveykit.banner", "surveykit.voices", "surveykit.ranking",
    "surveykit.scoring", "surveykit.disclosure", "surveykit.charts.effectiveness", "surveykit.charts.youth",
)


def _serve() -> dict:
    """In the zygote, at the start of ``Report.write``: fork one child per request and wait for it.
    Returns the request only in a child (which then writes the report); the zygote ends with os._exit."""
    while True:
        job = _line()
        pid = os.fork()
        if pid == 0:
            null = os.open(os.devnull, os.O_RDWR)
            err = os.open(job["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(null, 0)
            os.dup2(null, 1)
            os.dup2(err, 2)
            os.close(null)
            os.close(err)
            return job
        _say({"pid": pid})
        _, status = os.waitpid(pid, 0)
        _say({"pid": pid, "status": os.waitstatus_to_exitcode(status)})


def _prepare(args: list[str], cwd: str) -> None:
    """Run ``python -m surveykit ARGS`` in this process up to ``Report.write``, then serve children."""
    import runpy

    import surveykit.api as api
    from surveykit.report import chart_server, figures

    write = api.Report.write

    def write_in_a_child(self, *a, **kw):
        # The charts drawn ahead come through a pipe from a helper of this process: read them here, once,
        # so that every child has them (a child cannot read that pipe again, nor wait for the helper).
        for ahead in list(figures._AHEAD.values()):
            ahead.job.results()
        # The same for the chart process (report.chart_server): every chart is collected here and the
        # process stopped, so that no child shares its channels.
        chart_server.finish()
        _say({"prepared": True})
        job = _serve()
        if job.get("out"):  # the same report written to another folder (the kill test's timing run)
            if "folder" in kw:
                kw["folder"] = job["out"]
            else:
                a = (job["out"], *a[1:])
        return write(self, *a, **kw)

    api.Report.write = write_in_a_child
    os.chdir(cwd)
    sys.argv = ["surveykit", *args]
    code = 0
    try:
        runpy.run_module("surveykit", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    # In a child: the command finished (as a process run with -m ends: SystemExit unwinds to here and
    # the interpreter shuts down as usual). In the zygote: the command failed before it wrote.
    raise SystemExit(code)


def main() -> None:
    start_zygote(PRELOAD)
    job = _line()
    _prepare(job["prepare"], job["cwd"])


class Zygote(ZygoteClient):
    """The zygote process, started once per test (``with Zygote(env=..., stderr=...) as z: z.prepare(args,
    cwd=...); z.start(stderr=...)``); ``stderr``: a file for the zygote's own messages."""

    def __init__(self, *, env: dict[str, str], stderr: Path):
        super().__init__(__file__, env=env, stderr=stderr)

    def prepare(self, args: list, *, cwd: Path) -> None:
        """Run ``surveykit ARGS`` in the zygote up to the writing of the report."""
        self.send({"prepare": [str(a) for a in args], "cwd": str(cwd)})
        assert self.message() == {"prepared": True}

    def start(self, *, stderr: Path, out: Path | None = None) -> "ZygoteProcess":
        """A child that writes the prepared report (its stderr in the file ``stderr``); to the folder
        ``out`` instead of the command's own when given."""
        self.send({"stderr": str(stderr), **({"out": str(out)} if out else {})})
        return ZygoteProcess(self, self.message()["pid"], stderr)

    def __enter__(self) -> "Zygote":
        return self

    def __exit__(self, *exc) -> None:
        self.end()


class ZygoteProcess:
    """A child of the zygote, as much of ``subprocess.Popen`` as the kill test uses."""

    def __init__(self, zygote: Zygote, pid: int, stderr: Path):
        self._zygote, self.pid, self.stderr_path, self.returncode = zygote, pid, stderr, None

    def poll(self) -> int | None:
        if self.returncode is None:
            self._take(self._zygote.message(timeout=0))
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            msg = self._zygote.message(timeout=timeout)
            if msg is None:
                raise subprocess.TimeoutExpired(f"zygote child {self.pid}", timeout)
            self._take(msg)
        return self.returncode

    def _take(self, msg: dict | None) -> None:
        if msg is not None:
            assert msg == {"pid": self.pid, "status": msg["status"]}, msg
            self.returncode = msg["status"]


if __name__ == "__main__":
    main()
