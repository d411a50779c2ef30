"""The coded open answers in the report: codes and themes, by sector, with redacted quotes."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from surveykit.clean import Responses
    from surveykit.report.build import Context


def coded_blocks(responses: "Responses", ctx: "Context") -> list:
    return []
