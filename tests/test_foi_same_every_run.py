"""The FOI protection is the same in every run: its search broke ties by the order of a set of
authority ids, which follows Python's string hashing and so changed from one process to the next. The
shipped FOI sample's summary then hid the North's children who went missing in some runs and showed
them in others (and a reader with both outputs would have had both halves)."""

from __future__ import annotations

import pytest

from conftest import run_cli_subprocess
from foi_data import SAMPLE_CSV, SAMPLE_NATIONALITY

# 0 and 12 gave different summaries before (12, 20 and 22 of the first 26 seeds gave the other one).
SEEDS = ("0", "12")


@pytest.mark.slow
def test_the_summary_is_the_same_whatever_the_string_hashing():
    outputs = set()
    for seed in SEEDS:
        r = run_cli_subprocess("foi", "summary", SAMPLE_NATIONALITY, SAMPLE_CSV, "--format", "json",
                               env={"PYTHONHASHSEED": seed})
        assert r.returncode == 0, r.stderr
        outputs.add(r.stdout)
    assert len(outputs) == 1
