"""A project that `code import` would refuse (more sources or bytes than its guards against zip bombs
allow) is still written by `code export`, with a note saying it will not read back, and what to do."""

from __future__ import annotations

import pytest

from conftest import SAMPLE_SURVEY


@pytest.fixture(scope="module")
def coded(tmp_path_factory):
    from conftest import run_cli

    out = tmp_path_factory.mktemp("coded") / "coded.csv"
    r = run_cli("code", SAMPLE_SURVEY, "--question", "q7", "--out", out)
    assert r.returncode == 0, r.stderr
    return out


def test_a_project_within_the_limits_reads_back_without_a_note(cli, tmp_path, coded):
    project = tmp_path / "p.qdpx"
    r = cli("code", "export", coded, "--to", "qdpx", "--survey", SAMPLE_SURVEY, "--out", project)
    assert r.returncode == 0, r.stderr
    assert "will not read this project back" not in r.stderr
    assert cli("code", "import", project, "--out", tmp_path / "back.csv").returncode == 0


@pytest.mark.parametrize("limit, what", [("MAX_MEMBERS", "sources (it reads at most"),
                                         ("MAX_XML_BYTES", "a project file of"),
                                         ("MAX_TOTAL_BYTES", "bytes in all")])
def test_a_project_beyond_a_limit_is_written_with_a_note(cli, tmp_path, coded, monkeypatch, limit, what):
    import surveykit.io.qdpx as qdpx

    monkeypatch.setattr(qdpx, limit, 50 if limit == "MAX_MEMBERS" else 60_000)
    project = tmp_path / "p.qdpx"
    r = cli("code", "export", coded, "--to", "qdpx", "--survey", SAMPLE_SURVEY, "--out", project)
    assert r.returncode == 0, r.stderr
    note = [line for line in r.stderr.splitlines() if "will not read this project back" in line]
    assert len(note) == 1 and what in note[0] and "a part at a time" in note[0]
    assert project.stat().st_size > 0
    back = cli("code", "import", project, "--out", tmp_path / "back.csv")
    assert back.returncode != 0 and not (tmp_path / "back.csv").exists()  # the note told the truth


def test_the_check_names_each_limit():
    from surveykit.io.qdpx import MAX_MEMBERS, MAX_SOURCE_BYTES, beyond_read_limits

    from surveykit.io.qdpx import MAX_XML_BYTES

    xml = len(b"<x/>")  # the size of the project XML (the export never holds it whole)
    assert beyond_read_limits(xml, {"a.txt": b"text"}) is None
    assert "sources" in beyond_read_limits(xml, {f"{i}.txt": b"" for i in range(MAX_MEMBERS)})
    assert "a source larger than" in beyond_read_limits(xml, {"a.txt": b"x" * (MAX_SOURCE_BYTES + 1)})
    assert "a project file of" in beyond_read_limits(MAX_XML_BYTES + 1, {"a.txt": b"text"})
