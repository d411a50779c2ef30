"""One protection of the groups' sizes for every table by a grouping.

The report's "who responded" table hides a small group's size and, so that the total does not give it
back, a second group's size. Every other table by the grouping was protected on its own and could
choose another second cell: a table of a question everyone answered then showed the second group's
base (its size), and the total less the shown sizes gave the small group away (an audit of a user's
own survey: a faculty of 3 worked out from two tables of one report). Now the bases of the groups
whose size "who responded" hides are hidden in every table by that grouping."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from conftest import EXTERNAL

C = "[c]"


@pytest.fixture
def uneven(sample_responses):
    """The sample cut so that one sector has 3 respondents and the others 5 or more."""
    data = sample_responses.data
    keep = []
    for sector, n in (("local_authority", 30), ("criminal_justice", 20), ("ngo", 12), ("legal", 7), ("health", 3)):
        keep += list(data.index[data["sector"] == sector][:n])
    return dataclasses.replace(sample_responses, data=data.loc[sorted(keep)].reset_index(drop=True))


def test_every_table_by_the_grouping_hides_the_sizes_who_responded_hides(uneven):
    import surveykit as sk
    from surveykit.report.sections import protect_completion, who_responded_frame
    from surveykit.scoring import hidden_group_sizes

    who = protect_completion(who_responded_frame(uneven, "sector"), 5)
    hidden_sizes = set(who.loc[who["respondents"] == C, "group"])
    assert "health" in hidden_sizes and len(hidden_sizes) >= 2  # the small one and a second
    assert hidden_group_sizes(uneven, "sector", 5) == frozenset(hidden_sizes)
    summary = sk.score(uneven, by="sector", summary=True)
    for g in hidden_sizes:
        assert (summary.loc[summary["group"] == g, "n_valid"] == C).all(), g
    compare = sk.compare(uneven, by="sector").table
    assert len(compare)  # the tests still run (the protection hides numbers, not groups)


def test_the_report_of_a_real_export_gives_no_hidden_size_away(cli, tmp_path):
    export = EXTERNAL / "coded_datasets" / "gwusec_proctoring_qualtrics_responses.csv"
    if not export.exists():
        pytest.skip("the external fixtures are not beside this checkout")
    draft = tmp_path / "draft.yaml"
    assert cli("instrument", "draft", export, "--out", draft).returncode == 0
    assert "groupings: [q2]" in draft.read_text(encoding="utf-8")  # the school (one answer each) is the grouping
    out = tmp_path / "report"
    r = cli("report", "--survey", export, "--instrument", draft, "--out", out)
    assert r.returncode == 0, r.stderr
    who = pd.read_csv(out / "tables" / "who_responded_by_q2.csv", dtype=str, keep_default_na=False)
    hidden = set(who.loc[who["respondents"] == C, "group"]) - {"total"}
    assert len(hidden) >= 2
    for table in (out / "tables").glob("*_by_q2*.csv"):
        frame = pd.read_csv(table, dtype=str, keep_default_na=False)
        if "n_valid" not in frame.columns or "group" not in frame.columns:
            continue
        shown = frame[frame["group"].isin(hidden) & (frame["n_valid"] != C)]
        assert shown.empty, f"{table.name} shows the base of a group whose size is hidden"
