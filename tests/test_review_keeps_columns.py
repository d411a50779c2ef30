"""code review saves into the coded file it is given: nothing of that file may be lost (a coder's own
column, the rules' evidence), and a layout it cannot write back is refused before any work."""

from __future__ import annotations

import csv

import pandas as pd

ANSWERS = "respondent_id,answer\nR1,They do not trust the police\nR2,Went back to the traffickers\n"


def _rows(path):
    return list(csv.DictReader(path.open(encoding="utf-8", newline="")))


def test_review_keeps_a_coders_own_column(cli, tmp_path):
    (tmp_path / "ans.csv").write_text(ANSWERS, encoding="utf-8")
    coded = tmp_path / "alice.csv"
    coded.write_text("respondent_id,question_id,code_id,coder,my_comment\n"
                     "R1,answer,lack_of_trust,ann,check this one\n", encoding="utf-8")
    r = cli("code", "review", tmp_path / "ans.csv", "--text-column", "answer", "--coded", coded, "--coder", "ann",
            input="a\nq\n")
    assert r.returncode == 0, r.stderr
    rows = _rows(coded)
    assert {row["respondent_id"] for row in rows} == {"R1", "R2"}  # the review saved a decision
    assert next(row for row in rows if row["respondent_id"] == "R1")["my_comment"] == "check this one"
    assert next(row for row in rows if row["respondent_id"] == "R2")["my_comment"] == ""


def test_review_keeps_the_rules_evidence(tmp_path):
    from surveykit.io.coded_write import save_reviewed

    coded = tmp_path / "codes.csv"
    coded.write_text("respondent_id,question_id,code_id,start,end,matched,coder,via\n"
                     "R1,answer,lack_of_trust,12,28,trust the police,rules,\n"
                     "R1,answer,lack_of_trust,40,52,no trust,rules,\n", encoding="utf-8")
    frame = pd.DataFrame({"respondent_id": ["R1", "R1", "R2"], "question_id": ["answer"] * 3,
                          "code_id": ["lack_of_trust", "lack_of_trust", "isolation"],
                          "coder": ["rules", "rules", "ann"], "start": [12, 40, None], "end": [28, 52, None]})
    save_reviewed(coded, frame, extra=("start", "end"))
    rows = _rows(coded)
    assert [row["matched"] for row in rows] == ["trust the police", "no trust", ""]


def test_review_refuses_a_wide_or_workbook_coded_file(cli, tmp_path):
    (tmp_path / "ans.csv").write_text(ANSWERS, encoding="utf-8")
    wide = tmp_path / "wide.csv"
    wide.write_text("ResponseId,What made them go missing?,Code 1\nR1,They do not trust the police,lack_of_trust\n",
                    encoding="utf-8")
    before = wide.read_bytes()
    r = cli("code", "review", tmp_path / "ans.csv", "--text-column", "answer", "--coded", wide, input="a\nq\n")
    assert r.returncode == 2 and "wide layout" in r.stderr and wide.read_bytes() == before
    book = tmp_path / "coded.xlsx"
    pd.DataFrame({"respondent_id": ["R1"], "question_id": ["answer"], "code_id": ["lack_of_trust"],
                  "coder": ["ann"]}).to_excel(book, index=False)
    before = book.read_bytes()
    r = cli("code", "review", tmp_path / "ans.csv", "--text-column", "answer", "--coded", book, input="a\nq\n")
    assert r.returncode == 2 and ".csv" in r.stderr and book.read_bytes() == before
