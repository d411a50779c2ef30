"""Training the model of ``coding.model``: the calibrated classifiers, ``fit`` (the model from coded
answers) and ``train`` (``fit`` plus cross-validated metrics per code, the folds fitted by worker
processes). What a model is, how it scores answers and how its codes join the rules' is in
``coding.model``; ``code train`` and ``code review`` fit models through this module.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Sequence

from surveykit.coding.model import (CALIBRATION_FOLDS, CHAR, CLASSIFIER, MIN_EXAMPLES, WORD, TextModel, _present, _r,
                                    _rounded, _vectorizer, stemmed)
from surveykit.errors import InputError, UsageError

if TYPE_CHECKING:
    import pandas as pd


def _classifier():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(**CLASSIFIER)


def fit_features(texts: Sequence[str]):
    """Fit both vectorisers on texts (already stemmed): (word vectoriser, char vectoriser or None,
    feature matrix)."""
    from scipy.sparse import hstack

    word = _vectorizer(WORD)
    xw = word.fit_transform(list(texts))
    char = _vectorizer(CHAR)
    try:
        xc = char.fit_transform(list(texts))
    except ValueError:  # too few texts for min_df: words only
        return word, None, xw.tocsr()
    return word, char, hstack([xw, xc], format="csr")


def calibrated_classifier(y) -> Any:
    """The calibrated one-code classifier for labels y (cv folds: at most 5, at most the rarer class)."""
    from sklearn.calibration import CalibratedClassifierCV

    return CalibratedClassifierCV(_classifier(), method="sigmoid", cv=_calibration_folds(y), ensemble=False)


def _calibration_folds(y) -> Any:
    from sklearn.model_selection import StratifiedKFold

    k = int(min(CALIBRATION_FOLDS, y.sum(), len(y) - y.sum()))
    return StratifiedKFold(n_splits=k, shuffle=True, random_state=0)


def calibrated_fit(x, y) -> tuple[Any, float, float]:
    """(classifier fitted on all of x, Platt a, Platt b) for labels y: what
    ``calibrated_classifier(y).fit(x, y)`` computes (the same fits on the same rows, so the same
    numbers), without its generic machinery, which cost about as much as the fits themselves on a
    few hundred answers. Falls back to ``calibrated_classifier`` where scikit-learn's Platt
    calibrator is not where this version expects it."""
    import numpy as np

    try:
        from sklearn.calibration import _SigmoidCalibration
    except ImportError:  # pragma: no cover - a scikit-learn that moved its private calibrator
        inner = calibrated_classifier(y).fit(x, y).calibrated_classifiers_[0]
        return inner.estimator, float(inner.calibrators[0].a_), float(inner.calibrators[0].b_)
    decision = np.empty(len(y), dtype=float)
    for train, test in _calibration_folds(y).split(x, y):
        decision[test] = _classifier().fit(x[train], y[train]).decision_function(x[test])
    sig = _SigmoidCalibration().fit(decision, y)
    return _classifier().fit(x, y), float(sig.a_), float(sig.b_)


def trainable_codes(y) -> list[int]:
    """Columns of y with at least MIN_EXAMPLES positives and negatives."""
    n = y.shape[0]
    return [j for j in range(y.shape[1]) if MIN_EXAMPLES <= int(y[:, j].sum()) <= n - MIN_EXAMPLES]


def fit(texts: Sequence[str], y, code_list: Sequence[str], *, question_id: str,
        examples: Sequence[tuple[str, str]] = ()) -> TextModel:
    """Fit the model on texts and their labels (y: answers x codes, 0/1), without cross-validation.

    examples: extra (text, code id) pairs, each a positive example of its code only (codes not in
    code_list are ignored); they count towards a code's MIN_EXAMPLES, not towards ``n_answers``."""
    import numpy as np
    from threadpoolctl import threadpool_limits

    y = np.asarray(y, dtype=int)
    n_answers = len(texts)
    extra = [(t, code_list.index(c)) for t, c in examples if c in code_list]
    if extra:
        ex_y = np.zeros((len(extra), len(code_list)), dtype=int)
        for r, (_, j) in enumerate(extra):
            ex_y[r, j] = 1
        texts = list(texts) + [t for t, _ in extra]
        y = np.vstack([y.reshape(n_answers, len(code_list)), ex_y])
    word, char, x = fit_features(stemmed(texts))
    trainable = trainable_codes(y)
    coefs, intercepts, platt = [], [], []
    # One BLAS thread: the fits are small, so a second thread only spins waiting for work (that
    # doubled the CPU time of training and took the core from anything else running).
    with threadpool_limits(limits=1, user_api="blas"):
        for j in trainable:
            clf, a, b = calibrated_fit(x, y[:, j])
            coefs.append(_rounded(clf.coef_[0].tolist()))
            intercepts.append(_r(clf.intercept_[0]))
            platt.append((_r(a), _r(b)))
    # What is saved is what is used: every weight rounded as model.json writes it (so
    # ``TextModel.from_json(model.to_json()) == model``).
    return TextModel(question_id=str(question_id), codes=tuple(code_list[j] for j in trainable),
                     word_vocabulary=_terms(word), word_idf=_rounded(word.idf_), coef=tuple(coefs),
                     intercept=tuple(intercepts), n_answers=n_answers, n_examples=len(extra),
                     skipped=tuple(c for j, c in enumerate(code_list) if j not in trainable),
                     char_vocabulary=_terms(char) if char is not None else (),
                     char_idf=_rounded(char.idf_) if char is not None else (), calibration=tuple(platt))


def _terms(vec) -> tuple[str, ...]:
    terms = [""] * len(vec.vocabulary_)
    for term, i in vec.vocabulary_.items():
        terms[i] = term
    return tuple(terms)


def human_coding(coded: "pd.DataFrame") -> tuple["pd.DataFrame", int]:
    """The rows of ``coded`` that people gave, and how many answers only surveykit coded.

    Rows whose ``coder`` is the rule coder's or the model's (``io.coded.MACHINE_CODERS``: a file that
    ``surveykit code --suggest --out`` wrote, or one reviewed in place) are suggestions: a model trained
    on them would learn the rules and itself back, not the researcher's coding. They are left out; a
    file with nothing else is refused."""
    from surveykit.io.coded import MACHINE_CODERS

    if "coder" not in coded.columns or not len(coded):
        return coded, 0
    machine = [isinstance(c, str) and c.strip() in MACHINE_CODERS for c in coded["coder"]]
    if not any(machine):
        return coded, 0
    people = coded[[not m for m in machine]].reset_index(drop=True)
    if people.empty:
        found = sorted({str(c).strip() for c, m in zip(coded["coder"], machine) if m})
        raise InputError("the coded file holds only surveykit's own suggestions (coder "
                         f"{', '.join(repr(c) for c in found)}), and a model learns from people's coding: review "
                         "them first (surveykit code review EXPORT --coded reviewed.csv) and train on the file "
                         "the review writes")
    machine_only = ({str(r) for r, m in zip(coded["respondent_id"], machine) if m}
                    - {str(r) for r in people["respondent_id"]})
    return people, len(machine_only)


def training_table(answers: "pd.DataFrame", coded: "pd.DataFrame", *, codes: Sequence[str] | None = None
                   ) -> tuple[list[str], list[str], "Any", list[str]]:
    """Join answers (respondent_id, text) with coded rows: (respondent ids, texts, Y, code list).

    Every respondent in the coded file must be in the answers (else InputError naming the ids);
    answers the coder saw but which are blank in the survey are left out. Answers in file order.
    """
    import numpy as np
    import pandas as pd

    text_of = {str(r): t for r, t in zip(answers["respondent_id"], answers["text"])}
    rids = list(dict.fromkeys(str(r) for r in coded["respondent_id"]))
    unknown = [r for r in rids if r not in text_of]
    if unknown:
        from surveykit.io.gold import named_values

        # The frame has no file rows; an id is quoted only when id-like (the column may hold an answer).
        raise InputError(f"the coded file's respondent_id column has {len(unknown)} id(s) not in the survey: "
                         f"{named_values(unknown)}")
    rids = [r for r in rids if _present(text_of[r])]
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
    return rids, [str(text_of[r]) for r in rids], y, code_list


def train(answers: "pd.DataFrame", coded: "pd.DataFrame", *, question_id: str,
          codes: Sequence[str] | None = None, folds: int = 5, random_state: int = 0, first: int | None = None,
          examples: Sequence[tuple[str, str]] = (), workers: int | None = None) -> tuple[TextModel, "pd.DataFrame"]:
    """Fit the model on human codes and cross-validate it.

    answers: respondent_id, text. coded: coded-file rows (respondent_id, code_id; an empty code_id
    = "no code applies"; the rule coder's and the model's rows are left out, ``human_coding``).
    first: train on the first N coded answers only (file order). examples: extra (text, code id)
    training pairs, e.g. ``codebook_examples(codebook)``; they are added to
    the training part of every fold and are never scored. workers: processes fitting the
    cross-validation folds while this one fits the model (default: the cores available; 1: every
    fit here, one after another). The model and the metrics are the same for any number of workers.
    Returns the model and a metrics table, one row per code: ``code_id, n_positive, precision,
    recall, f1`` (cross-validated: KFold with ``folds`` shuffled splits and ``random_state``; the
    whole pipeline, vectorisers and calibration included, is refitted inside each fold; a code is
    suggested when its probability >= 0.5), ``trained`` (False when the code has fewer than 3
    answers with or without it), ``note``.
    """
    import numpy as np
    import pandas as pd
    from sklearn.metrics import precision_recall_fscore_support
    from sklearn.model_selection import KFold

    from surveykit.coding.stream import available_cores
    from surveykit.validation import check_count

    if folds < 2:
        raise UsageError(f"--folds must be at least 2; got {folds}")
    workers = available_cores() if workers is None else check_count(workers, parameter="workers")
    if first is not None and first < 1:
        raise UsageError(f"--first must be at least 1; got {first}")
    coded, _ = human_coding(coded)
    _, texts, y, code_list = training_table(answers, coded, codes=codes)
    if first is not None:
        texts, y = texts[:first], y[:first]
    n = len(texts)
    if n < 2 * MIN_EXAMPLES:
        raise InputError(f"too few coded answers to train a model: {n} (need at least {2 * MIN_EXAMPLES})")
    text_arr = np.array(texts, dtype=object)
    splits = list(KFold(n_splits=min(folds, n), shuffle=True, random_state=random_state).split(text_arr))
    _FOLDS.update(texts=text_arr, y=y, code_list=code_list, question_id=question_id, examples=examples)
    try:
        with _FoldFits(splits, workers) as fold_fits:
            model = fit(texts, y, code_list, question_id=question_id, examples=examples)
            held_out = fold_fits.results()
    finally:
        _FOLDS.clear()
    trainable = [code_list.index(c) for c in model.codes]
    predicted = np.zeros_like(y)
    for (train_idx, test_idx), (inner_codes, probs) in zip(splits, held_out):
        yt = y[train_idx]
        for k, code in enumerate(inner_codes):
            predicted[test_idx, code_list.index(code)] = (probs[:, k] >= 0.5).astype(int)
        for j in trainable:  # a code too rare in this fold: predict its majority class
            if code_list[j] not in inner_codes:
                predicted[test_idx, j] = int(yt[:, j].mean() > 0.5)
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
    return model, metrics


# What a cross-validation fold reads: set by ``train`` before its worker processes are forked (so
# they share it instead of receiving a copy), cleared afterwards.
_FOLDS: dict = {}


def _fold_fit(split: tuple[Any, Any]) -> tuple[tuple[str, ...], Any]:
    """One cross-validation fold of ``train``: the codes of the model fitted on the fold's training
    answers and its probabilities for the held-out ones."""
    train_idx, test_idx = split
    s = _FOLDS
    inner = fit(list(s["texts"][train_idx]), s["y"][train_idx], s["code_list"], question_id=s["question_id"],
                examples=s["examples"])
    return inner.codes, inner.probabilities(list(s["texts"][test_idx]))


class _FoldFits:
    """The folds of ``train`` fitted by forked worker processes (up to ``workers``, one per fold),
    started on entering, so that the caller fits the whole model meanwhile; with one worker, or
    where processes cannot be forked, ``results()`` fits them here, in order."""

    def __init__(self, splits: list, workers: int) -> None:
        self._splits, self._workers = splits, min(workers, len(splits))
        self._pool: Any = None
        self._pending: Any = None

    def __enter__(self) -> "_FoldFits":
        import multiprocessing as mp

        if self._workers > 1 and "fork" in mp.get_all_start_methods():
            # What fitting imports, imported before the fork: the workers share it instead of each
            # importing it again.
            import scipy.sparse  # noqa: F401
            import scipy.special  # noqa: F401
            import sklearn.calibration  # noqa: F401
            import sklearn.feature_extraction.text  # noqa: F401
            import sklearn.linear_model  # noqa: F401
            import threadpoolctl  # noqa: F401

            from surveykit.coding.patterns import stem

            stem("warming")  # loads the stemmer
            self._pool = mp.get_context("fork").Pool(self._workers)
            self._pending = self._pool.map_async(_fold_fit, self._splits, chunksize=1)
        return self

    def results(self) -> list:
        if self._pending is None:
            return [_fold_fit(split) for split in self._splits]
        return self._pending.get()

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        if self._pool is None:
            return
        if exc_type is None:
            self._pool.close()
        else:
            self._pool.terminate()
        self._pool.join()
