"""The rule coder's stemmer: nltk's English Snowball stemmer without importing all of nltk (issue 14.3).

Each check runs in a fresh interpreter, because what is being tested is what gets imported.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest


def _run(code: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_coding_an_answer_imports_no_more_of_nltk_than_the_stemmer():
    out = _run("""
        import json, sys
        from surveykit.coding.codebook import load_codebook
        from surveykit.coding.rules import RuleCoder
        coder = RuleCoder(load_codebook())
        # "threatened" needs a stem, "placment" the typo path (which stems the misspelt word too)
        codes = coder.code_ids_of("The gang threatened his family and the placment broke down")
        print(json.dumps({"codes": codes, "nltk": sorted(m for m in sys.modules if m.split(".")[0] == "nltk"),
                          "scipy": "scipy" in sys.modules, "sklearn": "sklearn" in sys.modules}))
    """)
    assert "trafficker_control" in out["codes"] and "unsuitable_placement" in out["codes"]
    # The stemmer's own modules are dropped from sys.modules after loading: nothing of nltk stays
    # registered, and neither nltk.corpus nor what it drags in (scipy) was imported.
    assert out["nltk"] == []
    assert not out["scipy"] and not out["sklearn"]


def test_light_stemmer_gives_nltks_stems_and_leaves_nltk_importable():
    out = _run("""
        import gzip, json, sys
        from surveykit.coding import patterns
        from surveykit.io.resources import data_dir
        light = patterns._stemmer()
        assert "nltk" not in sys.modules
        with gzip.open(data_dir() / "redact" / "english_words.txt.gz", "rt", encoding="utf-8") as fh:
            words = [w.strip() for w in fh if w.strip() and not w.startswith("#")]
        words += ["placment", "bulying", "children's", "18th", "dying", "skies", "re-trafficked", "i'm",
                  "controll", "generously", "trafficker's", "uasc", "yoi", "bs", "q4"]
        light_stems = [light.stem(w) for w in words]
        # Now the ordinary, full import: it must work after the light load and agree with it.
        import nltk
        from nltk.stem.snowball import SnowballStemmer
        from nltk.corpus import stopwords
        full = SnowballStemmer("english")
        diff = [w for w, s in zip(words, light_stems) if full.stem(w) != s]
        print(json.dumps({"n": len(words), "diff": diff[:10], "full_is_real": hasattr(nltk, "word_tokenize"),
                          "stopwords": type(stopwords).__name__, "light_cls": type(light).__name__}))
    """)
    assert out["n"] > 60_000
    assert out["diff"] == []
    assert out["full_is_real"] and out["stopwords"] == "LazyCorpusLoader"
    assert out["light_cls"] == "EnglishStemmer"


def test_stemmer_uses_the_real_package_when_nltk_is_already_imported():
    out = _run("""
        import json, sys
        import nltk
        from surveykit.coding import patterns
        s = patterns._stemmer()
        print(json.dumps({"module": type(s).__module__, "same": sys.modules["nltk"] is nltk,
                          "stem": patterns.stem("trafficked")}))
    """)
    assert out == {"module": "nltk.stem.snowball", "same": True, "stem": "traffick"}


@pytest.mark.parametrize("word, expected", [
    # Published Porter2 (Snowball English) examples: snowballstem.org/algorithms/english/stemmer.html
    ("consign", "consign"), ("consigned", "consign"), ("consignment", "consign"),
    ("knack", "knack"), ("knackered", "knacker"), ("generously", "generous"),
])
def test_stem_matches_the_published_snowball_examples(word, expected):
    from surveykit.coding.patterns import stem

    assert stem(word) == expected
