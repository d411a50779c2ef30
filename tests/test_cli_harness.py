"""The test harness runs the CLI in-process (``run_cli``); these tests keep it honest against a real
``python -m surveykit`` process (``run_cli_subprocess``): same exit codes, same stdout, same stderr."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CODEBOOKS, SAMPLE_RANKINGS, SAMPLE_SURVEY, run_cli, run_cli_subprocess


def _same(a, b):
    # A real process names itself "python -m surveykit" in click's usage lines; users run "surveykit".
    def seen(r):
        return r.returncode, r.stdout.replace("python -m surveykit", "surveykit"), \
            r.stderr.replace("python -m surveykit", "surveykit")

    return seen(a) == seen(b)


@pytest.mark.parametrize("args", [
    ("--version",),
    ("--help",),                                               # listed from cli.app.COMMANDS in a process
    (),
    ("code", "--help"),
    ("foi", "summary", "--help"),
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
    """A crash must look like one, or 'no traceback' checks mean nothing: exit 3 and one line naming a bug
    (no answer text), and the traceback itself with SURVEYKIT_DEBUG=1."""
    import surveykit.api

    def boom(*args, **kwargs):
        raise RuntimeError("internal failure")

    monkeypatch.setattr(surveykit.api, "read", boom)
    r = run_cli("validate", SAMPLE_SURVEY)
    assert r.returncode == 3
    assert "bug in surveykit" in r.stderr and "Traceback" not in r.stderr
    monkeypatch.setenv("SURVEYKIT_DEBUG", "1")
    r = run_cli("validate", SAMPLE_SURVEY)
    assert r.returncode != 0
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


def test_the_command_table_matches_the_command_modules():
    """``surveykit --help`` lists ``cli.app.COMMANDS`` without importing the command modules, and a
    command imports only the modules named there: both must match what the modules define."""
    import typer.main

    from surveykit.cli import app, load
    from surveykit.cli.app import COMMANDS, MODULES

    load()
    built = typer.main.get_command(app).commands
    assert list(built) == list(COMMANDS)
    for name, cmd in built.items():
        entry = COMMANDS[name]
        assert " ".join(cmd.help.split("\n\n")[0].split()) == entry.help, name
        callbacks = [c.callback for c in getattr(cmd, "commands", {}).values()] or [cmd.callback]
        for cb in callbacks:
            module = getattr(cb, "__module__", "")
            assert module.rpartition(".")[2] in entry.modules, (name, module)
        assert all(m in MODULES for m in entry.modules)


def test_help_imports_no_command_module():
    code = ("import sys\nfrom surveykit.cli import main\nsys.argv = ['surveykit', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('surveykit.cli.')), file=sys.stderr)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    # the application and its coercion of option values (cli.coerce); no module that defines commands
    assert out.stderr.strip().splitlines()[-1] == "['surveykit.cli.app', 'surveykit.cli.coerce']"
    assert "Commands:" in out.stdout and "report" in out.stdout
