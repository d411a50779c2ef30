"""The sample study written in Qualtrics and SPSS layouts reads back to the same answers, and
``surveykit score`` gives the same output on each as on the SurveyMonkey-style sample."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import SAMPLE_SURVEY


@pytest.fixture(scope="module")
def exports(tmp_path_factory, sample_responses_module):
    from surveykit.sample.platforms import write_platform_exports

    out = tmp_path_factory.mktemp("platforms")
    responses = sample_responses_module
    paths = write_platform_exports(responses, out)
    return responses, {p.name: p for p in paths}


def test_files_written(exports):
    _, paths = exports
    assert sorted(paths) == ["professional_survey.sav", "professional_survey_qualtrics.csv",
                             "professional_survey_qualtrics.qsf", "professional_survey_qualtrics_numeric.csv",
                             "professional_survey_qualtrics_numeric.qsf"]


def test_qualtrics_layout_is_the_current_three_row_export(exports):
    _, paths = exports
    text = paths["professional_survey_qualtrics.csv"].read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    tags, labels, imports = rows[0], rows[1], rows[2]
    assert tags[:3] == ["StartDate", "EndDate", "Status"] and "ResponseId" in tags
    assert all(json.loads(c)["ImportId"] for c in imports)
    j = tags.index("Q45_6")
    assert json.loads(imports[j]) == {"ImportId": "QID48_6"}
    assert labels[j].endswith(" - CCTV on premises")
    assert tags[tags.index("Q45_20") + 1] == "Q45_20_TEXT"
    assert len(rows) == 3 + 288
    rid = rows[3][tags.index("ResponseId")]
    assert rid.startswith("R_") and len(rid) == 17
    # The .qsf names the same QIDs and export tags.
    qsf = json.loads(paths["professional_survey_qualtrics.qsf"].read_text(encoding="utf-8"))
    q45 = next(e for e in qsf["SurveyElements"] if e.get("PrimaryAttribute") == "QID48")["Payload"]
    assert q45["DataExportTag"] == "Q45" and q45["Choices"]["6"]["Display"] == "CCTV on premises"


def _same_answers(a, b):
    left = a.data.drop(columns=["respondent_id", "sector_raw"])
    right = b.data.drop(columns=["respondent_id", "sector_raw"])
    assert list(left.columns) == list(right.columns)
    for col in left.columns:
        assert left[col].tolist() == right[col].tolist(), col


@pytest.mark.parametrize("name", ["professional_survey_qualtrics.csv", "professional_survey_qualtrics_numeric.csv",
                                  "professional_survey.sav"])
def test_prepared_answers_are_the_same(exports, name):
    from surveykit.pipeline import load_responses

    original, paths = exports
    again = load_responses(paths[name])
    assert again.n == original.n == 288
    assert [i for i in again.issues if i.code != "unmapped_column"] == []
    _same_answers(original, again)
    if name.endswith(".sav"):
        # Our own .sav keeps the respondent ids and the sector as answered.
        assert again.data["respondent_id"].tolist() == original.data["respondent_id"].tolist()
        assert again.data["sector_raw"].tolist() == original.data["sector_raw"].tolist()
    else:
        methods = {m.method for m in again.column_map.mapped}
        assert "import_id" in methods  # the sibling .qsf was used


def test_qualtrics_without_qsf_maps_by_text(exports, tmp_path):
    """Choice-text exports need no .qsf: the question texts alone map every column."""
    from surveykit.pipeline import load_responses

    original, paths = exports
    alone = tmp_path / "export.csv"
    alone.write_bytes(paths["professional_survey_qualtrics.csv"].read_bytes())
    again = load_responses(alone)
    assert {m.method for m in again.column_map.mapped} <= {"text", "id"}
    _same_answers(original, again)


def test_numeric_qualtrics_needs_its_qsf(exports, tmp_path, cli):
    _, paths = exports
    alone = tmp_path / "numeric.csv"
    alone.write_bytes(paths["professional_survey_qualtrics_numeric.csv"].read_bytes())
    without = cli("validate", alone, "--format", "json")
    assert without.returncode == 1  # codes like 99 are not answers of the instrument
    with_qsf = cli("validate", alone, "--qsf", paths["professional_survey_qualtrics.qsf"], "--format", "json")
    assert with_qsf.returncode == 0, with_qsf.stdout + with_qsf.stderr


def test_score_is_the_same_on_every_layout(exports, cli):
    _, paths = exports
    reference = cli("score", SAMPLE_SURVEY, "--format", "csv", "--by", "sector")
    assert reference.returncode == 0, reference.stderr
    assert reference.stdout.count("\n") > 100
    for name in ("professional_survey_qualtrics.csv", "professional_survey_qualtrics_numeric.csv",
                 "professional_survey.sav"):
        result = cli("score", paths[name], "--format", "csv", "--by", "sector")
        assert result.returncode == 0, (name, result.stderr)
        assert result.stdout == reference.stdout, name


def test_sample_command_writes_platform_layouts(cli, tmp_path):
    out = tmp_path / "sample"
    result = cli("sample", "--out", out, "--respondents", "30", "--platform-layouts")
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert {"professional_survey_qualtrics.csv", "professional_survey_qualtrics.qsf", "professional_survey.sav",
            "professional_survey_qualtrics_numeric.csv"} <= set(names)
    checked = cli("validate", out / "professional_survey_qualtrics_numeric.csv")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_every_reading_command_takes_qsf(exports, tmp_path, cli):
    """A numeric Qualtrics export whose .qsf lies elsewhere: --qsf maps it for any command."""
    _, paths = exports
    alone = tmp_path / "numeric.csv"
    alone.write_bytes(paths["professional_survey_qualtrics_numeric.csv"].read_bytes())
    qsf = paths["professional_survey_qualtrics.qsf"]
    reference = cli("score", SAMPLE_SURVEY, "--question", "q45", "--format", "csv")
    result = cli("score", alone, "--question", "q45", "--format", "csv", "--qsf", qsf)
    assert result.returncode == 0, result.stderr
    assert result.stdout == reference.stdout
    coded = cli("code", alone, "--question", "q7", "--view", "frequency", "--format", "csv", "--qsf", qsf)
    assert coded.returncode == 0, coded.stderr
    assert coded.stdout == cli("code", SAMPLE_SURVEY, "--question", "q7", "--view", "frequency",
                               "--format", "csv").stdout
    missing = cli("score", alone, "--qsf", tmp_path / "nope.qsf")
    assert missing.returncode == 2 and "nope.qsf" in missing.stderr
