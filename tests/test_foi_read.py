"""Reading FOI returns: CSV and XLSX layouts, waves, the side table, and bad input named precisely."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from foi_data import HAND_2016, HAND_2020, hand_files, write
from surveykit.errors import InputError, UsageError
from surveykit.foi import read_returns, validate_returns
from surveykit.foi.cells import APPROXIMATE, RANGE, SUPPRESSED


def _xlsx(path, sheets):
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def _rows(text):
    return [line.split(",") for line in text.strip().splitlines()]


def test_csv_wave_from_file_name_and_cells_keep_raw_text(tmp_path):
    r = read_returns(hand_files(tmp_path))
    assert r.waves == ("2016", "2020")
    assert r.asked("2016") == 7 and r.asked("2020") == 7
    a4 = next(x for x in r.in_wave("2020") if x.authority_id == "A4")
    cell = a4.cell("trafficked", "in_care")
    assert (cell.status, cell.value, cell.raw) == (APPROXIMATE, 30, "approx. 30")
    assert a4.region == "Wales"  # blank region in Wales: the nation stands in
    assert a4.headers[("trafficked", "in_care")] == "trafficked_in_care"
    a7 = next(x for x in r.in_wave("2020") if x.authority_id == "A7")
    assert a7.cell("trafficked", "in_care").status == RANGE
    assert r.cohorts == ("trafficked",)
    assert r.duration_bands("trafficked") == ("duration_under_24h", "duration_1_to_7_days", "duration_over_7_days")


def test_one_table_with_a_wave_column(tmp_path):
    head, *rows16 = _rows(HAND_2016)
    _, *rows20 = _rows(HAND_2020)
    width = len(_rows(HAND_2020)[0])
    text = "wave," + ",".join(_rows(HAND_2020)[0]) + "\n"
    text += "\n".join("2016," + ",".join(r + [""] * (width - len(r))) for r in rows16) + "\n"
    text += "\n".join("2020," + ",".join(r) for r in rows20) + "\n"
    path = write(tmp_path / "all_waves.csv", text)
    r = read_returns(path)
    split = read_returns(hand_files(tmp_path))
    assert r.waves == split.waves
    for w in r.waves:
        mine = {(x.authority_id, k): (c.status, c.value) for x in r.in_wave(w) for k, c in x.cells.items()
                if k[1] in ("in_care", "went_missing")}
        theirs = {(x.authority_id, k): (c.status, c.value) for x in split.in_wave(w) for k, c in x.cells.items()
                  if k[1] in ("in_care", "went_missing")}
        assert mine == theirs


def test_xlsx_sheet_per_wave_human_headers_title_rows_and_readme(tmp_path):
    header = ["Authority ID", "Authority", "Nation", "Region", "Trafficked - in care", "Trafficked: went missing",
              "UASC in care"]
    path = _xlsx(tmp_path / "returns.xlsx", [
        ("README", [["Returns collated by hand; see notes"]]),
        ("2016", [["FOI returns, Sept 2014 - Sept 2015"], [], header,
                  ["A1", "Alpha", "England", "London", 12, "nil", 300],
                  ["A2", "Beta", "Wales", None, "<5", "Not held", 4]]),
        ("2018", [header, ["A1", "Alpha", "England", "London", 15, 3, "approx 280"]]),
    ])
    r = read_returns(path)
    assert r.waves == ("2016", "2018")
    assert not [i for i in r.issues if i.severity != "warning"]
    assert not [i for i in r.issues if i.code == "sheet_skipped"]  # a README sheet is skipped quietly
    a1 = r.in_wave("2016")[0]
    assert a1.value("trafficked", "in_care") == 12 and a1.value("trafficked", "went_missing") == 0
    assert a1.value("unaccompanied", "in_care") == 300
    assert a1.row == 4  # the spreadsheet row, under two title rows
    assert r.in_wave("2016")[1].cell("trafficked", "in_care").status == SUPPRESSED
    assert r.in_wave("2018")[0].cell("unaccompanied", "in_care").value == 280


def test_nationality_side_table_by_name_or_id(tmp_path):
    files = hand_files(tmp_path)
    side = write(tmp_path / "nationality.csv",
                 "wave,authority,cohort,nationality,gender,count\n"
                 "2020,Alpha,trafficked,Vietnamese,M,2\n"
                 "2020,A2,Trafficked,Not known,F,1\n")
    r = read_returns(files + [side])
    assert [(b.authority_id, b.nationality, b.gender, b.cell.value) for b in r.breakdowns] == [
        ("A1", "Vietnamese", "male", 2), ("A2", "Not stated", "female", 1)]
    assert all(b.measure == "went_missing" for b in r.breakdowns)


def test_set_wave_names_a_table_that_does_not_say(tmp_path):
    path = write(tmp_path / "returns.csv", HAND_2020)
    with pytest.raises(InputError, match="which wave"):
        read_returns(path)
    assert read_returns(path, wave="2021").waves == ("2021",)


# -- bad input: one clear error naming the file, the authority and the column -----------------

def test_no_authority_column(tmp_path):
    path = write(tmp_path / "returns_2016.csv", "council_name,trafficked_in_care\nAlpha,3\n")
    with pytest.raises(InputError) as exc:
        read_returns(path)
    assert "no authority column" in str(exc.value) and "returns_2016.csv" in str(exc.value)


def test_no_authority_column_in_a_workbook(tmp_path):
    path = _xlsx(tmp_path / "returns.xlsx", [("2016", [["council area", "uasc in care"], ["Alpha", 3]])])
    with pytest.raises(InputError, match="no authority column"):
        read_returns(path)


def test_duplicated_authority_in_one_wave(tmp_path):
    path = write(tmp_path / "returns_2016.csv", HAND_2016 + "A2,Beta again,England,London,3,1\n")
    with pytest.raises(InputError) as exc:
        read_returns(path)
    text = str(exc.value)
    assert "returns_2016.csv" in text and "A2" in text and "authority_id" in text and "twice" in text


def test_duplicated_authority_across_files_of_one_wave(tmp_path):
    a = write(tmp_path / "a_2016.csv", HAND_2016)
    b = write(tmp_path / "b_2016.csv", HAND_2016)
    with pytest.raises(InputError, match="appears twice"):
        read_returns([a, b])


@pytest.mark.parametrize("bad,expect", [("-3", "negative"), ("see letter attached", "not a number"),
                                        ("2.5", "whole number")])
def test_a_bad_count_names_file_authority_and_column(tmp_path, bad, expect):
    text = HAND_2020.replace("A6,Zeta,England,North,<5,", f"A6,Zeta,England,North,{bad},")
    path = write(tmp_path / "returns_2020.csv", text)
    with pytest.raises(InputError) as exc:
        read_returns(path)
    message = str(exc.value)
    assert "returns_2020.csv" in message and "A6" in message and "'trafficked_in_care'" in message
    assert expect in message
    assert "see letter" not in message  # never the cell's own text
    assert "\n" not in message


def test_validate_lists_every_problem_instead_of_stopping(tmp_path):
    text = HAND_2020.replace("A6,Zeta,England,North,<5,", "A6,Zeta,England,North,-3,")
    text = text.replace("A7,Eta,England,North,10-15,2,4", "A7,Eta,England,North,10-15,2,lots")
    text += "A1,Alpha twin,England,London,1,1,1,,,,\n"
    text += "A8,Theta,England,London,2,3,1,5,,,\n"  # 3 of 2 went missing; 5 still missing of 3; 1 episode
    path = write(tmp_path / "returns_2020.csv", text)
    result = validate_returns(path)
    codes = sorted(i.code for i in result.issues)
    assert codes.count("negative_count") == 1 and codes.count("unreadable_cell") == 1
    assert "duplicate_authority" in codes
    assert {"missing_exceeds_in_care", "still_missing_exceeds_missing", "episodes_below_missing"} <= set(codes)
    frame = result.frame()
    bad = frame[frame["code"] == "unreadable_cell"].iloc[0]
    assert (bad["authority_id"], bad["column"], bad["row"]) == ("A7", "trafficked_episodes", 8)
    assert "raw" not in frame.columns and "lots" not in frame.to_csv()
    assert result.frame(raw=True).query("code == 'unreadable_cell'")["raw"].iloc[0] == "lots"
    assert result.n_problems == len([i for i in result.issues if i.severity != "warning"]) >= 6


def test_validate_on_a_file_without_authority_column_reports_it(tmp_path):
    path = write(tmp_path / "returns_2016.csv", "council_name,trafficked_in_care\nAlpha,3\n")
    result = validate_returns(path)
    assert [i.code for i in result.issues] == ["no_authority_column"]
    assert result.n_problems == 1


def test_unknown_wave_or_cohort_is_a_usage_error(tmp_path):
    from surveykit.foi import share_missing

    r = read_returns(hand_files(tmp_path))
    with pytest.raises(UsageError, match="wave must be one of '2016', '2020'; got '2019'"):
        share_missing(r, wave="2019")
    with pytest.raises(UsageError, match="cohort must be one of 'trafficked'; got 'adults'"):
        share_missing(r, cohort="adults")


def test_inputs_are_not_modified(tmp_path):
    files = hand_files(tmp_path)
    before = [(p.read_bytes(), p.stat().st_mtime_ns) for p in files]
    validate_returns(files)
    read_returns(files)
    assert [(p.read_bytes(), p.stat().st_mtime_ns) for p in files] == before
