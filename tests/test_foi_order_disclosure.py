"""What the published FOI tables still say about a hidden count, and how that is closed.

* Nationality (Figures 12-13): rows were ordered by their true totals before the totals were hidden,
  so a hidden row's place (and every break in name order among the hidden rows) said which was larger;
  with the grand total that left one set of values. Rows whose total is hidden now follow the shown
  ones in name order, "Not stated" last, in the table, the command and the report.
* The largest authority (totals, coverage, still missing): a hidden ``largest`` beside the total, the
  authorities with one or more (and their mean) and, for in care, those with more than one, is
  bounded: at least total / k, at most total - (k - 1), under the threshold when the row has no note.
  When that leaves one value it is disclosed; the tables now hide what pins it.

A reader's deduction is redone here from the published rows alone, by trying every set of numbers the
authorities could have given; the returns are written here as text.
"""

from __future__ import annotations

import csv
import io
import itertools
import math

import pytest
from foi_data import SAMPLE_CSV, SAMPLE_NATIONALITY, write

from surveykit import foi
from surveykit.disclosure import MARKER

THRESHOLD = 5
NOT_STATED = "Not stated"


# -- nationality: nothing ordered by a hidden total ------------------------------------------------

def _hidden(value) -> bool:
    return str(value) == MARKER


def _order_problems(rows) -> list[str]:
    """Why the order of a nationality table could tell something about a hidden total (empty: nothing).
    ``rows``: dicts with wave, cohort, nationality, total, in the published order."""
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault((str(r["wave"]), str(r["cohort"])), []).append(r)
    problems = []
    for key, group in groups.items():
        names = [r["nationality"] for r in group]
        rank = [2 if r["nationality"] == NOT_STATED else 1 if _hidden(r["total"]) else 0 for r in group]
        if rank != sorted(rank):
            problems.append(f"{key}: a hidden total stands among the shown ones ({names})")
        shown = [float(r["total"]) for r, k in zip(group, rank) if k == 0]
        if shown != sorted(shown, reverse=True):
            problems.append(f"{key}: shown totals out of order")
        hidden = [r["nationality"] for r, k in zip(group, rank) if k == 1]
        if hidden != sorted(hidden, key=lambda n: (n.lower(), n)):
            problems.append(f"{key}: hidden totals not in name order: {hidden}")
    return problems


def _csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def sample():
    return foi.read_returns([SAMPLE_CSV, SAMPLE_NATIONALITY])


def test_sample_nationality_command_orders_hidden_totals_by_name(cli):
    r = cli("foi", "summary", SAMPLE_CSV, SAMPLE_NATIONALITY, "--table", "nationality", "--format", "csv")
    assert r.returncode == 0, r.stderr
    rows = _csv_rows(r.stdout)
    assert _order_problems(rows) == []
    hidden = [x["nationality"] for x in rows if x["cohort"] == "unaccompanied" and _hidden(x["total"])
              and x["nationality"] != NOT_STATED]
    assert len(hidden) == 10 and hidden == sorted(hidden, key=str.lower)
    assert rows[-1]["nationality"] == NOT_STATED  # still last, its total shown


def test_sample_nationality_table_and_report_follow(sample):
    from surveykit.report.foi import foi_section

    table = foi.nationality_table(sample)
    assert _order_problems(table.to_dict("records")) == []
    # the shown rows keep their order by total, and nothing is lost or added
    plain = foi.nationality_table(sample, suppress=False)
    assert sorted(table["nationality"]) == sorted(plain["nationality"])
    section, _ = foi_section(sample)
    shown = next(t for t in section.tables if t.id == "foi_nationality").frame
    assert shown["nationality"].tolist() == table["nationality"].tolist()
    assert _order_problems(shown.to_dict("records")) == []


def _nationality_files(tmp_path, albanian: int, eritrean: int):
    returns = write(tmp_path / "returns.csv", "wave,authority_id,authority,region,trafficked_in_care,"
                                              "trafficked_went_missing\n"
                                              "2020,A1,Alpha,London,40,20\n"
                                              "2020,A2,Beta,North West,50,15\n")
    side = write(tmp_path / f"nationality_{albanian}_{eritrean}.csv",
                 "wave,authority_id,cohort,nationality,gender,count\n"
                 "2020,A1,trafficked,Vietnamese,male,12\n"
                 "2020,A1,trafficked,Vietnamese,female,6\n"
                 f"2020,A2,trafficked,Albanian,male,{albanian}\n"
                 f"2020,A2,trafficked,Eritrean,male,{eritrean}\n"
                 "2020,A2,trafficked,British,male,2\n"
                 "2020,A2,trafficked,Not stated,female,7\n")
    return returns, side


def test_swapping_two_hidden_totals_changes_nothing_published(tmp_path, cli):
    # Albanian 3 / Eritrean 1 and Albanian 1 / Eritrean 3: every total and margin published is the same
    outputs, frames = [], []
    for a, e in ((3, 1), (1, 3)):
        files = _nationality_files(tmp_path, a, e)
        r = cli("foi", "summary", *files, "--table", "nationality", "--format", "csv")
        assert r.returncode == 0, r.stderr
        outputs.append(r.stdout)
        frames.append(foi.nationality_table(foi.read_returns(list(files))))
    assert outputs[0] == outputs[1]
    assert frames[0].equals(frames[1])
    assert [x["nationality"] for x in _csv_rows(outputs[0])] == ["Vietnamese", "Albanian", "British", "Eritrean",
                                                                 NOT_STATED]
    # unsuppressed, the order is still by total
    plain = foi.nationality_table(foi.read_returns(list(_nationality_files(tmp_path, 3, 1))), suppress=False)
    assert plain["nationality"].tolist() == ["Vietnamese", "Albanian", "British", "Eritrean", NOT_STATED]


# -- the largest authority: never one possible value --------------------------------------------------

def _num(x):
    if x is None or _hidden(x) or x == "":
        return None
    v = float(x)
    return None if math.isnan(v) else v


def _noted(basis: str, column: str) -> bool:
    """The row's note names ``column`` among the counts hidden to protect another."""
    return any(column in part.split(" hidden ([c])")[0].split(", ") for part in str(basis).split("; ")
               if " hidden ([c])" in part)


def reader_values(row: dict, coverage: dict | None = None, *, threshold: int = THRESHOLD) -> set[int]:
    """Every value of a hidden ``largest`` that fits a totals row as published (with the coverage row for
    in care): the counted authorities (n_authorities) add up to the total; k of them one or more, known
    from n_authorities_mean, from the mean (total / k) or from authorities_with_any when nothing is a
    range; for in care, more than one from coverage when nothing is a range; without a note the hidden
    number is under the threshold."""
    total, n = _num(row["total"]), int(row["n_authorities"])
    assert total is not None and _hidden(row["largest"])
    total = int(total)
    ranges = int(row["n_range"])
    k = _num(row["n_authorities_mean"])
    if k is None and _num(row["mean_per_authority_with_any"]):
        k = round(total / float(row["mean_per_authority_with_any"]))
    if k is None and ranges == 0:
        k = _num(row["authorities_with_any"])
    more = None
    if coverage is not None and ranges == 0:
        more = _num(coverage["more_than_one"])
    small = not _noted(row["basis"], "largest")
    top = min(total, threshold - 1) if small else total
    found = set()
    for values in itertools.combinations_with_replacement(range(top + 1), n):
        if sum(values) != total or max(values) < 1:
            continue
        if k is not None and sum(v >= 1 for v in values) != k:
            continue
        if more is not None and sum(v >= 2 for v in values) != more:
            continue
        found.add(max(values))
    return found


# every authority that went missing has 4: total 12 over 3 of 5, so one has at least 12 / 3 = 4
FOURS_OF_FIVE = """\
wave,authority_id,authority,region,trafficked_in_care,trafficked_went_missing
2016,A1,Alpha,North East,30,4
2016,A2,Beta,North West,40,4
2016,A3,Gamma,London,50,4
2016,A4,Delta,London,20,0
2016,A5,Epsilon,South East,25,0
"""

# the same three authorities alone (the header and the first three rows): 12 over 3 is at least 4
# whatever else is hidden
FOURS_OF_THREE = "".join(FOURS_OF_FIVE.splitlines(keepends=True)[:4])

# six of seven authorities have one separated child in care: 6 over 6 with one or more is one each,
# and so is "none with more than one" (coverage)
ONES = """\
wave,authority_id,authority,region,separated_in_care,separated_went_missing
2016,A1,Alpha,North East,1,0
2016,A2,Beta,North West,1,0
2016,A3,Gamma,London,1,1
2016,A4,Delta,London,1,0
2016,A5,Epsilon,South East,1,0
2016,A6,Zeta,South East,1,0
2016,A7,Eta,South East,0,0
"""


def _tables(tmp_path, name: str, text: str):
    returns = foi.read_returns(write(tmp_path / name, text))
    return returns, foi.totals(returns), foi.coverage(returns)


def _row(frame, **where) -> dict:
    rows = [r for r in frame.to_dict("records") if all(str(r[k]) == str(v) for k, v in where.items())]
    assert len(rows) == 1, where
    return rows[0]


def test_largest_bounded_by_the_authorities_with_any_keeps_two_values(tmp_path, cli):
    returns, totals, _ = _tables(tmp_path, "fours.csv", FOURS_OF_FIVE)
    row = _row(totals, measure="went_missing")
    assert (row["total"], row["largest"]) == (12, MARKER)
    values = reader_values(row)
    assert 4 in values and len(values) >= 2, values  # was {4}: 12 over the 3 authorities with any
    # hidden as a secondary suppression, said so in the basis; the mean (12 / 3) goes with it
    for col in ("authorities_with_any", "n_authorities_mean", "mean_per_authority_with_any"):
        assert _hidden(row[col]) and _noted(row["basis"], col)
    # the command publishes the same
    r = cli("foi", "summary", tmp_path / "fours.csv", "--table", "totals", "--format", "csv")
    assert r.returncode == 0, r.stderr
    published = [x for x in _csv_rows(r.stdout) if x["measure"] == "went_missing"][0]
    assert published["authorities_with_any"] == MARKER and len(reader_values(published)) >= 2
    # the figures table and the unsuppressed tables
    figures = foi.summary_tables(returns)["figures"]
    assert _row(figures, figure="authorities_with_missing")["value"] == MARKER
    assert _row(figures, figure="mean_went_missing")["n_authorities"] == MARKER
    plain = _row(foi.totals(returns, suppress=False), measure="went_missing")
    assert (plain["authorities_with_any"], plain["largest"], plain["n_authorities_mean"]) == (3, 4, 3)


def test_largest_under_the_threshold_reading_is_taken_away_when_nothing_else_helps(tmp_path):
    _, totals, _ = _tables(tmp_path, "fours3.csv", FOURS_OF_THREE)
    row = _row(totals, measure="went_missing")
    # 12 over 3 authorities: under 5, the largest could only be 4; the note no longer says so
    assert row["largest"] == MARKER and _noted(row["basis"], "largest")
    values = reader_values(row)
    assert 4 in values and len(values) >= 2, values
    # the authorities with any did not pin it here: they stay published
    assert row["authorities_with_any"] == 3


def test_largest_of_one_each_in_care_keeps_two_values(tmp_path):
    returns, totals, coverage = _tables(tmp_path, "ones.csv", ONES)
    row, cov = _row(totals, measure="in_care"), _row(coverage, cohort="separated")
    assert (row["total"], row["largest"], cov["largest"]) == (6, MARKER, MARKER)
    values = reader_values(row, cov)
    assert 1 in values and len(values) >= 2, values
    for col in ("one_or_more", "one_or_more_pct", "more_than_one", "more_than_one_pct"):
        assert _hidden(cov[col]) and _noted(cov["basis"], col)
    figures = foi.summary_tables(returns)["figures"]
    assert _row(figures, figure="authorities_one_or_more")["value"] == MARKER
    assert _row(figures, figure="authorities_more_than_one")["value"] == MARKER


def test_claims_do_not_give_back_what_the_tables_hide(tmp_path):
    from surveykit.foi.claims import check_claims, parse_claims

    returns, _, _ = _tables(tmp_path, "fours.csv", FOURS_OF_FIVE)
    claims = parse_claims([{"figure": "mean_went_missing", "cohort": "trafficked", "wave": "2016", "claimed": 4},
                           {"figure": "authorities_with_missing", "cohort": "trafficked", "wave": "2016",
                            "claimed": 3}])
    out = check_claims(returns, claims)
    assert out["computed"].tolist() == [MARKER, MARKER]
    assert out["n_authorities"].isna().tolist() == [True, False]  # the mean's 3 authorities with any
    assert "3 authorities" not in out["figure_basis"].iloc[0]


def test_sample_largest_ranges_stay_as_published(sample):
    totals = foi.totals(sample)
    coverage = foi.coverage(sample)
    # counts of authorities are published everywhere in the sample: nothing pins a hidden largest
    assert not any(_hidden(v) for col in ("authorities_with_any", "n_authorities_mean")
                   for v in totals[col])
    assert not any(_hidden(v) for col in ("one_or_more", "more_than_one") for v in coverage[col])
    row = _row(totals, wave="2024", cohort="separated", measure="went_missing")
    assert (row["total"], row["authorities_with_any"], row["largest"]) == (25, 11, MARKER)
    assert not _noted(row["basis"], "largest")
    # 25 over 11 authorities, under 5: 3 or 4, a range, not a value
    assert max(3, math.ceil(25 / 11)) == 3 and min(THRESHOLD - 1, 25 - 10) == 4
    for r in totals.to_dict("records"):
        if _hidden(r["largest"]) and _num(r["total"]) is not None:
            k = int(r["n_authorities_mean"])
            low = math.ceil(r["total"] / k)
            high = r["total"] - (k - 1)
            if _noted(r["basis"], "largest"):
                low = max(low, THRESHOLD)
            else:
                high = min(high, THRESHOLD - 1)
            assert high - low >= 1, r


def test_nothing_else_changes_when_nothing_is_hidden(tmp_path):
    returns, totals, coverage = _tables(tmp_path, "fours.csv", FOURS_OF_FIVE)
    assert foi.totals(returns, suppress=False)["authorities_with_any"].tolist() == [5, 3]
    row = _row(totals, measure="in_care")  # its largest (50) is shown: nothing more is hidden
    assert (row["authorities_with_any"], row["largest"], row["n_authorities_mean"]) == (5, 50, 5)
    assert _row(coverage, cohort="trafficked")["one_or_more"] == 5


# X has 5 still missing (trafficked), Y 3, Z 5 (unaccompanied): the trafficked largest is hidden (8 - 5
# is 3) and not under 5 (its note), and it is at most the largest over all cohorts: when that shows 5,
# so is it
STILL_ACROSS_COHORTS = """\
wave,authority_id,authority,trafficked_in_care,trafficked_went_missing,trafficked_still_missing,unaccompanied_in_care,unaccompanied_went_missing,unaccompanied_still_missing
2016,X,Xa,30,10,5,40,10,0
2016,Y,Ya,30,10,3,40,10,0
2016,Z,Za,30,10,0,40,10,5
"""


def test_largest_over_all_cohorts_does_not_pin_a_cohorts_hidden_largest(tmp_path, cli):
    returns = foi.read_returns(write(tmp_path / "still.csv", STILL_ACROSS_COHORTS))
    still = foi.still_missing(returns)
    cohort, everyone = _row(still, cohort="trafficked"), _row(still, cohort="all")
    assert cohort["largest"] == MARKER and _noted(cohort["basis"], "largest")  # 5 or more
    total = _row(foi.totals(returns), cohort="trafficked", measure="still_missing")
    k = int(total["n_authorities_mean"])
    high = cohort["still_missing"] - (k - 1)
    if not _hidden(everyone["largest"]):
        high = min(high, int(everyone["largest"]))
    assert high - max(THRESHOLD, math.ceil(cohort["still_missing"] / k)) >= 1
    assert everyone["largest"] == MARKER and _noted(everyone["basis"], "largest")
    r = cli("foi", "summary", tmp_path / "still.csv", "--table", "still_missing", "--format", "csv")
    assert r.returncode == 0, r.stderr
    assert [x["largest"] for x in _csv_rows(r.stdout)] == [MARKER, "5", MARKER]
