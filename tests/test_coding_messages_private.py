"""Error messages of the coding commands never quote a free-text answer (or a value that could be
one): an unknown code, an unknown id, a duplicated id or a header-less file's first row is named
only when it looks like an id; otherwise the message gives the column, the count and the rows.

Every bad value below holds the marker SECRETANSWER, which must appear on neither stream."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import CODEBOOKS, SAMPLE_SURVEY
from surveykit.cli.qda_common import check_codes, check_respondents
from surveykit.coding.codebook import load_codebook
from surveykit.coding.evaluate import check_gold_codes, evaluate_coded
from surveykit.coding.training import training_table
from surveykit.errors import InputError
from surveykit.io.coded import read_coded
from surveykit.io.gold import read_codings, read_gold

MARK = "SECRETANSWER"
FREE = f"{MARK} she told me her uncle Mr Patel takes her"
CODEBOOK = CODEBOOKS / "missing_reasons.yaml"
LONG_HEADER = "respondent_id,question_id,code_id,coder\n"


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def private_line(r, *fragments):
    """The CLI failed with one useful line on stderr that does not hold the marker."""
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert MARK not in r.stderr and MARK not in r.stdout and "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def private_error(excinfo, *fragments):
    text = str(excinfo.value)
    assert MARK not in text and "\n" not in text
    for fragment in fragments:
        assert fragment in text, text
    return text


# -- the helper ---------------------------------------------------------------------------------

def test_named_values_quotes_only_id_like_values_and_gives_rows():
    from surveykit.io.gold import named_values

    text = named_values(["curfw", FREE, "Jones"], {"curfw": [4], FREE: [3, 9], "Jones": [7]}, what="a code id")
    assert text == "'curfw' (row 4) and 2 more not shown, as they do not look like a code id (rows 3, 7, 9)"
    assert named_values([FREE]) == "1 not shown, as it does not look like an id"
    many = named_values([f"x{i}" for i in range(8)])
    assert many.startswith("'x0', 'x1'") and many.endswith("and 3 more")


# -- 1. unknown codes in a coded file (agree, code train --codebook, code review --coded) ---------

@pytest.fixture
def coder_files(tmp_path):
    a = write(tmp_path / "a.csv", LONG_HEADER + "r000,q7,not_identified,alice\nr001,q7,not_believed,alice\n")
    c = write(tmp_path / "c.csv", LONG_HEADER + f'r000,q7,not_identified,carol\nr001,q7,"{FREE}",carol\n'
                                               "r002,q7,curfw,carol\n")
    return a, c


def test_check_codes_library(coder_files):
    _, c = coder_files
    codes = list(load_codebook(CODEBOOK).code_ids)
    with pytest.raises(InputError) as e:
        check_codes(read_coded(c).frame, codes, path=str(c))
    # the typo looks like a code id and is quoted; the free text is only counted, with its row
    private_error(e, "code_id has 2 code(s) not in the codebook", "'curfw' (row 4)", "1 more not shown", "(row 3)",
                  "not_identified")


def test_check_codes_agree_cli(cli, coder_files):
    a, c = coder_files
    private_line(cli("agree", a, c, "--codebook", CODEBOOK), "c.csv", "code_id has 2 code(s) not in the codebook",
                 "(row 3)", "'curfw' (row 4)")


def test_check_codes_wide_layout_rows(cli, tmp_path):
    a = write(tmp_path / "a.csv", "ResponseId,answer,Code 1,Code 2\nr1,x,not_identified,\nr2,y,not_believed,\n")
    b = write(tmp_path / "b.csv", f'ResponseId,answer,Code 1,Code 2\nr1,x,not_identified,\nr2,y,not_believed,"{FREE}"\n')
    private_line(cli("agree", a, b, "--codebook", CODEBOOK), "code_id has 1 code(s)", "(row 3)")


def test_check_codes_code_train_cli(cli, tmp_path, coder_files):
    _, c = coder_files
    answers = write(tmp_path / "ans.csv", "respondent_id,text\nr000,one\nr001,two\nr002,three\n")
    private_line(cli("code", "train", c, "--survey", answers, "--text-column", "text", "--question", "q7",
                     "--codebook", CODEBOOK, "--out", tmp_path / "m"), "code_id has 2 code(s)", "(row 3)")
    assert not (tmp_path / "m").exists()


def test_check_codes_code_review_cli(cli, tmp_path):
    if not SAMPLE_SURVEY.exists():
        pytest.skip("sample survey not generated")
    c = write(tmp_path / "c.csv", LONG_HEADER + f'r1,q7,"{FREE}",a\n')
    private_line(cli("code", "review", SAMPLE_SURVEY, "--question", "q7", "--coded", c),
                 "code_id has 1 code(s) not in the codebook", "(row 2)")


# -- 2. unknown respondents against the survey (agree --survey) --------------------------------

def test_check_respondents_library(tmp_path):
    c = write(tmp_path / "c.csv", LONG_HEADER + f'r1,q7,x,c\n"{FREE}",q7,x,c\nGHOST_ID,q7,x,c\nr9,q7,x,c\n')
    with pytest.raises(InputError) as e:
        check_respondents(read_coded(c).frame, {"r1"}, path=str(c))
    private_error(e, "respondent_id has 3 id(s) not in the survey", "'r9' (row 5)", "2 more not shown", "(rows 3, 4)")


def test_check_respondents_agree_cli(cli, tmp_path):
    if not SAMPLE_SURVEY.exists():
        pytest.skip("sample survey not generated")
    real = pd.read_csv(SAMPLE_SURVEY, dtype=str, keep_default_na=False).iloc[1:, 0].tolist()[:2]
    a = write(tmp_path / "a.csv", LONG_HEADER + "".join(f"{r},q7,x,a\n" for r in real))
    b = write(tmp_path / "b.csv", LONG_HEADER + "".join(f"{r},q7,x,b\n" for r in real) + f'"{FREE}",q7,x,b\n')
    private_line(cli("agree", a, b, "--survey", SAMPLE_SURVEY), "b.csv", "respondent_id has 1 id(s) not in the survey",
                 "(row 4)")


# -- 3. unknown respondents when training ------------------------------------------------------

def test_training_table_library():
    answers = pd.DataFrame({"respondent_id": ["s1"], "text": ["an answer"]}, dtype=object)
    coded = pd.DataFrame({"respondent_id": [FREE, "s1", "s7"], "code_id": ["c1", "c1", "c1"]}, dtype=object)
    with pytest.raises(InputError) as e:
        training_table(answers, coded)
    private_error(e, "respondent_id", "2 id(s) not in the survey", "'s7'", "1 more not shown")


def test_training_table_code_train_cli(cli, tmp_path):
    coded = write(tmp_path / "coded.csv", LONG_HEADER + f'"{FREE}",text,debt_bondage,alice\ns1,text,debt_bondage,alice\n')
    answers = write(tmp_path / "ans.csv", "respondent_id,text\ns1,Mr Jones owed a debt\ns2,she was not believed\n")
    private_line(cli("code", "train", coded, "--survey", answers, "--text-column", "text", "--question", "text",
                     "--out", tmp_path / "m"), "respondent_id", "1 id(s) not in the survey")


# -- 4. code evaluate --coded: unknown ids and codes -------------------------------------------

@pytest.fixture
def gold(tmp_path):
    return write(tmp_path / "gold.csv", "id,text,codes\ng1,an answer,not_identified\ng2,another,\n")


def test_evaluate_coded_unknown_ids(cli, tmp_path, gold):
    coded = write(tmp_path / "second.csv", f'id,codes\ng1,not_identified\n"{FREE}",not_believed\n')
    with pytest.raises(InputError) as e:
        evaluate_coded(read_gold(gold), load_codebook(CODEBOOK), read_codings(coded))
    private_error(e, "second.csv", "1 id(s) not in the gold set", "(row 3)")
    with pytest.raises(InputError) as e:  # a plain dict (no rows) is still not quoted
        evaluate_coded(read_gold(gold), load_codebook(CODEBOOK), {FREE: ("not_believed",)})
    private_error(e, "1 id(s) not in the gold set")
    private_line(cli("code", "evaluate", gold, "--coded", coded), "1 id(s) not in the gold set", "(row 3)")


def test_evaluate_coded_unknown_codes(cli, tmp_path, gold):
    coded = write(tmp_path / "second.csv", f'id,codes\ng1,"not_identified;{FREE}"\ng2,made_up\n')
    with pytest.raises(InputError) as e:
        evaluate_coded(read_gold(gold), load_codebook(CODEBOOK), read_codings(coded))
    private_error(e, "2 code id(s)", "'made_up' (row 3)", "1 more not shown", "(row 2)", "not_identified")
    private_line(cli("code", "evaluate", gold, "--coded", coded), "second.csv", "2 code id(s)", "(row 2)")
    long = write(tmp_path / "long.csv", LONG_HEADER + f'g1,q7,not_identified,x\ng2,q7,"{FREE}",x\n')
    private_line(cli("code", "evaluate", gold, "--coded", long), "long.csv", "1 code id(s)", "(row 3)")


# -- 5. unknown codes in the gold file ---------------------------------------------------------

def test_gold_codes(cli, tmp_path):
    gold = write(tmp_path / "gold.csv", f'id,text,codes\ng1,"she went with a man","{FREE}"\ng2,another,\n'
                                        "g3,more,made_up_code\n")
    with pytest.raises(InputError) as e:
        check_gold_codes(read_gold(gold), load_codebook(CODEBOOK))
    private_error(e, "codes column has 2 code id(s)", "'made_up_code' (row 4)", "1 more not shown", "(row 2)")
    private_line(cli("code", "evaluate", gold), "gold.csv", "codes column has 2 code id(s)", "(row 2)")


# -- 6. duplicated ids, empty texts ------------------------------------------------------------

@pytest.mark.parametrize("content, fragments", [
    (f'id,text,codes\n"{FREE}",she went,\n"{FREE}",she went again,\n', ("the id is used twice", "rows 2 and 3")),
    ('id,text,codes\ng1,one,\ng1,two,\n', ("id 'g1' is used twice", "rows 2 and 3")),  # an id-like id is named
    (f'id,text,codes\n"{FREE}", ,\n', ("the text of the id is empty", "row 2")),
])
def test_read_gold_duplicates_and_empty_texts(cli, tmp_path, content, fragments):
    gold = write(tmp_path / "gold.csv", content)
    with pytest.raises(InputError) as e:
        read_gold(gold)
    private_error(e, *fragments)
    private_line(cli("code", "evaluate", gold), *fragments)


def test_read_codings_duplicate_id(cli, tmp_path, gold):
    coded = write(tmp_path / "second.csv", f'id,codes\n"{FREE}",not_identified\n"{FREE}",\n')
    with pytest.raises(InputError) as e:
        read_codings(coded)
    private_error(e, "the id is used twice", "rows 2 and 3")
    private_line(cli("code", "evaluate", gold, "--coded", coded), "the id is used twice", "rows 2 and 3")


# -- 7. files without a header row -------------------------------------------------------------

def test_gold_without_header(cli, tmp_path):
    gold = write(tmp_path / "gold.csv", f'g1,"{FREE}",not_identified\ng2,another,\n')
    with pytest.raises(InputError) as e:
        read_gold(gold)
    private_error(e, "not a gold file", "id, text, codes", "1 cell(s) not shown")
    private_line(cli("code", "evaluate", gold), "not a gold file", "the first row must be the header")


def test_codings_without_header(cli, tmp_path, gold):
    coded = write(tmp_path / "second.csv", f'g1,"{FREE}"\n')
    with pytest.raises(InputError) as e:
        read_codings(coded)
    private_error(e, "not a coded file", "respondent_id, code_id", "1 cell(s) not shown")
    coded_name = write(tmp_path / "third.csv", f'"{FREE}","{FREE} again"\n')  # no id-like cell at all
    with pytest.raises(InputError) as e:
        read_codings(coded_name)
    private_error(e, "its 2 cell(s) are not shown")
    private_line(cli("code", "evaluate", gold, "--coded", coded), "second.csv", "not a coded file")
