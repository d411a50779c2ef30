"""Why a group is left out of `voices`: the smallest base is named only when a reader could see it anyway.

A group with fewer valid answers than ``min_group_size`` on some matched item is left out with a
reason. The reason used to give the smallest base ("smallest n = 4") even where every published table
shows that base as [c] (the sample's community_faith on q45_memorise_phone_number): the library, the
CLI's message and JSON, and the report's methods text all gave the hidden count away. Published, the
number is now given only when every base of the group's matched items is published; with suppression
off it is given as before.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import SAMPLE_RANKINGS, SAMPLE_SURVEY, run_cli

C = "[c]"


@pytest.fixture(scope="module")
def responses(sample_responses_module):
    return sample_responses_module


@pytest.fixture(scope="module")
def rankings():
    from surveykit.ranking import read_rankings

    return read_rankings(SAMPLE_RANKINGS)


def _items(responses, rankings) -> list[str]:
    inst = responses.instrument
    keys = {c.casefold(): c for c in inst.question(inst.youth.grid).columns}
    return [keys[m.item.casefold()] for m in rankings.measures.measures]


def _bases(responses, items, *, suppress: bool) -> dict[str, list]:
    """group -> the group's bases on the matched items, as the item tables by sector give them."""
    from surveykit.scoring import summarise_items

    t = summarise_items(responses, items=items, by="sector", suppress=suppress, threshold=5)
    out: dict[str, list] = {}
    for r in t.itertuples():
        out.setdefault(str(r.group), []).append(r.n_valid)
    return out


def _hidden_smallest(responses, rankings) -> dict[str, int]:
    """group -> its true smallest base, for the groups with a base published as [c]."""
    items = _items(responses, rankings)
    true, shown = _bases(responses, items, suppress=False), _bases(responses, items, suppress=True)
    return {g: int(min(true[g])) for g in shown if any(n == C for n in shown[g])}


@pytest.mark.parametrize("min_group_size", [5, 20])
def test_library_reason_names_no_hidden_base(responses, rankings, min_group_size):
    from surveykit.voices import compare_voices

    v = compare_voices(rankings, responses, by="sector", min_group_size=min_group_size)
    reasons = dict(v.skipped)
    assert "community_faith" in reasons
    hidden = _hidden_smallest(responses, rankings)
    shown = _bases(responses, _items(responses, rankings), suppress=True)
    assert hidden.get("community_faith") == 4  # the sample's case: q45_memorise_phone_number, [c] everywhere
    for group, reason in reasons.items():
        if group in hidden:
            assert "smallest n =" not in reason and not re.search(r"\bn = \d", reason), reason
            assert "suppressed" in reason
        else:  # every base published: the smallest is one a reader sees
            assert f"(smallest n = {min(int(n) for n in shown[group])})" in reason, reason
    if min_group_size == 20:  # groups whose bases are all published still get the number
        assert any("smallest n =" in r for r in reasons.values())


def test_library_unsuppressed_gives_the_number(responses, rankings):
    from surveykit.voices import compare_voices

    v = compare_voices(rankings, responses, by="sector", suppress=False)
    assert dict(v.skipped)["community_faith"].endswith("(smallest n = 4)")


def test_library_default_is_published(responses, rankings):
    """Suppression is on by default: a call with no ``suppress`` hides the base too."""
    from surveykit.voices import compare_voices

    reason = dict(compare_voices(rankings, responses, by="sector").skipped)["community_faith"]
    assert "n = 4" not in reason


def test_cli_message_and_json_name_no_hidden_base():
    table = run_cli("voices", SAMPLE_SURVEY, SAMPLE_RANKINGS, "--by", "sector")
    assert table.returncode == 0, table.stderr
    assert "group community_faith left out" in table.stderr
    assert "smallest n = 4" not in table.stderr and "n = 4" not in table.stderr
    js = run_cli("voices", SAMPLE_SURVEY, SAMPLE_RANKINGS, "--by", "sector", "--format", "json")
    assert js.returncode == 0, js.stderr
    skipped = {s["group"]: s["reason"] for s in json.loads(js.stdout)["skipped"]}
    assert "n = 4" not in skipped["community_faith"]
    assert "n = 4" not in js.stderr


def test_cli_no_suppress_gives_the_number():
    res = run_cli("voices", SAMPLE_SURVEY, SAMPLE_RANKINGS, "--by", "sector", "--no-suppress")
    assert res.returncode == 0, res.stderr
    assert "group community_faith left out: fewer than 5 valid answers on some matched item (smallest n = 4)" \
        in res.stderr


def test_sample_report_methods_name_no_hidden_base(sample_report):
    md = (sample_report.folder / "report.md").read_text(encoding="utf-8")
    methods = (sample_report.folder / "tables" / "methods.csv").read_text(encoding="utf-8")
    for text in (md, methods, sample_report.stderr):
        assert "smallest n = 4" not in text
    line = next(x for x in md.splitlines() if "group community_faith left out" in x)
    assert "suppressed" in line and not re.search(r"\bn = \d", line)
