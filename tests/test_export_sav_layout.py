"""export-sav converts each column once per distinct value (issue 14: fast at every size), with the
result of converting every cell on its own; SPSS measure levels follow the instrument (a closed
question's scale kind; strings, the sector and completion nominal); the file is copied into place a
block at a time, with the owned-file rules of every other output."""

from __future__ import annotations

import dataclasses
import math

import pytest

from conftest import SAMPLE_SURVEY


def _cell_by_cell(responses):
    """The frame ``sav_layout`` must give, worked out one cell at a time from the instrument (the
    definition: blank text for a missing value, formula-like text escaped, codes through the scale)."""
    import pandas as pd

    from surveykit.io.cells import ESCAPE, needs_escape
    from surveykit.io.sav_writer import DK_VALUE

    inst, data = responses.instrument, responses.data

    def text(v):
        s = "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
        return ESCAPE + s if needs_escape(s) else s

    cols = {"respondent_id": [text(v) for v in data["respondent_id"]]}
    for pf in inst.profile:
        if pf.kind == "sector":
            number = {s.id: float(i) for i, s in enumerate(inst.sectors, start=1)}
            cols[pf.id] = [number.get(v, math.nan) if isinstance(v, str) else math.nan for v in data[pf.id]]
            cols[f"{pf.id}_raw"] = [text(v) for v in data[f"{pf.id}_raw"]]
        elif pf.kind in ("text", "category"):
            cols[pf.id] = [text(v) for v in data[pf.id]]
    cols["completed"] = [float(v) for v in data["completed"]]
    for question, item in inst.closed_columns():
        cid = item.id if item else question.id
        options = question.scale.options
        numeric = all(o.code.replace(".", "", 1).lstrip("-").isdigit() for o in question.scale.valid_options)
        code = {o.code: float(DK_VALUE) if o.dk else (float(o.code) if numeric else float(n))
                for n, o in enumerate(options, start=1)}
        cols[cid] = [code.get(v, math.nan) if isinstance(v, str) else math.nan for v in data[cid]]
    for cid in inst.text_columns():
        cols[cid] = [text(v) for v in data[cid]]
    return pd.DataFrame({k: pd.Series(v, dtype=object if isinstance(v[0], str) else "float64") for k, v in cols.items()})


def _same(frame, expected):
    assert sorted(frame.columns) == sorted(expected.columns)
    for col in expected.columns:
        got, want = frame[col].tolist(), expected[col].tolist()
        if expected[col].dtype == object:
            assert frame[col].dtype == object, col
            assert got == want, col
        else:
            assert frame[col].dtype == "float64", col
            assert [("nan" if math.isnan(g) else g) for g in got] == [("nan" if math.isnan(w) else w) for w in want], col


def test_the_layout_of_the_sample_is_the_cell_by_cell_one(sample_responses):
    from surveykit.io.sav_writer import sav_layout

    frame, *_ = sav_layout(sample_responses)
    _same(frame, _cell_by_cell(sample_responses))


def test_awkward_cells_convert_as_each_would_on_its_own(sample_responses):
    """Missing values of every kind, numbers that compare equal (1, 1.0, True), formula-like text,
    codes the scale does not know: each converted as it would be alone."""
    import pandas as pd

    from surveykit.io.sav_writer import sav_layout

    data = sample_responses.data.copy()
    n = len(data)
    text_col = next(iter(sample_responses.instrument.text_columns()))
    closed_col = next(iter(c for c in data.columns if c.startswith("q45_")))
    awkward_text = ["=SUM(A1)", None, float("nan"), "+44 20", " plain ", "", "-", "@home", "\u00e9t\u00e9", "=SUM(A1)"]
    data[text_col] = pd.Series((awkward_text * (n // len(awkward_text) + 1))[:n], dtype=object)
    data["role"] = pd.Series(([1, 1.0, True, "1", None, float("nan"), 2.5, "x"] * n)[:n], dtype=object)
    awkward_codes = ["5", "1", None, float("nan"), "not a code", "99", "5", "3"]
    data[closed_col] = pd.Series((awkward_codes * n)[:n], dtype=object)
    responses = dataclasses.replace(sample_responses, data=data)
    frame, *_ = sav_layout(responses)
    expected = _cell_by_cell(responses)
    _same(frame, expected)
    assert frame["role"].tolist()[:4] == ["1", "1.0", "True", "1"]  # equal numbers, told apart
    assert frame[text_col].tolist()[:3] == ["'=SUM(A1)", "", ""]

    pd_na = data.copy()
    pd_na[text_col] = pd.Series([pd.NA, "a", None] + ["b"] * (n - 3), dtype=object)
    frame, *_ = sav_layout(dataclasses.replace(sample_responses, data=pd_na))
    assert frame[text_col].tolist()[:3] == [str(pd.NA), "a", ""]  # str() of it, as the cell on its own gives


def test_string_variables_are_nominal_and_numbers_ordinal(cli, tmp_path, sample_responses):
    import pyreadstat

    from surveykit.io.sav_writer import write_responses_sav

    out = tmp_path / "survey.sav"
    r = cli("export-sav", SAMPLE_SURVEY, "--out", out)
    assert r.returncode == 0, r.stderr
    _, meta = pyreadstat.read_sav(str(out), metadataonly=True)
    measure = meta.variable_measure
    types = meta.readstat_variable_types
    for name in ("respondent_id", "q7", "sector_raw", "role"):
        assert types[name] == "string" and measure[name] == "nominal", name
    for name in ("sector", "completed"):  # labelled numbers of unranked groups
        assert types[name] == "double" and measure[name] == "nominal", name
    assert {measure[c] for c, t in types.items() if t == "string"} == {"nominal"}
    # A closed question is measured as the instrument's scale is: effectiveness ordinal, yes/no nominal.
    inst = sample_responses.instrument
    closed = {(item.id if item else question.id): question.scale.kind for question, item in inst.closed_columns()}
    assert {closed["q45_cctv"], closed["q1"]} == {"ordinal", "nominal"}
    assert {name: measure[name] for name in closed} == closed
    # The library writes the same file.
    again = write_responses_sav(sample_responses, tmp_path / "library.sav")
    assert again.read_bytes() == out.read_bytes()


def test_a_file_with_the_same_bytes_is_replaced_and_nothing_is_left_beside_it(tmp_path, sample_responses):
    from surveykit.errors import UsageError
    from surveykit.io.owned_files import RECORD_NAME
    from surveykit.io.sav_writer import write_responses_sav

    out = write_responses_sav(sample_responses, tmp_path / "survey.sav")
    first = out.read_bytes()
    assert first[92:109] == b"01 Jan 1600:00:00"  # the fixed creation stamp
    (tmp_path / RECORD_NAME).unlink()  # no record: only the very same bytes may be replaced
    write_responses_sav(sample_responses, out)
    assert out.read_bytes() == first
    changed = dataclasses.replace(sample_responses, data=sample_responses.data.iloc[:10].reset_index(drop=True))
    (tmp_path / RECORD_NAME).unlink()
    with pytest.raises(UsageError, match="--force"):
        write_responses_sav(changed, out)
    assert out.read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["survey.sav"]  # no temporary file, no record
