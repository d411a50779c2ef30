"""A grouping's "Don't know" is no group: with a single-choice question as the grouping, the respondents
who answered its "Don't know" option were compared as a group of their own (an audit: the Belgian
election study's "I Don't Know" (77) in `compare --by q13`). They are now with those who left it blank,
in "missing", which no test compares."""

from __future__ import annotations

import csv

import pytest

INSTRUMENT = """\
id: votes
title: "Votes"
version: "1"
scales:
  party:
    kind: nominal
    options:
      - {code: "1", label: "Red"}
      - {code: "2", label: "Blue"}
      - {code: "77", label: "I don't know", dk: true}
  agree:
    kind: ordinal
    options:
      - {code: "1", label: "Disagree"}
      - {code: "2", label: "Neutral"}
      - {code: "3", label: "Agree"}
    top_box: ["3"]
profile:
  - {id: respondent_id, kind: id, label: "Respondent"}
groupings: [vote]
questions:
  - {id: vote, text: "Which party did you vote for?", type: single, scale: party}
  - {id: trust, text: "Politicians can be trusted", type: single, scale: agree}
"""


@pytest.fixture
def export(tmp_path):
    rows = [("1", str(1 + i % 3)) for i in range(14)] + [("2", str(1 + (i + 1) % 3)) for i in range(13)] \
        + [("77", str(1 + i % 3)) for i in range(12)] + [("", "2")] * 2
    path = tmp_path / "export.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["respondent_id", "vote", "trust"])
        w.writerows((f"r{i:02d}", v, t) for i, (v, t) in enumerate(rows))
    (tmp_path / "votes.yaml").write_text(INSTRUMENT, encoding="utf-8")
    return path


def test_dont_know_is_no_group(cli, export):
    import surveykit as sk
    from surveykit.scoring import MISSING

    responses = sk.read(export, instrument=export.parent / "votes.yaml")
    table = sk.score(responses, questions="trust", by="vote", suppress=False)
    groups = set(table["group"])
    assert "77" not in groups and {"1", "2", MISSING} <= groups
    missing = table[(table["group"] == MISSING)]
    assert int(missing["n_valid"].iloc[0]) == 14  # 12 "don't know" and 2 blank
    result = sk.compare(responses, by="vote", suppress=False)
    assert not result.table["groups"].astype(str).str.contains("77").any()
    r = cli("compare", export, "--instrument", export.parent / "votes.yaml", "--by", "vote", "--format", "csv")
    assert r.returncode == 0, r.stderr
    assert "77" not in r.stdout


def test_the_grouping_question_is_not_compared_with_itself(cli, export):
    """`compare --by vote` tested vote against its own groups (chi-square 27 of 27, "significant")."""
    import surveykit as sk
    from surveykit.errors import UsageError

    responses = sk.read(export, instrument=export.parent / "votes.yaml")
    result = sk.compare(responses, by="vote", suppress=False)
    assert "vote" not in set(result.table["question_id"]) and "trust" in set(result.table["question_id"])
    r = cli("compare", export, "--instrument", export.parent / "votes.yaml", "--by", "vote", "--format", "csv")
    assert r.returncode == 0 and "\nvote," not in r.stdout, r.stdout
    with pytest.raises(UsageError, match="is the grouping"):
        sk.banner(responses, question="vote", by="vote")
