"""Start-up: `surveykit --help` against `python -c pass`, and `surveykit validate` on the sample."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SURVEYKIT = Path(sys.executable).with_name("surveykit")
SAMPLE = ROOT / "responses" / "sample" / "professional_survey.csv"
REPEATS = 15


def _median_seconds(cmd: list[str], repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run() -> list[dict]:
    baseline = _median_seconds([sys.executable, "-c", "pass"])
    help_time = _median_seconds([str(SURVEYKIT), "--help"])
    results = [
        {"name": "python -c pass (baseline)", "value": f"{baseline:.3f}", "unit": "s", "target": "-",
         "ok": True, "detail": f"median of {REPEATS}"},
        {"name": "surveykit --help", "value": f"{help_time:.3f}", "unit": "s", "target": "< 0.25 s",
         "ok": help_time < 0.25, "detail": f"median of {REPEATS}; {help_time - baseline:.3f} s above the baseline"},
    ]
    if SAMPLE.exists():
        validate = _median_seconds([str(SURVEYKIT), "validate", str(SAMPLE)], repeats=5)
        results.append({"name": "surveykit validate (sample, 288 respondents)", "value": f"{validate:.3f}",
                        "unit": "s", "target": "< 2 s", "ok": validate < 2.0, "detail": "median of 5"})
    return results
