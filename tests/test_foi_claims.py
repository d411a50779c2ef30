"""Checking published claims: parsing what a press release writes, and the verdicts, by hand."""

from __future__ import annotations

import pytest

from foi_data import hand_files, write
from surveykit import foi
from surveykit.errors import InputError
from surveykit.foi.claims import parse_claimed


@pytest.mark.parametrize("text,kind,value,qualifier,count", [
    ("28%", "percent", 28.0, "", None), ("28 per cent", "percent", 28.0, "", None),
    ("167 (28%)", "count_and_percent", 28.0, "", 167.0), ("1,231", "number", 1231.0, "", None),
    ("eight", "number", 8.0, "", None), ("2.4 per child", "number", 2.4, "", None),
    ("one in three", "one_in", 100 / 3, "", None), ("1 in 3", "one_in", 100 / 3, "", None),
    ("around a third", "one_in", 100 / 3, "about", None), ("nearly a third", "one_in", 100 / 3, "nearly", None),
    ("two thirds", "fraction", 200 / 3, "", None), ("half", "fraction", 50.0, "", None),
    ("more than four times", "times", 4.0, "more_than", None), ("twice", "times", 2.0, "", None),
    ("+3 points", "points", 3.0, "", None), ("-2.5 percentage points", "points", -2.5, "", None),
    ("doubled", "relative", 100.0, "", None), (167, "number", 167.0, "", None),
])
def test_claimed_values(text, kind, value, qualifier, count):
    c = parse_claimed(text)
    assert (c.kind, c.value, c.qualifier, c.count) == (kind, pytest.approx(value), qualifier, count)


def _check(tmp_path, claims_yaml):
    returns = foi.read_returns(hand_files(tmp_path))
    path = write(tmp_path / "claims.yaml", claims_yaml)
    return foi.check_claims(returns, foi.load_claims(path), suppress=False)


def test_verdicts_by_hand(tmp_path):
    # 2020, trafficked: 15 of 60 went missing over the authorities giving both (25%); 20 went missing
    # in all; 60 in care; 5 of 7 provided (71.4%); per child 25/12 = 2.08; over a week 7/21 = 33.3%
    out = _check(tmp_path, """
claims:
  - {id: a, figure: share_missing, cohort: trafficked, wave: 2020, claimed: 25%}
  - {id: b, figure: share_missing, cohort: trafficked, wave: 2020, claimed: one in four}
  - {id: c, figure: share_missing, cohort: trafficked, wave: 2020, claimed: one in three}
  - {id: d, figure: went_missing, cohort: trafficked, wave: 2020, claimed: "20 (25%)"}
  - {id: e, figure: went_missing, cohort: trafficked, wave: 2020, claimed: "21 (25%)"}
  - {id: f, figure: authorities_provided, cohort: trafficked, wave: 2020, claimed: "5 (70%)"}
  - {id: g, figure: authorities_provided, cohort: trafficked, wave: 2020, claimed: "5 (70%)", tolerance: 2 points}
  - {id: h, figure: episodes_per_child, cohort: trafficked, wave: 2020, claimed: 2.1}
  - {id: i, figure: share_over_a_week, cohort: trafficked, wave: 2020, claimed: about a third}
  - {id: j, figure: in_care, cohort: trafficked, wave: 2020, claimed: about 62}
  - {id: k, figure: in_care, cohort: trafficked, wave: 2020, claimed: 62}
  - {id: l, figure: change_share_missing, cohort: trafficked, waves: [2016, 2020], basis: both_waves,
     claimed: "+16 points"}
  - {id: m, figure: change_in_care, cohort: trafficked, waves: [2016, 2020], claimed: "20%"}
  - {id: n, figure: rate_ratio, cohort: trafficked, wave: 2020, reference: 5%, claimed: five times}
  - {id: o, figure: rate_ratio, cohort: trafficked, wave: 2020, reference: 5%, claimed: more than six times}
  - {id: p, figure: episodes, cohort: separated, wave: 2020, claimed: 3}
  - {id: q, figure: authorities_provided, cohort: trafficked, wave: 2020, claimed: 71%}
  - {id: r, figure: went_missing, cohort: trafficked, wave: 2020, claimed: one in four}
  - {id: s, figure: in_care, cohort: trafficked, wave: 2020, claimed: 60%}
""")
    verdicts = dict(zip(out["claim"], out["verdict"]))
    assert verdicts == {"a": "agree", "b": "agree", "c": "differ", "d": "agree", "e": "differ", "f": "differ",
                        "g": "agree", "h": "agree", "i": "agree", "j": "agree", "k": "differ",
                        # both-wave change: 4/28 = 14.3% -> 30.0%: +15.7 points (+16 within half a point)
                        "l": "agree",
                        # all responders: in care 50 -> 60 = +20%
                        "m": "agree",
                        # 25% / 5% = 5 times
                        "n": "agree", "o": "differ",
                        "p": "not_computable",
                        # a percentage against a count's own share: 5 of 7 provided = 71.4%; 15 of 60 = 25%
                        "q": "agree", "r": "agree",
                        # in care has no share
                        "s": "not_computable"}
    a = out[out["claim"] == "a"].iloc[0]
    assert a["n_authorities"] == 3 and "3 authorities reporting both" in a["figure_basis"]
    assert a["computed"] == "25.0%" and a["difference"] == pytest.approx(0.0)
    c = out[out["claim"] == "c"].iloc[0]
    assert c["tolerance"].startswith("one in 3 when rounded") and c["difference"] == pytest.approx(25 - 100 / 3)
    e = out[out["claim"] == "e"].iloc[0]
    assert "count differs by -1" in e["note"]


def test_small_counts_are_masked_in_the_check_output(tmp_path):
    returns = foi.read_returns(hand_files(tmp_path))
    path = write(tmp_path / "claims.yaml", "- {figure: still_missing, cohort: trafficked, wave: 2020, claimed: 3}\n")
    out = foi.check_claims(returns, foi.load_claims(path))
    assert out["verdict"].iloc[0] == "agree" and out["computed"].iloc[0] == "[c]"


@pytest.mark.parametrize("yaml_text,expect", [
    ("- {figure: share_of_happiness, cohort: trafficked, wave: 2016, claimed: 28%}\n",
     "figure must be one of"),
    ("- {figure: share_missing, cohort: adults, wave: 2016, claimed: 28%}\n", "cohort must be one of"),
    ("- {figure: share_missing, cohort: trafficked, claimed: 28%}\n", "'wave': missing"),
    ("- {figure: share_missing, cohort: trafficked, wave: 2016}\n", "'claimed': missing"),
    ("- {figure: share_missing, cohort: trafficked, wave: 2016, claimed: lots}\n", "cannot read the claimed value"),
    ("- {figure: rate_ratio, cohort: trafficked, wave: 2016, claimed: 4 times}\n", "needs the reference"),
    ("- {figure: change_in_care, cohort: trafficked, wave: 2016, claimed: 4}\n", "names two waves"),
    ("- {figure: in_care, cohort: trafficked, wave: 2016, claimed: 4, colour: red}\n", "unknown key"),
    ("figure: in_care\n", "a claims file holds a list"),
])
def test_bad_claims_files_are_one_clear_error(tmp_path, yaml_text, expect):
    path = write(tmp_path / "claims.yaml", yaml_text)
    with pytest.raises(InputError) as exc:
        foi.load_claims(path)
    assert expect in str(exc.value) and "claims.yaml" in str(exc.value)


def test_a_claim_about_a_wave_not_in_the_returns(tmp_path):
    returns = foi.read_returns(hand_files(tmp_path))
    path = write(tmp_path / "claims.yaml", "- {figure: in_care, cohort: trafficked, wave: 2019, claimed: 4}\n")
    with pytest.raises(InputError, match="wave '2019' is not in the returns"):
        foi.check_claims(returns, foi.load_claims(path))
