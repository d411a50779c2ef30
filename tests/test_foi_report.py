"""The report section "What local authorities told us": pure, complete, suppressed by default."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from foi_data import SAMPLE_CSV, SAMPLE_NATIONALITY, hand_files
from surveykit import foi
from surveykit.disclosure import MARKER
from surveykit.report.foi import SECTION_TITLE, foi_section
from surveykit.report.model import Report, Section


@pytest.fixture(scope="module")
def sample():
    return foi.read_returns([SAMPLE_CSV, SAMPLE_NATIONALITY])


@pytest.fixture(scope="module")
def built(sample):
    return foi_section(sample, reference_rate="6110/99230")


def test_section_blocks_and_notes(built):
    section, notes = built
    assert isinstance(section, Section) and section.title == SECTION_TITLE
    ids = [t.id for t in section.tables]
    assert ids == ["foi_coverage", "foi_share_missing", "foi_totals", "foi_episodes", "foi_still_missing",
                   "foi_durations", "foi_regions", "foi_nations", "foi_large_authorities", "foi_nationality",
                   "foi_gender", "foi_size_test", "foi_change", "foi_reference"]
    assert [c.id for c in section.charts] == ["foi_share_by_wave", "foi_regions_2016", "foi_regions_2018",
                                              "foi_regions_2020", "foi_regions_2024"]
    assert all(isinstance(c.figure, Figure) for c in section.charts)
    findings = [b.text for b in section.blocks if getattr(b, "kind", "") == "finding"]
    assert findings[0].startswith("2016: 167 of 590 children identified or suspected as trafficked")
    assert "(28%," in findings[0] and "149 authorities" in findings[0]
    assert "(13%," in findings[1]  # 593 of 4,744 is 12.5%, rounded half up as the study did
    for t in section.tables:  # every table says what it stands on
        assert {"n_authorities", "basis"} & set(t.frame.columns) or t.id in ("foi_change", "foi_regions",
                                                                             "foi_nations", "foi_large_authorities")
    change = next(t for t in section.tables if t.id == "foi_change").frame
    assert set(change["basis"]) == {"both_waves", "all_responders"} and "basis_label" in change.columns
    topics = {t for t, _ in notes}
    assert topics == {"FOI returns"} and any("Wilson" in m for _, m in notes)
    assert any("suppressed" in m for _, m in notes) and any("Katz" in m for _, m in notes)


def test_small_numbers_are_suppressed_by_default(built):
    section, _ = built
    frames = {t.id: t.frame for t in section.tables}
    regions = frames["foi_regions"]
    scot = regions[(regions["wave"] == "2016") & (regions["cohort"] == "trafficked") & (regions["region"] == "Scotland")]
    assert scot["went_missing"].iloc[0] == MARKER  # 2 children in the study's Figure 8
    for tid, cols in (("foi_regions", ["went_missing", "in_care"]), ("foi_nationality", ["male", "female", "total"]),
                      ("foi_large_authorities", ["went_missing"]), ("foi_gender", ["children"])):
        for col in cols:
            values = [v for v in frames[tid][col].tolist() if v != MARKER]
            assert not [v for v in values if 0 < float(v) < 5], (tid, col)


def test_no_suppress_shows_the_studys_regional_counts(sample):
    section, notes = foi_section(sample, suppress=False)
    regions = next(t for t in section.tables if t.id == "foi_regions").frame
    rows = regions[(regions["wave"] == "2016") & (regions["cohort"] == "trafficked")]
    assert dict(zip(rows["region"], rows["went_missing"]))["Scotland"] == 2
    assert any("NOT suppressed" in m for _, m in notes)
    assert "foi_reference" not in [t.id for t in section.tables]  # no reference rate given


def test_one_wave_section_and_purity(tmp_path):
    returns = foi.read_returns(hand_files(tmp_path)[1:])  # 2020 only
    a, notes_a = foi_section(returns)
    b, notes_b = foi_section(returns)
    assert [t.id for t in a.tables] == [t.id for t in b.tables] and notes_a == notes_b
    for ta, tb in zip(a.tables, b.tables):
        assert ta.frame.equals(tb.frame)
    assert "foi_change" not in [t.id for t in a.tables] and [c.id for c in a.charts] == ["foi_regions_2020"]


def test_the_section_renders_through_the_report_writers(built, tmp_path):
    from surveykit.report.writers import write_report

    section, _ = built
    out = write_report(Report("FOI", "test", (section,)), tmp_path / "rep")
    md = (out / "report.md").read_text(encoding="utf-8")
    assert SECTION_TITLE in md and "Children in care who went missing" in md
    assert (out / "tables" / "foi_share_missing.csv").is_file()
    assert (out / "charts" / "foi_regions_2016.png").is_file()


def test_a_wave_value_cannot_put_a_chart_outside_the_report(cli, tmp_path):
    """The wave is the returns' own value: it names a chart file only as a plain slug of it."""
    assert cli("foi", "sample", "--out", tmp_path / "foi").returncode == 0
    text = (tmp_path / "foi" / "foi_returns.csv").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    evil = "".join([lines[0]] + [("2016/../../../victim" + ln[4:]) if ln.startswith("2016,") else ln
                                 for ln in lines[1:]])
    (tmp_path / "evil.csv").write_text(evil, encoding="utf-8")
    (tmp_path / "victim.png").write_bytes(b"precious")
    r = cli("report", "--foi", tmp_path / "evil.csv", "--out", tmp_path / "a" / "b" / "rep")
    # such a wave is no wave (a year, a year range or a short id): refused before anything is written
    assert r.returncode == 2 and "does not look like a wave" in r.stderr and "victim" not in r.stderr, r.stderr
    assert (tmp_path / "victim.png").read_bytes() == b"precious"
    assert [p for p in tmp_path.rglob("victim*") if p != tmp_path / "victim.png"] == []
    assert not (tmp_path / "a").exists()
    # a wave that is a year range holds a slash: its charts are named by a plain slug of it, in the report
    ranged = "".join([lines[0]] + [("2016/17" + ln[4:]) if ln.startswith("2016,") else ln for ln in lines[1:]])
    (tmp_path / "ranged.csv").write_text(ranged, encoding="utf-8")
    r = cli("report", "--foi", tmp_path / "ranged.csv", "--out", tmp_path / "c" / "rep")
    assert r.returncode == 0, r.stderr
    charts = sorted(p.name for p in (tmp_path / "c" / "rep" / "charts").iterdir())
    assert "foi_regions_2016_17.png" in charts
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c", "evil.csv", "foi", "ranged.csv", "victim.png"]


def test_report_ids_must_be_plain_file_names():
    from surveykit.report.model import is_file_id

    assert is_file_id("foi_regions_2016") and is_file_id("q45_by_sector-long") and is_file_id("_intro_tests")
    for bad in ("../x", "a/b", ".hidden", "", "a\\b", "x" * 201, "a.b", "-x", "a b"):
        assert not is_file_id(bad)



def test_a_report_whose_id_cannot_name_a_file_is_refused_in_one_line(tmp_path):
    import pandas as pd

    from surveykit.errors import UsageError
    from surveykit.report.model import Report, SectionBuilder

    sb = SectionBuilder("s", "S").table("../outside", "T", pd.DataFrame({"a": [1]}))
    report = Report(title="t", subtitle="", sections=(sb.build(),))
    from surveykit.report.writers import write_report

    with pytest.raises(UsageError, match="cannot name a file"):
        write_report(report, tmp_path / "rep")
    assert sorted(p.name for p in tmp_path.iterdir()) == []
