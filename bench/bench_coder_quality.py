"""Coding quality targets of issue 11, measured with ``code evaluate`` on the gold test sets.

* rules alone: macro-F1 >= 0.85, no code below F1 0.60, micro-precision >= 0.85;
* rules plus a model trained on 150 reviewed answers: macro-F1 >= 0.88.

The model stands for "150 reviewed answers": it is trained on the first 150 answers of the
development gold set (``responses/gold/q7_dev.csv``, whose answers are in a seeded random order),
with their gold codes as the reviewer's decisions, plus the codebook's own examples, include notes
and definitions (``coding.model.codebook_examples``), through ``coding.training.train`` (what
``surveykit code train`` runs), then saved and read back as a model folder, exactly as ``code
evaluate --suggest`` reads it.

Rules plus the model (the combination ``code evaluate``, ``code --suggest`` and ``code review``
share, ``coding.model.combine_codes``): an answer the rules coded keeps the rules' codes; an answer
they left uncoded takes the model's codes with probability >= T. T is chosen on development data
only, by a simulation of rules meeting answers they were never tuned on: the rule coder and codebook
as of commit RULES_UNSEEN (the commit that added ``q7_dev2.csv``, before any rule was tuned on it),
run on ``q7_dev2.csv``, joined with the model's codes; T is the one of THRESHOLDS with the highest
rules + model macro-F1 there (ties: the higher T). On dev answers the current rules were tuned on they
look near perfect (macro-F1 0.93-0.99), so any model addition looks like a loss there; the
simulation is where the model's additions can be seen helping or hurting. The figures on the
held-out dev answers with the current rules are printed too (``--dev-only``), per set.

Two test sets are measured in the same run, with the same model and T. The targets are judged on
``responses/gold/q7_test2.csv`` (round 8): answers written and labelled after the rules and the model
were fixed, never tuned on (written, though, from the same kind of brief as the development sets).
``responses/gold/q7_test.csv`` was measured seven times, with rounds of tuning on the development
sets between them, so its figures are reported beside, not judged: those rows are ``ok`` whatever
they show (the run's exit status ignores them) and their "met" column says where they stand. Beside
them: both sets pooled; for the judged set, a seeded bootstrap over its answers (how often a resample
reaches the target) and the figures without the answers that contain a phrase issue 11 quotes
(ISSUE_PHRASES: the rules were tuned to handle those phrases). The rules were tuned on the
development sets only; the test sets are read here (and by the tests that check the documented
figures) and nowhere else. Run: ``python bench/run.py =bench_coder_quality``. The per-code test
figures (aggregates, no answer) are printed to stderr as JSON for docs/coding-quality.md.
``python bench/bench_coder_quality.py --dev-only`` prints the same figures on development answers
only (never reading the test set): what the method was chosen on.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DEV = ROOT / "responses" / "gold" / "q7_dev.csv"
DEV2 = ROOT / "responses" / "gold" / "q7_dev2.csv"
TEST = ROOT / "responses" / "gold" / "q7_test.csv"
TEST2 = ROOT / "responses" / "gold" / "q7_test2.csv"
N_REVIEWED = 150
BOOTSTRAP = 1000
BOOTSTRAP_SEED = 20261208
# The phrases issue 11 quotes in its list of misses (the rules were later tuned to handle them); the
# bare abbreviations it lists are left out (they are in most answers). Matched as whole words.
ISSUE_PHRASES = (
    "pack up and move out", "signs are missed", "family reunion", "homesick", "constant moves",
    "the pull of the network", "gangs", "semi-indep", "county lines", "the line", "locked up",
    "did not feel listened to", "in confidence", "aren't the issue", "isn't really the pattern",
    "referrals not being made", "rarely", "not so much", "return home interview", "released from hospital",
    "offenders", "I don't believe", "isolated incidents", "depressing", "no choice of placement",
    "no choice over their life", "see above", "N/A", "don't know")


def train_on_dev(cb, n: int = N_REVIEWED, out: Path | None = None):
    """The model trained on the first n development answers, saved to ``out`` and read back."""
    import pandas as pd

    from surveykit.coding.model import codebook_examples, load_model, model_files
    from surveykit.coding.training import train
    from surveykit.io.model_files import write_model_dir
    from surveykit.io.gold import read_gold

    dev = read_gold(DEV)
    ids, texts, codes = dev.ids[:n], dev.texts[:n], dev.codes[:n]
    answers = pd.DataFrame({"respondent_id": list(ids), "text": list(texts)}, dtype=object)
    rows = [(i, "q7", c, "gold") for i, cs in zip(ids, codes) for c in (cs or (None,))]
    coded = pd.DataFrame(rows, columns=["respondent_id", "question_id", "code_id", "coder"], dtype=object)
    model, metrics = train(answers, coded, question_id="q7", codes=list(cb.code_ids), examples=codebook_examples(cb))
    if out is None:
        return model
    write_model_dir(out, model_files(model, metrics))
    return load_model(out)


THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
# Which look at the test set this run is (docs/coding-quality.md, "How the test set was used").
LOOK = {"q7_test2": "the fresh test set, measured once (round 8, docs/coding-quality.md)",
        "q7_test": "the first test set: rules and model as at its seventh look (round 7, docs/coding-quality.md)"}
# The commit that added q7_dev2.csv: its rules had never been tuned on those answers.
RULES_UNSEEN = "a105741b7c92128f2793542456373d693c83a9cb"
COMBINE = "uncoded"


def held_out_sets(n: int = N_REVIEWED) -> dict:
    """The development answers the model was not trained on, by set: dev answers n+1 onwards, dev2,
    and both together."""
    from surveykit.io.gold import read_gold

    dev, dev2 = read_gold(DEV), read_gold(DEV2)
    rest = _subset(dev, list(range(n, len(dev))))
    both = _joined(rest, dev2)
    return {f"dev {n + 1}-{n + len(rest)}": rest, "dev2": dev2, "both": both}


def held_out_dev(n: int = N_REVIEWED):
    """Dev answers n+1 onwards, then dev2 (one gold set)."""
    return held_out_sets(n)["both"]


def unseen_rules(gold) -> list[frozenset[str]]:
    """The code sets of the rule coder as of RULES_UNSEEN on the gold answers: that commit's
    ``src`` (rules and codebook) is unpacked by ``git archive`` into a temporary folder and run in a
    separate Python process (its modules share names with today's)."""
    import json
    import os
    import subprocess
    import tarfile

    script = (
        "import json, sys\n"
        "from surveykit.coding.codebook import load_codebook\n"
        "from surveykit.coding.rules import RuleCoder\n"
        "coder = RuleCoder(load_codebook())\n"
        "texts = json.load(sys.stdin)\n"
        "json.dump([sorted(coder.code_ids_of(t)) for t in texts], sys.stdout)\n")
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "src.tar"
        subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), RULES_UNSEEN, "src"], check=True)
        with tarfile.open(archive) as tar:
            try:
                tar.extractall(tmp, filter="data")
            except TypeError:  # Python < 3.11.4 has no filter; the archive is this repository's own
                tar.extractall(tmp)
        env = {**os.environ, "PYTHONPATH": str(Path(tmp) / "src")}
        out = subprocess.run([sys.executable, "-c", script], input=json.dumps(list(gold.texts)), env=env,
                             capture_output=True, text=True, check=True, cwd=tmp)
    return [frozenset(c) for c in json.loads(out.stdout)]


def combined_scores(gold, code_ids, rules, model, t: float, combine: str = COMBINE) -> dict[str, float]:
    """Macro-F1 and micro precision/recall of given rule code sets plus the model at threshold t."""
    from surveykit.coding.evaluate import model_code_sets, score
    from surveykit.coding.model import combine_codes

    suggested = model_code_sets(model, gold.ids, gold.texts, min_probability=t)
    o = score(gold, combine_codes(rules, suggested, combine=combine), code_ids, coder="x").overall
    return {k: o[k] for k in ("macro_f1", "micro_precision", "micro_recall")}


def choose_threshold(cb, model) -> tuple[float, dict]:
    """T for rules + model, chosen on development data only: the simulation of rules on unseen
    answers (rules as of RULES_UNSEEN on q7_dev2.csv) joined with the model; the T of THRESHOLDS with
    the highest macro-F1 there (ties: the higher T). Returns T and the simulation's figures."""
    from surveykit.coding.evaluate import score
    from surveykit.io.gold import read_gold

    dev2 = read_gold(DEV2)
    old = unseen_rules(dev2)
    sim = {"rules": score(dev2, old, cb.code_ids, coder="rules").overall}
    for t in THRESHOLDS:
        sim[t] = {c: combined_scores(dev2, cb.code_ids, old, model, t, c) for c in ("uncoded", "union")}
    best = max(THRESHOLDS, key=lambda t: (round(sim[t][COMBINE]["macro_f1"], 9), t))
    return best, sim


def dev_figures(cb, model, threshold: float) -> dict:
    """Per held-out dev set (current rules): rules alone, model alone and rules + model (both ways of
    combining) at threshold, macro-F1 and micro precision/recall."""
    from surveykit.coding.evaluate import evaluate

    out = {}
    for name, gold in held_out_sets().items():
        row = {}
        for combine in ("uncoded", "union"):
            ev = evaluate(gold, cb, model=model, min_probability=threshold, combine=combine).coders
            for coder in ("rules", "model", "rules+model"):
                key = coder if coder != "rules+model" else f"rules+model ({combine})"
                row[key] = {k: ev[coder].overall[k] for k in ("macro_f1", "micro_precision", "micro_recall")}
        out[name] = row
    return out


def figures() -> dict:
    from surveykit.coding.codebook import load_codebook
    from surveykit.coding.evaluate import evaluate
    from surveykit.io.gold import read_gold

    cb = load_codebook()
    with tempfile.TemporaryDirectory() as tmp:
        model = train_on_dev(cb, out=Path(tmp) / "model")
    threshold, sim = choose_threshold(cb, model)
    tests, unions = {}, {}
    golds = {"q7_test2": read_gold(TEST2), "q7_test": read_gold(TEST)}
    for name, gold in golds.items():
        # What code evaluate TEST --suggest MODEL --min-probability T prints (combine "uncoded").
        tests[name] = evaluate(gold, cb, model=model, min_probability=threshold, combine=COMBINE)
        # The round-5 way, for comparison in the same look: the union at 0.7.
        unions[name] = evaluate(gold, cb, model=model, min_probability=0.7, combine="union").main.overall
    dev = evaluate(read_gold(DEV), cb)
    dev2 = evaluate(read_gold(DEV2), cb)
    return {"tests": tests, "dev": dev, "dev2": dev2, "model": model, "threshold": threshold, "sim": sim,
            "unions": unions, "extra": extra_figures(cb, golds, tests)}


def _subset(gold, idx: list[int]):
    from dataclasses import replace

    return replace(gold, ids=tuple(gold.ids[i] for i in idx), texts=tuple(gold.texts[i] for i in idx),
                   codes=tuple(gold.codes[i] for i in idx), styles=tuple(gold.styles[i] for i in idx),
                   rows=tuple(gold.rows[i] for i in idx))


def _joined(a, b):
    """One gold set of ``a``'s answers then ``b``'s."""
    from dataclasses import replace

    return replace(a, ids=a.ids + b.ids, texts=a.texts + b.texts, codes=a.codes + b.codes,
                   styles=a.styles + b.styles, rows=a.rows + b.rows)


def _predicted(scores) -> list[frozenset[str]]:
    """A coder's code set per gold answer, in gold order (``Scores.answers``)."""
    return [frozenset(c for c in str(p).split(";") if c) for p in scores.answers["predicted"]]


def extra_figures(cb, golds: dict, tests: dict) -> dict:
    """Beside the per-set figures: both sets pooled; for the judged set a seeded bootstrap and the
    figures without the answers that contain one of ISSUE_PHRASES. Rules and rules + model, macro-F1."""
    import random
    import re

    from surveykit.coding.evaluate import score

    coders = ("rules", "rules+model")
    pred = {name: {c: _predicted(t.coders[c]) for c in coders} for name, t in tests.items()}
    a, b = golds["q7_test2"], golds["q7_test"]
    pooled_gold = _joined(a, b)
    pooled = {c: score(pooled_gold, pred["q7_test2"][c] + pred["q7_test"][c], cb.code_ids, coder=c).overall
              for c in coders}

    def overall(gold, sets, idx):
        return score(_subset(gold, idx), [sets[i] for i in idx], cb.code_ids, coder="x").overall

    def macro(gold, sets, idx):
        return overall(gold, sets, idx)["macro_f1"]

    rng = random.Random(BOOTSTRAP_SEED)
    n = len(a)
    draws: dict[str, list] = {c: [] for c in coders}
    for _ in range(BOOTSTRAP):
        idx = [rng.randrange(n) for _ in range(n)]
        for c in coders:
            draws[c].append(overall(a, pred["q7_test2"][c], idx))
    boot = {}
    for c, target in (("rules", 0.85), ("rules+model", 0.88)):
        v = sorted(o["macro_f1"] for o in draws[c])
        boot[c] = {"share": sum(x >= target for x in v) / len(v), "low": v[int(0.025 * len(v))],
                   "high": v[int(0.975 * len(v)) - 1]}
    # The rules' other two targets in the same resamples (a resample's lowest code F1 is biased low:
    # a code drawn a few times can lose most of its F1 to one answer).
    boot["rules lowest code"] = {"share": sum(o["min_f1"] >= 0.60 for o in draws["rules"]) / BOOTSTRAP}
    boot["rules micro-precision"] = {"share": sum(o["micro_precision"] >= 0.85 for o in draws["rules"]) / BOOTSTRAP}
    phrase = re.compile("|".join(r"(?<!\w)" + re.escape(p) + r"(?!\w)" for p in ISSUE_PHRASES), re.IGNORECASE)
    plain = [i for i, t in enumerate(a.texts) if not phrase.search(t)]
    without = {c: macro(a, pred["q7_test2"][c], plain) for c in coders}
    return {"pooled": pooled, "pooled_n": len(pooled_gold), "bootstrap": boot, "without_phrases": without,
            "with_phrases_n": n - len(plain)}


def _fmt(v: dict) -> str:
    return f"{v['macro_f1']:.3f} (P {v['micro_precision']:.3f}, R {v['micro_recall']:.3f})"


def sim_text(sim: dict) -> str:
    return ("rules as of " + RULES_UNSEEN[:7] + f" on q7_dev2 {_fmt(sim['rules'])}; rules + model: "
            + ", ".join(f"T {t:g} {sim[t]['uncoded']['macro_f1']:.3f} (union {sim[t]['union']['macro_f1']:.3f})"
                        for t in THRESHOLDS))


def dev_only() -> None:
    """The figures on development answers only (the test set is not read)."""
    from surveykit.coding.codebook import load_codebook

    cb = load_codebook()
    with tempfile.TemporaryDirectory() as tmp:
        model = train_on_dev(cb, out=Path(tmp) / "model")
    threshold, sim = choose_threshold(cb, model)
    print(f"model: first {N_REVIEWED} answers of q7_dev.csv plus {model.n_examples} codebook examples; "
          f"{len(model.codes)} codes with a classifier")
    print("simulation (macro-F1, micro precision P, micro recall R): " + sim_text(sim))
    print(f"chosen threshold T = {threshold:g} (combine '{COMBINE}')")
    for t in THRESHOLDS:
        print(f"  T {t:g}: " + "; ".join(f"{c} {_fmt(sim[t][c])}" for c in ("uncoded", "union")))
    for t in sorted({threshold, 0.7}):
        print(f"held-out dev answers, current rules (tuned on them), T = {t:g}:")
        for name, row in dev_figures(cb, model, t).items():
            print(f"  {name}: " + "; ".join(f"{k} {_fmt(v)}" for k, v in row.items()))


def print_test_figures(test, name: str) -> None:
    """A test set's aggregate figures (per code and overall, per coder; never an answer) to stderr."""
    import json
    import math

    def clean(v):
        return None if isinstance(v, float) and math.isnan(v) else v

    out = {coder: {"overall": {k: clean(v) for k, v in sc.overall.items()},
                  "per_code": [{k: clean(v) for k, v in row.items()} for row in sc.per_code.to_dict("records")]}
           for coder, sc in test.coders.items()}
    print(f"TEST FIGURES {name} " + json.dumps(out, default=str), file=sys.stderr, flush=True)


def run() -> list[dict]:
    f = figures()
    rows: list[dict] = []
    for name, test in f["tests"].items():
        print_test_figures(test, name)
        rows += set_rows(f, name, test, judged=name == "q7_test2")
    x = f["extra"]
    for coder, label, target in (("rules", "rules alone", 0.85),
                                 ("rules+model", f"rules + model trained on {N_REVIEWED} reviewed answers", 0.88)):
        v = x["pooled"][coder]["macro_f1"]
        rows.append({"name": f"{label}, macro-F1 (both test sets pooled)", "value": f"{v:.3f}", "unit": "",
                     "target": f">= {target:.2f} (judged on q7_test2)", "ok": True,
                     "met": f"not judged here ({'meets' if v >= target else 'below'} it)",
                     "detail": f"q7_test2 and q7_test scored as one set of {x['pooled_n']} answers, same coders as above"})
    return rows


def set_rows(f: dict, name: str, test, *, judged: bool) -> list[dict]:
    """The rows of one test set: with issue 11's targets when ``judged``, else recorded beside them."""
    rules, both, model = test.coders["rules"].overall, test.coders["rules+model"].overall, test.coders["model"].overall
    per = test.coders["rules"].per_code
    low = per[(per["support"] > 0) & (per["f1"] < 0.60)]["code_id"].tolist()
    worst = per.sort_values("f1").iloc[0]
    n = rules["answers"]
    where = f"({name})"
    x = f["extra"]
    boot = x["bootstrap"]

    def close(value: float, line: float, figure: str) -> str:
        """The "met" text of a pass that is not clear: "at the line, not shown" when by less than 0.01
        (a few answers), "yes, narrowly" when reached by under 90% of bootstrap resamples; "" if clear."""
        b = boot[figure]
        if value - line >= 0.01 and b["share"] >= 0.9:
            return ""
        verdict = "at the line, not shown" if value - line < 0.01 else "yes, narrowly"
        return f"{verdict} (by {value - line:.3f}; {b['share']:.0%} of {BOOTSTRAP} bootstrap resamples reach it)"

    judged_extra = (
        f"; the model adds {both['macro_f1'] - rules['macro_f1']:+.3f} to the rules here; bootstrap over the "
        f"{n} answers ({BOOTSTRAP} resamples, seed {BOOTSTRAP_SEED}): rules + model 95% interval "
        f"{boot['rules+model']['low']:.3f}-{boot['rules+model']['high']:.3f}, reaches 0.88 in "
        f"{boot['rules+model']['share']:.0%}; rules alone {boot['rules']['low']:.3f}-{boot['rules']['high']:.3f}, "
        f"reaches 0.85 in {boot['rules']['share']:.0%}, keeps every code at F1 0.60 or more in "
        f"{boot['rules lowest code']['share']:.0%} and micro-precision at 0.85 or more in "
        f"{boot['rules micro-precision']['share']:.0%}; without the {x['with_phrases_n']} answers that contain a "
        f"phrase issue 11 quotes: rules {x['without_phrases']['rules']:.3f}, rules + model "
        f"{x['without_phrases']['rules+model']:.3f}")

    def target(text: str, ok: bool, *, close: str = "") -> dict:
        if judged:
            # A pass within the noise says so: "met" alone would read as a clear result.
            return {"target": text, "ok": ok, **({"met": close} if ok and close else {})}
        # Recorded beside the judged set: the row says where it stands against the target, unjudged.
        return {"target": f"{text} (judged on q7_test2)", "ok": True,
                "met": f"not judged here ({'meets' if ok else 'below'} it)"}

    return [
        {"name": f"rules alone, macro-F1 {where}", "value": f"{rules['macro_f1']:.3f}", "unit": "",
         **target(">= 0.85", rules["macro_f1"] >= 0.85, close=close(rules["macro_f1"], 0.85, "rules")),
         "detail": f"surveykit code evaluate responses/gold/{name}.csv: {n} answers; micro-F1 {rules['micro_f1']:.3f}, "
                   f"micro recall {rules['micro_recall']:.3f}, alpha (pooled) {rules['alpha_pooled']:.3f}, exact set "
                   f"{rules['exact_match']:.1%}; dev sets (tuned on) macro-F1 {f['dev'].main.overall['macro_f1']:.3f} "
                   f"(q7_dev) and {f['dev2'].main.overall['macro_f1']:.3f} (q7_dev2); {LOOK[name]}"},
        {"name": f"rules alone, lowest code F1 {where}", "value": f"{worst['f1']:.3f}", "unit": "",
         **target(">= 0.60 for every code", not low, close=close(worst["f1"], 0.60, "rules lowest code")),
         "detail": f"lowest: {worst['code_id']}" + (f"; below 0.60: {', '.join(low)}" if low else "")},
        {"name": f"rules alone, micro-precision {where}", "value": f"{rules['micro_precision']:.3f}", "unit": "",
         **target(">= 0.85", rules["micro_precision"] >= 0.85,
                  close=close(rules["micro_precision"], 0.85, "rules micro-precision")), "detail": ""},
        {"name": f"rules + model trained on {N_REVIEWED} reviewed answers, macro-F1 {where}",
         "value": f"{both['macro_f1']:.3f}", "unit": "",
         **target(">= 0.88", both["macro_f1"] >= 0.88, close=close(both["macro_f1"], 0.88, "rules+model")),
         "detail": f"model trained on the first {N_REVIEWED} dev answers plus {f['model'].n_examples} codebook "
                   f"examples ({len(f['model'].codes)} codes with a classifier); rules + model = the rules' codes where "
                   f"the rules coded the answer, else the model's codes with probability >= {f['threshold']:g} "
                   f"(code evaluate responses/gold/{name}.csv --suggest MODEL --min-probability {f['threshold']:g}, "
                   f"--combine uncoded, the default); T chosen on dev only, by simulating rules on unseen answers ("
                   + sim_text(f["sim"]) + f"); model alone macro-F1 {model['macro_f1']:.3f}; rules + model micro-precision "
                   f"{both['micro_precision']:.3f}, micro recall {both['micro_recall']:.3f}; the round-5 union at 0.7 "
                   f"in this run: {_fmt(f['unions'][name])}; {LOOK[name]}" + (judged_extra if judged else "")},
    ]


if __name__ == "__main__":
    if "--dev-only" in sys.argv[1:]:
        dev_only()
    else:
        for r in run():
            print(r)
