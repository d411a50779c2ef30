"""``surveykit code evaluate``: the rule coder (and a model, or another coder's file) measured against a
gold set coded by people. Registered on the ``code`` group of ``cli.coding`` (imported after it, so the
group lists its commands in the same order).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from surveykit.cli.coding import CODEBOOK_FILE_OPTION, code_app
from surveykit.cli.common import FORMAT_OPTION, OutputFormat, emit, handle_errors, message
from surveykit.errors import UsageError


class EvaluateView(str, Enum):
    codes = "codes"
    summary = "summary"
    confusions = "confusions"
    answers = "answers"


@code_app.command("evaluate")
@handle_errors
def code_evaluate(
    gold: Path = typer.Argument(..., help="A gold set: CSV/XLSX with the columns id, text, codes (';'-separated) "
                                          "and optionally style."),
    codebook: Optional[Path] = CODEBOOK_FILE_OPTION,
    suggest: Optional[Path] = typer.Option(None, "--suggest", help="A model folder from 'code train': measure its "
                                                                   "suggestions too, alone and added to the rules."),
    coded: Optional[Path] = typer.Option(None, "--coded", help="Measure this coding instead of the rules: a second "
                                                               "coder's file (id,codes) or a coded file "
                                                               "(respondent_id,code_id), on the answers it coded."),
    min_probability: Optional[float] = typer.Option(None, "--min-probability",
                                                    help="With --suggest: a model code counts when its probability is "
                                                         "at least this (default 0.6)."),
    combine: str = typer.Option("uncoded", "--combine",
                                help="With --suggest: how model codes join the rules' codes: 'uncoded' (only on answers "
                                     "the rules gave no code) or 'union' (on every answer)."),
    view: EvaluateView = typer.Option(EvaluateView.codes, "--view",
                                      help="codes: precision, recall, F1, support and alpha per code; summary: one row "
                                           "per coder; confusions: codes given where the gold has another; answers: "
                                           "gold and coded sets per answer (ids only, no text)."),
    top: int = typer.Option(10, "--top", help="In the table format: how many confused pairs to list under the codes."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Measure the rule coder (and a model) against a gold set coded by people.

    Prints per code precision, recall, F1, support and Krippendorff's alpha (gold vs coder), then
    macro-F1, micro precision/recall/F1, pooled alpha and the most confused code pairs. With
    --suggest, the figures are for the rules plus the model's suggestions (by default only on the
    answers the rules left uncoded, as 'code --suggest' and 'code review' accept them), and --view
    summary compares rules, model and both. With --coded, another coding (e.g. a second coder's
    reliability sample) is measured instead: Cohen's kappa and alpha are the agreement ceiling.
    Tune rules on a development set; report a test set.

    Example:  surveykit code evaluate responses/gold/q7_dev.csv --view summary
    """
    from surveykit.coding.codebook import load_codebook
    from surveykit.coding.evaluate import evaluate
    from surveykit.io.gold import read_gold

    from surveykit.coding.model import COMBINE
    from surveykit.errors import invalid_choice

    if min_probability is not None and not 0 <= min_probability <= 1:
        raise UsageError(f"--min-probability must be between 0 and 1; got {min_probability}")
    if combine not in COMBINE:
        raise invalid_choice("--combine", combine, COMBINE)
    if top < 0:
        raise UsageError(f"--top must be 0 or more; got {top}")
    if coded is not None and suggest is not None:
        raise UsageError("--coded and --suggest cannot be used together (--coded measures a finished coding)")
    cb = load_codebook(codebook)
    gold_set = read_gold(gold)
    if coded is not None:
        from surveykit.coding.evaluate import evaluate_coded
        from surveykit.io.gold import read_codings

        result = evaluate_coded(gold_set, cb, read_codings(coded), coder=coded.stem)
    else:
        model = None
        if suggest is not None:
            from surveykit.coding.model import load_model

            model = load_model(suggest)
        result = evaluate(gold_set, cb, model=model, min_probability=min_probability, combine=combine)
    main = result.main
    o = main.overall
    line = (f"{main.coder} on {o['answers']} answers of {gold}: macro-F1 {o['macro_f1']:.3f}, micro precision "
            f"{o['micro_precision']:.3f}, micro recall {o['micro_recall']:.3f}, micro-F1 {o['micro_f1']:.3f}, "
            f"alpha (pooled) {o['alpha_pooled']:.3f}, kappa (pooled) {o['kappa_pooled']:.3f}, exact set {o['exact_match']:.1%}, "
            f"{o['codes_below_0_60']} code(s) below F1 0.60")
    message(line)
    meta = {"gold": str(gold), "codebook": cb.id, "codebook_version": cb.version, "coder": main.coder,
            "overall": {k: _plain(v) for k, v in o.items()}}
    if view is EvaluateView.summary:
        emit(result.summary, fmt, title=f"Coders against {gold}", meta=meta)
    elif view is EvaluateView.confusions:
        emit(main.confusions, fmt, title=f"{main.coder}: code given (predicted) where the gold has another", meta=meta)
    elif view is EvaluateView.answers:
        emit(main.answers, fmt, title=f"{main.coder}: gold and coded sets per answer", meta=meta)
    elif fmt is OutputFormat.json:
        import json

        from surveykit.cli.common import echo

        payload = {**meta, "summary": _records(result.summary), "per_code": _records(main.per_code),
                   "confusions": _records(main.confusions.head(top) if top else main.confusions)}
        echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        footer = (f"macro-F1 {o['macro_f1']:.3f} over {o['codes_scored']} codes; micro precision "
                  f"{o['micro_precision']:.3f}, recall {o['micro_recall']:.3f}, F1 {o['micro_f1']:.3f}; "
                  f"Krippendorff's alpha pooled {o['alpha_pooled']:.3f}, mean of codes {o['alpha_mean']:.3f}; "
                  f"Cohen's kappa pooled {o['kappa_pooled']:.3f}; "
                  f"exact set of codes on {o['exact_match']:.1%} of answers")
        emit(main.per_code, fmt, title=f"{main.coder} against {gold} ({o['answers']} answers)", footer=footer, meta=meta)
        if fmt is OutputFormat.table and top and len(main.confusions):
            from surveykit.cli.common import echo

            echo("")
            emit(main.confusions.head(top), fmt, title="Most confused pairs: predicted code given where the gold has "
                                                      "another ('(none)': no code)")


def _plain(value):
    import math

    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _records(frame):
    import json

    return json.loads(frame.to_json(orient="records", double_precision=10))
