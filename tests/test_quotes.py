"""Redaction of personal data and `surveykit quotes`."""

from __future__ import annotations

import json

import pytest

from conftest import SAMPLE_SURVEY
from surveykit.coding.answers import Answers
from surveykit.coding.quotes import select_quotes
from surveykit.coding.redact import load_denylist, redact, redact_counts


@pytest.mark.parametrize("text, expected, kind", [
    ("Write to jo.bloggs+x@example.org today", "Write to [email] today", "email"),
    ("See https://www.gov.uk/report-a-child, then call", "See [url], then call", "url"),
    ("Visit www.example.co.uk/help.", "Visit [url].", "url"),
    ("Ring 07700 900123 now", "Ring [phone] now", "phone"),
    ("Ring +44 20 7946 0958 now", "Ring [phone] now", "phone"),
    ("Ring (020) 7946 0958 now", "Ring [phone] now", "phone"),
    ("Lives near SW1A 1AA in town", "Lives near [postcode] in town", "postcode"),
    ("Postcode m1 1ae was given", "Postcode [postcode] was given", "postcode"),
    ("NI number QQ 12 34 56 C on file", "NI number [ni number] on file", "ni_number"),
    ("NI AB123456D", "NI [ni number]", "ni_number"),
    ("Missing since 12/03/2015.", "Missing since [date].", "date"),
    ("Missing since 3rd March 2016.", "Missing since [date].", "date"),
    ("Missing since March 2014 and 2015-04-01", "Missing since [date] and [date]", "date"),
])
def test_each_kind_of_personal_data_is_redacted(text, expected, kind):
    out, counts = redact_counts(text)
    assert out == expected
    assert counts[kind] >= 1
    assert redact(text) == (expected, sum(counts.values()))


def test_ordinary_numbers_are_left_alone():
    # Counts, durations, percentages, years and age ranges identify no one ("aged 16" alone would:
    # see test_redact.py).
    text = "About 10 cases over 3 years; children aged 16-17; 25% of them; in 2015 a few; within 72 hours."
    assert redact(text) == (text, 0)


def test_denylist_redacts_whole_words_case_insensitively():
    deny = ("Amira", "Croydon", "St Albans")
    out, n = redact("amira went from Croydon to St  Albans; Amiras and Croydonian stay.", denylist=deny)
    assert out == "[name] went from [name] to [name]; Amiras and Croydonian stay."
    assert n == 3


def test_load_denylist(tmp_path):
    p = tmp_path / "deny.txt"
    p.write_text("# names\nAmira\n  Croydon  # a place\n\n", encoding="utf-8")
    assert load_denylist(p) == ("Amira", "Croydon")
    from surveykit.errors import InputError

    with pytest.raises(InputError, match="not found"):
        load_denylist(tmp_path / "missing.txt")


def test_select_quotes_is_stratified_deterministic_and_focused():
    ids = tuple(f"r{i}" for i in range(12))
    texts = tuple(f"answer {i} mentions 07700 900123" for i in range(12))
    sectors = {rid: ("ngo" if i % 2 else "health") for i, rid in enumerate(ids)}
    answers = Answers("q7", ids, texts, sectors, ("health", "ngo"))
    codes = {rid: {"x"} if i < 10 else {"y"} for i, rid in enumerate(ids)}
    codes["r0"] = {"x", "y", "z"}  # less focused: ranked after the single-code answers
    q = select_quotes(answers, codes, "x", per_sector=2)
    assert q.n_with_code == "[c]"  # 2 of the 12 answers are without it: a small count, suppressed
    assert select_quotes(answers, codes, "x", per_sector=2, suppress=False).n_with_code == 10
    assert list(q.frame["sector"]) == ["health", "health", "ngo", "ngo"]
    assert "r0" not in set(q.frame["respondent_id"])
    assert all("[phone]" in t for t in q.frame["quote"]) and q.redactions == {"phone": 4}
    again = select_quotes(answers, codes, "x", per_sector=2)
    assert again.frame.equals(q.frame)
    raw = select_quotes(answers, codes, "x", per_sector=2, redact=False)
    assert all("07700" in t for t in raw.frame["quote"]) and raw.n_redactions == 0


# -- the CLI ------------------------------------------------------------------------------------

@pytest.fixture
def personal_csv(tmp_path):
    p = tmp_path / "answers.csv"
    p.write_text(
        "id,text,team\n"
        "a1,\"Amira left after her traffickers rang 07700 900123 on 12/03/2015.\",north\n"
        "a2,\"The traffickers knew the B&B at SW1A 1AA; email x@y.org.\",south\n"
        "a3,\"Nothing more to say.\",south\n", encoding="utf-8")
    deny = tmp_path / "deny.txt"
    deny.write_text("Amira\n", encoding="utf-8")
    return p, deny


def test_cli_quotes_redacts_by_default_and_counts(cli, personal_csv):
    path, deny = personal_csv
    res = cli("quotes", path, "--code", "trafficker_control", "--text-column", "text", "--id-column", "id",
              "--sector-column", "team", "--denylist", deny, "--format", "json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    quotes = {r["respondent_id"]: r["quote"] for r in out["rows"]}
    assert quotes["a1"] == "[name] left after her traffickers rang [phone] on [date]."
    assert quotes["a2"] == "The traffickers knew the B&B at [postcode]; email [email]."
    assert out["n_redactions"] == 5 and out["redacted"] is True
    assert "5 redaction(s)" in res.stderr
    assert [r["sector"] for r in out["rows"]] == ["north", "south"]
    for secret in ("Amira", "07700", "SW1A", "x@y.org"):
        assert secret not in res.stdout and secret not in res.stderr


def test_cli_quotes_no_redact_is_marked(cli, personal_csv):
    path, _ = personal_csv
    res = cli("quotes", path, "--code", "trafficker_control", "--text-column", "text", "--id-column", "id",
              "--no-redact", "--format", "csv")
    assert res.returncode == 0, res.stderr
    assert "07700 900123" in res.stdout
    assert "NOT REDACTED" in res.stderr


def test_cli_quotes_bad_input(cli, personal_csv):
    path, _ = personal_csv
    res = cli("quotes", path, "--code", "nope", "--text-column", "text", "--id-column", "id")
    assert res.returncode == 2 and "unknown code 'nope'" in res.stderr
    res = cli("quotes", path, "--code", "isolation", "--per-sector", "0", "--text-column", "text", "--id-column", "id")
    assert res.returncode == 2 and "--per-sector" in res.stderr
    res = cli("quotes", path, "--code", "isolation", "--text-column", "nope", "--id-column", "id")
    assert res.returncode == 2 and "--text-column must be one of" in res.stderr


@pytest.mark.skipif(not SAMPLE_SURVEY.exists(), reason="sample survey not generated yet")
def test_cli_quotes_on_the_sample_are_stratified_deterministic_and_coded(cli, sample_responses):
    from surveykit.coding.codebook import load_codebook
    from surveykit.coding.rules import RuleCoder

    args = ("quotes", SAMPLE_SURVEY, "--code", "trafficker_control", "--per-sector", "1", "--format", "json")
    first, second = cli(*args), cli(*args)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    rows = json.loads(first.stdout)["rows"]
    assert rows
    sectors = [r["sector"] for r in rows]
    assert len(sectors) == len(set(sectors))  # one per sector
    data = sample_responses.data.set_index("respondent_id")
    from surveykit.instrument import load_instrument

    order = [s.id for s in load_instrument().sectors]
    assert sectors == sorted(sectors, key=lambda s: order.index(s) if s in order else len(order))
    coder = RuleCoder(load_codebook())
    for r in rows:
        assert data.loc[r["respondent_id"], "sector"] == r["sector"]
        assert "trafficker_control" in coder.code_ids_of(data.loc[r["respondent_id"], "q7"])
