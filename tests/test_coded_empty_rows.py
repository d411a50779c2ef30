"""Reading a coded file drops an answer's empty ("no code") row when the answer has codes, with
pandas' own per-group "any" (issue 14: a Python function per answer took seconds on large files):
the rows kept are those of deciding answer by answer."""

from __future__ import annotations

import random

import pandas as pd


def _kept_answer_by_answer(frame, by):
    """Keep a row with a code; keep an empty row only when no row of its answer (same ``by`` values,
    none of them missing) has a code. An empty row with a missing key is in no answer: dropped."""
    def missing(v):
        return v is None or (isinstance(v, float) and v != v)

    rows = [(tuple(key), code) for *key, code in zip(*(frame[c] for c in by), frame["code_id"])]
    coded_answers = {key for key, code in rows if not missing(code) and not any(map(missing, key))}
    return [not missing(code) or (not any(map(missing, key)) and key not in coded_answers) for key, code in rows]


def test_the_rows_kept_are_those_of_deciding_answer_by_answer():
    from surveykit.io.coded import _coded_or_only_row

    rng = random.Random(20261206)
    for _ in range(400):
        n = rng.randint(1, 14)
        pick = lambda pool: pd.Series([rng.choice(pool) for _ in range(n)], dtype=object)  # noqa: E731
        frame = pd.DataFrame({"respondent_id": pick(["r1", "r2", "r3", None]), "question_id": pick(["q1", "q2"]),
                              "coder": pick(["ann", "bo", None, float("nan")]),
                              "code_id": pick(["trust", "fear", None, float("nan")])})
        for by in (["respondent_id", "question_id", "coder"], ["respondent_id", "question_id"]):
            assert _coded_or_only_row(frame, by).tolist() == _kept_answer_by_answer(frame, by), (frame, by)


def test_a_coded_file_keeps_codes_and_the_empty_rows_of_uncoded_answers(tmp_path):
    """Through ``read_coded``, as every command reads a coded file."""
    from surveykit.io.coded import read_coded

    path = tmp_path / "coded.csv"
    path.write_text("respondent_id,question_id,code_id,start,end,matched,coder,via\n"
                    "R1,q7,,,,,ann,\n"
                    "R1,q7,lack_of_trust,0,5,,ann,\n"
                    "R2,q7,,,,,ann,\n"
                    "R3,q7,,,,,ann,\n"
                    "R3,q7,,,,,bo,\n"
                    "R3,q7,fear_of_traffickers,0,4,,bo,\n", encoding="utf-8")
    def rows(frame):
        return sorted((r, c, None if pd.isna(k) else k)
                      for r, c, k in zip(frame["respondent_id"], frame["coder"], frame["code_id"]))

    # One coder for the file (the default): R1 and R3 have codes, so their empty rows go; R2 keeps its
    # "no code" decision.
    assert rows(read_coded(path).frame) == sorted(
        [("R1", "coded", "lack_of_trust"), ("R2", "coded", None), ("R3", "coded", "fear_of_traffickers")])
