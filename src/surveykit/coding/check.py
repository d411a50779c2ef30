"""``surveykit codebook check``: every problem of a codebook in one report.

Structural problems (empty codebook, duplicate ids, unknown theme, a code in no theme, bad regular
expressions or patterns) come from ``codebook.build_codebook``; then every example and
counter-example is run through the rule coder and must code as declared. A file that is not a
codebook at all (missing, not YAML, not a mapping) raises ``CodebookError`` (exit 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from surveykit.coding.codebook import Codebook, CodebookProblem, build_codebook, read_codebook_doc
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
    structural = any(p.severity == "error" and p.kind in ("bad_regex", "bad_pattern") for p in problems)
    if codebook.codes and not structural:
        from surveykit.coding.rules import RuleCoder

        coder = RuleCoder(codebook)
        for code in codebook.codes:
            if not code.patterns:
                continue
            for n, text in enumerate(code.examples, start=1):
                n_checked += 1
                got = coder.code_ids_of(text)
                if code.id not in got:
                    others = f"; it got {', '.join(got)}" if got else "; it got no code"
                    problems.append(CodebookProblem(
                        code.id, "example_not_coded",
                        f"example #{n} ({_excerpt(text)!r}) does not get the code{others}"))
            for n, text in enumerate(code.counter_examples, start=1):
                n_checked += 1
                found = [m for m in coder.code_text(text) if m.code_id == code.id]
                if found:
                    problems.append(CodebookProblem(
                        code.id, "counter_example_coded",
                        f"counter-example #{n} ({_excerpt(text)!r}) gets the code through "
                        f"{found[0].pattern} matching {found[0].matched!r}"))
    order = {"error": 0, "warning": 1}
    problems.sort(key=lambda p: order.get(p.severity, 2))
    return CheckReport(p, codebook, tuple(problems), n_checked)
