"""Start ``surveykit ARGS`` processes forked from one interpreter that has already imported what a report
needs before it starts writing (test_hostile_folder's kill test starts 13 reports that are killed
while they write: each spares the ~3 s of CPU a new interpreter spends importing pandas, scipy and
matplotlib again).

Each child is a real process running ``python -m surveykit ARGS`` (``runpy``, as ``-m`` does) in its
own working folder, with stdout on /dev/null and stderr in a file; it can be killed like any other
(its report's own forked helpers die with it). The modules the writers import (openpyxl, python-docx,
lxml) are left to the child, so the writing phase costs what it costs in a new interpreter.

Protocol (one JSON object a line): the test writes ``{"args": [...], "cwd": ..., "stderr": ...}``;
the zygote answers ``{"pid": N}`` at once and ``{"pid": N, "status": S}`` when the child ends
(``S`` as ``Popen.returncode``: the exit code, or minus the signal that killed it). One child at a
time. ``ZygoteProcess`` is the test side, a ``Popen``-like handle (``pid``, ``poll``, ``wait``).
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

PRELOAD = (
    "pandas", "numpy", "scipy.stats", "matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg",
    "PIL.Image", "yaml", "regex", "rich.progress",
    "surveykit.cli.app", "surveykit.cli.reporting", "surveykit.api", "surveykit.pipeline",
    "surveykit.report.build", "surveykit.report.sections", "surveykit.report.charts", "surveykit.report.grids",
    "surveykit.report.youth", "surveykit.report.coding", "surveykit.report.figures", "surveykit.report.forked",
    "surveykit.coding.rules", "surveykit.coding.redact", "surveykit.coding.summary", "surveykit.coding.quotes",
    "surveykit.compare", "surveykit.stats", "surveykit.banner", "surveykit.voices", "surveykit.ranking",
    "surveykit.scoring", "surveykit.disclosure", "surveykit.charts.effectiveness", "surveykit.charts.youth",
)


def _child(args: list[str], cwd: str, stderr: str) -> None:
    import runpy

    null = os.open(os.devnull, os.O_RDWR)
    err = os.open(stderr, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.dup2(err, 2)
    os.chdir(cwd)
    sys.argv = ["surveykit", *args]
    code = 0
    try:
        runpy.run_module("surveykit", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    # Leave as a process run with -m does: SystemExit unwinds the zygote's loop and the interpreter
    # shuts down as usual (atexit, flushing, finalisation), so a run ends when a new one would.
    raise SystemExit(code)


def main() -> None:
    import ctypes
    import importlib
    import signal

    try:  # the zygote dies with the test that started it
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass  # a module that moved: the child imports what it needs anyway
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        job = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(job["args"], job["cwd"], job["stderr"])  # never returns: raises SystemExit
        print(json.dumps({"pid": pid}), flush=True)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"pid": pid, "status": os.waitstatus_to_exitcode(status)}), flush=True)


class Zygote:
    """The zygote process, started once per test (``with Zygote(env=...) as z: z.start(args, cwd=..., stderr=...)``)."""

    def __init__(self, *, env: dict[str, str]):
        self._proc = subprocess.Popen([sys.executable, __file__], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      env=env)
        self._fd = self._proc.stdout.fileno()
        self._buffer = b""
        assert self.message(timeout=300) == {"ready": True}

    def message(self, timeout: float | None = None) -> dict | None:
        """The zygote's next line, waiting at most ``timeout`` seconds (None: no line yet)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = None if deadline is None else max(deadline - time.monotonic(), 0)
            if not select.select([self._fd], [], [], left)[0]:
                return None
            chunk = os.read(self._fd, 65536)
            if not chunk:
                raise RuntimeError(f"the zygote ended (exit {self._proc.wait()})")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def start(self, args: list, *, cwd: Path, stderr: Path) -> "ZygoteProcess":
        job = {"args": [str(a) for a in args], "cwd": str(cwd), "stderr": str(stderr)}
        self._proc.stdin.write((json.dumps(job) + "\n").encode())
        self._proc.stdin.flush()
        return ZygoteProcess(self, self.message()["pid"], stderr)

    def __enter__(self) -> "Zygote":
        return self

    def __exit__(self, *exc) -> None:
        self._proc.stdin.close()
        try:
            self._proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


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
