"""Real ``python -m surveykit`` processes without a fresh interpreter's imports each time.

Tests that need a process of their own (a memory limit, a signal, a file left behind by a process
that died) started ``python -m surveykit ARGS`` anew: about half a second of CPU each, nearly all of
it importing pandas, numpy and surveykit again. The zygote is one process per test worker that
imports them once and then forks a child per command: the child sets the requested limits, working
folder, environment and standard streams, and runs ``surveykit`` as ``-m`` does (``runpy``), or a
``-c`` program, ending as an interpreter ends (``SystemExit`` unwinds, exit handlers run, the streams
are flushed). Each child starts from the zygote as it was after its imports: the zygote itself never
runs a command.

What differs from a new interpreter: the modules of ``PRELOAD`` are imported already, so a test of
what a command imports must start a real interpreter (``conftest.run_cli_subprocess``); and the
variables read at import time (``MPLBACKEND``, ``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS``) are the
zygote's, set when it starts. Other variables of ``env`` are set in the child before it runs.

Protocol (one JSON object a line): the zygote says ``{"ready": true}`` once imported; each request
``{"argv": [...], "cwd": ..., "env": {...}, "stdin": PATH, "stdout": PATH, "stderr": PATH,
"limit_as": BYTES or null}`` gets ``{"pid": N}`` at once and ``{"pid": N, "status": S}`` when the
child ends (``S`` as ``Popen.returncode``). One child at a time.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

PRELOAD = ("pandas", "numpy", "yaml", "regex", "rich.progress", "typer", "openpyxl", "pyreadstat",
           "surveykit", "surveykit.cli", "surveykit.cli.app", "surveykit.cli.common", "surveykit.api",
           "surveykit.io.registry", "surveykit.io.fastcsv", "surveykit.io.spss", "surveykit.clean")
ENV = {"MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}


def _line() -> dict:
    line = sys.stdin.readline()
    if not line:
        os._exit(0)  # the tests closed the pipe: no more children
    return json.loads(line)


def _say(msg: dict) -> None:
    sys.stdout.write(json.dumps(msg) + "\n")
    sys.stdout.flush()


def _child(job: dict) -> None:
    """In the child: limits, folder, environment and streams as asked, then the command; never returns."""
    if job.get("limit_as"):
        import resource

        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        want = job["limit_as"] if hard == resource.RLIM_INFINITY else min(job["limit_as"], hard)
        resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    for fd, path, flags in ((0, job["stdin"], os.O_RDONLY), (1, job["stdout"], os.O_WRONLY | os.O_TRUNC),
                            (2, job["stderr"], os.O_WRONLY | os.O_TRUNC)):
        target = os.open(path, flags)
        os.dup2(target, fd)
        os.close(target)
    os.chdir(job["cwd"])
    os.environ.update(job.get("env") or {})
    argv = job["argv"]
    import runpy

    if argv[:1] == ["-c"]:
        sys.argv = ["-c", *argv[2:]]
        exec(compile(argv[1], "<string>", "exec"), {"__name__": "__main__", "__builtins__": __builtins__})  # noqa: S102 - a -c program, as python -c runs it
    else:
        assert argv[:2] == ["-m", "surveykit"], argv
        sys.argv = ["surveykit", *argv[2:]]
        runpy.run_module("surveykit", run_name="__main__", alter_sys=True)
    raise SystemExit(0)


def start(preload: tuple[str, ...]) -> None:
    """A zygote's start (this one's and ``report_zygote``'s): it dies with the test process that
    started it, imports ``preload`` and says it is ready."""
    import ctypes
    import importlib
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    for name in preload:
        try:
            importlib.import_module(name)
        except ImportError:
            pass  # a module that moved: the command imports what it needs anyway
    _say({"ready": True})


def main() -> None:
    start(PRELOAD)
    while True:
        job = _line()
        pid = os.fork()
        if pid == 0:
            # The child ends as an interpreter running the command ends: its SystemExit (or uncaught
            # exception, printed with exit status 1) unwinds out of main.
            _child(job)
        _say({"pid": pid})
        _, status = os.waitpid(pid, 0)
        _say({"pid": pid, "status": os.waitstatus_to_exitcode(status)})


class ZygoteClient:
    """The test side of a zygote (this one's and ``report_zygote``'s): the process, its messages
    (``message``) and requests (``send``)."""

    def __init__(self, script: str, *, env: dict[str, str], stderr: Path | None = None):
        if stderr is None:
            self._proc = subprocess.Popen([sys.executable, script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          env=env)
        else:
            with open(stderr, "wb") as err:
                self._proc = subprocess.Popen([sys.executable, script], stdin=subprocess.PIPE,
                                              stdout=subprocess.PIPE, stderr=err, env=env)
        self._stderr = stderr
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
                code = self._proc.wait()
                said = Path(self._stderr).read_text(errors="replace") if self._stderr else ""
                raise RuntimeError(f"the zygote ended (exit {code}): {said}")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def send(self, job: dict) -> None:
        self._proc.stdin.write((json.dumps(job) + "\n").encode())
        self._proc.stdin.flush()

    def end(self) -> None:
        """Close the request pipe (the zygote ends) and wait for it."""
        self._proc.stdin.close()
        try:
            self._proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


class CliZygote(ZygoteClient):
    """``run(argv, ...)`` as ``subprocess.run([sys.executable, *argv], ...)``."""

    def __init__(self, scratch: Path):
        self._scratch = scratch
        self._count = 0
        super().__init__(__file__, env={**os.environ, **ENV})

    def run(self, argv: list[str], *, cwd: Path, env: dict[str, str] | None = None, input: str | None = None,
            timeout: float, limit_as: int | None = None) -> subprocess.CompletedProcess:
        """Run ``python ARGV`` (``-m surveykit ...`` or ``-c CODE``) in a child; stdout and stderr as
        ``text=True`` reads them. On ``timeout`` the child is killed and TimeoutExpired raised."""
        self._count += 1
        files = {name: self._scratch / f"{self._count}.{name}" for name in ("stdin", "stdout", "stderr")}
        files["stdin"].write_text(input or "", encoding="utf-8")
        for name in ("stdout", "stderr"):
            files[name].write_bytes(b"")
        job = {"argv": [str(a) for a in argv], "cwd": str(cwd), "env": env or {}, "limit_as": limit_as,
               **{name: str(path) for name, path in files.items()}}
        self.send(job)
        pid = self.message(timeout=60)["pid"]
        done = self.message(timeout=timeout)
        if done is None:
            os.kill(pid, 9)
            self.message(timeout=60)
            raise subprocess.TimeoutExpired(argv, timeout)
        assert done["pid"] == pid, done
        out, err = (files[name].read_bytes() for name in ("stdout", "stderr"))
        for path in files.values():
            path.unlink()
        from conftest import _text_of  # the test side only: the zygote never runs this

        return subprocess.CompletedProcess([sys.executable, *argv], done["status"], _text_of(out, errors="strict"),
                                           _text_of(err, errors="strict"))

    def close(self) -> None:
        """End the zygote and remove the scratch folder."""
        import shutil

        self.end()
        shutil.rmtree(self._scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
