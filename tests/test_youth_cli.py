"""The youth sample and `surveykit rank` on it, run as a user does."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from conftest import SAMPLE_RANKINGS
from surveykit.ranking import read_rankings
from surveykit.ranking import agreement, load_measures, plackett_luce, score_measures
from surveykit.sample.youth import youth_ranking_csv

TOP6 = ["foster_carers_understand", "advocate", "hear_from_peers", "new_friends", "rights_info", "memorise_number"]
BOTTOM4_WORST_FIRST = ["not_allowed_to_leave", "restricted_phone", "cctv", "no_easy_exit_room"]
ASSUMED = {"risk_info", "location_secret", "escorted_outings", "photo_on_arrival"}
CSV_COLUMNS = ["measure_id", "measure_label", "assumed", "n_groups", "n_effective", "pct_effective",
               "mean_position", "borda", "rank"]


@pytest.fixture(scope="module")
def runs():
    from conftest import run_cli

    return {
        "csv": run_cli("rank", SAMPLE_RANKINGS, "--format", "csv"),
        "table": run_cli("rank", SAMPLE_RANKINGS),
        "json": run_cli("rank", SAMPLE_RANKINGS, "--format", "json"),
        "pl": run_cli("rank", SAMPLE_RANKINGS, "--model", "plackett-luce", "--bootstrap", "200", "--seed", "11",
                      "--format", "csv", "--no-suppress"),
    }


def test_generator_is_seeded_and_shipped_file_matches():
    text = youth_ranking_csv(2016)
    assert text == youth_ranking_csv(2016)
    assert SAMPLE_RANKINGS.read_text(encoding="utf-8") == text
    assert youth_ranking_csv(7) != text


@pytest.mark.parametrize("seed", [2016, 7])
def test_generated_sample_has_the_study_shape_and_order(seed, tmp_path):
    path = tmp_path / "youth.csv"
    path.write_text(youth_ranking_csv(seed), encoding="utf-8")
    r = read_rankings(path)
    assert r.n_workshops == 2 and r.n_people == 9
    sizes = sorted(g.group_size for g in r.groups)
    assert sizes.count(2) == len(sizes) - 1 and sorted(set(sizes) - {2}) in ([1], [3])
    not_eff_ranked = [any(g.ranks[m] is not None for m in g.ranks if g.verdicts[m] == "not_effective")
                      for g in r.groups]
    assert any(not_eff_ranked) and not all(not_eff_ranked)  # some groups left that pile unranked
    order = list(score_measures(r)["measure_id"])
    assert order[:6] == TOP6 and order[::-1][:4] == BOTTOM4_WORST_FIRST
    assert set(order[6:10]) == ASSUMED


def test_rank_csv_reproduces_published_order(runs):
    res = runs["csv"]
    assert res.returncode == 0, res.stderr
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert list(rows[0]) == CSV_COLUMNS
    ids = [r["measure_id"] for r in rows]
    assert ids[:6] == TOP6
    assert ids[::-1][:4] == BOTTOM4_WORST_FIRST
    assert [int(r["rank"]) for r in rows] == list(range(1, 15))
    assert {r["measure_id"] for r in rows if r["assumed"] == "True"} == ASSUMED
    assert all(r["n_groups"] == "5" or r["n_groups"] == "4" for r in rows)
    # the sample is small and says so, on stderr since the CSV's columns are fixed
    assert "9 young people" in res.stderr and "EXPLORATORY" in res.stderr


def test_rank_table_is_labelled_and_every_p_has_its_n(runs):
    res = runs["table"]
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "EXPLORATORY" in out and "9 young people" in out
    assert "Most effective (best first): 1. Foster carers who understand my needs; 2. An advocate" in out
    assert "Most ineffective (worst first): 1. Accommodation I am not allowed to leave; 2. Restricted phone" in out
    assert "Keeping where I live secret *" in out and "* assumed" in out
    p_lines = [line for line in out.splitlines() if re.search(r"\bp [<=]", line)]
    assert len(p_lines) == 2  # W, Friedman; Cochran's Q is withheld while counts of groups are hidden
    q_lines = [line for line in out.splitlines() if "Cochran's Q" in line]
    assert len(q_lines) == 1 and "not shown" in q_lines[0] and "Q(" not in q_lines[0]
    p_lines += q_lines
    for line in p_lines:
        assert "n = 5 groups (9 young people) x 14 measures" in line or "n = 4 groups (9 young people)" in line
        assert line.strip().startswith("exploratory:")


def test_rank_json_matches_library(runs):
    res = runs["json"]
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    r = read_rankings(SAMPLE_RANKINGS)
    a = agreement(r)
    assert doc["exploratory"] is True and doc["n_people"] == 9 and doc["n_groups"] == r.n_groups
    assert doc["agreement"]["kendall_w"] == pytest.approx(a.kendall_w)
    assert doc["agreement"]["friedman_chi2"] == pytest.approx(a.friedman_chi2)
    assert doc["agreement"]["cochran_q"] is None and doc["agreement"]["cochran_p"] is None
    assert doc["agreement"]["cochran_withheld"] is True and a.cochran_withheld
    assert doc["most_effective"] == TOP6 and doc["most_ineffective"] == BOTTOM4_WORST_FIRST
    assert set(doc["assumed_measures"]) == ASSUMED
    lib = score_measures(r)
    assert [row["borda"] for row in doc["rows"]] == pytest.approx(list(lib["borda"]), abs=0.05)


def test_rank_plackett_luce_through_cli(runs):
    res = runs["pl"]
    assert res.returncode == 0, res.stderr
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert list(rows[0]) == CSV_COLUMNS + ["pl_worth", "pl_worth_low", "pl_worth_high"]
    worth = {r["measure_id"]: float(r["pl_worth"]) for r in rows}
    assert sum(worth.values()) == pytest.approx(1.0, abs=1e-3)
    assert max(worth, key=worth.get) == "foster_carers_understand"
    assert min(worth, key=worth.get) == "not_allowed_to_leave"
    lib = plackett_luce(read_rankings(SAMPLE_RANKINGS), n_boot=200, seed=11,
                        suppress=False).table.set_index("measure_id")
    for r in rows:
        assert float(r["pl_worth_low"]) == pytest.approx(lib.loc[r["measure_id"], "pl_worth_low"], abs=1e-4)
        assert float(r["pl_worth_low"]) <= float(r["pl_worth"]) <= float(r["pl_worth_high"])


def test_measures_option_uses_another_codebook(tmp_path, cli):
    import yaml

    from pathlib import Path

    doc = yaml.safe_load(Path(load_measures().path).read_text(encoding="utf-8"))
    doc["measures"] = [m for m in doc["measures"] if m["id"] != "risk_info"]
    alt = tmp_path / "measures.yaml"
    alt.write_text(yaml.safe_dump(doc), encoding="utf-8")
    res = cli("rank", SAMPLE_RANKINGS, "--measures", alt)
    assert res.returncode == 2
    assert "measure 'risk_info': not in the measures codebook" in res.stderr
