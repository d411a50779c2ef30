"""The redaction detector, kind by kind, on the examples of issue 13 and on what must be kept."""

from __future__ import annotations

import json

import pytest

from surveykit.coding.redact import KINDS, PLACEHOLDERS, Redaction, Redactor, Span, redact_text


def redacted(text: str, **kw) -> str:
    return redact_text(text, **kw).text


@pytest.mark.parametrize("text, expected", [
    # names: full names, titles and ranks, lower case after a title, single names in context
    ("John Smith rang the duty desk.", "[name] rang the duty desk."),
    ("We placed Mohammed Ali with a foster family.", "We placed [name] with a foster family."),
    ("DC Patel took the referral.", "DC [name] took the referral."),
    ("dc patel took the referral.", "dc [name] took the referral."),
    ("Mrs. Okafor reported it.", "Mrs. [name] reported it."),
    ("Mr and Mrs Fletcher were not supported.", "Mr and Mrs [name] were not supported."),
    ("PCSO Dunmore and Sgt Whitmore both knew.", "PCSO [name] and Sgt [name] both knew."),
    ("We told Ahmed the plan.", "We told [name] the plan."),
    ("Dritan's carer noticed a second phone.", "[name]'s carer noticed a second phone."),
    ("Chinedu and Emeka left together.", "[name] and [name] left together."),
    ("A boy called Zoltar ran.", "A boy called [name] ran."),
    ("The girl, Tran Thi Lan, was moved.", "The girl, [name], was moved."),
    ("we told dritan to ring us", "we told [name] to ring us"),
    # places
    ("He was placed in Croydon and found in Wolverhampton.", "He was placed in [place] and found in [place]."),
    ("She was moved from Barking and Dagenham to Newcastle upon Tyne.", "She was moved from [place] to [place]."),
    ("Kent County Council has no specialist carers.", "[place] County Council has no specialist carers."),
    ("He was found in Reading.", "He was found in [place]."),
    ("Her family in Tirana owe money.", "Her family in [place] owe money."),
    # addresses and postcodes
    ("He stayed at 12 Acacia Road with others.", "He stayed at [address] with others."),
    ("She was at Flat 3, 45 High St until May.", "She was at [address] until May."),
    ("Found at LU2 7AJ.", "Found at [postcode]."),
    ("postcode ls11 6ag", "postcode [postcode]"),
    # e-mail addresses, plain and obfuscated; URLs; handles
    ("Email j.smith at gmail dot com today.", "Email [email] today."),
    ("Write to jsmith[at]mail[dot]org please.", "Write to [email] please."),
    ("Write to jo.bloggs@example.org please.", "Write to [email] please."),
    ("See www.example.org/guide for it.", "See [url] for it."),
    ("Recruited by @dritan_99 online.", "Recruited by [handle] online."),
    ("snap: kingtuan07 was the account", "snap: [handle] was the account"),
    ("her insta was lilyrose.xo and", "her insta was [handle] and"),
    # phone numbers, UK and international; nothing of the number may survive
    ("Ring 0044 20 7946 0765 now.", "Ring [phone] now."),
    ("Ring +44 (0)7700 900654 now.", "Ring [phone] now."),
    ("Ring +355 69 204 5566 now.", "Ring [phone] now."),
    ("Ring 07700-900-271 now.", "Ring [phone] now."),
    ("Ring (0161) 496 0813 now.", "Ring [phone] now."),
    # NI and NHS numbers with any separators (NHS: valid check digit)
    ("NI JG 10 37 58 B on file", "NI [ni number] on file"),
    ("NI TN.31.12.58.A on file", "NI [ni number] on file"),
    ("number 943 476 5919 on the letter", "number [id] on the letter"),
    ("number 943-476-5919 on the letter", "number [id] on the letter"),
    ("reference CR/2015/004817 on the file", "reference [id] on the file"),
    # dates and ages that identify
    ("She was born in 2009 in Hanoi.", "She was born in [date] in [place]."),
    ("A boy aged 15 was placed with adults.", "A boy aged [age] was placed with adults."),
    ("DOB 03/04/09 on his papers", "DOB [date] on his papers"),
    ("The 15yo boy was found.", "The [age] boy was found."),
    ("He went missing on 3rd May.", "He went missing on [date]."),
    ("A 12-year-old girl was moved.", "A [age]-year-old girl was moved."),
])
def test_examples_of_each_kind_are_redacted(text, expected):
    assert redacted(text) == expected


@pytest.mark.parametrize("text", [
    "The Home Office and the National Referral Mechanism take too long; Police treat them as offenders.",
    "Vietnamese boys and Albanian girls are recruited; Eritrean and Sudanese young people move on to Germany.",
    "Children's Services, CAMHS and the Salvation Army all attended the strategy meeting in March.",
    "Many are moved to London; some travel through Calais or Italy.",
    "Local authority and NGO staff both said: no safety plan, no advocate, no trust.",
    "Grace periods for decisions are too short. Will the Home Office change that?",
    "Children aged 16-17 are placed in semi-independent accommodation for 2 years or more.",
    "About 25% went missing within 72 hours, 10 of them more than 3 times.",
    "The Court of Appeal and the Crown Court have both criticised this.",
])
def test_ordinary_capitalised_words_numbers_and_nationalities_are_kept(text):
    assert redact_text(text) == Redaction(text, ())


def test_sector_names_and_codebook_terms_are_kept_when_given():
    from surveykit.coding.codebook import load_codebook
    from surveykit.instrument import load_instrument

    text = "Traffickers Control everything; Debt Bondage is common. Immigration services and Health were told."
    plain = redact_text(text)
    kept = redact_text(text, codebook=load_codebook(), instrument=load_instrument())
    assert kept.text == text
    # the keep-list only protects its own words: a name beside them is still found
    assert "[name]" in redact_text("Debt Bondage: we told Ahmed.", codebook=load_codebook()).text
    assert plain.n >= kept.n


def test_spans_are_over_the_original_and_count_by_kind():
    text = "Talk to Jane Whitfield on 07700 900123 or jane.whitfield@example.org, aged 15."
    r = redact_text(text)
    assert r.text == "Talk to [name] on [phone] or [email], aged [age]."
    assert [(s.kind, text[s.start:s.end]) for s in r.spans] == [
        ("name", "Jane Whitfield"), ("phone", "07700 900123"), ("email", "jane.whitfield@example.org"), ("age", "15")]
    assert r.counts == {"name": 1, "email": 1, "phone": 1, "age": 1}
    assert list(r.spans) == sorted(r.spans)
    assert all(isinstance(s, Span) and s.kind in KINDS for s in r.spans)
    assert set(PLACEHOLDERS) == set(KINDS)


def test_deny_list_is_always_redacted_and_whole_words_only():
    text = "Amira stayed with Sparkle at Bluebell; Amiras stays."
    r = redact_text(text, denylist=("Sparkle", "Bluebell", "Amira"))
    assert r.text == "[name] stayed with [name] at [name]; Amiras stays."


def test_deterministic_and_independent_of_order():
    texts = ["DC Patel rang 07700 900123.", "born in 2009 in Croydon", "nothing here"]
    red = Redactor()
    first = [red.redact(t) for t in texts]
    again = [Redactor().redact(t) for t in reversed(texts)][::-1]
    assert first == again


def test_a_long_answer_is_handled_in_one_pass():
    # Not a timing test (see bench/bench_redact.py): a 200,000-character answer of hostile
    # material is processed and every planted number removed.
    chunk = "Ahmed rang 07700 900123 from 12 Acacia Road, aged 15 @x_y a.b at c dot com " * 2500
    r = redact_text(chunk)
    assert "07700" not in r.text and "Ahmed" not in r.text and "Acacia" not in r.text
    assert r.counts["phone"] == 2500


def test_empty_and_blank_text():
    assert redact_text("") == Redaction("", ())
    assert redact_text("   ") == Redaction("   ", ())


def test_cli_quotes_redacts_names_places_and_obfuscated_contacts(cli, tmp_path):
    p = tmp_path / "answers.csv"
    p.write_text(
        "id,text,team\n"
        "a1,\"DC Patel said the traffickers kept ringing John Smith in Croydon on 0044 20 7946 0765.\",north\n"
        "a2,\"The traffickers knew where she lived: 12 Acacia Road; write to j.smith at gmail dot com.\",south\n",
        encoding="utf-8")
    res = cli("quotes", p, "--code", "trafficker_control", "--text-column", "text", "--id-column", "id",
              "--sector-column", "team", "--format", "json")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    quotes = {r["respondent_id"]: r["quote"] for r in out["rows"]}
    assert quotes["a1"] == "DC [name] said the traffickers kept ringing [name] in [place] on [phone]."
    assert quotes["a2"] == "The traffickers knew where she lived: [address]; write to [email]."
    for secret in ("Patel", "Smith", "Croydon", "7946", "0765", "Acacia", "gmail"):
        assert secret not in res.stdout and secret not in res.stderr


def test_cli_show_other_is_redacted_by_default(cli, tmp_path):
    import csv

    # Six answers: fewer (a small count) would be [c] and not listed at all.
    texts = ["Mentoring by Siobhan Keane in Hounslow", "Ring DC Harris on +44 7700 900312", "Peer mentoring",
             "Faith groups", "Training for carers", "Return interviews"]
    rows = [{"respondent_id": f"r{i}", "sector": "Police", "q45_cctv": str(1 + i % 5),
             "q45_other": "4" if i < len(texts) else "",
             "q45_other_text": texts[i] if i < len(texts) else ""} for i in range(12)]
    path = tmp_path / "other.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    res = cli("effectiveness", path, "--show-other", "--format", "json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["other_redaction"] == "redacted"
    assert sorted(doc["other_answers"]) == ["Faith groups", "Mentoring by [name] in [place]", "Peer mentoring",
                                            "Return interviews", "Ring DC [name] on [phone]", "Training for carers"]
    for secret in ("Siobhan", "Keane", "Hounslow", "Harris", "900312"):
        assert secret not in res.stdout and secret not in res.stderr
