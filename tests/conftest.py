"""Shared fixtures: paths, the external fixtures folder, and running the CLI as a user does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXTERNAL = SHARED / "fixtures" / "external"
SAMPLE_DIR = ROOT / "responses" / "sample"
SAMPLE_SURVEY = SAMPLE_DIR / "professional_survey.csv"
SAMPLE_RANKINGS = SAMPLE_DIR / "youth_ranking.csv"
CODEBOOKS = ROOT / "codebooks"


@pytest.fixture
def external():
    """The folder of real exports written by other people; the test skips when it is absent."""
    if not EXTERNAL.is_dir():
        pytest.skip("../shared/fixtures/external is not present")
    return EXTERNAL


def run_cli(*args: str, cwd: Path | None = None, input: str | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``surveykit ARGS`` in a subprocess exactly as a user would (python -m surveykit)."""
    env = dict(os.environ)
    env.setdefault("MPLBACKEND", "Agg")
    return subprocess.run([sys.executable, "-m", "surveykit", *map(str, args)], cwd=cwd or ROOT,
                          capture_output=True, text=True, input=input, timeout=timeout, env=env)


@pytest.fixture
def cli():
    return run_cli
