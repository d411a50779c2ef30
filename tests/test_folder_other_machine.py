"""A run's leftovers are judged by the machine that left them (``io.folder.claim_alive``).

A folder surveykit writes is built in a hidden sibling (``.NAME.PID-xxxxxxxx.tmp``) and the previous one
moved aside (``.NAME.prev-PID-...``), each with a claim naming the process. A later run removes or
puts back the claims of processes that are gone. On a shared drive, a run on another computer has a
process id this computer knows nothing of: before, its live build folder was removed under it, and its
previous report put back or deleted, because no such process ran here. Now each claim names the host
and the boot it was written in: another host's claim is left alone; a claim written here before the
last reboot is dead whatever process now has its number; a claim of an older version (no host) is
judged by the process id, as before.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from conftest import ROOT

GOLD = ROOT / "responses" / "gold" / "q7_dev.csv"


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _boot() -> str | None:
    try:
        return open("/proc/sys/kernel/random/boot_id", encoding="ascii").read().strip()
    except OSError:
        return None


def _debris(parent, name, pid, claim, kind="build"):
    """A leftover of a run: a build folder (SENTINEL inside) or a previous folder moved aside (ASIDE)."""
    from surveykit.io import folder as fo

    if kind == "build":
        p = parent / f".{name}.{pid}-abcd1234.tmp"
        p.mkdir()
        (p / fo.SENTINEL).write_text(json.dumps(claim) + "\n")
    else:
        p = parent / f".{name}.prev-{pid}-abcd1234"
        p.mkdir()
        (p / fo.ASIDE).write_text(json.dumps(claim) + "\n")
    (p / "model.json").write_text("{}\n")
    return p


def test_claims_name_their_machine_and_another_machines_are_left_alone(tmp_path):
    from surveykit.io import folder as fo

    here = socket.gethostname()
    dead = _dead_pid()
    target = tmp_path / "out"
    with fo.owned_folder(target, kind="model") as staging:
        claim = json.loads((staging / fo.SENTINEL).read_text())
        assert claim["pid"] == os.getpid() and claim["host"] == here
        if _boot():
            assert claim["boot"] == _boot()
        (staging / "a.txt").write_text("a")
    assert fo.claim_alive(staging / fo.SENTINEL) is False  # gone with its folder: no claim, dead
    elsewhere = {"pid": dead, "host": here + "-another-computer", "boot": "0000"}
    build = _debris(tmp_path, "out", dead, elsewhere)
    prev = _debris(tmp_path, "out", dead, elsewhere, kind="prev")
    assert fo.claim_alive(build / fo.SENTINEL, dead)
    fo.clean_debris(target)
    assert build.is_dir() and prev.is_dir()  # another computer's run: not this one's to judge
    # the same leftovers written here, by a process that is gone, are cleaned as before
    for p, name in ((build, fo.SENTINEL), (prev, fo.ASIDE)):
        (p / name).write_text(json.dumps({"pid": dead, "host": here, **({"boot": _boot()} if _boot() else {})}))
    done = fo.clean_debris(target)
    assert not build.exists() and not prev.exists(), done
    assert (target / "a.txt").read_text() == "a" and (target / "model.json").read_text() == "{}\n"


@pytest.mark.skipif(_boot() is None, reason="no boot id on this system")
def test_a_claim_from_before_a_reboot_is_dead_whatever_process_has_its_number(tmp_path):
    from surveykit.io import folder as fo

    alive = os.getppid()  # a process that runs now, as a reused number would
    build = _debris(tmp_path, "out", alive, {"pid": alive, "host": socket.gethostname(), "boot": "an-earlier-boot"})
    assert not fo.claim_alive(build / fo.SENTINEL, alive)
    fo.clean_debris(tmp_path / "out")
    assert not build.exists()
    # an older version's claim (no host, no boot) is judged by its process alone
    old = _debris(tmp_path, "out", alive, {"pid": alive})
    assert fo.claim_alive(old / fo.SENTINEL, alive)
    fo.clean_debris(tmp_path / "out")
    assert old.is_dir()


def test_code_train_leaves_another_computers_run_beside_its_model_folder(cli, tmp_path):
    """Through the command: ``code train --out models/q7`` next to the live build folder of a run on
    another computer (same shared drive) leaves it as it is."""
    if not GOLD.exists():
        pytest.skip("the dev gold set is not in this checkout")
    models = tmp_path / "models"
    models.mkdir()
    dead = _dead_pid()
    theirs = _debris(models, "q7", dead, {"pid": dead, "host": socket.gethostname() + "-lab-pc", "boot": "x"})
    before = sorted(p.name for p in theirs.iterdir())
    r = cli("code", "train", GOLD, "--out", models / "q7", "--first", "60", "--folds", "2", "--workers", "1")
    assert r.returncode == 0, r.stderr
    assert (models / "q7" / "model.json").is_file()
    assert theirs.is_dir() and sorted(p.name for p in theirs.iterdir()) == before
    # and a leftover of a run of this computer that died is cleaned by the same command
    gone = _dead_pid()
    ours = _debris(models, "q7", gone, {"pid": gone, "host": socket.gethostname()})
    r = cli("code", "train", GOLD, "--out", models / "q7", "--first", "60", "--folds", "2", "--workers", "1")
    assert r.returncode == 0, r.stderr
    assert not ours.exists() and theirs.is_dir()


def test_a_claim_that_is_a_pipe_a_device_or_a_link_is_no_claim(tmp_path):
    """A leftover's claim is read only when it is a small plain file: a FIFO (which would block), a
    link to a device (which would fill the memory) or an oversized file is no claim, and the folder is
    judged by the process id in its name, as a folder without a claim."""
    from surveykit.io import folder as fo

    dead = _dead_pid()
    fifo = tmp_path / ".out.1-abcd1234.tmp"
    fifo.mkdir()
    os.mkfifo(fifo / fo.SENTINEL)
    link = tmp_path / ".out.2-abcd1234.tmp"
    link.mkdir()
    (link / fo.SENTINEL).symlink_to("/dev/zero")
    big = tmp_path / ".out.3-abcd1234.tmp"
    big.mkdir()
    (big / fo.SENTINEL).write_text(json.dumps({"pid": dead, "host": "elsewhere", "pad": "x" * 5000}))
    for p in (fifo, link, big):
        assert fo.claim_alive(p / fo.SENTINEL, dead) is False
        assert fo.claim_alive(p / fo.SENTINEL) is False
    assert fo.claim_alive(fifo / fo.SENTINEL, os.getpid()) is True
