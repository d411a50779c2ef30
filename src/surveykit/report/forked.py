"""Work done in a forked child process, so a report uses the machine's second core.

``Forked(fn)`` forks; the child runs ``fn()`` on its copy of the parent's memory and sends the
pickled result back through a pipe; the parent carries on and collects it with ``result()``. The
child never writes a file, prints or logs: the parent writes every byte (atomically, as always), so a
killed run leaves nothing the child wrote. The child dies with its parent (``PR_SET_PDEATHSIG``), so
a SIGKILL of ``surveykit report`` leaves no orphan behind.

Determinism: ``fn`` must be a pure function of data that exists before the fork; its result is the
same whether it runs in the child or in the parent. When the child fails (or fork is not available:
only Linux is used, where fork and prctl are well defined) ``result()`` runs ``fn()`` in the parent,
so the result, or the error a user sees, is exactly the serial one.
"""

from __future__ import annotations

import gc
import os
import pickle
import sys
from typing import Any, Callable, Generic, TypeVar

T = TypeVar("T")

#: Set to "0" to run everything in one process (debugging, profiling).
ENV_SWITCH = "SURVEYKIT_FORK"


def fork_available() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "fork") and os.environ.get(ENV_SWITCH, "1") != "0"


def _die_with_parent(parent: int) -> None:
    """Ask the kernel to SIGKILL this child when its parent dies; exit at once if it already has."""
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)


def reap(pid: int, *, kill: bool) -> None:
    """Wait for the child ``pid`` to end (``kill``: SIGKILL it first); a child already reaped is fine."""
    if kill:
        import signal

        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


class Forked(Generic[T]):
    """``fn()`` computed in a forked child (or, failing that, in this process by ``result()``)."""

    def __init__(self, fn: Callable[[], T], *, fork: bool = True, nice: int = 0) -> None:
        """``nice``: lower the child's scheduling priority by this much (work whose result is wanted
        late, so that the work the parent waits for sooner gets the cores first)."""
        self._fn = fn
        self._pid: int | None = None
        self._fd: int | None = None
        self._value: Any = None
        self._done = False
        self._handed: list["Forked[Any]"] = []  # children whose result another child reads (hand_over)
        if not (fork and fork_available()):
            return
        parent = os.getpid()
        try:
            read_fd, write_fd = os.pipe()
        except OSError:
            return
        # The child's garbage collector must not walk the objects it inherits: walking them writes to
        # every object's header, which copies the parent's whole heap page by page (copy on write).
        # Frozen, they are left alone; the parent unfreezes its own at once (so they are collected
        # as before), which also spares it re-scanning them in the young generations.
        gc.freeze()
        try:
            pid = os.fork()
        except OSError:
            gc.unfreeze()
            os.close(read_fd)
            os.close(write_fd)
            return
        if pid != 0:
            gc.unfreeze()
        if pid == 0:  # the child: compute, send, exit without running any of the parent's exit handlers
            code = 0
            try:
                os.close(read_fd)
                _die_with_parent(parent)
                if nice:
                    try:
                        os.nice(nice)
                    except OSError:
                        pass
                # Fresh standard streams: a thread of the parent (a progress bar) may have held the old
                # ones' locks at the fork, and a warning written through them would then hang. The
                # child has no data to print.
                sys.stdout = open(os.devnull, "w")
                sys.stderr = open(os.dup(2), "w", buffering=1)
                try:
                    payload = pickle.dumps((True, fn()), protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException:  # the parent redoes the work and raises the error itself
                    payload = pickle.dumps((False, None))
                    code = 1
                with os.fdopen(write_fd, "wb") as pipe:
                    pipe.write(payload)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(write_fd)
        self._pid, self._fd = pid, read_fd

    def result(self) -> T:
        """The child's result (waiting for it); ``fn()`` here if there is no child or it failed. Computed
        once: later calls return the same value."""
        if not self._done:
            self._value = self._collect()
            self._done = True
        return self._value

    def hand_over(self, reader: "Forked[Any]") -> None:
        """``reader``'s child (forked after this one) collects this child's result itself, from the pipe
        it inherited: this process lets go of its end, so that it never competes for the bytes, and
        reaps this child when ``reader`` is collected or closed. Nothing changes when ``reader`` has no
        child (its work then runs here and collects this result here)."""
        if reader._pid is None or self._fd is None:
            return
        os.close(self._fd)
        self._fd = None
        reader._handed.append(self)

    def ready(self) -> bool:
        """Whether ``result()`` would return without waiting for the child: computed already, no child
        (it is computed here then), or the child's result has started to arrive (or the child died)."""
        if self._done or self._fd is None:
            return True
        import select

        try:
            return bool(select.select([self._fd], [], [], 0)[0])
        except (OSError, ValueError):
            return True

    def _collect(self) -> T:
        if self._pid is None:
            return self._fn()
        if self._fd is None:  # handed over to another child: not read here
            self._reap(kill=True)
            return self._fn()
        fd, self._fd = self._fd, None
        try:
            with os.fdopen(fd, "rb") as pipe:
                data = pipe.read()
        finally:
            self._reap(kill=False)
            for job in self._handed:  # the child has read their results: none is wanted any more
                job.close()
        try:
            ok, value = pickle.loads(data) if data else (False, None)
        except Exception:
            ok, value = False, None
        return value if ok else self._fn()

    def close(self) -> None:
        """Stop a child whose result is no longer wanted (on an error in the parent); idempotent."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        self._reap(kill=True)
        for job in self._handed:
            job.close()

    def _reap(self, *, kill: bool) -> None:
        if self._pid is None:
            return
        pid, self._pid = self._pid, None
        reap(pid, kill=kill)

    def __enter__(self) -> "Forked[T]":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
