"""A small report built through the library for the output tests: every kind of table the writers
must present (option shares with a base column, a wide table with base rows, a banner with letters,
a long table, suppressed cells, an empty data-quality table, an id longer than a sheet name) and a
chart. Numbers come from the shipped sample through the library functions."""

from __future__ import annotations

from functools import lru_cache

from conftest import SAMPLE_SURVEY

LONG_ID = "q45_effectiveness_by_sector_long"  # 32 characters: longer than a sheet name


@lru_cache(maxsize=None)
def sample_report():
    import pandas as pd

    from surveykit.banner import banner
    from surveykit.charts.effectiveness import effectiveness_chart
    from surveykit.pipeline import load_responses
    from surveykit.report.model import Report, SectionBuilder
    from surveykit.report.tables import people_labels, wide_with_bases
    from surveykit.scoring import effectiveness_table

    responses = load_responses(SAMPLE_SURVEY)
    q = responses.instrument.question("q45")
    labels = {s.id: s.label for s in responses.instrument.sectors}
    table = effectiveness_table(responses, suppress=True).drop(columns=["group"])
    by = effectiveness_table(responses, by="sector", suppress=True)
    wide, bases = wide_with_bases(by[by["group"] != "all"], index=["item_id", "item_label"], columns="group",
                                  value="pct_effective", base="n", column_labels=labels)
    res = banner(responses, question="q45", by="sector", second_alpha=0.1)
    pcts = [c for c in table.columns if c.startswith("pct_")]
    sb = SectionBuilder("effectiveness", "How effective are prevention measures?")
    sb.text(f"Every statistic by sector is in {LONG_ID}.")
    sb.table("q45_effectiveness", "Q45 effectiveness of each measure", table, percent_columns=pcts,
             labels=people_labels(table, scale=q.scale), base_column="n",
             footnote="Base: valid answers (Don't know and blank excluded).")
    sb.chart("q45_chart", "Q45 ratings", effectiveness_chart(table, scale=q.scale), alt="ignored")
    sb.table("q45_effective_by_sector", "Q45 % effective by sector", wide,
             percent_columns=[c for c in wide.columns if c not in ("item_id", "item_label")], base_rows=bases)
    sb.table("q45_banner", "Q45 banner", res.wide())
    sb.table(LONG_ID, "Q45 effectiveness by sector (every statistic)", by, percent_columns=pcts, kind="long")
    quality = SectionBuilder("data_quality", "Data quality")
    quality.table("data_quality_summary", "Data problems by kind",
                  pd.DataFrame(columns=["code", "severity", "issues", "rows_affected", "example_column"]))
    manifest = {"surveykit_version": "test", "parameters": {"threshold": 5}}
    return Report("Output test report", "Sample study, suppressed", (sb.build(), quality.build()), manifest)
