"""Output folders: surveykit replaces only what it wrote, never anyone else's files, and cleans up after
killed runs (issue 13, point 1).

The folder rules are checked on ``io.folder.owned_folder`` directly (fast), then through ``surveykit
report`` as a user runs it, including a run killed (SIGKILL) at 15 moments: the previous report must be
intact after every kill and no leftover may survive the next run.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE_SURVEY, run_cli
from surveykit.errors import UsageError
from surveykit.io import folder as fo
from surveykit.io.atomic import write_text
from surveykit.io.folder import marker_name, owned_folder


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _build(path: Path, files: dict[str, str], **kwargs) -> None:
    with owned_folder(path, kind="report", **kwargs) as tmp:
        for rel, text in files.items():
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp / rel).write_text(text)


def test_marker_lists_every_file_with_a_format_version(tmp_path):
    out = tmp_path / "rep"
    _build(out, {"report.md": "one", "tables/a.csv": "x,y\n"})
    doc = json.loads((out / marker_name("report")).read_text())
    assert doc["format"] == fo.FORMAT_VERSION and doc["kind"] == "report"
    assert doc["files"] == {"report.md": hashlib.sha256(b"one").hexdigest(),
                            "tables/a.csv": hashlib.sha256(b"x,y\n").hexdigest()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep"]


def test_rerun_replaces_ours_removes_stale_ours_and_keeps_everything_else(tmp_path):
    out = tmp_path / "rep"
    _build(out, {"report.md": "one", "tables/old.csv": "old\n", "tables/a.csv": "a\n"})
    (out / "notes.txt").write_text("my notes")
    (out / "raw").mkdir()
    (out / "raw" / "export copy.csv").write_bytes(b"respondent_id\n1\n")
    (out / "tables" / "my_sums.xlsx").write_bytes(b"mine")
    (out / "empty_dir_of_mine").mkdir()
    inode = (out / "notes.txt").stat().st_ino
    _build(out, {"report.md": "two", "tables/a.csv": "a2\n"})
    assert (out / "report.md").read_text() == "two"
    assert (out / "tables" / "a.csv").read_text() == "a2\n"
    assert not (out / "tables" / "old.csv").exists()  # ours, not written again: removed
    assert (out / "notes.txt").read_text() == "my notes"
    assert (out / "notes.txt").stat().st_ino == inode  # the same file, not a copy
    assert (out / "raw" / "export copy.csv").read_bytes() == b"respondent_id\n1\n"
    assert (out / "tables" / "my_sums.xlsx").read_bytes() == b"mine"
    assert (out / "empty_dir_of_mine").is_dir()
    listed = json.loads((out / marker_name("report")).read_text())["files"]
    assert sorted(listed) == ["report.md", "tables/a.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep"]


def test_folder_without_marker_is_refused_and_force_keeps_its_files(tmp_path):
    out = tmp_path / "theirs"
    out.mkdir()
    (out / "data.csv").write_text("precious")
    before = _snapshot(out)
    with pytest.raises(UsageError, match="not a surveykit report"):
        _build(out, {"report.md": "x"})
    assert _snapshot(out) == before
    _build(out, {"report.md": "x"}, force=True)
    assert (out / "data.csv").read_text() == "precious"
    assert (out / "report.md").read_text() == "x"
    # Now it is a report folder: a rerun needs no force, and still keeps data.csv.
    _build(out, {"report.md": "y"})
    assert (out / "data.csv").read_text() == "precious" and (out / "report.md").read_text() == "y"


def test_a_file_that_was_never_ours_is_not_replaced_even_with_force(tmp_path):
    out = tmp_path / "theirs"
    out.mkdir()
    (out / "manifest.json").write_text('{"tool": "another"}')
    before = _snapshot(out)
    for force, words in ((False, "not a surveykit report"), (True, "manifest.json is not surveykit's")):
        with pytest.raises(UsageError, match=words):
            _build(out, {"manifest.json": "{}", "report.md": "x"}, force=force)
        assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["theirs"]


def test_our_file_edited_since_is_refused_without_force(tmp_path):
    out = tmp_path / "rep"
    _build(out, {"report.md": "one", "old.md": "stale"})
    (out / "report.md").write_text("one, with my edits")
    (out / "old.md").write_text("stale, with my edits")
    before = _snapshot(out)
    with pytest.raises(UsageError, match="was changed after surveykit wrote it"):
        _build(out, {"report.md": "two"})
    assert _snapshot(out) == before
    _build(out, {"report.md": "two"}, force=True)
    assert (out / "report.md").read_text() == "two"
    assert (out / "old.md").read_text() == "stale, with my edits"  # edited, so no longer ours to remove


def test_older_report_with_a_matching_manifest_is_adopted(tmp_path):
    out = tmp_path / "rep"
    out.mkdir()
    (out / "report.md").write_text("old report")
    manifest = {"surveykit_version": "0.1.0",
                "files": {"report.md": hashlib.sha256(b"old report").hexdigest()}}
    (out / "manifest.json").write_text(json.dumps(manifest))
    (out / "notes.txt").write_text("notes")
    _build(out, {"report.md": "new", "manifest.json": "{}"}, legacy=fo.manifest_listed_files)
    assert (out / "report.md").read_text() == "new" and (out / "notes.txt").read_text() == "notes"
    # A manifest whose hashes do not match is not proof of anything: refused.
    other = tmp_path / "other"
    other.mkdir()
    (other / "report.md").write_text("edited")
    (other / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(UsageError, match="not a surveykit report"):
        _build(other, {"report.md": "new"}, legacy=fo.manifest_listed_files)


def test_a_file_in_place_of_the_folder_is_refused(tmp_path):
    out = tmp_path / "rep"
    out.write_text("not a folder")
    with pytest.raises(UsageError, match="exists and is not a folder"):
        _build(out, {"a": "b"}, force=True)
    assert out.read_text() == "not a folder"


def test_failure_keeps_the_previous_folder_and_leaves_nothing(tmp_path):
    out = tmp_path / "rep"
    _build(out, {"report.md": "one"})
    (out / "notes.txt").write_text("n")
    before = _snapshot(out)
    with pytest.raises(RuntimeError):
        with owned_folder(out, kind="report") as tmp:
            (tmp / "report.md").write_text("two")
            raise RuntimeError("a step failed")
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep"]


def test_without_atomic_exchange_the_two_step_swap_works(tmp_path, monkeypatch):
    monkeypatch.setattr(fo, "_exchange", lambda a, b: False)
    out = tmp_path / "rep"
    _build(out, {"report.md": "one"})
    (out / "notes.txt").write_text("n")
    _build(out, {"report.md": "two"})
    assert (out / "report.md").read_text() == "two" and (out / "notes.txt").read_text() == "n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep"]


LISTED = json.dumps({"files": {"report.md": "x"}})


def test_leftovers_of_killed_runs_are_removed_or_restored_and_nothing_else(tmp_path):
    dead, live = _dead_pid(), os.getpid()
    out = tmp_path / "rep"
    _build(out, {"report.md": "current"})
    debris = {
        f".rep.{dead}-abcd1234.tmp": {fo.SENTINEL: "{}", "report.md": "half"},  # a build killed half-way
        # the old folder, exchanged; and the new one, not yet in place (each with its marker)
        f".rep.old-{dead}-abcd1234": {fo.ASIDE: "{}", "report.md": "previous", marker_name("report"): LISTED},
        f".rep.old-{dead}-abcd5678": {fo.SENTINEL: "{}", "report.md": "new", marker_name("report"): LISTED},
        f".rep.{dead}-zzzz0000.tmp": {},  # killed between mkdtemp and the sentinel
    }
    keep = {
        f".rep.{live}-abcd1234.tmp": {fo.SENTINEL: "{}"},  # a run still going
        f".rep.{dead}-abcd9999.tmp": {"thesis.docx": "not ours"},  # our name pattern but no sentinel
        f".other.{dead}-abcd1234.tmp": {fo.SENTINEL: "{}"},  # another folder's
        f".rep.old-{live}-abcd1234": {"report.md": "x"},
        "rep.old": {"a": "b"},
        # A user's folders whose names happen to fit surveykit's patterns, without its sentinels.
        f".rep.old-{dead}-snapshot": {"precious.txt": "mine"},
        f".rep.prev-{dead}-backup01": {"precious.txt": "mine"},
        f".rep.old-{dead}": {"precious.txt": "mine"},
        ".rep.oldcopy1.tmp": {"report.md": "mine", ".hidden": "mine"},
    }
    for name, files in {**debris, **keep}.items():
        d = tmp_path / name
        d.mkdir()
        for rel, text in files.items():
            (d / rel).write_text(text)
    os.utime(tmp_path / ".rep.oldcopy1.tmp", (0, 0))  # as old as an older version's leftovers
    (out / fo.SENTINEL).write_text("{}")  # a sentinel that reached the live folder
    _build(out, {"report.md": "next"}, legacy_names=frozenset({"report.md"}))
    names = {p.name for p in tmp_path.iterdir()}
    assert not names & set(debris), names & set(debris)
    assert set(keep) <= names
    assert not (out / fo.SENTINEL).exists()
    # A previous folder moved aside by a run killed before the new one moved in is put back.
    lost = tmp_path / "lost"
    _build(lost, {"report.md": "previous"})
    (lost / "notes.txt").write_text("notes")
    aside = tmp_path / f".lost.prev-{dead}-abcd1234"
    (lost / fo.ASIDE).write_text("{}")  # written just before a run moves the folder aside
    lost.rename(aside)
    fo.check_output_folder(lost, kind="report")
    assert (lost / "notes.txt").read_text() == "notes" and not aside.exists()
    assert (lost / "report.md").read_text() == "previous" and not (lost / fo.ASIDE).exists()
    # A run killed just after claiming the previous report (before swapping it out) leaves the claim in
    # the live folder: the next run removes it, the report untouched; a live run's claim stays.
    (lost / fo.ASIDE).write_text(json.dumps({"pid": dead}))
    fo.check_output_folder(lost, kind="report")
    assert not (lost / fo.ASIDE).exists() and (lost / "report.md").read_text() == "previous"
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (lost / fo.ASIDE).write_text(json.dumps({"pid": running.pid}))
        fo.check_output_folder(lost, kind="report")
        assert (lost / fo.ASIDE).exists()
    finally:
        running.kill()
        running.wait()
    (lost / fo.ASIDE).unlink()
    # Without the sentinel, a folder of that name is the user's: neither moved nor deleted.
    mine = tmp_path / f".gone.prev-{dead}-abcd1234"
    mine.mkdir()
    (mine / "precious.txt").write_text("mine")
    fo.check_output_folder(tmp_path / "gone", kind="report")
    assert (mine / "precious.txt").read_text() == "mine" and not (tmp_path / "gone").exists()


def test_temporary_files_of_killed_writes_are_removed_by_the_next_write(tmp_path):
    dead, live = _dead_pid(), os.getpid()
    target = tmp_path / "coded.csv"
    (tmp_path / f".coded.csv.{dead}-abcd1234.tmp").write_text("half")
    (tmp_path / f".coded.csv.{live}-abcd1234.tmp").write_text("in progress")
    (tmp_path / f".other.csv.{dead}-abcd1234.tmp").write_text("someone else's")
    old = tmp_path / ".coded.csv.abcd1234.tmp"  # no process id in the name: not provably surveykit's
    old.write_text("mine")
    os.utime(old, (0, 0))
    write_text(target, "a,b\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["coded.csv", f".coded.csv.{live}-abcd1234.tmp", f".other.csv.{dead}-abcd1234.tmp", old.name])


def test_writing_a_file_onto_a_folder_is_one_clear_error(tmp_path):
    with pytest.raises(UsageError, match="it is a folder"):
        write_text(tmp_path, "x")


def test_model_folder_of_code_train_refuses_someone_elses_folder(tmp_path):
    from surveykit.errors import InputError
    from surveykit.io.model_files import MODEL_FORMAT_MARK, write_model_dir

    model_json = "{" + MODEL_FORMAT_MARK + ', "codes": []}'
    docs = tmp_path / "Documents"
    docs.mkdir()
    (docs / "thesis.docx").write_bytes(b"years of work")
    with pytest.raises(InputError, match="not a model folder written by surveykit"):
        write_model_dir(docs, {"model.json": model_json, "metrics.csv": "code_id\n"})
    assert sorted(p.name for p in docs.iterdir()) == ["thesis.docx"]
    model = tmp_path / "model"
    write_model_dir(model, {"model.json": model_json, "metrics.csv": "code_id\n"})
    write_model_dir(model, {"model.json": model_json, "metrics.csv": "code_id,f1\n"})
    assert (model / "metrics.csv").read_text() == "code_id,f1\n"
    (model / "README.txt").write_text("my notes on this model")
    with pytest.raises(InputError, match="not a model folder written by surveykit"):
        write_model_dir(model, {"model.json": model_json, "metrics.csv": "code_id\n"})
    assert (model / "README.txt").read_text() == "my notes on this model"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Documents", "model"]


# -- through the command line --------------------------------------------------------------------------

def test_report_refuses_another_tools_folder_before_any_work(tmp_path):
    other = tmp_path / "other_tool"
    other.mkdir()
    (other / "manifest.json").write_text('{"tool": "something else"}')
    (other / "notes.md").write_text("notes")
    before = _snapshot(other)
    for extra in ([], ["--force"]):
        started = time.perf_counter()
        result = run_cli("report", "--out", other, *extra)
        assert result.returncode == 2, result.stderr
        lines = [l for l in result.stderr.splitlines() if l.strip()]
        assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
        assert ("not a surveykit report" in lines[0]) if not extra else ("manifest.json is not surveykit's" in lines[0])
        assert _snapshot(other) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other_tool"]
    assert time.perf_counter() - started < 60  # refused before the analysis, not after


def _consistent(out: Path) -> dict[str, bytes]:
    """The report folder's files, after checking they are exactly what its marker lists (plus ours)."""
    listed = json.loads((out / marker_name("report")).read_text())["files"]
    snap = _snapshot(out)
    for rel, digest in listed.items():
        assert rel in snap, f"{rel} listed in the marker is missing"
        if digest is not None:
            assert hashlib.sha256(snap[rel]).hexdigest() == digest, f"{rel} does not match the marker"
    return snap


@pytest.mark.slow
def test_report_killed_at_15_moments_keeps_the_previous_report_and_leaves_no_debris(tmp_path):
    """SIGKILL `surveykit report` at 15 moments (3 before it writes, 12 spread over the writing); after
    each kill the folder is the whole previous report or the whole new one, the user's files untouched;
    the next complete run leaves no leftover anywhere.

    The previous report and the two runs killed at start are new interpreters (``python -m surveykit``);
    the 13 runs killed while writing and the final complete run are forked from one ``python -m
    surveykit report`` with the same options that ran up to its ``Report.write`` (tests/report_zygote.py):
    real processes, each writing the report and killed the same way, without 14 more imports and
    analyses (which write nothing; the kills at start and the previous report cover that part of a run)."""
    from report_zygote import Zygote

    sample = tmp_path / "in"
    run = run_cli("sample", "--out", sample, "--respondents", "60")
    assert run.returncode == 0, run.stderr
    parent = tmp_path / "reports"
    parent.mkdir()
    out = parent / "study"
    out.mkdir()
    (out / "notes.txt").write_text("notes kept beside the report")
    args = [sys.executable, "-m", "surveykit", "report", "--survey", str(sample / "professional_survey.csv"),
            "--rankings", str(sample / "youth_ranking.csv"), "--out", str(out)]
    env = {**os.environ, "MPLBACKEND": "Agg"}
    zygote = Zygote(env=env, stderr=tmp_path / "zygote.stderr")  # imports while the previous report is written

    def start(*extra: str) -> subprocess.Popen:
        return subprocess.Popen([*args, *extra], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)

    def start_forked():
        return zygote.start(stderr=tmp_path / "killed.stderr")

    def staging(folder: Path = parent) -> bool:
        return any(n.startswith(".study.") for n in os.listdir(folder))

    # The previous report: written with --force into a folder that already held the user's notes.
    proc = start("--force")
    assert proc.wait() == 0, proc.stderr.read().decode()
    previous = _consistent(out)
    assert previous["notes.txt"] == b"notes kept beside the report"
    (out / "raw").mkdir()
    (out / "raw" / "export copy.csv").write_bytes((sample / "professional_survey.csv").read_bytes())
    previous = _snapshot(out)

    outcomes = []
    with zygote:
        # --threshold 6: a different report, so old and new can be told apart
        zygote.prepare([*args[3:], "--threshold", "6"], cwd=ROOT)
        # How long a child takes to write, timed on one that writes the same report elsewhere.
        timing = tmp_path / "timing"
        timing.mkdir()
        proc = zygote.start(stderr=tmp_path / "timing.stderr", out=timing / "study")
        seen = None
        t0 = time.perf_counter()
        while proc.poll() is None:
            if seen is None and staging(timing):
                seen = time.perf_counter()
            time.sleep(0.01)
        assert proc.returncode == 0, (tmp_path / "timing.stderr").read_text()
        writing = max(time.perf_counter() - (seen or t0), 0.5)
        moments = [("start", 0.3), ("start", 1.5), ("writing", 0.0)] + \
                  [("writing", writing * k / 11) for k in range(1, 12)] + [("writing", writing * 1.05)]
        assert len(moments) == 15
        for where, delay in moments:
            proc = start("--threshold", "6") if where == "start" else start_forked()
            t0 = time.perf_counter()
            if where == "writing":
                while proc.poll() is None and not staging():
                    time.sleep(0.005)
            time.sleep(delay)
            finished = proc.poll() is not None
            if not finished:
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            snap = _consistent(out)
            if fo.ASIDE in snap:
                # Killed between claiming the previous report (the sentinel that lets the next run prove
                # the folder moved aside is surveykit's) and swapping it out: a hidden file of a dead
                # run, removed by the next run (checked after the final run below); nothing else moved.
                assert not fo._pid_alive_in(out / fo.ASIDE)
                del snap[fo.ASIDE]
            assert snap["notes.txt"] == previous["notes.txt"]
            assert snap["raw/export copy.csv"] == previous["raw/export copy.csv"]
            if snap == previous:
                outcomes.append("previous")
            else:
                # The whole new report: every file of the marker, nothing of the previous one half-replaced.
                listed = json.loads((out / marker_name("report")).read_text())["files"]
                assert set(snap) == set(listed) | {marker_name("report"), "notes.txt", "raw/export copy.csv"}
                outcomes.append("new")
                previous = snap
            outcomes[-1] += " (finished)" if finished else ""
        assert sum(1 for o in outcomes if o.startswith("previous")) >= 3, outcomes

        # The next complete run (the same report, forked like the killed ones: the writing is what
        # meets their debris) succeeds and leaves nothing behind.
        final_stderr = tmp_path / "final.stderr"
        proc = zygote.start(stderr=final_stderr)
        assert proc.wait() == 0, final_stderr.read_text(errors="replace")
        assert "wrote" in final_stderr.read_text(errors="replace")
    assert sorted(os.listdir(parent)) == ["study"], sorted(os.listdir(parent))
    leftovers = [p for p in out.rglob("*") if p.name.endswith(".tmp") or p.name in (fo.SENTINEL, fo.ASIDE)]
    assert not leftovers, leftovers
    final = _consistent(out)
    assert final["notes.txt"] == b"notes kept beside the report"


def test_dot_names_the_current_folder(tmp_path, monkeypatch):
    """--out . : the build sits beside the folder, not inside it, and nothing is left behind."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "notes.txt").write_text("mine")
    monkeypatch.chdir(work)
    with pytest.raises(UsageError):
        _build(Path("."), {"report.md": "one"})
    _build(Path("."), {"report.md": "one"}, force=True)
    assert (work / "notes.txt").read_text() == "mine" and (work / "report.md").read_text() == "one"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work"]


def test_export_sav_builds_beside_its_output(tmp_path, monkeypatch):
    import tempfile

    from surveykit.io.sav_writer import write_responses_sav
    from surveykit.pipeline import load_responses

    seen = []
    real = tempfile.mkstemp

    def spy(*args, **kwargs):
        fd, name = real(*args, **kwargs)
        seen.append(Path(name))
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", spy)
    out = tmp_path / "out" / "survey.sav"
    write_responses_sav(load_responses(SAMPLE_SURVEY), out)
    assert seen and all(p.parent == out.parent and fo.temp_file_pattern(out.name).match(p.name) for p in seen[:1])
    assert sorted(p.name for p in out.parent.iterdir()) == [".surveykit-files.json", "survey.sav"]


def test_a_file_added_during_a_killed_swap_is_moved_across_not_deleted(tmp_path):
    """Killed after the new folder moved in but before the user's new files were moved across: the
    next run moves them, and removes the old folder only then."""
    dead = _dead_pid()
    out = tmp_path / "rep"
    _build(out, {"report.md": "new"})
    (out / "notes.txt").write_text("notes")
    old = tmp_path / f".rep.old-{dead}-abcd1234"
    old.mkdir()
    (old / fo.ASIDE).write_text("{}")
    (old / "report.md").write_text("previous")
    (old / marker_name("report")).write_text(json.dumps({"files": {"report.md": "x"}}))
    os.link(out / "notes.txt", old / "notes.txt")  # linked into the new folder by the run
    (old / "added while writing.txt").write_text("mine")
    fo.check_output_folder(out, kind="report")
    assert (out / "added while writing.txt").read_text() == "mine" and not old.exists()
    # A file the new folder holds differently keeps the old folder in place.
    old.mkdir()
    (old / fo.ASIDE).write_text("{}")
    (old / "notes.txt").write_text("an older version of the notes")
    fo.check_output_folder(out, kind="report")
    assert (old / "notes.txt").read_text() == "an older version of the notes"
    assert (out / "notes.txt").read_text() == "notes"


def test_a_removal_cut_short_is_finished_by_the_next_run(tmp_path):
    """A kill while the old folder was being removed: its marker may be gone, its sentinel is not
    (removed last), and the files left are older versions of surveykit's own: the next run removes it."""
    dead = _dead_pid()
    out = tmp_path / "rep"
    _build(out, {"report.md": "new", "tables/t.csv": "a"})
    old = tmp_path / f".rep.old-{dead}-abcd1234"
    (old / "tables").mkdir(parents=True)
    (old / fo.ASIDE).write_text("{}")
    (old / "tables" / "t.csv").write_text("older")  # the marker went first
    fo.check_output_folder(out, kind="report")
    assert not old.exists() and (out / "tables" / "t.csv").read_text() == "a"
    calls = []
    real = os.unlink

    def cut(path, *args, **kwargs):  # the removal order: the sentinel after everything else
        calls.append(os.path.basename(path))
        return real(path, *args, **kwargs)

    old.mkdir()
    (old / fo.ASIDE).write_text("{}")
    (old / "report.md").write_text("older")
    (old / "zz.txt").write_text("older")
    from unittest import mock

    with mock.patch("os.unlink", cut):
        fo._remove_claimed(old)
    assert not old.exists() and calls.index(fo.ASIDE) > max(calls.index("report.md"), calls.index("zz.txt"))


def test_a_failure_after_the_build_moved_keeps_its_own_error(tmp_path, monkeypatch):
    """The exchange fails after the build was renamed: the error the user sees is the write's own,
    not a second one from removing a build that is no longer there."""
    out = tmp_path / "rep"
    _build(out, {"report.md": "one"})

    def broken(a, b):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fo, "_exchange", broken)
    with pytest.raises(UsageError, match="cannot write the output folder"):
        _build(out, {"report.md": "two"})
    assert (out / "report.md").read_text() == "one" and not (out / fo.ASIDE).exists()
