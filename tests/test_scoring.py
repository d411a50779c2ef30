"""scoring: counts, valid bases, DK shares, summaries and the ranked grid tables, on a small export
whose answers are laid out by hand."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest

from surveykit import scoring
from surveykit.errors import UsageError
from surveykit.pipeline import load_responses

# q8 (frequency 0-4 with Don't know), one answer per respondent in file order
Q8 = ["4", "3", "DK", "", "0", "1", "DK", "2", "2", "3", "DK", "", "4", "4", "0", "1", "2", "3", "DK", "", "3",
      "2", "1", "0", "4"]
# q45_cctv answers per sector (no Don't know on this scale) (codes; "" blank), chosen so every figure can be worked out by hand.
LA = ["1", "2", "2", "3", "4", "4", "4", "5", "5", "", ""]
CJ = ["4", "5", "5", "5", "4", "3", "", ""]
NGO = ["1", "1", "2", "", ""]
NO_SECTOR = ["4"]


def write_export(path, rows):
    cols = sorted({k for r in rows for k in r}, key=lambda c: (c != "respondent_id", c != "sector", c))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=cols)
        w.writeheader()
        for r in rows:
            w.writerow({c: r.get(c, "") for c in cols})
    return path


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    rows = []
    i = 0
    for sector, answers in (("Local authority", LA), ("Police", CJ), ("Charity", NGO), ("", NO_SECTOR)):
        for a in answers:
            i += 1
            rows.append({"respondent_id": f"r{i}", "sector": sector, "q45_cctv": a, "q8": Q8[i - 1],
                         "q45_secure_accommodation": str(1 + i % 5),
                         "q1": ["Yes", "No", "Don't know"][i % 3], "q14_not_identified": str(i % 5),
                         "q14_re_trafficking": "4" if i % 2 else "3", "q45_other": "4" if i < 3 else "",
                         "q45_other_text": "a measure" if i < 3 else ""})
    path = write_export(tmp_path_factory.mktemp("scoring") / "small.csv", rows)
    return load_responses(path)


def _scores(codes):
    return np.array([float(c) for c in codes if c not in ("", "DK")])


def test_score_counts_and_bases(small):
    frame = scoring.score(small, questions=["q45_cctv"], suppress=False)
    assert list(frame.columns) == scoring.SCORE_COLUMNS
    everyone = LA + CJ + NGO + NO_SECTOR
    valid = _scores(everyone)
    assert (frame["group"] == "all").all()
    assert frame["n_valid"].iloc[0] == len(valid) == 19
    assert frame["n_dk"].iloc[0] == 0
    assert frame["n_blank"].iloc[0] == 6
    counts = dict(zip(frame["option_code"], frame["count"]))
    assert counts == {"1": 3, "2": 3, "3": 2, "4": 6, "5": 5}
    pct = dict(zip(frame["option_code"], frame["pct"]))
    assert pct["4"] == pytest.approx(100 * 6 / 19)
    assert sum(pct[c] for c in "12345") == pytest.approx(100)
    assert frame.loc[frame.option_code == "4", "option_label"].item() == "Effective"


def test_score_dont_know_apart(small):
    frame = scoring.score(small, questions=["q8"], suppress=False).set_index("option_code")
    n_dk, n_blank = Q8.count("DK"), Q8.count("")
    n_valid = len(Q8) - n_dk - n_blank
    assert (frame["n_valid"] == n_valid).all() and (frame["n_dk"] == n_dk).all() and (frame["n_blank"] == n_blank).all()
    assert frame.loc["DK", "count"] == 4
    # valid options over the valid base; the DK share of everyone who answered
    assert frame.loc["3", "pct"] == pytest.approx(100 * Q8.count("3") / n_valid)
    assert frame.loc[["4", "3", "2", "1", "0"], "pct"].sum() == pytest.approx(100)
    assert frame.loc["DK", "pct"] == pytest.approx(100 * 4 / (n_valid + 4))
    summ = scoring.summarise_items(small, items=["q8"], suppress=False).iloc[0]
    assert summ["pct_dk"] == pytest.approx(100 * 4 / (n_valid + 4))
    assert summ["pct_top_box"] == pytest.approx(100 * (Q8.count("4") + Q8.count("3")) / n_valid)


def test_score_by_sector_groups_add_up(small):
    frame = scoring.score(small, questions=["q45_cctv"], by="sector", suppress=False)
    groups = list(dict.fromkeys(frame["group"]))
    assert groups == ["all", "local_authority", "criminal_justice", "ngo", "missing"]
    piv = frame.pivot(index="option_code", columns="group", values="count")
    assert (piv[groups[1:]].sum(axis=1) == piv["all"]).all()
    la = frame[frame.group == "local_authority"].set_index("option_code")
    assert la.loc["4", "count"] == 3 and la.loc["4", "n_valid"] == 9 and la.loc["4", "n_blank"] == 2


def test_score_selects_questions_and_items(small):
    frame = scoring.score(small, questions=["q1", "q45_cctv"], suppress=False)
    assert list(dict.fromkeys(frame["item_id"])) == ["q1", "q45_cctv"]
    q1 = frame[frame.item_id == "q1"]
    assert list(q1["option_label"]) == ["Yes", "No", "Don't know"]
    everything = scoring.score(small, suppress=False)
    assert set(everything["question_id"]) == {q.id for q in small.instrument.closed_questions()}


def test_summary_statistics_against_numpy(small):
    summ = scoring.summarise_items(small, items=["q45_cctv"], by="sector", suppress=False)
    for group, answers in (("all", LA + CJ + NGO + NO_SECTOR), ("local_authority", LA), ("criminal_justice", CJ),
                           ("ngo", NGO)):
        row = summ[summ.group == group].iloc[0]
        v = _scores(answers)
        assert row["n_valid"] == v.size
        assert row["mean"] == pytest.approx(v.mean())
        assert row["median"] == pytest.approx(np.median(v))
        assert row["sd"] == pytest.approx(v.std(ddof=1))
        assert row["pct_top_box"] == pytest.approx(100 * np.mean(v >= 4))
        assert row["top_box_label"] == "% effective"
    # by hand for local authority: scores 1 2 2 3 4 4 4 5 5 -> mean 30/9, median 4, 5/9 effective
    la = summ[summ.group == "local_authority"].iloc[0]
    assert la["mean"] == pytest.approx(30 / 9) and la["median"] == 4 and la["pct_top_box"] == pytest.approx(500 / 9)


def test_summary_even_median_and_nominal(small):
    summ = scoring.summarise_items(small, items=["q1", "q45_cctv"], by="sector", suppress=False)
    ngo = summ[(summ.group == "ngo") & (summ.item_id == "q45_cctv")].iloc[0]
    assert ngo["median"] == 1.0  # 1 1 2 -> 1
    cj = summ[(summ.group == "criminal_justice") & (summ.item_id == "q45_cctv")].iloc[0]
    assert cj["median"] == 4.5  # 3 4 4 5 5 5 -> (4 + 5) / 2
    q1 = summ[(summ.item_id == "q1") & (summ.group == "all")].iloc[0]
    assert math.isnan(q1["mean"]) and q1["top_box_label"] == "% yes"
    answers = [["Yes", "No", "Don't know"][i % 3] for i in range(1, 26)]
    assert q1["pct_top_box"] == pytest.approx(100 * answers.count("Yes") / (answers.count("Yes") + answers.count("No")))


def test_effectiveness_table_rank_and_sort(small):
    tab = scoring.effectiveness_table(small, suppress=False)
    assert list(tab.columns) == ["item_id", "item_label", "group", "n", "pct_1", "pct_2", "pct_3", "pct_4",
                                 "pct_5", "mean", "pct_effective", "rank"]
    assert "q45_other" not in set(tab["item_id"])
    assert list(tab["rank"][:2]) == [1, 2]
    shown = tab.dropna(subset=["pct_effective"])
    assert list(shown["pct_effective"]) == sorted(shown["pct_effective"], reverse=True)
    cctv = tab[tab.item_id == "q45_cctv"].iloc[0]
    assert cctv["n"] == 19 and cctv["pct_effective"] == pytest.approx(100 * 11 / 19)
    assert cctv[["pct_1", "pct_2", "pct_3", "pct_4", "pct_5"]].sum() == pytest.approx(100)
    inst = scoring.effectiveness_table(small, sort="instrument", suppress=False)
    assert list(inst["item_id"]) == [it.id for it in small.instrument.question("q45").items if not it.other]
    assert inst.set_index("item_id")["rank"].to_dict() == tab.set_index("item_id")["rank"].to_dict()
    by_mean = scoring.effectiveness_table(small, sort="mean", suppress=False).dropna(subset=["mean"])
    assert list(by_mean["mean"]) == sorted(by_mean["mean"], reverse=True)
    assert "q45_other" in set(scoring.effectiveness_table(small, include_other=True, suppress=False)["item_id"])


def test_reasons_table(small):
    tab = scoring.reasons_table(small, question="q14", suppress=False)
    assert {"pct_0", "pct_4", "pct_often", "mean", "rank"} <= set(tab.columns)
    top = tab.iloc[0]
    assert top["item_id"] == "q14_re_trafficking"  # every answer is 3 or 4
    assert top["pct_often"] == 100
    # any rated grid with a top box can be ranked as reasons; a single question cannot
    assert set(scoring.reasons_table(small, question="q45", suppress=False)["item_id"]) >= {"q45_cctv"}
    with pytest.raises(UsageError, match=r"question \(a grid with an ordinal scale and a top box\) must be one of "
                                         r"'q14', 'q15', 'q45'; got 'q8'"):
        scoring.reasons_table(small, question="q8")


def test_other_answers_listed(small):
    assert scoring.other_answers(small, question="q45") == ["a measure", "a measure"]


def test_bad_input(small):
    with pytest.raises(UsageError, match="by must be one of 'sector'.*got 'team'"):
        scoring.score(small, by="team")
    with pytest.raises(UsageError, match="questions must be one of 'q1'.*got 'q99'"):
        scoring.score(small, questions=["q99"])
    with pytest.raises(UsageError, match="'q2' is a free-text question"):
        scoring.score(small, questions=["q2"])
    with pytest.raises(UsageError, match="sort must be one of"):
        scoring.effectiveness_table(small, sort="best")


def test_inputs_not_modified(small):
    before = small.data.copy()
    scoring.score(small, by="sector", suppress=True)
    scoring.effectiveness_table(small, by="sector", suppress=True)
    assert small.data.equals(before)
