"""The q45 banner table in the report (``surveykit.banner``, as ``surveykit banner`` prints it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from surveykit.clean import Responses
    from surveykit.report.build import Context
    from surveykit.report.model import SectionBuilder


def banner_table(responses: "Responses", ctx: "Context", sb: "SectionBuilder") -> None:
    from surveykit.banner import banner
    from surveykit.report.sections import BANNER_MIN_GROUP, EFFECTIVENESS, PADJUST, threshold

    res = banner(responses, question=EFFECTIVENESS, by="sector", alpha=ctx.options.alpha, padjust=PADJUST,
                 min_group_size=BANNER_MIN_GROUP, suppress=ctx.options.suppress, threshold=threshold(ctx))
    ctx.method("Banner table (q45)", res.footer)
    for note in res.notes:
        ctx.method("Banner table (q45)", note)
    letters = ", ".join(f"{letter} = {group}" for group, letter in res.letters)
    sb.table("q45_banner", "Q45 banner: % effective by sector with significance letters", res.wide(),
             note=f"{res.footer} Columns: {letters}.")
