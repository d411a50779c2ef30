"""A change between waves pairs an authority whose code is written differently ("E1" in one wave,
"e 1" in the next), as the duplicate check compares codes; a change over no common authority says why
on stderr too (the table's row is blank)."""

from __future__ import annotations


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


W2016 = ("authority_id,authority,trafficked_in_care,trafficked_went_missing\n"
         "E1,Alpha,20,10\nE2,Beta,30,12\nE3,Gamma,25,9\n")
W2020 = ("authority_id,authority,trafficked_in_care,trafficked_went_missing\n"
         "e1,Alpha,22,11\nE 2,Beta,28,10\nE3,Gamma,27,12\n")


def test_authorities_pair_across_waves_whatever_the_case_or_spacing(cli, tmp_path):
    import pandas as pd

    from surveykit import foi

    files = [_write(tmp_path / "returns_2016.csv", W2016), _write(tmp_path / "returns_2020.csv", W2020)]
    frame = foi.change(foi.read_returns(files), figures=["in_care"], suppress=False)
    both = frame[frame["basis"] == "both_waves"].iloc[0]
    assert (both["n_authorities_from"], both["n_authorities_to"]) == (3, 3)
    assert (both["value_from"], both["value_to"]) == (75, 77)
    r = cli("foi", "change", *files, "--figure", "in_care", "--basis", "both_waves", "--format", "csv", "--no-suppress")
    assert r.returncode == 0, r.stderr
    row = pd.read_csv(__import__("io").StringIO(r.stdout)).iloc[0]
    assert (row["value_from"], row["value_to"]) == (75, 77)


def test_a_change_over_no_common_authority_is_explained_on_stderr(cli, tmp_path):
    by_name = "authority,trafficked_in_care,trafficked_went_missing\nAlpha,22,11\nBeta,28,10\nGamma,27,12\n"
    files = [_write(tmp_path / "returns_2016.csv", W2016), _write(tmp_path / "returns_2020.csv", by_name)]
    r = cli("foi", "change", *files, "--figure", "in_care")
    assert r.returncode == 0, r.stderr
    assert "not computable" in r.stderr and "share no authority id" in r.stderr
    assert "Alpha" not in r.stderr  # counts of authorities only, never their names
