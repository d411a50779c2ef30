"""Disclosure control: small counts are suppressed, and no suppressed value can be recovered from what
a published table shows. The recovery checks here rebuild the equations a reader could write from
the published numbers alone (sums, totals, percentages x bases, means x bases) and solve them with
scipy's null space, independently of surveykit.disclosure's own solver."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.linalg import null_space

import importlib

from surveykit import disclosure, scoring

banner = importlib.import_module("surveykit.banner")  # the module; sk.banner is the front door's function

from conftest import SAMPLE_SURVEY

M = disclosure.MARKER


class Reader:
    """An attacker's linear system: unknowns are the hidden numbers, equations come from the table."""

    def __init__(self):
        self.unknowns: dict = {}
        self.rows: list[dict] = []

    def var(self, key, value):
        """A published quantity: its value if shown, else an unknown."""
        if isinstance(value, str) and value == M:
            self.unknowns.setdefault(key, len(self.unknowns))
            return key
        return float(value)

    def equation(self, terms):
        """sum(coef * q) = 0 where q is a number (known) or an unknown key."""
        row = {}
        for coef, q in terms:
            if isinstance(q, (int, float, np.number)):
                row["_const"] = row.get("_const", 0.0) + coef * q
            else:
                row[q] = row.get(q, 0.0) + coef
        self.rows.append(row)

    def recoverable(self):
        if not self.unknowns:
            return []
        a = np.zeros((max(len(self.rows), 1), len(self.unknowns)))
        for i, row in enumerate(self.rows):
            for k, c in row.items():
                if k != "_const":
                    a[i, self.unknowns[k]] += c
        ns = null_space(a)
        return [k for k, j in self.unknowns.items() if ns.shape[1] == 0 or np.linalg.norm(ns[j]) < 1e-9]


@pytest.fixture(scope="module")
def sample(sample_responses_module):
    return sample_responses_module  # load_responses(SAMPLE_SURVEY), read once per session


def test_primary_suppression_and_zero_shown():
    table = pd.DataFrame({"a": [10, 3, 9], "b": [12, 8, 0], "c": [7, 20, 2]}, index=["x", "y", "z"])
    out = disclosure.suppress(table)
    assert out.loc["y", "a"] == M and out.loc["z", "c"] == M
    assert out.loc["z", "b"] == 0  # a zero that reveals nothing stays
    # the cheapest protection: the rectangle closing the two small cells
    assert sorted((r, c) for r in table.index for c in table.columns if out.loc[r, c] == M) == [
        ("y", "a"), ("y", "c"), ("z", "a"), ("z", "c")]
    # the input is not modified
    assert table.loc["y", "a"] == 3


def test_two_way_table_brute_force_no_recovery():
    """Every non-negative integer table agreeing with the shown cells and the published margins:
    each suppressed cell must take at least two different values across them."""
    table = pd.DataFrame({"a": [6, 3, 7], "b": [5, 8, 9], "c": [7, 6, 2]}, index=["x", "y", "z"])
    out = disclosure.suppress(table)
    hidden = [(r, c) for r in table.index for c in table.columns if out.loc[r, c] == M]
    assert ("y", "a") in hidden and ("z", "c") in hidden
    assert len(hidden) >= 4  # secondary suppression happened
    assert len(hidden) <= 6
    row_tot, col_tot = table.sum(axis=1), table.sum(axis=0)
    bounds = [min(row_tot[r], col_tot[c]) for r, c in hidden]
    grids = np.stack(np.meshgrid(*[np.arange(b + 1) for b in bounds], indexing="ij"), -1).reshape(-1, len(hidden))
    ok = np.ones(len(grids), dtype=bool)
    for r in table.index:
        shown = sum(table.loc[r, c] for c in table.columns if (r, c) not in hidden)
        ok &= grids[:, [i for i, h in enumerate(hidden) if h[0] == r]].sum(axis=1) + shown == row_tot[r]
    for c in table.columns:
        shown = sum(table.loc[r, c] for r in table.index if (r, c) not in hidden)
        ok &= grids[:, [i for i, h in enumerate(hidden) if h[1] == c]].sum(axis=1) + shown == col_tot[c]
    solutions = grids[ok]
    assert len(solutions) >= 2
    truth = [table.loc[r, c] for r, c in hidden]
    assert any((s == truth).all() for s in solutions)
    for i, key in enumerate(hidden):
        assert len(set(solutions[:, i])) >= 2, f"cell {key} is recoverable"


def test_determined_detects_a_lone_suppressed_cell():
    eq = [disclosure.Equation(((("a",), 1.0), (("b",), 1.0), (("t",), -1.0)))]
    assert disclosure.determined([("a",)], eq) == [("a",)]
    assert disclosure.determined([("a",), ("b",)], eq) == []


def test_score_by_sector_nothing_recoverable(sample):
    frame = scoring.score(sample, by="sector", suppress=True)
    assert (frame["count"] == M).any(), "the sample has small sector counts: something must be suppressed"
    raw = scoring.score(sample, by="sector", suppress=False)
    # primary rule: every count from 1 to 4 is hidden, and its percentage too
    small = raw["count"].between(1, 4)
    assert (frame.loc[small, "count"] == M).all() and (frame.loc[small, "pct"] == M).all()
    # shown numbers are the true ones
    shown = frame["count"] != M
    assert (frame.loc[shown, "count"].astype(int) == raw.loc[shown, "count"]).all()
    for item_id, part in frame.groupby("item_id", sort=False):
        rd = Reader()
        groups = list(dict.fromkeys(part["group"]))
        options = list(dict.fromkeys(part["option_code"]))
        cell = {}
        for _, r in part.iterrows():
            cell[(r["option_code"], r["group"])] = rd.var(("c", r["option_code"], r["group"]), r["count"])
        for g in groups:
            r = part[part.group == g].iloc[0]
            n = rd.var(("n", g), r["n_valid"])
            valid = [o for o in options if o != "DK"]
            rd.equation([(1.0, cell[(o, g)]) for o in valid] + [(-1.0, n)])
            # a shown percentage times a shown base is a count
            for _, rr in part[part.group == g].iterrows():
                if rr["pct"] != M and rr["option_code"] != "DK" and r["n_valid"] != M:
                    rd.equation([(1.0, cell[(rr["option_code"], g)]), (-float(rr["pct"]) * float(r["n_valid"]) / 100, 1.0)])
        for o in options:
            rd.equation([(-1.0, cell[(o, "all")])] + [(1.0, cell[(o, g)]) for g in groups[1:]])
        assert rd.recoverable() == [], f"{item_id}: suppressed values can be solved for"


def test_effectiveness_by_sector_nothing_recoverable(sample):
    tab = scoring.effectiveness_table(sample, by="sector", suppress=True)
    raw = scoring.effectiveness_table(sample, by="sector", suppress=False)
    assert (tab == M).any(axis=None)
    pct_cols = ["pct_1", "pct_2", "pct_3", "pct_4", "pct_5"]
    for item_id, part in tab.groupby("item_id", sort=False):
        rd = Reader()
        groups = list(dict.fromkeys(part["group"]))
        c = {}
        for _, r in part.iterrows():
            g = r["group"]
            n = rd.var(("n", g), r["n"])
            for k, col in enumerate(pct_cols, start=1):
                if r[col] != M and r["n"] != M:
                    c[(k, g)] = round(float(r[col]) * float(r["n"]) / 100)
                else:
                    c[(k, g)] = rd.var(("c", k, g), M)
            rd.equation([(1.0, c[(k, g)]) for k in range(1, 6)] + [(-1.0, n)])
            if r["mean"] != M and r["n"] != M:
                rd.equation([(float(k), c[(k, g)]) for k in range(1, 6)] + [(-float(r["mean"]) * float(r["n"]), 1.0)])
            if r["pct_effective"] != M and r["n"] != M:
                rd.equation([(1.0, c[(4, g)]), (1.0, c[(5, g)]),
                             (-float(r["pct_effective"]) * float(r["n"]) / 100, 1.0)])
        for k in range(1, 6):
            rd.equation([(-1.0, c[(k, "all")])] + [(1.0, c[(k, g)]) for g in groups[1:]])
        rd.equation([(-1.0, rd.var(("n", "all"), part[part.group == "all"]["n"].item()))]
                    + [(1.0, rd.var(("n", g), part[part.group == g]["n"].item())) for g in groups[1:]])
        assert rd.recoverable() == [], f"{item_id}: suppressed values can be solved for"
        # every small count is hidden
        rp = raw[raw.item_id == item_id]
        for _, r in rp.iterrows():
            for col in pct_cols:
                count = round(r[col] * r["n"] / 100) if r["n"] else 0
                if 0 < count < 5:
                    shown = part[part.group == r["group"]][col].item()
                    assert shown == M, f"{item_id} {r['group']} {col}"


def test_banner_nothing_recoverable(sample):
    res = banner.banner(sample, question="q45", by="sector", suppress=True)
    raw = banner.banner(sample, question="q45", by="sector", suppress=False)
    t = res.table
    assert (t["count"] == M).any()
    left_out = [g for g in raw.table["group"].unique()]  # shown columns; others feed "all" invisibly
    for item_id, part in t.groupby("item_id", sort=False):
        rd = Reader()
        xs = {}
        for _, r in part.iterrows():
            g = r["group"]
            n = rd.var(("n", g), r["n"])
            xs[g] = rd.var(("x", g), r["count"])
            ys = rd.var(("y", g), M)  # the rest of the base is never printed
            rd.equation([(1.0, xs[g]), (1.0, ys), (-1.0, n)])
            if r["pct"] != M and r["n"] != M:
                rd.equation([(1.0, xs[g]), (-float(r["pct"]) * float(r["n"]) / 100, 1.0)])
        groups = list(part["group"])
        hidden_groups = [g for g in ("local_authority", "criminal_justice", "immigration", "health", "education", "ngo",
                                     "legal", "community_faith", "other") if g not in groups]
        hx = [(1.0, rd.var(("hx", g), M)) for g in hidden_groups]
        rd.equation([(-1.0, xs["all"])] + [(1.0, xs[g]) for g in groups[1:]] + hx)
        bad = [k for k in rd.recoverable() if k[0] == "x" and 0 < raw.table.set_index(["item_id", "group"]).loc[
            (item_id, k[1]), "count"] < 5]
        assert bad == [], f"{item_id}: small counts can be solved for"
        rp = raw.table[raw.table.item_id == item_id]
        for _, r in rp.iterrows():
            if 0 < r["count"] < 5 or 0 < r["n"] - r["count"] < 5:
                assert part[part.group == r["group"]]["pct"].item() == M
    assert left_out


def test_no_suppress_changes_nothing(sample):
    a = scoring.score(sample, by="sector", questions=["q45"], suppress=False)
    assert not (a["count"].astype(str) == M).any()


def test_two_column_table_suppresses_only_the_small_rows():
    """Completion by sector (the report's 'who responded' table): six sectors have fewer than five
    non-completers. Hiding both cells of those six rows protects them; the three large sectors
    stay readable, and the attacker's system recovers no hidden cell."""
    table = pd.DataFrame({"completed": [8, 42, 10, 13, 10, 17, 83, 50, 17],
                          "not_completed": [1, 6, 2, 2, 2, 3, 12, 8, 2]},
                         index=["cf", "cj", "ed", "he", "im", "le", "la", "ngo", "ot"])
    out = disclosure.suppress(table)
    hidden_rows = sorted({r for r in table.index for c in table.columns if out.loc[r, c] == M})
    assert hidden_rows == ["cf", "ed", "he", "im", "le", "ot"]
    assert all(out.loc[r, c] == M for r in hidden_rows for c in table.columns)
    reader = Reader()
    for r in table.index:
        reader.equation([(1, reader.var((r, c), out.loc[r, c])) for c in table.columns]
                        + [(-1, float(table.loc[r].sum()))])
    for c in table.columns:
        reader.equation([(1, reader.var((r, c), out.loc[r, c])) for r in table.index]
                        + [(-1, float(table[c].sum()))])
    assert reader.recoverable() == []
