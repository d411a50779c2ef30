"""Negative answer codes are not their positive twins.

Qualtrics and other platforms export "no basis to judge", "not asked" and the like as -1, -2, ...
beside a 1..k rating. Label matching folded every character but letters and digits away, so "-1"
was read as the option "1" and "-2" as "2": the non-answers were counted as ratings (Qualtrics'
vegetables export: 100% "3" of 11 valid with the drafted instrument; Dislike 6, Neutral 4 of 15 with a
hand-written scale marking -1 and -2 as "don't know", where the export holds 2, 2, 5 of 9 and 6 non-answers).
"""

from __future__ import annotations

import csv
import io

import pytest

from conftest import EXTERNAL

INSTRUMENT = """\
id: veg
title: "Vegetables"
version: "1"
scales:
  liking:
    kind: ordinal
    options:
      - {code: "1", label: "Dislike"}
      - {code: "2", label: "Neutral"}
      - {code: "3", label: "Like"}
      - {code: "-1", label: "No basis for evaluation", dk: true}
      - {code: "-2", label: "I've never had it", dk: true}
    top_box: ["3"]
profile:
  - {id: respondent_id, kind: id, label: "Respondent"}
questions:
  - id: q4
    text: "How do you feel about these vegetables?"
    type: grid
    scale: liking
    items:
      - {id: q4_1, label: "Squash"}
"""
# Answers counted by hand: 3 x5, 2 x2, 1 x2, -1 x4, -2 x2.
ANSWERS = ["3"] * 5 + ["2"] * 2 + ["1"] * 2 + ["-1"] * 4 + ["-2"] * 2
EXPECTED = {"1": 2, "2": 2, "3": 5, "-1": 4, "-2": 2}


def test_a_negative_number_folds_to_itself():
    from surveykit.instrument.values import normalise_label

    assert normalise_label("-1") == "-1" and normalise_label(" - 2 ") == "-2" and normalise_label("\u22123") == "-3"
    assert normalise_label("-1") != normalise_label("1")
    assert normalise_label("+1") == normalise_label("1") == "1"  # the sign of a positive number changes nothing
    assert normalise_label("Q-1") == "q 1"  # a label with a hyphen folds as before


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "export.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["respondent_id", "q4_1"])
        w.writerows([f"r{i:02d}", a] for i, a in enumerate(ANSWERS))
    (tmp_path / "veg.yaml").write_text(INSTRUMENT, encoding="utf-8")
    return path


def _counts(table):
    rows = table[table["group"] == "all"] if "group" in table.columns else table
    return {str(r.option_code): int(r["count"]) for _, r in rows.iterrows()}, rows


def test_score_counts_negative_codes_as_their_own_options(cli, export):
    import pandas as pd

    import surveykit as sk

    responses = sk.read(export, instrument=export.parent / "veg.yaml")
    table = sk.score(responses, questions="q4", suppress=False)
    counts, rows = _counts(table)
    assert counts == EXPECTED
    assert set(rows["n_valid"]) == {9} and set(rows["n_dk"]) == {6}
    r = cli("score", export, "--instrument", export.parent / "veg.yaml", "-q", "q4_1", "--no-suppress",
            "--format", "csv")
    assert r.returncode == 0, r.stderr
    cli_counts, cli_rows = _counts(pd.read_csv(io.StringIO(r.stdout), dtype={"option_code": str}))
    assert cli_counts == EXPECTED and set(cli_rows["n_valid"]) == {9}


def test_a_drafted_instrument_keeps_them_apart(cli, tmp_path):
    source = EXTERNAL / "qualtrics" / "qtools_no_basis_for_evaluation_insights.csv"
    if not source.exists():
        pytest.skip("the external fixtures are not beside this checkout")
    draft = tmp_path / "draft.yaml"
    r = cli("instrument", "draft", source, "--out", draft)
    assert r.returncode == 0, r.stderr
    r = cli("score", source, "--instrument", draft, "-q", "q4_1", "--no-suppress", "--format", "csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    # the export's Q4_1 (Squash): 3 x5, 2 x2, 1 x2, and 6 negative codes (-1 x4, -2 x2)
    got = {row["option_code"]: int(row["count"]) for row in rows if row["group"] == "all"}
    assert {k: got[k] for k in ("1", "2", "3")} == {"1": 2, "2": 2, "3": 5}
    assert {row["n_valid"] for row in rows} == {"9"} and {row["n_dk"] for row in rows} == {"6"}
