"""compare() published by default: a test hides what the tables of the same answers hide (a small
group's size cannot be worked out from a test's n, a hidden count not from a statistic or an exact
p-value); the verdict and, for a significant pair, the group that rates higher stay."""

from __future__ import annotations

import dataclasses
import json

import pytest

import surveykit as sk
from conftest import SAMPLE_SURVEY

C = "[c]"


@pytest.fixture(scope="module")
def small_faith():
    """The sample with the community / faith sector cut to 2 respondents."""
    r = sk.read(SAMPLE_SURVEY)
    d = r.data
    faith = d.index[d["sector"] == "community_faith"]
    keep = ~d.index.isin(faith[2:])
    return dataclasses.replace(r, data=d[keep].reset_index(drop=True))


def test_a_tests_n_does_not_give_away_a_small_group(small_faith):
    raw = sk.compare(small_faith, questions="q1", suppress=False).table
    score = sk.score(small_faith, questions="q1", by="sector", suppress=False)
    total = int(score.loc[score["group"] == "all", "n_valid"].iloc[0])
    faith = int(score.loc[score["group"] == "community_faith", "n_valid"].iloc[0])
    # The leak the protection closes: the groups tested add up to everyone but the small group.
    assert 0 < faith < 5 and total - int(raw["n"].iloc[0]) == faith
    published = sk.compare(small_faith, questions="q1").table
    assert published["n"].iloc[0] == C and published["statistic"].iloc[0] == C
    shown = sk.score(small_faith, questions="q1", by="sector")
    assert shown.loc[shown["group"] == "community_faith", "n_valid"].iloc[0] == C


def test_a_test_not_run_hides_the_size_of_its_groups(small_faith):
    raw = sk.compare(small_faith, questions="q1", groups="community_faith,health", suppress=False).table
    assert raw["test"].iloc[0] == "not_tested" and int(raw["n"].iloc[0]) > 0
    assert sk.compare(small_faith, questions="q1", groups="community_faith,health").table["n"].iloc[0] == C


def test_a_statistic_over_a_hidden_count_is_hidden_and_the_verdict_stays():
    r = sk.read(SAMPLE_SURVEY)
    raw = sk.compare(r, questions="q45_secure_accommodation", groups="criminal_justice,local_authority",
                     suppress=False).table.iloc[0]
    row = sk.compare(r, questions="q45_secure_accommodation",
                     groups="criminal_justice,local_authority").table.iloc[0]
    # The score table hides a count of one of these two groups on this item (the reason for hiding).
    hidden = sk.score(r, questions="q45_secure_accommodation", by="sector")
    assert (hidden.loc[hidden["group"].isin(["criminal_justice", "local_authority"]), "count"] == C).any()
    assert raw["significant"] and raw["effect_size"] > 0
    assert [row[c] for c in ("statistic", "p_value", "p_adjusted", "effect_size")] == [C] * 4
    assert row["significant"] is True or row["significant"] == True  # noqa: E712
    assert row["note"].endswith("rates higher: criminal_justice") and row["n"] == raw["n"]


def test_a_test_over_shown_counts_is_published_whole():
    r = sk.read(SAMPLE_SURVEY)
    score = sk.score(r, questions="q1", by="sector")
    cells = score[score["group"].isin(["local_authority", "ngo"])]
    assert not (cells["count"] == C).any() and not (cells["n_valid"] == C).any()  # every count shown
    row = sk.compare(r, questions="q1", groups="local_authority,ngo").table.iloc[0]
    raw = sk.compare(r, questions="q1", groups="local_authority,ngo", suppress=False).table.iloc[0]
    assert [row[c] for c in ("n", "statistic", "p_value", "effect_size")] == \
        [raw[c] for c in ("n", "statistic", "p_value", "effect_size")]


def test_cli_compare_hides_by_default(cli, tmp_path):
    args = ("compare", SAMPLE_SURVEY, "--question", "q45_secure_accommodation", "--groups",
            "criminal_justice,local_authority", "--format", "json")
    shown = json.loads(cli(*args).stdout)["rows"][0]
    raw = json.loads(cli(*args, "--no-suppress").stdout)["rows"][0]
    assert shown["p_value"] == C and isinstance(raw["p_value"], float) and raw["p_value"] < 0.05
    assert shown["significant"] is True


def test_the_reports_sentence_keeps_a_hidden_tests_verdict(tmp_path):
    """Local authority all answer Yes to q1, NGO all No but two: significant, over a count of 2."""
    r = sk.read(SAMPLE_SURVEY)
    d = r.data[r.data["sector"].isin(["local_authority", "ngo"])].reset_index(drop=True).copy()
    ngo = d.index[d["sector"] == "ngo"]
    d.loc[d["sector"] == "local_authority", "q1"] = "1"
    d.loc[ngo, "q1"] = "0"
    d.loc[ngo[:2], "q1"] = "1"
    two = dataclasses.replace(r, data=d)
    row = sk.compare(two, questions="q1").table.iloc[0]
    assert row["p_value"] == C and bool(row["significant"])
    md = (sk.report(two).write(tmp_path / "rep") / "report.md").read_text(encoding="utf-8")
    note = next(line for line in md.splitlines() if "Difference between groups of sector: chi square" in line)
    assert "significant at 0.05" in note and "not significant" not in note
