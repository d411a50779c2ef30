"""Atomic writes: whole files or nothing, ordinary permissions, folders replaced whole."""

from __future__ import annotations

import os
import stat

import pytest

from surveykit.io.atomic import atomic_dir, write_bytes, write_text


def test_write_text_replaces_whole_and_leaves_no_temp(tmp_path):
    target = tmp_path / "out" / "table.csv"
    write_text(target, "a,b\n1,2\n")
    write_text(target, "a,b\n3,4\n")
    assert target.read_text() == "a,b\n3,4\n"
    assert [p.name for p in target.parent.iterdir()] == ["table.csv"]


def test_files_get_ordinary_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        path = write_bytes(tmp_path / "x.bin", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_failed_folder_build_keeps_the_previous_folder(tmp_path):
    target = tmp_path / "report"
    with atomic_dir(target) as tmp:
        (tmp / "a.txt").write_text("first")
    with pytest.raises(RuntimeError):
        with atomic_dir(target) as tmp:
            (tmp / "a.txt").write_text("second")
            raise RuntimeError("a step failed")
    assert (target / "a.txt").read_text() == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]
