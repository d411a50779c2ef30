"""Change between waves over both-wave authorities and over all responders, worked out by hand."""

from __future__ import annotations

import pytest
from statsmodels.stats.proportion import proportions_ztest

from foi_data import hand_files
from surveykit import foi
from surveykit.errors import UsageError


@pytest.fixture
def returns(tmp_path):
    return foi.read_returns(hand_files(tmp_path))


def row(frame, figure, basis):
    rows = frame[(frame["figure"] == figure) & (frame["basis"] == basis)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_share_change_on_both_bases(returns):
    ch = foi.change(returns, suppress=False)
    assert set(ch["basis"]) == {"both_waves", "all_responders"}
    both = row(ch, "share_missing", "both_waves")
    # A1 and A2 gave both numbers in both waves: 2016 (2+2)/(8+20) = 4/28; 2020 (4+5)/(10+20) = 9/30
    assert (both["numerator_from"], both["denominator_from"], both["numerator_to"], both["denominator_to"]) == \
        (4, 28, 9, 30)
    assert both["value_from"] == pytest.approx(100 * 4 / 28) and both["value_to"] == pytest.approx(30.0)
    assert both["change"] == pytest.approx(30.0 - 100 * 4 / 28)
    assert (both["n_authorities_from"], both["n_authorities_to"]) == (2, 2)
    assert "2 authorities" in both["basis_label"] and "both 2016 and 2020" in both["basis_label"]
    z, p = proportions_ztest([9, 4], [30, 28])
    assert both["statistic"] == pytest.approx(z) and both["p_value"] == pytest.approx(p)
    allr = row(ch, "share_missing", "all_responders")
    # 2016: A1 2/8, A2 2/20, A3 1/10, A5 6/12 -> 11/50; 2020: 15/60 (A1, A2, A4)
    assert (allr["numerator_from"], allr["denominator_from"], allr["numerator_to"], allr["denominator_to"]) == \
        (11, 50, 15, 60)
    assert (allr["n_authorities_from"], allr["n_authorities_to"]) == (4, 3)
    z, p = proportions_ztest([15, 11], [60, 50])
    assert allr["p_value"] == pytest.approx(p)


def test_count_change_on_both_bases(returns):
    ch = foi.change(returns, figures=["in_care", "went_missing"], suppress=False)
    care = row(ch, "in_care", "all_responders")
    assert (care["value_from"], care["value_to"], care["change"]) == (50, 60, 10)
    assert care["relative_change_pct"] == pytest.approx(20.0)
    care_both = row(ch, "in_care", "both_waves")  # A1, A2, A3 gave in care both times: 38 -> 30
    assert (care_both["value_from"], care_both["value_to"], care_both["n_authorities_from"]) == (38, 30, 3)
    gone_both = row(ch, "went_missing", "both_waves")  # A1, A2, A5 (A3 "n/a" in 2020): 10 -> 12
    assert (gone_both["value_from"], gone_both["value_to"]) == (10, 12)


def test_change_suppresses_small_counts(returns):
    ch = foi.change(returns, figures=["share_missing"])
    both = row(ch, "share_missing", "both_waves")
    assert both["numerator_from"] == "[c]" and both["value_from"] == "[c]" and both["p_value"] == "[c]"


def test_wave_pairs_and_bad_options(returns):
    from surveykit.foi.change import wave_pairs

    assert wave_pairs(returns, None) == [("2016", "2020")]
    assert wave_pairs(returns, ("2016", "2020")) == [("2016", "2020")]
    with pytest.raises(UsageError, match="wave must be one of"):
        foi.change(returns, waves=("2016", "2019"))
    with pytest.raises(UsageError, match="figures must be one of"):
        foi.change(returns, figures=["happiness"])


def test_reference_ratio_by_hand(returns):
    ref = foi.reference_ratio(returns, reference="6110/99230", wave="2020", suppress=False).iloc[0]
    assert (ref["went_missing"], ref["in_care"], ref["method"]) == (15, 60, "katz_log")
    assert ref["rate_ratio"] == pytest.approx(0.25 / (6110 / 99230))
    bare = foi.reference_ratio(returns, reference="6%", wave="2020", suppress=False).iloc[0]
    assert bare["rate_ratio"] == pytest.approx(0.25 / 0.06) and bare["method"] == "wilson_over_rate"
