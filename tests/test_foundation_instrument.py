"""The instrument: all 47 questions of Appendix 2 and clear errors for a broken file."""

from __future__ import annotations

import pytest
import yaml

from surveykit.errors import InstrumentError, UsageError
from surveykit.instrument import load_instrument, parse_instrument

from conftest import CODEBOOKS


@pytest.fixture(scope="module")
def inst():
    return load_instrument()


def test_all_47_questions_in_order(inst):
    assert [q.id for q in inst.questions] == [f"q{n}" for n in range(1, 48)]
    assert [q.number for q in inst.questions] == list(range(1, 48))


@pytest.mark.parametrize("qid,scale", [
    ("q1", "yes_no_dk"), ("q3", "yes_no_dk"), ("q43", "yes_no_dk"), ("q24", "yes_sometimes_no_dk"),
    ("q35", "yes_sometimes_no_dk"), ("q5", "frequency"), ("q8", "frequency"), ("q27", "risk_category"),
    ("q14", "factor_frequency"), ("q15", "factor_frequency"), ("q16", "agreement"), ("q19", "agreement"),
    ("q45", "effectiveness"),
])
def test_question_scales_follow_the_design(inst, qid, scale):
    assert inst.question(qid).scale.id == scale


def test_free_text_questions(inst):
    expected = {2, 4, 6, 7, 9, 11, 13, 20, 22, 23, 28, 30, 32, 34, 38, 40, 42, 44, 46, 47}
    assert {q.number for q in inst.questions if q.is_text} == expected


def test_grids_have_the_appendix_items(inst):
    assert len(inst.question("q14").items) == 18
    assert len(inst.question("q15").items) == 15
    q45 = inst.question("q45")
    assert len([i for i in q45.items if not i.other]) == 19
    assert "q45_training_professionals" in q45.columns
    assert q45.other_text == "q45_other_text"


def test_dont_know_is_not_in_the_valid_base(inst):
    scale = inst.question("q1").scale
    assert [o.code for o in scale.valid_options] == ["1", "0"]
    assert scale.match("Don't know").dk
    assert scale.match("  yes ").code == "1"


def test_effectiveness_scale_accepts_codes_and_labels(inst):
    scale = inst.question("q45").scale
    assert scale.match("5").code == "5"
    assert scale.match("Very effective").code == "5"
    assert scale.match("1 - Completely ineffective").code == "1"
    assert scale.match("7") is None


def test_sector_aliases(inst):
    assert inst.match_sector("Police") == "criminal_justice"
    assert inst.match_sector("Local authority / children's services") == "local_authority"
    assert inst.match_sector("charity") == "ngo"
    assert inst.match_sector("Martian embassy") is None


def test_unknown_question_names_allowed_values(inst):
    with pytest.raises(UsageError) as err:
        inst.question("q99")
    assert "'q99'" in str(err.value) and "'q1'" in str(err.value)


def _doc():
    return yaml.safe_load((CODEBOOKS / "professional_survey.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("breakage,expected", [
    (lambda d: d["questions"][4].update(scale="no_such_scale"),
     "questions[4].scale: must be one of 'yes_no_dk', 'yes_sometimes_no_dk'"),
    (lambda d: d["questions"][4].update(scale="no_such_scale"), "got 'no_such_scale'"),
    (lambda d: d["questions"][0].update(type="slider"),
     "questions[0].type: must be one of 'single', 'grid', 'text'; got 'slider'"),
    (lambda d: d["questions"][13]["items"].append({"id": "Q14_RE_TRAFFICKING", "label": "again"}),
     "questions[13].items[18].id: id 'Q14_RE_TRAFFICKING' is already used at questions[13].items[1].id"),
    (lambda d: d["questions"][1].pop("text"), "questions[1].text: is required"),
    (lambda d: d["scales"]["agreement"].update(top_box=["9"]),
     "scales.agreement.top_box: names code '9', which the scale lacks"),
    (lambda d: d["questions"][13].pop("items"), "questions[13].items: must be a list; got nothing"),
    (lambda d: d["questions"][4].update(nets={"rarely": ["1", "9"]}),
     "questions[4].nets.rarely: names code '9', which scale 'frequency' lacks"),
    (lambda d: d["report"]["sections"][2].update(questions=["q1", "q99"]),
     "report.sections[2].questions[1]: must be a question or free-text field of the instrument"),
    (lambda d: d["report"]["sections"][4].update(analyses=["rank", "code"]),
     "report.sections[4].analyses[1]: 'code' does not fit 'q45'"),
    (lambda d: d["report"]["sections"][2].update(analyses=["rank"]),
     "report.sections[2].analyses[0]: 'rank' does not fit 'q1' (report.sections[2].questions[0]): needs a grid"),
    (lambda d: d.update(sectors=5), "sectors: must be a list; got a number (5)"),
    (lambda d: d["scales"]["agreement"]["options"][2].update(aliases=5), "scales.agreement.options[2].aliases: must "
                                                                         "be a list"),
    (lambda d: d["scales"]["agreement"].update(top_box=1), "scales.agreement.top_box: must be a list of option codes"),
    (lambda d: d.update(groupings=["q7"]), "groupings[0]: must be a grouping profile field"),
    (lambda d: d["coding"][0].update(field="q8"), "coding[0].field: must be a free-text field"),
    (lambda d: d["questions"][0].update(colour="red"), "questions[0].colour: unknown key; allowed keys are 'id'"),
])
def test_broken_instrument_names_file_question_and_problem(breakage, expected):
    doc = _doc()
    breakage(doc)
    with pytest.raises(InstrumentError) as err:
        parse_instrument(doc, path="broken.yaml")
    assert str(err.value).startswith("broken.yaml: ")
    assert expected in str(err.value)


def test_broken_instrument_through_the_cli(cli, tmp_path):
    doc = _doc()
    doc["questions"][6]["type"] = "essay"
    bad = tmp_path / "broken.yaml"
    bad.write_text(yaml.safe_dump(doc), encoding="utf-8")
    export = tmp_path / "tidy.csv"
    export.write_text("respondent_id,sector,q1\nr1,NGO,Yes\n", encoding="utf-8")
    result = cli("validate", export, "--instrument", bad)
    assert result.returncode == 2
    assert "broken.yaml" in result.stderr and "questions[6].type: must be one of 'single', 'grid', 'text'; " \
                                              "got 'essay'" in result.stderr
    assert "Traceback" not in result.stderr
