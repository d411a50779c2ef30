"""Audit findings on FOI inputs and claims: small counts in `foi check`, mean claims, duration bands,
totals rows, duplicate authorities written differently, and wave cells that are free text."""

from __future__ import annotations

import json
import math

import pytest
from openpyxl import Workbook

from foi_data import SAMPLE_XLSX, write
from surveykit import foi
from surveykit.errors import InputError
from surveykit.foi.schema import band_days, column_role, over_a_week

# -- 7. small counts in `foi check` ------------------------------------------------------------------

# 2016: 3 of 60 went missing (1 + 2 + 0), 5 episodes over 3 children; 2020: 13 went missing.
SMALL = """wave,authority_id,authority,trafficked_in_care,trafficked_went_missing,trafficked_episodes
2016,E1,Alpha,20,1,2
2016,E2,Beta,25,2,3
2016,E3,Gamma,15,0,0
2020,E1,Alpha,22,6,9
2020,E2,Beta,25,5,7
2020,E3,Gamma,15,2,2
"""
SMALL_CLAIMS = """claims:
  - {id: c1, figure: share_missing, cohort: trafficked, wave: 2016, claimed: 5%}
  - {id: c2, figure: went_missing, cohort: trafficked, wave: 2016, claimed: "10 (17%)"}
  - {id: c3, figure: change_went_missing, cohort: trafficked, waves: [2016, 2020], claimed: "+5"}
  - {id: c4, figure: episodes_per_child, cohort: trafficked, wave: 2016, claimed: 2.0}
  - {id: c5, figure: went_missing, cohort: trafficked, wave: 2016, claimed: 10}
  - {id: c6, figure: mean_went_missing, cohort: trafficked, wave: 2016, claimed: 2}
  - {id: c8, figure: change_went_missing, cohort: trafficked, waves: [2016, 2020], claimed: "300%"}
  - {id: c9, figure: change_share_missing, cohort: trafficked, waves: [2016, 2020], claimed: "+15 points"}
  - {id: c10, figure: rate_ratio, cohort: trafficked, wave: 2016, reference: 5%, claimed: twice}
"""
# numbers that are, or give away, the hidden 3 children of 2016 (3 of 60, 5 over 3, 3 -> 13, -7 = 3 - 10)
LEAKS = ("3 of", "over 3", "3 ->", "-7", "5.0%", "1.7", "13.7", "1.67", "+10", "333", "1.00")


def _small(tmp_path):
    returns = foi.read_returns(write(tmp_path / "small.csv", SMALL))
    claims = foi.load_claims(write(tmp_path / "claims.yaml", SMALL_CLAIMS))
    return returns, claims


def _text_of(frame, columns=("computed", "computed_value", "difference", "note")):
    return " | ".join(str(frame[c].tolist()) for c in columns)


def test_check_hides_every_number_that_gives_a_small_count(tmp_path):
    returns, claims = _small(tmp_path)
    out = foi.check_claims(returns, claims).set_index("claim")
    c1 = out.loc["c1"]
    assert c1["computed"] == "[c]" and math.isnan(c1["computed_value"]) and math.isnan(c1["difference"])
    assert c1["note"].startswith("[c] of 60") and "CI" not in c1["note"]
    c2 = out.loc["c2"]
    assert c2["computed"] == "[c] ([c])" and math.isnan(c2["difference"]) and c2["verdict"] == "differ"
    assert "count differs" in c2["note"] and "by" not in c2["note"].split(";")[0]
    assert "share differs from 17%" in c2["note"]
    c3 = out.loc["c3"]
    assert c3["computed"] == "[c]" and math.isnan(c3["difference"]) and c3["note"] == "[c] -> 13"
    c4 = out.loc["c4"]
    assert c4["computed"] == "[c]" and c4["note"] == "5 over [c]" and math.isnan(c4["difference"])
    for claim in ("c5", "c6", "c8", "c9", "c10"):
        assert out.loc[claim, "computed"] == "[c]", claim
        assert math.isnan(out.loc[claim, "difference"]), claim
    assert "[c] vs reference" in out.loc["c10", "note"] and "CI" not in out.loc["c10", "note"]
    text = _text_of(out.reset_index())
    for leak in LEAKS:
        assert leak not in text, leak
    # the verdicts stay
    assert out.loc["c1", "verdict"] == "agree" and out.loc["c5", "verdict"] == "differ"


def test_check_shows_everything_when_not_suppressed(tmp_path):
    returns, claims = _small(tmp_path)
    out = foi.check_claims(returns, claims, suppress=False).set_index("claim")
    assert out.loc["c1", "note"].startswith("3 of 60; 95% CI")
    assert out.loc["c2", "difference"] == -7 and "count differs by -7" in out.loc["c2", "note"]
    assert out.loc["c3", "note"] == "3 -> 13" and out.loc["c4", "note"] == "5 over 3"


def test_check_hides_a_share_whose_complement_is_small(tmp_path):
    # 58 of 60 went missing: the share says 2 did not
    text = ("wave,authority_id,authority,trafficked_in_care,trafficked_went_missing\n"
            "2016,E1,Alpha,30,29\n2016,E2,Beta,30,29\n")
    returns = foi.read_returns(write(tmp_path / "r.csv", text))
    claims = foi.load_claims(write(tmp_path / "c.yaml", "- {figure: share_missing, cohort: trafficked, wave: 2016, "
                                                       "claimed: 97%}\n"))
    row = foi.check_claims(returns, claims).iloc[0]
    assert row["computed"] == "[c]" and row["note"].startswith("[c] of 60") and "58" not in _text_of(
        foi.check_claims(returns, claims))


def test_check_cli_hides_small_counts(cli, tmp_path):
    returns = write(tmp_path / "small.csv", SMALL)
    claims = write(tmp_path / "claims.yaml", SMALL_CLAIMS)
    r = cli("foi", "check", claims, returns, "--format", "json")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    doc = json.loads(r.stdout)
    rows = doc["rows"] if isinstance(doc, dict) and "rows" in doc else doc
    text = json.dumps(rows)
    for leak in LEAKS:
        assert leak not in text, leak
    r = cli("foi", "check", claims, returns)
    assert "[c] of 60" in r.stdout and "5 over [c]" in r.stdout and "[c] -> 13" in r.stdout
    for leak in ("3 of 60", "5 over 3", "3 -> 13", "differs by -7"):
        assert leak not in r.stdout


# -- 8. mean claims -----------------------------------------------------------------------------------

MEAN_CLAIMS = """claims:
  - {figure: mean_went_missing, cohort: trafficked, wave: 2016, claimed: 4.3}
  - {figure: mean_still_missing, cohort: all, wave: 2016, claimed: 4.6}
  - {figure: mean_still_missing, cohort: trafficked, wave: 2016, claimed: about 4}
"""


def test_mean_claims_are_checked(tmp_path):
    returns = foi.read_returns(SAMPLE_XLSX)
    out = foi.check_claims(returns, foi.load_claims(write(tmp_path / "c.yaml", MEAN_CLAIMS)))
    assert out["verdict"].iloc[0] == "agree" and out["computed"].iloc[0] == "4.28"
    assert set(out["verdict"]) <= {"agree", "differ"}


def test_mean_claims_cli(cli, tmp_path):
    claims = write(tmp_path / "c.yaml", MEAN_CLAIMS)
    r = cli("foi", "check", claims, SAMPLE_XLSX)
    assert r.returncode in (0, 1) and "internal error" not in r.stderr and "Traceback" not in r.stderr
    assert "4.28" in r.stdout


# -- 9. duration bands ----------------------------------------------------------------------------------

@pytest.mark.parametrize("header,span", [
    ("duration under 24h", (0, 1)), ("duration 24h to 7 days", (1, 7)), ("duration 1 day to 1 week", (1, 7)),
    ("duration over 7 days", (7, math.inf)), ("duration 1 to 7 days", (1, 7)),
    ("duration 24 hours to 7 days", (1, 7)), ("duration 24hrs-7days", (1, 7)), ("duration 1-7 days", (1, 7)),
    ("duration between 1 and 7 days", (1, 7)), ("duration 72 hours to 1 week", (3, 7)),
    ("duration 2 days to 1 week", (2, 7)), ("duration 1 week to 4 weeks", (7, 28)), ("duration 1 to 2 weeks", (7, 14)),
    ("duration 8 to 28 days", (8, 28)), ("duration up to 24 hours", (0, 1)), ("duration less than 1 day", (0, 1)),
    ("duration 0-24h", (0, 1)), ("duration 24-72h", (1, 3)), ("duration <24h", (0, 1)),
    ("duration 24 hours or less", (0, 1)), ("duration more than 1 week", (7, math.inf)),
    ("duration over a week", (7, math.inf)), ("duration 7 days or more", (7, math.inf)),
    ("duration 7+ days", (7, math.inf)), ("duration >7 days", (7, math.inf)), ("duration 28 days plus", (28, math.inf)),
    ("duration over 1 month", (30, math.inf)),
])
def test_band_spellings(header, span):
    role = column_role("Trafficked - " + header)
    assert role.kind == "count" and role.measure.startswith("duration_")
    assert band_days(role.measure) == pytest.approx(span)


@pytest.mark.parametrize("measure", ["duration_1_to_7", "duration_7_days_to_24h", "duration_sometimes"])
def test_bands_that_do_not_say_are_not_classified(measure):
    assert band_days(measure) is None and over_a_week(measure) is None


@pytest.mark.parametrize("measure,over", [
    ("duration_24h_to_7_days", False), ("duration_1_day_to_1_week", False), ("duration_under_24h", False),
    ("duration_over_7_days", True), ("duration_over_1_week", True), ("duration_1_to_4_weeks", True),
    ("duration_over_24h", None), ("duration_1_to_14_days", None),
])
def test_over_a_week(measure, over):
    assert over_a_week(measure) is over


BANDS = """wave,authority_id,authority,trafficked_in_care,trafficked_episodes,Trafficked - duration under 24h,Trafficked - duration 24h to 7 days,Trafficked - duration over 7 days
2016,E1,Alpha,40,30,10,12,8
2016,E2,Beta,30,25,8,10,7
"""


@pytest.mark.parametrize("bands", [("under 24h", "24h to 7 days", "over 7 days"),
                                   ("under 1 day", "1 day to 1 week", "over 1 week")])
def test_share_over_a_week_reads_each_end_with_its_unit(tmp_path, bands):
    text = BANDS
    for old, new in zip(("under 24h", "24h to 7 days", "over 7 days"), bands):
        text = text.replace("duration " + old, "duration " + new)
    returns = foi.read_returns(write(tmp_path / "bands.csv", text))
    t = foi.figures(returns, wave="2016", cohort="trafficked")
    v = t[t["figure"] == "share_over_a_week"].iloc[0]["value"]
    assert float(v) == pytest.approx(100 * 15 / 55)


def test_share_over_a_week_cli(cli, tmp_path):
    path = write(tmp_path / "bands.csv", BANDS)
    r = cli("foi", "summary", path, "--table", "durations", "--format", "csv")
    assert r.returncode == 0, r.stderr
    lines = {line.split(",")[2]: line.split(",")[3] for line in r.stdout.splitlines()[1:]}
    assert lines == {"under_24h": "False", "24h_to_7_days": "False", "over_7_days": "True"}


# -- 10. totals rows -------------------------------------------------------------------------------------

def _totals_workbook(path):
    wb = Workbook()
    ws = wb.active
    ws.title = "README"
    ws.append(["FOI returns collated by R. Researcher"])
    for wave, rows, total in (("2016", [("E1", "Alpha", 20, 10), ("E2", "Beta", 30, 8), ("E3", "Gamma", 12, 6)],
                               ("", "Total", 62, 24)),
                              ("2020", [("E1", "Alpha", 22, 9), ("E2", "Beta", 31, 7),
                                        ("E3", "Gamma", "not held", "not held")], (None, "Grand total", 53, 16))):
        ws = wb.create_sheet(wave)
        ws.append(["FOI request: trafficked children"])
        ws.append([])
        ws.append(["LA code", "Local authority", "Trafficked - in care", "Trafficked - went missing"])
        for r in rows:
            ws.append(list(r))
        ws.append(list(total))
    wb.save(path)
    return path


def test_totals_row_is_not_an_authority(tmp_path):
    path = _totals_workbook(tmp_path / "xl1.xlsx")
    returns = foi.read_returns(path)
    assert returns.asked("2016") == 3 and returns.asked("2020") == 3
    t = foi.figures(returns, wave="2016", cohort="trafficked")
    assert t[t["figure"] == "in_care"].iloc[0]["value"] == 62
    v = foi.validate_returns(path)
    totals = [i for i in v.issues if i.code == "totals_row"]
    assert [(i.severity, i.row) for i in totals] == [("warning", 7), ("warning", 7)]
    assert all("62" not in i.message and "53" not in i.message for i in totals)
    assert v.n_problems == 0


@pytest.mark.parametrize("name", ["Total", "TOTAL", "Grand total", "England total", "Sum", "Totals", "Subtotal",
                                  "North West sub-total", "All authorities"])
def test_totals_row_spellings(tmp_path, name):
    text = f"wave,authority_id,authority,trafficked_in_care\n2016,E1,Alpha,20\n2016,,{name},20\n"
    returns = foi.read_returns(write(tmp_path / "r.csv", text))
    assert returns.asked("2016") == 1


def test_an_authority_with_a_code_is_never_a_totals_row(tmp_path):
    text = "wave,authority_id,authority,trafficked_in_care\n2016,E1,Alpha,20\n2016,E2,Total,20\n"
    assert foi.read_returns(write(tmp_path / "r.csv", text)).asked("2016") == 2


def test_totals_row_cli(cli, tmp_path):
    path = _totals_workbook(tmp_path / "xl1.xlsx")
    r = cli("foi", "validate", path)
    assert r.returncode == 0 and "totals_row" in r.stdout and "no problems found" not in r.stdout
    r = cli("foi", "summary", path, "--table", "figures", "--format", "csv")
    assert r.returncode == 0
    asked = [line for line in r.stdout.splitlines() if line.startswith("authorities_asked,")]
    assert asked and all(line.split(",")[3] in ("3", "3.0") for line in asked)


# -- 11. duplicates written differently -----------------------------------------------------------------

DUP = """wave,authority_id,authority,trafficked_in_care,trafficked_went_missing
2016,E1,Alpha,20,10
2016,e1,Alpha,20,10
2016,E2,Beta,30,8
2016,E3 ,Gamma,12,6
2016,E3,Gamma,12,6
"""
DUP2 = """wave,authority,trafficked_in_care,trafficked_went_missing
2016,Alpha,20,10
2016,ALPHA,20,10
2016,Beta,30,8
2016,Alpha Council,20,10
"""


def test_duplicates_differing_in_case_or_spaces(tmp_path):
    v = foi.validate_returns(write(tmp_path / "dup.csv", DUP))
    assert [(i.code, i.row) for i in v.issues] == [("duplicate_authority", 3), ("duplicate_authority", 6)]
    v = foi.validate_returns(write(tmp_path / "dup2.csv", DUP2))
    assert [(i.code, i.row) for i in v.issues] == [("duplicate_authority", 3)]
    with pytest.raises(InputError, match="appears twice"):
        foi.read_returns(write(tmp_path / "dup2.csv", DUP2))
    text = "wave,authority_id,authority,trafficked_in_care\n2016,E1,North  Yorkshire,20\n2016,E 1,north yorkshire,20\n"
    with pytest.raises(InputError, match="appears twice"):
        foi.read_returns(write(tmp_path / "dup3.csv", text))


def test_duplicates_across_files_differing_in_case(tmp_path):
    a = write(tmp_path / "a_2016.csv", "authority_id,trafficked_in_care\nE1,20\n")
    b = write(tmp_path / "b_2016.csv", "authority_id,trafficked_in_care\ne1,20\n")
    v = foi.validate_returns([a, b])
    assert [i.code for i in v.issues] == ["duplicate_authority"]


def test_duplicates_cli(cli, tmp_path):
    r = cli("foi", "validate", write(tmp_path / "dup2.csv", DUP2))
    assert r.returncode == 1 and "duplicate_authority" in r.stdout
    r = cli("foi", "summary", write(tmp_path / "dup.csv", DUP))
    assert r.returncode == 2 and "appears twice" in r.stderr and "Traceback" not in r.stderr


# -- 14. wave cells that are free text ---------------------------------------------------------------

ECHO = """wave,authority_id,authority,nation,trafficked_in_care,trafficked_went_missing
2016,E1,Alpha,England,20,10
Child J ran away twice,E2,Beta,England,30,8
2016,E3,Gamma,England,12,6
"""


def test_a_wave_must_look_like_a_wave(tmp_path):
    path = write(tmp_path / "echo1.csv", ECHO)
    v = foi.validate_returns(path)
    assert v.returns.waves == ("2016",)
    bad = [i for i in v.issues if i.code == "invalid_wave"]
    assert [(i.severity, i.row, i.column, i.wave) for i in bad] == [("error", 3, "wave", "")]
    assert "Child" not in v.frame().to_csv()
    with pytest.raises(InputError) as exc:
        foi.read_returns(path)
    assert "Child" not in str(exc.value) and "row 3" in str(exc.value) and "wave" in str(exc.value)


def test_cells_of_a_row_with_a_bad_wave_are_still_checked_and_not_quoted(tmp_path):
    text = ECHO.replace("Child J ran away twice,E2,Beta,England,30,8", "Child J ran away twice,E2,Beta,England,30,"
                                                                       "he went missing")
    v = foi.validate_returns(write(tmp_path / "echo.csv", text))
    assert sorted(i.code for i in v.issues) == ["invalid_wave", "unreadable_cell"]
    out = v.frame().to_csv()
    assert "Child" not in out and "he went" not in out


@pytest.mark.parametrize("wave", ["2016", "2016/17", "2016-17", "2016-2017", "FY2016", "W1", "wave 2", "Round 3",
                                  "2016a", "R2"])
def test_wave_spellings_accepted(tmp_path, wave):
    text = f"wave,authority_id,trafficked_in_care\n{wave},E1,20\n"
    assert foi.read_returns(write(tmp_path / "r.csv", text)).waves == (wave,)


@pytest.mark.parametrize("wave", ["Child J ran away twice", "see notes", "unknown", "ask Sam", "12/05/2016 10:00"])
def test_wave_free_text_refused(tmp_path, wave):
    text = f"wave,authority_id,trafficked_in_care\n2016,E0,5\n\"{wave}\",E1,20\n"
    v = foi.validate_returns(write(tmp_path / "r.csv", text))
    assert [i.code for i in v.issues] == ["invalid_wave"] and v.returns.waves == ("2016",)


def test_breakdown_wave_is_checked_too(tmp_path):
    returns = write(tmp_path / "r_2016.csv", "authority_id,trafficked_went_missing\nE1,10\n")
    side = write(tmp_path / "nat.csv", "wave,authority_id,cohort,nationality,gender,count\n"
                                       "2016,E1,trafficked,Albanian,male,6\nChild K,E1,trafficked,Vietnamese,male,4\n")
    v = foi.validate_returns([returns, side])
    assert [i.code for i in v.issues] == ["invalid_wave"] and "Child" not in v.frame().to_csv()


def test_wave_text_never_printed_cli(cli, tmp_path):
    path = write(tmp_path / "echo1.csv", ECHO)
    r = cli("foi", "summary", path)
    assert r.returncode == 2 and "Child" not in r.stdout + r.stderr and "row 3" in r.stderr
    r = cli("foi", "validate", path)
    assert r.returncode == 1 and "Child" not in r.stdout + r.stderr and "invalid_wave" in r.stdout
    assert "(waves: 2016)" in r.stdout
