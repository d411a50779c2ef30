"""Nothing of the user's is lost by ``code review``, ``code train`` or the coded-file reader:

* review never rewrites one of its own inputs (``--coded`` the answers file, the codebook ...);
* review keeps every column and every row it did not decide on, whatever the file's header spelling,
  delimiter or encoding, and each other coder's rows with their own coder;
* ``code train --out`` refuses a model folder the user edited (``--force`` replaces it);
* a coded file's messages quote no cell that could be an answer.
"""

from __future__ import annotations

import random

import pandas as pd
import pytest

ANSWERS = ("respondent_id,text,role_notes\n"
           "p1,SECRETANSWER they go back to the traffickers because they owe a debt,SECRETCONTEXT Mr Jones\n"
           "p2,SECRETANSWER nobody believed her story,context two\n"
           "p3,no idea,\n")


def _answers(tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text(ANSWERS, encoding="utf-8")
    return path


def _review(cli, tmp_path, coded, keys="a\nq\n", *extra):
    return cli("code", "review", _answers(tmp_path), "--text-column", "text", "--coded", coded, "--coder", "bob",
               *extra, input=keys)


def _lines(path, encoding="utf-8"):
    return path.read_bytes().decode(encoding).splitlines()


# -- 1. the coded file is never one of the review's inputs ------------------------------------------

def test_review_refuses_coded_that_is_its_answers_file(cli, tmp_path):
    both = tmp_path / "both.csv"
    data = (b"respondent_id,question_id,code_id,coder,text\n"
            b"p1,q7,debt_bondage,alice,SECRETANSWER they owe a debt to the traffickers\n"
            b"p2,q7,,alice,SECRETANSWER nobody believed her story\n")
    both.write_bytes(data)
    r = cli("code", "review", both, "--text-column", "text", "--coded", both, "--coder", "bob", input="a\nq\n")
    assert r.returncode == 2, r.stderr
    assert "--coded is an input file" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "SECRETANSWER" not in r.stderr + r.stdout
    assert both.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["both.csv"]  # no journal either


def test_review_refuses_coded_that_is_an_input_by_another_name(cli, tmp_path):
    answers = tmp_path / "answers.csv"
    answers.write_text("respondent_id,question_id,code_id,coder,text\np1,text,,alice,SECRETANSWER nobody came\n")
    alias = tmp_path / "alias.csv"
    alias.symlink_to(answers)
    before = answers.read_bytes()
    r = cli("code", "review", answers, "--text-column", "text", "--coded", alias, "--coder", "bob", input="a\nq\n")
    assert r.returncode == 2 and "--coded is an input file" in r.stderr
    assert answers.read_bytes() == before
    # the codebook too
    cb = tmp_path / "cb.csv"
    cb.write_text("id: small\n")
    r = _review(cli, tmp_path, cb, "a\nq\n", "--codebook", cb)
    assert r.returncode == 2 and "--coded is an input file" in r.stderr and cb.read_text() == "id: small\n"
    assert not (tmp_path / "alias.journal.jsonl").exists() and not (tmp_path / "cb.journal.jsonl").exists()


# -- 2. every column and row the review did not decide on is kept -----------------------------------

def test_review_keeps_a_column_whatever_the_case_of_the_header(cli, tmp_path):
    coded = tmp_path / "coded.csv"
    coded.write_bytes(b"Respondent_ID,Question_ID,Code_ID,Coder,Comment\n"
                      b"p1,text,debt_bondage,alice,USER COMMENT KEEP ME\n"
                      b"p2,text,not_believed,alice,SECOND COMMENT\n"
                      b"p9,other_q,isolation,alice,OTHER QUESTION ROW\n")
    r = _review(cli, tmp_path, coded)
    assert r.returncode == 0, r.stderr
    lines = _lines(coded)
    assert lines[:4] == ["respondent_id,question_id,code_id,coder,start,end,coded_at,memo,Comment",
                         "p9,other_q,isolation,alice,,,,,OTHER QUESTION ROW",
                         "p1,text,debt_bondage,alice,,,,,USER COMMENT KEEP ME",
                         "p2,text,not_believed,alice,,,,,SECOND COMMENT"]
    assert lines[4].startswith("p3,text,,bob,,,") and lines[4].endswith(",,") and len(lines) == 5


def test_review_keeps_a_semicolon_file_and_its_columns(cli, tmp_path):
    coded = tmp_path / "coded.csv"
    coded.write_bytes(b"respondent_id;question_id;code_id;coder;comment\n"
                      b"p1;text;debt_bondage;alice;USER COMMENT, KEEP ME\n"
                      b"p2;text;not_believed;alice;SECOND COMMENT\n")
    r = _review(cli, tmp_path, coded)
    assert r.returncode == 0, r.stderr
    lines = _lines(coded)
    assert lines[:3] == ["respondent_id;question_id;code_id;coder;start;end;coded_at;memo;comment",
                         "p1;text;debt_bondage;alice;;;;;USER COMMENT, KEEP ME",
                         "p2;text;not_believed;alice;;;;;SECOND COMMENT"]
    assert lines[3].startswith("p3;text;;bob;;;") and len(lines) == 4


def test_review_keeps_a_windows_1252_file(cli, tmp_path):
    coded = tmp_path / "coded.csv"
    coded.write_bytes("respondent_id,question_id,code_id,coder,comment\n"
                      "p1,text,debt_bondage,alice,café USER COMMENT\n"
                      "p2,text,not_believed,alice,SECOND COMMENT\n".encode("cp1252"))
    r = _review(cli, tmp_path, coded)
    assert r.returncode == 0, r.stderr
    assert "internal error" not in r.stderr
    lines = _lines(coded)  # written back as UTF-8, nothing lost
    assert lines[:3] == ["respondent_id,question_id,code_id,coder,start,end,coded_at,memo,comment",
                         "p1,text,debt_bondage,alice,,,,,café USER COMMENT",
                         "p2,text,not_believed,alice,,,,,SECOND COMMENT"]
    assert lines[3].startswith("p3,text,,bob,")


def test_review_keeps_each_coders_rows_with_their_own_coder(cli, tmp_path):
    coded = tmp_path / "coded.csv"
    coded.write_bytes(b"respondent_id,question_id,code_id,coder,comment\n"
                      b"p1,text,debt_bondage,alice,ALICE NOTE\n"
                      b"p1,text,re_trafficking,carol,CAROL NOTE\n"
                      b"p1,text,,dave,DAVE SAYS NO CODE\n")
    r = _review(cli, tmp_path, coded)  # p1 has a decision: bob decides p2, then quits
    assert r.returncode == 0, r.stderr
    lines = _lines(coded)
    assert lines[:4] == ["respondent_id,question_id,code_id,coder,start,end,coded_at,memo,comment",
                         "p1,text,debt_bondage,alice,,,,,ALICE NOTE",
                         "p1,text,re_trafficking,carol,,,,,CAROL NOTE",
                         "p1,text,,dave,,,,,DAVE SAYS NO CODE"]
    assert all(line.startswith("p2,text,not_believed,bob,") for line in lines[4:]) and len(lines) > 4
    # and a second run (resuming) leaves those rows as they are
    before = lines[:4]
    r = _review(cli, tmp_path, coded, "q\n")
    assert r.returncode == 0, r.stderr
    assert _lines(coded)[:4] == before


def test_session_keeps_other_coders_rows_and_memos_beside_the_decision(tmp_path):
    from surveykit.coding.codebook import load_codebook
    from surveykit.coding.journal import Coding
    from surveykit.coding.review import ReviewSession, build_items
    from surveykit.io.coded import read_coded
    from surveykit.io.coded_write import save_reviewed

    coded = tmp_path / "coded.csv"
    coded.write_text("respondent_id,question_id,code_id,coder,memo,comment\n"
                     "p1,text,debt_bondage,alice,alice's memo,ALICE NOTE\n"
                     "p1,text,re_trafficking,carol,carol's memo,CAROL NOTE\n"
                     "p1,text,,dave,,DAVE SAYS NO CODE\n", encoding="utf-8")
    found = read_coded(coded, keep_row_coders=True)
    assert list(found.detail["coder"]) == ["alice", "carol", "dave"]  # dave's "no code" is his decision
    assert [m if isinstance(m, str) else None for m in found.detail["memo"]] == ["alice's memo", "carol's memo", None]
    items = build_items([("p1", "they owe a debt"), ("p2", "nobody believed her")], load_codebook(None),
                        question_id="text")
    session = ReviewSession.resume(items, found.detail, coder="bob", clock=lambda: "2026-01-01T00:00:00Z")
    assert session.decisions["p1"] == (Coding("debt_bondage"),) and session.decided_by["p1"] == "alice"
    assert {m.text for m in session.answer_memos(items[0])} == {"alice's memo", "carol's memo"}  # both shown
    frame = session.frame()
    assert [(c if isinstance(c, str) else None, w, m if isinstance(m, str) else None)
            for c, w, m in zip(frame["code_id"], frame["coder"], frame["memo"])] == [
        ("debt_bondage", "alice", "alice's memo"), ("re_trafficking", "carol", "carol's memo"), (None, "dave", None)]
    # bob decides p1 again: alice's rows (the decision) become his, carol's and dave's stay theirs, and
    # the comment of the row his took the place of is kept
    session.decide(0, [Coding("debt_bondage"), Coding("not_believed")])
    save_reviewed(coded, session.frame(), extra=("start", "end", "coded_at", "memo"))
    assert _lines(coded) == [
        "respondent_id,question_id,code_id,coder,start,end,coded_at,memo,comment",
        "p1,text,debt_bondage,bob,,,2026-01-01T00:00:00Z,alice's memo,ALICE NOTE",
        "p1,text,not_believed,bob,,,2026-01-01T00:00:00Z,,",
        "p1,text,re_trafficking,carol,,,,carol's memo,CAROL NOTE",
        "p1,text,,dave,,,,,DAVE SAYS NO CODE"]


def test_save_reviewed_keeps_the_comment_of_a_row_without_coder_or_question(tmp_path):
    from surveykit.io.coded import read_coded
    from surveykit.io.coded_write import save_reviewed

    coded = tmp_path / "sheet.csv"
    coded.write_text("respondent_id,code_id,note,\n"
                     "p1,debt_bondage,typed by hand,\n"
                     "p2,not_believed,,stray cell\n", encoding="utf-8")
    found = read_coded(coded, keep_row_coders=True)
    save_reviewed(coded, found.detail, extra=("start", "end", "coded_at", "memo"))
    assert _lines(coded) == ["respondent_id,question_id,code_id,coder,start,end,coded_at,memo,note,",
                             "p1,answer,debt_bondage,sheet,,,,,typed by hand,",
                             "p2,answer,not_believed,sheet,,,,,,stray cell"]


# -- 3. code train --out: an edited model folder is the user's ---------------------------------------

CUES = {"debt_bondage": ["they owe a debt to the smugglers", "must pay back money for the journey"],
        "isolation": ["feeling lonely with no friends", "nobody speaks their language"]}


@pytest.fixture(scope="module")
def gold(tmp_path_factory):
    rng = random.Random(3)
    rows = []
    for i in range(24):
        codes = [c for c in CUES if rng.random() < 0.5]
        text = ". ".join([rng.choice(CUES[c]) for c in codes] + ["in my experience"])
        rows.append((f"g{i}", text, ";".join(codes)))
    path = tmp_path_factory.mktemp("gold") / "gold.csv"
    pd.DataFrame(rows, columns=["id", "text", "codes"]).to_csv(path, index=False)
    return path


def _train(cli, gold, out, *extra):
    return cli("code", "train", gold, "--out", out, "--folds", "2", "--workers", "1", *extra)


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_train_refuses_a_model_folder_the_user_edited(cli, gold, tmp_path):
    model = tmp_path / "model"
    r = _train(cli, gold, model)
    assert r.returncode == 0, r.stderr
    unchanged = _snapshot(model)
    r = _train(cli, gold, model)  # surveykit's, unchanged: replaced as before
    assert r.returncode == 0, r.stderr
    assert _snapshot(model) == unchanged
    with (model / "metrics.csv").open("a", encoding="utf-8") as fh:
        fh.write("MY NOTES\n")
    edited = _snapshot(model)
    r = _train(cli, gold, model)
    assert r.returncode == 2 and "--force" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "metrics.csv" in r.stderr and "trained on" not in r.stderr  # refused before training
    assert _snapshot(model) == edited
    r = _train(cli, gold, model, "--force")
    assert r.returncode == 0, r.stderr
    assert _snapshot(model) == unchanged


def test_train_refuses_an_edited_model_folder_of_an_older_surveykit(cli, gold, tmp_path):
    model = tmp_path / "model"
    assert _train(cli, gold, model).returncode == 0
    (model / ".surveykit-model.json").unlink(missing_ok=True)  # as an earlier version wrote it: no marker
    legacy = _snapshot(model)
    r = _train(cli, gold, model)  # unchanged: still replaced
    assert r.returncode == 0, r.stderr
    assert {k: v for k, v in _snapshot(model).items() if k in legacy} == legacy
    for edit in ("append", "note"):
        (model / ".surveykit-model.json").unlink(missing_ok=True)
        text = legacy["metrics.csv"].decode("utf-8")
        if edit == "append":
            text += "MY NOTES\n"
        else:
            line = text.splitlines()[1]
            text = text.replace(line, line + "ask Bob" if line.endswith(",") else line + " - ask Bob")
        (model / "metrics.csv").write_text(text, encoding="utf-8")
        edited = _snapshot(model)
        r = _train(cli, gold, model)
        assert r.returncode == 2 and "--force" in r.stderr, (edit, r.stderr)
        assert _snapshot(model) == edited
        assert _train(cli, gold, model, "--force").returncode == 0
        assert (model / "metrics.csv").read_bytes() == legacy["metrics.csv"]


def test_write_model_dir_library_force(tmp_path):
    from surveykit.errors import UsageError
    from surveykit.io.model_files import MODEL_FORMAT_MARK, write_model_dir

    files = {"model.json": "{" + MODEL_FORMAT_MARK + ', "codes": []}', "metrics.csv": "code_id\n"}
    model = tmp_path / "model"
    write_model_dir(model, files)
    (model / "model.json").write_text("{" + MODEL_FORMAT_MARK + ', "codes": [], "my": "edit"}')
    with pytest.raises(UsageError, match="model.json was changed"):
        write_model_dir(model, files)
    assert "my" in (model / "model.json").read_text()
    write_model_dir(model, files, force=True)
    assert (model / "model.json").read_text() == files["model.json"]


# -- 4. messages of the coded-file reader quote no answer -------------------------------------------

def test_a_coded_file_without_its_header_is_refused_without_its_cells(cli, tmp_path):
    (tmp_path / "a.csv").write_text("respondent_id,question_id,code_id,coder\nr1,q7,poor_protection,alice\n")
    (tmp_path / "c.csv").write_text("r1,SECRETANSWER she was taken by Mr Jones to Leeds,poor_protection\n")
    r = cli("agree", tmp_path / "a.csv", tmp_path / "c.csv")
    assert r.returncode == 2 and "not a coded file" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "SECRETANSWER" not in r.stderr + r.stdout and "Jones" not in r.stderr


def test_a_wide_file_without_response_id_names_no_answer(cli, tmp_path):
    from surveykit.io.coded import read_coded

    (tmp_path / "a.csv").write_text("respondent_id,question_id,code_id,coder\nr1,answer,poor_protection,alice\n")
    wide = tmp_path / "c.csv"
    wide.write_text("Why do they go missing?,Code 1,Code 2\n"
                    "SECRETANSWER I saw Jane Doe at the station,poor_protection,\n"
                    "SECRETANSWER I saw Jane Doe at the station,trafficker_control,\n"
                    "r7,poor_protection,\n"
                    "r7,isolation,\n")
    r = cli("agree", tmp_path / "a.csv", wide)
    assert "SECRETANSWER" not in r.stderr + r.stdout and "Jane" not in r.stderr + r.stdout
    notes = read_coded(wide).notes
    assert notes == ("c.csv: the respondent is on rows 2 and 3; their codes are pooled",
                     "c.csv: respondent 'r7' is on rows 4 and 5; their codes are pooled")


def test_no_rows_for_a_question_names_only_id_like_questions(tmp_path):
    from surveykit.errors import InputError
    from surveykit.io.coded import read_coded

    coded = tmp_path / "c.csv"
    coded.write_text("respondent_id,question_id,code_id,coder\nr1,q1,x,ann\nr2,SECRET free text here,x,ann\n")
    with pytest.raises(InputError) as exc:
        read_coded(coded, question="q7")
    assert "'q1'" in exc.value.message and "SECRET" not in str(exc.value)
