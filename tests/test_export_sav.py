"""export-sav writes prepared responses to SPSS with labels; reading it back gives the same answers.
Also the SPSS reader's user-missing rule: a missing code labelled like "don't know" is DK, others blank."""

from __future__ import annotations

import hashlib

import pytest

from conftest import SAMPLE_SURVEY


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    from conftest import run_cli

    out = tmp_path_factory.mktemp("sav") / "survey.sav"
    before = hashlib.sha256(SAMPLE_SURVEY.read_bytes()).hexdigest()
    result = run_cli("export-sav", SAMPLE_SURVEY, "--out", out)
    assert result.returncode == 0, result.stderr
    assert hashlib.sha256(SAMPLE_SURVEY.read_bytes()).hexdigest() == before
    assert result.stdout == "" and "wrote" in result.stderr
    return out


def test_labels_and_missing_values(exported):
    import pyreadstat

    frame, meta = pyreadstat.read_sav(str(exported), user_missing=True)
    assert len(frame) == 288
    labels = dict(zip(meta.column_names, meta.column_labels))
    assert labels["q45_cctv"].endswith(" - CCTV on premises")
    assert labels["q1"].startswith("In your current role do you see any relationship")
    assert meta.variable_value_labels["q45_cctv"][5.0] == "Very effective"
    assert meta.variable_value_labels["q1"] == {1.0: "Yes", 0.0: "No", 99.0: "Don't know"}
    assert meta.variable_value_labels["q27"][1.0] == "High"
    assert meta.missing_ranges["q1"] == [{"lo": 99.0, "hi": 99.0}]
    assert meta.readstat_variable_types["q7"] == "string"
    assert set(frame["q1"].dropna()) <= {0.0, 1.0, 99.0}


def test_round_trip_same_typed_values(exported, cli, sample_responses):
    from surveykit.pipeline import load_responses

    original = sample_responses
    again = load_responses(exported)
    assert again.source.platform == "spss"
    assert list(again.data.columns) == list(original.data.columns)
    for col in original.data.columns:
        assert again.data[col].tolist() == original.data[col].tolist(), col
    assert {m.method for m in again.column_map.mapped} == {"id"}
    result = cli("validate", exported)
    assert result.returncode == 0, result.stdout + result.stderr


def test_export_is_deterministic(exported, tmp_path, cli):
    second = tmp_path / "again.sav"
    result = cli("export-sav", SAMPLE_SURVEY, "--out", second)
    assert result.returncode == 0, result.stderr
    assert second.read_bytes() == exported.read_bytes()


def test_out_must_be_a_sav(cli, tmp_path):
    target = tmp_path / "survey.csv"
    result = cli("export-sav", SAMPLE_SURVEY, "--out", target)
    assert result.returncode == 2
    assert "--out" in result.stderr and ".sav" in result.stderr
    assert not target.exists()


def _labelled_sav(path):
    """A small hand-made SPSS file: q1 with 8 = Don't know and 9 = Refused both declared missing."""
    import pandas as pd
    import pyreadstat

    frame = pd.DataFrame({"respondent_id": ["a", "b", "c", "d"], "q1": [1.0, 8.0, 9.0, 0.0],
                          "question_five": [4.0, 3.0, 97.0, float("nan")]})
    pyreadstat.write_sav(
        frame, str(path),
        column_labels=["Respondent ID",
                       "Nationality and going missing",
                       "How often is a child's nationality a factor?"],
        variable_value_labels={"q1": {1.0: "Yes", 0.0: "No", 8.0: "Don't know", 9.0: "Refused"},
                               "question_five": {4.0: "Always", 3.0: "Usually", 97.0: "Not sure"}},
        missing_ranges={"q1": [8.0, 9.0], "question_five": [{"lo": 90.0, "hi": 99.0}]})


def test_user_missing_dont_know_becomes_dk_and_others_blank(tmp_path, cli):
    from surveykit.io import read_export

    path = tmp_path / "labelled.sav"
    _labelled_sav(path)
    raw = read_export(path)
    assert [r[1] for r in raw.rows] == ["Yes", "Don't know", "", "No"]
    # A missing *range* counts too: 97 "Not sure" lies in 90..99 and reads like don't know.
    assert [r[2] for r in raw.rows] == ["Always", "Usually", "Don't know", ""]
    assert any("2 labelled don't know" in n and "1 others -> blank" in n for n in raw.notes)
    import json

    result = cli("inspect", path, "--format", "json")
    assert result.returncode == 0, result.stderr
    cols = json.loads(result.stdout)["columns"]
    assert cols[1]["target"] == "q1" and cols[1]["method"] == "id"
    from surveykit.pipeline import load_responses

    prepared = load_responses(path)
    assert prepared.data["q1"].tolist() == ["1", "DK", None, "0"]


def test_variable_labels_map_columns(tmp_path):
    """A column whose name means nothing is mapped through its SPSS variable label."""
    import pandas as pd
    import pyreadstat

    from surveykit.pipeline import load_responses

    path = tmp_path / "labels.sav"
    frame = pd.DataFrame({"V1": [1.0, 2.0], "V2": [5.0, 1.0]})
    pyreadstat.write_sav(frame, str(path), column_labels=[
        "In your current role do you see any relationship between a trafficked child's nationality and the "
        "likelihood of them going missing / how long they go missing for / or if they are found or return after "
        "being missing?",
        "On a scale from 1 (completely ineffective) to 5 (very effective) please rate the following as a measures "
        "to prevent trafficked young people going missing: - CCTV on premises"],
        variable_value_labels={"V1": {1.0: "Yes", 2.0: "No"}})
    prepared = load_responses(path)
    found = {m.target: m for m in prepared.column_map.mapped}
    assert found["q1"].method == "label" and found["q45_cctv"].method == "label"
    assert prepared.data["q1"].tolist() == ["1", "0"]
    assert prepared.data["q45_cctv"].tolist() == ["5", "1"]
