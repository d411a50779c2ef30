"""A REFI-QDA round trip puts spans back where they were in the answer.

``code export`` redacts the answers by default and moves each span with the text; ``code import`` read
the spans as offsets into the redacted text, so every coding after a redacted name came back shifted
("traffickers" at 81-92 returned as 87-98, "ckers alrea"; an audit). The exported source now carries
where its redacted stretches were (offsets only), and the import moves spans back."""

from __future__ import annotations

import csv

TEXT = ("We met Fatima Ali at the station in Leeds last March and she said she still owes the "
        "traffickers money for the journey.")


def _span(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


def test_spans_come_back_onto_the_answer_as_written(cli, tmp_path):
    from surveykit.coding.qdpx import redact_with_offsets

    new, _, n, stretches = redact_with_offsets(TEXT, [])
    assert n >= 1 and stretches and "Fatima" not in new  # the name is redacted: the offsets move
    answers = tmp_path / "answers.csv"
    with answers.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["respondent_id", "text"], ["r1", TEXT]])
    after, debt, name = _span("traffickers"), _span("owes"), _span("Fatima Ali")
    coded = tmp_path / "coded.csv"
    with coded.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["respondent_id", "question_id", "code_id", "coder", "start", "end"])
        w.writerow(["r1", "text", "trafficker_control", "ann", *after])
        w.writerow(["r1", "text", "debt_bondage", "ann", *debt])
        w.writerow(["r1", "text", "lack_of_trust", "ann", name[0] + 2, name[1]])  # starts inside the name
    project = tmp_path / "p.qdpx"
    r = cli("code", "export", coded, "--answers", answers, "--text-column", "text", "--out", project)
    assert r.returncode == 0, r.stderr
    back = tmp_path / "back.csv"
    r = cli("code", "import", project, "--out", back)
    assert r.returncode == 0, r.stderr
    rows = {row["code_id"]: (int(row["start"]), int(row["end"])) for row in csv.DictReader(back.open(encoding="utf-8"))}
    assert rows["trafficker_control"] == after and TEXT[slice(*rows["trafficker_control"])] == "traffickers"
    assert rows["debt_bondage"] == debt
    # a span that began inside the redacted name covers the whole name again (it cannot be finer)
    assert rows["lack_of_trust"][1] == name[1] and rows["lack_of_trust"][0] <= name[0] + 2


def test_offsets_are_read_only_from_surveykits_own_variable():
    from surveykit.coding.qdpx import offsets_text, parse_offsets, unredacted_span

    stretches = [(7, 17, 7, 13), (35, 40, 31, 37)]
    assert parse_offsets(offsets_text(stretches)) == stretches
    for junk in ("", "x", "7-17:7-13;oops", "7-17:7-13;1-2:0-1", "17-7:7-13"):
        assert parse_offsets(junk) == []
    assert unredacted_span(0, 5, stretches) == (0, 5)        # before any redaction
    assert unredacted_span(20, 25, stretches) == (24, 29)    # after the first: shifted by its length change
    assert unredacted_span(8, 12, stretches) == (7, 17)      # inside a placeholder: the whole stretch
    assert unredacted_span(38, 45, stretches) == (41, 48)     # after the second: both shifts
    assert unredacted_span(33, 45, stretches) == (35, 48)     # from inside the second placeholder
