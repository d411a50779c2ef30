"""``code review``: one answer at a time in a real terminal (pexpect), saved at every decision."""

from __future__ import annotations

import os
import signal
import sys

import pandas as pd
import pexpect
import pytest

from surveykit.coding.codebook import load_codebook
from surveykit.coding.review import ReviewSession, build_items, resolve_code, run_review
from tests.conftest import ROOT

CODEBOOK = """\
id: small
title: Small
version: "1"
themes:
  - {id: exploitation, label: Exploitation}
  - {id: belonging, label: Belonging}
codes:
  - {id: debt_bondage, label: Debt bondage, theme: exploitation, patterns: ["debt*", "owe"]}
  - {id: trafficker_control, label: Trafficker control, theme: exploitation, patterns: ["traffick*"]}
  - {id: isolation, label: Isolation, theme: belonging, patterns: ["lonely", "isolated"]}
"""
ANSWERS = [
    ("R1", "They owe a debt to the traffickers."),
    ("R2", "She felt lonely [bold]really[/bold] in the hostel."),
    ("R3", "Nothing to add here."),
    ("R4", "The traffickers call them."),
    ("R5", ""),
    ("R6", "Isolated and in debt."),
]


@pytest.fixture
def files(tmp_path):
    (tmp_path / "cb.yaml").write_text(CODEBOOK)
    pd.DataFrame(ANSWERS, columns=["respondent_id", "answer"]).to_csv(tmp_path / "ans.csv", index=False)
    return tmp_path


def _spawn(tmp_path):
    env = dict(os.environ, COLUMNS="100", LINES="40")
    args = ["-m", "surveykit", "code", "review", str(tmp_path / "ans.csv"), "--text-column", "answer",
            "--question", "q7", "--coded", str(tmp_path / "out.csv"), "--codebook", str(tmp_path / "cb.yaml"),
            "--coder", "ann"]
    return pexpect.spawn(sys.executable, args, cwd=str(ROOT), env=env, encoding="utf-8", timeout=60)


def _rows(tmp_path):
    """(respondent, code, coder) in the coded file; a code accepted from the rules has one row per
    evidence span, so the set is what is compared."""
    d = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    return sorted(set(zip(d.respondent_id, d.code_id, d.coder)))


def test_review_in_a_terminal_with_interrupt_and_resume(files):
    child = _spawn(files)
    child.expect_exact("[1/5] respondent R1")
    child.expect_exact("review> ")
    child.sendline("a")  # accept the two rule codes
    child.expect_exact("[2/5] respondent R2")
    child.expect_exact("review> ")
    assert _rows(files) == [("R1", "debt_bondage", "ann"), ("R1", "trafficker_control", "ann")]  # saved at once
    child.sendline("+debt")  # unique start of an id
    child.expect_exact("review> ")
    child.sendline("-isolation")
    child.expect_exact("review> ")
    child.sendline("a")
    child.expect_exact("[3/5] respondent R3")
    child.expect_exact("review> ")
    child.sendline("s")  # skip R3: decide later
    child.expect_exact("[4/5] respondent R4")
    child.expect_exact("review> ")
    child.sendline("b")  # back to R3
    child.expect_exact("[3/5] respondent R3")
    child.expect_exact("review> ")
    child.sendline("+3")  # number in the codebook list: isolation
    child.expect_exact("review> ")
    child.sendline("a")
    child.expect_exact("[4/5] respondent R4")
    child.expect_exact("review> ")
    child.sendline("x")  # clear the rule code: R4 gets "no code"
    child.expect_exact("review> ")
    child.sendline("a")
    child.expect_exact("[5/5] respondent R6")
    child.expect_exact("review> ")
    child.kill(signal.SIGINT)  # Ctrl-C in the middle of an answer
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert _rows(files) == [("R1", "debt_bondage", "ann"), ("R1", "trafficker_control", "ann"),
                            ("R2", "debt_bondage", "ann"), ("R3", "isolation", "ann"), ("R4", "", "ann")]
    assert not [p for p in files.iterdir() if p.name.endswith(".tmp")]

    child = _spawn(files)  # resume where it stopped
    child.expect_exact("Resuming at answer 5 of 5")
    child.expect_exact("[5/5] respondent R6")
    child.expect_exact("review> ")
    child.sendline("a")
    child.expect_exact("5 of 5 answers decided")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert ("R6", "debt_bondage", "ann") in _rows(files) and ("R6", "isolation", "ann") in _rows(files)
    d = pd.read_csv(files / "out.csv", dtype=str, keep_default_na=False)
    assert list(d.columns) == ["respondent_id", "question_id", "code_id", "coder", "start", "end", "coded_at", "memo"]
    assert list(dict.fromkeys(d.respondent_id)) == ["R1", "R2", "R3", "R4", "R6"]  # answer order

    child = _spawn(files)  # nothing left
    child.expect_exact("All 5 answers already have a decision")
    child.expect(pexpect.EOF)


def test_review_loop_library_with_quit_and_kept_rows(files):
    cb = load_codebook(files / "cb.yaml")
    items = build_items(ANSWERS, cb, question_id="q7")
    assert [i.respondent_id for i in items] == ["R1", "R2", "R3", "R4", "R6"]
    r2 = items[1]
    s = r2.suggestions[0]
    assert (s.code_id, s.source, s.ticked) == ("isolation", "rules", True)
    assert r2.text[s.spans[0][0]:s.spans[0][1]].lower() == "lonely"
    existing = pd.DataFrame([("R9", "q8", "x", "bob"), ("R1", "q7", None, "ann")],
                            columns=["respondent_id", "question_id", "code_id", "coder"], dtype=object)
    session = ReviewSession.resume(items, existing, coder="ann")
    assert session.first_open() == 1 and session.decisions == {"R1": ()}
    saved = []
    lines = iter(["", "q"])
    out = run_review(session, cb, read_line=lambda p: next(lines), show=lambda o: None, save=saved.append)
    assert out == "quit" and len(saved) == 1
    frame = saved[-1]
    assert list(zip(frame.respondent_id, frame.question_id)) == [("R9", "q8"), ("R1", "q7"), ("R2", "q7")]
    assert resolve_code("2", cb) == "trafficker_control" and resolve_code("zz", cb) is None


def test_review_bad_input(cli, files):
    pd.DataFrame([("R1", "q7", "not_a_code", "ann")],
                 columns=["respondent_id", "question_id", "code_id", "coder"]).to_csv(files / "out.csv", index=False)
    before = (files / "out.csv").read_bytes()
    r = cli("code", "review", files / "ans.csv", "--text-column", "answer", "--question", "q7",
            "--coded", files / "out.csv", "--codebook", files / "cb.yaml", input="a\n")
    assert r.returncode == 2 and "not_a_code" in r.stderr and "Traceback" not in r.stderr
    assert (files / "out.csv").read_bytes() == before
    r = cli("code", "review", files / "ans.csv", "--text-column", "nope", "--coded", files / "o2.csv",
            "--codebook", files / "cb.yaml")
    assert r.returncode == 2 and "--text-column" in r.stderr and not (files / "o2.csv").exists()


def test_review_with_model_suggestions(cli, files):
    from surveykit.coding.model import model_files, suggest, train
    from surveykit.io.coded import write_model_dir
    from tests.test_model import synthetic

    answers, coded = synthetic()
    model, metrics = train(answers, coded, question_id="q7")
    write_model_dir(files / "model", model_files(model, metrics))
    cb = load_codebook(files / "cb.yaml")
    items = build_items(ANSWERS, cb, question_id="q7", model=model, accept_above=0.9)
    frame = pd.DataFrame(ANSWERS, columns=["respondent_id", "text"], dtype=object)
    expected = suggest(model, frame, accept_above=0.9)
    got = [(i.respondent_id, s.code_id, s.probability, s.ticked) for i in items for s in i.suggestions
           if s.source == "model"]
    assert got == list(zip(expected.respondent_id, expected.code_id, expected.probability, expected.accepted))
    # Through the CLI: accept the first answer as shown, then quit.
    r = cli("code", "review", files / "ans.csv", "--text-column", "answer", "--question", "q7",
            "--coded", files / "out.csv", "--codebook", files / "cb.yaml", "--suggest", files / "model",
            "--accept-above", "0.9", input="a\nq\n")
    assert r.returncode == 0, r.stderr
    assert "model p=" in r.stderr or expected.empty
    saved = set(pd.read_csv(files / "out.csv", dtype=str).code_id)
    ticked = {s.code_id for s in items[0].suggestions if s.ticked}
    assert saved == ticked
