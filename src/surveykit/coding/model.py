"""Model suggestions: TF-IDF + one-vs-rest logistic regression trained on human-coded answers.

The model is a suggestion engine, never the last word: its codes carry a probability, are
auto-accepted only above a threshold the researcher sets, and the rest go to review.

Saved models are a folder holding ``model.json`` (vocabulary, idf weights, one coefficient vector and
intercept per code, the vectoriser settings) and ``metrics.csv`` (cross-validated precision, recall
and F1). It is plain JSON written by us, so loading a model runs no code from the file (no pickle),
and training the same data twice writes byte-identical files.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

from surveykit.errors import InputError, UsageError

if TYPE_CHECKING:
    import pandas as pd

FORMAT = "surveykit-text-model"
FORMAT_VERSION = 1
CODER = "model"
MIN_EXAMPLES = 3  # positives and negatives a code needs before a classifier is fitted for it
VECTORIZER = {"lowercase": True, "ngram_range": [1, 2], "min_df": 1, "sublinear_tf": True, "norm": "l2",
              "token_pattern": r"(?u)\b\w\w+\b", "smooth_idf": True}
CLASSIFIER = {"C": 4.0, "class_weight": "balanced", "solver": "liblinear", "random_state": 0}


@dataclass(frozen=True)
class TextModel:
    """A trained model: ``vocabulary`` (terms in column order), ``idf``, and per code ``coef`` and
    ``intercept``. ``codes`` lists the codes with a classifier, in order."""

    question_id: str
    codes: tuple[str, ...]
    vocabulary: tuple[str, ...]
    idf: tuple[float, ...]
    coef: tuple[tuple[float, ...], ...]
    intercept: tuple[float, ...]
    n_answers: int
    skipped: tuple[str, ...] = ()

    def to_json(self) -> str:
        from surveykit._version import __version__

        doc = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "surveykit": __version__,
            "question_id": self.question_id, "n_answers": self.n_answers,
            "vectorizer": VECTORIZER, "classifier": CLASSIFIER,
            "vocabulary": list(self.vocabulary), "idf": [_r(x) for x in self.idf],
            "codes": [{"code_id": c, "intercept": _r(b), "coef": [_r(x) for x in w]}
                      for c, w, b in zip(self.codes, self.coef, self.intercept)],
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
            if doc.get("format") != FORMAT or doc.get("format_version") != FORMAT_VERSION:
                raise ValueError("format")
            vocab = tuple(str(t) for t in doc["vocabulary"])
            idf = tuple(float(x) for x in doc["idf"])
            codes = tuple(str(c["code_id"]) for c in doc["codes"])
            coef = tuple(tuple(float(x) for x in c["coef"]) for c in doc["codes"])
            intercept = tuple(float(c["intercept"]) for c in doc["codes"])
            if len(idf) != len(vocab) or any(len(w) != len(vocab) for w in coef):
                raise ValueError("shape")
            return cls(question_id=str(doc["question_id"]), codes=codes, vocabulary=vocab, idf=idf, coef=coef,
                       intercept=intercept, n_answers=int(doc["n_answers"]),
                       skipped=tuple(doc.get("skipped_codes", ())))
        except (ValueError, KeyError, TypeError, AttributeError):
            raise InputError(f"not a {FORMAT} version {FORMAT_VERSION} model.json (retrain with 'surveykit code train')",
                             path=source) from None

    def probabilities(self, texts: Sequence[str]) -> "Any":
        """(answers x codes) array of probabilities."""
        import numpy as np

        x = _vectorizer(self.vocabulary, self.idf).transform(list(texts))
        w = np.asarray(self.coef, dtype=float).T
        z = x @ w + np.asarray(self.intercept, dtype=float)
        return 1.0 / (1.0 + np.exp(-z))


def _r(x: float) -> float:
    # 12 significant digits: stable text across platforms, ample precision for probabilities.
    return float(f"{float(x):.12g}")


def _vectorizer(vocabulary: Sequence[str] | None = None, idf: Sequence[float] | None = None):
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    params = dict(VECTORIZER)
    params["ngram_range"] = tuple(params["ngram_range"])
    vec = TfidfVectorizer(**params, vocabulary={t: i for i, t in enumerate(vocabulary)} if vocabulary else None)
    if idf is not None:
        vec.idf_ = np.asarray(idf, dtype=float)
    return vec


def _classifier():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(**CLASSIFIER)


def training_table(answers: "pd.DataFrame", coded: "pd.DataFrame", *, codes: Sequence[str] | None = None
                   ) -> tuple[list[str], list[str], "Any", list[str]]:
    """Join answers (respondent_id, text) with coded rows: (respondent ids, texts, Y, code list).

    Every respondent in the coded file must be in the answers (else InputError naming the ids);
    answers the coder saw but which are blank in the survey are left out.
    """
    import numpy as np
    import pandas as pd

    text_of = {str(r): t for r, t in zip(answers["respondent_id"], answers["text"])}
    rids = list(dict.fromkeys(str(r) for r in coded["respondent_id"]))
    unknown = [r for r in rids if r not in text_of]
    if unknown:
        shown = ", ".join(repr(u[:40]) for u in unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        raise InputError(f"the coded file has {len(unknown)} respondent id(s) not in the survey: {shown}")
    rids = [r for r in rids if text_of[r]]
    used = list(dict.fromkeys(str(c) for c in coded["code_id"] if not pd.isna(c) and str(c)))
    code_list = list(codes) if codes is not None else sorted(used)
    code_list += [c for c in sorted(used) if c not in code_list]
    index = {r: i for i, r in enumerate(rids)}
    y = np.zeros((len(rids), len(code_list)), dtype=int)
    pos = {c: k for k, c in enumerate(code_list)}
    for r, c in zip(coded["respondent_id"], coded["code_id"]):
        r = str(r)
        if r in index and not pd.isna(c) and str(c):
            y[index[r], pos[str(c)]] = 1
    return rids, [text_of[r] for r in rids], y, code_list


def train(answers: "pd.DataFrame", coded: "pd.DataFrame", *, question_id: str,
          codes: Sequence[str] | None = None, folds: int = 5, random_state: int = 0
          ) -> tuple[TextModel, "pd.DataFrame"]:
    """Fit the model on human codes and cross-validate it.

    Returns the model and a metrics table, one row per code: ``code_id, n_positive, precision,
    recall, f1`` (cross-validated, KFold with ``folds`` shuffled splits and ``random_state``; the
    vectoriser is refitted inside each fold; a code is suggested when its probability >= 0.5),
    ``trained`` (False when the code has fewer than 3 positive or negative examples), ``note``.
    """
    import numpy as np
    import pandas as pd
    from sklearn.metrics import precision_recall_fscore_support
    from sklearn.model_selection import KFold

    _, texts, y, code_list = training_table(answers, coded, codes=codes)
    n = len(texts)
    if n < 2 * MIN_EXAMPLES:
        raise InputError(f"too few coded answers to train a model: {n} (need at least {2 * MIN_EXAMPLES})")
    if folds < 2:
        raise UsageError(f"--folds must be at least 2; got {folds}")
    k = min(folds, n)
    trainable = [j for j in range(len(code_list)) if MIN_EXAMPLES <= y[:, j].sum() <= n - MIN_EXAMPLES]
    predicted = np.zeros_like(y)
    splitter = KFold(n_splits=k, shuffle=True, random_state=random_state)
    text_arr = np.array(texts, dtype=object)
    for train_idx, test_idx in splitter.split(text_arr):
        vec = _vectorizer()
        x_train = vec.fit_transform(text_arr[train_idx])
        x_test = vec.transform(text_arr[test_idx])
        for j in trainable:
            yt = y[train_idx, j]
            if yt.min() == yt.max():  # one class in this fold: predict that class
                predicted[test_idx, j] = yt[0]
                continue
            clf = _classifier().fit(x_train, yt)
            predicted[test_idx, j] = (clf.predict_proba(x_test)[:, 1] >= 0.5).astype(int)
    rows = []
    for j, code in enumerate(code_list):
        row: dict[str, Any] = {"code_id": code, "n_positive": int(y[:, j].sum())}
        if j in trainable:
            p, r, f, _ = precision_recall_fscore_support(y[:, j], predicted[:, j], average="binary", zero_division=0)
            row.update(precision=float(p), recall=float(r), f1=float(f), trained=True, note="")
        else:
            row.update(precision=math.nan, recall=math.nan, f1=math.nan, trained=False,
                       note=f"needs >= {MIN_EXAMPLES} answers with and without the code")
        rows.append(row)
    metrics = pd.DataFrame(rows, columns=["code_id", "n_positive", "precision", "recall", "f1", "trained", "note"])

    vec = _vectorizer()
    x = vec.fit_transform(texts)
    vocab = [None] * len(vec.vocabulary_)
    for term, i in vec.vocabulary_.items():
        vocab[i] = term
    coefs, intercepts = [], []
    for j in trainable:
        clf = _classifier().fit(x, y[:, j])
        coefs.append(tuple(float(v) for v in clf.coef_[0]))
        intercepts.append(float(clf.intercept_[0]))
    model = TextModel(question_id=question_id, codes=tuple(code_list[j] for j in trainable),
                      vocabulary=tuple(vocab), idf=tuple(float(v) for v in vec.idf_), coef=tuple(coefs),
                      intercept=tuple(intercepts), n_answers=n,
                      skipped=tuple(c for j, c in enumerate(code_list) if j not in trainable))
    # What is saved is what is used: round the weights as the JSON does.
    model = TextModel.from_json(model.to_json())
    return model, metrics


def suggest(model: TextModel, answers: "pd.DataFrame", *, question_id: str | None = None,
            accept_above: float = 1.0, min_probability: float = 0.5) -> "pd.DataFrame":
    """Model suggestions for answers (columns respondent_id, text; blank answers are skipped).

    Returns one row per suggestion with probability >= ``min_probability``: ``respondent_id,
    question_id, code_id, probability`` (0-1, rounded to 4 places), ``coder`` ("model"),
    ``accepted`` (True when probability > ``accept_above``; the rest are for review). Rows follow
    the answers' order, then the model's code order.
    """
    import numpy as np
    import pandas as pd

    for name, value in (("--accept-above", accept_above), ("min_probability", min_probability)):
        if not 0 <= value <= 1:
            raise UsageError(f"{name} must be between 0 and 1; got {value}")
    qid = question_id or model.question_id
    keep = [i for i, t in enumerate(answers["text"]) if t is not None and not pd.isna(t) and str(t).strip()]
    rids = [str(answers["respondent_id"].iloc[i]) for i in keep]
    texts = [str(answers["text"].iloc[i]) for i in keep]
    cols = ["respondent_id", "question_id", "code_id", "probability", "coder", "accepted"]
    if not texts or not model.codes:
        return pd.DataFrame(columns=cols)
    probs = model.probabilities(texts)
    rows = []
    for i, j in zip(*np.nonzero(probs >= min_probability)):
        p = float(probs[i, j])
        rows.append((rids[i], qid, model.codes[j], round(p, 4), CODER, bool(p > accept_above)))
    return pd.DataFrame(rows, columns=cols)


def model_files(model: TextModel, metrics: "pd.DataFrame") -> dict[str, str]:
    """The files of a saved model folder (name -> text)."""
    from surveykit.io.cells import frame_csv

    return {"model.json": model.to_json(), "metrics.csv": frame_csv(metrics)}


def load_model(path: "str | Path") -> TextModel:
    """Load a model folder written by ``code train`` (plain JSON through ``surveykit.io``; nothing
    in it is executed)."""
    from pathlib import Path

    from surveykit.io.coded import read_model_file

    return TextModel.from_json(read_model_file(path, "model.json"), source=str(Path(path) / "model.json"))
