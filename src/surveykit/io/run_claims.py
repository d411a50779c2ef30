"""Who is still running: the claims surveykit writes into the folders it is about to move, and the names
of its temporary files, which both carry a process id, the host name and the boot id.

A leftover of a killed run may be removed only when the run that made it is surely over: its process is
gone, on this computer and in this boot (on a shared drive another computer's run is alive whatever this
one's process table says). These are the facts and the names every leftover is judged by, for folders
(``io.folder_state.clean_debris``) and for single files (``clean_temp_files``, used by ``io.atomic``);
kept apart from the folder code so that a single-file write needs none of it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

SENTINEL = ".surveykit-tmp"
# Written into a folder just before surveykit moves it aside (.NAME.old-/.NAME.prev-PID-xxxxxxxx): the
# leftovers of a killed run are removed or put back only when they carry it (or SENTINEL), so a user's
# folder that happens to have such a name is never touched.
ASIDE = ".surveykit-aside"


# -- processes and names -----------------------------------------------------------------------------

def this_machine() -> dict[str, str]:
    """Who writes a claim: the host name and (Linux) the boot id. A process id means something only on
    the machine, and in the boot, that gave it: on a shared drive another computer's run is alive
    whatever this one's process table says, and after a reboot none of the earlier runs is."""
    import socket

    found = {"host": socket.gethostname()}
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as fh:
            found["boot"] = fh.read().strip()
    except OSError:
        pass
    return found


def claim_text() -> str:
    """The JSON surveykit writes into a folder it is about to move (SENTINEL, ASIDE)."""
    return json.dumps({"pid": os.getpid(), **this_machine()}) + "\n"


def claim_alive(path: Path, pid: int | None = None, *, mine: bool = True) -> bool:
    """Whether the run that wrote the claim at ``path`` (SENTINEL or ASIDE) may still be running.

    Written on another computer (a shared drive): yes, since that computer's processes cannot be
    seen from here. Written here in an earlier boot: no. Otherwise its process (``pid`` when the
    claim's folder name gives it, else the claim's own) must be alive; ``mine=False`` counts this
    process's own claim as not running (a stray this run may remove). A claim without the machine
    fields (older versions) is judged by the process id alone, and one without any id is dead."""
    doc = _read_claim(path)
    if isinstance(doc, dict):
        here = this_machine()
        host, boot = doc.get("host"), doc.get("boot")
        if isinstance(host, str) and host != here["host"]:
            return True
        if isinstance(boot, str) and "boot" in here and boot != here["boot"]:
            return False
        if pid is None and isinstance(doc.get("pid"), int):
            pid = doc["pid"]
    if pid is None:
        return False
    if pid == os.getpid() and not mine:
        return False
    return pid_alive(pid)


def _read_claim(path: Path) -> Any:
    """A claim's JSON, or None: only a small plain file is read (a link, a pipe or a device in a
    leftover's place is no claim of surveykit's, and must not block or fill the memory)."""
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = os.read(fd, _CLAIM_MAX + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) > _CLAIM_MAX:
        return None
    try:
        return json.loads(data.decode("utf-8"))
    except ValueError:
        return None


_CLAIM_MAX = 4096  # a claim is one short line of JSON


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _debris_patterns(name: str) -> dict[str, re.Pattern[str]]:
    n = re.escape(name)
    return {
        "build": re.compile(rf"^\.{n}\.(?P<pid>\d+)-[a-z0-9_]{{8}}\.tmp$"),
        "swap": re.compile(rf"^\.{n}\.old-(?P<pid>\d+)-[a-z0-9_]{{8}}$"),
        "prev": re.compile(rf"^\.{n}\.prev-(?P<pid>\d+)-[a-z0-9_]{{8}}$"),
        "legacy_build": re.compile(rf"^\.{n}\.[a-z0-9_]{{8}}\.tmp$"),
        "legacy_old": re.compile(rf"^\.{n}\.old-(?P<pid>\d+)$"),
    }


def temp_file_pattern(name: str) -> re.Pattern[str]:
    """Temporary files of ``atomic.write_bytes`` for a file called ``name`` (``temp_prefix``), and those
    of earlier versions (``.NAME.PID-xxxxxxxx.tmp``: ``old_pid``, no machine tags)."""
    return re.compile(rf"^\.(?:{re.escape(_temp_stem(name))}\.(?P<pid>\d+)\.(?P<host>[0-9a-f]{{6}})"
                      rf"\.(?P<boot>[0-9a-f]{{6}})|{re.escape(name)}\.(?P<old_pid>\d+))-[a-z0-9_]{{8}}\.tmp$")


def temp_prefix(name: str) -> str:
    """The start of a temporary file's name beside a file called ``name``: ``.NAME.PID.HOST.BOOT-``
    (``tempfile.mkstemp`` adds 8 random characters and ``.tmp``). HOST and BOOT are short digests of
    this machine's host name and boot id (``this_machine``): a process id means something only on the
    machine and in the boot that gave it, and on a shared drive another computer's write in progress
    must not be taken for a killed one. A NAME too long to leave room for the rest is shortened
    (``_temp_stem``), so every name a file system takes can be written."""
    host, boot = _machine_tags()
    return f".{_temp_stem(name)}.{os.getpid()}.{host}.{boot}-"


#: Bytes a temporary file's name adds to NAME: "." before it, ".PID.HOST.BOOT-xxxxxxxx.tmp" after it
#: (a process id has at most 7 digits on Linux); names are at most 255 bytes.
_TEMP_EXTRA = 1 + (1 + 7 + 1 + 6 + 1 + 6 + 1 + 8 + 4)
_NAME_MAX = 255


def _temp_stem(name: str) -> str:
    """NAME, or where the temporary file's name would be too long, its start and a digest of the
    whole (``start~0123abcd``): still one name per target, and still beside it."""
    raw = os.fsencode(name)
    if len(raw) + _TEMP_EXTRA <= _NAME_MAX:
        return name
    digest = hashlib.sha256(raw).hexdigest()[:8]
    room = _NAME_MAX - _TEMP_EXTRA - 1 - len(digest)
    start = raw[:room].decode("utf-8", "ignore")  # a character cut in two is left out whole
    return f"{start}~{digest}"


@functools.lru_cache(maxsize=1)
def _machine_tags() -> tuple[str, str]:
    here = this_machine()
    return tuple(hashlib.sha256(here.get(k, "").encode("utf-8", "surrogatepass")).hexdigest()[:6]
                 for k in ("host", "boot"))  # type: ignore[return-value]


def temp_file_alive(match: re.Match[str]) -> bool:
    """Whether the write that made a temporary file (a ``temp_file_pattern`` match) may still be
    running: written on another computer, yes (its processes cannot be seen from here); here in an
    earlier boot, no; otherwise its process must be alive. A name without the tags is judged by its
    process id alone, as before."""
    if match.group("old_pid") is not None:
        return pid_alive(int(match.group("old_pid")))
    host, boot = _machine_tags()
    if match.group("host") != host:
        return True
    if match.group("boot") != boot:
        return False
    return pid_alive(int(match.group("pid")))


def clean_temp_files(path: str | Path) -> None:
    """Remove temporary files that killed writes of ``path`` left beside it: only names that are ours
    (``.NAME.PID.HOST.BOOT-xxxxxxxx.tmp``, as ``atomic_writer`` makes them) and whose write is over
    (``temp_file_alive``)."""
    target = Path(path)
    parent = target.parent
    pat = temp_file_pattern(target.name)
    try:
        names = os.listdir(parent)
    except OSError:
        return
    for n in names:
        m = pat.match(n)
        p = parent / n
        if m and not temp_file_alive(m) and p.is_file() and not p.is_symlink():
            p.unlink(missing_ok=True)
