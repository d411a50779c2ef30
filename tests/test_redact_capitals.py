"""Names and places typed in CAPITALS are redacted like their Title-case forms; acronyms and ordinary
words in capitals are not. Full-width digits and zero-width characters do not hide personal data.

The labelled set tests/data/pii_planted_capitals.jsonl (46 answers written for this test, 19 of them
without personal data: acronyms of the field and shouted sentences) and the planted sets typed wholly
in capitals measure recall and false redactions with the same scoring as test_redact_planted.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_redact_planted import evaluate, load
from surveykit.coding.redact import redact_text

CAPITALS = Path(__file__).parent / "data" / "pii_planted_capitals.jsonl"


@pytest.mark.parametrize("text, expected", [
    ("We spoke to FATIMA ALI about it", "We spoke to [name] about it"),
    ("DRITAN BERISHA was found in ROCHDALE", "[name] was found in [place]"),
    ("JOHN SMITH said he would help", "[name] said he would help"),
    ("WE TOLD AHMED TO STAY", "WE TOLD [name] TO STAY"),
    ("Ring DC PATEL on 07700 900123", "Ring DC [name] on [phone]"),
    ("MR BERISHA came to the office", "MR [name] came to the office"),
    ("HE WAS MOVED FROM TOWER HAMLETS TO SLOUGH", "HE WAS MOVED FROM [place] TO [place]"),
    ("WHEN NGUYEN VAN MINH WAS PLACED IN A HOTEL", "WHEN [name] WAS PLACED IN A HOTEL"),
    ("HE LIVED AT 14 GRANVILLE ROAD WITH HIS UNCLE", "HE LIVED AT [address] WITH HIS UNCLE"),
])
def test_names_places_and_addresses_in_capitals_are_redacted(text, expected):
    assert redact_text(text).text == expected


@pytest.mark.parametrize("text", [
    "PLEASE HELP",
    "She was NOT BELIEVED by the HOME OFFICE.",
    "The UK, the NHS and the LA all failed her.",
    "NRM referral made; CSE and CCE concerns; MASH and LADO informed; UASC team and CAMHS involved.",
    "I WILL HELP THE YOUNG PERSON AND THE SOCIAL WORKER MAY CALL.",
    "WE WENT TO COURT AND NOTHING HAPPENED.",
    "NOT ENOUGH BEDS, NOT ENOUGH FOSTER CARERS, NOT ENOUGH TIME.",
    "THE NGO SAID OK.",
])
def test_acronyms_and_shouting_are_left_alone(text):
    assert redact_text(text).text == text


def test_the_title_case_forms_are_unchanged():
    assert redact_text("We spoke to Fatima Ali about it").text == "We spoke to [name] about it"
    assert redact_text("Dritan Berisha was found in Rochdale").text == "[name] was found in [place]"


def _capitals_rows():
    return [json.loads(line) for line in CAPITALS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_labelled_capitals_set():
    rows = _capitals_rows()
    assert len(rows) >= 40 and sum(1 for r in rows if not r["spans"]) >= 15
    fig = evaluate(rows)
    # docs/redaction.md gives the exact figures (first run: names 20/22, other kinds 13/13, no false word)
    assert fig["names"][0] >= 0.90, fig["missed"]
    assert fig["other"][0] >= 0.90, fig["missed"]
    assert fig["false_redaction_rate"] <= 0.05 and fig["clean_changed"] == 0, fig["false_words"]


def _upper(rows):
    out = []
    for r in rows:
        t = r["text"].upper()
        if len(t) == len(r["text"]):
            out.append({**r, "text": t, "spans": [{**p, "text": t[p["start"]:p["end"]]} for p in r["spans"]]})
    return out


@pytest.mark.parametrize("split", ["test", "fresh"])
def test_the_planted_sets_typed_in_capitals(split):
    fig = evaluate(_upper(load(split)))
    assert fig["names"][0] >= 0.85, fig["missed"]
    assert fig["structured"][0] >= 0.99, fig["missed"]
    assert fig["other"][0] >= 0.90, fig["missed"]
    assert fig["false_redaction_rate"] <= 0.05 and fig["clean_changed"] == 0, fig["false_words"]


@pytest.mark.parametrize("text, expected", [
    ("Ring her on ０７７００ ９００１２３ tonight", "Ring her on [phone] tonight"),
    ("call 07700\u200b900123 now", "call [phone] now"),
    ("We spoke to Fat\u200bima Ali", "We spoke to [name]"),
    ("Dri\u200btan was found in Roch\u200bdale.", "[name] was found in [place]."),
])
def test_full_width_digits_and_zero_width_characters_do_not_hide_data(text, expected):
    r = redact_text(text)
    assert r.text == expected
    for sp in r.spans:  # spans are over the original text
        assert text[sp.start] not in " \u200b" and text[sp.end - 1] not in " \u200b"


def test_cli_quotes_redacts_capitals(cli, tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text(
        "id,text,team\n"
        "a1,\"We spoke to FATIMA ALI: her traffickers took her phone and kept her passport.\",north\n"
        "a2,\"DRITAN BERISHA was found in ROCHDALE; the traffickers rang ０７７００ ９００１２３ every night.\",south\n"
        "a3,\"THE TRAFFICKERS TOOK HER PASSPORT AND THE HOME OFFICE DID NOTHING.\",south\n",
        encoding="utf-8")
    # --no-suppress: every answer with the code is quoted (three answers are all small counts, which would
    # otherwise give one quote a team); redaction does not depend on it.
    res = cli("quotes", path, "--code", "trafficker_control", "--text-column", "text", "--id-column", "id",
              "--sector-column", "team", "--per-sector", "3", "--format", "json", "--no-suppress")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    quotes = {r["respondent_id"]: r["quote"] for r in out["rows"]}
    assert quotes["a1"].startswith("We spoke to [name]:")
    assert quotes["a2"].startswith("[name] was found in [place]; the traffickers rang [phone]")
    if "a3" in quotes:
        assert quotes["a3"] == "THE TRAFFICKERS TOOK HER PASSPORT AND THE HOME OFFICE DID NOTHING."
    for secret in ("FATIMA", "ALI ", "DRITAN", "BERISHA", "ROCHDALE", "９００１２３"):
        assert secret not in res.stdout and secret not in res.stderr
