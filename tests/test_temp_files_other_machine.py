"""Temporary files of single-file writes are judged by the machine that made them.

Every file surveykit writes is first written to a hidden sibling and renamed into place; a write
killed half-way leaves that sibling behind, and the next write of the same file removes it once its
process is gone (``io.run_claims.clean_temp_files``). Before, the sibling's name carried only a process
id: on a shared drive, another computer's write in progress has a process id this computer knows
nothing of, so the other computer's temporary file was deleted under it. Now the name carries short
digests of the host name and the boot id (``.NAME.PID.HOST.BOOT-xxxxxxxx.tmp``), as a folder's claims
carry them (``tests/test_folder_other_machine.py``): another host's is left alone, one of this host
from before the last reboot is a leftover whatever process now has its number, and a name of an
older version (no tags) is judged by its process id, as before.

The expected tags are computed here from the host name and ``/proc/sys/kernel/random/boot_id``, not
taken from the code under test.
"""

from __future__ import annotations

import hashlib
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


def _tag(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:6]


def _boot() -> str:
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as fh:
            return fh.read().strip()
    except OSError:
        return ""


HOST, BOOT = _tag(socket.gethostname()), _tag(_boot())
OTHER_HOST = _tag("another-computer-on-the-share")
OTHER_BOOT = _tag("an-earlier-boot")


def _leftovers(folder, name: str) -> dict[str, str]:
    """Temporary files beside ``name`` as the writes of several runs would leave them: label -> file name."""
    dead, live = _dead_pid(), os.getpid()
    names = {
        "other host, process unknown here": f".{name}.{dead}.{OTHER_HOST}.{BOOT}-abcd1234.tmp",
        "other host, a number alive here": f".{name}.{live}.{OTHER_HOST}.{OTHER_BOOT}-abcd1235.tmp",
        "this host, earlier boot, a number alive now": f".{name}.{live}.{HOST}.{OTHER_BOOT}-abcd1236.tmp",
        "this host and boot, process gone": f".{name}.{dead}.{HOST}.{BOOT}-abcd1237.tmp",
        "this host and boot, process alive": f".{name}.{live}.{HOST}.{BOOT}-abcd1238.tmp",
        "older version, process gone": f".{name}.{dead}-abcd1239.tmp",
        "older version, process alive": f".{name}.{live}-abcd1240.tmp",
    }
    for label, n in names.items():
        (folder / n).write_text(f"half of a write ({label})")
    return names


KEPT = {"other host, process unknown here", "other host, a number alive here",
        "this host and boot, process alive", "older version, process alive"}


def test_a_write_keeps_another_computers_temporary_file_and_removes_this_ones_leftovers(tmp_path):
    from surveykit.io.atomic import write_text

    names = _leftovers(tmp_path, "coded.csv")
    write_text(tmp_path / "coded.csv", "a,b\n")
    present = {p.name for p in tmp_path.iterdir()}
    assert (tmp_path / "coded.csv").read_text() == "a,b\n"
    assert {label for label, n in names.items() if n in present} == KEPT


def test_the_temporary_file_of_a_write_names_this_host_and_boot(tmp_path):
    from surveykit.io.atomic import atomic_writer

    target = tmp_path / "out.csv"
    seen: list[str] = []
    with atomic_writer(target, before_replace=lambda: seen.extend(p.name for p in tmp_path.iterdir())) as fh:
        fh.write(b"x\n")
    assert len(seen) == 1
    head = f".out.csv.{os.getpid()}.{HOST}.{BOOT}-"
    assert seen[0].startswith(head) and seen[0].endswith(".tmp") and len(seen[0]) == len(head) + 8 + 4
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_code_out_on_a_shared_drive_leaves_another_computers_write_alone(cli, tmp_path):
    names = _leftovers(tmp_path, "coded.csv")
    r = cli("code", GOLD, "--text-column", "text", "--id-column", "id", "--out", tmp_path / "coded.csv")
    assert r.returncode == 0, r.stderr
    present = {p.name for p in tmp_path.iterdir()}
    assert "coded.csv" in present
    assert {label for label, n in names.items() if n in present} == KEPT
    for label in KEPT:  # untouched, not only present
        assert (tmp_path / names[label]).read_text() == f"half of a write ({label})"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the SPSS writer's temporary file, Linux run")
def test_the_spss_writer_names_its_temporary_file_the_same_way(tmp_path, monkeypatch):
    import tempfile

    import surveykit as sk
    from surveykit.io.sav_writer import write_responses_sav

    pytest.importorskip("pyreadstat")
    prefixes: list[str] = []
    real = tempfile.mkstemp

    def spy(*args, **kwargs):
        prefixes.append(kwargs.get("prefix", ""))
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", spy)
    responses = sk.read(ROOT / "responses" / "sample" / "professional_survey.csv")
    write_responses_sav(responses, tmp_path / "survey.sav")
    assert f".survey.sav.{os.getpid()}.{HOST}.{BOOT}-" in prefixes


@pytest.mark.parametrize("name", ["a" * 230 + ".csv", "é" * 125 + ".csv", "b" * 251 + ".csv"])
def test_a_long_name_still_gets_a_temporary_file_and_its_leftovers_are_found(tmp_path, name):
    """A name of up to 255 bytes can be written (the temporary name shortens NAME, with a digest of
    it), and a leftover of a killed write of that name is removed by the next write."""
    from surveykit.io.atomic import atomic_writer, write_text

    assert len(os.fsencode(name)) <= 255
    target = tmp_path / name
    seen: list[str] = []
    with atomic_writer(target, before_replace=lambda: seen.extend(p.name for p in tmp_path.iterdir())):
        pass
    assert len(seen) == 1 and len(os.fsencode(seen[0])) <= 255
    assert f".{os.getpid()}.{HOST}.{BOOT}-" in seen[0]
    # the same write killed: its temporary file, under the name of a process that is gone
    leftover = tmp_path / seen[0].replace(f".{os.getpid()}.", f".{_dead_pid()}.")
    leftover.write_text("half")
    other = tmp_path / seen[0].replace(f".{HOST}.", f".{OTHER_HOST}.")
    other.write_text("another computer's")
    write_text(target, "x\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, other.name])
