"""`surveykit compare --by sector` over every closed item of a 100,000-respondent export.

The export is the sample generator scaled up (`surveykit sample --respondents 100000`), written to a
temporary folder. Wall time and peak memory (the child's max RSS from ``os.wait4``) are measured
for the whole command; a second run of reading + prepare alone shows how much of it is loading.
Targets (issue 3): under 30 s and under 2 GB.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESPONDENTS = 100_000
SURVEYKIT = [sys.executable, "-m", "surveykit"]


def _timed(cmd: list[str]) -> tuple[float, float, int]:
    """(seconds, peak RSS in MiB, exit code) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "MPLBACKEND": "Agg"})
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def run() -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="bench_compare_") as tmp:
        subprocess.run([*SURVEYKIT, "sample", "--out", tmp, "--respondents", str(RESPONDENTS)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        export = Path(tmp) / "professional_survey.csv"
        seconds, peak, code = _timed([*SURVEYKIT, "compare", str(export), "--by", "sector", "--format", "csv"])
        load_s, load_peak, _ = _timed([sys.executable, "-c",
                                       "import sys; from surveykit.pipeline import load_responses; "
                                       "load_responses(sys.argv[1])", str(export)])
    detail = (f"{RESPONDENTS:,} respondents, every closed item, Kruskal-Wallis + pairwise Mann-Whitney + "
              f"chi-square; exit {code}; reading + prepare alone: {load_s:.1f} s, {load_peak:.0f} MiB")
    return [
        {"name": "compare --by sector, 100k respondents: time", "value": f"{seconds:.1f}", "unit": "s",
         "target": "< 30 s", "ok": code == 0 and seconds < 30, "detail": detail},
        {"name": "compare --by sector, 100k respondents: peak memory", "value": f"{peak:.0f}", "unit": "MiB",
         "target": "< 2048 MiB", "ok": code == 0 and peak < 2048, "detail": "max RSS of the compare process"},
    ]


if __name__ == "__main__":
    for r in run():
        print(r)
