"""Learning curve of the model suggestions: F1 on the q7 TEST gold set against reviewed answers.

Trains the model (``surveykit.coding.training.fit``, the one ``code train`` and ``code review`` use) on
the first k answers of the DEVELOPMENT gold set, as if a researcher had reviewed them in file order,
and scores its suggestions (probability >= 0.5) on the test set, which it never sees. A second
curve simulates ``code review --order uncertainty``: after the first 25 answers, each next batch
of 25 is the dev answers the current model is least sure of. Since model version 3 the codebook's
own examples, include notes and definitions are added to every training set
(``coding.model.codebook_examples``), as bench/bench_coder_quality.py does; ``--no-examples``
leaves them out.

Not a test and not part of ``make bench``: run it by hand, then copy the table into
docs/coding-model.md.

    .venv/bin/python bench/learning_curve.py [--steps 25,50,100,150,200,250] [--test GOLD.csv]

``--test`` scores another test set (default ``responses/gold/q7_test.csv``; the fresh test set of
round 8 is ``responses/gold/q7_test2.csv``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def labels(coded, ids, codes):
    import numpy as np

    y = np.zeros((len(ids), len(codes)), dtype=int)
    pos = {r: i for i, r in enumerate(ids)}
    for r, c in zip(coded["respondent_id"], coded["code_id"]):
        if c is not None and c == c and c in codes:
            y[pos[r], codes.index(c)] = 1
    return y


def score(model, texts, y, codes):
    import numpy as np
    from sklearn.metrics import f1_score, precision_score, recall_score

    from surveykit.coding.model import predict_codes

    pred_sets = predict_codes(model, texts)
    pred = np.array([[int(c in s) for c in codes] for s in pred_sets], dtype=int)
    return {"macro_f1": f1_score(y, pred, average="macro", zero_division=0),
            "micro_f1": f1_score(y, pred, average="micro", zero_division=0),
            "micro_precision": precision_score(y, pred, average="micro", zero_division=0),
            "micro_recall": recall_score(y, pred, average="micro", zero_division=0)}


def main(argv: list[str]) -> int:
    import numpy as np

    from surveykit.coding.codebook import load_codebook
    from surveykit.coding.model import codebook_examples, uncertainty
    from surveykit.coding.training import fit
    from surveykit.io.coded import read_gold

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", default="25,50,100,150,200,250")
    parser.add_argument("--batch", type=int, default=25)
    parser.add_argument("--no-examples", action="store_true", help="train on the reviewed answers alone")
    parser.add_argument("--test", type=Path, default=ROOT / "responses" / "gold" / "q7_test.csv",
                        help="the gold set the suggestions are scored on")
    args = parser.parse_args(argv)
    steps = [int(s) for s in args.steps.split(",")]
    cb = load_codebook(None)
    codes = list(cb.code_ids)
    extra = [] if args.no_examples else codebook_examples(cb)
    dev_answers, dev_coded = read_gold(ROOT / "responses" / "gold" / "q7_dev.csv", question_id="q7")
    test_answers, test_coded = read_gold(args.test, question_id="q7")
    dev_texts, dev_ids = list(dev_answers["text"]), list(dev_answers["respondent_id"])
    test_texts, test_ids = list(test_answers["text"]), list(test_answers["respondent_id"])
    y_dev, y_test = labels(dev_coded, dev_ids, codes), labels(test_coded, test_ids, codes)
    print(f"dev {len(dev_texts)} answers, test {len(test_texts)} answers, {len(codes)} codes, "
          f"{len(extra)} codebook examples")

    rows = []
    for k in [s for s in steps if s <= len(dev_texts)]:
        t = time.perf_counter()
        model = fit(dev_texts[:k], y_dev[:k], codes, question_id="q7", examples=extra)
        rows.append(("file order", k, len(model.codes), score(model, test_texts, y_test, codes),
                     time.perf_counter() - t))

    # Simulated review in uncertainty order: first batch in file order, then the most uncertain.
    chosen = list(range(min(args.batch, len(dev_texts))))
    while True:
        model = fit([dev_texts[i] for i in chosen], y_dev[chosen], codes, question_id="q7", examples=extra)
        if len(chosen) in steps:
            rows.append(("uncertainty order", len(chosen), len(model.codes), score(model, test_texts, y_test, codes), 0.0))
        rest = [i for i in range(len(dev_texts)) if i not in set(chosen)]
        if not rest or len(chosen) >= max(steps):
            break
        u = uncertainty(model, [dev_texts[i] for i in rest]) if model.codes else np.ones(len(rest))
        ranked = [rest[j] for j in sorted(range(len(rest)), key=lambda j: (-float(u[j]), j))]
        step = min(args.batch, min([s for s in steps if s > len(chosen)], default=len(chosen)) - len(chosen))
        chosen += ranked[:max(step, 1)]

    print()
    print("| order | reviewed answers (dev) | codes learnt | macro-F1 (test) | micro-F1 | micro-precision | micro-recall |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for order, k, learnt, s, _ in rows:
        print(f"| {order} | {k} | {learnt} of {len(codes)} | {s['macro_f1']:.3f} | {s['micro_f1']:.3f} | "
              f"{s['micro_precision']:.3f} | {s['micro_recall']:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
