"""`surveykit foi ...` run as a user runs it: output formats, exit codes, one-line errors."""

from __future__ import annotations

import json

import pytest

from foi_data import HAND_2020, SAMPLE_CLAIMS, SAMPLE_CSV, SAMPLE_NATIONALITY, SAMPLE_XLSX, hand_files, write


def one_line_error(result, *needles):
    assert result.returncode == 2, result.stderr
    lines = [x for x in result.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("surveykit: error: "), result.stderr
    assert "Traceback" not in result.stderr
    for n in needles:
        assert n in lines[0], (n, lines[0])
    return lines[0]


def test_every_foi_command_has_help_with_an_example(cli):
    top = cli("foi", "--help")
    assert top.returncode == 0 and "Example:" in top.stdout
    for cmd in ("validate", "summary", "change", "check", "basis", "cells", "sample"):
        r = cli("foi", cmd, "--help")
        assert r.returncode == 0 and "Example:" in r.stdout, cmd


def test_validate_sample_lists_problems_and_exits_1(cli):
    r = cli("foi", "validate", SAMPLE_XLSX, "--format", "csv")
    assert r.returncode == 1
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith("severity,code,file,row,wave,authority_id,authority,column,message")
    assert len(lines) == 1 + 7 and "missing_exceeds_in_care" in r.stdout
    assert "problem(s) found" in r.stderr


def test_validate_clean_file_exits_0(cli, tmp_path):
    path = write(tmp_path / "r_2020.csv", "authority_id,authority,nation,region,trafficked_in_care\nA1,A,England,London,3\n")
    r = cli("foi", "validate", path)
    assert r.returncode == 0 and "no problems found" in r.stdout


def test_validate_bad_file_lists_all_and_exits_1(cli, tmp_path):
    text = HAND_2020.replace("A6,Zeta,England,North,<5,", "A6,Zeta,England,North,-3,") + "A1,Again,England,London,1,1,1,,,,\n"
    text = text.replace("A7,Eta,England,North,10-15,2,4", "A7,Eta,England,North,10-15,2,a private note")
    path = write(tmp_path / "r_2020.csv", text)
    r = cli("foi", "validate", path, "--format", "json")
    assert r.returncode == 1
    payload = json.loads(r.stdout)
    codes = [row["code"] for row in payload["rows"]]
    assert {"negative_count", "duplicate_authority", "unreadable_cell"} <= set(codes)
    assert "a private note" not in r.stdout + r.stderr
    raw = cli("foi", "validate", path, "--format", "json", "--show-raw")
    assert "a private note" in raw.stdout


def test_strict_commands_refuse_bad_cells_in_one_line(cli, tmp_path):
    path = write(tmp_path / "r_2020.csv", HAND_2020.replace("A6,Zeta,England,North,<5,", "A6,Zeta,England,North,-3,"))
    line = one_line_error(cli("foi", "summary", path), "r_2020.csv", "A6", "'trafficked_in_care'", "negative")
    assert "foi validate" in line


def test_bad_input_is_one_line_exit_2(cli, tmp_path):
    no_auth = write(tmp_path / "x_2016.csv", "council_name,trafficked_in_care\nAlpha,3\n")
    one_line_error(cli("foi", "summary", no_auth), "x_2016.csv", "no authority column")
    dup = write(tmp_path / "d_2016.csv", "authority_id,trafficked_in_care\nA1,3\nA1,4\n")
    one_line_error(cli("foi", "change", dup), "d_2016.csv", "A1", "appears twice")
    one_line_error(cli("foi", "summary", tmp_path / "missing.csv"), "missing.csv", "not found")
    one_line_error(cli("foi", "summary", SAMPLE_CSV, "--table", "everything"), "--table must be one of")
    one_line_error(cli("foi", "summary", SAMPLE_CSV, "--format", "csv"), "choose it with --table")
    one_line_error(cli("foi", "summary", SAMPLE_CSV, "--table", "coverage", "--wave", "2019"), "wave must be one of")
    one_line_error(cli("foi", "basis", SAMPLE_CSV, "--figure", "nonsense", "--wave", "2016", "--cohort", "trafficked"),
                   "figure must be one of")


def test_check_with_an_unknown_figure_names_the_file(cli, tmp_path):
    claims = write(tmp_path / "claims.yaml", "- {figure: happiness, cohort: trafficked, wave: 2016, claimed: 1}\n")
    one_line_error(cli("foi", "check", claims, SAMPLE_CSV), "claims.yaml", "claim 1", "figure must be one of",
                   "'happiness'")


def test_summary_formats(cli):
    r = cli("foi", "summary", SAMPLE_CSV, SAMPLE_NATIONALITY, "--table", "share_missing", "--wave", "2016",
            "--format", "csv")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith("wave,cohort,numerator,denominator,share_pct,ci_low_pct,ci_high_pct,n_authorities")
    assert lines[1].startswith("2016,trafficked,167,590,28.3050847")
    assert "inconsistent return(s)" in r.stderr  # the planted problems are mentioned, not fatal
    j = cli("foi", "summary", SAMPLE_CSV, "--format", "json", "--wave", "2016", "--cohort", "trafficked")
    payload = json.loads(j.stdout)
    assert payload["suppress"] is True and payload["threshold"] == 5
    assert {"figures", "coverage", "regions", "change"} <= set(payload["tables"])
    regions = payload["tables"]["regions"]
    assert {row["region"]: row["went_missing"] for row in regions}["Scotland"] == "[c]"  # 2 children
    t = cli("foi", "summary", SAMPLE_CSV, "--table", "regions", "--wave", "2016", "--cohort", "trafficked",
            "--no-suppress")
    assert "Scotland" in t.stdout and "[c]" not in t.stdout and "internal use only" in t.stderr


def test_change_and_basis(cli):
    r = cli("foi", "change", SAMPLE_CSV, "--from", "2016", "--to", "2020", "--cohort", "trafficked",
            "--figure", "share_missing", "--format", "csv")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 3 and ",both_waves," in lines[1] and ",all_responders," in lines[2]
    b = cli("foi", "basis", SAMPLE_CSV, "--figure", "share_missing", "--wave", "2016", "--cohort", "trafficked",
            "--in", "--format", "csv")
    assert b.returncode == 0 and len(b.stdout.strip().splitlines()) == 1 + 149
    assert "stands on" not in b.stdout  # the title is for the table format only


def test_check_sample_claims_exit_1_with_two_differences(cli):
    r = cli("foi", "check", SAMPLE_CLAIMS, SAMPLE_XLSX, "--format", "json")
    assert r.returncode == 1
    payload = json.loads(r.stdout)
    assert payload["summary"]["differ"] == 2 and payload["summary"]["not_computable"] == 0
    row = next(x for x in payload["rows"] if x["claim"] == "trafficked_one_or_more")
    assert row["verdict"] == "differ" and "39.1%" in row["note"]


def test_cells_and_sample(cli, tmp_path):
    r = cli("foi", "cells", *hand_files(tmp_path))
    assert r.returncode == 0 and "do not publish" in r.stderr
    assert r.stdout.splitlines()[0].startswith("wave,authority_id,authority,nation,region,cohort,measure,value,status")
    s = cli("foi", "sample", "--out", tmp_path / "out")
    assert s.returncode == 0 and (tmp_path / "out" / "foi_returns.xlsx").is_file()
    assert (tmp_path / "out" / "foi_returns.csv").read_bytes() == SAMPLE_CSV.read_bytes()


def test_inputs_are_never_modified(cli, tmp_path):
    files = hand_files(tmp_path)
    before = [(p.read_bytes(), p.stat().st_mtime_ns) for p in files]
    for cmd in ("validate", "change"):
        cli("foi", cmd, *files)
    assert [(p.read_bytes(), p.stat().st_mtime_ns) for p in files] == before


@pytest.mark.parametrize("table", ["all", "totals", "figures", "change"])
def test_summary_as_a_table_for_people(cli, tmp_path, table):
    """The default format (a table for people) with the missing values pandas keeps as NA."""
    assert cli("foi", "sample", "--out", tmp_path).returncode == 0
    r = cli("foi", "summary", tmp_path / "foi_returns.csv", "--table", table)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() and "internal error" not in r.stderr
