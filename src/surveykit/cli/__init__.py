"""The ``surveykit`` command line: a thin layer over the library.

Each command module registers its commands on ``app``; heavy libraries are imported inside the
command functions, and the command modules themselves are imported only when one of their commands
runs (``cli.app.LazyGroup``), so that ``surveykit --help`` stays instant.

``main()`` runs a command and ends with SystemExit, like any click program (for a caller that goes on
afterwards); ``run()`` is the program itself (the ``surveykit`` script and ``python -m surveykit``).
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from surveykit.cli.app import app, load

#: Set to "0" to end the program the ordinary way (the interpreter's full shutdown).
QUICK_EXIT_SWITCH = "SURVEYKIT_QUICK_EXIT"
#: pyarrow's allocator for the program, unless the user chose one (pyarrow reads it when first imported).
ARROW_POOL = ("ARROW_DEFAULT_MEMORY_POOL", "system")
#: True in the ``surveykit`` program (``run``): a command may then make choices for the whole process
#: that a script calling ``main()`` keeps for itself (``cli.reporting``: pyarrow left out).
PROGRAM = False


def main() -> None:
    app(prog_name="surveykit")


def run() -> NoReturn:
    """Run the command, then end the process at once.

    A command that loaded pandas, scipy and matplotlib leaves hundreds of thousands of objects and
    modules behind; the interpreter's shutdown frees them one by one, which took about 0.4 s of a
    report run that does its real work in about 3.5 s. Nothing of it matters here: every output file
    is written, closed and renamed before the command returns. So the process ends as Python would
    (the atexit functions run, stdout and stderr are flushed, the exit code is the command's) but
    without that teardown. Where a thread other than this one still runs, the program ends the
    ordinary way, which waits for it.

    pyarrow's memory comes from the C library's allocator, not the mimalloc pool pyarrow uses by
    default: parsing a large export makes many column buffers of a few hundred kilobytes, and the
    system allocator reuses the space of those freed sooner (reading 100,000 respondents peaked 35 to
    45 MB lower, in the same time). Only the program's own choice: a script that imports surveykit
    keeps its own allocator."""
    global PROGRAM
    PROGRAM = True
    os.environ.setdefault(*ARROW_POOL)
    try:
        main()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    end_process(0 if code is None else code)


def end_process(code: object) -> NoReturn:
    """End the program with ``code`` as quickly as is safe (``run``)."""
    import threading

    if (not isinstance(code, int) or threading.active_count() > 1
            or os.environ.get(QUICK_EXIT_SWITCH, "1") == "0"):
        raise SystemExit(code)
    import atexit

    run_exit_functions = getattr(atexit, "_run_exitfuncs", None)  # CPython's: logging, tempfile, ...
    if run_exit_functions is None:
        raise SystemExit(code)
    run_exit_functions()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass  # a reader that went away (a closed pipe) gets nothing more, as with every command's output
    os._exit(code)


__all__ = ["app", "end_process", "load", "main", "run"]
