"""Loading 100,000 respondents: `surveykit validate` against `pandas.read_csv` of the same file.

Issue 14.2: within 1.5x of ``pandas.read_csv`` (a fresh ``python -c`` that imports pandas and reads
the file with its defaults) in time and in peak memory. Both are real processes, run alternately
(comparator, command, comparator, command ...) so that a busy machine slows both alike; the ratio of
the medians is the result. Peak memory is each command's max RSS, taken through ``_child.py`` (a small
launcher, so that this process's own size does not leak into it). CPU seconds (user +
system) are recorded beside the wall times: on a shared machine they move less than wall time.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

RESPONDENTS = 100_000
RUNS = 3
TARGET = 1.5
SURVEYKIT = [sys.executable, "-m", "surveykit"]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import load_average, timed  # noqa: E402
COMPARATOR = "import sys, pandas as pd; pd.read_csv(sys.argv[1])"


def run() -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="bench_load_") as tmp:
        subprocess.run([*SURVEYKIT, "sample", "--out", tmp, "--respondents", str(RESPONDENTS)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        export = Path(tmp) / "professional_survey.csv"
        size = export.stat().st_size
        before = load_average()
        ours, theirs = [], []
        for _ in range(RUNS):
            theirs.append(timed([sys.executable, "-c", COMPARATOR, str(export)]))
            ours.append(timed([*SURVEYKIT, "validate", str(export)]))
        after = load_average()
    codes = {r[3] for r in ours}
    wall_o, wall_t = statistics.median(r[0] for r in ours), statistics.median(r[0] for r in theirs)
    cpu_o, cpu_t = statistics.median(r[1] for r in ours), statistics.median(r[1] for r in theirs)
    mem_o, mem_t = max(r[2] for r in ours), max(r[2] for r in theirs)
    ok_run = codes == {0}
    detail = (f"{RESPONDENTS:,} respondents ({size / 1e6:.0f} MB, the sample generator); median of {RUNS} alternated "
              f"runs: validate {wall_o:.2f} s wall / {cpu_o:.2f} s CPU, pandas.read_csv {wall_t:.2f} s / {cpu_t:.2f} s "
              f"(CPU ratio {cpu_o / cpu_t:.2f}x); exit {sorted(codes)}; {before} before, {after} after")
    return [
        {"name": "validate 100k respondents: time ratio to pandas.read_csv", "value": f"{wall_o / wall_t:.2f}",
         "unit": "x", "target": f"<= {TARGET}x", "ok": ok_run and wall_o / wall_t <= TARGET, "detail": detail},
        {"name": "validate 100k respondents: peak memory ratio to pandas.read_csv", "value": f"{mem_o / mem_t:.2f}",
         "unit": "x", "target": f"<= {TARGET}x", "ok": ok_run and mem_o / mem_t <= TARGET,
         "detail": f"max RSS: validate {mem_o:.0f} MiB, pandas.read_csv {mem_t:.0f} MiB"},
    ]


if __name__ == "__main__":
    for r in run():
        print(r)
