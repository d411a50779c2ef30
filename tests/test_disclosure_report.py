"""The attacker test over a whole report: every table of the item together.

An attacker takes every CSV the report publishes (options by sector, ranked grids, every statistic by
sector, top-box shares by sector, banners, the youth-beside-respondents table, who responded) and the
published group sizes, and writes down every relation between the numbers:

* the option counts of a group add up to its valid base; valid + Don't know + blank = group size;
* the "all" column is the sum of the groups (counts, bases, Don't know);
* a shown share times its base is a count (option shares, Don't know share, top-box share);
* a shown mean times its base is the sum of the scores.

A number shown in any table is known in all of them (so inconsistent suppression between tables is
caught). Then, item by item, no hidden count or base may be determined by the system (scipy's null
space, independent of surveykit's own solver), and no count a reader can compute (a shown cell, a
share times its base, a top-box count and the rest of its base) may be 1 to 4.

The youth ranking's counts are counts of groups of young people: none of 1 to 4 (or leaving 1 to 4
out) may be published either.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from scipy.linalg import null_space

from surveykit.instrument import load_instrument
from surveykit.report.model import slug

M = "[c]"
THRESHOLD = 5


@pytest.fixture(scope="module")
def report(sample_report):
    """The report of the shipped sample and its youth rankings at the default threshold (what `surveykit
    report --survey SAMPLE --rankings RANKINGS` writes): the run's shared report, read-only."""
    return sample_report.folder


def read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def value(text: str):
    """A published cell: None when suppressed, a float otherwise."""
    if text == M:
        return None
    return float(text)


class Attacker:
    """Knowns and equations per item column; unknowns are whatever is never shown."""

    def __init__(self):
        self.known: dict = {}
        self.hidden: set = set()
        self.equations: dict[str, list[list[tuple[float, object]]]] = defaultdict(list)
        self.derived: list[tuple[str, float, float]] = []  # (what, count, base): counts a reader computes

    def put(self, key, text):
        v = value(text) if isinstance(text, str) else text
        if v is None:
            self.hidden.add(key)
        else:
            if key in self.known:
                assert abs(self.known[key] - v) < 0.51, f"{key}: tables disagree ({self.known[key]} vs {v})"
            self.known[key] = v

    def eq(self, item, terms):
        self.equations[item].append(terms)

    def share(self, item, count_terms, share_text, base_key, what):
        """share% x base = the sum of ``count_terms`` (a reader's equation); a count when the base is known."""
        p = value(share_text)
        if p is None:
            return
        self.eq(item, [(1.0, k) for k in count_terms] + [(-p / 100.0, base_key)])
        self.derived.append((what, p, base_key))

    def solve(self, item) -> list:
        unknown = sorted({k for terms in self.equations[item] for _, k in terms if not self._known(k)}, key=repr)
        if not unknown:
            return []
        index = {k: i for i, k in enumerate(unknown)}
        a = np.zeros((len(self.equations[item]), len(unknown)))
        for r, terms in enumerate(self.equations[item]):
            for c, k in terms:
                if k in index:
                    a[r, index[k]] += c
        ns = null_space(a)
        return [k for k in unknown if ns.shape[1] == 0 or np.linalg.norm(ns[index[k]]) < 1e-7]

    def _known(self, k):
        return k in self.known


def build(report: Path) -> Attacker:
    inst = load_instrument()
    at = Attacker()
    tables = report / "tables"
    sizes = {r["group"]: float(r["respondents"]) for r in read(tables / "who_responded_by_sector.csv")}
    sizes["all"] = sizes.pop("total")
    groups = [g for g in sizes if g != "all"]

    def group_relations(col, options, dk_code):
        for g in ["all", *groups]:
            at.eq(col, [(1.0, ("c", col, g, o)) for o in options] + [(-1.0, ("n", col, g))])
            size = [(1.0, ("n", col, g)), (1.0, ("b", col, g))]
            if dk_code:
                size.append((1.0, ("c", col, g, dk_code)))
            at.eq(col, size + [(-sizes[g], ("one",))])
        for key in [("n", col), ("b", col)] + [("c", col, o) for o in options + ([dk_code] if dk_code else [])]:
            at.eq(col, [(-1.0, (*key[:2], "all", *key[2:]))]
                  + [(1.0, (*key[:2], g, *key[2:])) for g in groups])

    at.known[("one",)] = 1.0
    for q, it in inst.closed_columns():
        col = it.id if it else q.id
        opts = [o.code for o in q.scale.valid_options]
        dk = next((o.code for o in q.scale.options if o.dk), None)
        group_relations(col, opts, dk)

    # options by sector, single questions (pct columns named by the option labels)
    for q in inst.questions:
        path = tables / f"{q.id}_by_sector.csv"
        if q.type != "single" or not path.exists():
            continue
        by_slug = {"pct_" + slug(o.label): o.code for o in q.scale.valid_options}
        dk = next((o.code for o in q.scale.options if o.dk), None)
        for r in read(path):
            g, col = r["group"], q.id
            at.put(("n", col, g), r["n_valid"])
            for name, code in by_slug.items():
                at.share(col, [("c", col, g, code)], r[name], ("n", col, g), f"{col} {g} {code}")
            if dk:
                at.put(("c", col, g, dk), r["n_dk"])
                p = value(r["pct_dk"])
                if p is not None:  # dk = pct x (n + dk)
                    at.eq(col, [(1.0 - p / 100, ("c", col, g, dk)), (-p / 100, ("n", col, g))])

    # grids: ranked (all), every statistic by sector, top box by sector, banner
    for q in inst.questions:
        if not q.is_grid:
            continue
        values = {o.code: o.value for o in q.scale.valid_options}
        top = list(q.scale.top_box)

        def grid_row(r, g):
            col = r["item_id"]
            at.put(("n", col, g), r["n"])
            for code in values:
                at.share(col, [("c", col, g, code)], r[f"pct_{code}"], ("n", col, g), f"{col} {g} {code}")
            at.share(col, [("c", col, g, c) for c in top], r["pct_top_box"], ("n", col, g), f"{col} {g} top")
            m = value(r["mean"])
            if m is not None:
                at.eq(col, [(values[c], ("c", col, g, c)) for c in values] + [(-m, ("n", col, g))])

        for r in read(tables / f"{q.id}_ranked.csv") if (tables / f"{q.id}_ranked.csv").exists() else []:
            grid_row(r, "all")
        for r in read(tables / f"{q.id}_by_sector_long.csv") if (tables / f"{q.id}_by_sector_long.csv").exists() else []:
            grid_row(r, r["group"])
        wide = tables / f"{q.id}_top_box_by_sector.csv"
        for r in read(wide) if wide.exists() else []:
            for g in ["all", *groups]:
                if g in r:
                    at.share(r["item_id"], [("c", r["item_id"], g, c) for c in top], r[g], ("n", r["item_id"], g),
                             f"{r['item_id']} {g} top (wide)")
        banner = tables / f"{q.id}_banner_long.csv"  # the same cells as the people's banner, one per row
        for r in read(banner) if banner.exists() else []:
            col, g = r["item_id"], r["group"]
            at.put(("n", col, g), r["n"])
            at.put(("top", col, g), r["count"])
            if r["count"] != M:
                at.eq(col, [(1.0, ("c", col, g, c)) for c in top] + [(-float(r["count"]), ("one",))])
            at.share(col, [("c", col, g, c) for c in top], r["pct"], ("n", col, g), f"{col} {g} top (banner)")
            m = value(r["mean"]) if r.get("mean") else None
            if m is not None:
                at.eq(col, [(values[c], ("c", col, g, c)) for c in values] + [(-m, ("n", col, g))])
        people = tables / f"{q.id}_banner.csv"
        for r in read(people) if people.exists() else []:  # the printed banner agrees with its long form
            if r["row_kind"] == "integer":
                for g in ["all", *groups]:
                    if g in r:
                        at.put(("n", r["item_id"], g), r[g])

    voices = tables / "youth_vs_respondents.csv"
    grid = inst.question(inst.youth.grid)
    for r in read(voices) if voices.exists() else []:
        col = r["item_id"]
        at.put(("n", col, "all"), r["pro_n_valid"])
        at.share(col, [("c", col, "all", c) for c in grid.scale.top_box], r["pro_pct_effective"], ("n", col, "all"),
                 f"{col} all top (voices)")
    return at


def test_no_hidden_count_can_be_solved_for_across_the_whole_report(report):
    at = build(report)
    assert at.hidden, "the sample has small counts: something must be hidden"
    solved = {}
    for item in at.equations:
        bad = [k for k in at.solve(item) if k[0] in ("c", "n") and k in at.hidden]
        if bad:
            solved[item] = bad
    assert not solved, f"hidden numbers a reader can solve for: {solved}"


def test_no_published_or_derivable_count_is_small(report):
    at = build(report)
    problems = []
    for key, v in at.known.items():
        if key[0] == "c" and 0 < v < THRESHOLD:
            problems.append(f"{key} = {v} is shown")
    for what, pct, base_key in at.derived:
        base = at.known.get(base_key)
        if base is None:
            continue
        k = round(pct * base / 100)
        if 0 < k < THRESHOLD or 0 < base - k < THRESHOLD:
            problems.append(f"{what}: {pct}% of {base:.0f} gives {k} (rest {base - k:.0f})")
    assert not problems, "\n".join(problems[:40])


def test_published_numbers_are_rounded_for_people(report):
    for path in (report / "tables").glob("*_by_sector*.csv"):
        for r in read(path):
            for k, v in r.items():
                if k.startswith("pct_") and v not in ("", M):
                    assert len(v.split(".")[-1]) <= 1 or "." not in v, (path.name, k, v)


def test_youth_group_counts_are_not_small(report):
    rows = read(report / "tables" / "youth_ranking.csv")
    for r in rows:
        if r["n_effective"] != M:
            k, m = int(r["n_effective"]), int(r["n_groups"])
            assert not (0 < k < THRESHOLD or 0 < m - k < THRESHOLD), r["measure_id"]
    for r in read(report / "tables" / "youth_vs_respondents.csv"):
        if r["youth_pct_effective"] != M:
            k = round(float(r["youth_pct_effective"]) * 5 / 100)
            assert not (0 < k < THRESHOLD or 0 < 5 - k < THRESHOLD), r["measure_id"]


def test_summary_of_a_small_item_pins_no_count(tmp_path, cli):
    """Six ratings (five 5s and one 4): n, mean, median, SD and the top-box share would leave only one
    set of counts. Published, the statistics of a group with a hidden count are hidden too."""
    path = tmp_path / "small.csv"
    ratings = ["5", "5", "5", "5", "5", "4"]
    path.write_text("respondent_id,sector,q45_cctv\n" + "".join(f"r{i},Police,{v}\n" for i, v in enumerate(ratings)),
                    encoding="utf-8")
    proc = cli("score", path, "--question", "q45_cctv", "--summary", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    row = read_rows(proc.stdout)[0]
    assert (row["mean"], row["median"], row["sd"]) == (M, M, M)
    proc = cli("score", path, "--question", "q45_cctv", "--format", "csv")
    rows = [r for r in read_rows(proc.stdout) if r["option_code"] != "DK"]
    hidden = [r for r in rows if r["count"] == M]
    assert any(r["option_code"] == "4" for r in hidden)
    assert len(hidden) != 1 or rows[0]["n_valid"] == M  # one hidden cell beside a shown base is solvable
    internal = read_rows(cli("score", path, "--question", "q45_cctv", "--summary", "--format", "csv",
                             "--no-suppress").stdout)[0]
    assert float(internal["mean"]) == pytest.approx(29 / 6)


def read_rows(text: str) -> list[dict]:
    import io

    return list(csv.DictReader(io.StringIO(text)))
