"""A command reads a large export while it imports pandas (``io/files.read_ahead``): the bytes it then
works on must be the file's bytes when ``read_input`` is called, exactly as if it had read them then.

The threshold (``READ_AHEAD_BYTES``, 8 MB) is lowered here so that small files are read ahead.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from surveykit.errors import InputError
from surveykit.io import files
from tests.conftest import ROOT, run_cli

SAMPLE = ROOT / "responses" / "sample" / "professional_survey.csv"


@pytest.fixture(autouse=True)
def _read_small_files_ahead(monkeypatch):
    monkeypatch.setattr(files, "READ_AHEAD_BYTES", 1)
    yield
    files.forget_read_ahead()


def _finished(path: Path) -> None:
    """Wait until the read ahead of ``path`` is done (it may have kept nothing)."""
    entry = files._ahead.get(os.path.abspath(path))
    assert entry is not None, "nothing was read ahead"
    entry[0].join()


def test_bytes_read_ahead_are_the_files_and_their_digest_is_theirs(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(SAMPLE.read_bytes())
    files.read_ahead(path)
    _finished(path)
    data, digest = files.read_input_hashed(path)
    assert data == SAMPLE.read_bytes()
    assert digest == hashlib.sha256(data).hexdigest()
    assert not files._ahead  # taken once: a second read goes to the file
    assert files.read_input_hashed(path) == (data, None)


@pytest.mark.parametrize("change", ["rewritten longer", "same size, new time", "replaced by another file"])
def test_a_file_changed_after_it_was_read_ahead_is_read_again(tmp_path, change):
    path = tmp_path / "export.csv"
    path.write_bytes(b"respondent_id,sector\nR1,Police\n")
    files.read_ahead(path)
    _finished(path)
    if change == "rewritten longer":
        path.write_bytes(b"respondent_id,sector\nR1,Police\nR2,Health\n")
    elif change == "same size, new time":
        before = path.stat()
        path.write_bytes(b"respondent_id,sector\nR1,Health\n")
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    else:
        other = tmp_path / "other.csv"
        other.write_bytes(b"respondent_id,sector\nR9,Health\n")
        os.replace(other, path)
    assert files.read_input_hashed(path) == (path.read_bytes(), None)


def test_nothing_is_read_ahead_from_a_folder_a_pipe_a_missing_file_or_a_workbook(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    workbook = tmp_path / "export.xlsx"
    workbook.write_bytes(b"PK\x03\x04 not really")
    for path in (tmp_path, fifo, tmp_path / "missing.csv", workbook, None):
        files.read_ahead(path)
    assert not files._ahead
    with pytest.raises(InputError, match="named pipe"):
        files.read_input(fifo)  # refused, not read (reading it would wait for a writer for ever)


def test_the_command_takes_what_was_read_ahead_and_reports_the_same(tmp_path, monkeypatch):
    """``surveykit validate`` on a file read ahead: the read-ahead bytes are what it reads, and what it
    reports is what it reports when nothing is read ahead."""
    path = tmp_path / "export.csv"
    path.write_bytes(SAMPLE.read_bytes())
    taken: list = []
    original = files._take_read_ahead

    def spy(p, max_bytes):
        got = original(p, max_bytes)
        taken.append((Path(p).name, got is not None))
        return got

    monkeypatch.setattr(files, "_take_read_ahead", spy)
    ahead = run_cli("validate", path, "--format", "json")
    assert [took for name, took in taken if name == path.name] == [True]  # the instrument is not read ahead
    taken.clear()
    monkeypatch.setattr(files, "READ_AHEAD_BYTES", 10 ** 12)
    read_then = run_cli("validate", path, "--format", "json")
    assert [took for name, took in taken if name == path.name] == [False]
    assert ahead.returncode == read_then.returncode == 0, ahead.stderr
    assert json.loads(ahead.stdout) == json.loads(read_then.stdout)
    assert not files._ahead


def test_a_command_that_ends_before_it_reads_lets_go_of_the_file(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(SAMPLE.read_bytes())
    result = run_cli("validate", path, "--instrument", tmp_path / "missing.yaml")
    assert result.returncode == 2, result.stderr
    assert not files._ahead
