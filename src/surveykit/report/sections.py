"""The analysis sections of the report, each built from the library functions the commands use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from surveykit.report.model import Section, SectionBuilder

if TYPE_CHECKING:
    from surveykit.clean import Responses
    from surveykit.report.build import Context


def prepare(responses: "Responses", ctx: "Context") -> None:
    """Shared computations used by several sections, stored in ``ctx.cache``."""


def section_why_missing(responses: "Responses", ctx: "Context") -> Section | None:
    return None


def section_closed_questions(responses: "Responses", ctx: "Context") -> Section | None:
    return None


def section_statements(responses: "Responses", ctx: "Context") -> Section | None:
    return None


def section_effectiveness(responses: "Responses", ctx: "Context") -> Section | None:
    return None


def section_youth_ranking(responses: "Responses", ctx: "Context") -> Section | None:
    return None


def section_youth_vs_professionals(responses: "Responses", ctx: "Context") -> Section | None:
    return None
