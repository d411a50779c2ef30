"""surveykit instrument draft through the command line, as a user runs it."""

from __future__ import annotations

import hashlib

import yaml

from conftest import SAMPLE_SURVEY

from surveykit.instrument import load_instrument, parse_instrument


def test_draft_the_sample_and_check_it(cli, tmp_path):
    out = tmp_path / "my_survey.yaml"
    r = cli("instrument", "draft", SAMPLE_SURVEY, "--out", out)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""  # the file is the data; messages go to stderr
    assert "drafted 47 questions (24 single, 3 grid, 20 text)" in r.stderr
    assert f"wrote {out}" in r.stderr
    drafted = parse_instrument(yaml.safe_load(out.read_text(encoding="utf-8")), path=str(out))
    shipped = load_instrument()
    for q in shipped.questions:
        d = drafted.question(q.id)
        assert (d.type, d.scale.kind if d.scale else None, len(d.items)) == \
            (q.type, q.scale.kind if q.scale else None, len(q.items)), q.id
    r = cli("instrument", "check", out)
    assert r.returncode == 0 and "a valid instrument" in r.stdout
    # The draft reads its own export: every question found, nothing unmapped.
    r = cli("inspect", SAMPLE_SURVEY, "--instrument", out)
    assert r.returncode == 0, r.stderr
    assert "47 of the instrument's 47 mapped" in r.stdout
    assert "unmapped column" not in r.stdout


def test_draft_to_stdout_is_the_same_yaml(cli, tmp_path):
    out = tmp_path / "a.yaml"
    assert cli("instrument", "draft", SAMPLE_SURVEY, "--out", out).returncode == 0
    r = cli("instrument", "draft", SAMPLE_SURVEY)
    assert r.returncode == 0
    assert r.stdout == out.read_text(encoding="utf-8")


def test_never_overwrites_without_force(cli, tmp_path):
    out = tmp_path / "mine.yaml"
    out.write_text("my own notes\n", encoding="utf-8")
    r = cli("instrument", "draft", SAMPLE_SURVEY, "--out", out)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "already exists" in r.stderr and "--force" in r.stderr
    assert out.read_text(encoding="utf-8") == "my own notes\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.yaml"]
    r = cli("instrument", "draft", SAMPLE_SURVEY, "--out", out, "--force")
    assert r.returncode == 0
    assert out.read_text(encoding="utf-8").startswith("# Instrument drafted by")
    # No temporary file left; the folder's record of the files surveykit wrote now lists the draft.
    assert sorted(p.name for p in tmp_path.iterdir()) == [".surveykit-files.json", "mine.yaml"]


def test_same_export_gives_a_byte_identical_draft(cli, tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    assert cli("instrument", "draft", SAMPLE_SURVEY, "--out", a).returncode == 0
    assert cli("instrument", "draft", SAMPLE_SURVEY, "--out", b).returncode == 0
    assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()


def test_draft_bad_input_is_one_line(cli, tmp_path):
    qsf = tmp_path / "survey.qsf"
    qsf.write_text("{}", encoding="utf-8")
    cases = [
        (("instrument", "draft", tmp_path / "missing.csv"), "file not found"),
        (("instrument", "draft", SAMPLE_SURVEY, "--qsf", qsf), "--qsf applies to Qualtrics exports only"),
        (("instrument", "draft", SAMPLE_SURVEY, "--out", tmp_path), "is a folder"),
        (("instrument", "draft", SAMPLE_SURVEY, "--platform", "nope"), "platform must be one of"),
    ]
    for args, expected in cases:
        r = cli(*args)
        assert r.returncode == 2, (args, r.stderr)
        assert len(r.stderr.strip().splitlines()) == 1 and expected in r.stderr, (args, r.stderr)
        assert "Traceback" not in r.stderr


def test_draft_of_an_export_with_nothing_to_draft(cli, tmp_path):
    path = tmp_path / "numbers.csv"
    path.write_text("respondent_id,age\n1,34\n2,51\n3,29\n4,67\n5,45\n6,38\n7,22\n8,59\n9,41\n10,33\n11,70\n12,19\n13,26\n",
                    encoding="utf-8")
    r = cli("instrument", "draft", path, "--out", tmp_path / "x.yaml")
    assert r.returncode == 2
    assert "no question could be drafted" in r.stderr and "numeric answers" in r.stderr
    assert not (tmp_path / "x.yaml").exists()


def test_help_does_not_import_heavy_libraries():
    import subprocess
    import sys

    code = ("import sys; from surveykit.cli import app; import surveykit.cli.instrument; "
            "print(sorted(m for m in ('pandas', 'yaml', 'scipy', 'pyreadstat') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_draft_with_a_limesurvey_structure_file(cli, tmp_path):
    import csv

    from test_instrument_draft import LS_STRUCTURE

    structure = tmp_path / "limesurvey_survey_1.txt"
    with open(structure, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter="\t").writerows(LS_STRUCTURE)
    export = tmp_path / "results-survey1.csv"
    head = ["Response ID", "Date submitted", "Last page", "Start language", "Seed", "Which team are you in?",
            "Which team are you in? [Other]", "How far do you agree? [Pay is fair]",
            "How far do you agree? [Work is varied]", "Anything else?"]
    body = [[str(i), "2024-01-01", "2", "en", "1", team, "", a, b, ""]
            for i, (team, a, b) in enumerate([("T1", "A1", "A3"), ("T2", "A3", "A4"), ("T1", "A4", "A3")], start=1)]
    with open(export, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([head] + body)
    out = tmp_path / "staff.yaml"
    r = cli("instrument", "draft", export, "--structure", structure, "--out", out)
    assert r.returncode == 0, r.stderr
    assert "survey definition limesurvey_survey_1.txt" in out.read_text(encoding="utf-8")
    r = cli("validate", export, "--instrument", out)
    assert r.returncode == 0, r.stdout + r.stderr
    r = cli("score", export, "--instrument", out, "--question", "views", "--no-suppress", "--format", "csv")
    assert r.returncode == 0, r.stderr
    agree = [ln for ln in r.stdout.splitlines() if ",views_sq001," in ln and ",Agree," in ln]
    assert agree and agree[0].split(",")[6] == "1"  # one respondent answered A3 (Agree) to "Pay is fair"

    bad = tmp_path / "not_a_structure.txt"
    bad.write_text("just some text\n", encoding="utf-8")
    r = cli("instrument", "draft", export, "--structure", bad)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert "not a LimeSurvey survey-structure file" in r.stderr
