"""Coded free-text answers in the report: themes and codes, codes by group, tests and redacted quotes.

Coding runs as ``surveykit code FILE --question FIELD`` does: ``coding.rules.code_answers`` with the
field's codebook (declared under ``coding:`` in the instrument, loaded by the caller), then
``coding.summary.summarise`` (frequencies, % by group, a test per code with Holm adjustment over
codes) and ``coding.quotes.select_quotes`` (redacted by default). Published counts go through
``surveykit.disclosure`` like every other table. A field declared with ``quotes: false`` (a short
"Other (please specify)" field) shows its code frequencies only. A field with 1 to threshold - 1 answers
is left out with the reason (``code_blocks``): its answers are a small count, and so is every code's
count or its complement.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

from surveykit.report.model import SectionBuilder
from surveykit.report.text import display_id

if TYPE_CHECKING:
    import pandas as pd

    from surveykit.report.build import Build, ReportInputs, ReportOptions


def _protect_tests(tests: "pd.DataFrame", wide: "pd.DataFrame", threshold: int, padjust: str) -> "pd.DataFrame":
    """The per-code tests as published (``coding.published.protect_tests``), a code counting as hidden when
    any of its cells is hidden in the codes-by-group table beside it."""
    from surveykit.coding.published import protect_tests
    from surveykit.disclosure import MARKER, is_primary

    groups = [c for c in wide.columns if c not in ("code_id", "code_label")]
    hidden = {str(r["code_id"]) for _, r in wide.iterrows() if any(r[g] == MARKER for g in groups)}
    # ``n`` (the answers of known group, the same on every row) is a count too: small, it is hidden.
    small_n = any(is_primary(float(n), threshold) for n in tests["n"]) if "n" in tests.columns else False
    return protect_tests(tests, hidden=hidden, threshold=threshold, padjust=padjust, bases_hidden=small_n)


def _group_wide(summary, codebook, b: "Build") -> tuple["pd.DataFrame", dict[str, int | str]]:
    """Codes x groups: the % of the group's answers with the code (n and base in the long CSV).
    With suppression, counts are protected as a two-way table whose code totals are published."""
    from surveykit import disclosure
    from surveykit.coding.summary import UNKNOWN_SECTOR
    from surveykit.report.text import group_labels

    long = summary.sectors
    groups = [s for s in dict.fromkeys(long["sector"]) if s != UNKNOWN_SECTOR]
    counts = long.pivot(index="code_id", columns="sector", values="n").reindex(index=list(codebook.code_ids),
                                                                               columns=groups)
    pct = long.pivot(index="code_id", columns="sector", values="pct").reindex(index=list(codebook.code_ids),
                                                                              columns=groups)
    if b.options.suppress:
        # Code totals (the frequency table) include answers of unknown group: leave those as a hidden column.
        protected = _suppress_or_hide_all(counts.fillna(0).astype(int), b.options.threshold)
        pct = pct.astype(object).where(protected != disclosure.MARKER, disclosure.MARKER)
    labels = group_labels(b.responses, b.by)
    out = pct.reset_index().rename(columns={g: labels.get(g, g) for g in groups})
    out.insert(1, "code_label", [codebook.code(c).label for c in out["code_id"]])
    base = long.drop_duplicates("sector").set_index("sector")["base"]
    out.columns.name = None
    bases: dict[str, int | str] = {labels.get(g, g): int(base[g]) for g in groups}
    if b.options.suppress and bases:
        # A group with fewer answers than the threshold is a small count too; with the answers in all
        # (the table's title) published, one such base hidden alone would follow by subtraction.
        import pandas as pd

        row = pd.DataFrame([list(bases.values())], columns=list(bases))
        hidden = _suppress_or_hide_all(row, b.options.threshold)
        bases = {k: hidden.iloc[0][k] for k in bases}
    return out, bases


def _suppress_or_hide_all(counts: "pd.DataFrame", threshold: int) -> "pd.DataFrame":
    """``counts`` protected as a two-way table whose row totals are published
    (``disclosure.suppress``); where a small count is one no other cell can cover (one group holds
    every answer, so its count is the published total), the whole table is hidden, as
    ``coding.published.protect_sectors`` does, rather than the report failing."""
    from surveykit import disclosure

    try:
        return disclosure.suppress(counts, threshold=threshold, row_totals=True, column_totals=False)
    except RuntimeError:
        return counts.astype(object).map(lambda _: disclosure.MARKER)


def field_name(inst, field: str) -> tuple[str, str]:
    """(short name, what it is) of a free-text field, for titles and sentences."""
    owner = inst.text_field_owner(field)
    if getattr(owner, "id", None) == field and getattr(owner, "type", None) == "text":
        return display_id(field), f"{display_id(field)} {owner.text.strip()}"
    label = getattr(owner, "short", None) or getattr(owner, "label", field)
    return (f"{display_id(owner.id)} other answers", f"the 'Other (please specify)' answers written at "
                                                 f"{display_id(owner.id)} ({label})")


@dataclass(frozen=True)
class FieldWork:
    """The coding of one free-text field, computed once per report (in a forked child when the report
    is written at once: ``start_coding``): the answers, the rule coder's rows, the summary, the quotes
    table and the codebook's check."""

    answers: Any
    coded: "pd.DataFrame"
    summary: Any
    quotes: "pd.DataFrame"
    check: Any


def field_work(inputs: "ReportInputs", options: "ReportOptions", by: str | None, col: str,
               coded: "CodedField | None" = None) -> FieldWork | None:
    """Code the answers to ``col`` and summarise them (None when the field has no answers). ``coded``:
    the field's rule coding when already done (``coded_field``)."""
    from surveykit.coding.summary import summarise

    work = coded if coded is not None else coded_field(inputs, by, col)
    if work.answers is None:
        return None
    answers, coded_rows, codebook = work.answers, work.coded, inputs.codebooks[col]
    summary = summarise(coded_rows, codebook, sectors=answers.sectors, sector_order=answers.sector_order,
                        padjust=options.padjust)
    quotes = _quotes(answers, coded_rows, summary, codebook, inputs, options, by) if work.full else None
    return FieldWork(answers, coded_rows, summary, quotes, work.check)


@dataclass(frozen=True)
class CodedField:
    """The first stage of a field's coding, which needs no statistics: the answers (None: the field
    has none), the rule coder's rows and the codebook's check (None for a field without quotes)."""

    answers: Any
    coded: Any = None
    full: bool = True
    check: Any = None


def coded_field(inputs: "ReportInputs", by: str | None, col: str) -> CodedField:
    """The answers to ``col`` coded by the rules, and the codebook's check (``field_work``'s first stage)."""
    from surveykit.coding.answers import answers_from_responses
    from surveykit.coding.check import check_loaded
    from surveykit.coding.rules import code_answers

    responses = inputs.responses
    codebook = inputs.codebooks[col]
    answers = answers_from_responses(responses, question=col, by=by)
    if not any(answers.texts):
        return CodedField(None)
    coded = code_answers(zip(answers.ids, answers.texts), codebook, question_id=col)
    decl = responses.instrument.coded_field(col)
    full = decl is None or decl.quotes
    return CodedField(answers, coded, full, check_loaded(codebook) if full else None)


def coded_fields(inputs: "ReportInputs", plan_sections: Sequence[Any]) -> list[str]:
    """The fields a report codes (those with answers columns), in plan order."""
    targets = inputs.responses.column_map.targets()
    fields = [q for sec in plan_sections for part in sec.parts if "code" in part.analyses for q in part.questions]
    return [q for q in dict.fromkeys(fields) if q in targets]


def start_coding(inputs: "ReportInputs", options: "ReportOptions", by: str | None, fields: Sequence[str]) -> Any:
    """Code ``fields`` in forked children (``report.forked.Forked``) while the report's other sections are
    built: ``code_blocks`` collects the result (or computes it itself when there is no child).

    Two stages: the rule coding needs no statistics and starts at once, in a first child
    (``start_rule_coding``), while this process imports what the tests need (scipy.stats), on a core
    otherwise idle then; the summaries and quotes are made in a second child forked after that import
    (``start_coded_summaries``: so it is imported once), which takes the first child's result from its
    pipe."""
    first = start_rule_coding(inputs, by, fields)
    from surveykit.lean_scipy import import_scipy_stats

    import_scipy_stats(lean=True)  # the tests need it here and in the child: imported once, before the fork
    return start_coded_summaries(inputs, options, by, fields, first)


def start_rule_coding(inputs: "ReportInputs", by: str | None, fields: Sequence[str]) -> Any:
    """The first stage of ``start_coding``: the rule coding of ``fields``, in a forked child."""
    from surveykit.report.forked import Forked

    fields = list(fields)
    return Forked(lambda: {col: coded_field(inputs, by, col) for col in fields})


def start_coded_summaries(inputs: "ReportInputs", options: "ReportOptions", by: str | None, fields: Sequence[str],
                          first: Any) -> Any:
    """The second stage of ``start_coding``: each field's summary and quotes, in a child forked now (after
    scipy.stats is imported) that reads the first stage's result from its pipe."""
    from surveykit.report.forked import Forked

    fields = list(fields)

    def second() -> dict[str, FieldWork | None]:
        coded = first.result()
        return {col: field_work(inputs, options, by, col, coded=coded.get(col)) for col in fields}

    job = Forked(second)
    first.hand_over(job)
    return job


def code_blocks(fields: Sequence[str], b: "Build", sb: SectionBuilder, explained: bool) -> None:
    """Blocks for every coded field of a report part that has answers."""
    from surveykit.coding.published import published_coded_counts
    from surveykit.disclosure import MARKER, is_primary
    from surveykit.report.text import by_phrase, significant_p

    responses, opts = b.responses, b.options
    inst = responses.instrument
    thr = opts.threshold
    first = True
    ahead = b.shared.get("coding")
    done = ahead.result() if ahead is not None else {}
    for col in fields:
        if col not in responses.column_map.targets():
            continue
        codebook = b.inputs.codebooks[col]
        work = done[col] if col in done else field_work(b.inputs, opts, b.by, col)
        if work is None:
            continue
        answers, coded, summary = work.answers, work.coded, work.summary
        name, what = field_name(inst, col)
        decl = inst.coded_field(col)
        full = decl is None or decl.quotes
        if first and not explained:
            sb.text(f"The open answers were coded with the codebook '{codebook.title}' (version {codebook.version}): "
                    "each answer can carry several codes, grouped in themes; an answer that fits no code is left "
                    "uncoded and counted, never forced into a code. Percentages are of the answers given "
                    "(blank answers left out).")
        first = False
        b.parameters.setdefault("coded_fields", []).append(col)
        if opts.suppress and is_primary(summary.n_answers, thr):
            # 1 to threshold - 1 answers: that number is a small count, and so is every code's count or
            # the count without it (protect_frequency hides them all), so the field's tables would
            # publish nothing but small bases. Left out with the reason, like other unpublishable analyses.
            sb.text(f"Coded answers to {what}: {MARKER} answers. Their themes and codes are not published: with "
                    f"fewer than {thr} answers, the number of answers with each code, or without it, is too small "
                    "to publish.")
            b.method("Coding", f"{name}: rule coder with codebook '{codebook.id}' version {codebook.version}, "
                               f"{len(codebook.codes)} codes; not published: fewer than {thr} answers")
            continue
        freq = summary.frequency.copy()
        freq["label"] = [lab if lvl != "code" else f"  {lab}" for lab, lvl in zip(freq["label"], freq["level"])]
        themes = freq[freq["level"] == "theme"].sort_values("n", ascending=False, kind="mergesort")
        codes = freq[freq["level"] == "code"].sort_values("n", ascending=False, kind="mergesort")
        coded_n, uncoded_n, _ = published_coded_counts(summary.n_coded, summary.uncoded_ids,
                                                       thr if opts.suppress else None)
        sb.text(f"Coded answers to {what}: {summary.n_answers} answers, {coded_n} with at least one code, "
                f"{uncoded_n} uncoded.")
        if len(codes) and int(codes["n"].iloc[0]) > 0:
            # Only codes and themes whose numbers are shown are named: where a suppressed one stands in
            # an order by frequency would tell how it compares with the others. Where some are suppressed,
            # the sentence says it speaks of the shown ones (a suppressed one may be the more frequent).
            used = [r for r in codes.itertuples() if r.n > 0]
            shown_codes = [r for r in used if not _count_hidden(r.n, r.base, opts)]
            top = [(f"{r.label.strip()} ({_share(r.n, r.pct, b, r.base)})", r.n) for r in shown_codes][:5]
            shown_themes = [(r.label, _share(r.n, r.pct, b, r.base)) for r in themes.itertuples()
                            if not _count_hidden(r.n, r.base, opts)]
            # (Which phrase is used depends only on what the table shows: whether any used code is [c].)
            all_shown = len(shown_codes) == len(used)
            codes_lead = ("the most frequent codes were " if all_shown
                          else "of the codes whose numbers are shown, the most frequent were ")
            theme_lead = ("the largest theme was" if len(shown_themes) == len(themes)
                          else "the largest theme whose number is shown was")
            if not top:
                sb.text(f"{name}: the codes were used too rarely to report their frequencies.", "finding")
            else:
                sb.text(f"{name}: {codes_lead}" + "; ".join(t for t, _ in top)
                        + "".join(f"; {theme_lead} {label} ({share})" for label, share in shown_themes[:1]) + ".",
                        "finding")
        if opts.suppress:
            from surveykit.coding.published import protect_frequency

            shown = protect_frequency(freq, threshold=thr)
        else:
            shown = freq
        # ``n`` is the answers with the code here, not a base (the default header for ``n``).
        sb.table(f"{col}_codes", f"{name}: themes and codes (% of {summary.n_answers} answers)", shown,
                 percent_columns=["pct"], labels={"n": "Answers"})
        b.method("Coding", f"{name}: rule coder with codebook '{codebook.id}' version {codebook.version}, "
                           f"{len(codebook.codes)} codes")
        if not full:
            continue
        coding_checks(coded, codebook, col, b, check=work.check)
        if b.by is not None and answers.sectors is not None:
            wide, bases = _group_wide(summary, codebook, b)
            sb.table(f"{col}_codes_by_{b.by}", f"{name}: % of each group's answers with each code, by "
                                              f"{by_phrase(responses, b.by)}", wide,
                     percent_columns=[c for c in wide.columns if c not in ("code_id", "code_label")],
                     note="Answers per group: " + "; ".join(f"{k} {v}" for k, v in bases.items()) + ".")
            tests = summary.tests
            if opts.suppress:
                tests = _protect_tests(tests, wide, opts.threshold, summary.padjust)
            sig = tests[[isinstance(p, float) and p < opts.alpha for p in tests["p_adjusted"]]]
            b.method(f"Coded answers by {by_phrase(responses, b.by)}",
                     "one test per code of the answers with / without it across groups (chi-square; Fisher's exact or "
                     "a Monte Carlo p-value for small expected counts), Holm-adjusted over the codes of the field")
            n_hidden = sum(1 for p in tests["p_adjusted"] if p == "[c]")
            where = by_phrase(responses, b.by)
            if len(sig):
                sentence = (f"Codes used differently across groups of {where} (adjusted p < {opts.alpha:g}): "
                            + "; ".join(f"{codebook.code(r.code_id).label} (p {significant_p(r.p_adjusted)})"
                                        for r in sig.itertuples()) + ".")
            elif n_hidden == len(tests):
                sentence = (f"The tests per code across groups of {where} are not published: every one rests on "
                            "counts too small to publish.")
            else:
                sentence = f"No code was used significantly differently across groups of {where} after correction."
            if n_hidden and n_hidden < len(tests):
                sentence += (f" The tests of {n_hidden} code(s) are not published: they rest on counts too small to "
                             "publish.")
            sb.text(sentence)
            sb.table(f"{col}_code_tests", f"{name}: test per code across groups", tests)
        qframe = work.quotes
        b.parameters["quotes"] = (f"1 per group, up to {opts.quotes_per_code} per code, the {opts.quoted_codes} "
                                  "most frequent codes of each quoted field")
        b.method("Quotes", ("quotes are chosen per code and group by a stable hash (the most focused answers "
                            "first) and redacted of personal data (names, places, contact details, identifying "
                            "numbers and dates)" if opts.suppress else
                            "INTERNAL REPORT: quotes are NOT redacted (--no-suppress)"))
        suppressed = {r.id for r in freq[freq["level"] == "code"].itertuples()
                      if r.n > 0 and _count_hidden(r.n, r.base, opts)}
        which = ("the most frequent codes" if not suppressed & set(qframe["code_id"]) else
                 "the most frequent codes whose counts are shown, then codes whose counts are suppressed, in the "
                 "codebook's order")
        sb.table(f"{col}_quotes", f"{name}: what respondents wrote (one answer per group for {which}"
                                  + (", redacted)" if opts.suppress else ", NOT redacted)"),
                 qframe, preview=None)


def _quotes(answers: Any, coded: "pd.DataFrame", summary: Any, codebook: Any, inputs: "ReportInputs",
            opts: "ReportOptions", by: str | None) -> "pd.DataFrame":
    """Quotes: the most frequent codes, a few answers each, redacted unless --no-suppress."""
    import pandas as pd

    from surveykit.coding.quotes import select_quotes
    from surveykit.coding.summary import code_sets
    from surveykit.report.text import group_labels

    freq = summary.frequency
    in_book = freq[freq["level"] == "code"]  # the codebook's order
    codes = in_book.sort_values("n", ascending=False, kind="mergesort")

    # The most frequent codes whose numbers are shown, then (if places are left) the codes whose
    # numbers are suppressed in the codebook's order: chosen or ordered by their true counts, they would
    # tell how those counts compare.
    chosen = [c for c, n, base in zip(codes["id"], codes["n"], codes["base"])
              if n > 0 and not _count_hidden(n, base, opts)]
    chosen += [c for c, n, base in zip(in_book["id"], in_book["n"], in_book["base"])
               if n > 0 and _count_hidden(n, base, opts)]
    sets = code_sets(coded)
    labels = group_labels(inputs.responses, by)
    rows = []
    for code_id in chosen[:opts.quoted_codes]:
        quotes = select_quotes(answers, sets, code_id, per_sector=1, redact=opts.suppress, codebook=codebook,
                               instrument=inputs.responses.instrument, suppress=opts.suppress,
                               threshold=opts.threshold)
        for r in quotes.frame.head(opts.quotes_per_code).itertuples():
            row: dict[str, Any] = {"code_id": code_id, "code_label": codebook.code(code_id).label,
                                   "group": labels.get(r.sector, r.sector), "quote": r.quote,
                                   "redactions": int(r.redactions)}
            if not opts.suppress:
                row["respondent_id"] = r.respondent_id
            rows.append(row)
    return pd.DataFrame(rows, columns=["code_id", "code_label", "group", "quote", "redactions"]
                        + ([] if opts.suppress else ["respondent_id"]))


def coding_checks(rules: "pd.DataFrame", codebook, field: str, b: "Build", *, check: Any = None) -> None:
    """The methods' coding paragraph: the codebook's worked examples (``codebook check``; ``check``: its
    result when already computed) and, when other coders' files are given, their agreement with the
    rules and each other (``agree``)."""
    import pandas as pd

    from surveykit.coding.agreement import agreement, alpha_text, coder_labels, share_text
    from surveykit.coding.check import check_loaded

    if check is None:
        check = check_loaded(codebook)
    b.method("Coding", f"'surveykit codebook check' coded the {check.examples_checked} worked examples and "
                       f"counter-examples of codebook '{codebook.id}' with {len(check.errors)} error(s) and "
                       f"{len(check.warnings)} warning(s)")
    files = tuple(b.inputs.coded.get(field, ()))
    if not files:
        b.method("Coding agreement", f"no second coder's file was given for {display_id(field)} "
                                     "(report --survey EXPORT --coded FILE), so the agreement between coders is not "
                                     "measured in this report; see 'surveykit agree'")
        return
    from pathlib import PurePath

    frame = rules[["respondent_id", "question_id", "code_id"]].astype(object).copy()
    frame["code_id"] = [None if pd.isna(c) or str(c) == "" else str(c) for c in frame["code_id"]]
    frames = [frame] + [f.frame for f in files]
    labels = coder_labels(["rules"] + [f.coder for f in files], ["rules"] + [PurePath(f.path).stem for f in files])
    result = agreement(frames, labels, codes=list(codebook.code_ids), suppress=b.options.suppress,
                       threshold=b.options.threshold)
    ov = result.overall
    b.method("Coding agreement", f"{ov['units']} answers to {display_id(field)} coded by the rules and {len(files)} "
                                 f"other coder(s) ({', '.join(labels[1:])}): pooled Krippendorff's alpha "
                                 f"{alpha_text(ov['pooled_alpha'])} ({ov['pooled_flag']}); exact-set match "
                                 f"{share_text(ov['exact_set_match'])}; reliable from 0.800, tentative from 0.667")
    b.method_tables.append((f"coding_agreement_{field}", f"Coding agreement per code ({display_id(field)})",
                            result.per_code, "percent_agreement and exact_set_match are shares (0-1); alpha: "
                                             "Krippendorff's alpha (nominal)."))


def _count_hidden(n: Any, base: Any, opts: "ReportOptions") -> bool:
    """Whether a code's count is suppressed as the codes table publishes it: it, or the rest of its base,
    is 1 to threshold - 1 (``_share``, the findings and the quotes all ask this)."""
    from surveykit.disclosure import is_primary

    return opts.suppress and (is_primary(float(n), opts.threshold)
                              or (base is not None and is_primary(float(base) - float(n), opts.threshold)))


def _share(n: Any, pct: Any, b: "Build", base: Any = None) -> str:
    from surveykit.disclosure import MARKER

    if _count_hidden(n, base, b.options):
        return MARKER
    return f"{int(n)} answers, {float(pct):.0f}%"
