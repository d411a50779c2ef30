"""Coding summaries as published: small counts and what they can be worked out from are hidden
(issue 13.2), in the library (coding.published) and in the report's coded-answer tables."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from surveykit.coding.codebook import load_codebook
from surveykit.coding.published import protect_summary
from surveykit.coding.summary import summarise

C = "[c]"


@pytest.fixture(scope="module")
def summary():
    cb = load_codebook()
    common, rare, nearly_all = cb.code_ids[0], cb.code_ids[1], cb.code_ids[2]
    rows, sectors = [], {}
    for i in range(100):
        rid = f"r{i:03d}"
        sectors[rid] = "a" if i < 50 else "b"
        codes = [nearly_all] if i >= 3 else []  # 97 of 100 answers: its complement is 3
        if i < 40:
            codes.append(common)  # 40 answers, all in group a
        if i in (10, 60):
            codes.append(rare)  # 2 answers, one per group
        for c in codes or [None]:
            rows.append((rid, "q7", c))
    coded = pd.DataFrame(rows, columns=["respondent_id", "question_id", "code_id"], dtype=object)
    s = summarise(coded, cb, sectors=sectors, sector_order=("a", "b"))
    return s, (common, rare, nearly_all)


def test_frequency_hides_small_counts_and_small_complements(summary):
    s, (common, rare, nearly_all) = summary
    freq = protect_summary(s, threshold=5).frequency.set_index("id")
    assert freq.at[common, "n"] == 40
    assert freq.at[rare, "n"] == C and freq.at[rare, "pct"] == C
    assert freq.at[nearly_all, "n"] == C and freq.at[nearly_all, "pct"] == C  # 100 - 97 = 3 without it
    # Unprotected, the same counts are there (the test would fail if the data did not hold them).
    raw = s.frequency.set_index("id")
    assert (raw.at[rare, "n"], raw.at[nearly_all, "n"]) == (2, 97)


def test_tests_hide_counts_and_statistics_of_hidden_cells(summary):
    s, (common, rare, nearly_all) = summary
    p = protect_summary(s, threshold=5)
    tests = p.tests.set_index("code_id")
    assert tests.at[rare, "n_coded"] == C and tests.at[rare, "p_value"] == C
    assert tests.at[nearly_all, "n_coded"] == C and tests.at[nearly_all, "statistic"] == C
    # common: 40 in a, 0 in b -> no small cell, so its test is published.
    assert tests.at[common, "n_coded"] == 40 and tests.at[common, "p_value"] != C
    sectors = p.sectors
    rare_cells = sectors[sectors["code_id"] == rare]
    assert set(rare_cells["n"]) == {C}


def test_cooccurrence_hides_rare_pairs(summary):
    s, (common, rare, nearly_all) = summary
    co = protect_summary(s, threshold=5).cooccurrence
    for _, r in co.iterrows():
        if r["n_both"] != C:
            assert r["n_both"] >= 5 and r["n_a"] >= 5 and r["n_b"] >= 5
    raw = s.cooccurrence
    assert ((raw["code_a"] == rare) | (raw["code_b"] == rare)).any()  # there was a rare pair to hide


def test_threshold_is_validated(summary):
    from surveykit.errors import UsageError

    with pytest.raises(UsageError, match="threshold"):
        protect_summary(summary[0], threshold="5")


def test_report_code_tables_publish_no_small_count(sample_report):
    out = sample_report.folder  # `surveykit report` with no options, written once per run (read-only)
    tests = sorted((out / "tables").glob("*_code_tests.csv"))
    assert tests
    for path in tests:
        field = path.name[: -len("_code_tests.csv")]
        by_group = next((out / "tables").glob(f"{field}_codes_by_*.csv"))
        with by_group.open(encoding="utf-8") as f:
            hidden = {row["code_id"] for row in csv.DictReader(f) if C in row.values()}
        with path.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["n_coded"] != C:
                    k, n = int(row["n_coded"]), int(row["n"])
                    assert not (0 < k < 5 or 0 < n - k < 5), row
                if row["code_id"] in hidden:
                    assert row["p_value"] == C and row["statistic"] == C, row
    assert any(C in p.read_text(encoding="utf-8") for p in tests)  # the sample has small cells: not vacuous
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "No code was used significantly differently" not in md  # hidden tests are not called null results


def _sector_summary(groups: dict[str, list[list[str]]]):
    """A summary of answers by group: each group a list of answers, each answer its list of codes."""
    cb = load_codebook()
    rows, sectors = [], {}
    for g, answers in groups.items():
        for k, codes in enumerate(answers):
            rid = f"{g}{k:03d}"
            sectors[rid] = g
            for c in codes or [None]:
                rows.append((rid, "q7", c))
    coded = pd.DataFrame(rows, columns=["respondent_id", "question_id", "code_id"], dtype=object)
    return summarise(coded, cb, sectors=sectors, sector_order=tuple(groups)), cb


def test_a_small_group_hides_its_base_and_another_base():
    """A group of 3 answers: its base is a count under 5, and the bases add up to the answers, so a
    second base goes too; every share beside a hidden base goes (a share and its count give the base)."""
    cb = load_codebook()
    a, b = cb.code_ids[0], cb.code_ids[1]
    s, _ = _sector_summary({"big": [[a]] * 30 + [[b]] * 10, "mid": [[a]] * 12 + [[b]] * 8, "tiny": [[a]] * 3})
    raw = s.sectors
    assert set(raw.loc[raw["sector"] == "tiny", "base"]) == {3}  # the data holds the small group
    sectors = protect_summary(s, threshold=5).sectors
    bases = sectors.groupby("sector")["base"].first()
    assert bases["tiny"] == C
    assert (bases == C).sum() >= 2  # 40 + 20 + 3 = 63 answers are published
    hidden_base = sectors["base"] == C
    assert (sectors.loc[hidden_base, "pct"] == C).all()
    tests = protect_summary(s, threshold=5).tests
    assert (tests["n"] == C).all()  # a test's n adds up the bases of the groups it tests


def test_a_small_complement_in_a_group_is_hidden():
    """5 of a group's 6 answers have the code: 1 answer without it is a count under 5."""
    cb = load_codebook()
    a, b = cb.code_ids[0], cb.code_ids[1]
    s, _ = _sector_summary({"g1": [[a]] * 5 + [[b]], "g2": [[a]] * 10 + [[b]] * 10, "g3": [[a]] * 10 + [[b]] * 10})
    sectors = protect_summary(s, threshold=5).sectors.set_index(["code_id", "sector"])
    assert s.sectors.set_index(["code_id", "sector"]).at[(a, "g1"), "n"] == 5
    assert sectors.at[(a, "g1"), "n"] == C and sectors.at[(a, "g1"), "pct"] == C
    tests = protect_summary(s, threshold=5).tests.set_index("code_id")
    assert tests.at[a, "statistic"] == C and tests.at[a, "p_value"] == C


def test_cli_sector_view_hides_a_small_group(cli, tmp_path):
    answers = tmp_path / "answers.csv"
    lines = ["respondent_id,answer,sector"]
    lines += [f"b{k},They do not trust the police at all,big" for k in range(30)]
    lines += [f"m{k},Went back to the people who trafficked them,mid" for k in range(12)]
    lines += [f"t{k},They do not trust the police at all,tiny" for k in range(3)]
    answers.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = cli("code", answers, "--text-column", "answer", "--sector-column", "sector", "--view", "sectors",
            "--format", "csv")
    assert r.returncode == 0, r.stderr
    table = list(csv.DictReader(r.stdout.splitlines()))
    tiny = [row for row in table if "tiny" in row.values()]
    assert tiny and all(row["base"] == C for row in tiny)
    r = cli("code", answers, "--text-column", "answer", "--sector-column", "sector", "--view", "sectors",
            "--format", "csv", "--no-suppress")
    assert any(row["base"] == "3" for row in csv.DictReader(r.stdout.splitlines()))


def test_one_small_group_is_hidden_whole_not_an_internal_error(cli, tmp_path):
    """Three answers, all from one sector: its base is all the answers, so no other cell can cover
    it. The by-sector table is then hidden whole (it was an internal error)."""
    from surveykit.coding.published import protect_sectors

    table = pd.DataFrame({"code_id": ["x", "y"], "sector": ["police", "police"], "n": [2, 1], "base": [3, 3],
                          "pct": [66.7, 33.3]})
    out = protect_sectors(table, threshold=5)
    assert (out[["n", "base", "pct"]] == C).all().all()
    answers = tmp_path / "pilot.csv"
    answers.write_text("id,sector,text\ns1,police,She owed money to the people who brought her here\n"
                       "s2,police,Nobody believed what he said about the house\ns3,police,n/a\n", encoding="utf-8")
    for view in ("frequency", "sectors"):
        r = cli("code", "run", answers, "--text-column", "text", "--id-column", "id", "--sector-column", "sector",
                "--view", view)
        assert r.returncode == 0, r.stderr
        assert "internal error" not in r.stderr
    r = cli("code", "run", answers, "--text-column", "text", "--id-column", "id", "--sector-column", "sector",
            "--view", "sectors", "--format", "csv")
    rows = list(csv.DictReader(r.stdout.splitlines()))
    assert rows and all(row["n"] == C and row["base"] == C for row in rows)
