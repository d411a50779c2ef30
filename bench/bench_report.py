"""Benchmark: the whole report (issue 14.4: under 3 s on the shipped sample on an idle machine, under
15 s for 30,000 respondents).

Runs ``surveykit report`` as a user does (a fresh process: imports, reading, every analysis, charts
and all the files) into a temporary folder: five times on the sample (best and median wall time), and
once on 30,000 respondents made by the sample generator (``surveykit sample --respondents 30000``).
The machine's load average is recorded beside the times: on a shared machine wall time is not the
idle figure the target speaks of, so CPU time is given too: user + system of the command and of the
children it forks (the coding, the chart-free sections and the workbook run in forked children beside
the analyses, ``surveykit.report.forked``, and the charts in the chart process,
``surveykit.report.chart_server``), so CPU above wall means both cores worked.

Whether pyarrow is installed (the ``dask`` extra brings it) changes pandas' string columns, and with
them the report's CPU time: the detail names the pandas and pyarrow versions.
``BENCH_REPORT_PYTHON=/path/to/python`` times the sample report again under another interpreter (e.g.
a virtual environment of the default install, without pyarrow), recorded as its own row.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SURVEY = ROOT / "responses" / "sample" / "professional_survey.csv"
RANKINGS = ROOT / "responses" / "sample" / "youth_ranking.csv"
SAMPLE_TARGET_S = 3.0
LARGE_TARGET_S = 15.0
LARGE = 30_000
RUNS = 5
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import load_average  # noqa: E402
from bench_load import environment  # noqa: E402


def _report(survey: Path, rankings: Path, out: Path, python: str = sys.executable) -> tuple[float, float, int, str]:
    """(wall s, CPU s, exit code, last stderr line) of one ``surveykit report``."""
    env = {**os.environ, "MPLBACKEND": "Agg"}
    t0 = time.perf_counter()
    proc = subprocess.Popen([python, "-m", "surveykit", "report", "--survey", str(survey), "--rankings",
                             str(rankings), "--out", str(out)], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=env)
    _, err = proc.communicate()
    wall = time.perf_counter() - t0
    return wall, 0.0, proc.returncode, (err.strip().splitlines() or [""])[-1][:200]


def _timed_report(survey: Path, rankings: Path, out: Path,
                  python: str = sys.executable) -> tuple[float, float, int, str]:
    before = os.times()
    wall, _, code, last = _report(survey, rankings, out, python)
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu, code, last


def _compile_package(python: str = sys.executable) -> None:
    """Write the package's bytecode, as any install does (pip compiles what it installs). A checkout
    run with PYTHONDONTWRITEBYTECODE=1 (as in this project's sessions) has none, and every run of the
    command would compile each surveykit module it imports again: time no user pays."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    where = subprocess.run([python, "-c", "import os, surveykit; print(os.path.dirname(surveykit.__file__))"],
                           capture_output=True, text=True, env=env)
    if where.returncode != 0 or not where.stdout.strip():
        return
    subprocess.run([python, "-m", "compileall", "-q", where.stdout.strip()], env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def run() -> list[dict]:
    if not SURVEY.is_file() or not RANKINGS.is_file():
        return [{"name": "report on the sample", "value": "n/a", "unit": "", "target": f"< {SAMPLE_TARGET_S:.0f} s",
                 "ok": False, "detail": "responses/sample is missing: run make sample"}]
    _compile_package()
    results = []
    with tempfile.TemporaryDirectory(prefix="bench_report_") as tmp:
        tmpdir = Path(tmp)
        pythons = [("", sys.executable)]
        if os.environ.get("BENCH_REPORT_PYTHON"):
            pythons.append((" (second interpreter)", os.environ["BENCH_REPORT_PYTHON"]))
        for label, python in pythons:
            results.append(_sample_row(tmpdir / f"sample{len(results)}", python, label))
        subprocess.run([sys.executable, "-m", "surveykit", "sample", "--out", str(tmpdir / "large"), "--respondents",
                        str(LARGE)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        load = load_average()
        wall, cpu, code, last = _timed_report(tmpdir / "large" / "professional_survey.csv",
                                              tmpdir / "large" / "youth_ranking.csv", tmpdir / "big")
        results.append({"name": f"report on {LARGE:,} respondents (wall)", "value": f"{wall:.1f}" if code == 0 else
                        "failed", "unit": "s" if code == 0 else "", "target": f"< {LARGE_TARGET_S:.0f} s",
                        "ok": code == 0 and wall < LARGE_TARGET_S,
                        "detail": (f"CPU (command and its children) {cpu:.1f} s; one run; {load}" if code == 0 else last)})
    return results


def _sample_row(tmpdir: Path, python: str, label: str) -> dict:
    """The sample report RUNS times under ``python``: best and median wall time."""
    env = environment(python)
    if python != sys.executable:
        _compile_package(python)
    load = load_average()
    runs = [_timed_report(SURVEY, RANKINGS, tmpdir / f"r{i}", python) for i in range(RUNS)]
    failed = next((r for r in runs if r[2] != 0), None)
    name = f"report on the sample{label} (wall, best of {RUNS})"
    if failed:
        return {"name": name, "value": "failed", "unit": "", "target": f"< {SAMPLE_TARGET_S:.0f} s",
                "ok": False, "detail": failed[3]}
    times = [r[0] for r in runs]
    n_files = sum(1 for p in (tmpdir / "r0").rglob("*") if p.is_file())
    best, median = min(times), statistics.median(times)
    return {"name": name, "value": f"{best:.2f}", "unit": "s", "target": f"< {SAMPLE_TARGET_S:.0f} s (idle machine)",
            "ok": best < SAMPLE_TARGET_S,
            "detail": f"median {median:.2f} s; CPU (command and its children) {min(r[1] for r in runs):.1f} s; "
                      f"{env}; {n_files} files written; {load}"}


if __name__ == "__main__":
    for r in run():
        print(r)
