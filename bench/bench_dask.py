"""The Dask engine: rows per second per worker on a 2-worker local cluster, beside the default engine.

The answers of ``bench_coder`` (same generator, seeded) are written as FILES files (one per "local
authority"), then

    surveykit code 'DIR/*.csv' --engine dask --workers 2 --text-column answer --out CODED/ --view frequency

runs in a subprocess; the figure is answers / wall time / workers, everything included (starting and
stopping the local cluster, reading, coding, writing the part files). The default engine codes the
same answers (one file) in the same run with ``--view frequency --out``, for comparison. Skipped
(reported, not failed) when Dask is not installed.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
N_ANSWERS = int(os.environ.get("BENCH_DASK_N", 100_000))
FILES = 8
WORKERS = 2


def _coder_bench():
    spec = importlib.util.spec_from_file_location("bench_coder", HERE / "bench_coder.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


def run() -> list[dict]:
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        return [{"name": "dask engine, rows per second per worker", "value": "-", "unit": "", "target": "recorded",
                 "ok": True, "detail": "not run: Dask is not installed (pip install 'surveykit[dask]')"}]
    bench = _coder_bench()
    sentences, origin = bench.source_sentences()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "authorities"
        folder.mkdir()
        whole = Path(tmp) / "all.csv"
        per_file = -(-N_ANSWERS // FILES)
        handles = [open(folder / f"authority_{k:02d}.csv", "w", encoding="utf-8", newline="") for k in range(FILES)]
        with open(whole, "w", encoding="utf-8", newline="") as fw:
            writers = [csv.writer(h, lineterminator="\n") for h in handles]
            ww = csv.writer(fw, lineterminator="\n")
            for w in (*writers, ww):
                w.writerow(["respondent_id", "answer"])
            for i, (rid, text) in enumerate(bench.generate(sentences, N_ANSWERS)):
                writers[i // per_file].writerow([rid, text])
                ww.writerow([rid, text])
        for h in handles:
            h.close()
        dask_cmd = [sys.executable, "-m", "surveykit", "code", str(folder / "*.csv"), "--engine", "dask",
                    "--workers", str(WORKERS), "--text-column", "answer", "--out", str(Path(tmp) / "coded"),
                    "--view", "frequency"]
        local_cmd = [sys.executable, "-m", "surveykit", "code", str(whole), "--workers", str(WORKERS),
                     "--text-column", "answer", "--out", str(Path(tmp) / "coded.csv"), "--view", "frequency"]
        load = os.getloadavg()[0]
        t_dask, out_dask = _timed(dask_cmd)
        t_local, out_local = _timed(local_cmd)
        load = max(load, os.getloadavg()[0])
        same = out_dask.stdout == out_local.stdout
    per_worker = N_ANSWERS / t_dask / WORKERS
    per_worker_local = N_ANSWERS / t_local / WORKERS
    return [
        {"name": f"dask engine, {N_ANSWERS:,} answers in {FILES} files: rows per second per worker",
         "value": f"{per_worker:.0f}", "unit": "answers/s", "target": "recorded", "ok": same,
         "detail": f"{WORKERS}-worker LocalCluster (processes), {t_dask:.1f} s wall including starting the cluster; "
                   f"the default engine on the same answers in one file with {WORKERS} workers: {t_local:.1f} s "
                   f"({per_worker_local:.0f} answers/s per worker); frequency table identical: {'yes' if same else 'NO'}; "
                   f"load average {load:.1f} on {os.cpu_count()} cores; answers generated from {origin}"},
    ]


def _timed(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[3:5])} failed: {proc.stderr.strip()[-300:]}")
    return elapsed, proc


if __name__ == "__main__":
    for r in run():
        print(r)
