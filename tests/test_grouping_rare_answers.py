"""A grouping whose answers are its groups (a category field without options) publishes no answer given
by fewer than 5 respondents as a group's name: such answers are pooled into one group. Before, a
free-typed field declared as a grouping put every one-off answer in every table as a group label
("wouldnt you like to know weather boy"), with its respondent's answers beside it (an audit of a
user's own survey, Microsoft Forms)."""

from __future__ import annotations

import csv

import pytest

INSTRUMENT = """\
id: hotdogs
title: "Hot dogs"
version: "1"
scales:
  yes_no:
    kind: nominal
    options:
      - {code: "1", label: "Yes"}
      - {code: "0", label: "No"}
profile:
  - {id: respondent_id, kind: id, label: "Respondent"}
  - {id: major, kind: category, label: "Major"}
groupings: [major]
questions:
  - {id: sandwich, text: "Is a hot dog a sandwich?", type: single, scale: yes_no}
"""


@pytest.fixture
def export(tmp_path):
    rows = ([("Biology", i % 2) for i in range(12)] + [("Economics", (i + 1) % 2) for i in range(9)]
            + [("SECRETMAJOR wouldnt you like to know", 1), ("SECRETMAJOR Jane's sister's course", 0),
               ("SECRETMAJOR undeclared (ask me later)", 1), ("SECRETMAJOR undeclared (ask me later)", 0)])
    path = tmp_path / "export.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["respondent_id", "major", "sandwich"])
        w.writerows((f"r{i:02d}", major, answer) for i, (major, answer) in enumerate(rows))
    (tmp_path / "hotdogs.yaml").write_text(INSTRUMENT, encoding="utf-8")
    return path


def test_rare_answers_of_an_undeclared_grouping_are_pooled(cli, export):
    import surveykit as sk
    from surveykit.clean import RARE_ANSWERS_GROUP

    responses = sk.read(export, instrument=export.parent / "hotdogs.yaml")
    groups = responses.groups("major")
    assert not groups.astype(str).str.contains("SECRETMAJOR").any()
    assert (groups == RARE_ANSWERS_GROUP).sum() == 4 and (groups == "Biology").sum() == 12
    table = sk.score(responses, by="major", suppress=False)
    assert set(table["group"]) == {"all", "Biology", "Economics", RARE_ANSWERS_GROUP}
    r = cli("score", export, "--instrument", export.parent / "hotdogs.yaml", "--by", "major", "--format", "csv")
    assert r.returncode == 0, r.stderr
    assert "SECRETMAJOR" not in r.stdout + r.stderr and RARE_ANSWERS_GROUP in r.stdout
    r = cli("compare", export, "--instrument", export.parent / "hotdogs.yaml", "--by", "major", "--format", "csv")
    assert r.returncode == 0, r.stderr
    assert "SECRETMAJOR" not in r.stdout + r.stderr


def test_the_report_names_no_rare_answer_as_a_group(cli, export, tmp_path):
    out = tmp_path / "report"
    r = cli("report", "--survey", export, "--instrument", export.parent / "hotdogs.yaml", "--by", "major",
            "--out", out)
    assert r.returncode == 0, r.stderr
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".csv", ".md", ".html", ".svg", ".json"):
            assert "SECRETMAJOR" not in path.read_text(encoding="utf-8", errors="replace"), path.name


def test_declared_groups_are_never_pooled(sample_responses):
    # the sample's sectors are declared: a sector of 3 respondents stays a sector (suppression hides its counts)
    import dataclasses

    small = dataclasses.replace(sample_responses, data=sample_responses.data.iloc[:20].reset_index(drop=True))
    from surveykit.clean import RARE_ANSWERS_GROUP

    assert RARE_ANSWERS_GROUP not in set(small.groups("sector"))
