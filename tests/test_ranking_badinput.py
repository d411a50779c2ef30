"""Broken youth rankings files: one clear error naming the group and the measure, exit 2, nothing written."""

from __future__ import annotations

import pytest

from conftest import SAMPLE_RANKINGS, SAMPLE_SURVEY
from surveykit.errors import InputError
from surveykit.ranking import read_rankings

GOOD = SAMPLE_RANKINGS.read_text(encoding="utf-8")


def _edit(find: str, replace: str) -> str:
    assert find in GOOD, find
    return GOOD.replace(find, replace, 1)


def _drop(line_start: str) -> str:
    lines = GOOD.splitlines(keepends=True)
    hit = [i for i, line in enumerate(lines) if line.startswith(line_start)]
    assert hit, line_start
    del lines[hit[0]]
    return "".join(lines)


def _first(prefix: str) -> str:
    return next(line for line in GOOD.splitlines() if line.startswith(prefix))


def _case_unknown_measure():
    line = _first("1,A,")
    return _edit(line, line.replace(line.split(",")[3], "curfew")), ["'A'", "'curfew'", "not in the measures codebook"]


def _case_twice():
    first, second = [line for line in GOOD.splitlines() if line.startswith("1,A,")][:2]
    measure = first.split(",")[3]
    return _edit(second, second.replace(second.split(",")[3], measure)), ["'A'", repr(measure), "twice"]


def _case_missing():
    line = [x for x in GOOD.splitlines() if x.startswith("2,A,")][5]
    return _drop(line), ["'A'", "workshop '2'", line.split(",")[3], "missing measure"]


def _case_rank_gap():
    line = next(x for x in GOOD.splitlines() if x.startswith("1,A,") and x.endswith(",effective,2"))
    return _edit(line, line[: -len("2")] + "9"), ["'A'", line.split(",")[3], "rank 9", "1.."]


def _case_rank_repeat():
    line = next(x for x in GOOD.splitlines() if x.startswith("1,B,") and x.endswith(",effective,2"))
    return _edit(line, line[: -len("2")] + "1"), ["'B'", "effective pile", "no gaps or repeats"]


def _case_verdict():
    line = _first("1,A,")
    return _edit(line, line.replace(",effective,", ",maybe,")), ["'A'", line.split(",")[3], "verdict", "not_effective"]


CASES = {"unknown_measure": _case_unknown_measure, "twice": _case_twice, "missing": _case_missing,
         "rank_gap": _case_rank_gap, "rank_repeat": _case_rank_repeat, "verdict": _case_verdict}


@pytest.mark.parametrize("case", sorted(CASES))
def test_library_refuses_with_group_and_measure(case, tmp_path):
    text, needles = CASES[case]()
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_rankings(path)
    message = str(info.value)
    for needle in needles:
        assert needle in message, (needle, message)


@pytest.mark.parametrize("case", ["unknown_measure", "missing", "rank_gap", "verdict", "twice"])
def test_cli_rank_exit_2_one_line(case, tmp_path, cli):
    text, needles = CASES[case]()
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    result = cli("rank", path, "--format", "csv")
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_cli_voices_bad_rankings_writes_no_chart(tmp_path, cli):
    text, needles = _case_verdict()
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "charts"
    result = cli("voices", SAMPLE_SURVEY, path, "--chart-out", out)
    assert result.returncode == 2 and "verdict" in result.stderr and result.stdout == ""
    assert not out.exists()


def test_cli_bad_options(tmp_path, cli):
    result = cli("rank", SAMPLE_RANKINGS, "--model", "bradley-terry")
    assert result.returncode == 2
    assert "--model must be one of 'none', 'plackett-luce'; got 'bradley-terry'" in result.stderr
    result = cli("rank", tmp_path / "absent.csv")
    assert result.returncode == 2 and "file not found" in result.stderr


def test_missing_column_and_bad_group_size(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(GOOD.replace("rank_in_verdict", "rank", 1), encoding="utf-8")
    with pytest.raises(InputError, match="lacks column"):
        read_rankings(path)
    line = _first("1,A,")
    path.write_text(_edit(line, line.replace("1,A,2,", "1,A,two,", 1)), encoding="utf-8")
    with pytest.raises(InputError, match="group_size must be a whole number"):
        read_rankings(path)
    path.write_text(_edit(line, line.replace("1,A,2,", "1,A,3,", 1)), encoding="utf-8")
    with pytest.raises(InputError, match="differs from the group's earlier rows"):
        read_rankings(path)


def test_cli_voices_bad_by_is_refused_before_reading(cli, tmp_path):
    result = cli("voices", tmp_path / "absent.csv", SAMPLE_RANKINGS, "--by", "department")
    assert result.returncode == 2
    assert "--by must be one of 'sector', 'region', 'completed'" in result.stderr and "got 'department'" in result.stderr
