"""Run every benchmark under bench/ and record the results in bench/RESULTS.md.

Each ``bench/bench_*.py`` module defines ``run() -> list[dict]``; each dict has
``name``, ``value``, ``unit``, ``target`` (text) and ``ok`` (bool), and may have ``detail`` and ``met`` (text for
the "met" column instead of yes/NO, for a row recorded beside a target it is not judged by).
Usage: python bench/run.py [NAME ...]   (names filter the modules, e.g. ``startup``; ``=bench_coder``
matches that module only)
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{mem}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def main(argv: list[str]) -> int:
    modules = sorted(HERE.glob("bench_*.py"))
    if argv:
        # NAME matches every module whose name contains it; =NAME only the module of that exact name.
        modules = [m for m in modules if any(m.stem == a[1:] if a.startswith("=") else a in m.stem for a in argv)]
    results = []
    for path in modules:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        mod = importlib.util.module_from_spec(spec)
        assert spec.loader is not None
        spec.loader.exec_module(mod)
        print(f"running {path.name} ...", file=sys.stderr, flush=True)
        for r in mod.run():
            r.setdefault("detail", "")
            results.append((path.stem, r))
            print(f"  {r['name']}: {r['value']} {r['unit']} (target {r['target']}) {r.get('met') or ('ok' if r['ok'] else 'MISSED')}",
                  file=sys.stderr, flush=True)
    lines = [
        "# Benchmark results",
        "",
        f"Recorded {dt.date.today().isoformat()} by `make bench` on: {machine()}.",
        "",
        "| benchmark | measure | value | target | met | detail |",
        "|---|---|---|---|---|---|",
    ]
    for stem, r in results:
        met = r.get("met") or ("yes" if r["ok"] else "NO")  # a row recorded beside a target may say why
        lines.append(f"| {stem} | {r['name']} | {r['value']} {r['unit']} | {r['target']} | {met} | {r['detail']} |")
    out = HERE / "RESULTS.md"
    notes: list[str] = []
    if out.exists():
        old = out.read_text().splitlines()
        # Sections written by hand after the table ("## ...") are kept as they are.
        first = next((k for k, l in enumerate(old) if l.startswith("## ")), len(old))
        notes = old[first:]
        if argv:
            # A partial run keeps the other benchmarks' rows.
            kept = [l for l in old[6:first] if l.startswith("| ") and
                    not any(l.startswith(f"| {stem} |") for stem, _ in results)]
            lines[6:6] = kept
    if notes:
        lines += [""] + notes
    out.write_text("\n".join(lines) + "\n")
    print(f"wrote {out}", file=sys.stderr)
    return 0 if all(r["ok"] for _, r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
