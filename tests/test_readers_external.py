"""Every real export in ../shared/fixtures/external is read through the CLI (``inspect --format json``)
with the respondent count and a known answer checked; values were taken from the files with our own
scripts. The refi_qda/ projects and the coded-answer CSVs belong to the coding tests.

Known answers are value counts of closed questions only (inspect never shows free text)."""

from __future__ import annotations

import json

import pytest

# path -> (platform, encoding or None, respondents, header_rows, column index, exact value summary)
EXPECTED = {
    "coded_datasets/gwusec_proctoring_qualtrics_responses.csv":
        ("qualtrics", "utf-8", 125, 2, 7, "Yes (125)"),
    "coded_datasets/gwusec_proctoring_coding_worksheet_Q3_Q5.xlsx":
        ("tidy", "xlsx", 126, 1, None, None),
    "google_forms/uvads_hotdog_fa25_google_sheets_responses.xlsx":
        ("google_forms", "xlsx", 207, 1, 2, "No (150); Yes (57)"),
    "google_forms/uvads_hotdog_sp24_google_forms.csv":
        ("google_forms", "utf-8", 91, 1, 1, "No (61); Yes (30)"),
    "likert_freetext/carpentries_2020-12_longterm_answer_key.csv":
        ("tidy", "utf-8", 84, 1, None, None),
    "likert_freetext/carpentries_2020-12_longterm_other_questions.csv":
        ("tidy", "utf-8", 87, 1, 0, "1 (80); 0 (7)"),
    "limesurvey/analisi_lime_survey_results-survey458916_it.xlsx":
        ("limesurvey", "xlsx", 7, 1, 10, "femmina (7)"),
    "limesurvey/limonaid_survey_100001_R_data_file.csv":
        ("limesurvey", "utf-8-sig", 3, 1, 2, "60 (2)"),
    "limesurvey/limonaid_survey_998192_R_data_file.csv":
        ("limesurvey", "utf-8-sig", 7, 1, 8, "yes (5); no (1)"),
    "limesurvey/limonaid_survey_structure_one_multichoice_question.tsv":
        ("tidy", "utf-8", 72, 1, 2, "S (46); SL (22); SQ (2); G (1); Q (1)"),
    "msforms/uvads_hotdog_fa24_msforms_as_csv.csv":
        ("microsoft_forms", "windows-1252", 187, 1, 5, "No (126); Yes (61)"),
    "other/qualcoder_survey456_import_example.csv":
        ("tidy", "utf-8", 3, 1, 2, "m (2); f (1)"),
    "other/qualcoder_survey789_import_example.xlsx":
        ("tidy", "xlsx", 3, 1, 2, "f (2); m (1)"),
    "qualtrics/projoint_mummolo_nall_choice_text_first40.csv":
        ("qualtrics", "utf-8", 40, 3, 12, "Woman (28); Man (11)"),
    "qualtrics/qtools_Q5_coded_comments.xlsx":
        ("tidy", "xlsx", 5, 1, 1, "q5_position (5)"),
    "qualtrics/qtools_coded_comments_survey_insights.csv":
        ("qualtrics", "utf-8", 10, 3, 11, "1 (4); 5 (4); 6 (2)"),
    "qualtrics/qtools_many_question_types_insights.csv":
        ("qualtrics", "utf-8", 5, 3, 11, "2 (2); 3 (2); 1 (1)"),
    "qualtrics/qtools_multiple_answer_mc_insights.csv":
        ("qualtrics", "utf-8", 5, 3, 13, "1 (5)"),
    "qualtrics/qtools_no_basis_for_evaluation_insights.csv":
        ("qualtrics", "utf-8", 15, 3, 11, "3 (7); 1 (3); 2 (3); -1 (2)"),
    "qualtrics/qtools_no_basis_for_evaluation_legacy_bom.csv":
        ("qualtrics", "utf-8-sig", 15, 2, 10, "3 (7); 1 (3); 2 (3); -1 (2)"),
    "qualtrics/qtools_single_answer_matrix_insights.csv":
        ("qualtrics", "utf-8", 5, 3, 13, "1 (2); 2 (1); 3 (1); 4 (1)"),
    "qualtrics/qtools_text_entry_components_insights.csv":
        ("qualtrics", "utf-8", 15, 3, 11, "1 (6); 2 (6); 3 (3)"),
    "qualtrics/qualtrics_sample_german.csv":
        ("qualtrics", "utf-8", 1, 3, 17, "2 (1)"),
    "qualtrics/qualtrics_sample_legacy_bom.csv":
        ("qualtrics", "utf-8-sig", 1, 2, 10, "2 (1)"),
    "spss/bnes_radicalbeliefs_subset.sav":
        ("spss", "UTF-8", 1649, 0, 2, "Man (896); Woman (753)"),
    "spss/discovering_statistics_SAQ.sav":
        ("spss", "UTF-8", 2571, 0, 0, "Agree (1338); Neither (735); Strongly agree (270); Disagree (187); "
                                      "Strongly disagree (41)"),
    "spss/pyreadstat_hebrews.sav":
        ("spss", "UTF-8", 99, 0, None, None),
    "spss/pyreadstat_sample_missing.sav":
        ("spss", "windows-1252", 7, 0, 5, "low (3); high (1); medium (1)"),
    "spss/pyreadstat_simple_alltypes_mrsets.sav":
        ("spss", "windows-1252", 6, 0, 0, "4 (1); 9 (1); blue (1); green (1); red (1)"),
    "spss/pyreadstat_test_width_qualtrics.sav":
        ("spss", "UTF-8", 5, 0, 3, "True (5)"),
    "surveymonkey/churcharmy_monkeyreadr_collector_list.csv":
        ("tidy", "utf-8", 5, 1, None, None),
    "surveymonkey/churcharmy_monkeyreadr_test-responses.csv":
        ("surveymonkey", "utf-8", 16, 2, 11, "Agree (11); Disgree (2); Strongly disagree (2); Strongly agree (1)"),
    "surveymonkey/rizwanafahim_surveymonkey_output_edited.xlsx":
        ("surveymonkey", "xlsx", 198, 2, 9, "Staff (116); Manager (46); Department Lead (28); Chief / Executive (6)"),
    # Mac Roman with UTF-8 mojibake: "Português" only reads right once the mojibake is repaired.
    "unipark_efs/napire2018_data_project_400193_first30.csv":
        ("unipark", "mac-roman", 30, 3, 7, "English (27); Portugu\u00eas (2); Espa\u00f1ol (1)"),
}
# Survey definitions, not responses: read alongside their exports (see test_qsf_* below) or refused clearly.
DEFINITIONS = {
    "coded_datasets/gwusec_proctoring_survey.qsf", "qualtrics/qtools_coded_comments_survey.qsf",
    "qualtrics/qtools_many_question_types.qsf", "unipark_efs/napire2018_codebook_project_400193.csv",
}


def _is_ours(rel: str) -> bool:
    if rel.startswith("refi_qda/") or rel == "SOURCES.md":
        return False
    return not (rel.startswith("coded_datasets/") and "coded" in rel.rsplit("/", 1)[-1] and rel.endswith(".csv"))


def test_every_external_export_is_listed(external):
    found = {p.relative_to(external).as_posix() for p in external.rglob("*") if p.is_file()}
    ours = {rel for rel in found if _is_ours(rel)}
    assert ours == set(EXPECTED) | DEFINITIONS, "a new fixture needs an entry in EXPECTED or DEFINITIONS"


@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_external_export_is_read(cli, external, rel):
    platform, encoding, respondents, header_rows, index, values = EXPECTED[rel]
    result = cli("inspect", external / rel, "--format", "json", "--no-suppress")  # every value, to check the reading
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["platform"] == platform
    assert report["encoding"] == encoding
    assert report["respondents"] == respondents
    assert report["header_rows"] == header_rows
    if index is not None:
        assert report["columns"][index]["values"] == values


def test_known_answers_without_closed_columns(external):
    """Files whose answers are all free text: a known cell checked through the library."""
    from surveykit.io import read_export

    worksheet = read_export(external / "coded_datasets/gwusec_proctoring_coding_worksheet_Q3_Q5.xlsx")
    assert worksheet.meta["sheet"] == "All Responses"
    assert [c.header for c in worksheet.columns] == ["ResponseId", "Q3", "Q5"]
    # 125 educators (as in the responses export) plus one row that repeats a header.
    assert sum(1 for r in worksheet.rows if r[0].startswith("R_")) == 125
    key = read_export(external / "likert_freetext/carpentries_2020-12_longterm_answer_key.csv")
    assert key.rows[0] == ("occupation", "Administrative Staff", "admin")
    hebrew = read_export(external / "spss/pyreadstat_hebrews.sav")
    assert [c.header for c in hebrew.columns] == ["\u05d5\u05ea\u05e7_\u05d1"]
    assert sum(1 for r in hebrew.rows if r[0] == "0") >= 1
    collectors = read_export(external / "surveymonkey/churcharmy_monkeyreadr_collector_list.csv")
    assert [c.header for c in collectors.columns] == ["CollectorID", "Title", "Date Created"]
    assert [r[0] for r in collectors.rows] == ["414754141", "414754221", "414754230", "414754235", "414754250"]


def test_unipark_codebook_is_refused_with_a_clear_reason(cli, external):
    result = cli("inspect", external / "unipark_efs/napire2018_codebook_project_400193.csv")
    assert result.returncode == 2
    assert "codebook" in result.stderr and "not a response export" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("export,qsf,index,values", [
    # Numeric recodes become choice text once the .qsf is known.
    ("qualtrics/qtools_many_question_types_insights.csv", "qualtrics/qtools_many_question_types.qsf", 11,
     "Blueberries (2); Strawberries (2); Oranges (1)"),
    ("qualtrics/qtools_coded_comments_survey_insights.csv", "qualtrics/qtools_coded_comments_survey.qsf", 11,
     "Click to write Choice 1 (4); Other, please specify: (4); None of the above, explain why: (2)"),
    # A two-row export (ImportId row removed): columns found through their export tags.
    ("coded_datasets/gwusec_proctoring_qualtrics_responses.csv", "coded_datasets/gwusec_proctoring_survey.qsf", 7,
     "Yes (125)"),
])
def test_qsf_describes_qualtrics_columns(cli, external, export, qsf, index, values):
    result = cli("inspect", external / export, "--qsf", external / qsf, "--format", "json", "--no-suppress")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["columns"][index]["values"] == values
    assert any("survey definition" in n for n in report["notes"])


def test_legacy_and_insights_headers_agree(external):
    """The same survey exported in two header generations gives the same questions and answers."""
    from surveykit.io import read_export

    legacy = read_export(external / "qualtrics/qtools_no_basis_for_evaluation_legacy_bom.csv")
    insights = read_export(external / "qualtrics/qtools_no_basis_for_evaluation_insights.csv")
    assert legacy.meta["generation"] == "legacy" and insights.meta["generation"] == "insights"

    def by_tag(raw):
        return {c.extra[0]: (c.header, c.subheader, sorted(r[c.index] for r in raw.rows))
                for c in raw.columns if c.extra[0].startswith("Q")}

    lt, it = by_tag(legacy), by_tag(insights)
    shared = sorted(set(lt) & set(it))
    assert len(shared) == 24  # every question column (Q1 .. Q5_5_-2); the rest is metadata
    for tag in shared:
        assert lt[tag] == it[tag], tag
    # Side-by-side and text-entry layouts of the many-types survey.
    many = read_export(external / "qualtrics/qtools_many_question_types_insights.csv")
    tags = {c.extra[0]: c for c in many.columns}
    assert "Q4#1_1" in tags and tags["Q4#1_1"].header.startswith("This is a side-by-side question")
    assert tags["Q11#1_1_1_TEXT"].subheader == "Other (please specify)"


def test_projoint_question_text_with_newlines_and_tabs(external):
    from surveykit.io import read_export

    raw = read_export(external / "qualtrics/projoint_mummolo_nall_choice_text_first40.csv")
    assert raw.meta["generation"] == "current"
    assert all("\n" not in c.header and "\t" not in c.header for c in raw.columns)
    assert len(raw.columns) == 218


def test_spss_missing_values_and_mr_sets(external):
    from surveykit.io import read_export

    mr = read_export(external / "spss/pyreadstat_simple_alltypes_mrsets.sav")
    assert mr.meta["mr_sets"]["mymrset"]["variables"] == ["bool1", "bool2", "bool3"]
    assert any(n.startswith("multiple-response set mymrset (dichotomy)") for n in mr.notes)
    # z declares -999..0 and 999 missing: only the two values outside those stay.
    z = [r[2] for r in mr.rows]
    assert sorted(v for v in z if v) == ["1.234", "3.14159"]
    missing = read_export(external / "spss/pyreadstat_sample_missing.sav")
    # mynum declares 2000..3000 and -1 missing (became blank); the others keep their value.
    assert [r[1] for r in missing.rows][:5] == ["1.1", "1.2", "-1000.3", "-1.4", "1000.3"]
    assert "NaT" not in {c for r in missing.rows for c in r}
