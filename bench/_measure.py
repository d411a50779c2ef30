"""Measuring a command for a benchmark: wall and CPU time and its own peak memory, and the load."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = Path(__file__).resolve().with_name("_child.py")


def timed(cmd: list[str], stdout=subprocess.DEVNULL) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, peak RSS in MiB, exit code) of one command, started through
    ``_child.py`` so that its peak memory is its own, not this (larger) process's."""
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as usage:
        start = time.perf_counter()
        code = subprocess.run([sys.executable, str(CHILD), usage.name, *cmd], stdout=stdout,
                              stderr=subprocess.DEVNULL, env={**os.environ, "MPLBACKEND": "Agg"}).returncode
        wall = time.perf_counter() - start
        rss_kib, cpu = usage.read().split()
    return wall, float(cpu), int(rss_kib) / 1024, code


def write_sample(folder: str | Path, respondents: int) -> Path:
    """The sample generator's survey export of ``respondents`` respondents, written into ``folder``."""
    subprocess.run([sys.executable, "-m", "surveykit", "sample", "--out", str(folder), "--respondents",
                    str(respondents)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return Path(folder) / "professional_survey.csv"


def load_average() -> str:
    """The load average and the host probe, as a benchmark's detail records them."""
    try:
        load = "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        load = "load average unknown"
    return f"{load}, host probe {host_probe():.2f} s"


def host_probe() -> float:
    """Seconds a fixed piece of pure-Python work takes now (the median of three runs of a loop of
    2,000,000 additions in this interpreter): how fast the host runs Python at this moment.

    On a shared virtual machine the load average misses the host's other tenants, and the same
    command can take 40% longer from one minute to the next with the machine itself idle. The probe
    is slowed alike, so a recording with a larger probe was made on a slower host: compare probes
    before comparing times taken at different moments (ratios measured in the same run need no
    such care)."""
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for i in range(2_000_000):
            total += i
        runs.append(time.perf_counter() - start)
    return sorted(runs)[1]


def free_text(export: Path, out: Path) -> Path:
    """``export`` with every non-blank answer of its open-ended columns (those whose second header cell
    is SurveyMonkey's "Open-Ended Response") made different from every other, by a case number after
    it. The answers, their blanks and everything else stay as they were, so the command finds the same
    problems."""
    import csv
    import io

    text = export.read_text(encoding="utf-8")
    newline = "\r\n" if "\r\n" in text[:100_000] else "\n"
    records = list(csv.reader(io.StringIO(text, newline="")))
    open_ended = [j for j, cell in enumerate(records[1]) if cell == "Open-Ended Response"]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=newline)
    writer.writerows(records[:2])
    for k, row in enumerate(records[2:]):
        for j in open_ended:
            if j < len(row) and row[j].strip():
                row[j] = f"{row[j]} (case {k})"
        writer.writerow(row)
    out.write_text(buf.getvalue(), encoding="utf-8", newline="")
    return out
