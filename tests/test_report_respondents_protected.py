"""Who responded, published: a group's size is a count like any other (issue: the respondents table
showed groups of 1-4, and a completion total of 12 of 12 gave away every hidden completion count)."""

from __future__ import annotations

import pandas as pd

from surveykit.report.sections import protect_completion

C = "[c]"


def _frame(rows):
    out = [{"group": g, "group_label": g, "respondents": n, "pct_of_respondents": 0.0, "completed": d,
            "pct_completed": 0.0} for g, n, d in rows]
    n, d = sum(r[1] for r in rows), sum(r[2] for r in rows)
    out.append({"group": "total", "group_label": "All", "respondents": n, "pct_of_respondents": 100.0,
                "completed": d, "pct_completed": 0.0})
    return pd.DataFrame(out)


def test_a_small_group_and_another_are_hidden():
    shown = protect_completion(_frame([("a", 40, 30), ("b", 25, 20), ("c", 3, 2), ("d", 30, 25)]), 5)
    sizes = dict(zip(shown["group"], shown["respondents"]))
    assert sizes["c"] == C
    assert sum(v == C for g, v in sizes.items() if g != "total") >= 2  # the total is published
    assert sizes["total"] == 98


def test_everyone_completed_gives_nothing_away():
    # 12 of 12 completed: a reader knows every group completed, so completion equals size everywhere.
    shown = protect_completion(_frame([("a", 3, 3), ("b", 1, 1), ("c", 2, 2), ("d", 6, 6)]), 5)
    for g, n, d in zip(shown["group"], shown["respondents"], shown["completed"]):
        if g == "total":
            continue
        if n == C:
            assert d == C
        else:
            assert n >= 5 or n == 0
    # a, b, c are under 5: each hidden with its completion; three unknowns adding up to 6 pin none down.
    assert list(shown["respondents"][:3]) == [C, C, C]


def test_shown_sizes_are_exact():
    frame = _frame([("a", 40, 30), ("b", 25, 20), ("c", 30, 25)])
    shown = protect_completion(frame, 5)
    assert list(shown["respondents"]) == list(frame["respondents"])
    assert list(shown["completed"]) == list(frame["completed"])


def test_report_of_a_small_survey_shows_no_small_group(tmp_path):
    import dataclasses

    import surveykit as sk
    from conftest import SAMPLE_SURVEY

    r = sk.read(SAMPLE_SURVEY)
    small = dataclasses.replace(r, data=r.data.iloc[:14].reset_index(drop=True))
    raw = small.data["sector"].value_counts()
    assert ((raw > 0) & (raw < 5)).any()  # the data holds small groups
    out = sk.report(small).write(tmp_path / "rep")
    table = pd.read_csv(out / "tables" / "who_responded_by_sector.csv", dtype=str, keep_default_na=False)
    body = table[table["group"] != "total"]
    for value in body["respondents"]:
        assert value == C or value == "0" or int(value) >= 5
    charts = sorted(p.name for p in (out / "charts").iterdir())
    assert "who_responded_by_sector.png" in charts
    _check_answers_per_group(out / "report.md")
    _check_ranked_grids(out)
    _check_quoted_codes(out)


def _check_quoted_codes(out):
    """The quotes of a small survey come from codes whose counts are suppressed: they are taken in the
    codebook's order (the codes table's), after any code whose count is shown, never in the order of
    their true counts."""
    codes = pd.read_csv(out / "tables" / "q7_codes.csv", dtype=str, keep_default_na=False)
    codes = codes[codes["level"] == "code"]
    quotes = pd.read_csv(out / "tables" / "q7_quotes.csv", dtype=str, keep_default_na=False)
    quoted = list(dict.fromkeys(quotes["code_id"]))
    hidden = set(codes.loc[codes["n"] == C, "id"])
    assert hidden & set(quoted), "the small survey quotes codes whose counts are suppressed"
    flags = [c in hidden for c in quoted]
    assert flags == sorted(flags)
    book = list(codes["id"])
    in_hidden = [c for c in quoted if c in hidden]
    assert in_hidden == sorted(in_hidden, key=book.index)
    assert in_hidden == [c for c in book if c in hidden][:len(in_hidden)]  # the first ones, not the most used
    md = (out / "report.md").read_text(encoding="utf-8")
    assert ("one answer per group for the most frequent codes whose counts are shown, then codes whose counts are "
            "suppressed, in the codebook's order") in md


def _check_ranked_grids(out):
    """A ranked grid of a small survey has suppressed shares: each comes after the shown ones, without a
    rank, and the grid's findings say they speak of the items whose share is shown (or that the groups
    are too small), never naming a suppressed item among the highest or lowest."""
    md = (out / "report.md").read_text(encoding="utf-8")
    checked = 0
    for path in sorted((out / "tables").glob("*_ranked.csv")):
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        hidden = list(table["pct_top_box"] == C)
        if not any(hidden):
            continue
        checked += 1
        assert hidden == sorted(hidden)
        assert list(table["rank"] == C) == hidden
        if not all(hidden):
            assert "(of the items whose share is shown)" in md
        lines = md.splitlines()
        qid = path.stem.split("_")[0].upper()
        at = next(k for k, line in enumerate(lines) if line.startswith(f"> {qid} ") and "ranked by the share" in line)
        findings = [lines[at]] + [line for line in lines[at + 1:at + 3] if line.startswith("> Lowest share")]
        for label in table.loc[table["pct_top_box"] == C, "item_label"]:
            assert not any(f"{label} (" in line for line in findings), (label, findings)
    assert checked, "the small survey has a ranked grid with a suppressed share"


def _check_answers_per_group(report_md):
    """The coded field's note "Answers per group: A 12; B 3; ..." is a row of counts whose total (the
    answers in all) is in the table's title: a base under 5 is [c], and never alone."""
    import re

    notes = [line for line in report_md.read_text(encoding="utf-8").splitlines() if "Answers per group:" in line]
    assert notes, "the report has a coded field by group"
    for line in notes:
        values = [v.strip().replace("\\[c\\]", C) for v in re.findall(r"[^;:]+ (\d+|\\\[c\\\])(?=[;.])", line)]
        assert values
        assert all(v == C or v == "0" or int(v) >= 5 for v in values), line
        assert values.count(C) != 1, line


def test_cli_report_of_a_small_survey_shows_no_small_group(cli, tmp_path):
    assert cli("sample", "--out", tmp_path / "s", "--respondents", "14").returncode == 0
    r = cli("report", "--survey", tmp_path / "s" / "professional_survey.csv", "--rankings",
            tmp_path / "s" / "youth_ranking.csv", "--out", tmp_path / "rep")
    assert r.returncode == 0, r.stderr
    table = pd.read_csv(tmp_path / "rep" / "tables" / "who_responded_by_sector.csv", dtype=str,
                        keep_default_na=False)
    body = table[table["group"] != "total"]
    assert (body["respondents"] == C).any()  # 14 people over the sectors: some groups are small
    assert all(v == C or v == "0" or int(v) >= 5 for v in body["respondents"])
    _check_answers_per_group(tmp_path / "rep" / "report.md")
