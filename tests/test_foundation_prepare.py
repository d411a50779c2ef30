"""prepare(): typed answers, Don't know apart from blank, and every data problem collected."""

from __future__ import annotations

import json

import pytest

from surveykit.pipeline import load_responses

TIDY = (
    "respondent_id,sector,q1,q5,q16,q27,q45_cctv,q45_training_professionals,q7\n"
    "r1,Police,Yes,Always,Strongly agree,High,1,5,They are still being controlled\n"
    "r2,Children's services,Don't know,Never,2,Absent,,4,\n"
    "r3,NGO,,Rarely,Agree,Medium,3,Very effective,fear of age assessment\n"
    "r3,,No,Sometimes,Neutral,Don't know,9,5,\n"
    "r5,Martian embassy,Perhaps,Usually,Disagree,Low,2,2,\n"
)


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "tidy.csv"
    path.write_text(TIDY, encoding="utf-8")
    return path


def test_answers_become_option_codes(export):
    r = load_responses(export)
    d = r.data
    assert d["q1"].tolist() == ["1", "DK", None, "0", None]
    assert d["q5"].tolist() == ["4", "0", "1", "2", "3"]
    assert d["q16"].tolist() == ["5", "2", "4", "3", "2"]
    assert d["q27"].tolist() == ["High", "Absent", "Medium", "DK", "Low"]
    assert d["q45_training_professionals"].tolist() == ["5", "4", "5", "5", "2"]
    assert d["sector"].tolist() == ["criminal_justice", "local_authority", "ngo", None, None]
    assert d["q7"].tolist()[:3] == ["They are still being controlled", None, "fear of age assessment"]
    # Columns absent from the export exist, all blank.
    assert d["q45_secure_accommodation"].isna().all()


def test_numeric_scores_exclude_dont_know_and_blank(export):
    r = load_responses(export)
    assert r.numeric("q5").tolist() == [4.0, 0.0, 1.0, 2.0, 3.0]
    values = r.numeric("q45_cctv").tolist()
    assert values[0] == 1.0 and values[2] == 3.0
    assert values[1] != values[1]  # blank -> NaN


def test_issues_are_collected_not_raised(export):
    r = load_responses(export)
    found = {(i.row, i.code) for i in r.issues}
    assert (4, "duplicate_id") in found
    assert (4, "missing_sector") in found
    assert (5, "unknown_sector") in found
    assert (5, "unknown_label") in found      # "Perhaps" for a yes/no question
    assert (4, "out_of_range") in found       # 9 on a 1-5 scale


def test_validate_lists_the_issues_and_exits_1(cli, export):
    result = cli("validate", export, "--format", "json")
    assert result.returncode == 1
    payload = json.loads(result.stdout)
    codes = sorted({row["code"] for row in payload["rows"]})
    assert codes == ["duplicate_id", "missing_sector", "out_of_range", "unknown_label", "unknown_sector"]
    assert payload["respondents"] == 5
    table = cli("validate", export)
    assert table.returncode == 1
    assert "duplicate_id" in table.stdout and "problem(s) found" in table.stderr


def test_validate_exits_0_on_clean_data(cli, tmp_path):
    path = tmp_path / "clean.csv"
    path.write_text("respondent_id,sector,q1\nr1,NGO,Yes\nr2,Police,No\n", encoding="utf-8")
    result = cli("validate", path)
    assert result.returncode == 0, result.stdout
    assert "no problems found" in result.stdout


def test_mapping_file_maps_columns_by_header(cli, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("ID,Where do you work,Nationality matters?\nr1,NGO,Yes\nr2,Police,No\n", encoding="utf-8")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  - {header: ID, target: respondent_id}\n"
                       "  - {header: Where do you work, target: sector}\n"
                       "  - {header: \"Nationality matters?\", target: q1}\n", encoding="utf-8")
    r = load_responses(path, mapping=mapping)
    assert r.data["q1"].tolist() == ["1", "0"]
    assert r.data["sector"].tolist() == ["ngo", "criminal_justice"]
    result = cli("inspect", path, "--mapping", mapping, "--format", "json")
    targets = [c["target"] for c in json.loads(result.stdout)["columns"]]
    assert targets == ["respondent_id", "sector", "q1"]


def test_columns_map_by_question_text_despite_numbering_and_html(tmp_path):
    path = tmp_path / "text.csv"
    path.write_text(
        'Respondent ID,"1. In your current role do you see any relationship between a <b>trafficked</b> child\'s '
        'nationality and the likelihood of them going missing / how long they go missing for / or if they are '
        'found or return after being missing?"\nr1,Yes\n', encoding="utf-8")
    r = load_responses(path)
    assert r.data["q1"].tolist() == ["1"]
    assert r.data["respondent_id"].tolist() == ["r1"]
