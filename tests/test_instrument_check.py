"""surveykit instrument check: a valid file is summarised; a broken one is one stderr line naming the
file, the key path, what is allowed and the value found, exit 2."""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import CODEBOOKS

GOOD = """\
id: course_feedback
title: Course feedback
scales:
  agree:
    kind: ordinal
    options:
      - {code: "1", label: "Disagree"}
      - {code: "2", label: "Agree"}
      - {code: "DK", label: "Don't know", dk: true}
    top_box: ["2"]
  yes_no:
    kind: nominal
    options:
      - {code: "1", label: "Yes"}
      - {code: "0", label: "No"}
profile:
  - {id: respondent_id, kind: id}
  - {id: department, kind: category}
groupings: [department]
questions:
  - {id: views, text: "Views", type: single, scale: agree}
  - {id: rows, text: "Rows", type: grid, scale: agree, items: [{id: rows_a, label: "A"}, {id: rows_b, label: "B"}]}
  - {id: again, text: "Again?", type: single, scale: yes_no}
  - {id: comments, text: "Comments", type: text}
"""


def _write(tmp_path, text, name="my_survey.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_check_summarises_a_valid_instrument(cli, tmp_path):
    path = _write(tmp_path, GOOD)
    r = cli("instrument", "check", path)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert f"{path}: a valid instrument" in out
    assert "questions:    4: 2 single, 1 grid (2 items), 1 text" in out
    assert "agree (ordinal, 2 options + 1 don't know)" in out and "yes_no (nominal, 2 options)" in out
    assert "department (default)" in out
    assert "none (the report is built from the question types)" in out
    assert r.stderr == ""


def test_check_the_shipped_instrument_as_json(cli):
    path = CODEBOOKS / "professional_survey.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    r = cli("instrument", "check", path, "--format", "json")
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    types = [q["type"] for q in doc["questions"]]
    assert got["questions"] == {t: types.count(t) for t in ("single", "grid", "text")}
    assert got["items"] == sum(len(q.get("items", [])) for q in doc["questions"])
    assert [s["id"] for s in got["scales"]] == list(doc["scales"])
    assert [p["id"] for p in got["profile"]] == [p["id"] for p in doc["profile"]]
    assert got["groupings"] == doc["groupings"]
    assert [c["field"] for c in got["coded"]] == [c["field"] for c in doc["coding"]]
    assert got["report_sections"] == [s["id"] for s in doc["report"]["sections"]]


def _broken(replace_from, replace_to, extra=""):
    assert replace_from in GOOD
    return GOOD.replace(replace_from, replace_to, 1) + extra


BAD = {
    "unknown type": (_broken("type: single, scale: agree}", "type: singel, scale: agree}"),
                     ["questions[0].type", "'single', 'grid', 'text'", "'singel'"]),
    "unknown scale": (_broken("type: single, scale: agree}", "type: single, scale: agree7}"),
                      ["questions[0].scale", "'agree', 'yes_no'", "'agree7'"]),
    "duplicate id": (_broken("{id: comments,", "{id: views,"),
                     ["questions[3].id", "'views'", "already used at questions[0].id"]),
    "grid without items": (_broken(', items: [{id: rows_a, label: "A"}, {id: rows_b, label: "B"}]', ""),
                           ["questions[1].items", "a list of {id, label}", "got nothing"]),
    "net naming a missing code": (_broken('    top_box: ["2"]\n', '    top_box: ["2"]\n    nets: {low: ["0"]}\n'),
                                  ["scales.agree.nets.low", "'1', '2'", "'0'"]),
    "report names a missing question": (
        GOOD + "report:\n  sections:\n    - {title: Views, questions: [viewz], analyses: [score]}\n",
        ["report.sections[0].questions[0]", "'views', 'rows', 'again', 'comments'", "'viewz'"]),
    "analysis that does not fit the type": (
        GOOD + "report:\n  sections:\n    - {title: Views, questions: [views], analyses: [rank]}\n",
        ["report.sections[0].analyses[0]", "needs a grid with an ordinal scale", "'rank'", "'views'"]),
    "question id that is a path": (_broken("{id: views,", "{id: ../views,"),
                                   ["questions[0].id", "must be an id", "'../views'"]),
    "item id with a space": (_broken("{id: rows_a,", "{id: rows a,"),
                             ["questions[1].items[0].id", "must be an id", "'rows a'"]),
    "profile id beyond ASCII": (_broken("{id: department, kind: category}", "{id: départment, kind: category}"),
                                ["profile[1].id", "must be an id", "'départment'"]),
    "unknown analysis": (
        GOOD + "report:\n  sections:\n    - {title: Views, questions: [views], analyses: [scores]}\n",
        ["report.sections[0].analyses[0]", "'respondents', 'score'", "'scores'"]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_broken_instrument_is_one_line_exit_2(cli, tmp_path, case):
    text, expected = BAD[case]
    path = _write(tmp_path, text)
    r = cli("instrument", "check", path)
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert str(path) in lines[0]
    for part in expected:
        assert part in lines[0], (part, lines[0])
    assert list(tmp_path.iterdir()) == [path]  # nothing written


@pytest.mark.parametrize("text, expected", [
    ("scales: [\n", "not valid YAML"),
    ("- just a list\n", "must hold a mapping"),
    ("scales: {}\nquestions: []\nextra: 1\n", "extra: unknown key"),
])
def test_not_an_instrument(cli, tmp_path, text, expected):
    path = _write(tmp_path, text)
    r = cli("instrument", "check", path)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and expected in r.stderr, r.stderr


def test_missing_file(cli, tmp_path):
    r = cli("instrument", "check", tmp_path / "nope.yaml")
    assert r.returncode == 2 and "not found" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_the_broken_instrument_fails_the_same_way_in_every_command(cli, tmp_path):
    """A command given a broken --instrument says the same one line (the check is the parser's)."""
    from conftest import SAMPLE_SURVEY

    path = _write(tmp_path, BAD["unknown scale"][0])
    r = cli("validate", SAMPLE_SURVEY, "--instrument", path)
    assert r.returncode == 2 and "questions[0].scale" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_help_has_an_example(cli):
    for args in (("instrument", "--help"), ("instrument", "check", "--help"), ("instrument", "draft", "--help")):
        r = cli(*args)
        assert r.returncode == 0 and "Example:" in r.stdout


def test_an_id_that_cannot_name_a_file_is_refused_when_the_instrument_is_loaded(tmp_path):
    """The library refuses it too, naming the field, before any data is read (the report would
    otherwise meet it only when it names its files)."""
    import surveykit as sk
    from surveykit.errors import InstrumentError

    path = _write(tmp_path, _broken("{id: views,", "{id: .views,"))
    with pytest.raises(InstrumentError, match=r"questions\[0\]\.id: must be an id"):
        sk.load_instrument(path)
    assert sk.load_instrument(_write(tmp_path, _broken("{id: views,", "{id: q-views_2,"), "ok.yaml")).question("q-views_2")
