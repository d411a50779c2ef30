"""`quotes` codes many answers in the worker pool, as `code` does (issue 14: fast at every size), and
picks the same quotes as coding them one by one in its own process."""

from __future__ import annotations

import csv

from conftest import SAMPLE_SURVEY


def _answers_file(tmp_path, sample_responses, copies):
    """The sample's q7 answers, each given by ``copies`` respondents of its sector (distinct ids)."""
    data = sample_responses.data
    rows = [(f"{rid}-{k}", sector, text) for k in range(copies)
            for rid, sector, text in zip(data["respondent_id"], data["sector"], data["q7"]) if text]
    path = tmp_path / "answers.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "sector", "answer"])
        w.writerows(rows)
    return path, len(rows)


def test_quotes_of_many_answers_are_those_of_coding_one_by_one(cli, tmp_path, sample_responses, monkeypatch):
    import surveykit.coding.stream as stream

    path, n = _answers_file(tmp_path, sample_responses, copies=10)
    assert n > stream.DEFAULT_CHUNK  # more than one chunk: the pool codes them
    chunks = []
    real = stream.code_stream

    def spy(*args, **kwargs):
        for chunk in real(*args, **kwargs):
            chunks.append(chunk.answers)
            yield chunk

    monkeypatch.setattr(stream, "code_stream", spy)
    args = ["quotes", path, "--text-column", "answer", "--id-column", "id", "--sector-column", "sector",
            "--code", "lack_of_trust", "--per-sector", "3", "--format", "csv"]
    pooled = cli(*args)
    assert pooled.returncode == 0, pooled.stderr
    assert len(chunks) > 1 and sum(chunks) == n
    monkeypatch.setattr(stream, "DEFAULT_CHUNK", 10 * n)  # now coded here, one answer at a time
    one_by_one = cli(*args)
    assert one_by_one.returncode == 0, one_by_one.stderr
    assert pooled.stdout == one_by_one.stdout and pooled.stderr == one_by_one.stderr
    assert len(pooled.stdout.splitlines()) > 3


def test_a_survey_export_of_one_chunk_is_quoted_through_the_cli(cli):
    r = cli("quotes", SAMPLE_SURVEY, "--code", "lack_of_trust", "--format", "csv")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0].startswith("sector,")


def test_code_ids_by_answer_groups_each_answers_rows():
    from surveykit.coding.stream import code_ids_by_answer

    rows = [("R1", "q", "a", 0, 1, "", "rules", ""), ("R1", "q", "b", 2, 3, "", "rules", ""),
            ("R2", "q", "", None, None, "", "rules", ""), ("R3", "q", "a", 0, 1, "", "rules", "")]
    assert code_ids_by_answer(rows) == [("R1", ("a", "b")), ("R2", ()), ("R3", ("a",))]
    assert code_ids_by_answer([]) == []
