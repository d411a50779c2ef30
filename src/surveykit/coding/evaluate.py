"""How well a coder agrees with a gold set: per-code precision, recall, F1, Krippendorff's alpha.

``evaluate(gold, codebook, model=None)`` codes every gold answer with the rule coder (and, with a
model, with the model's suggestions and with both together: the model's codes on the answers the
rules left uncoded, by default) and compares the codes given with the
gold codes, answer by answer. Multi-label: each (answer, code) is one binary decision.

Definitions (the same as scikit-learn's ``precision_recall_fscore_support`` with ``zero_division=0``):

* per code: tp, fp, fn over the answers; precision = tp / (tp + fp) (0 when the code is never
  given), recall = tp / (tp + fn), F1 = 2PR / (P + R) (0 when both are 0); support = tp + fn;
* macro-F1: the unweighted mean of the per-code F1 over the codes that occur in the gold set or in
  the coder's output (a code absent from both is not scored, as scikit-learn does by default);
* micro precision / recall / F1: from tp, fp, fn summed over the codes;
* Krippendorff's alpha (nominal, two coders: gold and the coder): per code over the answers, and
  pooled over every (answer, code) decision (``alpha_pooled``); ``alpha_mean`` is the mean of the
  per-code alphas that are defined. Computed with ``coding.agreement.krippendorff_alpha_nominal``;
* Cohen's kappa (gold vs the coder, binary): per code, and pooled over every decision;
* exact match: the share of answers given exactly the gold's set of codes;
* confusions: for each pair (A, B), the answers where A was given but is not in the gold while the
  gold has B (``gold`` = "(none)" when the gold has no code), and of those how many also missed B;
  and ("(none)", B): answers with gold code B where the coder gave no code at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

from surveykit.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from surveykit.coding.codebook import Codebook
    from surveykit.coding.model import TextModel
    from surveykit.io.gold import GoldSet

NONE = "(none)"
PER_CODE_COLUMNS = ("code_id", "support", "predicted", "tp", "fp", "fn", "precision", "recall", "f1", "alpha",
                    "kappa")
SUMMARY_COLUMNS = ("coder", "answers", "macro_f1", "micro_precision", "micro_recall", "micro_f1", "alpha_pooled",
                   "alpha_mean", "kappa_pooled", "exact_match", "codes_scored", "min_f1", "codes_below_0_60")
CONFUSION_COLUMNS = ("predicted", "gold", "answers", "gold_missed")
ANSWER_COLUMNS = ("id", "gold", "predicted", "missed", "extra", "style")


@dataclass(frozen=True)
class Scores:
    """One coder against the gold.

    per_code: one row per codebook code, columns ``code_id, support, predicted, tp, fp, fn,
    precision, recall, f1, alpha`` (precision/recall/F1 as floats 0-1; alpha NaN when undefined,
    e.g. a code neither in the gold nor given). overall: answers, macro_f1, micro_precision,
    micro_recall, micro_f1, alpha_pooled, alpha_mean, exact_match, codes_scored, min_f1,
    codes_below_0_60. confusions: columns ``predicted, gold, answers, gold_missed``, most frequent
    first. answers: ``id, gold, predicted, missed, extra, style`` (codes ``;``-separated), one row
    per gold answer, no answer text.
    """

    coder: str
    per_code: "pd.DataFrame"
    overall: dict[str, Any]
    confusions: "pd.DataFrame"
    answers: "pd.DataFrame"


@dataclass(frozen=True)
class Evaluation:
    """The result of ``evaluate``: ``main`` is the coder reported (rules, or rules+model with a
    model); ``coders`` holds every coder measured, by name; ``summary`` one row per coder."""

    gold_path: str
    codebook_id: str
    main: Scores
    coders: dict[str, Scores] = field(default_factory=dict)

    @property
    def summary(self) -> "pd.DataFrame":
        import pandas as pd

        rows = [{"coder": name, **{k: s.overall[k] for k in SUMMARY_COLUMNS if k != "coder"}}
                for name, s in self.coders.items()]
        return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def check_gold_codes(gold: "GoldSet", codebook: "Codebook") -> None:
    """Every gold code must be one of the codebook's; else one InputError naming the file, the
    count and the rows (a code is quoted only when id-like: the cell may hold an answer)."""
    from surveykit.io.gold import named_values

    unknown: dict[str, list[int]] = {}
    for codes, row in zip(gold.codes, gold.rows):
        for c in codes:
            if not codebook.has_code(c):
                unknown.setdefault(c, []).append(row)
    if unknown:
        shown = named_values(unknown, unknown, what="a code id")
        raise InputError(f"the codes column has {len(unknown)} code id(s) the codebook '{codebook.id}' does not "
                         f"have: {shown}; {_expected(codebook)}", path=gold.path)


def _expected(codebook: "Codebook") -> str:
    """The codebook's code ids, for messages (they come from the codebook, not from the data)."""
    ids = list(codebook.code_ids)
    return f"its codes: {', '.join(ids[:8])}{' ...' if len(ids) > 8 else ''}"


def evaluate(gold: "GoldSet", codebook: "Codebook", *, model: "TextModel | None" = None,
             min_probability: float | None = None, combine: str = "uncoded") -> Evaluation:
    """Measure the rule coder (and a model's suggestions, alone and added to the rules) on a gold set.

    model: a trained ``TextModel``; its codes with probability >= ``min_probability`` are taken
    (None: ``model.MIN_PROBABILITY``, 0.6). combine: how they join the rules' codes in
    "rules+model" (``model.combine_codes``): "uncoded" (default) only on answers the rules gave no
    code, "union" on every answer. The "model" coder is the model alone at the same threshold.
    """
    from surveykit.coding.model import MIN_PROBABILITY, check_combine, combine_codes
    from surveykit.coding.rules import RuleCoder

    check_combine(combine)
    if min_probability is None:
        min_probability = MIN_PROBABILITY
    check_gold_codes(gold, codebook)
    coder = RuleCoder(codebook)
    rules = [frozenset(coder.code_ids_of(t)) for t in gold.texts]
    coders = {"rules": score(gold, rules, codebook.code_ids, coder="rules")}
    main = coders["rules"]
    if model is not None:
        suggested = model_code_sets(model, gold.ids, gold.texts, min_probability=min_probability)
        coders["model"] = score(gold, suggested, codebook.code_ids, coder="model")
        both = combine_codes(rules, suggested, combine=combine)
        coders["rules+model"] = main = score(gold, both, codebook.code_ids, coder="rules+model")
    return Evaluation(gold.path, codebook.id, main, coders)


def model_code_sets(model: "TextModel", ids: Sequence[str], texts: Sequence[str], *,
                    min_probability: float = 0.5) -> list[frozenset[str]]:
    """The model's code set for each text (codes with probability >= min_probability)."""
    import pandas as pd

    from surveykit.coding.model import suggest

    frame = pd.DataFrame({"respondent_id": list(ids), "text": list(texts)}, dtype=object)
    rows = suggest(model, frame, min_probability=min_probability)
    out: dict[str, set[str]] = {str(i): set() for i in ids}
    for rid, code in zip(rows["respondent_id"], rows["code_id"]):
        out[str(rid)].add(str(code))
    return [frozenset(out[str(i)]) for i in ids]


def score(gold: "GoldSet", predicted: Sequence[frozenset[str]], code_ids: Sequence[str], *,
          coder: str) -> Scores:
    """Compare predicted code sets (one per gold answer, in order) with the gold codes."""
    import pandas as pd

    from surveykit.coding.agreement import krippendorff_alpha_nominal

    if len(predicted) != len(gold):
        raise ValueError("one predicted code set per gold answer is needed")
    truth = [frozenset(c) for c in gold.codes]
    order = list(code_ids) + sorted({c for s in predicted for c in s} - set(code_ids))
    rows = []
    all_gold: list[int] = []
    all_pred: list[int] = []
    for c in order:
        g = [int(c in s) for s in truth]
        p = [int(c in s) for s in predicted]
        tp = sum(a & b for a, b in zip(g, p))
        fp = sum((1 - a) & b for a, b in zip(g, p))
        fn = sum(a & (1 - b) for a, b in zip(g, p))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        alpha = krippendorff_alpha_nominal([g, p])
        rows.append({"code_id": c, "support": tp + fn, "predicted": tp + fp, "tp": tp, "fp": fp, "fn": fn,
                     "precision": precision, "recall": recall, "f1": f1, "alpha": alpha, "kappa": _kappa(g, p)})
        all_gold.extend(g)
        all_pred.extend(p)
    per_code = pd.DataFrame(rows, columns=list(PER_CODE_COLUMNS))
    scored = per_code[(per_code["support"] > 0) | (per_code["predicted"] > 0)]
    tp, fp, fn = (int(per_code[k].sum()) for k in ("tp", "fp", "fn"))
    micro_p = tp / (tp + fp) if tp + fp else 0.0
    micro_r = tp / (tp + fn) if tp + fn else 0.0
    alphas = [a for a in per_code["alpha"] if not math.isnan(a)]
    overall = {
        "answers": len(truth),
        "macro_f1": float(scored["f1"].mean()) if len(scored) else math.nan,
        "micro_precision": micro_p,
        "micro_recall": micro_r,
        "micro_f1": 2 * micro_p * micro_r / (micro_p + micro_r) if micro_p + micro_r else 0.0,
        "alpha_pooled": krippendorff_alpha_nominal([all_gold, all_pred]),
        "alpha_mean": sum(alphas) / len(alphas) if alphas else math.nan,
        "kappa_pooled": _kappa(all_gold, all_pred),
        "exact_match": sum(a == b for a, b in zip(truth, predicted)) / len(truth) if truth else math.nan,
        "codes_scored": len(scored),
        "min_f1": float(scored["f1"].min()) if len(scored) else math.nan,
        "codes_below_0_60": int((scored["f1"] < 0.60).sum()),
    }
    return Scores(coder, per_code, overall, _confusions(truth, predicted), _answers(gold, truth, predicted, order))


def _kappa(a: Sequence[int], b: Sequence[int]) -> float:
    """Cohen's kappa of two binary codings of the same units (NaN when chance agreement is total)."""
    n = len(a)
    if not n:
        return math.nan
    po = sum(x == y for x, y in zip(a, b)) / n
    pa, pb = sum(a) / n, sum(b) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return math.nan if pe == 1 else (po - pe) / (1 - pe)


def evaluate_coded(gold: "GoldSet", codebook: "Codebook", codings: dict[str, Sequence[str]], *,
                   coder: str = "coded") -> Evaluation:
    """Measure another coding (a second coder, a coded file) against the gold, on the answers it
    coded; ids unknown to the gold and codes unknown to the codebook are an InputError."""
    from dataclasses import replace

    from surveykit.io.gold import named_values

    check_gold_codes(gold, codebook)
    # read_codings' result knows each value's rows: the messages give them instead of values that
    # may be free text (named_values quotes only id-like ones).
    path = getattr(codings, "path", None) or None
    gold_ids = set(gold.ids)
    unknown_ids = [i for i in codings if i not in gold_ids]
    if unknown_ids:
        raise InputError(f"the coded file has {len(unknown_ids)} id(s) not in the gold set {gold.path}: "
                         + named_values(unknown_ids, getattr(codings, "id_rows", None)), path=path)
    bad = sorted({c for cs in codings.values() for c in cs if not codebook.has_code(c)})
    if bad:
        shown = named_values(bad, getattr(codings, "code_rows", None), what="a code id")
        raise InputError(f"the coded file has {len(bad)} code id(s) the codebook '{codebook.id}' does not have: "
                         f"{shown}; {_expected(codebook)}", path=path)
    keep = [k for k, i in enumerate(gold.ids) if i in codings]
    sub = replace(gold, ids=tuple(gold.ids[k] for k in keep), texts=tuple(gold.texts[k] for k in keep),
                  codes=tuple(gold.codes[k] for k in keep), styles=tuple(gold.styles[k] for k in keep),
                  rows=tuple(gold.rows[k] for k in keep))
    scores = score(sub, [frozenset(codings[i]) for i in sub.ids], codebook.code_ids, coder=coder)
    return Evaluation(gold.path, codebook.id, scores, {coder: scores})


def _confusions(truth: Sequence[frozenset[str]], predicted: Sequence[frozenset[str]]) -> "pd.DataFrame":
    import pandas as pd

    counts: dict[tuple[str, str], list[int]] = {}
    for g, p in zip(truth, predicted):
        extra = p - g
        for a in extra:
            for b in (g or {NONE}):
                cell = counts.setdefault((a, b), [0, 0])
                cell[0] += 1
                cell[1] += b != NONE and b not in p
        if not p:
            for b in g:
                cell = counts.setdefault((NONE, b), [0, 0])
                cell[0] += 1
                cell[1] += 1
    rows = [(a, b, n, m) for (a, b), (n, m) in counts.items()]
    rows.sort(key=lambda r: (-r[2], -r[3], r[0], r[1]))
    return pd.DataFrame(rows, columns=list(CONFUSION_COLUMNS))


def _answers(gold: "GoldSet", truth: Sequence[frozenset[str]], predicted: Sequence[frozenset[str]],
             order: Sequence[str]) -> "pd.DataFrame":
    import pandas as pd

    rank = {c: k for k, c in enumerate(order)}

    def joined(codes: frozenset[str] | set[str]) -> str:
        return ";".join(sorted(codes, key=lambda c: (rank.get(c, len(rank)), c)))

    rows = [(i, joined(g), joined(p), joined(g - p), joined(p - g), ";".join(st))
            for i, g, p, st in zip(gold.ids, truth, predicted, gold.styles)]
    return pd.DataFrame(rows, columns=list(ANSWER_COLUMNS))
