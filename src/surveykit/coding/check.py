"""``surveykit codebook check``: every problem of a codebook in one report.

Structural problems (empty codebook, duplicate ids, unknown theme, a code in no theme, bad or
catastrophically slow regular expressions, bad patterns, lexicon entries or sense filters) come from
``codebook.build_codebook``; regular expressions are then tried under a time limit
(``safe_regex.probe_problem``); then every example and counter-example is run through the rule
coder (lexicon, typo tolerance, negation, sense filters: exactly as ``surveykit code`` runs) and must
code as declared. A file that is not a
codebook at all (missing, not YAML, not a mapping) raises ``CodebookError`` (exit 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from surveykit.coding.codebook import Codebook, CodebookProblem, build_codebook, read_codebook_doc
from surveykit.coding.safe_regex import probe_problem
from surveykit.errors import CodebookError

if TYPE_CHECKING:
    import pandas as pd

PROBLEM_COLUMNS = ("code", "kind", "severity", "message")


@dataclass(frozen=True)
class CheckReport:
    path: str
    codebook: Codebook | None
    problems: tuple[CodebookProblem, ...]
    examples_checked: int

    @property
    def errors(self) -> tuple[CodebookProblem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[CodebookProblem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def ok(self) -> bool:
        return not self.errors

    def frame(self) -> "pd.DataFrame":
        """One row per problem: ``code`` (code/theme id or ""), ``kind``, ``severity``, ``message``."""
        import pandas as pd

        rows = [{**p.as_dict(), "code": p.code or ""} for p in self.problems]
        return pd.DataFrame(rows, columns=list(PROBLEM_COLUMNS))


def _excerpt(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def check_codebook(path: str | Path) -> CheckReport:
    """Check a codebook file; see the module docstring."""
    doc, p = read_codebook_doc(path)
    codebook, problems = build_codebook(doc, path=p)
    if codebook is None:
        raise CodebookError(problems[0].message, path=p)
    return _check(codebook, problems, p)


def check_loaded(codebook: Codebook) -> CheckReport:
    """Run the examples and counter-examples of an already-loaded codebook (nothing is read)."""
    return _check(codebook, [], codebook.path or "<codebook>")


def _check(codebook: Codebook, problems: list[CodebookProblem], p: str) -> CheckReport:
    n_checked = 0
    for code in codebook.codes:
        if not code.patterns:
            problems.append(CodebookProblem(code.id, "no_patterns",
                                            "the code has no patterns, so the rule coder never assigns it",
                                            "warning"))
        if not code.examples:
            problems.append(CodebookProblem(code.id, "no_examples",
                                            "the code has no examples to test its patterns", "warning"))
    # Regular expressions that pass the static check are tried on strings made of their own
    # characters under a short time limit; a slow one is dropped before the examples are run.
    slow = set()
    for code in codebook.codes:
        for n, p in enumerate((*code.patterns, *code.exclude_context), start=1):
            if p.kind == "regex":
                why = probe_problem(p.text)
                if why:
                    slow.add((code.id, p.text))
                    problems.append(CodebookProblem(code.id, "slow_regex", f"regex {p.text[:60]!r}: {why}"))
    for p in codebook.exclude_answers:
        if p.kind == "regex" and probe_problem(p.text):
            slow.add((None, p.text))
            problems.append(CodebookProblem(None, "slow_regex", f"exclude_answers regex {p.text[:60]!r}: "
                                                                f"{probe_problem(p.text)}"))
    if slow:
        codebook = _without_regexes(codebook, {text for _, text in slow})
    if codebook.codes:
        from surveykit.coding.rules import rule_coder

        # Patterns that could not be read are left out of this codebook, so the examples are run
        # through everything else (and an example that needed a broken pattern fails too).
        coder = rule_coder(codebook)
        for code in codebook.codes:
            if not code.patterns:
                continue
            for n, text in enumerate(code.examples, start=1):
                n_checked += 1
                try:
                    got = coder.code_ids_of(text)
                except CodebookError as exc:
                    problems.append(CodebookProblem(code.id, "slow_regex", f"example #{n}: {exc.message}"))
                    continue
                if code.id not in got:
                    others = f"; it got {', '.join(got)}" if got else "; it got no code"
                    problems.append(CodebookProblem(
                        code.id, "example_not_coded",
                        f"example #{n} ({_excerpt(text)!r}) does not get the code{others}"))
            for n, text in enumerate(code.counter_examples, start=1):
                n_checked += 1
                try:
                    found = [m for m in coder.code_text(text) if m.code_id == code.id]
                except CodebookError as exc:
                    problems.append(CodebookProblem(code.id, "slow_regex", f"counter-example #{n}: {exc.message}"))
                    continue
                if found:
                    problems.append(CodebookProblem(
                        code.id, "counter_example_coded",
                        f"counter-example #{n} ({_excerpt(text)!r}) gets the code through "
                        f"{found[0].pattern} matching {found[0].matched!r}"))
    order = {"error": 0, "warning": 1}
    problems.sort(key=lambda p: order.get(p.severity, 2))
    return CheckReport(p, codebook, tuple(problems), n_checked)


def _without_regexes(codebook: Codebook, texts: set[str]) -> Codebook:
    """The codebook without the given regular expressions (so the examples can still run)."""
    from dataclasses import replace

    def keep(patterns):
        return tuple(p for p in patterns if not (p.kind == "regex" and p.text in texts))

    codes = tuple(replace(c, patterns=keep(c.patterns), exclude_context=keep(c.exclude_context))
                  for c in codebook.codes)
    return replace(codebook, codes=codes, exclude_answers=keep(codebook.exclude_answers))
