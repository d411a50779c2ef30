"""Each platform's layout, written by hand here the way that platform writes it, maps onto the
instrument and types the same answers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

SECTOR = "Which sector do you work in?"
Q1 = ("In your current role do you see any relationship between a trafficked child's nationality and the "
      "likelihood of them going missing / how long they go missing for / or if they are found or return after "
      "being missing?")
Q45 = ("On a scale from 1 (completely ineffective) to 5 (very effective) please rate the following as a measures "
       "to prevent trafficked young people going missing:")
Q14 = ("In your experience why do trafficked children go missing? Please rate the answers according to how often "
       "you feel they are factors in cases of children going missing and/or specify other reasons.")
ANSWERS = [("NGO", "Yes", "Very effective", "Often", "famille \u00e0 l'\u00e9tranger"),
           ("Police", "Don't know", "Ineffective", "Never", "")]
EXPECTED = {"sector": ["ngo", "criminal_justice"], "q1": ["1", "DK"], "q45_cctv": ["5", "2"],
            "q14_debt_bondage": ["3", "0"], "q14_other_text": ["famille \u00e0 l'\u00e9tranger", None]}


def _csv(rows, delimiter=",", quoting=csv.QUOTE_MINIMAL):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def _xlsx(path, rows, sheet):
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    book.save(path)


def limesurvey_rows():
    header = ["Response ID", "Date submitted", "Last page", "Start language", "Seed", SECTOR, Q1,
              f"{Q45} [CCTV on premises]", f"{Q14} [Debt bondage]", f"{Q14} [Other]"]
    body = [[str(i + 1), "2024-03-01 10:00:00", "9", "en", "123", s, q1, q45, q14, other]
            for i, (s, q1, q45, q14, other) in enumerate(ANSWERS)]
    return [header] + body


def google_rows(timestamp=str):
    header = ["Timestamp", SECTOR, Q1, f"{Q45} [CCTV on premises]", f"{Q14} [Debt bondage]",
              f"{Q14} [Other (please specify)]"]
    body = [[timestamp(dt.datetime(2024, 1, 18, 14, 18 + i, 5, 120000)), s, q1, q45, q14, other]
            for i, (s, q1, q45, q14, other) in enumerate(ANSWERS)]
    return [header] + body


def msforms_rows():
    header = ["Id", "Start time", "Completion time", "Email", "Name", SECTOR, Q1, f"{Q45} [CCTV on premises]",
              f"{Q14} [Debt bondage]", f"{Q14} [Other]"]
    body = [[str(i + 1), "9/1/2024 11:27", "9/1/2024 11:29", "anonymous", "", s, q1, q45, q14, other]
            for i, (s, q1, q45, q14, other) in enumerate(ANSWERS)]
    return [header] + body


def unipark_rows():
    texts = ["", "", "", SECTOR, Q1, Q45, Q14, Q14]
    shorts = ["number", "disposition code", "last page", "Sector", "Nationality", "CCTV on premises",
              "Debt bondage", "Other (please specify)"]
    names = ["lfdn", "dispcode", "lastpage", "v_1", "v_2", "v_3", "v_4", "v_5"]
    # Q45 has a single row here, so its short label is the statement: give the grid a second column.
    texts.insert(6, Q45)
    shorts.insert(6, "Secure accommodation")
    names.insert(6, "v_6")
    body = [[str(i + 1), "31", "9", s, q1, q45, "", q14, other] for i, (s, q1, q45, q14, other) in enumerate(ANSWERS)]
    return [texts, shorts, names] + body


def qualtrics_insights_rows():
    tags = ["ResponseID", "ResponseSet", "StartDate", "EndDate", "Finished", "Q1", "Q2", "Q3_6", "Q3_7", "Q4_4",
            "Q4_19_TEXT"]
    labels = ["ResponseID", "ResponseSet", "StartDate", "EndDate", "Finished", SECTOR, Q1,
              f"{Q45}-CCTV on premises", f"{Q45}-Keeping location of placement confidential",
              f"{Q14}-Debt bondage", f"{Q14}-Other-TEXT"]
    ids = [f"{{'ImportId': '{x}'}}" for x in ("responseId", "responseSetId", "startDate", "endDate", "finished",
                                               "QID1", "QID2", "QID3-6", "QID3-7", "QID4-4", "QID4-19-TEXT")]
    body = [[f"R_{i}abcdefghijklmn", "Default Response Set", "2016-10-06 10:00:00", "2016-10-06 10:09:00", "1",
             s, q1, q45, "", q14, other] for i, (s, q1, q45, q14, other) in enumerate(ANSWERS)]
    return [tags, labels, ids] + body


def _write(tmp_path, kind):
    if kind == "limesurvey_csv":
        p = tmp_path / "survey_1_R_data_file.csv"
        p.write_bytes(b"\xef\xbb\xbf" + _csv(limesurvey_rows(), quoting=csv.QUOTE_ALL).encode() + b"\r\n")
    elif kind == "limesurvey_xlsx":
        p = tmp_path / "results-survey1.xlsx"
        _xlsx(p, limesurvey_rows(), "results-survey1")
    elif kind == "google_csv":
        p = tmp_path / "form.csv"
        p.write_text(_csv(google_rows(lambda t: t.strftime("%m/%d/%Y %H:%M"))), encoding="utf-8")
    elif kind == "google_sheets":
        p = tmp_path / "Survey (Responses).xlsx"
        _xlsx(p, google_rows(lambda t: t), "Form Responses 1")
    elif kind == "msforms_xlsx":
        p = tmp_path / "Survey(1-2).xlsx"
        _xlsx(p, msforms_rows(), "Sheet1")
    elif kind == "msforms_csv":
        p = tmp_path / "msforms.csv"
        p.write_bytes(_csv(msforms_rows()).encode("cp1252"))
    elif kind == "unipark":
        p = tmp_path / "data_project_1.csv"
        p.write_bytes(_csv(unipark_rows(), delimiter=";").encode("mac_roman"))
    elif kind == "qualtrics_insights":
        p = tmp_path / "insights.csv"
        p.write_text(_csv(qualtrics_insights_rows()), encoding="utf-8")
    elif kind == "qualtrics_xlsx":
        p = tmp_path / "qualtrics.xlsx"
        _xlsx(p, qualtrics_insights_rows(), "Sheet0")
    return p


PLATFORMS = {"limesurvey_csv": "limesurvey", "limesurvey_xlsx": "limesurvey", "google_csv": "google_forms",
             "google_sheets": "google_forms", "msforms_xlsx": "microsoft_forms", "msforms_csv": "microsoft_forms",
             "unipark": "unipark", "qualtrics_insights": "qualtrics", "qualtrics_xlsx": "qualtrics"}


@pytest.mark.parametrize("kind", sorted(PLATFORMS))
def test_platform_layout_maps_onto_the_instrument(tmp_path, kind):
    from surveykit.pipeline import load_responses

    path = _write(tmp_path, kind)
    responses = load_responses(path)
    assert responses.source.platform == PLATFORMS[kind]
    for column, values in EXPECTED.items():
        assert responses.data[column].tolist() == values, (kind, column)
    errors = [i for i in responses.issues if i.severity == "error"]
    assert errors == [], errors


@pytest.mark.parametrize("kind", ["limesurvey_csv", "google_sheets", "msforms_csv", "unipark"])
def test_platform_detected_through_cli(cli, tmp_path, kind):
    path = _write(tmp_path, kind)
    result = cli("inspect", path, "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["platform"] == PLATFORMS[kind] and report["respondents"] == 2
    assert {"sector", "q1", "q45", "q14"} <= set(report["instrument_questions_found"]) | {"sector"}
    if kind == "msforms_csv":
        assert report["encoding"] == "windows-1252"
    if kind == "unipark":
        assert report["encoding"] == "mac-roman" and report["header_rows"] == 3


def test_unipark_missing_codes_are_blank(tmp_path):
    from surveykit.pipeline import load_responses

    rows = unipark_rows()
    rows[4][4] = "-99"  # second respondent did not answer q1
    rows[3][5] = "-77"  # first respondent was not shown the CCTV row
    path = tmp_path / "data_project_2.csv"
    path.write_bytes(_csv(rows, delimiter=";").encode("mac_roman"))
    responses = load_responses(path)
    assert responses.data["q1"].tolist() == ["1", None]
    assert responses.data["q45_cctv"].tolist() == [None, "2"]
    assert not [i for i in responses.issues if i.severity == "error"]
    assert any("2 EFS missing code(s)" in n for n in responses.source.notes)
