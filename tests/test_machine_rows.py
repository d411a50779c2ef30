"""The rule coder's and the model's rows in a coded file are suggestions, not a person's coding.

``surveykit code --suggest MODEL --out FILE`` writes rows of coder ``rules`` and ``model`` (a model
row whose ``accepted`` is false is a suggestion left for review). Before, ``code review --coded FILE``
counted them as decisions ("All N answers already have a decision": nothing left to review), and
``code train FILE`` learnt from them (the rules and the model trained on their own output). Now:

* review leaves an answer that only surveykit coded open, keeps every machine row exactly as it was,
  and saves the reviewer's decisions beside them; ``--coder rules`` / ``--coder model`` is refused;
* train learns from the people's rows only (the same model as from a file without the machine rows),
  says how many answers it left out, and refuses a file of machine rows alone.
"""

from __future__ import annotations

import csv
import io

import pytest

from conftest import ROOT

DEV_GOLD = ROOT / "responses" / "gold" / "q7_dev.csv"

# Answers written for this test (not from the sample's sentence bank).
ANSWERS = [
    ("a01", "She owed the men who brought her over thousands of pounds and they kept texting her about it."),
    ("a02", "Nobody believed his account of what happened to him, so he stopped talking to staff."),
    ("a03", "He does not trust social workers or the police after what happened at the border."),
    ("a04", "The gang kept phoning her placement and she was scared of what they would do to her family."),
    ("a05", "There was no independent advocate for him and the foster carers had no training at all."),
    ("a06", "Waiting for the asylum decision was unbearable and he was frightened of being removed."),
    ("a07", "Her debt to the traffickers was never paid off in her mind, so she went back to work it off."),
    ("a08", "They said no one listened or believed them when they described being exploited."),
    ("a09", "He had no trust in the professionals around him and kept his phone hidden."),
    ("a10", "The exploiters contacted him through social media within days of arriving in care."),
    ("a11", "She was placed in a hotel miles from anyone who spoke her language."),
    ("a12", "Fear of deportation after turning eighteen made him disappear before his review."),
]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    """A model trained through the command on part of the dev gold set (enough to make suggestions)."""
    from conftest import run_cli

    if not DEV_GOLD.exists():
        pytest.skip("the dev gold set is not in this checkout")
    out = tmp_path_factory.mktemp("model") / "model"
    r = run_cli("code", "train", DEV_GOLD, "--out", out, "--first", "90", "--folds", "2", "--workers", "1")
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture
def answers(tmp_path):
    path = tmp_path / "answers.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["respondent_id", "text"])
        w.writerows(ANSWERS)
    return path


@pytest.fixture
def suggested(cli, tmp_path, answers, model_dir):
    """``surveykit code ANSWERS --suggest MODEL --out sugg.csv``: the rules' and the model's rows."""
    out = tmp_path / "sugg.csv"
    r = cli("code", answers, "--text-column", "text", "--suggest", model_dir,
            "--out", out)
    assert r.returncode == 0, r.stderr
    rows = _rows(out)
    assert {row["coder"] for row in rows} == {"rules", "model"}
    assert any(row["accepted"] == "False" for row in rows)  # suggestions left for review are there
    return out


def _rows(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _machine_view(rows, columns):
    return [tuple(row.get(c, "") for c in columns) for row in rows if row["coder"] in ("rules", "model")]


def test_review_of_a_suggestions_file_leaves_its_answers_open_and_keeps_every_suggestion(cli, answers, suggested):
    before = _rows(suggested)
    columns = list(before[0])
    r = cli("code", "review", answers, "--text-column", "text", "--coded", suggested, "--coder", "bob",
            input="a\na\nq\n")
    assert r.returncode == 0, r.stderr
    assert "already have a decision" not in r.stderr + r.stdout
    assert "suggestions, not decisions" in r.stderr
    assert f"2 of {len(ANSWERS)} answers decided" in r.stderr
    after = _rows(suggested)
    # every row of the rules and the model is still there, every cell as it was, in the same order
    assert _machine_view(after, columns) == _machine_view(before, columns)
    mine = [row for row in after if row["coder"] == "bob"]
    assert {row["respondent_id"] for row in mine} == {"a01", "a02"}
    assert all(row["coded_at"] and row["probability"] == "" and row["accepted"] == "" for row in mine)
    # resuming carries on at the third answer
    r = cli("code", "review", answers, "--text-column", "text", "--coded", suggested, "--coder", "bob", input="q\n")
    assert r.returncode == 0, r.stderr
    assert f"Resuming at answer 3 of {len(ANSWERS)} (2 decided)" in r.stderr + r.stdout


@pytest.mark.parametrize("name", ["rules", "model", " model "])
def test_review_refuses_the_name_of_a_machine_coder(cli, tmp_path, answers, name):
    coded = tmp_path / "mine.csv"
    r = cli("code", "review", answers, "--text-column", "text", "--coded", coded, "--coder", name, input="a\nq\n")
    assert r.returncode == 2, r.stderr
    assert "--coder" in r.stderr and "own name or initials" in r.stderr
    assert not coded.exists()


def test_train_refuses_a_file_of_suggestions_alone(cli, tmp_path, answers, suggested):
    out = tmp_path / "trained"
    r = cli("code", "train", suggested, "--survey", answers, "--text-column", "text", "--out", out)
    assert r.returncode != 0
    assert "only surveykit's own suggestions" in r.stderr and "code review" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_train_learns_from_the_reviewers_rows_only(cli, tmp_path, answers, suggested):
    # bob accepts the suggestions shown for every answer: his rows, beside the machine rows
    r = cli("code", "review", answers, "--text-column", "text", "--coded", suggested, "--coder", "bob",
            input="a\n" * len(ANSWERS) + "q\n")
    assert r.returncode == 0, r.stderr
    rows = _rows(suggested)
    assert {row["coder"] for row in rows} == {"rules", "model", "bob"}
    # the same people's coding without the machine rows
    people = tmp_path / "bob_only.csv"
    with people.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(row for row in rows if row["coder"] == "bob")
    # and with a machine-only answer added: it is left out, and said so
    extra = [dict(rows[0], respondent_id="a99", code_id="re_trafficking", coder="rules")]
    with suggested.open("a", newline="", encoding="utf-8") as fh:
        csv.DictWriter(fh, fieldnames=list(rows[0])).writerows(extra)
    with answers.open("a", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerow(["a99", "He went back to the people who had exploited him before."])

    def train(coded, out):
        r = cli("code", "train", coded, "--survey", answers, "--text-column", "text", "--out", out, "--folds", "2")
        assert r.returncode == 0, r.stderr
        return r

    both = train(suggested, tmp_path / "from_review")
    alone = train(people, tmp_path / "from_people")
    assert "1 answer(s) coded only by surveykit's rules or model were left out" in both.stderr
    assert "left out" not in alone.stderr
    assert (tmp_path / "from_review" / "model.json").read_bytes() == (tmp_path / "from_people" / "model.json").read_bytes()
    assert (tmp_path / "from_review" / "metrics.csv").read_bytes() == (tmp_path / "from_people" / "metrics.csv").read_bytes()


def test_library_train_and_review_session_treat_machine_rows_as_suggestions():
    import pandas as pd

    from surveykit.coding.review import Item, ReviewSession
    from surveykit.coding.training import human_coding, train
    from surveykit.errors import InputError, UsageError

    texts = {rid: text for rid, text in ANSWERS}
    people = pd.DataFrame({"respondent_id": [rid for rid, _ in ANSWERS],
                           "code_id": ["debt_bondage" if i % 2 else "not_believed" for i in range(len(ANSWERS))],
                           "coder": "ann"})
    machine = pd.DataFrame({"respondent_id": ["a01", "a02", "a03"], "code_id": ["isolation"] * 3,
                            "coder": ["rules", "model", "rules"]})
    mixed = pd.concat([machine, people], ignore_index=True)
    kept, left = human_coding(mixed)
    assert left == 0 and list(kept["coder"]) == ["ann"] * len(ANSWERS)
    frame = pd.DataFrame({"respondent_id": list(texts), "text": list(texts.values())})
    a, _ = train(frame, mixed, question_id="q7", folds=2, workers=1)
    b, _ = train(frame, people, question_id="q7", folds=2, workers=1)
    assert a == b and "isolation" not in a.codes + a.skipped
    with pytest.raises(InputError, match="only surveykit's own suggestions"):
        train(frame, machine, question_id="q7", folds=2, workers=1)

    items = [Item(rid, "q7", text, ()) for rid, text in ANSWERS[:3]]
    detail = pd.DataFrame({"respondent_id": ["a01", "a01", "a02"], "question_id": "q7",
                           "code_id": ["debt_bondage", "debt_bondage", None], "coder": ["rules", "model", "ann"],
                           "start": None, "end": None, "coded_at": None, "memo": None})
    session = ReviewSession.resume(items, detail, coder="bob")
    assert set(session.decisions) == {"a02"}  # ann's decision counts; the machine rows do not
    assert session.first_open() == 0
    assert [r[3] for r in session.frame().itertuples(index=False)] == ["rules", "model", "ann"]
    with pytest.raises(UsageError, match="own name or initials"):
        ReviewSession.resume(items, None, coder="rules")


def test_a_file_reviewed_in_place_is_read_as_the_reviewers_coding(cli, tmp_path, answers, suggested):
    """``agree`` (and every reader of one coder per file) compares the reviewer's decisions, not the
    reviewer pooled with the rules and the model they reviewed: the same figures as the reviewer's rows
    alone, and a note says what was left out."""
    from surveykit.io.coded import read_coded

    r = cli("code", "review", answers, "--text-column", "text", "--coded", suggested, "--coder", "bob",
            input="a\n" * (len(ANSWERS) - 2) + "q\n")  # two answers left to surveykit alone
    assert r.returncode == 0, r.stderr
    rows = _rows(suggested)
    bob = [row for row in rows if row["coder"] == "bob"]
    people = tmp_path / "bob.csv"
    with people.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(bob)
    # a second coder: bob's codes, one of them given differently
    carol = tmp_path / "carol.csv"
    with carol.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["respondent_id", "question_id", "code_id", "coder"])
        for rid, _ in ANSWERS:
            codes = sorted({row["code_id"] for row in bob if row["respondent_id"] == rid}) or [""]
            if rid == "a03":
                codes = ["not_believed"]
            w.writerows([rid, "text", c, "carol"] for c in codes)

    reviewed = read_coded(suggested)
    alone = read_coded(people)
    assert reviewed.coder == "bob" and set(reviewed.frame["coder"]) == {"bob"}
    assert reviewed.frame.equals(alone.frame)
    assert any("suggestions, not coding" in n and "2 answer(s) only surveykit coded" in n for n in reviewed.notes)
    # a file of surveykit's rows alone is still read as surveykit's codes (e.g. the rules against a person)
    machine = tmp_path / "machine.csv"
    machine.write_text("respondent_id,question_id,code_id,coder\na01,text,debt_bondage,rules\n", encoding="utf-8")
    assert list(read_coded(machine).frame["coder"]) == ["rules"]

    a = cli("agree", suggested, carol, "--no-suppress", "--min-shared", "2")
    b = cli("agree", people, carol, "--no-suppress", "--min-shared", "2")
    assert a.returncode == 0 and b.returncode == 0, a.stderr + b.stderr
    assert a.stdout == b.stdout
    assert "suggestions, not coding" in a.stderr and "suggestions, not coding" not in b.stderr


# -- the other readers of such files (an audit's findings) ---------------------------------------

def _gold_suggested(cli, tmp_path, model_dir):
    out = tmp_path / "gold_sugg.csv"
    r = cli("code", DEV_GOLD, "--text-column", "text", "--id-column", "id", "--question", "q7",
            "--suggest", model_dir, "--out", out)
    assert r.returncode == 0, r.stderr
    return out


def test_evaluate_coded_reads_unaccepted_suggestions_as_no_code_and_a_reviewed_file_as_the_reviewers(
        cli, tmp_path, model_dir):
    """``code evaluate GOLD --coded FILE`` read every row's code_id: the model's suggestions left for
    review (accepted false) counted as codes, and a file reviewed in place was measured on every
    answer surveykit coded, pooled with the reviewer's."""
    sugg = _gold_suggested(cli, tmp_path, model_dir)
    rows = _rows(sugg)
    assert any(row["accepted"] == "False" and row["code_id"] for row in rows)
    blanked = tmp_path / "blanked.csv"  # what the file means: an unaccepted suggestion is no code
    with blanked.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(dict(row, code_id="" if row["accepted"] == "False" else row["code_id"], accepted="")
                    for row in rows)
    a = cli("code", "evaluate", DEV_GOLD, "--coded", sugg, "--format", "csv")
    b = cli("code", "evaluate", DEV_GOLD, "--coded", blanked, "--format", "csv")
    assert a.returncode == 0 and b.returncode == 0, a.stderr + b.stderr
    assert a.stdout == b.stdout
    # reviewed in place: two answers decided by ann; the evaluation is of her two answers
    r = cli("code", "review", DEV_GOLD, "--text-column", "text", "--id-column", "id", "--coded", sugg,
            "--coder", "ann", input="a\na\nq\n")
    assert r.returncode == 0, r.stderr
    e = cli("code", "evaluate", DEV_GOLD, "--coded", sugg)
    assert e.returncode == 0, e.stderr
    assert " on 2 answers " in e.stderr + e.stdout


def test_report_refuses_surveykits_own_output_as_another_coder(cli, tmp_path, answers, suggested):
    """The report's coding-agreement table compares the rules with people; a ``code --out`` file there
    published the rules against themselves: alpha 1.000, "reliable"."""
    import surveykit as sk
    from surveykit.errors import UsageError

    from conftest import SAMPLE_SURVEY

    if not SAMPLE_SURVEY.exists():
        pytest.skip("the sample study has not been generated")
    sample_coded = tmp_path / "sample_rules.csv"
    r = cli("code", SAMPLE_SURVEY, "--question", "q7", "--out", sample_coded)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "report"
    r = cli("report", "--survey", SAMPLE_SURVEY, "--coded", sample_coded, "--out", out)
    assert r.returncode == 2, r.stderr
    assert "only surveykit's own codes" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not out.exists()
    with pytest.raises(UsageError, match="only surveykit's own codes"):
        sk.report(sk.read(SAMPLE_SURVEY), coded=[sample_coded])
    assert sk.read_coded(sample_coded).machine and sk.read_coded(suggested).machine  # rules (and model) rows only


def test_exchange_round_trip_keeps_the_reviewers_decisions_and_marks_nothing_reviewed_by_the_rules(
        cli, tmp_path, answers, suggested):
    import zipfile

    from surveykit.io.coded import read_coded

    r = cli("code", "review", answers, "--text-column", "text", "--coded", suggested, "--coder", "ann",
            input="x\nm ann's memo on the first answer\na\na\nq\n")  # clear, memo, decide; accept the next
    assert r.returncode == 0, r.stderr
    project = tmp_path / "project.qdpx"
    r = cli("code", "export", suggested, "--answers", answers, "--text-column", "text", "--out", project,
            "--no-redact")
    assert r.returncode == 0, r.stderr
    xml = zipfile.ZipFile(project).read("project.qde").decode("utf-8")
    assert xml.count("<BooleanValue>true</BooleanValue>") == 2  # ann's two answers, not every one the rules coded
    back = tmp_path / "back.csv"
    r = cli("code", "import", project, "--out", back)
    assert r.returncode == 0, r.stderr
    before = read_coded(suggested, keep_row_coders=True).detail
    after = read_coded(back, keep_row_coders=True).detail
    ann = lambda f: sorted((r.respondent_id, r.code_id or "", r.start, r.end, r.memo or "")  # noqa: E731
                           for r in f[f["coder"] == "ann"].itertuples())
    assert ann(after) == ann(before)
    assert ("a01", "", None, None, "ann's memo on the first answer") in [(a, c, s, e, m) for a, c, s, e, m in ann(after)]


def test_exchange_and_readers_name_no_free_text_and_do_not_crash_on_an_empty_file(cli, tmp_path, answers):
    wide = tmp_path / "wide.csv"
    wide.write_text('Answer,Code 1\n"SECRETANSWER the carers never listened to her",lack_of_trust\n', encoding="utf-8")
    r = cli("code", "export", wide, "--answers", answers, "--text-column", "text", "--out", tmp_path / "w.qdpx")
    assert r.returncode != 0 and "SECRETANSWER" not in r.stderr + r.stdout, r.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("respondent_id,question_id,code_id,coder\na01,text,SECRETCODE my carer Jane Smith,ann\n",
                   encoding="utf-8")
    r = cli("code", "export", bad, "--answers", answers, "--text-column", "text", "--out", tmp_path / "b.qdpx")
    assert r.returncode != 0 and "SECRETCODE" not in r.stderr + r.stdout and "Jane" not in r.stderr, r.stderr
    empty = tmp_path / "empty.csv"
    empty.write_text("respondent_id,question_id,code_id,coder\n", encoding="utf-8")
    other = tmp_path / "other.csv"
    other.write_text("respondent_id,question_id,code_id,coder\na01,q7,lack_of_trust,ann\n", encoding="utf-8")
    r = cli("agree", empty, other, "--question", "q7")
    assert r.returncode == 2 and "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
    assert "header but no rows" in r.stderr
