"""The CLI as a whole: every command has help with an example, --version, and a light start-up."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from surveykit import __version__
from surveykit.cli import app

HEAVY = ("pandas", "pingouin", "sklearn", "nltk", "matplotlib", "scipy", "statsmodels")


def _command_paths():
    """Every command path (e.g. ('codebook', 'check')) registered on the app, walked through click."""
    import typer.main

    root = typer.main.get_command(app)
    paths = []

    def walk(cmd, prefix):
        subcommands = getattr(cmd, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                walk(sub, prefix + (name,))
        elif prefix:
            paths.append(prefix)

    walk(root, ())
    return sorted(paths)


def test_the_app_has_the_foundation_commands():
    paths = _command_paths()
    for name in ("inspect", "validate", "sample"):
        assert (name,) in paths


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p))
def test_every_command_has_help_with_an_example(cli, path):
    result = cli(*path, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout
    assert "Example:" in result.stdout, f"'surveykit {' '.join(path)} --help' shows no example"


def test_version(cli):
    result = cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"surveykit {__version__}"


def test_help_imports_no_heavy_library():
    code = (
        "import sys, json\n"
        "from surveykit.cli import main\n"
        "sys.argv = ['surveykit', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    loaded = json.loads(result.stderr.strip().splitlines()[-1])
    assert loaded == [], f"surveykit --help imported {loaded}"
    assert "Usage:" in result.stdout


def test_unknown_command_is_a_usage_error(cli):
    result = cli("no-such-command")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("option, value", [("--instrument", "codebooks/professional_survey.yaml"),
                                           ("--encoding", "cp1252"), ("--platform", "qualtrics")])
def test_validate_without_file_refuses_what_describes_the_users_export(cli, option, value):
    """Without FILE, validate checks the shipped sample; an option describing the user's own export would
    check the sample against it (a forgotten FILE): refused in one line, naming the option."""
    r = cli("validate", option, value)
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip() == (f"surveykit: error: {option} without FILE: give the export it describes "
                                "(without FILE, validate checks the shipped sample study as it is)")
    assert r.stdout == ""
