"""Error messages name a cell's content only when it looks like an identifier: values typed into a
file (a group name, a workshop, an id, a region) may be personal data."""

from __future__ import annotations

import dataclasses

import pytest

import surveykit as sk
from conftest import SAMPLE_RANKINGS, SAMPLE_SURVEY
from surveykit.errors import InputError, UsageError

SECRET = "Jane Doe at 12 Acacia Road"


def test_a_groups_value_from_the_data_is_not_listed(tmp_path):
    r = sk.read(SAMPLE_SURVEY)
    d = r.data.copy()
    d.loc[d.index[:3], "region"] = SECRET
    mixed = dataclasses.replace(r, data=d)
    with pytest.raises(UsageError) as err:
        sk.compare(mixed, by="region", questions="q1", groups="nosuch,London")
    assert "Acacia" not in str(err.value) and "'nosuch'" in str(err.value)
    with pytest.raises(UsageError) as err:  # instrument-defined groups are still listed
        sk.compare(r, by="sector", questions="q1", groups="police,ngo")
    assert "'local_authority'" in str(err.value)


def test_ranking_errors_name_a_typed_group_by_its_row(tmp_path):
    lines = SAMPLE_RANKINGS.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    g = header.index("group")
    row = lines[1].split(",")
    row[g] = "Jane Doe"
    row[header.index("group_size")] = "x"
    bad = tmp_path / "r.csv"
    bad.write_text("\n".join([lines[0], ",".join(row)] + lines[2:]) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        sk.read_rankings(bad)
    assert "Jane" not in str(err.value) and "row 1" in str(err.value)


def test_a_duplicate_id_that_is_not_id_like_is_not_quoted(cli, tmp_path):
    answers = tmp_path / "a.csv"
    answers.write_text(f"respondent_id,answer\n{SECRET},one\n{SECRET},two\nR0002,three\n", encoding="utf-8")
    r = cli("code", answers, "--text-column", "answer")
    assert r.returncode == 2 and "more than one row" in r.stderr and "Acacia" not in r.stderr
    answers.write_text("respondent_id,answer\nR0001,one\nR0001,two\n", encoding="utf-8")
    r = cli("code", answers, "--text-column", "answer")
    assert r.returncode == 2 and "'R0001'" in r.stderr


def test_cli_groups_error_does_not_list_a_typed_value(cli, tmp_path):
    import csv

    rows = list(csv.reader(SAMPLE_SURVEY.open(encoding="utf-8", newline="")))
    j = next(k for k, h in enumerate(rows[0]) if "region" in h.lower())
    rows[2][j] = SECRET
    survey = tmp_path / "s.csv"
    with survey.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    r = cli("compare", survey, "--by", "region", "--question", "q1", "--groups", "nosuch,London")
    assert r.returncode == 2 and "'nosuch'" in r.stderr and "Acacia" not in r.stderr, r.stderr
