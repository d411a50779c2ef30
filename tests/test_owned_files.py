"""Output files a user names: surveykit replaces only files it wrote and nobody changed since
(``io.owned_files``). A file of the user's at that name, or one they edited after surveykit wrote it
(a coded file after review, a mapping or an instrument draft after editing, disagreements after
adjudication), is refused with one line naming --force, and is left byte for byte as it was."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from conftest import CODEBOOKS, SAMPLE_RANKINGS, SAMPLE_SURVEY
from surveykit.errors import UsageError
from surveykit.io.owned_files import RECORD_NAME, check_output_file, write_owned_files, write_owned_text

SENTINEL = b"my own work, typed by hand: R0001 said the placement felt unsafe\n"


def _record(folder: Path) -> dict:
    return json.loads((folder / RECORD_NAME).read_text(encoding="utf-8"))["files"]


# -- the library ----------------------------------------------------------------------------------

def test_new_file_is_written_and_recorded(tmp_path):
    out = tmp_path / "coded.csv"
    write_owned_text(out, "a,b\n1,2\n")
    assert out.read_bytes() == b"a,b\n1,2\n"
    assert _record(tmp_path) == {"coded.csv": hashlib.sha256(b"a,b\n1,2\n").hexdigest()}
    write_owned_text(out, "a,b\n3,4\n")  # surveykit's own, unchanged: replaced
    assert out.read_bytes() == b"a,b\n3,4\n"
    assert _record(tmp_path)["coded.csv"] == hashlib.sha256(b"a,b\n3,4\n").hexdigest()


def test_a_file_surveykit_did_not_write_is_refused(tmp_path):
    out = tmp_path / "mine.csv"
    out.write_bytes(SENTINEL)
    with pytest.raises(UsageError) as err:
        write_owned_text(out, "a,b\n", option="--out")
    text = str(err.value)
    assert "--out" in text and "--force" in text and "already exists" in text
    assert "placement" not in text  # nothing of the file's content in the message
    assert out.read_bytes() == SENTINEL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.csv"]  # no record, no temporary file
    write_owned_text(out, "a,b\n", force=True)
    assert out.read_bytes() == b"a,b\n"
    assert RECORD_NAME in {p.name for p in tmp_path.iterdir()}


def test_an_edited_file_is_refused(tmp_path):
    out = tmp_path / "mapping.yaml"
    write_owned_text(out, "columns: []\n")
    with out.open("ab") as fh:
        fh.write(b"# my edit\n")
    edited = out.read_bytes()
    with pytest.raises(UsageError):
        write_owned_text(out, "columns: []\n", option="--write-mapping")
    assert out.read_bytes() == edited


def test_the_same_bytes_may_be_replaced_unrecorded(tmp_path):
    # Nothing is lost when the file already holds exactly what would be written.
    out = tmp_path / "sample.csv"
    out.write_bytes(b"x\n")
    write_owned_text(out, "x\n")
    assert out.read_bytes() == b"x\n" and "sample.csv" in _record(tmp_path)
    other = tmp_path / "other.csv"
    other.write_bytes(b"z\n")
    with pytest.raises(UsageError):  # different bytes, unrecorded: refused
        write_owned_text(other, "y\n")
    assert other.read_bytes() == b"z\n"


def test_a_record_that_is_not_ours_is_left_alone(tmp_path):
    (tmp_path / RECORD_NAME).write_bytes(b"{not json")
    out = tmp_path / "coded.csv"
    write_owned_text(out, "a\n")  # a new file is written ...
    assert (tmp_path / RECORD_NAME).read_bytes() == b"{not json"  # ... the foreign record untouched
    with pytest.raises(UsageError):  # and, unrecorded, the file is not replaced unasked
        write_owned_text(out, "b\n")
    with pytest.raises(UsageError, match="record"):
        check_output_file(tmp_path / RECORD_NAME, force=True)


def test_a_symlink_or_a_folder_is_refused(tmp_path):
    target = tmp_path / "elsewhere.csv"
    target.write_bytes(SENTINEL)
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    with pytest.raises(UsageError):
        write_owned_text(link, "a\n")
    assert target.read_bytes() == SENTINEL
    (tmp_path / "d").mkdir()
    with pytest.raises(UsageError, match="folder"):
        check_output_file(tmp_path / "d", force=True)


def test_several_files_are_all_checked_before_any_is_written(tmp_path):
    (tmp_path / "b.csv").write_bytes(SENTINEL)
    with pytest.raises(UsageError):
        write_owned_files([(tmp_path / "a.csv", b"1\n"), (tmp_path / "b.csv", b"2\n")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.csv"]


def test_a_reviewed_coded_file_is_the_users(tmp_path):
    import pandas as pd

    from surveykit.io.coded_write import save_reviewed, write_coded

    frame = pd.DataFrame({"respondent_id": ["R1"], "question_id": ["q7"], "code_id": ["isolation"],
                          "coder": ["rules"]})
    out = tmp_path / "coded.csv"
    write_coded(out, frame)
    write_coded(out, frame)  # a rerun over its own output
    reviewed = frame.assign(code_id="lack_of_trust", coder="ann")
    save_reviewed(out, reviewed)
    kept = out.read_bytes()
    with pytest.raises(UsageError):
        write_coded(out, frame)
    assert out.read_bytes() == kept


# -- every command that writes a file the user names ----------------------------------------------

def _coded_pair(d: Path) -> None:
    rows = "respondent_id,question_id,code_id,coder\nR1,q7,isolation,{c}\nR2,q7,lack_of_trust,{c}\nR3,q7,,{c}\n"
    (d / "a.csv").write_text(rows.format(c="ann"), encoding="utf-8")
    (d / "b.csv").write_text(rows.format(c="bob").replace("R2,q7,lack_of_trust", "R2,q7,isolation"), encoding="utf-8")


def _qdpx(d: Path, cli) -> None:
    r = cli("code", SAMPLE_SURVEY, "--question", "q7", "--out", d / "coded.csv")
    assert r.returncode == 0, r.stderr
    r = cli("code", "export", d / "coded.csv", "--to", "qdpx", "--out", d / "p.qdpx", "--survey", SAMPLE_SURVEY)
    assert r.returncode == 0, r.stderr


def _qdc(d: Path, cli) -> None:
    r = cli("codebook", "export", CODEBOOKS / "missing_reasons.yaml", "--to", "qdc", "--out", d / "c.qdc")
    assert r.returncode == 0, r.stderr


CASES = {
    "code": (("code", SAMPLE_SURVEY, "--question", "q7", "--out", "{out}"), "coded.csv", None),
    "code-text-column": (("code", "{d}/answers.csv", "--text-column", "answer", "--out", "{out}"), "coded.csv",
                         lambda d, cli: (d / "answers.csv").write_text(
                             "respondent_id,answer\nR1,They do not trust the police\nR2,Went back to the traffickers\n",
                             encoding="utf-8")),
    "inspect-write-mapping": (("inspect", SAMPLE_SURVEY, "--write-mapping", "{out}"), "mapping.yaml", None),
    "instrument-draft": (("instrument", "draft", SAMPLE_SURVEY, "--out", "{out}"), "draft.yaml", None),
    "export-sav": (("export-sav", SAMPLE_SURVEY, "--out", "{out}"), "survey.sav", None),
    "agree-disagreements": (("agree", "{d}/a.csv", "{d}/b.csv", "--disagreements", "{out}"), "adjudicate.csv",
                            lambda d, cli: _coded_pair(d)),
    "codebook-export": (("codebook", "export", CODEBOOKS / "missing_reasons.yaml", "--to", "qdc", "--out", "{out}"),
                        "codes.qdc", None),
    "codebook-import": (("codebook", "import", "{d}/c.qdc", "--out", "{out}"), "codes.yaml", _qdc),
    "code-export": (("code", "export", "{d}/coded.csv", "--to", "qdpx", "--out", "{out}", "--survey", SAMPLE_SURVEY),
                    "project.qdpx", _qdpx),
    "code-import": (("code", "import", "{d}/p.qdpx", "--out", "{out}"), "imported.csv", _qdpx),
    "sample": (("sample", "--out", "{d}"), "professional_survey.csv", None),
    "foi-sample": (("foi", "sample", "--out", "{d}"), "foi_returns.csv", None),
    "effectiveness-chart-out": (("effectiveness", SAMPLE_SURVEY, "--chart-out", "{d}"), "effectiveness_q45.png", None),
    "reasons-chart-out": (("reasons", SAMPLE_SURVEY, "--chart-out", "{d}"), "reasons_q14.png", None),
    "voices-chart-out": (("voices", SAMPLE_SURVEY, SAMPLE_RANKINGS, "--chart-out", "{d}"), "voices_all.png", None),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_command_keeps_a_file_it_did_not_write(cli, tmp_path, case):
    args, name, prepare = CASES[case]
    d = tmp_path / "work"
    d.mkdir()
    if prepare is not None:
        prepare(d, cli)
    out = d / name
    argv = [str(a).format(out=out, d=d) if isinstance(a, str) else a for a in args]

    out.write_bytes(SENTINEL)
    r = cli(*argv)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert len(r.stderr.strip().splitlines()) == 1 and "--force" in r.stderr and "already exists" in r.stderr
    assert "placement" not in r.stderr
    assert out.read_bytes() == SENTINEL
    assert not [p.name for p in d.iterdir() if p.name.endswith(".tmp")]

    r = cli(*argv, "--force")
    assert r.returncode == 0, r.stderr
    written = out.read_bytes()
    assert written != SENTINEL
    r = cli(*argv)  # a rerun over its own, unchanged output
    assert r.returncode == 0, r.stderr

    with out.open("ab") as fh:  # the user edits it ...
        fh.write(b"\n")
    edited = out.read_bytes()
    r = cli(*argv)  # ... and a rerun keeps the edit
    assert r.returncode == 2 and "--force" in r.stderr
    assert out.read_bytes() == edited


def test_sample_over_the_same_files_needs_no_record(cli, tmp_path):
    # The shipped sample folder holds the generator's files and no record: rewriting them is allowed.
    assert cli("sample", "--out", tmp_path).returncode == 0
    (tmp_path / RECORD_NAME).unlink()
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    r = cli("sample", "--out", tmp_path)
    assert r.returncode == 0, r.stderr
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name != RECORD_NAME} == before


@pytest.mark.parametrize("case", ["instrument-draft", "agree", "code-import", "codebook-export", "inspect"])
def test_an_output_that_is_the_commands_input_is_refused(cli, tmp_path, case):
    """Even when surveykit wrote the input itself (so it would count as replaceable), an --out that
    names it is refused and the input is left as it was."""
    d = tmp_path / "w"
    assert cli("sample", "--out", d).returncode == 0
    survey = d / "professional_survey.csv"
    if case in ("agree", "code-import"):
        _qdpx(d, cli)
    if case == "agree":  # a second coder's file: the first with one code changed
        lines = (d / "coded.csv").read_text(encoding="utf-8").splitlines(keepends=True)
        lines[1] = lines[1].replace(lines[1].split(",")[2], "other_code", 1)
        (d / "b.csv").write_text("".join(lines), encoding="utf-8")
    if case == "codebook-export":
        assert cli("codebook", "import", _made_qdc(d, cli), "--out", d / "cb.yaml").returncode == 0
    args, victim = {
        "instrument-draft": (("instrument", "draft", survey, "--out", survey), survey),
        "agree": (("agree", d / "coded.csv", d / "b.csv", "--disagreements", d / "coded.csv"), d / "coded.csv"),
        "code-import": (("code", "import", d / "p.qdpx", "--out", d / "p.qdpx"), d / "p.qdpx"),
        "codebook-export": (("codebook", "export", d / "cb.yaml", "--out", d / "cb.yaml"), d / "cb.yaml"),
        "inspect": (("inspect", survey, "--write-mapping", survey), survey),
    }[case]
    before = victim.read_bytes()
    r = cli(*args)
    assert r.returncode == 2 and "input" in r.stderr, (r.stdout, r.stderr)
    assert len(r.stderr.strip().splitlines()) == 1
    assert victim.read_bytes() == before


def _made_qdc(d: Path, cli) -> Path:
    _qdc(d, cli)
    return d / "c.qdc"


def test_the_review_journal_is_never_written_into_a_file_that_is_not_one(tmp_path):
    from surveykit.io.review_journal import append_journal, read_journal

    notes = tmp_path / "codes.journal.jsonl"
    notes.write_bytes(b"my own notes about R0001")
    with pytest.raises(Exception) as err:
        append_journal(notes, {"event": "memo", "target": "code", "text": "x", "coder": "a", "at": "t"})
    assert "not a surveykit review journal" in str(err.value) and "R0001" not in str(err.value)
    with pytest.raises(Exception):
        read_journal(notes)
    assert notes.read_bytes() == b"my own notes about R0001"


def test_a_journal_record_cut_short_by_a_kill_is_dropped_before_the_next(tmp_path):
    from surveykit.io.review_journal import append_journal, read_journal

    j = tmp_path / "c.journal.jsonl"
    first = {"event": "memo", "target": "code", "text": "one", "coder": "a", "at": "t"}
    append_journal(j, first)
    with j.open("ab") as fh:
        fh.write(b'{"event":"decision","respon')  # a kill during the second write
    assert read_journal(j) == [first]
    second = {"event": "saved", "at": "t2", "rows": 3}
    append_journal(j, second)
    assert read_journal(j) == [first, second]


def test_review_refuses_a_journal_that_is_not_one(cli, tmp_path):
    answers = tmp_path / "ans.csv"
    answers.write_text("respondent_id,answer\nR1,They do not trust the police\n", encoding="utf-8")
    assert cli("code", answers, "--text-column", "answer", "--out", tmp_path / "codes.csv").returncode == 0
    notes = tmp_path / "codes.journal.jsonl"
    notes.write_bytes(b"my own notes")
    r = cli("code", "review", answers, "--text-column", "answer", "--coded", tmp_path / "codes.csv", input="a\nq\n")
    assert r.returncode != 0 and "not a surveykit review journal" in r.stderr
    assert notes.read_bytes() == b"my own notes"


def test_a_replaced_file_keeps_its_permissions_and_a_link_stays_a_link(tmp_path):
    import os
    import stat

    import pandas as pd

    from surveykit.io.coded_write import save_reviewed

    out = tmp_path / "coded.csv"
    write_owned_text(out, "a\n")
    os.chmod(out, 0o600)
    write_owned_text(out, "b\n")
    assert out.read_text() == "b\n" and stat.S_IMODE(out.stat().st_mode) == 0o600
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "r.csv").write_text("respondent_id,question_id,code_id,coder\n", encoding="utf-8")
    link = tmp_path / "r.csv"
    link.symlink_to(shared / "r.csv")
    frame = pd.DataFrame({"respondent_id": ["R1"], "question_id": ["q7"], "code_id": ["x"], "coder": ["ann"]})
    save_reviewed(link, frame)  # review saves the coded file it was given, through the link
    assert link.is_symlink() and "R1" in (shared / "r.csv").read_text(encoding="utf-8")


def test_a_rebuilt_report_folder_keeps_a_private_subfolder_private(tmp_path):
    import os
    import stat

    from surveykit.io.folder import owned_folder

    out = tmp_path / "rep"
    with owned_folder(out, kind="report") as tmp:
        (tmp / "report.md").write_text("one")
    private = out / "private" / "inner"
    private.mkdir(parents=True)
    (private / "case.txt").write_text("notes")
    os.chmod(out / "private", 0o700)
    (out / "empty").mkdir()
    os.chmod(out / "empty", 0o700)
    with owned_folder(out, kind="report") as tmp:
        (tmp / "report.md").write_text("two")
    assert (out / "report.md").read_text() == "two" and (private / "case.txt").read_text() == "notes"
    assert stat.S_IMODE((out / "private").stat().st_mode) == 0o700
    assert stat.S_IMODE((out / "empty").stat().st_mode) == 0o700


def test_a_record_that_is_a_link_is_neither_read_nor_written(tmp_path):
    elsewhere = tmp_path / "elsewhere.json"
    doc = {"format": "surveykit-files", "files": {"mine.csv": hashlib.sha256(SENTINEL).hexdigest()}}
    elsewhere.write_text(json.dumps(doc), encoding="utf-8")
    d = tmp_path / "d"
    d.mkdir()
    (d / RECORD_NAME).symlink_to(elsewhere)
    (d / "mine.csv").write_bytes(SENTINEL)
    with pytest.raises(UsageError):  # the link does not make the file surveykit's
        write_owned_text(d / "mine.csv", "a\n")
    write_owned_text(d / "new.csv", "b\n")
    assert json.loads(elsewhere.read_text(encoding="utf-8")) == doc and (d / RECORD_NAME).is_symlink()


def _full_disk_at(monkeypatch, name: str):
    """The bytes of the file ``name`` cannot reach the disk (a full disk shows at the flush)."""
    import errno
    import os

    real = os.fsync

    def fsync(fd):
        if os.path.basename(os.readlink(f"/proc/self/fd/{fd}")).startswith(f".{name}."):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def test_several_files_are_replaced_all_or_none(tmp_path, monkeypatch):
    write_owned_files([(tmp_path / "a.csv", b"old a\n"), (tmp_path / "b.csv", b"old b\n")])
    _full_disk_at(monkeypatch, "b.csv")  # the last: one write after another would have replaced a.csv
    with pytest.raises(UsageError, match="disk is full"):
        write_owned_files([(tmp_path / "a.csv", b"new a\n"), (tmp_path / "b.csv", b"new b\n")])
    assert (tmp_path / "a.csv").read_bytes() == b"old a\n" and (tmp_path / "b.csv").read_bytes() == b"old b\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [RECORD_NAME, "a.csv", "b.csv"]  # no temporary file left
    monkeypatch.undo()
    write_owned_files([(tmp_path / "a.csv", b"new a\n"), (tmp_path / "b.csv", b"new b\n")])  # still surveykit's
    assert (tmp_path / "b.csv").read_bytes() == b"new b\n"


def test_sample_on_a_full_disk_leaves_the_previous_sample_whole(cli, tmp_path, monkeypatch):
    out = tmp_path / "s"
    assert cli("sample", "--out", out, "--respondents", "20").returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    _full_disk_at(monkeypatch, "youth_ranking.csv")  # written after the survey, which does change
    r = cli("sample", "--out", out, "--respondents", "30")
    assert r.returncode != 0 and "disk is full" in r.stderr and "Traceback" not in r.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
