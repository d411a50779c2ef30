"""Detectors of identifiers with a shape: e-mail (plain and obfuscated), URL, social handle, phone,
NI and NHS number, postcode, street address, reference number, identifying date and age.

Each detector returns ``(kind, start, end)`` triples over the original text. All patterns are
linear (no nested unbounded repetition), so a long answer cannot make them backtrack badly.
"""

from __future__ import annotations

import re
from typing import Iterator

Found = tuple[str, int, int]

_TLD = (r"(?:com|org|net|edu|gov|mil|int|info|biz|io|me|co|uk|eu|ac|nhs|sch|police|ltd|plc|de|fr|it|ro|al|vn|"
        r"ng|ie|nl|be|es|pl|cn|ir|af|so|er|sd|app|online|site|xyz)")
_DOT = r"(?:\s*(?:\[\s*dot\s*\]|\(\s*dot\s*\)|\{\s*dot\s*\})\s*|\s+dot\s+|\.)"
_AT = r"(?:\s*(?:\[\s*at\s*\]|\(\s*at\s*\)|\{\s*at\s*\})\s*|\s+at\s+|\s*@\s*)"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})"

EMAIL = re.compile(r"(?<![\w.+-])[\w+-]+(?:\.[\w+-]+)*@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
# "j.smith at gmail dot com", "jsmith[at]mail[dot]org", "nomsa dot b at example dot org": the domain
# must end in a known top-level domain, so "looked at home" is never taken for an address.
OBFUSCATED_EMAIL = re.compile(
    rf"(?<![\w.+-])[\w+-]+(?:{_DOT}[\w+-]+){{0,3}}{_AT}{_LABEL}(?:{_DOT}{_LABEL}){{0,3}}{_DOT}{_TLD}\b",
    re.IGNORECASE)
URL = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"')\]]+[^\s<>\"')\].,;:!?]"
    rf"|\b[\w-]+(?:\.[\w-]+)*\.{_TLD}(?:\.{_TLD})?(?:/[^\s<>\"')\]]*[^\s<>\"')\].,;:!?])?(?![\w.@])",
    re.IGNORECASE)
HANDLE_AT = re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?")
# "snap: kingtuan07", "her insta was lilyrose.xo", "ig: smokey.kurd": a platform word, an optional
# linking word, then something shaped like a user name.
HANDLE_CUE = re.compile(
    r"\b(?:snap(?:chat)?|insta(?:gram)?|ig|tik\s?tok|twitter|x|fb|facebook|telegram|kik|discord|whatsapp)"
    r"(?:\s+(?:handle|name|account|username|user|id|page))?"
    r"(?:\s*[:=]\s*|\s+(?:is|was|as|called|named)\s+|\s+)"
    r"(@?[A-Za-z0-9_][A-Za-z0-9_.]{1,28}[A-Za-z0-9_])", re.IGNORECASE)
NI = re.compile(r"\b[A-Z]{2}[\s.-]?\d{2}[\s.-]?\d{2}[\s.-]?\d{2}[\s.-]?[A-D]\b", re.IGNORECASE)
NHS = re.compile(r"(?<![\w/.-])\d{3}[\s.-]?\d{3}[\s.-]?\d{4}(?![\w/]|[.-]\d)")
NHS_CUE = re.compile(r"\bnhs\b", re.IGNORECASE)
POSTCODE = re.compile(r"\b([A-Z]{1,2})(\d[A-Z\d]?)\s?(\d[ABD-HJLNP-UW-Z]{2})\b", re.IGNORECASE)
PHONE_SHAPE = re.compile(
    r"(?<![\w+])(?:\+|00)\d{1,3}[\s.-]?(?:\(0\)[\s.-]?)?(?:\(?\d{1,5}\)?[\s.-]?){1,5}\d{2,}"
    r"|(?<![\w+])\(?0\d{2,5}\)?(?:[\s.-]?\d){6,9}(?!\d)")

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_DAYNAME = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?"
_ORD = r"(?:st|nd|rd|th)?"
_DAY = rf"(?:[12]\d|3[01]|0?[1-9]){_ORD}"
DATE = re.compile(
    r"\b\d{4}-\d{1,2}-\d{1,2}\b"
    r"|\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b"
    rf"|\b(?:{_DAYNAME},?\s+)?{_DAY}(?:\s*(?:and|&|-|to)\s*{_DAY})?\s+(?:of\s+)?{_MONTH}\b(?:\.(?=,?\s+(?:19|20)\d\d))?(?:,?\s+(?:19|20)\d{{2}}\b)?"
    rf"|\b(?:{_DAYNAME},?\s+)?{_MONTH}\.?\s+{_DAY}\b(?!\s*(?:%|per|children|young|boys|girls))(?:,?\s+(?:19|20)\d{{2}}\b)?"
    rf"|\b{_MONTH}\.?,?\s+(?:19|20)\d{{2}}\b"
    rf"|\b{_DAYNAME}\s+(?:the\s+)?{_DAY}(?![\d:])\b", re.IGNORECASE)
BIRTH_YEAR = re.compile(r"\b(?:born|dob|d\.o\.b\.?|date of birth|birth year)\s*(?:[:\-]\s*)?(?:in\s+|on\s+)?"
                        r"(?:the\s+year\s+)?((?:19|20)\d{2})\b", re.IGNORECASE)

_NUMWORD = (r"(?:eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
            r"twenty(?:[- ]one|[- ]two|[- ]three|[- ]four|[- ]five)?)")
_AGE_N = rf"(?:\d{{1,2}}|{_NUMWORD})"
_NOT_RANGE = r"(?!\s*(?:-|–|to|and|or|\+)\s*\d)(?!\d)"
_UNIT = (r"(?:%|per\b|percent|thousand|hundred|million|pounds?|quid|dollars?|euros?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|times?|years?(?!\s+old)|"
         r"episodes?|children|young|boys|girls|people|cases|of\b|miles?|km|am\b|pm\b|o'clock|[:.]\d)")
AGE = [
    re.compile(rf"\baged?\s+(?:just\s+|only\s+|about\s+|around\s+)?({_AGE_N}){_NOT_RANGE}", re.IGNORECASE),
    re.compile(rf"\b({_AGE_N})\s*(?:yo|y/o|y\.o\.?|yrs?\s+old|years?\s+old|yr\s+old)\b(?!s)", re.IGNORECASE),
    re.compile(rf"\b({_AGE_N})[- ](?:year|yr)s?[- ]old\b(?!s)", re.IGNORECASE),
    re.compile(rf"\b(?:as|was|is|recorded\s+as|assessed\s+as)\s+({_AGE_N})\s*yrs?\b", re.IGNORECASE),
    re.compile(rf"\b(?:boy|girl|child|lad|son|daughter|young\s+(?:person|man|woman)|teenager)\s+of\s+({_AGE_N})"
               rf"{_NOT_RANGE}(?!\s*{_UNIT})", re.IGNORECASE),
    re.compile(rf"\b(?:turned|turns|turning|was|is|now|just|only)\s+(?:only\s+|just\s+|now\s+)?"
               rf"((?:1\d|2[0-5]|[89])|{_NUMWORD}){_NOT_RANGE}(?!\s*{_UNIT})(?!\w|,\d)", re.IGNORECASE),
    # "the boy, Bilal, 16, was ...": an age in apposition after a capitalised word
    re.compile(r"\b[A-Z][\w'’-]+,\s+((?:1\d|2[0-5]|[89])),(?!\d)"),
    re.compile(r"\b((?:1\d|2[0-5]|[89]))\s+at\s+the\s+time\b", re.IGNORECASE),
    re.compile(r"\b(?:came\s+to\s+\w+|arrived(?:\s+\w+)?|entered\s+care|was\s+placed)\s+at\s+((?:1\d|[89]))\b"
               rf"(?!\s*{_UNIT})", re.IGNORECASE),
    re.compile(r"\bassessed\s+(?:as|to\s+be)\s+((?:1\d|2\d|[89]))\b", re.IGNORECASE),
    re.compile(r"\((?:both\s+|aged\s+|age\s+)?((?:1\d|2[0-5]|[89]))\)", re.IGNORECASE),
]

_REF_CUE = re.compile(
    r"\b(?:ref(?:erence)?|case|crime|crn|incident|log|file|client|urn|cid|port)\s*"
    r"(?:number|num|no\.?|#|ref(?:erence)?|id)?\s*(?:is|was)?\s*[:#]?\s*"
    r"([A-Z0-9][A-Z0-9/\-]{3,24}[A-Z0-9])\b", re.IGNORECASE)
REF_SHAPE = re.compile(
    r"\b[A-Z]{1,6}[/-]?\d{2,}(?:[/-][A-Z0-9]{2,})+\b"      # CR/2015/004817, LA-2015-77412
    r"|\b[A-Z]{2,6}[/-]\d{4,}\b"                            # CASE-20871, HO/1124588
    r"|\b\d{2}/\d{5,}/\d{2}\b"                              # 01/293847/15 (crime numbers)
    r"|\b[A-Z]\d{6,}\b")                                    # S1234567 (Home Office style)

_STREET = (r"(?:Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Crescent|Cres|Drive|Way|Terrace|Terr|Place|Pl|Gardens|"
           r"Gdns|Court|Ct|Grove|Hill|Square|Sq|Row|Mews|Walk|Yard|Parade|Green|Rise|Park|Wharf|Quay|Broadway|"
           r"Circus|Gate|Estate|Industrial\s+Estate|Trading\s+Estate|Business\s+Park)")
_STREET_NO_NUMBER = (r"(?:Road|Street|Avenue|Lane|Close|Crescent|Drive|Terrace|Gardens|Grove|Mews|Parade|Court|"
                     r"Industrial\s+Estate|Trading\s+Estate)")
_CAP = r"[A-Z][A-Za-z'’-]+"
_CAPS = rf"{_CAP}(?:\s+(?:of|the|and|upon|on|de|la)\s+{_CAP}|\s+{_CAP}){{0,3}}"
_UNIT_PREFIX = r"(?:(?:Flat|Apartment|Apt|Unit|Room|Suite|Block)\s+\d{1,4}[A-Za-z]?,?\s+)"
_BUILDING = rf"(?:{_CAPS}\s+(?:House|Lodge|Mansions|Buildings|Tower|Court|Hall|Centre|Block),?\s+)"
ADDRESS = re.compile(
    rf"\b{_UNIT_PREFIX}?{_BUILDING}?\d{{1,4}}[A-Za-z]?,?\s+{_CAPS}\s+{_STREET}\b"
    rf"|\b{_UNIT_PREFIX}{_CAPS}\s+(?:{_STREET}|House|Lodge|Mansions|Tower|Hall)\b"
    rf"|\b{_CAPS}\s+{_STREET_NO_NUMBER}\b")
# The same in capitals ("14 GRANVILLE ROAD", "FLAT 12, ALBION COURT"): every word is capitalised, so
# a word of the street's name may not be a little word ("WENT TO COURT", "LIVED ON STATION ROAD"
# gives "STATION ROAD"), and without a house number only the plainest street words count.
_LITTLE = ("A|AN|THE|AND|OR|BUT|OF|TO|IN|ON|AT|BY|FOR|FROM|WITH|AS|IS|WAS|WERE|BE|BEEN|ARE|AM|HAS|HAVE|HAD|DO|"
           "DID|NOT|NO|SO|IF|THEN|THAN|THAT|THIS|THERE|HERE|IT|HE|SHE|THEY|WE|YOU|I|ME|HIM|HER|THEM|US|MY|YOUR|"
           "HIS|OUR|THEIR|WHO|WHICH|WHAT|WHEN|WHERE|INTO|ONTO|OUT|UP|DOWN|OFF|BACK|GO|WENT|GOT|LIVED|LIVES|"
           "STAYED|STAYS|MOVED|SENT|TOOK|TAKEN|CAME|LEFT|FOUND|WALKED|DRIVE|VERY|TOO|ALL|SOME|ANY|SAME|NEAR|"
           "BEHIND|ALONG|ACROSS|OVER|UNDER|DOWNTOWN|EVERY|ANOTHER|OTHER")
_CAP_U = rf"(?!(?:{_LITTLE})\b)[A-Z][A-Z'’-]+"
_CAPS_U = rf"{_CAP_U}(?:\s+(?:OF|THE|AND|UPON|ON|DE|LA)\s+{_CAP_U}|\s+{_CAP_U}){{0,3}}"
_STREET_U = _STREET.upper().replace("\\S", "\\s")
_STREET_NO_NUMBER_U = (r"(?:ROAD|STREET|AVENUE|LANE|CRESCENT|TERRACE|GARDENS|GROVE|MEWS|PARADE|"
                       r"INDUSTRIAL\s+ESTATE|TRADING\s+ESTATE)")
_UNIT_PREFIX_U = r"(?:(?:FLAT|APARTMENT|APT|UNIT|ROOM|SUITE|BLOCK)\s+\d{1,4}[A-Z]?,?\s+)"
_BUILDING_U = rf"(?:{_CAPS_U}\s+(?:HOUSE|LODGE|MANSIONS|BUILDINGS|TOWER|COURT|HALL|CENTRE|BLOCK),?\s+)"
ADDRESS_U = re.compile(
    rf"\b{_UNIT_PREFIX_U}?{_BUILDING_U}?\d{{1,4}}[A-Z]?,?\s+{_CAPS_U}\s+{_STREET_U}\b"
    rf"|\b{_UNIT_PREFIX_U}{_CAPS_U}\s+(?:{_STREET_U}|HOUSE|LODGE|MANSIONS|TOWER|HALL)\b"
    rf"|\b{_CAP_U}(?:\s+{_CAP_U})?\s+{_STREET_NO_NUMBER_U}\b")
_HAS_STREET_U = re.compile(rf"\b(?:{_STREET_U}|HOUSE|LODGE|MANSIONS|TOWER|HALL)\b")
# Street words that also end the names of institutions: "Crown Court", "Family Court".
_NOT_STREETS = re.compile(r"^(?:the\s+)?(?:crown|family|magistrates|youth|supreme|county|high|appeal)\s+court$",
                          re.IGNORECASE)


_LEADING = re.compile(r"(?:(?:the|a|an|our|my|his|her|their|this|that|at|in|on|to)\s+)+", re.IGNORECASE)
_STREET_WORD = re.compile(rf"^{_STREET}$|^{_STREET_NO_NUMBER}$")
_STREET_WORD_U = re.compile(rf"^{_STREET_U}$")


def _address_span(m: re.Match) -> tuple[int, int] | None:
    """The address without a leading "The"/"Our"; None when only a street word is left or it names a court."""
    text = m.group()
    lead = _LEADING.match(text)
    start = m.start() + (lead.end() if lead else 0)
    rest = text[lead.end():] if lead else text
    if not rest or _STREET_WORD.match(rest) or _STREET_WORD_U.match(rest) or _NOT_STREETS.match(rest):
        return None
    return start, m.end()


# Where a phone number can be: a run of digits and separators starting with "+", "0" or "(0".
# phonenumbers is slow, so it only ever sees these runs, not the whole answer.
_PHONE_CANDIDATE = re.compile(r"(?<![\w+])(?:\+|\(?0)[\d\s().-]{7,26}\d(?:\s*(?:ext\.?|x)\s*\d{1,5})?")


def _phones(text: str) -> Iterator[Found]:
    import phonenumbers

    for cand in _PHONE_CANDIDATE.finditer(text):
        chunk = cand.group()
        for m in phonenumbers.PhoneNumberMatcher(chunk, "GB", leniency=phonenumbers.Leniency.POSSIBLE):
            # POSSIBLE also accepts short runs ("12 34 56", "2015"): a phone number has 9+ digits.
            if sum(c.isdigit() for c in m.raw_string) >= 9 and "/" not in m.raw_string:
                yield "phone", cand.start() + m.start, cand.start() + m.end
    # The shape pattern catches what the matcher declines (drama-range or partial numbers): a number
    # half-redacted is still a leak.
    for m in PHONE_SHAPE.finditer(text):
        digits = sum(c.isdigit() for c in m.group())
        if 9 <= digits <= 15:
            yield "phone", m.start(), m.end()


def nhs_check(digits: str) -> bool:
    """Modulus 11 check digit of a 10-digit NHS number."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


_HAS_NUMWORD = re.compile(rf"\b{_NUMWORD}\b", re.IGNORECASE)
_HAS_STREET = re.compile(rf"\b(?:{_STREET}|{_STREET_NO_NUMBER}|House|Lodge|Mansions|Tower|Hall)\b")
_HAS_URL = re.compile(rf"(?:https?:|www\.|\.{_TLD}\b)", re.IGNORECASE)
_HAS_HANDLE_CUE = re.compile(r"\b(?:snap|insta|ig|tik|twitter|x|fb|facebook|telegram|kik|discord|whatsapp)",
                             re.IGNORECASE)


_NO_DIGITS = str.maketrans("", "", "0123456789")


def find_structured(text: str, postcode_areas: frozenset[str]) -> list[Found]:
    # Cheap tests first (a digit, "@", a street word ...) so most answers run few of the patterns.
    out: list[Found] = []
    lower = text.lower()
    if "@" in text:
        out += [("email", m.start(), m.end()) for m in EMAIL.finditer(text)]
    if " at " in lower or "[at]" in lower or "(at)" in lower or "{at}" in lower or "@" in text:
        out += [("email", m.start(), m.end()) for m in OBFUSCATED_EMAIL.finditer(text)]
    if "." in text and _HAS_URL.search(text):
        out += [("url", m.start(), m.end()) for m in URL.finditer(text)]
    if "@" in text:
        out += [("handle", m.start(), m.end()) for m in HANDLE_AT.finditer(text)]
    for m in (HANDLE_CUE.finditer(text) if _HAS_HANDLE_CUE.search(text) else ()):
        handle = m.group(1)
        looks_like_user = (any(c.isdigit() or c in "._" for c in handle) or handle.startswith("@")
                           or ":" in text[m.start():m.start(1)])
        if looks_like_user:
            out.append(("handle", m.start(1), m.end(1)))
    n_digits = len(text) - len(text.translate(_NO_DIGITS))
    if n_digits >= 6:
        out += [("ni_number", m.start(), m.end()) for m in NI.finditer(text)]
    if n_digits >= 9:
        for m in NHS.finditer(text):
            digits = re.sub(r"\D", "", m.group())
            cue = NHS_CUE.search(text, max(0, m.start() - 25), m.start()) is not None
            if nhs_check(digits) or cue:
                out.append(("nhs_number", m.start(), m.end()))
        out += list(_phones(text))
    if n_digits:
        for m in POSTCODE.finditer(text):
            if m.group(1).upper() in postcode_areas:
                out.append(("postcode", m.start(), m.end()))
        for m in DATE.finditer(text):
            if m.group().startswith("may"):
                continue  # "may 5 of them": the verb, not the month
            out.append(("date", m.start(), m.end()))
        for m in BIRTH_YEAR.finditer(text):
            out.append(("date", m.start(1), m.end(1)))
        for m in _REF_CUE.finditer(text):
            if sum(c.isdigit() for c in m.group(1)) >= 3:
                out.append(("reference", m.start(1), m.end(1)))
        for m in REF_SHAPE.finditer(text):
            out.append(("reference", m.start(), m.end()))
    ages = AGE if (n_digits or _HAS_NUMWORD.search(text)) else ()
    for rx in ages:
        for m in rx.finditer(text):
            end = m.end(1)
            while end < len(text) and (text[end].isalpha() or text[end] == "/"):
                end += 1  # "15yo", "17yrs": the unit glued to the number goes too
            out.append(("age", m.start(1), end))
    for m in (ADDRESS.finditer(text) if _HAS_STREET.search(text) else ()):
        span = _address_span(m)
        if span:
            out.append(("address", *span))
    for m in (ADDRESS_U.finditer(text) if _HAS_STREET_U.search(text) else ()):
        span = _address_span(m)
        if span:
            out.append(("address", *span))
    return out
