"""``surveykit report`` on small inputs keeps pyarrow out of its process (issue 14 point 3: no import
the path does not need). pandas 3 imports pyarrow with itself wherever it is installed; a report whose
inputs are all under the fast CSV reader's size (``io.fastcsv.FAST_PARSE_BYTES``) uses nothing of it,
so the program leaves it out (``pipeline.leave_out_pyarrow``) and writes the same files. A larger input
keeps it, and so does a script using the library."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import textwrap

import pytest
from conftest import SAMPLE_DIR, SAMPLE_SURVEY
from test_report_speed_parallel import _digests

HAS_PYARROW = importlib.util.find_spec("pyarrow") is not None


def _imported(stderr: str) -> set[str]:
    """The modules ``python -X importtime`` reports. A package whose import was refused is listed too
    (``pyarrow``, with no time spent), but none of its submodules: pyarrow loaded means ``pyarrow.lib``."""
    names = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip())
    return names


@pytest.mark.skipif(not SAMPLE_SURVEY.exists(), reason="the sample study has not been generated")
def test_the_sample_report_is_written_without_pyarrow_and_is_the_same_report(tmp_path, sample_report):
    shutil.copytree(SAMPLE_DIR, tmp_path / "responses" / "sample")
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "surveykit", "report"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, check=False, env={"MPLBACKEND": "Agg", **_env()})
    assert proc.returncode == 0, proc.stderr[-2000:]
    imported = _imported(proc.stderr)
    assert "pandas" in imported and "scipy.stats" in imported  # the log is the report's own process
    assert not {m for m in imported if m.startswith("pyarrow.")}
    # The same files as the shared sample report, written in a process where pyarrow was loaded (when
    # it is installed): nothing of the report depends on it.
    assert _digests(tmp_path / "reports" / "sample") == _digests(sample_report.folder)


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "PYTHONPROFILEIMPORTTIME"}


def _decision(paths: list[str], *, before: str = "") -> dict:
    """``leave_out_pyarrow(paths)`` in a new interpreter, then pandas imported: what it decided and
    whether pyarrow was loaded."""
    script = textwrap.dedent(f"""
        import json, sys
        {before}
        from surveykit.pipeline import leave_out_pyarrow
        left_out = leave_out_pyarrow({paths!r})
        import pandas
        print(json.dumps({{"left_out": left_out, "pyarrow": "pyarrow.lib" in sys.modules}}))
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not HAS_PYARROW, reason="pyarrow is not installed (nothing to leave out)")
def test_an_input_from_the_fast_readers_size_keeps_pyarrow(tmp_path):
    from surveykit.io.fastcsv import FAST_PARSE_BYTES

    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    small.write_bytes(b"a,b\n" + b"1,2\n" * 10)
    large.write_bytes(b"a,b\n" + b"1,2\n" * (FAST_PARSE_BYTES // 4))
    assert large.stat().st_size >= FAST_PARSE_BYTES
    assert _decision([str(small), None, str(tmp_path / "missing.csv")]) == {"left_out": True, "pyarrow": False}
    assert _decision([str(small), str(large)]) == {"left_out": False, "pyarrow": True}
    # Once pandas is in, nothing changes (a script that imported it keeps its pyarrow).
    assert _decision([str(small)], before="import pandas") == {"left_out": False, "pyarrow": True}


@pytest.mark.skipif(not HAS_PYARROW, reason="pyarrow is not installed (nothing to leave out)")
def test_a_script_running_the_command_keeps_its_pyarrow(tmp_path):
    """Only the program decides it (``cli.run``, the ``surveykit`` script): a script that runs the command
    through ``cli.main()`` keeps pyarrow, as it keeps its allocator. The report stops at its missing
    survey, after pandas is imported."""
    script = textwrap.dedent(f"""
        import json, sys
        from surveykit.cli import main
        sys.argv = ["surveykit", "report", "--survey", {str(tmp_path / "missing.csv")!r}, "--out", {str(tmp_path / "r")!r}]
        try:
            main()
        except SystemExit as exc:
            code = exc.code
        print(json.dumps({{"code": code, "pandas": "pandas" in sys.modules, "pyarrow": "pyarrow.lib" in sys.modules}}))
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == {"code": 2, "pandas": True, "pyarrow": True}
    program = subprocess.run([sys.executable, "-X", "importtime", "-m", "surveykit", "report", "--survey",
                              tmp_path / "missing.csv", "--out", tmp_path / "r"], capture_output=True, text=True,
                             timeout=120, cwd=tmp_path, env=_env(), check=False)
    assert program.returncode == 2
    imported = _imported(program.stderr)
    assert "pandas" in imported and not {m for m in imported if m.startswith("pyarrow.")}
