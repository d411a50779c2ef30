"""``code review``: one answer at a time in a real terminal (pexpect), saved at every decision."""

from __future__ import annotations

import os
import platform
import signal
import sys
import time
from pathlib import Path

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


def _as_a_terminal_starts_it() -> None:
    """In the child, before ``exec``: Ctrl-C's default action, as a shell gives the command it runs in a
    terminal. An ignored SIGINT survives ``exec`` and Python then never raises KeyboardInterrupt; the
    suite inherits one when it is started as a background job of a script (``pytest ... &`` in a shell
    without job control ignores SIGINT), which made the Ctrl-C tests below time out."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _spawn(tmp_path):
    env = dict(os.environ, COLUMNS="100", LINES="40")
    args = ["-m", "surveykit", "code", "review", str(tmp_path / "ans.csv"), "--text-column", "answer",
            "--question", "q7", "--coded", str(tmp_path / "out.csv"), "--codebook", str(tmp_path / "cb.yaml"),
            "--coder", "ann"]
    return pexpect.spawn(sys.executable, args, cwd=str(ROOT), env=env, encoding="utf-8", timeout=60,
                         preexec_fn=_as_a_terminal_starts_it)


# The system calls a process blocked on its terminal sits in: read (without readline), and the
# select/poll family (with it), by machine.
_WAITING_FOR_INPUT = {"x86_64": {"0", "7", "23", "270", "271"}, "aarch64": {"63", "72", "73"}}
_READ = {"0", "63"}  # read, on x86_64 and aarch64


def _press_ctrl_c_while_waiting(child, timeout: float = 30) -> str:
    """Ctrl-C once the review is blocked reading the terminal, as a person pressing it finds it; returns
    what ``/proc/PID/syscall`` showed then (for the message of a test that fails after it).

    Sent at once after the prompt, the signal could land in the few instructions between Python's
    last check for signals and the read inside input(), where it is noted and acted on only after the
    read returns. A ``read`` counts only on the terminal (file descriptor 0): reading anything else (a
    module being imported) is not waiting for the person."""
    syscalls = _WAITING_FOR_INPUT.get(platform.machine())
    deadline = time.monotonic() + timeout
    while syscalls and time.monotonic() < deadline:
        try:
            current = Path(f"/proc/{child.pid}/syscall").read_text().split()
        except OSError:  # not Linux, or not allowed to look: fall back on a pause
            break
        if current and current[0] in syscalls and (current[0] not in _READ or current[1:2] == ["0x0"]):
            child.kill(signal.SIGINT)
            return " ".join(current[:3])
        time.sleep(0.01)
    else:
        if syscalls:
            raise AssertionError(f"the review never waited for input within {timeout} s")
    time.sleep(0.5)
    child.kill(signal.SIGINT)
    return "unknown (paused 0.5 s)"


def _ends_after_ctrl_c(child, seen: str) -> None:
    try:
        child.expect(pexpect.EOF)
    except pexpect.TIMEOUT:
        try:
            now = Path(f"/proc/{child.pid}/syscall").read_text().strip()
        except OSError:
            now = "unknown"
        child.terminate(force=True)
        raise AssertionError(f"the review did not end after Ctrl-C (sent in system call {seen}; now in {now})")


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
    _ends_after_ctrl_c(child, _press_ctrl_c_while_waiting(child))  # Ctrl-C in the middle of an answer
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
    from surveykit.coding.model import model_files, suggest
    from surveykit.coding.training import train
    from surveykit.io.model_files import write_model_dir
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
    # A model code starts ticked only above --accept-above AND on an answer the rules gave no code
    # (the combination code evaluate measures); the rule coder is run here on its own.
    from surveykit.coding.rules import RuleCoder

    coder = RuleCoder(cb)
    rule_coded = {r for r, t in ANSWERS if t and coder.code_ids_of(t)}
    want = [bool(a and r not in rule_coded) for r, a in zip(expected.respondent_id, expected.accepted)]
    assert got == list(zip(expected.respondent_id, expected.code_id, expected.probability, want))
    assert any(want) and any(a and r in rule_coded for r, a in zip(expected.respondent_id, expected.accepted))
    # Through the CLI: accept the first answer as shown, then quit.
    r = cli("code", "review", files / "ans.csv", "--text-column", "answer", "--question", "q7",
            "--coded", files / "out.csv", "--codebook", files / "cb.yaml", "--suggest", files / "model",
            "--accept-above", "0.9", input="a\nq\n")
    assert r.returncode == 0, r.stderr
    assert "model p=" in r.stderr or expected.empty
    saved = set(pd.read_csv(files / "out.csv", dtype=str).code_id)
    ticked = {s.code_id for s in items[0].suggestions if s.ticked}
    assert saved == ticked


# -- issue 11 point 7: spans, memos, did-you-mean, marks, context, journal, active learning -----------

def _clock():
    n = iter(range(1000))
    return lambda: f"2026-02-01T10:00:{next(n) % 60:02d}Z"


def test_span_memos_did_you_mean_and_the_coded_file(files):
    from surveykit.coding.review import did_you_mean, marked_text, word_span, words

    cb = load_codebook(files / "cb.yaml")
    items = build_items(ANSWERS, cb, question_id="q7")
    session = ReviewSession.resume(items, None, coder="ann", clock=_clock())
    journal, saved, shown = [], [], []
    lines = iter(["x", "+debt 3-4", "+isolatoin", "+isolation", "m not sure the debt is to traffickers",
                  "mc debt_bondage include money owed to smugglers", "a", "q"])
    out = run_review(session, cb, read_line=lambda p: next(lines), show=lambda o: shown.append(o), save=saved.append,
                     journal=journal.append)
    assert out == "quit"
    text = ANSWERS[0][1]  # "They owe a debt to the traffickers."
    assert word_span(text, "3-4") == (words(text)[2][0], words(text)[3][1]) and text[slice(*word_span(text, "3-4"))] == "a debt"
    frame = saved[-1]
    rows = list(zip(frame.respondent_id, frame.code_id, frame.start, frame.end, frame.coder, frame.coded_at))
    a, b = text.index("a debt"), text.index("a debt") + len("a debt")
    assert rows == [("R1", "debt_bondage", a, b, "ann", rows[0][5]), ("R1", "isolation", None, None, "ann", rows[0][5])]
    assert rows[0][5].startswith("2026-02-01T10:00:")
    assert frame.memo.tolist() == ["not sure the debt is to traffickers", None]
    events = [j["event"] for j in journal]
    assert events == ["memo", "saved", "memo", "saved", "decision", "saved"]  # journal first, then the file
    assert journal[2] == {"event": "memo", "target": "code", "code_id": "debt_bondage", "coder": "ann",
                          "text": "include money owed to smugglers", "at": journal[2]["at"]}
    assert any("Did you mean isolation" in str(s) for s in shown)
    assert "Did you mean" in did_you_mean("trafficker_contrl", cb) and "trafficker_control" in did_you_mean(
        "trafficker_contrl", cb)
    assert "could be" in did_you_mean("debt_bondage_x", cb) or "Did you mean debt_bondage" in did_you_mean("debt_bondage_x", cb)
    # Marks read without colour: «span»LETTER; each code its own colour.
    from surveykit.coding.journal import Coding

    item = items[0]
    t = text.index("traffickers")
    marked = marked_text(item, [Coding("debt_bondage", a, b), Coding("trafficker_control", t, t + 11)])
    assert marked.plain == "They owe «a debt»A to the «traffickers»B."
    styles = {str(sp.style) for sp in marked.spans}
    assert len({s for s in styles if "on #" in s}) == 2


def test_journal_replays_a_decision_the_coded_file_missed(files):
    """Killed after the journal line, before the coded file was written: nothing is lost."""
    from surveykit.coding.journal import Coding, decision_record, memo_record, saved_record, Memo

    cb = load_codebook(files / "cb.yaml")
    items = build_items(ANSWERS, cb, question_id="q7")
    existing = pd.DataFrame([("R1", "q7", "debt_bondage", "ann", 11, 15, "2026-01-01T00:00:00Z", None)],
                            columns=["respondent_id", "question_id", "code_id", "coder", "start", "end", "coded_at",
                                     "memo"], dtype=object)
    journal = [decision_record("R1", "q7", "ann", "2026-01-01T00:00:00Z", [Coding("debt_bondage", 11, 15)]),
               saved_record("2026-01-01T00:00:01Z", 1),
               memo_record(Memo("answer", "check the placement", "ann", None, "R2", "q7")),
               decision_record("R2", "q7", "ann", "2026-01-01T00:01:00Z", [Coding("isolation")])]
    session = ReviewSession.resume(items, existing, coder="ann", journal=journal)
    assert session.decisions == {"R1": (Coding("debt_bondage", 11, 15),), "R2": (Coding("isolation"),)}
    assert session.first_open() == 2
    frame = session.frame()
    assert frame.memo.tolist() == [None, "check the placement"]
    # A hand edit after a clean save is not overridden: decisions before the last 'saved' are not replayed.
    edited = existing.assign(code_id="trafficker_control")
    session = ReviewSession.resume(items, edited, coder="ann", journal=journal[:2])
    assert session.decisions == {"R1": (Coding("trafficker_control", 11, 15),)}


def test_review_survives_sigkill_with_memos_and_spans(files):
    child = _spawn(files)
    child.expect_exact("[1/5] respondent R1")
    child.expect_exact("review> ")
    child.sendline("+trafficker 6-6")  # "traffickers", word 6
    child.expect_exact("review> ")
    child.sendline("m threats to family mentioned elsewhere")
    child.expect_exact("Memo saved")
    child.expect_exact("review> ")
    child.sendline("a")
    child.expect_exact("[2/5] respondent R2")
    child.expect_exact("review> ")
    child.sendline("mc isolation loneliness in hostels")
    child.expect_exact("Memo saved on code isolation")
    child.expect_exact("review> ")
    child.kill(signal.SIGKILL)
    child.close()
    d = pd.read_csv(files / "out.csv", dtype=str, keep_default_na=False)
    text = ANSWERS[0][1]
    spans = {(c, s, e) for c, s, e in zip(d.code_id, d.start, d.end)}
    assert ("trafficker_control", str(text.index("traffickers")), str(text.index("traffickers") + 11)) in spans
    assert "threats to family mentioned elsewhere" in set(d.memo)
    assert set(d.coder) == {"ann"} and all(d.coded_at)
    journal = (files / "out.journal.jsonl").read_text()
    assert "loneliness in hostels" in journal  # the code memo, saved before the kill
    assert not [p for p in files.iterdir() if p.name.endswith(".tmp")]
    child = _spawn(files)
    child.expect_exact("Resuming at answer 2 of 5")
    child.expect_exact("review> ")
    child.sendline("q")
    child.expect(pexpect.EOF)


def test_context_beside_the_answer_redacted_by_default(cli, files):
    table = pd.DataFrame([(r, t, f"call {r} on 07700 900123", "ngo") for r, t in ANSWERS],
                         columns=["respondent_id", "answer", "q46", "sector"])
    table.to_csv(files / "ctx.csv", index=False)
    base = ("code", "review", files / "ctx.csv", "--text-column", "answer", "--question", "q7", "--coded",
            files / "c.csv", "--codebook", files / "cb.yaml", "--context", "sector,q46")
    r = cli(*base, input="q\n")
    assert r.returncode == 0, r.stderr
    assert "sector: ngo" in r.stderr and "q46: call R1 on [phone]" in r.stderr and "07700" not in r.stderr
    r = cli(*base, "--no-redact", input="q\n")
    assert "07700 900123" in r.stderr
    r = cli(*base[:-1], "nope", input="q\n")
    assert r.returncode == 2 and "--context" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_context_from_a_survey_export(cli, tmp_path):
    from conftest import SAMPLE_SURVEY

    r = cli("code", "review", SAMPLE_SURVEY, "--question", "q7", "--coded", tmp_path / "c.csv", "--context", "q2",
            input="q\n")
    assert r.returncode == 0, r.stderr
    assert "sector: " in r.stderr and "[1/" in r.stderr
    r = cli("code", "review", SAMPLE_SURVEY, "--question", "q7", "--coded", tmp_path / "c.csv", "--context", "q45",
            input="q\n")
    assert r.returncode == 2 and "q45" in r.stderr


def test_uncertainty_order_and_retraining(files):
    """Active learning: after N decisions the model is retrained on them and the open answers are
    re-ordered, most uncertain first (checked against the model's own probabilities)."""
    from surveykit.coding.review import Learning, retrain, training_data
    from tests.test_model import synthetic

    answers, coded = synthetic(40)
    cb = load_codebook(files / "cb.yaml")
    items = build_items(list(zip(answers.respondent_id, answers.text)), cb, question_id="q7")
    truth = {r: [c for c in coded.loc[coded.respondent_id == r, "code_id"] if c] for r in answers.respondent_id}
    session = ReviewSession.resume(items, None, coder="ann", clock=_clock())
    trained = []

    def train(s):
        model = retrain(s, question_id="q7")
        trained.append(model)
        return model

    script = []
    for rid in answers.respondent_id[:12]:
        script += ["x"] + [f"+{c}" for c in truth[rid]] + ["a"]
    script.append("q")
    feed = iter(script)
    learning = Learning(order="uncertainty", retrain_every=12, train=train)
    run_review(session, cb, read_line=lambda p: next(feed), show=lambda o: None, save=lambda f: None,
               learning=learning)
    model = trained[-1]
    assert model is not None and model.n_answers == 12
    texts, y, codes = training_data(session)
    assert len(texts) == 12 and sorted(codes) == sorted({c for r in answers.respondent_id[:12] for c in truth[r]})
    open_items = session.items[12:]
    probs = model.probabilities([i.text for i in open_items])
    u = (1 - abs(2 * probs - 1)).max(axis=1)
    assert list(u) == sorted(u, reverse=True)  # most uncertain first
    assert all(s.source != "model" or s.probability is not None for i in open_items for s in i.suggestions)
    assert any(s.source == "model" for i in open_items for s in i.suggestions)


def test_review_bad_options(cli, files):
    base = ("code", "review", files / "ans.csv", "--text-column", "answer", "--question", "q7", "--coded",
            files / "c.csv", "--codebook", files / "cb.yaml")
    for extra, said in ((("--order", "random"), "--order"), (("--retrain-every", "-1"), "--retrain-every")):
        r = cli(*base, *extra, input="q\n")
        assert r.returncode == 2 and said in r.stderr and len(r.stderr.strip().splitlines()) == 1
        assert not (files / "c.csv").exists()
    r = cli("code", "review", "--help")
    assert "Example:" in r.stdout and "--order" in r.stdout
