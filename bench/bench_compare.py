"""`surveykit compare --by sector` over every closed item of a 100,000-respondent export, against a
plain pandas + scipy script running the same tests (issue 14.4: no slower, at most 1.5x its memory).

The export is the sample generator scaled up (`surveykit sample --respondents 100000`). The comparator
is what an analyst would write without surveykit: ``pandas.read_csv`` of the export, each closed
column's labels mapped to scores with a dict, then for every item Kruskal-Wallis and pairwise
Mann-Whitney U over the sectors (ordinal items) or a chi-square test (nominal items), and a Holm
correction, all with scipy. Which column is which item, and the label -> score maps, are worked out
beforehand (by this file, with surveykit's own column mapping) and handed to it as JSON, so it does
no instrument work at all. Both run as fresh processes, alternately; wall time, CPU time and peak
memory (max RSS, through the small launcher ``_child.py`` so that this process's size does not leak into
it) are compared as ratios of the medians. The comparator's p-values
are checked against the command's (same items, same pairs) so that the two really do the same work.
"""

from __future__ import annotations

import csv
import io
import json
import statistics
import sys
import tempfile
from pathlib import Path

RESPONDENTS = 100_000
RUNS = 3
SURVEYKIT = [sys.executable, "-m", "surveykit"]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _measure import load_average, timed, write_sample  # noqa: E402

COMPARATOR = r'''
import json, sys
import numpy as np
import pandas as pd
from scipy import stats

spec = json.load(open(sys.argv[2]))
frame = pd.read_csv(sys.argv[1], header=None, skiprows=2, dtype=str, keep_default_na=False)
sector = frame[spec["sector_column"]].str.strip().map(spec["sectors"]).to_numpy()
masks = {g: sector == g for g in spec["sector_order"]}
groups = [g for g in spec["sector_order"] if masks[g].any()]
rows = []
for item in spec["items"]:
    values = frame[item["column"]].str.strip().map(item["values"]).to_numpy(dtype=float, na_value=np.nan)
    valid = ~np.isnan(values)
    samples = {g: values[masks[g] & valid] for g in groups}
    used = [g for g in groups if samples[g].size >= 10]
    if len(used) < 2:
        continue
    if item["ordinal"]:
        rows.append((item["id"], ";".join(used), stats.kruskal(*[samples[g] for g in used]).pvalue))
        for i, a in enumerate(used):
            for b in used[i + 1:]:
                p = stats.mannwhitneyu(samples[a], samples[b], alternative="two-sided").pvalue
                rows.append((item["id"], a + " vs " + b, p))
    else:
        k = int(max(item["values"].values())) + 1
        table = np.array([np.bincount(samples[g].astype(np.int64), minlength=k) for g in used])
        table = table[:, table.sum(axis=0) > 0]
        rows.append((item["id"], ";".join(used), stats.chi2_contingency(table, correction=False)[1]))
p = np.array([r[2] for r in rows])
order = np.argsort(p)
adj = np.minimum(1, np.maximum.accumulate((len(p) - np.arange(len(p))) * p[order]))
p_adj = np.empty_like(p)
p_adj[order] = adj
out = pd.DataFrame({"item_id": [r[0] for r in rows], "groups": [r[1] for r in rows], "p_value": p,
                    "p_adjusted": p_adj})
out.to_csv(sys.argv[3], index=False)
'''


def comparator_spec(export: Path) -> dict:
    """Which export column holds each closed item, and its label -> score map (surveykit's mapping)."""
    from surveykit.clean import prepare
    from surveykit.instrument import load_instrument
    from surveykit.io import read_export

    inst = load_instrument()
    raw = read_export(export)
    responses = prepare(raw, inst)
    targets = responses.column_map.targets()
    items = []
    for q, it in inst.closed_columns():
        cid = it.id if it else q.id
        if cid not in targets:
            continue
        j = targets[cid].column.index
        labels = {v.strip() for v in raw.column_values(j) if v.strip()}
        values = {}
        for label in labels:
            opt = q.scale.match(label)
            if opt is None or opt not in q.scale.valid_options:
                continue
            values[label] = (float(opt.value) if q.scale.is_ordinal
                             else float([o.code for o in q.scale.valid_options].index(opt.code)))
        items.append({"id": cid, "column": j, "ordinal": bool(q.scale.is_ordinal), "values": values})
    sector_col = targets[inst.sector_field].column.index
    sectors = {v.strip(): inst.match_sector(v) for v in set(raw.column_values(sector_col)) if v.strip()}
    return {"sector_column": sector_col, "sectors": {k: v for k, v in sectors.items() if v},
            "sector_order": [s.id for s in inst.sectors], "items": items}


def run() -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="bench_compare_") as tmp:
        tmpdir = Path(tmp)
        export = write_sample(tmpdir, RESPONDENTS)
        spec = tmpdir / "spec.json"
        spec.write_text(json.dumps(comparator_spec(export)))
        script = tmpdir / "plain.py"
        script.write_text(COMPARATOR)
        before = load_average()
        ours, theirs = [], []
        for k in range(RUNS):
            theirs.append(timed([sys.executable, str(script), str(export), str(spec), str(tmpdir / "plain.csv")]))
            with open(tmpdir / "ours.csv", "wb") as fh:
                ours.append(timed([*SURVEYKIT, "compare", str(export), "--by", "sector", "--format", "csv"],
                                  stdout=fh))
        after = load_average()
        agreement = _agreement(tmpdir / "ours.csv", tmpdir / "plain.csv")
    codes = {r[3] for r in ours} | {r[3] for r in theirs}
    wall_o, wall_t = statistics.median(r[0] for r in ours), statistics.median(r[0] for r in theirs)
    cpu_o, cpu_t = statistics.median(r[1] for r in ours), statistics.median(r[1] for r in theirs)
    mem_o, mem_t = max(r[2] for r in ours), max(r[2] for r in theirs)
    ok_run = codes == {0}
    detail = (f"{RESPONDENTS:,} respondents, every closed item by sector; median of {RUNS} alternated runs: "
              f"compare {wall_o:.1f} s wall / {cpu_o:.1f} s CPU, plain pandas + scipy {wall_t:.1f} s / {cpu_t:.1f} s "
              f"(CPU ratio {cpu_o / cpu_t:.2f}x); {agreement}; exit codes {sorted(codes)}; {before} before, "
              f"{after} after")
    return [
        {"name": "compare --by sector, 100k respondents: time ratio to plain pandas + scipy",
         "value": f"{wall_o / wall_t:.2f}", "unit": "x", "target": "<= 1.0x", "ok": ok_run and wall_o <= wall_t,
         "detail": detail},
        {"name": "compare --by sector, 100k respondents: peak memory ratio to plain pandas + scipy",
         "value": f"{mem_o / mem_t:.2f}", "unit": "x", "target": "<= 1.5x", "ok": ok_run and mem_o / mem_t <= 1.5,
         "detail": f"max RSS: compare {mem_o:.0f} MiB, plain script {mem_t:.0f} MiB"},
    ]


def _agreement(ours: Path, plain: Path) -> str:
    """How many tests both ran, and the largest p-value difference between them."""
    # Fisher's exact and Monte Carlo p-values (small expected counts) are not what the plain script runs.
    mine = {(r["item_id"], r["groups"]): float(r["p_value"]) for r in csv.DictReader(io.StringIO(ours.read_text()))
            if r.get("p_value") not in (None, "") and r.get("test") in ("kruskal_wallis", "mann_whitney_u", "chi_square")}
    theirs = {(r["item_id"], r["groups"]): float(r["p_value"]) for r in csv.DictReader(io.StringIO(plain.read_text()))}
    common = [k for k in theirs if k in mine]
    if not common:
        return "no test in common (check the comparator)"
    worst = max(abs(mine[k] - theirs[k]) for k in common)
    return f"{len(common)} of {len(theirs)} tests matched, largest p-value difference {worst:.1e}"


if __name__ == "__main__":
    for r in run():
        print(r)
