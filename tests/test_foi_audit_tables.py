"""Audit of the FOI tables that one output publishes together (regions, nations, the largest
authorities, both bases of a change): no count of 1-4 children may follow by subtraction from what
one command or one report shows, and a like-for-like change over no authority is not a change of 0.

Each test tries the auditor's recovery and then a general one: every published figure is a sum over
a set of authorities (a share is went missing - share x in care = 0), and a small count of one
authority (in care, went missing, or in care but not missing) must not lie in their span.
"""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest

from foi_data import SAMPLE_XLSX, write
from surveykit import foi
from surveykit.disclosure import MARKER

THRESHOLD = 5

# Gamma answered 2016 (12 in care, 3 went missing) and "not held" in 2020: all responders minus the
# authorities of both waves is Gamma.
T2 = """\
wave,authority_id,authority,region,trafficked_in_care,trafficked_went_missing
2016,X1,Alpha,North East,20,10
2016,X2,Beta,North East,30,8
2016,X3,Gamma,North West,12,3
2020,X1,Alpha,North East,22,9
2020,X2,Beta,North East,31,7
2020,X3,Gamma,North West,not held,not held
"""

# North East is one authority with 3 in care; Wales 10 in care of whom 6 went missing (4 did not).
T3 = """\
wave,authority_id,authority,nation,region,trafficked_in_care,trafficked_went_missing
2016,E1,Eone,England,North East,3,0
2016,E2,Etwo,England,North West,50,12
2016,E3,Ethree,England,North West,40,10
2016,W1,Wone,Wales,,10,6
2016,S1,Sone,Scotland,,20,7
"""

# North West is Alpha (50 in care, 12 went missing: a large authority) and Beta (3 and 2).
LARGE = """\
wave,authority_id,authority,nation,region,trafficked_in_care,trafficked_went_missing
2016,E1,Alpha,England,North West,50,12
2016,E2,Beta,England,North West,3,2
2016,E3,Gamma,England,London,40,9
2016,E4,Delta,England,London,30,8
2016,E5,Eps,England,South East,25,7
"""

# The same three authorities: by code in 2016, by name only in 2020.
W2016 = """\
LA code,Local Authority,Trafficked - in care,Trafficked - went missing
E1,Alpha,20,10
E2,Beta,30,8
E3,Gamma,12,6
"""
W2020 = """\
Council,Trafficked - in care,Trafficked - went missing
Alpha,22,9
Beta,31,7
Gamma,15,6
"""

NATIONS = ("England", "Wales", "Scotland", "Northern Ireland")


# -- the attacker: what the published figures give ------------------------------------------------

def authorities(text: str) -> dict[str, dict[str, dict]]:
    """wave -> authority id -> nation, region, in_care, went_missing (None when not a number)."""
    out: dict[str, dict[str, dict]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        def number(v):
            return int(v) if v.strip().isdigit() else None
        nation = row.get("nation") or "England"
        out.setdefault(row["wave"], {})[row["authority_id"]] = {
            "nation": nation, "region": row.get("region") or nation,
            "in_care": number(row["trafficked_in_care"]), "went_missing": number(row["trafficked_went_missing"])}
    return out


def shown(value) -> float | None:
    """A published number, or None for [c] / empty."""
    if value is None or (isinstance(value, str) and value.strip() in ("", MARKER)):
        return None
    v = float(value)
    return None if math.isnan(v) else v


def records(table) -> list[dict]:
    return table.to_dict("records") if hasattr(table, "to_dict") else list(table)


class Attacker:
    """Published figures of one wave as linear equations over each authority's numbers."""

    def __init__(self, data: dict[str, dict]):
        self.data = data
        self.ids = sorted(data)
        self.rows: list[np.ndarray] = []
        for m in ("in_care", "went_missing"):  # the totals are published by the totals table
            self.add_sum([a for a in self.ids if data[a][m] is not None], m)

    def col(self, a: str, m: str) -> int:
        return 2 * self.ids.index(a) + (m == "went_missing")

    def add_sum(self, ids, m, coef=1.0, row=None):
        row = np.zeros(2 * len(self.ids)) if row is None else row
        for a in ids:
            if self.data[a][m] is not None:
                row[self.col(a, m)] += coef
        self.rows.append(row)
        return row

    def add_table(self, table, members, *, share: bool = True):
        """Rows with in_care, went_missing and share_pct; ``members(row)`` the authorities of the row."""
        for row in records(table):
            ids = members(row)
            for m in ("in_care", "went_missing"):
                if shown(row.get(m)) is not None:
                    self.add_sum(ids, m)
            s = shown(row.get("share_pct"))
            if share and s is not None:
                both = [a for a in ids if self.data[a]["in_care"] is not None
                        and self.data[a]["went_missing"] is not None]
                r = self.add_sum(both, "went_missing")
                self.rows.pop()
                self.add_sum(both, "in_care", -s / 100, row=r)

    def worked_out(self, target: np.ndarray) -> bool:
        if not self.rows:
            return False
        m = np.array(self.rows)
        coef, *_ = np.linalg.lstsq(m.T, target, rcond=None)
        return bool(np.abs(m.T @ coef - target).max() < 1e-6)

    def small_counts_worked_out(self) -> list[str]:
        """Every authority's small count (in care, went missing, or in care but not missing) that the
        published figures give."""
        found = []
        for a in self.ids:
            care, gone = self.data[a]["in_care"], self.data[a]["went_missing"]
            for what, value, target in (
                    ("in_care", care, {self.col(a, "in_care"): 1}),
                    ("went_missing", gone, {self.col(a, "went_missing"): 1}),
                    ("not_missing", None if care is None or gone is None else care - gone,
                     {self.col(a, "in_care"): 1, self.col(a, "went_missing"): -1})):
                if value is None or not 0 < value < THRESHOLD:
                    continue
                t = np.zeros(2 * len(self.ids))
                for j, c in target.items():
                    t[j] = c
                if self.worked_out(t):
                    found.append(f"{a} {what}")
        return found


def region_members(data):
    return lambda row: [a for a, d in data.items() if (d["nation"], d["region"]) == (row["nation"], row["region"])]


def nation_members(data):
    return lambda row: [a for a, d in data.items() if d["nation"] == row["nation"]]


def one(table, **where) -> dict:
    rows = [r for r in records(table) if all(str(r[k]) == str(v) for k, v in where.items())]
    assert len(rows) == 1, where
    return rows[0]


def read_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def report_tables(cli, tmp_path, text: str) -> dict[str, list[dict]]:
    """The FOI tables of `surveykit report --foi RETURNS`, a report of the returns alone (its FOI tables
    are the survey report's: tests/test_report_foi_alone.py)."""
    path = write(tmp_path / "returns.csv", text)
    out = tmp_path / "r"
    r = cli("report", "--foi", path, "--out", out)
    assert r.returncode == 0, r.stderr
    return {p.stem: read_csv(p.read_text(encoding="utf-8")) for p in (out / "tables").glob("foi_*.csv")}


# -- 2: the two bases of a change -------------------------------------------------------------------

def change_attack(table, data_by_wave) -> list[str]:
    """What the change table gives away with the totals: both bases of each wave as sums."""
    found = []
    for wave, data in data_by_wave.items():
        att = Attacker(data)
        for row in records(table):
            if row["figure"] not in ("in_care", "went_missing") or wave not in (row["wave_from"], row["wave_to"]):
                continue
            side = "from" if row["wave_from"] == wave else "to"
            other = data_by_wave[row["wave_to"] if side == "from" else row["wave_from"]]
            m = row["figure"]
            ids = [a for a in data if data[a][m] is not None]
            if row["basis"] == "both_waves":
                ids = [a for a in ids if a in other and other[a][m] is not None]
            if shown(row[f"value_{side}"]) is not None:
                att.add_sum(ids, m)
        found += [f"{wave} {x}" for x in att.small_counts_worked_out()]
    return found


def assert_bases_differ_by_no_small_count(table):
    """The auditor's subtraction: all_responders - both_waves of the same figure and wave."""
    rows = records(table)
    for row in rows:
        if row["basis"] != "both_waves" or row["figure"] == "share_missing":
            continue
        twin = [r for r in rows if r["basis"] == "all_responders" and
                all(str(r[k]) == str(row[k]) for k in ("wave_from", "wave_to", "cohort", "figure"))][0]
        for side in ("from", "to"):
            a, b = shown(twin[f"value_{side}"]), shown(row[f"value_{side}"])
            if a is not None and b is not None:
                assert not 0 < a - b < THRESHOLD, (row["figure"], side, a, b)
    for row in rows:  # the share rows: numerators and denominators of both bases
        if row["basis"] != "both_waves" or row["figure"] != "share_missing":
            continue
        twin = [r for r in rows if r["basis"] == "all_responders" and r["figure"] == "share_missing" and
                all(str(r[k]) == str(row[k]) for k in ("wave_from", "wave_to", "cohort"))][0]
        for col in ("numerator_from", "numerator_to", "denominator_from", "denominator_to"):
            a, b = shown(twin[col]), shown(row[col])
            if a is not None and b is not None:
                assert not 0 < a - b < THRESHOLD, (col, a, b)


def test_change_bases_do_not_give_away_gamma_library(tmp_path):
    returns = foi.read_returns([write(tmp_path / "t2.csv", T2)])
    table = foi.change(returns)
    gone = one(table, figure="went_missing", basis="all_responders")
    assert shown(gone["value_from"]) == 21  # the headline total stays
    assert shown(one(table, figure="went_missing", basis="both_waves")["value_from"]) is None  # 21 - 18 = 3
    assert_bases_differ_by_no_small_count(table)
    assert change_attack(table, authorities(T2)) == []
    assert "worked out" in one(table, figure="went_missing", basis="both_waves")["basis_label"]
    # internal use still shows everything
    raw = foi.change(returns, suppress=False)
    assert one(raw, figure="went_missing", basis="both_waves")["value_from"] == 18


def test_change_bases_do_not_give_away_gamma_cli(cli, tmp_path):
    path = write(tmp_path / "t2.csv", T2)
    r = cli("foi", "change", path, "--format", "csv")
    assert r.returncode == 0, r.stderr
    table = read_csv(r.stdout)
    assert shown(one(table, figure="went_missing", basis="both_waves")["value_from"]) is None
    assert_bases_differ_by_no_small_count(table)
    assert change_attack(table, authorities(T2)) == []
    r = cli("foi", "change", path, "--format", "csv", "--no-suppress")
    assert shown(one(read_csv(r.stdout), figure="went_missing", basis="both_waves")["value_from"]) == 18


def test_change_bases_do_not_give_away_gamma_report(cli, tmp_path):
    tables = report_tables(cli, tmp_path, T2)
    change = tables["foi_change"]
    assert shown(one(change, figure="went_missing", basis="both_waves")["value_from"]) is None
    assert_bases_differ_by_no_small_count(change)
    # the same wave in the regions table: North East (Alpha, Beta) is the both-waves set
    data = authorities(T2)
    for wave in data:
        att = Attacker(data[wave])
        att.add_table([r for r in tables["foi_regions"] if r["wave"] == wave], region_members(data[wave]))
        att.add_table([r for r in tables["foi_nations"] if r["wave"] == wave], nation_members(data[wave]))
        for row in change:
            m = row["figure"]
            if m not in ("in_care", "went_missing") or wave not in (row["wave_from"], row["wave_to"]):
                continue
            side = "from" if row["wave_from"] == wave else "to"
            other = data[row["wave_to"] if side == "from" else row["wave_from"]]
            ids = [a for a, d in data[wave].items() if d[m] is not None and
                   (row["basis"] == "all_responders" or (a in other and other[a][m] is not None))]
            if shown(row[f"value_{side}"]) is not None:
                att.add_sum(ids, m)
        assert att.small_counts_worked_out() == [], wave


def test_sample_change_bases_differ_by_no_small_count():
    returns = foi.read_returns([SAMPLE_XLSX])
    table = foi.change(returns)
    assert_bases_differ_by_no_small_count(table)
    raw = foi.change(returns, suppress=False)
    # the auditor's two: 593 against 590 (2016-2018 unaccompanied), 378 against 374 (2018-2020 trafficked)
    for a, b, cohort, side, total in (("2016", "2018", "unaccompanied", "from", 593),
                                      ("2018", "2020", "trafficked", "to", 378)):
        where = dict(wave_from=a, wave_to=b, cohort=cohort, figure="went_missing")
        assert one(raw, basis="all_responders", **where)[f"value_{side}"] == total
        assert 0 < total - one(raw, basis="both_waves", **where)[f"value_{side}"] < THRESHOLD
        assert shown(one(table, basis="all_responders", **where)[f"value_{side}"]) == total
        assert shown(one(table, basis="both_waves", **where)[f"value_{side}"]) is None


# -- 3: nations undo regions ------------------------------------------------------------------------

def attack_regions(data, regions, nations=None, large=None) -> list[str]:
    att = Attacker(data)
    att.add_table(regions, region_members(data))
    if nations is not None:
        att.add_table(nations, nation_members(data))
    if large is not None:
        att.add_table(large, lambda row: [row["authority_id"]])
    return att.small_counts_worked_out()


def test_nations_do_not_undo_regions_library(tmp_path):
    returns = foi.read_returns([write(tmp_path / "t3.csv", T3)])
    regions, nations = foi.by_region(returns), foi.by_region(returns, level="nation")
    assert shown(one(regions, region="North East")["in_care"]) is None
    # the auditor: England - North West = North East
    england, nw = shown(one(nations, nation="England")["in_care"]), shown(one(regions, region="North West")["in_care"])
    assert england is None or nw is None or not 0 < england - nw < THRESHOLD
    # Wales: 4 did not go missing, so in care and went missing are not both shown
    wales = [one(t, nation="Wales") for t in (regions, nations)]
    assert not (any(shown(w["in_care"]) is not None for w in wales)
                and any(shown(w["went_missing"]) is not None for w in wales))
    assert attack_regions(authorities(T3)["2016"], regions, nations) == []
    hidden = [r for r in records(regions) + records(nations) if MARKER in (r["in_care"], r["went_missing"])]
    assert all("worked out" in r["basis"] for r in hidden)
    raw = foi.by_region(returns, suppress=False)
    assert one(raw, region="North East")["in_care"] == 3 and one(raw, region="Wales")["in_care"] == 10


def test_nations_do_not_undo_regions_cli(cli, tmp_path):
    path = write(tmp_path / "t3.csv", T3)
    tables = {}
    for name in ("regions", "nations"):
        r = cli("foi", "summary", path, "--table", name, "--format", "csv")
        assert r.returncode == 0, r.stderr
        tables[name] = read_csv(r.stdout)
    assert attack_regions(authorities(T3)["2016"], tables["regions"], tables["nations"]) == []
    r = cli("foi", "summary", path, "--table", "nations", "--format", "csv", "--no-suppress")
    assert shown(one(read_csv(r.stdout), nation="England")["in_care"]) == 93


def test_nations_do_not_undo_regions_report(cli, tmp_path):
    tables = report_tables(cli, tmp_path, T3)
    data = authorities(T3)["2016"]
    assert attack_regions(data, tables["foi_regions"], tables["foi_nations"], tables["foi_large_authorities"]) == []
    wales = one(tables["foi_nations"], nation="Wales")
    assert shown(wales["in_care"]) is None or shown(wales["went_missing"]) is None


# -- 4: regions minus the largest authorities ------------------------------------------------------

def test_regions_minus_large_authorities_library(tmp_path):
    returns = foi.read_returns([write(tmp_path / "large.csv", LARGE)])
    regions, nations, large = (foi.by_region(returns), foi.by_region(returns, level="nation"),
                               foi.large_authorities(returns))
    nw, alpha = one(regions, region="North West"), one(large, authority_id="E1")
    for m in ("in_care", "went_missing"):  # the auditor: North West - Alpha = Beta
        a, b = shown(nw[m]), shown(alpha[m])
        assert a is None or b is None or not 0 < a - b < THRESHOLD, m
    assert attack_regions(authorities(LARGE)["2016"], regions, nations, large) == []
    raw = foi.large_authorities(returns, suppress=False)
    assert one(raw, authority_id="E1")["went_missing"] == 12
    assert one(foi.by_region(returns, suppress=False), region="North West")["in_care"] == 53


def test_regions_minus_large_authorities_cli(cli, tmp_path):
    path = write(tmp_path / "large.csv", LARGE)
    r = cli("foi", "summary", path, "--format", "json")
    assert r.returncode == 0, r.stderr
    import json

    doc = json.loads(r.stdout)
    tables = doc.get("tables", doc)
    assert attack_regions(authorities(LARGE)["2016"], tables["regions"], tables["nations"],
                          tables["large_authorities"]) == []


def test_regions_minus_large_authorities_report(cli, tmp_path):
    tables = report_tables(cli, tmp_path, LARGE)
    assert attack_regions(authorities(LARGE)["2016"], tables["foi_regions"], tables["foi_nations"],
                          tables["foi_large_authorities"]) == []
    sheets = workbook_tables(tmp_path / "r" / "tables.xlsx", ("foi_regions", "foi_nations", "foi_large_authorities"))
    data = authorities(LARGE)["2016"]
    att = Attacker(data)
    att.add_table(sheets["foi_regions"], region_members(data), share=False)  # shares are rounded in the workbook
    att.add_table(sheets["foi_nations"], nation_members(data), share=False)
    att.add_table(sheets["foi_large_authorities"], lambda row: [row["authority_id"]], share=False)
    assert att.small_counts_worked_out() == []


def workbook_tables(path, names) -> dict[str, list[dict]]:
    """The sheets' tables as rows keyed by the CSV column names (the header row starts with Wave)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    out = {}
    for name in names:
        rows = list(wb[name].iter_rows(values_only=True))
        at = next(i for i, r in enumerate(rows) if r and r[0] == "Wave")
        header = [str(h).lower().replace(" ", "_") if h else "" for h in rows[at]]
        body = []
        for r in rows[at + 1:]:
            if not r or r[0] is None:
                break
            body.append({h: ("" if v is None else v) for h, v in zip(header, r)})
        out[name] = body
    wb.close()
    return out


# -- 13: a change over no common authority -----------------------------------------------------------

def test_change_over_no_common_authority_is_not_computable(tmp_path):
    returns = foi.read_returns([write(tmp_path / "w2016.csv", W2016), write(tmp_path / "w2020.csv", W2020)])
    table = foi.change(returns)
    both = [r for r in records(table) if r["basis"] == "both_waves"]
    assert both
    for row in both:
        assert all(shown(row[c]) is None for c in ("value_from", "value_to", "change")), row
        assert row["basis_label"].startswith("not computable")
        assert "no authority id" in row["basis_label"] and "by code" in row["basis_label"]
    assert shown(one(table, figure="in_care", basis="all_responders")["value_from"]) == 62


def test_change_over_no_common_authority_cli(cli, tmp_path):
    paths = [write(tmp_path / "w2016.csv", W2016), write(tmp_path / "w2020.csv", W2020)]
    r = cli("foi", "change", *paths, "--format", "csv")
    table = read_csv(r.stdout)
    for row in table:
        if row["basis"] == "both_waves":
            assert row["change"] == "" and row["value_from"] == "" and "not computable" in row["basis_label"]
    # says why without quoting a cell
    assert "share no authority id" in r.stdout
    for cell in ("20", "30", "12", "22", "31", "15"):
        assert f"{cell} " not in r.stdout.split("not computable", 1)[-1].split(",")[0]
    assert r.returncode == 0, r.stderr


def test_threshold_one_hides_nothing(tmp_path):
    returns = foi.read_returns([write(tmp_path / "t3.csv", T3)])
    assert not (foi.by_region(returns, threshold=1).astype(object) == MARKER).to_numpy().any()
    with pytest.raises(Exception):
        foi.by_region(returns, threshold=0)
