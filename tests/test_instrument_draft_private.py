"""surveykit instrument draft: what a respondent typed stays out of the drafted instrument, and every
id loads back as the text it was written as.

The data is about children going missing from care: a free-text answer, or an answer only one or two
respondents gave, can identify a child. The draft must never make such an answer a scale option nor
quote it in a comment; it says how many it left out instead. The expectations come from the rules
(the small-count threshold of 5, YAML 1.1's words for true/false/null), never from the drafting code.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from surveykit.draft import draft_from_file, draft_instrument
from surveykit.instrument import load_instrument
from surveykit.io import read_export

RARE_NOTE_ONE = "1 answer given by fewer than 5 respondents is not listed as an option"


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header] + rows)
    return path


def _draft_cli(cli, export: Path, out: Path):
    r = cli("instrument", "draft", export, "--out", out)
    assert r.returncode == 0, r.stderr
    return r


def _no_secret(*texts: str) -> None:
    for text in texts:
        assert "SECRET" not in text, [ln for ln in text.splitlines() if "SECRET" in ln]


def _labels(inst) -> set[str]:
    labels = {o.label for s in inst.scales for o in s.options}
    return labels | {a for s in inst.scales for o in s.options for a in o.aliases}


# -- free text from a small survey ---------------------------------------------------------------------

SAFER = ["SECRET1 more staff at night", "SECRET2 my key worker", "SECRET3 a lock on my door", "SECRET4 go home to mum",
         "SECRET5 no police", "SECRET6 phone credit", "SECRET7 be with my brother", "SECRET8 stop moving me",
         "SECRET9 nothing", "SECRET10 Amir"]


@pytest.fixture
def safer_csv(tmp_path):
    return _write_csv(tmp_path / "safer.csv", ["id", "What would make you feel safer?"],
                      [[f"R{i}", a] for i, a in enumerate(SAFER, 1)])


def test_short_free_text_from_ten_respondents_is_text_not_options_cli(cli, safer_csv, tmp_path):
    out = tmp_path / "d.yaml"
    r = _draft_cli(cli, safer_csv, out)
    text = out.read_text(encoding="utf-8")
    _no_secret(text, r.stdout, r.stderr)
    inst = load_instrument(out)
    q = next(q for q in inst.questions if q.text == "What would make you feel safer?")
    assert q.type == "text"
    # Scoring with the drafted instrument prints no answer either.
    score = cli("score", safer_csv, "--instrument", out, "-f", "csv")
    _no_secret(score.stdout, score.stderr)


def test_short_free_text_from_ten_respondents_is_text_not_options_library(safer_csv):
    result = draft_instrument(read_export(safer_csv))
    _no_secret(result.yaml, *(g.note for g in result.guesses))
    assert [q.type for q in result.instrument.questions] == ["text"]


# -- an answer fewer than 5 respondents gave -----------------------------------------------------------

def _who_rows(n_each: int) -> list[list[str]]:
    who = ["Friends"] * n_each + ["Alone"] * n_each + ["Family"] * n_each + ["SECRETWHO Mo from the car wash"]
    return [[f"R{i}", w] for i, w in enumerate(who, 1)]


def test_a_typed_answer_given_once_is_not_an_option_and_is_counted_cli(cli, tmp_path):
    export = _write_csv(tmp_path / "who.csv", ["id", "Who were you with?"], _who_rows(6))
    out = tmp_path / "d.yaml"
    r = _draft_cli(cli, export, out)
    text = out.read_text(encoding="utf-8")
    _no_secret(text, r.stdout, r.stderr)
    q = next(q for q in load_instrument(out).questions if q.text == "Who were you with?")
    assert q.type == "single"
    assert {o.label for o in q.scale.options} == {"Friends", "Alone", "Family"}
    assert RARE_NOTE_ONE in text  # said, without quoting it
    assert "add it if it is an option of your questionnaire" in text


def test_rare_answers_of_a_small_survey_are_never_options_library(tmp_path):
    # 10 respondents: every answer given by 3 or 1 of them. None may become an option.
    export = _write_csv(tmp_path / "who.csv", ["id", "How safe do you feel?", "Who were you with?"],
                        [[r[0], ["Very safe", "Quite safe", "Not very safe", "Not at all safe"][k % 4], r[1]]
                         for k, r in enumerate(_who_rows(3))])
    result = draft_from_file(export)
    _no_secret(result.yaml, *(g.note for g in result.guesses), *(s.reason for s in result.skipped))
    labels = _labels(result.instrument)
    assert not labels & {"Friends", "Alone", "Family"}
    # The standard scale's wording is the questionnaire's, whatever its counts: it stays.
    assert {"Very safe", "Quite safe", "Not very safe", "Not at all safe"} <= labels
    assert any("fewer than 5 respondents" in s.reason for s in result.skipped)


def test_a_dont_know_with_a_typed_reason_is_not_an_option_nor_quoted(cli, tmp_path):
    answers = ["Yes"] * 8 + ["No"] * 8 + ["Don't know"] * 3 + ["I don't know, SECRETDK my boyfriend Dan decides"]
    export = _write_csv(tmp_path / "dk.csv", ["id", "Do you feel safe where you live now?"],
                        [[f"R{i}", a] for i, a in enumerate(answers)])
    out = tmp_path / "d.yaml"
    r = _draft_cli(cli, export, out)
    text = out.read_text(encoding="utf-8")
    _no_secret(text, r.stdout, r.stderr)
    scale = load_instrument(out).questions[0].scale
    # "Don't know" (3 respondents) is a standard option: kept, out of the base.
    assert [o.label for o in scale.options if o.dk] == ["Don't know"]
    assert {o.label for o in scale.valid_options} == {"Yes", "No"}
    assert RARE_NOTE_ONE in text


def test_rare_points_of_a_standard_scale_stay(tmp_path):
    answers = ["Agree"] * 10 + ["Disagree"] * 8 + ["Strongly agree", "Strongly disagree", "Not sure"]
    export = _write_csv(tmp_path / "s.csv", ["id", "I feel listened to"], [[f"R{i}", a] for i, a in enumerate(answers)])
    scale = draft_from_file(export).instrument.questions[0].scale
    assert scale.is_ordinal
    assert {"Strongly agree", "Strongly disagree", "Agree", "Disagree"} <= {o.label for o in scale.valid_options}
    assert [o.label for o in scale.options if o.dk] == ["Not sure"]


def test_a_grid_counts_respondents_not_cells(tmp_path):
    # One respondent gives the same typed answer in four rows: 4 cells, 1 respondent. Not an option.
    rows = []
    for i in range(12):
        vals = ["Friends", "Family", "Friends", "Family"] if i % 2 else ["Family", "Friends", "Family", "Friends"]
        rows.append([f"R{i}", *vals])
    rows.append(["R99"] + ["SECRETGRID Uncle Tom"] * 4)
    export = _write_csv(tmp_path / "g.csv", ["id", "with_mon", "with_tue", "with_wed", "with_thu"], rows)
    result = draft_from_file(export)
    _no_secret(result.yaml)
    assert "SECRETGRID Uncle Tom" not in _labels(result.instrument)


def test_limesurvey_address_and_mood_answers_are_not_options(external):
    name = external / "limesurvey/limonaid_survey_998192_R_data_file.csv"
    with open(name, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    head = rows[0]
    cols = [k for k, h in enumerate(head) if "address" in h.lower() and not h.startswith("Question time")
            or "mood" in h.lower()]
    answers = {r[k].strip() for r in rows[1:] for k in cols if k < len(r) and r[k].strip()}
    assert len(answers) >= 5
    result = draft_from_file(name)
    labels = _labels(result.instrument)
    typed = {a for a in answers if not (a.isdigit() and len(a) <= 2)}  # "7" is also a point of a 1-7 rating
    assert not typed & labels, typed & labels
    for a in answers:
        if len(a) >= 4:  # long enough not to occur by chance
            assert f'"{a}"' not in result.yaml, a


# -- ids YAML would read as something else -------------------------------------------------------------

AGREE = ["Agree", "Disagree", "Neither agree nor disagree"]


@pytest.mark.parametrize("header", ["No", "Off", "True", "Null", "yes", "on", "n", "y"])
def test_an_id_yaml_reads_as_true_false_or_null_loads_back_as_text(cli, tmp_path, header):
    export = _write_csv(tmp_path / "kw.csv", ["id", header], [[f"R{i}", AGREE[i % 3]] for i in range(20)])
    out = tmp_path / "d.yaml"
    _draft_cli(cli, export, out)
    check = cli("instrument", "check", out)
    assert check.returncode == 0, check.stderr
    doc = yaml.safe_load(out.read_text(encoding="utf-8"))
    ids = [q["id"] for q in doc["questions"]] + [p["id"] for p in doc.get("profile", [])]
    assert all(isinstance(i, str) for i in ids), ids
    validate = cli("validate", export, "--instrument", out)
    assert validate.returncode == 0, validate.stdout + validate.stderr


@pytest.mark.parametrize("stem", ["yes", "no", "null", "true", "off"])
def test_an_instrument_id_from_the_file_name_loads_back_as_text(tmp_path, stem):
    export = _write_csv(tmp_path / f"{stem}.csv", ["id", "How satisfied are you"],
                        [[f"R{i}", AGREE[i % 3]] for i in range(20)])
    result = draft_from_file(export)  # the draft is loaded and checked before it is returned
    assert yaml.safe_load(result.yaml)["id"] == stem
    assert result.instrument.id == stem


def test_spss_variables_named_like_yaml_words(cli, tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    import pandas as pd

    n = 20
    df = pd.DataFrame({"id": [f"R{i}" for i in range(n)], "on": [float(i % 2 + 1) for i in range(n)],
                       "yes": [float(i % 3 + 1) for i in range(n)], "null": [float(i % 2) for i in range(n)]})
    path = tmp_path / "kw.sav"
    pyreadstat.write_sav(df, str(path), column_labels=["Respondent", "Are you in care?", "How often?", "Placed?"],
                         variable_value_labels={"on": {1.0: "Yes", 2.0: "No"},
                                                "yes": {1.0: "Never", 2.0: "Sometimes", 3.0: "Often"},
                                                "null": {0.0: "No", 1.0: "Yes"}})
    out = tmp_path / "d.yaml"
    _draft_cli(cli, path, out)
    check = cli("instrument", "check", out)
    assert check.returncode == 0, check.stderr
    inst = load_instrument(out)
    found = {q.id for q in inst.questions} | {p.id for p in inst.profile}
    assert {"on", "yes", "null"} <= found
    # The variable label is the question's wording.
    assert inst.question("on").text == "Are you in care?"


# -- SPSS user-missing codes -----------------------------------------------------------------------------

def test_spss_user_missing_code_is_not_an_option_nor_quoted(cli, tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    import pandas as pd

    n = 20
    q1 = [float(i % 4 + 1) for i in range(n)]
    q1[3] = 77.0
    df = pd.DataFrame({"id": [f"R{i}" for i in range(n)], "q1": q1,
                       "q2": [float([1, 2, 3, 9][i % 4]) for i in range(n)]})
    path = tmp_path / "basic.sav"
    pyreadstat.write_sav(df, str(path), column_labels=["Respondent", "I feel safe", "Did you go missing?"],
                         variable_value_labels={
                             "q1": {1.0: "Strongly disagree", 2.0: "Disagree", 3.0: "Agree", 4.0: "Strongly agree",
                                    77.0: "SECRETLABEL the girl from Room 4 said no"},
                             "q2": {1.0: "Yes", 2.0: "No", 3.0: "Don't know", 9.0: "Refused"}},
                         missing_ranges={"q2": [9.0], "q1": [{"lo": 70.0, "hi": 80.0}]})
    out = tmp_path / "d.yaml"
    r = _draft_cli(cli, path, out)
    text = out.read_text(encoding="utf-8")
    _no_secret(text, r.stdout, r.stderr)
    inst = load_instrument(out)
    q1s = inst.question("q1")
    assert q1s.text == "I feel safe"
    assert [o.code for o in q1s.scale.options] == ["1", "2", "3", "4"]
    assert q1s.scale.is_ordinal
    assert "declares missing" in text
    q2s = inst.question("q2").scale
    assert "9" not in {o.code for o in q2s.options}
    validate = cli("validate", path, "--instrument", out)
    assert validate.returncode == 0, validate.stdout + validate.stderr
