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


def load_average() -> str:
    try:
        return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "load average unknown"
