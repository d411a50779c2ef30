"""The coding codebook: the shipped file, parsing errors, YAML round trip and `surveykit codebook check`."""

from __future__ import annotations

import json
import textwrap

import pytest
import yaml

from conftest import CODEBOOKS
from surveykit.coding.codebook import (Code, Codebook, Pattern, Theme, build_codebook, load_codebook, parse_codebook,
                                       parse_pattern)
from surveykit.coding.codebook_yaml import codebook_to_yaml
from surveykit.errors import CodebookError

SHIPPED = CODEBOOKS / "missing_reasons.yaml"

# DESIGN.md §5, typed in by hand: theme -> codes.
DESIGN_CODES = {
    "exploitation": ["trafficker_control", "re_trafficking", "debt_bondage"],
    "identification": ["not_identified", "not_believed"],
    "legal_process": ["age_assessment", "immigration", "criminalisation", "release_detention_custody",
                      "stressful_procedures"],
    "protection": ["poor_protection", "lack_specialist_support", "lack_advocacy", "unsuitable_placement"],
    "belonging": ["lack_of_trust", "isolation", "lack_of_control", "family_reunification", "personal_problems",
                  "school_problems", "forced_to_leave"],
}


def minimal(**over) -> dict:
    doc = {
        "id": "t", "title": "Test", "version": "1",
        "themes": [{"id": "a", "label": "A"}],
        "codes": [{"id": "x", "label": "X", "theme": "a", "patterns": ["apple*"],
                   "examples": ["I like apples."], "counter_examples": ["I like pears."]}],
    }
    doc.update(over)
    return doc


def test_shipped_codebook_has_the_21_codes_and_5_themes_of_the_design():
    cb = load_codebook()
    assert cb.path.endswith("missing_reasons.yaml")
    assert cb.theme_ids == tuple(DESIGN_CODES)
    assert len(cb.codes) == 21
    for theme, codes in DESIGN_CODES.items():
        assert [c.id for c in cb.codes_in(theme)] == codes
    for code in cb.codes:
        assert code.label and code.definition, code.id
        assert code.patterns, code.id
        assert len(code.examples) >= 2 and code.counter_examples, code.id
    assert cb.code("lack_advocacy").theme == "protection"
    assert cb.theme("belonging").label


def test_unknown_code_and_theme_errors_list_the_allowed_ids():
    cb = load_codebook()
    with pytest.raises(CodebookError, match="unknown code 'nope'.*'trafficker_control'"):
        cb.code("nope")
    with pytest.raises(CodebookError, match="unknown theme 'nope'.*'exploitation'"):
        cb.codes_in("nope")


@pytest.mark.parametrize("change, kind, fragment", [
    (lambda d: d["codes"][0].update(theme="zzz"), "unknown_theme", "theme 'zzz' is not declared"),
    (lambda d: d["codes"][0].pop("theme"), "no_theme", "in no theme"),
    (lambda d: d["codes"].append(dict(d["codes"][0])), "duplicate_id", "declared more than once"),
    (lambda d: d["codes"][0].update(patterns=[{"regex": "(unclosed"}]), "bad_regex", "bad regular expression"),
    (lambda d: d.update(codes=[]), "empty_codebook", "no codes"),
    (lambda d: d["codes"][0].update(patterns=[{"phrase": "a b", "gap": 99}]), "bad_pattern", "gap must be"),
    (lambda d: d["codes"][0].update(patterns=[{"word": "two words"}]), "bad_pattern", "one word"),
    (lambda d: d["codes"][0].update(patterns=[{"stem": "x", "phrase": "y z"}]), "bad_pattern", "exactly one"),
])
def test_structural_problems_are_named(change, kind, fragment):
    doc = minimal()
    change(doc)
    _, problems = build_codebook(doc, path="t.yaml")
    assert kind in [p.kind for p in problems]
    with pytest.raises(CodebookError, match=fragment) as err:
        parse_codebook(doc, path="t.yaml")
    assert str(err.value).startswith("t.yaml: ")


def test_all_problems_are_collected_not_just_the_first():
    doc = minimal()
    doc["codes"].append({"id": "y", "label": "Y", "theme": "nowhere", "patterns": [{"regex": "["}]})
    doc["codes"].append({"id": "x", "label": "dup", "theme": "a"})
    _, problems = build_codebook(doc)
    assert {"unknown_theme", "bad_regex", "duplicate_id"} <= {p.kind for p in problems}
    with pytest.raises(CodebookError, match=r"and 2 more problem"):
        parse_codebook(doc)


def test_not_a_mapping_is_not_a_codebook():
    with pytest.raises(CodebookError, match="must hold a mapping"):
        parse_codebook(["a", "list"])


def test_pattern_forms():
    assert parse_pattern("traffick*") == Pattern("word", "traffick*")
    assert parse_pattern("pay back") == Pattern("phrase", "pay back")
    assert parse_pattern({"stem": "owe"}) == Pattern("stem", "owe")
    assert parse_pattern({"phrase": "no trusted adult", "absence": True}) == Pattern("phrase", "no trusted adult", 0, True)
    assert parse_pattern({"phrase": "pay * back", "gap": 2}).max_gap == 2
    assert parse_pattern({"stem": "believe", "negated": True}).negated
    with pytest.raises(ValueError, match="both"):
        parse_pattern({"phrase": "a b", "absence": True, "negated": True})
    with pytest.raises(ValueError, match="start or end"):
        parse_pattern({"phrase": "* a"})


def test_yaml_round_trip_including_empty_patterns():
    cb = load_codebook()
    again = parse_codebook(yaml.safe_load(codebook_to_yaml(cb)), path=cb.path)
    assert again.codes == cb.codes and again.themes == cb.themes
    assert (again.negation_cues, again.negation_window) == (cb.negation_cues, cb.negation_window)
    # What D2's REFI-QDA import writes: codes without patterns.
    bare = Codebook("imp", "Imported", "1", (Theme("t", "T"),), (Code("c1", "C one", "t", definition="d"),))
    text = codebook_to_yaml(bare)
    assert "patterns: []" in text
    assert parse_codebook(yaml.safe_load(text)).codes == bare.codes


# -- the CLI ------------------------------------------------------------------------------------

def test_cli_check_shipped_codebook_passes(cli):
    res = cli("codebook", "check", SHIPPED, "--format", "json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["ok"] is True and out["codes"] == 21 and out["themes"] == 5
    n_examples = sum(len(c.examples) + len(c.counter_examples) for c in load_codebook().codes)
    assert out["examples_checked"] == n_examples
    assert "codebook OK" in res.stderr


def test_cli_check_reports_every_problem_and_exits_1(cli, tmp_path):
    doc = minimal()
    doc["codes"][0]["examples"].append("Nothing fruity here.")           # example that does not code
    doc["codes"][0]["counter_examples"].append("Apple pie again.")        # counter-example that codes
    doc["codes"].append({"id": "y", "label": "Y", "theme": "b", "patterns": [{"regex": "(x"}]})
    doc["codes"].append({"id": "z", "label": "Z", "patterns": ["zed"]})
    doc["codes"].append({"id": "x", "label": "again", "theme": "a"})
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(doc))
    res = cli("codebook", "check", path, "--format", "json")
    assert res.returncode == 1, res.stderr
    kinds = {(p["code"], p["kind"]) for p in json.loads(res.stdout)["rows"]}
    assert {("y", "unknown_theme"), ("y", "bad_regex"), ("z", "no_theme"), ("x", "duplicate_id")} <= kinds
    assert "Traceback" not in res.stderr
    # Examples are checked once the patterns compile.
    doc = minimal()
    doc["codes"][0]["examples"].append("Nothing fruity here.")
    doc["codes"][0]["counter_examples"].append("Apple pie again.")
    path.write_text(yaml.safe_dump(doc))
    res = cli("codebook", "check", path)
    assert res.returncode == 1
    assert "example #2 ('Nothing fruity here.') does not get the code; it got no code" in res.stdout
    assert "counter-example #2" in res.stdout and "'Apple'" in res.stdout


def test_cli_check_unusable_files_exit_2(cli, tmp_path):
    res = cli("codebook", "check", tmp_path / "missing.yaml")
    assert res.returncode == 2 and "codebook file not found" in res.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("codes: [unclosed\n")
    res = cli("codebook", "check", bad)
    assert res.returncode == 2 and "not valid YAML" in res.stderr
    lst = tmp_path / "list.yaml"
    lst.write_text("- a\n- b\n")
    res = cli("codebook", "check", lst)
    assert res.returncode == 2 and "must hold a mapping" in res.stderr


def test_cli_check_empty_codebook_is_a_problem(cli, tmp_path):
    p = tmp_path / "empty.yaml"
    p.write_text(textwrap.dedent("""\
        id: e
        title: Empty
        version: "1"
        themes: [{id: a, label: A}]
        codes: []
    """))
    res = cli("codebook", "check", p)
    assert res.returncode == 1
    assert "empty_codebook" in res.stdout


# -- lexicon, sense filters and scope in the YAML -------------------------------------------------

def test_lexicon_filters_and_settings_round_trip():
    doc = minimal(lexicon={"global": {"HO": "home office"}, "codes": {"x": {"homesick": "missing family"}}},
                  exclude_answers=[{"phrase": "adult victims"}], typos={"min_length": 7})
    doc["codes"][0]["exclude_context"] = ["crumble", {"phrase": "apple pie"}]
    doc["codes"][0]["exclude_window"] = 2
    cb = parse_codebook(doc)
    assert [e.describe() for e in cb.lexicon.entries] == ["HO = home office", "homesick = missing family"]
    assert cb.lexicon.for_code("x")[0].reading == "missing family"
    assert cb.typo_min_length == 7 and cb.code("x").exclude_window == 2
    back = parse_codebook(yaml.safe_load(codebook_to_yaml(cb)))
    assert back == cb
    assert parse_codebook(minimal(typos=False)).typo_min_length is None


@pytest.mark.parametrize("change, kind, fragment", [
    ({"lexicon": ["HO"]}, "bad_lexicon", "'lexicon' must be a mapping"),
    ({"lexicon": {"global": {"HO": ""}}}, "bad_lexicon", "needs a key and a non-empty reading"),
    ({"lexicon": {"global": {"HO": "home office", "ho ": "x"}}}, "bad_lexicon", None),
    ({"lexicon": {"codes": {"nope": {"a": "b"}}}}, "bad_lexicon", "unknown code 'nope'"),
    ({"typos": {"min_length": 2}}, "bad_typos", "min_length"),
    ({"exclude_answers": "adults"}, "bad_pattern", "'exclude_answers' must be a list"),
    ({"exclude_answers": [{"regex": "^(a+)+$"}]}, "bad_regex", "exponential time"),
])
def test_new_settings_problems_are_named(change, kind, fragment):
    _, problems = build_codebook(minimal(**change), path="t.yaml")
    found = [p for p in problems if p.kind == kind]
    if fragment is None:  # "ho " and "HO" are different keys: HO is matched in capitals only
        assert not found
        return
    assert found and fragment in found[0].message


def test_exclude_context_problems_are_named():
    doc = minimal()
    doc["codes"][0]["exclude_context"] = [{"regex": "(x"}]
    doc["codes"][0]["exclude_window"] = 99
    _, problems = build_codebook(doc, path="t.yaml")
    messages = [p.message for p in problems]
    assert any(m.startswith("exclude_context #1: bad regular expression") for m in messages)
    assert any("'exclude_window' must be a whole number from 0 to 10" in m for m in messages)


# -- hostile patterns through every command that loads a codebook ---------------------------------

def evil_codebook(tmp_path, pattern) -> str:
    doc = minimal()
    doc["codes"][0]["patterns"] = [pattern, "apple*"]
    path = tmp_path / "evil.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


def test_cli_check_reports_a_catastrophic_regex_instead_of_hanging(cli, tmp_path):
    res = cli("codebook", "check", evil_codebook(tmp_path, {"regex": "^(a+)+$"}), timeout=60)
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "bad_regex" in res.stdout and "exponential time" in res.stdout
    # A slow regex the static check cannot see is caught by running it under a time limit.
    res = cli("codebook", "check", evil_codebook(tmp_path, {"regex": "^(a|aa)+$"}), timeout=60)
    assert res.returncode == 1 and "slow_regex" in res.stdout
    assert "examples and counter-examples checked" in res.stderr  # the examples still ran


def test_code_and_report_refuse_a_catastrophic_regex_in_one_line(cli, tmp_path):
    from conftest import SAMPLE_SURVEY

    evil = evil_codebook(tmp_path, {"regex": "^(a+)+$"})
    answers = tmp_path / "answers.csv"
    answers.write_text("respondent_id,answer\nr1," + "a" * 60 + "!\n")
    res = cli("code", answers, "--text-column", "answer", "--codebook", evil, "--out", tmp_path / "out.csv",
              timeout=60)
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1
    assert "exponential time" in res.stderr and "evil.yaml" in res.stderr
    assert not (tmp_path / "out.csv").exists()
    res = cli("report", "--survey", SAMPLE_SURVEY, "--codebook", evil, "--out", tmp_path / "report", timeout=300)
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert "exponential time" in res.stderr
    assert not (tmp_path / "report").exists()


def test_code_stops_in_one_line_when_a_regex_runs_past_its_time_limit(cli, tmp_path):
    evil = evil_codebook(tmp_path, {"regex": "^(a|aa)+$"})
    answers = tmp_path / "answers.csv"
    answers.write_text("respondent_id,answer\nr1,apples\nr2," + "a" * 60 + "!\n")
    res = cli("code", answers, "--text-column", "answer", "--codebook", evil, "--out", tmp_path / "out.csv",
              timeout=60)
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1
    assert "ran past its time limit" in res.stderr and "'^(a|aa)+$'" in res.stderr
    assert not (tmp_path / "out.csv").exists()


def test_a_glob_that_backtracked_for_a_minute_codes_at_once(cli, tmp_path):
    # As a regular expression, a*a*...*z took about 54 s on ONE 50-letter word; here 40 such words
    # are coded within the subprocess time limit (a hang guard, not a speed measurement).
    path = evil_codebook(tmp_path, "a*a*a*a*a*a*a*a*a*a*z")
    answers = tmp_path / "answers.csv"
    answers.write_text("respondent_id,answer\n" + "".join(f"r{i}," + "a" * 50 + "\n" for i in range(40))
                       + "r99," + "a" * 49 + "z\n")
    res = cli("code", answers, "--text-column", "answer", "--codebook", path, "--format", "csv", timeout=120)
    assert res.returncode == 0, res.stderr
    coded = [line.split(",") for line in res.stdout.splitlines()[1:]]
    assert [r[0] for r in coded if r[2] == "x"] == ["r99"]


@pytest.mark.parametrize("pattern", ["a{4294967294}", "(?:(?:a{1000}){1000}){1000}", "x\\p{L}{200000}"])
def test_a_regex_whose_counted_repeats_expand_to_gigabytes_is_refused_before_compiling(tmp_path, pattern):
    """Compiling expands a counted repeat (a{10000000} took 2.7 GB): the check comes first. Run in a
    process limited to 1 GB of memory, so the old code fails quickly rather than filling the machine."""
    from conftest import run_cli_forked

    path = evil_codebook(tmp_path, {"regex": pattern})
    res = run_cli_forked("-m", "surveykit", "codebook", "check", path, timeout=120, limit_as=1 << 30)
    assert res.returncode == 1, res.stderr
    assert "bad_regex" in res.stdout and "counted repeats" in res.stdout and "internal error" not in res.stderr
    _, problems = build_codebook(yaml.safe_load(path.read_text()), path=str(path))
    assert any(p.kind == "bad_regex" and "at most 100,000" in p.message for p in problems)
    # Ordinary counted repeats stay allowed.
    _, problems = build_codebook(minimal(**{"exclude_answers": [{"regex": "\\b\\d{2,4}\\b"}]}), path="t.yaml")
    assert not [p for p in problems if p.kind == "bad_regex"]
