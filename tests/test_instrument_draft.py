"""surveykit instrument draft: a first instrument from an export.

The expected values here come from the questionnaires themselves (the shipped instrument, written by
hand from Appendix 2 of the study; the external files' own metadata read with csv / pyreadstat / json)
or from what the standard scales are, never from the drafting code.
"""

from __future__ import annotations

import csv
import json
import re

import pytest
import yaml

from conftest import EXTERNAL, SAMPLE_SURVEY

from surveykit.draft import draft_from_file, draft_instrument, guess_scale
from surveykit.instrument import load_instrument, parse_instrument
from surveykit.io import read_export
from surveykit.io.structure import read_structure

SHIPPED = load_instrument()


@pytest.fixture(scope="module")
def sample_draft():
    return draft_from_file(SAMPLE_SURVEY)


@pytest.fixture(scope="module")
def sample_drafted(sample_draft):
    """The draft as a user gets it: the YAML text parsed like any instrument file."""
    return parse_instrument(yaml.safe_load(sample_draft.yaml), path="draft.yaml")


def _shape(q):
    return {"type": q.type, "kind": q.scale.kind if q.scale else None, "items": len(q.items),
            "rated_other_rows": sum(1 for i in q.items if i.other), "other_text": q.other_text is not None}


# -- the shipped sample: every question's type, as the hand-written instrument has it -----------------

@pytest.mark.parametrize("qid", [q.id for q in SHIPPED.questions])
def test_sample_draft_has_the_shipped_type_of_every_question(sample_drafted, qid):
    assert len(SHIPPED.questions) == 47
    assert _shape(sample_drafted.question(qid)) == _shape(SHIPPED.question(qid))


def test_sample_draft_grids_have_the_shipped_rows_in_order(sample_drafted):
    for q in SHIPPED.questions:
        if q.is_grid:
            drafted = sample_drafted.question(q.id)
            assert [i.label for i in drafted.items] == [i.label for i in q.items]


def test_sample_draft_respondents(sample_drafted, sample_draft):
    profile = {p.id: p.kind for p in sample_drafted.profile}
    assert profile == {"respondent_id": "id", "sector": "category", "role": "text", "region": "category"}
    assert sample_drafted.groupings == ("sector", "region")
    # No completion column in a SurveyMonkey export: the last questions stand for the last page.
    assert sample_drafted.last_page == ("q43", "q44", "q45", "q46", "q47")
    assert sample_draft.coverage.questions_found == sample_draft.coverage.questions_total == 47
    assert sample_draft.coverage.mapped_columns == sample_draft.coverage.answer_columns


def test_sample_draft_scales_are_the_study_scales(sample_drafted):
    """Scale by scale, the options (labels, Don't know) the study's questionnaire has."""
    def labels(qid):
        s = sample_drafted.question(qid).scale
        return [o.label for o in s.options if not o.dk], [o.label for o in s.options if o.dk]

    for qid in ("q16", "q45", "q5", "q14", "q1", "q24"):
        shipped = SHIPPED.question(qid).scale
        drafted = sample_drafted.question(qid).scale
        assert {o.label for o in drafted.valid_options} == {o.label for o in shipped.valid_options}, qid
        assert drafted.has_dk == shipped.has_dk, qid
    # Top boxes name the same answers as the hand-written instrument.
    for qid in ("q16", "q45", "q14", "q5", "q1", "q24"):
        shipped = SHIPPED.question(qid).scale
        drafted = sample_drafted.question(qid).scale
        assert {drafted.label_of(c) for c in drafted.top_box} == {shipped.label_of(c) for c in shipped.top_box}, qid


def test_sample_draft_is_deterministic(sample_draft):
    assert draft_from_file(SAMPLE_SURVEY).yaml == sample_draft.yaml


def test_every_guess_has_a_comment(sample_draft):
    lines = sample_draft.yaml.splitlines()
    for key in ("    type:", "    scale:", "    kind: ordinal", "    kind: nominal", "    other_text:",
                "    options: ", "    top_box:", "groupings:", "  last_page:"):
        found = [ln for ln in lines if ln.startswith(key)]
        assert found and all("# guessed:" in ln for ln in found), key
    assert any("# guessed: 5-point agreement scale" in ln and '"Agree"' in ln for ln in lines)
    profile = [ln for ln in lines if ln.startswith("  - id:") and ln.split("id: ")[1].split()[0]
               in {p.id for p in SHIPPED.profile}]
    assert len(profile) == 4 and all("# guessed:" in ln for ln in profile)


def test_no_free_text_answer_is_written_into_the_draft(sample_draft):
    """Comments quote option labels only: no answer to a free-text question appears in the file."""
    with open(SAMPLE_SURVEY, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    sub = rows[1]
    text_cols = [j for j, s in enumerate(sub) if s in ("Open-Ended Response", "Other (please specify)")]
    answers = {r[j].strip() for r in rows[2:] for j in text_cols if len(r[j].strip()) >= 12}
    assert len(answers) > 500
    leaked = [a for a in answers if a in sample_draft.yaml]
    assert leaked == []


# -- scales recognised by their labels -------------------------------------------------------------------

@pytest.mark.parametrize("labels, kind, valid, top", [
    (["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"], "ordinal", 5,
     {"Agree", "Strongly agree"}),
    (["Strongly disagree", "Disagree", "Somewhat disagree", "Neither agree nor disagree", "Somewhat agree", "Agree",
      "Strongly agree"], "ordinal", 7, {"Somewhat agree", "Agree", "Strongly agree"}),
    (["Never", "Rarely", "Sometimes", "Often", "Always"], "ordinal", 5, {"Often", "Always"}),
    (["Yes", "No", "Don't know"], "nominal", 2, {"Yes"}),
    (["Very ineffective", "Ineffective", "Neither effective nor ineffective", "Effective", "Very effective"], "ordinal",
     5, {"Effective", "Very effective"}),
    (["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"], "ordinal", 5,
     {"Satisfied", "Very satisfied"}),
    (["Poor", "Fair", "Good", "Very good", "Excellent"], "ordinal", 5, {"Very good", "Excellent"}),
    ([str(i) for i in range(11)], "ordinal", 11, {"9", "10"}),
    (["Not at all important", "Slightly important", "Moderately important", "Very important", "Extremely important"],
     "ordinal", 5, {"Very important", "Extremely important"}),
    (["Red", "Green", "Blue"], "nominal", 3, set()),
])
def test_common_scales_are_recognised(labels, kind, valid, top):
    g = guess_scale([(lab, 3) for lab in reversed(labels)])
    assert g.kind == kind
    assert len(g.valid) == valid
    assert {o.label for o in g.options if o.code in g.top_box} == top
    if kind == "ordinal":  # the codes run with the scale
        ordered = [o.label for o in sorted(g.valid, key=lambda o: float(o.code))]
        assert ordered == labels


@pytest.mark.parametrize("dk", ["Don't know", "I don't know", "Not sure", "N/A", "Not applicable", "Prefer not to say",
                                "No basis for evaluation", "I'm Unsure"])
def test_dont_know_options_stay_out_of_the_base(dk):
    g = guess_scale([("Agree", 4), ("Disagree", 2), (dk, 1)])
    assert [o.label for o in g.options if o.dk] == [dk]
    assert g.kind == "ordinal"


def test_a_partly_used_scale_is_completed_and_misspellings_become_aliases():
    g = guess_scale([("Aagree", 6), ("Strongly agree", 4), ("Disgree", 1)])
    assert [o.label for o in g.valid] == ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
                                         "Strongly agree"]
    assert dict((o.label, o.aliases) for o in g.valid)["Agree"] == ("Aagree",)
    assert dict((o.label, o.aliases) for o in g.valid)["Disagree"] == ("Disgree",)


def test_an_answer_typed_into_an_other_box_is_not_made_an_option(tmp_path):
    path = tmp_path / "survey.csv"
    typed = "My manager at the Riverside office, who told me to say so"
    rows = [["department", "comments"]] + [["Finance", "fine"], ["Finance", "ok"], ["Legal", "no"], ["Legal", "yes"],
                                          ["Estates", "good"], ["Estates", "fine"], ["Finance", "meh"]] * 3 + [[typed, "x"]]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    result = draft_from_file(path)
    assert typed not in result.yaml
    assert "1 answer given by fewer than 5 respondents is not listed as an option" in result.yaml


def test_ids_are_unique_snake_case(sample_drafted):
    ids = [q.id for q in sample_drafted.questions] + [i.id for q in sample_drafted.questions for i in q.items]
    ids += [p.id for p in sample_drafted.profile] + [q.other_text for q in sample_drafted.questions if q.other_text]
    ids += [p.other_text for p in sample_drafted.profile if p.other_text]
    assert len(ids) == len({i.casefold() for i in ids})
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in ids), [i for i in ids if not re.fullmatch(r"[a-z][a-z0-9_]*", i)]


# -- every real export nobody here wrote: the draft loads and maps back onto its export -----------------

def _externals():
    if not EXTERNAL.is_dir():
        return []
    files = sorted(p for ext in ("csv", "xlsx", "sav") for p in EXTERNAL.glob(f"*/*.{ext}"))
    return [p.relative_to(EXTERNAL).as_posix() for p in files]


# Exports that hold no question surveykit can type (one numeric variable; only check boxes with the
# unselected ones left blank; only metadata): the draft says so instead of writing an empty file.
NOTHING_TO_DRAFT = {"spss/pyreadstat_hebrews.sav", "qualtrics/qtools_multiple_answer_mc_insights.csv",
                    "spss/pyreadstat_test_width_qualtrics.sav"}
NOT_AN_EXPORT = {"coded_datasets/napire2018_v_27_reasons_relationship_good_coded.csv",
                 "coded_datasets/napire2018_v_348_safety_coded.csv",
                 "unipark_efs/napire2018_codebook_project_400193.csv"}


@pytest.mark.parametrize("name", _externals())
def test_every_external_export_drafts_a_loadable_instrument_that_maps_back(external, name):
    from surveykit.errors import InputError, UsageError

    path = external / name
    if name in NOT_AN_EXPORT:
        with pytest.raises(InputError):
            read_export(path)
        return
    if name in NOTHING_TO_DRAFT:
        with pytest.raises(UsageError, match="no question could be drafted"):
            draft_from_file(path)
        return
    result = draft_from_file(path)
    inst = parse_instrument(yaml.safe_load(result.yaml), path=name)
    assert inst.questions
    cov = result.coverage
    assert cov.fits
    assert cov.questions_found >= 0.9 * cov.questions_total, (cov, [s.reason for s in result.skipped])


QSF_PAIRS = [("coded_datasets/gwusec_proctoring_qualtrics_responses.csv", "coded_datasets/gwusec_proctoring_survey.qsf"),
             ("qualtrics/qtools_many_question_types_insights.csv", "qualtrics/qtools_many_question_types.qsf"),
             ("qualtrics/qtools_coded_comments_survey_insights.csv", "qualtrics/qtools_coded_comments_survey.qsf")]


@pytest.mark.parametrize("export, qsf", QSF_PAIRS)
def test_a_qsf_gives_the_question_types(external, export, qsf):
    result = draft_from_file(external / export, qsf=external / qsf)
    inst = parse_instrument(yaml.safe_load(result.yaml), path="draft.yaml")
    doc = json.loads((external / qsf).read_text(encoding="utf-8-sig"))
    trashed = {b["QuestionID"] for el in doc["SurveyElements"] if el["Element"] == "BL"
               for blk in (el["Payload"].values() if isinstance(el["Payload"], dict) else el["Payload"])
               if blk.get("Type") == "Trash" for b in blk.get("BlockElements", []) if b.get("Type") == "Question"}
    payload = {el["Payload"]["DataExportTag"].casefold(): el["Payload"] for el in doc["SurveyElements"]
               if el["Element"] == "SQ" and el["Payload"]["QuestionID"] not in trashed}
    checked = 0
    for q in inst.questions:
        pl = payload.get(q.id)
        if pl is None:
            continue
        expected = {"TE": "text", "Matrix": "grid", "MC": "single"}.get(pl["QuestionType"])
        if expected:
            assert q.type == expected, q.id
            checked += 1
        if q.type == "single" and pl["QuestionType"] == "MC":
            choices = pl["Choices"]
            assert {o.label for o in q.scale.options} == {re.sub(r"<[^>]+>", " ", c["Display"]).strip()
                                                          for c in choices.values()} or q.scale.options, q.id
    assert checked >= min(3, len(payload))


def test_gwusec_qsf_draft_matches_the_survey_definition(external):
    """Question by question, against the .qsf read with json: matrices are grids with their rows,
    multiple-answer questions are left out and named at the top of the file."""
    result = draft_from_file(external / QSF_PAIRS[0][0], qsf=external / QSF_PAIRS[0][1])
    inst = result.instrument
    assert [i.label for i in inst.question("q33").items][:2] == ["Live proctor visible to the student",
                                                                 "Live proctor not visible to the student"]
    assert len(inst.question("q33").items) == 12 and len(inst.question("q34").items) == 11
    assert inst.question("q33").scale.is_ordinal
    assert [o.label for o in inst.question("q27").scale.valid_options] == [
        "Not at all concerned", "Slightly concerned", "Somewhat concerned", "Moderately concerned",
        "Extremely concerned"]
    assert not inst.has_question("q29")  # "Select all ..." (several answers): left out
    assert "Select all monitoring methods" in result.yaml.split("\nid:")[0]
    assert inst.profile_field("q2").kind == "category" and inst.groupings[0] == "q2"
    assert inst.profile_of_kind("completed").id == "finished"


def test_spss_value_labels_keep_their_codes(external):
    import pyreadstat

    path = external / "spss/discovering_statistics_SAQ.sav"
    _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
    result = draft_from_file(path)
    first = meta.column_names[0]
    q01 = result.instrument.column_owner(first)[0]
    labels = meta.variable_value_labels[first]
    valid = {o.code: o.label for o in q01.scale.valid_options}
    for value, label in labels.items():
        if value != 9:  # 9 "Not answered" is user-missing: the reader makes it blank
            assert valid[str(int(value))] == label
    assert q01.scale.is_ordinal
    # 1 = Strongly agree in this file: the headline share is the agreeing end, whatever the codes.
    assert {q01.scale.label_of(c) for c in q01.scale.top_box} == {labels[1.0], labels[2.0]}


def test_spss_multiple_response_set_becomes_a_grid_of_choices(external):
    import pyreadstat

    path = external / "spss/pyreadstat_simple_alltypes_mrsets.sav"
    _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
    mr = meta.mr_sets["mymrset"]
    inst = draft_from_file(path).instrument
    q = inst.question("mymrset")
    assert q.type == "grid" and [i.id for i in q.items] == mr["variable_list"]
    assert q.text == mr["label"]
    assert {o.label for o in q.scale.valid_options} == {"Selected", "Not selected"}


# -- a LimeSurvey structure file ----------------------------------------------------------------------

def test_limesurvey_structure_file_is_read(external):
    s = read_structure(external / "limesurvey/limonaid_survey_structure_one_multichoice_question.tsv")
    with open(external / "limesurvey/limonaid_survey_structure_one_multichoice_question.tsv", encoding="utf-8-sig",
              newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    title = next(r["text"] for r in rows if r["class"] == "SL" and r["name"] == "surveyls_title")
    q_rows = [r for r in rows if r["class"] == "Q"]
    assert s.title == title
    assert [q.code for q in s.questions] == [r["name"] for r in q_rows]
    assert s.questions[0].kind == "multiple"  # type M: multiple choice
    assert [i.label for i in s.questions[0].items] == [r["text"] for r in rows if r["class"] == "SQ"]


LS_STRUCTURE = [
    ["id", "related_id", "class", "type/scale", "name", "relevance", "text", "help", "language", "other"],
    ["", "", "S", "", "language", "", "en", "", "", ""],
    ["", "", "SL", "", "surveyls_title", "", "Staff survey", "", "en", ""],
    ["1", "", "G", "0", "Main", "", "", "", "en", ""],
    ["10", "", "Q", "L", "team", "1", "<p>Which team are you in?</p>", "", "en", "Y"],
    ["", "", "A", "0", "T1", "", "Finance", "", "en", ""],
    ["", "", "A", "0", "T2", "", "Legal", "", "en", ""],
    ["11", "", "Q", "F", "views", "1", "How far do you agree?", "", "en", "N"],
    ["", "", "SQ", "0", "SQ001", "", "Pay is fair", "", "en", ""],
    ["", "", "SQ", "0", "SQ002", "", "Work is varied", "", "en", ""],
    ["", "", "A", "0", "A1", "", "Strongly disagree", "", "en", ""],
    ["", "", "A", "0", "A2", "", "Disagree", "", "en", ""],
    ["", "", "A", "0", "A3", "", "Agree", "", "en", ""],
    ["", "", "A", "0", "A4", "", "Strongly agree", "", "en", ""],
    ["12", "", "Q", "T", "comments", "1", "Anything else?", "", "en", "N"],
]


def test_limesurvey_structure_gives_codes_types_and_options(tmp_path):
    structure = tmp_path / "survey_structure.txt"
    with open(structure, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter="\t").writerows(LS_STRUCTURE)
    export = tmp_path / "results-survey1.csv"
    head = ["Response ID", "Date submitted", "Last page", "Start language", "Seed", "Which team are you in?",
            "Which team are you in? [Other]", "How far do you agree? [Pay is fair]",
            "How far do you agree? [Work is varied]", "Anything else?"]
    body = [[str(i), "2024-01-01", "2", "en", "1", team, "", a, b, c] for i, (team, a, b, c) in enumerate([
        ("T1", "A1", "A3", "more staff"), ("T2", "A3", "A4", ""), ("T1", "A4", "A3", "quiet office please"),
        ("T2", "A2", "A2", ""), ("-oth-", "A3", "A1", "")], start=1)]
    body[4][6] = "Estates"
    with open(export, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([head] + body)
    result = draft_from_file(export, structure=structure)
    inst = result.instrument
    assert result.platform == "limesurvey"
    team = inst.profile_field("team")
    assert team.kind == "category" and team.other_text
    views = inst.question("views")
    assert views.type == "grid" and [i.label for i in views.items] == ["Pay is fair", "Work is varied"]
    assert views.scale.is_ordinal
    assert [o.label for o in views.scale.valid_options] == ["Strongly disagree", "Disagree", "Agree", "Strongly agree"]
    # LimeSurvey's answer codes (A1 ...) are not numbers: the scale is renumbered and they stay as aliases.
    assert all(o.aliases for o in views.scale.valid_options)
    assert inst.question("comments").type == "text"
    # Exported codes map: validate finds no unknown answers.
    from surveykit.clean import prepare

    responses = prepare(read_export(export), inst)
    assert [i.code for i in responses.issues if i.severity == "error"] == []
    assert responses.data["views_sq001"].tolist() == ["1", "3", "4", "2", "3"]


def test_draft_result_refuses_a_non_export():
    from surveykit.errors import UsageError

    with pytest.raises(UsageError, match="raw must be a RawExport|no columns"):
        draft_instrument("not an export")
