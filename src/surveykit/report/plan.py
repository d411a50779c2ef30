"""Which sections a report has: the instrument's ``report:`` plan, or one made from the question types.

Without a plan, the report has: who responded; one section per rated grid (ranked by its top box
with a diverging chart, scored by group, tested); one section of the other closed questions (scored
by group and tested); one section of the free-text fields that have a codebook (coded and
summarised); the youth ranking sections when the instrument links a youth exercise and a rankings
file is given. Methods and data quality always close the report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from surveykit.instrument import Instrument, ReportPlan, ReportSection

YOUTH_ANALYSES = ("youth_ranking", "youth_comparison")


def report_plan(instrument: "Instrument", *, has_rankings: bool) -> "ReportPlan":
    """The plan to build: the instrument's (youth parts dropped without rankings) or the default."""
    from dataclasses import replace

    plan = instrument.report or default_plan(instrument)
    sections = []
    for sec in plan.sections:
        parts = tuple(p for p in sec.parts if has_rankings or not set(p.analyses) & set(YOUTH_ANALYSES))
        if parts:
            sections.append(replace(sec, parts=parts))
    return replace(plan, sections=tuple(sections))


def default_plan(instrument: "Instrument") -> "ReportPlan":
    from surveykit.instrument import ReportPart, ReportPlan, ReportSection
    from surveykit.report.text import display_id

    inst = instrument
    by = inst.default_by
    grouped = ("compare",) if by else ()
    sections: list[ReportSection] = [ReportSection("who_responded", "Who responded",
                                                   parts=(ReportPart((), ("respondents",)),))]
    for q in inst.questions:
        if not q.is_grid:
            continue
        if q.is_ordinal and q.scale.top_box:
            analyses = ("rank",) + (("score",) if by else ()) + grouped
        else:
            analyses = ("score",) + grouped
        sections.append(ReportSection(f"grid_{_slug(q.id)}", f"{q.short} ({display_id(q.id)})",
                                      parts=(ReportPart((q.id,), analyses),)))
    singles = tuple(q.id for q in inst.questions if q.type == "single" and q.id != by)
    if singles:
        title = "The closed questions" + (f" by {inst.grouping_label(by)}" if by else "")
        sections.append(ReportSection("closed_questions", title, parts=(ReportPart(singles, ("score",) + grouped),)))
    coded = tuple(c.field for c in inst.coding)
    if coded:
        sections.append(ReportSection("coded_answers", "What respondents wrote: the coded answers",
                                      parts=(ReportPart(coded, ("code",)),)))
    if inst.youth is not None:
        sections.append(ReportSection("youth_ranking", "The young people's ranking",
                                      parts=(ReportPart((), ("youth_ranking",)),)))
        sections.append(ReportSection("youth_comparison", "Young people beside the survey's respondents",
                                      parts=(ReportPart((), ("youth_comparison",)),)))
    return ReportPlan(title=inst.title, by=by, sections=tuple(sections))


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "q"
