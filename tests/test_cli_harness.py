"""The test harness runs the CLI in-process (``run_cli``); these tests keep it honest against a real
``python -m surveykit`` process (``run_cli_subprocess``): same exit codes, same stdout, same stderr."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CODEBOOKS, SAMPLE_RANKINGS, SAMPLE_SURVEY, run_cli, run_cli_subprocess


def _same(a, b):
    # A real process names itself "python -m surveykit" in click's usage lines; users run "surveykit".
    return (a.returncode, a.stdout, a.stderr.replace("python -m surveykit", "surveykit")) == \
        (b.returncode, b.stdout, b.stderr.replace("python -m surveykit", "surveykit"))


@pytest.mark.parametrize("args", [
    ("--version",),
    ("validate", SAMPLE_SURVEY, "--format", "json"),
    ("score", SAMPLE_SURVEY, "--question", "q45", "--by", "sector", "--format", "csv"),
    ("rank", SAMPLE_RANKINGS, "--format", "csv"),
    ("score", SAMPLE_SURVEY, "--question", "nope"),           # a user mistake: exit 2, one line
    ("validate", "no/such/file.csv"),                          # exit 2
    ("no-such-command",),                                      # click's usage error, exit 2
    ("score", SAMPLE_SURVEY, "--threshold", "many"),           # click's bad parameter, exit 2
], ids=lambda a: " ".join(map(str, a))[:60])
def test_in_process_run_matches_a_real_process(args, tmp_path):
    inside = run_cli(*args, cwd=tmp_path)
    outside = run_cli_subprocess(*args, cwd=tmp_path)
    assert _same(inside, outside), (inside, outside)


def test_working_folder_is_entered_and_left(tmp_path):
    (tmp_path / "rel").mkdir()
    r = run_cli("sample", "--out", "rel/s", "--respondents", "20", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "rel" / "s" / "professional_survey.csv").is_file()
    assert Path.cwd() != tmp_path  # the working folder is restored afterwards


def test_an_uncaught_exception_is_a_traceback_on_stderr(monkeypatch):
    """A crash must look like one (exit 1, a traceback on stderr), or 'no traceback' checks mean nothing."""
    import surveykit.api

    def boom(*args, **kwargs):
        raise RuntimeError("internal failure")

    monkeypatch.setattr(surveykit.api, "read", boom)
    r = run_cli("validate", SAMPLE_SURVEY)
    assert r.returncode == 1
    assert "Traceback (most recent call last)" in r.stderr and "RuntimeError: internal failure" in r.stderr


def test_a_rewritten_instrument_is_read_again(tmp_path):
    """One process reads an instrument once; in-process runs must still see a file a test rewrote."""
    src = (CODEBOOKS / "professional_survey.yaml").read_text(encoding="utf-8")
    inst = tmp_path / "inst.yaml"
    inst.write_text(src, encoding="utf-8")
    first = run_cli("validate", SAMPLE_SURVEY, "--instrument", inst)
    assert first.returncode == 0, first.stderr
    inst.write_text("questions: [not, an, instrument\n", encoding="utf-8")
    second = run_cli("validate", SAMPLE_SURVEY, "--instrument", inst)
    assert second.returncode == 2 and "Traceback" not in second.stderr
    assert len(second.stderr.strip().splitlines()) == 1
