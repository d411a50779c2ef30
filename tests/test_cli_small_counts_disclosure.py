"""Counts the commands print beside their tables, on stderr and in the JSON's fields, are protected as
the tables are.

- ``code``: "33 with at least one code, 1 uncoded (ID)" gave the count the frequency table hides in
  its "No code" row, and the respondent; both counts are now [c] where either is small (each is the
  other's complement) and no id is listed (their number is the count). Streamed (the command's path)
  and in memory (the path of ``--suggest``) alike.
- ``code`` of a field with 1 to threshold - 1 answers (an "Other (please specify)" field of a pilot):
  the number of answers (in the message, the JSON, the table's title and base column) is [c], and so is
  the number of blank answers (the respondents, published elsewhere, less the answers).
- ``effectiveness`` and ``reasons``: "'Other (please specify)': 2 written answer(s)" gave a count of 1-4;
  it is now [c], and ``--show-other`` does not list the answers then.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_cli


@pytest.fixture(scope="module")
def small_sample(tmp_path_factory):
    """A 40-respondent sample: one q7 answer gets no code; 2 answers to q45's "Other"."""
    folder = tmp_path_factory.mktemp("small") / "s"
    made = run_cli("sample", "--out", folder, "--respondents", "40")
    assert made.returncode == 0, made.stderr
    return folder / "professional_survey.csv"


def _code(survey, *extra):
    result = run_cli("code", survey, "--question", "q7", "--view", "frequency", "--format", "json", *extra)
    assert result.returncode == 0, result.stderr
    return result


def test_code_hides_a_small_count_of_uncoded_answers_and_their_ids(small_sample):
    raw = _code(small_sample, "--no-suppress")
    counts = json.loads(raw.stdout)
    assert 0 < counts["n_uncoded"] < 5  # what this test is about: the sample leaves few uncoded
    uncoded_id_shown = raw.stderr.split("uncoded (", 1)[1].split(")", 1)[0]
    published = _code(small_sample)
    meta = json.loads(published.stdout)
    assert meta["n_coded"] == meta["n_uncoded"] == "[c]"
    assert "[c] with at least one code, [c] uncoded" in published.stderr
    assert uncoded_id_shown not in published.stderr
    none_row = [r for r in meta["rows"] if r["level"] == "none"][0]
    assert none_row["n"] == "[c]"  # the table hid it all along


def test_code_in_memory_hides_them_the_same_way(small_sample, monkeypatch):
    """The in-memory path (``code`` with ``--suggest`` takes it; forced here, as the tests comparing the
    two paths do, without training a model)."""
    from surveykit.cli import coding

    monkeypatch.setattr(coding, "_streamable", lambda: False)
    raw = json.loads(_code(small_sample, "--no-suppress").stdout)
    assert 0 < raw["n_uncoded"] < 5
    published = _code(small_sample)
    meta = json.loads(published.stdout)
    assert meta["n_coded"] == meta["n_uncoded"] == "[c]" and "[c] uncoded" in published.stderr
    assert "uncoded (" not in published.stderr


def test_code_of_a_field_with_few_answers_hides_how_many(small_sample):
    raw = run_cli("code", small_sample, "--question", "q14_other_text", "--view", "frequency", "--format", "json",
                  "--no-suppress")
    assert 0 < json.loads(raw.stdout)["n_answers"] < 5
    published = run_cli("code", small_sample, "--question", "q14_other_text", "--view", "frequency", "--format",
                        "json")
    assert published.returncode == 0, published.stderr
    doc = json.loads(published.stdout)
    assert doc["n_answers"] == "[c]" and {r["base"] for r in doc["rows"]} == {"[c]"}
    assert "q14_other_text: [c] answers ([c] blank skipped)" in published.stderr
    table = run_cli("code", small_sample, "--question", "q14_other_text", "--view", "frequency")
    assert "(% of [c] answers)" in table.stdout


@pytest.mark.parametrize("command", ["effectiveness", "reasons"])
def test_the_count_of_other_answers_is_hidden_when_small(small_sample, command):
    raw = run_cli(command, small_sample, "--format", "json", "--no-suppress")
    assert raw.returncode == 0, raw.stderr
    count = json.loads(raw.stdout)["other_count"]
    assert 0 < count < 5
    for extra in ([], ["--show-other"]):
        published = run_cli(command, small_sample, "--format", "json", *extra)
        assert published.returncode == 0, published.stderr
        payload = json.loads(published.stdout)
        assert payload["other_count"] == "[c]" and payload["other_answers"] == []
        table = run_cli(command, small_sample, *extra)
        assert f"'Other (please specify)': {count} written" not in table.stdout
        assert "'Other (please specify)': [c] written answer(s) (not listed while counts are suppressed)" in \
            table.stdout
