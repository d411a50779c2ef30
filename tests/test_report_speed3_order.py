"""The report's third round of speed work (issue 14, point 4) changes no number and no byte.

* ``Forked.hand_over``: a child reads the result of a child forked before it, from the pipe it
  inherited; the parent lets go of its end, reaps both, and everything still works when a child fails
  or when nothing is forked.
* The coding in two stages (the rule coding before scipy.stats is imported, the summaries after):
  the same ``FieldWork`` as the one-stage, in-process computation.
* ``sections.SectionProgress``: a section built part by part (some parts now, the rest later) is the
  section built in one go.
* ``sections.option_wide`` (one pass over column lists) gives the frame the per-group row walk gave,
  values and dtypes.

The whole report stays byte-identical to the serial one: ``tests/test_report_speed_parallel.py``.
"""

from __future__ import annotations

import os
import sys
import time

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forked children are used on Linux only")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_child_reads_the_result_of_an_earlier_child_and_both_are_reaped():
    from surveykit.report.forked import Forked

    first = Forked(lambda: {"pid": os.getpid(), "values": [1, 2.5, "three"]})

    def second():
        got = first.result()
        return os.getpid(), got

    job = Forked(second)
    first.hand_over(job)
    first_pid = first._pid
    reader_pid, got = job.result()
    assert reader_pid != os.getpid()  # read in the second child ...
    assert got["values"] == [1, 2.5, "three"] and got["pid"] not in (os.getpid(), reader_pid)  # ... from the first
    assert first._fd is None  # this process let go of its end at once
    assert first._pid is None  # and reaped the first child when the second was collected
    assert not os.path.exists(f"/proc/{first_pid}") or not _alive(first_pid)


def test_a_handed_over_result_is_recomputed_by_the_reader_when_the_first_child_fails():
    from surveykit.report.forked import Forked

    parent = os.getpid()

    def work():
        if os.getpid() != parent:
            raise RuntimeError("only in a child")
        return "computed"

    first = Forked(work)  # fails in its child
    job = Forked(lambda: ("reader", first.result()))  # the reader then computes it itself: in its child, fails ...
    first.hand_over(job)
    # ... so the reader's child fails too, and this process redoes the reader's work, which computes the
    # first result here (its pipe was handed over, so it is not read here).
    assert job.result() == ("reader", "computed")
    assert first._pid is None and job._pid is None


def test_hand_over_does_nothing_when_the_reader_has_no_child(monkeypatch):
    from surveykit.report.forked import ENV_SWITCH, Forked

    first = Forked(lambda: os.getpid())
    first_child = first._pid
    monkeypatch.setenv(ENV_SWITCH, "0")
    job = Forked(lambda: first.result())  # not forked: runs here and reads the first child here
    first.hand_over(job)
    assert first._fd is not None
    assert job.result() == first_child != os.getpid()


def test_closing_the_reader_stops_the_handed_over_child():
    from surveykit.report.forked import Forked

    first = Forked(lambda: time.sleep(60))
    job = Forked(lambda: first.result())
    first.hand_over(job)
    pids = [first._pid, job._pid]
    job.close()
    assert first._pid is None and job._pid is None
    for pid in pids:
        assert not _alive(pid)


def test_ready_says_when_a_result_can_be_taken_without_waiting():
    from surveykit.report.forked import Forked

    slow = Forked(lambda: time.sleep(30) or 1)
    assert slow.ready() is False
    slow.close()
    quick = Forked(lambda: 42)
    deadline = time.monotonic() + 30
    while not quick.ready() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert quick.ready() and quick.result() == 42 and quick.ready()


@pytest.fixture(scope="module")
def inputs():
    from conftest import SAMPLE_RANKINGS, SAMPLE_SURVEY

    from surveykit import api
    from surveykit.report.build import ReportInputs

    if not SAMPLE_SURVEY.exists():
        pytest.skip("the sample study has not been generated")
    responses = api.read(SAMPLE_SURVEY)
    inst = responses.instrument
    books = {}
    for field in ("q7", "q14_other_text", "q15_other_text"):
        decl = inst.coded_field(field)
        books[field] = api.load_codebook(decl.path)
    return ReportInputs(responses=responses, rankings=api.read_rankings(SAMPLE_RANKINGS), codebooks=books)


def _same_frame(a, b) -> None:
    import pandas as pd

    assert list(a.columns) == list(b.columns)
    assert [str(t) for t in a.dtypes] == [str(t) for t in b.dtypes]
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_coding_in_two_forked_stages_gives_the_in_process_result(inputs):
    from surveykit.report.build import ReportOptions
    from surveykit.report.coding import field_work, start_coding

    options = ReportOptions().checked()
    fields = list(inputs.codebooks)
    job = start_coding(inputs, options, "sector", fields)
    assert job._pid is not None and job._handed  # the second stage reads the first child
    forked = job.result()
    for col in fields:
        here = field_work(inputs, options, "sector", col)
        there = forked[col]
        assert (here is None) == (there is None)
        if here is None:
            continue
        _same_frame(here.coded, there.coded)
        assert list(here.answers.ids) == list(there.answers.ids) and list(here.answers.texts) == list(there.answers.texts)
        for name in ("frequency", "sectors", "tests"):
            if hasattr(here.summary, name):
                _same_frame(getattr(here.summary, name), getattr(there.summary, name))
        if here.quotes is None:
            assert there.quotes is None
        else:
            _same_frame(here.quotes, there.quotes)
        assert repr(here.check) == repr(there.check)


def test_a_section_built_part_by_part_is_the_section_built_at_once(inputs):
    from surveykit.report.build import Build, ReportOptions
    from surveykit.report.model import Chart, Table
    from surveykit.report.plan import report_plan
    from surveykit.report.sections import SectionProgress, build_section

    options = ReportOptions().checked()
    plan = report_plan(inputs.responses.instrument, has_rankings=True)
    several = [s for s in plan.sections if len(s.parts) > 1]
    assert several, "the sample's plan has a section of several parts (why_missing)"
    for sec in several:
        whole_b = Build(inputs=inputs, options=options, by="sector")
        whole = build_section(sec, whole_b)
        steps_b = Build(inputs=inputs, options=options, by="sector")
        progress = SectionProgress(sec, steps_b)
        progress.build_parts(1)
        progress.build_parts(1)  # nothing more
        progress.build_parts(len(sec.parts))
        stepped = progress.section()
        assert [type(b).__name__ for b in whole.blocks] == [type(b).__name__ for b in stepped.blocks]
        for x, y in zip(whole.blocks, stepped.blocks):
            if isinstance(x, Table):
                assert x.id == y.id and x.title == y.title and x.note == y.note
                _same_frame(x.frame, y.frame)
            elif isinstance(x, Chart):
                assert (x.id, x.title, x.alt) == (y.id, y.title, y.alt)
            else:
                assert x == y
        assert whole_b.methods == steps_b.methods and whole_b.parameters == steps_b.parameters


def _option_wide_by_rows(responses, long, column_id, by):
    """The earlier implementation (a walk over each group's rows), kept here as the reference."""
    import pandas as pd

    from surveykit.report.model import slug
    from surveykit.report.text import group_labels

    q, _ = responses.instrument.column_owner(column_id)
    part = long[long["item_id"] == column_id]
    labels = group_labels(responses, by)
    opt_cols = {o.code: "pct_" + slug(o.label) for o in q.scale.options if not o.dk}
    rows = []
    for g, grp in part.groupby("group", sort=False):
        row = {"group": g, "group_label": labels.get(g, g), "n_valid": grp["n_valid"].iloc[0]}
        for r in grp.itertuples(index=False):
            if r.option_code in opt_cols:
                row[opt_cols[r.option_code]] = r.pct
            else:
                row["n_dk"], row["pct_dk"] = r.n_dk, r.pct
        rows.append(row)
    cols = ["group", "group_label", "n_valid", *opt_cols.values()] + (["n_dk", "pct_dk"] if q.scale.has_dk else [])
    return pd.DataFrame(rows).reindex(columns=cols)


@pytest.mark.parametrize("suppress", [True, False])
@pytest.mark.parametrize("by", ["sector", None])
def test_option_wide_gives_the_frame_of_the_row_walk(inputs, suppress, by):
    from surveykit.report.sections import option_wide
    from surveykit.scoring import score

    responses = inputs.responses
    questions = ["q1", "q3", "q5", "q8", "q21", "q24"]
    long = score(responses, questions=questions, by=by, suppress=suppress, threshold=5)
    for qid in questions:
        frame, _ = option_wide(responses, long, qid, by)
        _same_frame(frame, _option_wide_by_rows(responses, long, qid, by))


def _export_frame_by_columns(table):
    """The earlier implementation (a copy whose text columns are replaced one by one): the reference."""
    from surveykit.report.writers.cells import _csv_text, neutralise

    frame = table.frame.copy()
    for col in frame.columns:
        if frame[col].dtype == object or str(frame[col].dtype) in ("string", "str"):
            frame[col] = frame[col].map(_csv_text).astype(object)
    frame.columns = [neutralise(str(c)) for c in frame.columns]
    return frame


@pytest.mark.parametrize("suppress", [True, False])
def test_every_csv_of_the_report_is_the_one_the_column_by_column_export_wrote(inputs, suppress):
    import pandas as pd

    from surveykit.report.build import ReportOptions, build_report
    from surveykit.report.model import Table
    from surveykit.report.writers.cells import export_frame, table_csv

    report = build_report(inputs, ReportOptions(suppress=suppress))
    tricky = Table("tricky", "Cells a spreadsheet would run", pd.DataFrame({
        "=label": ["=SUM(A1)", "+1", "plain", None, "a\r\nb", "@x"],
        "n": [1, 2, 3, 4, 5, 6],
        "share": [0.5, float("nan"), 1.25, 2.0, 3.0, 4.0],
        "text": pd.array(["-x", "y", pd.NA, "z", "\tq", "w"], dtype="string"),
        "count": pd.array([1, None, 3, 4, 5, 6], dtype="Int64"),
    }))
    empty = Table("empty", "No rows", pd.DataFrame({"a": pd.Series([], dtype=object), "b": pd.Series([], dtype=float)}))
    tables = [*report.tables, tricky, empty]
    assert len(tables) > 40
    for table in tables:
        ours, reference = export_frame(table), _export_frame_by_columns(table)
        _same_frame(ours, reference)
        assert table_csv(table) == reference.to_csv(index=False, lineterminator="\n")
    # The report's own tables are written by the csv module, not by pandas (the comparison above is
    # then between the two writers).
    from surveykit.report.writers.cells import _plain_csv

    assert all(_plain_csv(table) is not None for table in report.tables)


def test_csv_of_every_kind_of_cell_is_what_pandas_writes():
    """Cells the csv module writes (text, whole numbers, floats of every size, booleans, numbers and
    missing values in a text column, nullable whole numbers and booleans) and columns it leaves to
    pandas (dates, 32-bit and nullable floats, categories), each compared with pandas' to_csv of the
    exported frame."""
    import numpy as np
    import pandas as pd

    from surveykit.report.model import Table
    from surveykit.report.writers.cells import _plain_csv, export_frame, table_csv

    floats = [0.1, 1e-05, 1e16, 9999999999999998.0, -0.0, float("inf"), float("-inf"), float("nan"), 5e-324, 12.0]
    plain = Table("plain", "Plain", pd.DataFrame({
        "text": ["a,b", 'say "hi"', "line\nbreak", "=1+1", "", " x ", "é", "-2", "+", "@"],
        "mixed": [np.float64(0.5), 3, None, float("nan"), pd.NA, True, "t", 1e-07, np.int64(7), -0.0],
        "float": floats,
        "int": np.arange(-5, 5, dtype=np.int64),
        "uint": np.arange(10, dtype=np.uint8),
        "flag": [True, False] * 5,
        "str": pd.array(["x", None, "y", "=z", "", "q", "w", "e", "r", "t"], dtype="str"),
        "Int64": pd.array([1, None, 3, -4, 5, 6, 7, 8, 9, 0], dtype="Int64"),
        "boolean": pd.array([True, None, False, True, True, False, None, True, False, True], dtype="boolean"),
    }))
    assert _plain_csv(plain) is not None
    others = [pd.DataFrame({"when": pd.to_datetime(["2026-01-02"] * 3), "n": [1, 2, 3]}),
              pd.DataFrame({"share": np.array([0.1, 2.5, float("nan")], dtype=np.float32)}),
              pd.DataFrame({"share": pd.array([0.5, None, 3.0], dtype="Float64")}),
              pd.DataFrame({"c": pd.Categorical(["a", "b", "a"])}),
              pd.DataFrame(index=range(3))]
    for k, frame in enumerate(others):
        assert _plain_csv(Table(f"other{k}", "Other", frame)) is None
    for table in [plain, *(Table(f"other{k}", "Other", f) for k, f in enumerate(others))]:
        assert table_csv(table) == export_frame(table).to_csv(index=False, lineterminator="\n")
