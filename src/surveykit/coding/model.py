"""A model that learns from the user's own coding: suggestions with calibrated probabilities.

Features: word uni- and bigrams and character 2-5-grams inside word boundaries (TF-IDF each, then
side by side), so that a typo ("trafikers") or an inflection still shares most of its features
with the word it misspells. Since version 3 both read the answer with every word reduced to its
Snowball stem ("threatened", "threatening" -> "threaten"), so an inflection shares whole features.
Optionally the codebook's own worked examples, include notes and definitions are added to the
training answers as extra examples of their code (``examples=``; ``codebook_examples``): with 150
reviewed answers a code has only 6-15 positives, and its definition is worth several more.
One logistic regression per code (one-vs-rest, balanced class
weights), whose decision value is turned into a probability by **Platt scaling** fitted on
cross-validated decision values (what scikit-learn's ``CalibratedClassifierCV(method="sigmoid",
ensemble=False)`` computes; ``coding.training``): a probability of 0.8 means about 8 in 10 such
suggestions are right, which is what ``--accept-above`` and the review's uncertainty order rely on.
Everything is seeded, so the same coded answers always give the same model, byte for byte.

The model is a suggestion engine, never the last word: its codes carry a probability, are
auto-accepted only above a threshold the researcher sets, and the rest go to review.

A saved model is a folder holding ``model.json`` (both vocabularies and idf weights, one
coefficient vector, intercept and Platt pair per code, the settings) and ``metrics.csv``
(cross-validated precision, recall and F1). It is plain JSON, so loading a model runs no code from
the file (no pickle). Version 1 models (word TF-IDF, uncalibrated) and version 2 models (no stems)
still load and score as they did.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from surveykit.errors import InputError, UsageError, invalid_choice

if TYPE_CHECKING:
    import pandas as pd

FORMAT = "surveykit-text-model"
FORMAT_VERSION = 3
CODER = "model"
MIN_EXAMPLES = 3  # positives and negatives a code needs before a classifier is fitted for it
CALIBRATION_FOLDS = 5
WORD = {"analyzer": "word", "lowercase": True, "strip_accents": "unicode", "ngram_range": [1, 2], "min_df": 1,
        "sublinear_tf": True, "norm": "l2", "token_pattern": r"(?u)\b\w+\b", "smooth_idf": True}
CHAR = {"analyzer": "char_wb", "lowercase": True, "strip_accents": "unicode", "ngram_range": [2, 5], "min_df": 2,
        "sublinear_tf": True, "norm": "l2", "smooth_idf": True}
CLASSIFIER = {"C": 4.0, "class_weight": "balanced", "solver": "liblinear", "random_state": 0}
# Version 1 (kept to read old model folders): word TF-IDF only, no calibration.
_V1_WORD = {"lowercase": True, "ngram_range": [1, 2], "min_df": 1, "sublinear_tf": True, "norm": "l2",
            "token_pattern": r"(?u)\b\w\w+\b", "smooth_idf": True}


@dataclass(frozen=True)
class TextModel:
    """A trained model.

    ``codes`` lists the codes with a classifier, in order; ``word_vocabulary``/``word_idf`` and
    ``char_vocabulary``/``char_idf`` are the two TF-IDF vectorisers (terms in column order); per
    code, ``coef`` (word columns then char columns), ``intercept`` and the Platt pair
    ``calibration`` (a, b): probability = 1 / (1 + exp(a * decision + b)). ``skipped``: codes seen
    in training with too few examples for a classifier.
    """

    question_id: str
    codes: tuple[str, ...]
    word_vocabulary: tuple[str, ...]
    word_idf: tuple[float, ...]
    coef: tuple[tuple[float, ...], ...]
    intercept: tuple[float, ...]
    n_answers: int
    skipped: tuple[str, ...] = ()
    char_vocabulary: tuple[str, ...] = ()
    char_idf: tuple[float, ...] = ()
    calibration: tuple[tuple[float, float], ...] = ()
    version: int = FORMAT_VERSION
    n_examples: int = 0

    @property
    def vocabulary(self) -> tuple[str, ...]:
        """Every feature name, in column order (word terms, then character n-grams)."""
        return self.word_vocabulary + self.char_vocabulary

    def to_json(self) -> str:
        from surveykit._version import __version__

        doc = {
            "format": FORMAT, "format_version": self.version, "surveykit": __version__,
            "question_id": self.question_id, "n_answers": self.n_answers, "n_examples": self.n_examples,
            "text": "snowball stems" if self.version >= 3 else "as written",
            "word_vectorizer": WORD, "char_vectorizer": CHAR, "classifier": CLASSIFIER,
            "calibration": {"method": "sigmoid (Platt)", "folds": CALIBRATION_FOLDS},
            "word_vocabulary": list(self.word_vocabulary), "word_idf": list(_rounded(self.word_idf)),
            "char_vocabulary": list(self.char_vocabulary), "char_idf": list(_rounded(self.char_idf)),
            "codes": [{"code_id": c, "intercept": _r(b), "platt_a": _r(ab[0]), "platt_b": _r(ab[1]),
                       "coef": list(_rounded(w))}
                      for c, w, b, ab in zip(self.codes, self.coef, self.intercept, self.calibration)],
            "skipped_codes": list(self.skipped),
        }

        # One line per key (one per code for the weights): readable in a diff, compact on disk.
        def dump(v: Any) -> str:
            return json.dumps(v, ensure_ascii=False, separators=(",", ":"))

        lines = []
        for key, value in doc.items():
            if key == "codes":
                inner = ",\n  ".join(dump(c) for c in value)
                lines.append(f'"codes": [\n  {inner}\n]' if value else '"codes": []')
            else:
                lines.append(f"{dump(key)}: {dump(value)}")
        return "{\n" + ",\n".join(lines) + "\n}\n"

    @classmethod
    def from_json(cls, text: str, *, source: str = "<model>") -> "TextModel":
        try:
            doc = json.loads(text)
            version = doc.get("format_version")
            if doc.get("format") != FORMAT or version not in (1, 2, FORMAT_VERSION):
                raise ValueError("format")
            codes = tuple(str(c["code_id"]) for c in doc["codes"])
            coef = tuple(tuple(float(x) for x in c["coef"]) for c in doc["codes"])
            intercept = tuple(float(c["intercept"]) for c in doc["codes"])
            if version == 1:
                word_vocab, word_idf = tuple(str(t) for t in doc["vocabulary"]), tuple(float(x) for x in doc["idf"])
                char_vocab, char_idf = (), ()
                calibration = tuple((-1.0, 0.0) for _ in codes)  # the plain logistic function
            else:
                word_vocab = tuple(str(t) for t in doc["word_vocabulary"])
                word_idf = tuple(float(x) for x in doc["word_idf"])
                char_vocab = tuple(str(t) for t in doc["char_vocabulary"])
                char_idf = tuple(float(x) for x in doc["char_idf"])
                calibration = tuple((float(c["platt_a"]), float(c["platt_b"])) for c in doc["codes"])
            width = len(word_vocab) + len(char_vocab)
            if (len(word_idf) != len(word_vocab) or len(char_idf) != len(char_vocab)
                    or any(len(w) != width for w in coef)):
                raise ValueError("shape")
            if not all(math.isfinite(x) for w in coef for x in w):
                raise ValueError("values")
            return cls(question_id=str(doc["question_id"]), codes=codes, word_vocabulary=word_vocab, word_idf=word_idf,
                       coef=coef, intercept=intercept, n_answers=int(doc["n_answers"]),
                       skipped=tuple(str(c) for c in doc.get("skipped_codes", ())), char_vocabulary=char_vocab,
                       char_idf=char_idf, calibration=calibration, version=int(version),
                       n_examples=int(doc.get("n_examples", 0)))
        except (ValueError, KeyError, TypeError, AttributeError, IndexError):
            raise InputError(f"not a {FORMAT} model.json of version 1 to {FORMAT_VERSION} (retrain with "
                             "'surveykit code train')", path=source) from None

    def features(self, texts: Sequence[str]):
        """The (answers x features) sparse matrix the classifiers read."""
        from scipy.sparse import hstack

        texts = stemmed(texts) if self.version >= 3 else list(texts)
        parts = [_vectorizer(WORD if self.version > 1 else _V1_WORD, self.word_vocabulary, self.word_idf)
                 .transform(texts)]
        if self.char_vocabulary:
            parts.append(_vectorizer(CHAR, self.char_vocabulary, self.char_idf).transform(texts))
        return hstack(parts, format="csr")

    def decision(self, texts: Sequence[str]):
        """(answers x codes) array of the classifiers' decision values (before calibration)."""
        import numpy as np

        x = self.features(texts)
        w = np.asarray(self.coef, dtype=float).reshape(len(self.codes), -1).T
        return np.asarray(x @ w) + np.asarray(self.intercept, dtype=float)

    def probabilities(self, texts: Sequence[str]):
        """(answers x codes) array of calibrated probabilities."""
        import numpy as np

        if not self.codes:
            return np.zeros((len(texts), 0))
        f = self.decision(texts)
        ab = np.asarray(self.calibration, dtype=float)
        return _expit(-(f * ab[:, 0] + ab[:, 1]))


_WORD_RE = None


def stemmed(texts: Sequence[str]) -> list[str]:
    """Each text lower-cased, as its words' Snowball stems separated by spaces (what version 3 reads)."""
    global _WORD_RE
    import re

    from surveykit.coding.patterns import stem

    if _WORD_RE is None:
        _WORD_RE = re.compile(r"\w+")
    return [" ".join(stem(w) for w in _WORD_RE.findall(str(t).lower())) for t in texts]


def codebook_examples(codebook) -> list[tuple[str, str]]:
    """(text, code id) pairs a codebook offers as examples of its codes: each code's worked
    ``examples``, its ``include`` notes, and its label with its definition."""
    out: list[tuple[str, str]] = []
    for code in codebook.codes:
        out += [(str(t), code.id) for t in code.examples]
        out += [(str(t), code.id) for t in code.include]
        out.append((f"{code.label}. {code.definition}", code.id))
    return out


def _expit(z):
    from scipy.special import expit

    return expit(z)


def _r(x: float) -> float:
    # 12 significant digits: stable text across platforms, ample precision for probabilities.
    return float(f"{float(x):.12g}")


def _rounded(values: Sequence[float]) -> tuple[float, ...]:
    """Each value as ``_r`` rounds it, formatted in one pass (a model holds about 10^5 weights)."""
    values = tuple(map(float, values))
    return tuple(map(float, ("%.12g " * len(values) % values).split()))


def _vectorizer(settings: dict, vocabulary: Sequence[str] | None = None, idf: Sequence[float] | None = None):
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    params = dict(settings)
    params["ngram_range"] = tuple(params["ngram_range"])
    if vocabulary is not None:
        params.pop("min_df", None)
    vec = TfidfVectorizer(**params, vocabulary={t: i for i, t in enumerate(vocabulary)} if vocabulary else None)
    if idf is not None:
        vec.idf_ = np.asarray(idf, dtype=float)
    return vec


def _present(text) -> bool:
    import pandas as pd

    return text is not None and not (isinstance(text, float) and pd.isna(text)) and bool(str(text).strip())


# How model codes join the rule coder's (evaluate, ``code --suggest`` and review all use this):
# "uncoded": only on answers the rules gave no code; "union": on every answer. Measured on a
# development set the rules had never been tuned on (docs/coding-model.md, "Rules plus the model"):
# a model code added beside a rule code was right 3 times in 38, one on an answer the rules left
# uncoded 17 times in 28 (probability >= 0.5).
COMBINE = ("uncoded", "union")
# The probability at which a model code is taken on an answer the rules left uncoded (same study).
MIN_PROBABILITY = 0.6


def check_combine(combine: str) -> str:
    if combine not in COMBINE:
        raise invalid_choice("combine", combine, COMBINE)
    return combine


def combine_codes(rule_codes: Sequence[frozenset[str]], model_codes: Sequence[frozenset[str]], *,
                  combine: str = "uncoded") -> list[frozenset[str]]:
    """Rules plus model, answer by answer: with ``combine="uncoded"`` an answer the rules coded
    keeps exactly the rules' codes and an answer they left uncoded takes the model's; with
    ``"union"`` every answer takes both."""
    check_combine(combine)
    if len(rule_codes) != len(model_codes):
        raise ValueError("one rule code set per model code set is needed")
    return [frozenset(r) if (r and combine == "uncoded") else frozenset(r) | frozenset(m)
            for r, m in zip(rule_codes, model_codes)]


def suggest(model: TextModel, answers: "pd.DataFrame", *, question_id: str | None = None,
            accept_above: float = 1.0, min_probability: float = 0.5, rule_coded: Any = None,
            combine: str = "uncoded") -> "pd.DataFrame":
    """Model suggestions for answers (columns respondent_id, text; blank answers are skipped).

    Returns one row per suggestion with probability >= ``min_probability``: ``respondent_id,
    question_id, code_id, probability`` (0-1, rounded to 4 places), ``coder`` ("model"),
    ``accepted`` (True when probability > ``accept_above``; the rest are for review). Rows follow
    the answers' order, then the model's code order.

    rule_coded: the respondent ids the rule coder gave at least one code. With ``combine="uncoded"``
    (the default; see ``combine_codes``) a suggestion on one of those answers is listed for review
    but never accepted. None: nothing is known of the rules (every suggestion may be accepted).
    """
    import numpy as np
    import pandas as pd

    for name, value in (("--accept-above", accept_above), ("min_probability", min_probability)):
        if not 0 <= value <= 1:
            raise UsageError(f"{name} must be between 0 and 1; got {value}")
    check_combine(combine)
    held = {str(r) for r in rule_coded} if (rule_coded is not None and combine == "uncoded") else set()
    qid = question_id or model.question_id
    keep = [i for i, t in enumerate(answers["text"]) if _present(t)]
    rids = [str(answers["respondent_id"].iloc[i]) for i in keep]
    texts = [str(answers["text"].iloc[i]) for i in keep]
    cols = ["respondent_id", "question_id", "code_id", "probability", "coder", "accepted"]
    if not texts or not model.codes:
        return pd.DataFrame(columns=cols)
    probs = model.probabilities(texts)
    rows = []
    for i, j in zip(*np.nonzero(probs >= min_probability)):
        p = float(probs[i, j])
        rows.append((rids[i], qid, model.codes[j], round(p, 4), CODER, bool(p > accept_above and rids[i] not in held)))
    return pd.DataFrame(rows, columns=cols)


def predict_codes(model: TextModel, texts: Sequence[str], *, threshold: float = 0.5) -> list[frozenset[str]]:
    """The set of codes the model gives each text (probability >= threshold); blank -> empty set."""
    if not 0 <= threshold <= 1:
        raise UsageError(f"threshold must be between 0 and 1; got {threshold}")
    out: list[frozenset[str]] = [frozenset()] * len(texts)
    keep = [i for i, t in enumerate(texts) if _present(t)]
    if not keep or not model.codes:
        return out
    probs = model.probabilities([str(texts[i]) for i in keep])
    for row, i in zip(probs, keep):
        out[i] = frozenset(c for c, p in zip(model.codes, row) if p >= threshold)
    return out


def uncertainty(model: TextModel, texts: Sequence[str]):
    """How unsure the model is about each text, 0-1: 1 - |2p - 1| for its least certain code (1 when
    some code stands at 0.5). Reviewing the most uncertain answers first teaches the model most."""
    import numpy as np

    if not model.codes or not len(texts):
        return np.zeros(len(texts))
    probs = model.probabilities([str(t) for t in texts])
    return (1.0 - np.abs(2.0 * probs - 1.0)).max(axis=1)


def model_files(model: TextModel, metrics: "pd.DataFrame") -> dict[str, str]:
    """The files of a saved model folder (name -> text)."""
    from surveykit.io.cells import frame_csv

    return {"model.json": model.to_json(), "metrics.csv": frame_csv(metrics)}


def load_model(path: str | Path) -> TextModel:
    """Load a model folder written by ``code train`` (plain JSON; nothing in it is executed)."""
    from surveykit.io.model_files import read_model_file

    return TextModel.from_json(read_model_file(path, "model.json"), source=str(Path(path) / "model.json"))


# The name io.coded used to give this function (model folders are read through io either way).
read_model = load_model
