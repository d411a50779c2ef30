"""When no item has two groups large enough to test, compare says so in words: its methods note read
"Holm correction across all 0 tests of this run (); significant: ..." (an audit of a user's small survey)."""

from __future__ import annotations

from conftest import SAMPLE_SURVEY


def test_compare_with_no_test_says_none_was_run(cli, tmp_path):
    import pytest

    import surveykit as sk

    if not SAMPLE_SURVEY.exists():
        pytest.skip("the sample study has not been generated")
    result = sk.compare(sk.read(SAMPLE_SURVEY), by="sector", min_group_size=1000)
    assert int(result.table["p_value"].notna().sum()) == 0
    assert result.notes[0].startswith("no test could be run")
    assert "0 tests" not in " ".join(result.notes) and "()" not in result.notes[0]
    r = cli("compare", SAMPLE_SURVEY, "--by", "sector", "--min-group-size", "1000")
    assert r.returncode == 0, r.stderr
    assert "no test could be run" in r.stdout + r.stderr and "across all 0 tests" not in r.stdout + r.stderr
    # with tests, the note names their number and kinds as before
    assert "correction across all" in sk.compare(sk.read(SAMPLE_SURVEY), by="sector").notes[0]
