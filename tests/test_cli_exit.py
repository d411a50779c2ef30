"""How the ``surveykit`` program ends (``surveykit.cli.run``): at once, without the interpreter's
teardown, but as Python would end it otherwise: the command's exit code, the atexit functions run,
every byte of stdout and stderr delivered, and a thread still running waited for."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from surveykit import __version__


def _run(script: str, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)


def test_the_exit_code_output_and_atexit_functions_are_kept(tmp_path):
    script = """
        import atexit, sys
        from pathlib import Path
        atexit.register(lambda: Path("atexit-ran").write_text("yes"))
        sys.argv = ["surveykit", "--version"]
        from surveykit.cli import run
        print("before", flush=False)  # still buffered when the program ends
        run()
        print("never printed: run() does not return")
    """
    out = _run(script, tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["before", f"surveykit {__version__}"]
    assert (tmp_path / "atexit-ran").read_text() == "yes"


def test_an_error_keeps_its_exit_code_and_message(tmp_path):
    script = """
        import sys
        sys.argv = ["surveykit", "validate", "no-such-file.csv"]
        from surveykit.cli import run
        run()
    """
    out = _run(script, tmp_path)
    assert out.returncode == 2
    assert out.stderr.startswith("surveykit: error:") and "Traceback" not in out.stderr


def test_a_thread_still_running_is_waited_for(tmp_path):
    script = """
        import sys, threading, time
        from pathlib import Path
        def late():
            time.sleep(0.5)
            Path("thread-done").write_text("yes")
        threading.Thread(target=late).start()
        sys.argv = ["surveykit", "--version"]
        from surveykit.cli import run
        run()
    """
    out = _run(script, tmp_path)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "thread-done").read_text() == "yes"


def test_a_reader_that_goes_away_gets_no_traceback(tmp_path):
    """``surveykit ... | head -1``: the output that no one reads any more is dropped quietly."""
    cmd = f"{sys.executable} -m surveykit --help | head -c 1"
    out = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True, timeout=120,
                         cwd=tmp_path)
    assert out.stdout == "\n" or len(out.stdout) == 1
    assert "Traceback" not in out.stderr and "Exception ignored" not in out.stderr


def test_the_ordinary_exit_can_be_asked_for(tmp_path):
    script = """
        import atexit, os, sys
        os.environ["SURVEYKIT_QUICK_EXIT"] = "0"
        import surveykit.cli as cli
        def quick(code):
            raise AssertionError("the quick exit was used")
        cli.os._exit = quick
        sys.argv = ["surveykit", "--version"]
        cli.run()
    """
    out = _run(script, tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"surveykit {__version__}"


def test_the_program_gives_pyarrow_the_system_allocator_unless_told_otherwise(tmp_path):
    """``run`` sets ARROW_DEFAULT_MEMORY_POOL to "system" before pyarrow is imported (a parse of a large
    export peaks lower with it); a pool the user chose is kept, and a script that only imports surveykit
    keeps pyarrow's own default."""
    import os

    pytest.importorskip("pyarrow")
    script = """
        import atexit, os, sys
        from pathlib import Path

        def record():
            import pyarrow
            Path("pool").write_text(pyarrow.default_memory_pool().backend_name)

        atexit.register(record)
        sys.argv = ["surveykit", "--version"]
        from surveykit.cli import run
        run()
    """
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    for chosen, expected in ((None, "system"), ("mimalloc", "mimalloc")):
        if chosen:
            env["ARROW_DEFAULT_MEMORY_POOL"] = chosen
        out = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True,
                             timeout=120, cwd=tmp_path, env=env)
        assert out.returncode == 0, out.stderr
        assert (tmp_path / "pool").read_text() == expected
    plain = subprocess.run([sys.executable, "-c", "import surveykit, pyarrow; print(pyarrow.default_memory_pool().backend_name)"],
                           capture_output=True, text=True, timeout=120, env={k: v for k, v in os.environ.items()
                                                                               if k != "ARROW_DEFAULT_MEMORY_POOL"})
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.strip() not in ("", "system")
