"""The coded open answers in the report: themes and codes, codes by sector, and redacted quotes.

Coding runs exactly as ``surveykit code FILE --question Q`` does: ``coding.rules.code_answers`` with
the codebook, then ``coding.summary.summarise`` (frequencies, % by sector, a test per code with Holm
adjustment over codes) and ``coding.quotes.select_quotes`` (redacted by default). Published counts
go through ``surveykit.disclosure`` like every other table.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from surveykit.report.model import SectionBuilder

if TYPE_CHECKING:
    import pandas as pd

    from surveykit.clean import Responses
    from surveykit.coding.answers import Answers
    from surveykit.report.build import Context

#: The open questions about why children go missing: q7, then the "Other (please specify)" reasons.
CODED_COLUMNS = ("q7", "q14_other_text", "q15_other_text")
QUOTED_CODES = 6  # quotes for the most frequent codes of q7
QUOTES_PER_CODE = 3


def answers_of(responses: "Responses", column: str) -> "Answers":
    """The answers to one free-text column with each respondent's sector, as ``answers_from_survey``
    builds them from the same prepared data."""
    import pandas as pd

    from surveykit.coding.answers import Answers

    data = responses.data
    ids = tuple(str(r) for r in data["respondent_id"])
    texts = tuple(None if t is None or pd.isna(t) or not str(t).strip() else str(t) for t in data[column])
    sectors = {rid: (None if s is None or pd.isna(s) else str(s)) for rid, s in zip(ids, data["sector"])}
    return Answers(column, ids, texts, sectors, tuple(s.id for s in responses.instrument.sectors),
                   responses.source.path)


def _suppress_counts(frame: "pd.DataFrame", count_col: str, pct_col: str, threshold: int) -> "pd.DataFrame":
    """Primary suppression of a one-way list of counts (codes are multi-label: no total to recover from)."""
    from surveykit.disclosure import MARKER, is_primary

    out = frame.astype({count_col: object, pct_col: object}).copy()
    small = [is_primary(float(v), threshold) for v in frame[count_col]]
    out.loc[small, [count_col, pct_col]] = MARKER
    return out


def _sector_wide(summary, responses: "Responses", codebook, ctx: "Context") -> "pd.DataFrame":
    """Codes x sectors: the % of the sector's answers with the code (n and base in the long CSV).
    With suppression, counts are protected as a two-way table whose code totals are published."""
    from surveykit import disclosure
    from surveykit.coding.summary import UNKNOWN_SECTOR
    from surveykit.report.sections import threshold

    long = summary.sectors
    sectors = [s for s in dict.fromkeys(long["sector"]) if s != UNKNOWN_SECTOR]
    counts = long.pivot(index="code_id", columns="sector", values="n").reindex(index=list(codebook.code_ids),
                                                                               columns=sectors)
    pct = long.pivot(index="code_id", columns="sector", values="pct").reindex(index=list(codebook.code_ids),
                                                                              columns=sectors)
    if ctx.options.suppress:
        # Code totals (frequency table) include answers of unknown sector: leave those as a hidden column.
        protected = disclosure.suppress(counts.fillna(0).astype(int), threshold=threshold(ctx), row_totals=True,
                                        column_totals=False)
        pct = pct.astype(object).where(protected != disclosure.MARKER, disclosure.MARKER)
    labels = {s.id: s.label for s in responses.instrument.sectors}
    out = pct.reset_index().rename(columns={s: labels.get(s, s) for s in sectors})
    out.insert(1, "code_label", [codebook.code(c).label for c in out["code_id"]])
    base = long.drop_duplicates("sector").set_index("sector")["base"]
    out.columns.name = None
    return out, {labels.get(s, s): int(base[s]) for s in sectors}


def coded_blocks(responses: "Responses", ctx: "Context") -> list:
    """Blocks for the "why children go missing" section (empty when no coded question has answers)."""
    import pandas as pd

    from surveykit.coding.quotes import select_quotes
    from surveykit.coding.rules import code_answers
    from surveykit.coding.summary import code_sets, summarise
    from surveykit.report.sections import significant_p, threshold

    codebook = ctx.cache["codebook"]
    sb = SectionBuilder("coding", "coded")
    inst = responses.instrument
    columns = [c for c in CODED_COLUMNS if c in inst.text_columns()]
    thr = threshold(ctx)
    first = True
    for col in columns:
        answers = answers_of(responses, col)
        if not any(answers.texts):
            continue
        coded = code_answers(zip(answers.ids, answers.texts), codebook, question_id=col)
        summary = summarise(coded, codebook, sectors=answers.sectors, sector_order=answers.sector_order)
        q = inst.question(col) if inst.has_question(col) else inst.column_owner(col)[0]
        name = col.upper() if col == q.id else f"{q.id.upper()} other reasons"
        what = (f"{col.upper()} {q.text.strip()}" if col == q.id
                else f"the 'Other (please specify)' reasons written at {q.id.upper()} ({q.short})")
        if first:
            sb.text(f"The open answers were coded with the codebook '{codebook.title}' (version {codebook.version}): "
                    "each answer can carry several codes, grouped in themes; an answer that fits no code is left "
                    "uncoded and counted, never forced into a code. Percentages are of the answers given "
                    "(blank answers left out).")
            first = False
        freq = summary.frequency.copy()
        freq["label"] = [lab if lvl != "code" else f"  {lab}" for lab, lvl in zip(freq["label"], freq["level"])]
        themes = freq[freq["level"] == "theme"].sort_values("n", ascending=False, kind="mergesort")
        codes = freq[freq["level"] == "code"].sort_values("n", ascending=False, kind="mergesort")
        sb.text(f"Coded answers to {what}: {summary.n_answers} answers, {summary.n_coded} with at least one code, "
                f"{summary.n_uncoded} uncoded.")
        if len(codes) and int(codes["n"].iloc[0]) > 0:
            top = [f"{r.label.strip()} ({_share(r.n, r.pct, thr, ctx)})" for r in codes.head(5).itertuples()
                   if r.n > 0]
            sb.text(f"{name}: the most frequent codes were " + "; ".join(top) + "; the largest theme was "
                    f"{themes['label'].iloc[0]} ({_share(themes['n'].iloc[0], themes['pct'].iloc[0], thr, ctx)}).",
                    "finding")
        shown = _suppress_counts(freq, "n", "pct", thr) if ctx.options.suppress else freq
        sb.table(f"{col}_codes", f"{name}: themes and codes (% of {summary.n_answers} answers)", shown,
                 percent_columns=["pct"])
        if col != "q7":
            continue
        coding_checks(coded, codebook, ctx)
        wide, bases = _sector_wide(summary, responses, codebook, ctx)
        sb.table(f"{col}_codes_by_sector", f"{col.upper()}: % of each sector's answers with each code", wide,
                 percent_columns=[c for c in wide.columns if c not in ("code_id", "code_label")],
                 note="Answers per sector: " + "; ".join(f"{k} {v}" for k, v in bases.items()) + ".")
        tests = summary.tests
        sig = tests[tests["p_adjusted"] < ctx.options.alpha]
        ctx.method("Coded answers by sector",
                   "one test per code of the answers with / without it across sectors (chi-square; Fisher's exact or "
                   "a Monte Carlo p-value for small expected counts), Holm-adjusted over the codes of the question")
        sb.text(("Codes used differently across sectors (adjusted p < "
                 f"{ctx.options.alpha:g}): " + "; ".join(f"{codebook.code(r.code_id).label} "
                                                       f"(p {significant_p(r.p_adjusted)})" for r in sig.itertuples()))
                if len(sig) else "No code was used significantly differently across sectors after correction.")
        sb.table(f"{col}_code_tests", f"{col.upper()}: test per code across sectors", tests)
        # Quotes: the most frequent codes, a few answers each, redacted unless --no-suppress.
        sets = code_sets(coded)
        rows = []
        for code_id in [c for c, n in zip(codes["id"], codes["n"]) if n > 0][:QUOTED_CODES]:
            quotes = select_quotes(answers, sets, code_id, per_sector=1, redact=ctx.options.suppress)
            labels = {s.id: s.label for s in inst.sectors}
            for r in quotes.frame.head(QUOTES_PER_CODE).itertuples():
                row: dict[str, Any] = {"code_id": code_id, "code_label": codebook.code(code_id).label,
                                       "sector": labels.get(r.sector, r.sector), "quote": r.quote,
                                       "redactions": int(r.redactions)}
                if not ctx.options.suppress:
                    row["respondent_id"] = r.respondent_id
                rows.append(row)
        qframe = pd.DataFrame(rows, columns=["code_id", "code_label", "sector", "quote", "redactions"]
                              + ([] if ctx.options.suppress else ["respondent_id"]))
        ctx.method("Quotes", ("quotes are chosen per code and sector by a stable hash (the most focused answers "
                              "first) and redacted of e-mail addresses, URLs, phone and NI numbers, postcodes, dates "
                              "and names" if ctx.options.suppress else
                              "INTERNAL REPORT: quotes are NOT redacted (--no-suppress)"))
        sb.table(f"{col}_quotes", f"{col.upper()}: what professionals wrote (one answer per sector for the most "
                                  "frequent codes" + (", redacted)" if ctx.options.suppress else ", NOT redacted)"),
                 qframe, preview=None)
    ctx.codebooks["missing_reasons"]["codes"] = len(codebook.codes)
    return sb.blocks


def coding_checks(rules: "pd.DataFrame", codebook, ctx: "Context") -> None:
    """The methods' coding paragraph: the codebook's worked examples (``codebook check``) and, when other
    coders' files are given, their agreement with the rules and each other (``agree``)."""
    import pandas as pd

    from surveykit.coding.agreement import agreement, coder_labels
    from surveykit.coding.check import check_codebook

    check = check_codebook(codebook.path) if codebook.path else None
    if check is not None:
        ctx.method("Coding", f"rule coder: codebook '{codebook.id}' version {codebook.version}, {len(codebook.codes)} "
                             f"codes; 'surveykit codebook check' coded its {check.examples_checked} worked examples "
                             f"and counter-examples with {len(check.errors)} error(s) and {len(check.warnings)} "
                             "warning(s)")
    files = ctx.cache.get("coded_files") or []
    if not files:
        ctx.method("Coding agreement", "no second coder's file was given (report --coded FILE), so the agreement "
                                       "between coders is not measured in this report; see 'surveykit agree'")
        return
    frame = rules[["respondent_id", "question_id", "code_id"]].astype(object).copy()
    frame["code_id"] = [None if pd.isna(c) or str(c) == "" else str(c) for c in frame["code_id"]]
    frames = [frame] + [f.frame for f in files]
    labels = coder_labels(["rules"] + [f.coder for f in files], ["rules"] + [Path(f.path).stem for f in files])
    result = agreement(frames, labels, codes=list(codebook.code_ids))
    ov = result.overall
    ctx.method("Coding agreement", f"{ov['units']} answers to q7 coded by the rules and {len(files)} other coder(s) "
                                   f"({', '.join(labels[1:])}): pooled Krippendorff's alpha {ov['pooled_alpha']:.3f} "
                                   f"({ov['pooled_flag']}); exact-set match {ov['exact_set_match']:.1%}; reliable "
                                   "from 0.800, tentative from 0.667")
    ctx.cache.setdefault("method_tables", []).append(
        ("coding_agreement", "Coding agreement per code (q7)", result.per_code,
         "percent_agreement and exact_set_match are shares (0-1); alpha: Krippendorff's alpha (nominal)."))


def _share(n: Any, pct: Any, thr: int, ctx: "Context") -> str:
    from surveykit.disclosure import MARKER, is_primary

    if ctx.options.suppress and is_primary(float(n), thr):
        return MARKER
    return f"{int(n)} answers, {float(pct):.0f}%"
