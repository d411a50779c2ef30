"""Benchmark: the whole report on the sample study (target: under 15 s on a 2-core laptop).

Runs ``surveykit report`` as a user does (a fresh process: imports, reading, every analysis, charts
and all the files) into a temporary folder, three times, and records the best and the median wall time.
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
TARGET_S = 15.0
RUNS = 3


def run() -> list[dict]:
    if not SURVEY.is_file() or not RANKINGS.is_file():
        return [{"name": "report on the sample", "value": "n/a", "unit": "", "target": f"< {TARGET_S:.0f} s",
                 "ok": False, "detail": "responses/sample is missing: run make sample"}]
    times = []
    cpu = []
    env = {**os.environ, "MPLBACKEND": "Agg"}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(RUNS):
            out = Path(tmp) / f"r{i}"
            before = os.times()
            t0 = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "surveykit", "report", "--survey", str(SURVEY),
                                   "--rankings", str(RANKINGS), "--out", str(out)],
                                  cwd=ROOT, capture_output=True, text=True, env=env)
            times.append(time.perf_counter() - t0)
            after = os.times()
            cpu.append((after.children_user - before.children_user) + (after.children_system - before.children_system))
            if proc.returncode != 0:
                return [{"name": "report on the sample", "value": "failed", "unit": "", "target": f"< {TARGET_S:.0f} s",
                         "ok": False, "detail": proc.stderr.strip().splitlines()[-1][:200] if proc.stderr else ""}]
        n_files = sum(1 for p in (Path(tmp) / "r0").rglob("*") if p.is_file())
    best, median = min(times), statistics.median(times)
    return [
        {"name": "report on the sample (wall, best of 3)", "value": f"{best:.1f}", "unit": "s",
         "target": f"< {TARGET_S:.0f} s", "ok": best < TARGET_S,
         "detail": f"median {median:.1f} s; CPU {min(cpu):.1f} s; {n_files} files written"},
    ]


if __name__ == "__main__":
    for r in run():
        print(r)
