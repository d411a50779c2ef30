"""One FOI summary table asked for is worked out alone, and is the table that all of them give.

``foi summary --table NAME`` (``summary_tables(returns, names=NAME)``) no longer works out the other
fourteen tables (on the sample, the regional tables' protection alone took most of a second). Each table
is computed from the returns on its own, protection included; these tests hold every table to the one
the whole set gives, with and without suppression, and check that every option is still refused when
it is wrong, whichever table is asked for.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from conftest import SAMPLE_DIR, run_cli
from surveykit import foi
from surveykit.errors import UsageError
from surveykit.foi.summary import TABLE_NAMES

SAMPLE_XLSX = SAMPLE_DIR / "foi_returns.xlsx"
REFERENCE = "6110/99230"


@pytest.fixture(scope="module")
def returns():
    return foi.read_returns(SAMPLE_XLSX)


@pytest.mark.parametrize("suppress", [True, False])
def test_every_table_alone_is_the_table_of_the_whole_set(returns, suppress):
    assert len(returns.waves) > 1  # the change table is there to compare
    whole = foi.summary_tables(returns, reference=REFERENCE, suppress=suppress, threshold=4)
    assert tuple(whole) == TABLE_NAMES
    for name in TABLE_NAMES:
        alone = foi.summary_tables(returns, names=name, reference=REFERENCE, suppress=suppress, threshold=4)
        assert list(alone) == [name]
        pd.testing.assert_frame_equal(alone[name], whole[name])
    two = foi.summary_tables(returns, names=["regions", "totals"], reference=REFERENCE, suppress=suppress,
                             threshold=4)
    assert list(two) == ["totals", "regions"]  # in the order of the whole set


def test_tables_that_cannot_be_made_are_left_out_and_names_are_checked(returns, tmp_path):
    assert foi.summary_tables(returns, names="reference") == {}  # no reference rate given
    assert run_cli("foi", "sample", "--out", tmp_path).returncode == 0
    lines = (tmp_path / "foi_returns.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    first_wave = tmp_path / "first_wave.csv"
    first_wave.write_text(lines[0] + "".join(x for x in lines[1:] if x.startswith("2016,")), encoding="utf-8")
    one_wave = foi.read_returns(first_wave)
    assert list(one_wave.waves) == ["2016"]
    alone = foi.summary_tables(one_wave, names=["change", "totals"])
    assert list(alone) == ["totals"]
    pd.testing.assert_frame_equal(alone["totals"], foi.summary_tables(one_wave)["totals"])
    r = run_cli("foi", "summary", first_wave, "--table", "change")
    assert r.returncode == 2 and "only one wave" in r.stderr
    with pytest.raises(UsageError) as err:
        foi.summary_tables(returns, names="total")
    assert "names must be one of" in str(err.value) and "'totals'" in str(err.value) and "'total'" in str(err.value)


@pytest.mark.parametrize(("option", "value", "message"), [
    ("confidence", 1.5, "confidence must be between 0 and 1"),
    ("threshold", 0, "threshold must be a whole number of at least 1"),
    ("alpha", 2.0, "alpha must be strictly between 0 and 1"),
    ("reference", "abc", "reference must be a rate"),
])
def test_a_wrong_option_is_refused_whichever_table_is_asked_for(returns, option, value, message):
    for names in (None, "totals", "coverage"):
        with pytest.raises(UsageError, match=message):
            foi.summary_tables(returns, names=names, **{option: value})


def test_cli_one_table_is_the_table_all_of_them_show():
    every = run_cli("foi", "summary", SAMPLE_XLSX, "--table", "all", "--format", "json", "--wave", "2016")
    assert every.returncode == 0, every.stderr
    every_tables = json.loads(every.stdout)["tables"]
    for table in ("regions", "totals"):
        alone = run_cli("foi", "summary", SAMPLE_XLSX, "--table", table, "--format", "json", "--wave", "2016")
        assert alone.returncode == 0, alone.stderr
        alone_json = json.loads(alone.stdout)
        assert list(alone_json["tables"]) == [table]
        assert alone_json["tables"][table] == every_tables[table]
        assert alone_json["tables"][table]  # rows for the wave
        assert alone.stderr == every.stderr


def test_cli_a_wrong_option_is_refused_with_one_table():
    r = run_cli("foi", "summary", SAMPLE_XLSX, "--table", "totals", "--confidence", "1.5")
    assert r.returncode == 2 and "confidence must be between 0 and 1" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
