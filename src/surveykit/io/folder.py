"""Output folders that surveykit owns: replaced whole and atomically, without touching anyone else's files.

A folder written here (a report, a model) carries a marker, ``.surveykit-KIND.json``, listing every file
surveykit wrote in it with its SHA-256 and a format version. A rerun:

* replaces the files of the marker and removes those it does not write again;
* keeps every other file (notes, a copy of the export ...) exactly as it is, same inode and all;
* refuses (``UsageError``, exit 2) a non-empty folder without the marker, a folder where one of our files
  was changed or replaced since, or a file where a folder is wanted; ``force=True`` writes into such a
  folder anyway and replaces our own changed files, but never deletes or replaces a file that was not
  ours: one in the way of a file we write is refused even then.

The new content is built in a hidden sibling (``.NAME.PID-XXXXXXXX.tmp``); the files that are not ours
are hard-linked into it (copied where links are impossible); then the two folders trade places in one
``renameat2(RENAME_EXCHANGE)`` call, so at every instant NAME is either the whole previous folder or the
whole new one. Where that call is missing the folder is moved aside (``.NAME.prev-PID-XXXXXXXX``) and the
new one moved in; a kill between the two leaves the previous folder aside, and the next run puts it back.

Leftovers of killed runs (our hidden siblings, recognised by their exact names, a dead process id and,
for build folders, a sentinel file) are removed, or restored, by the next run.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from surveykit.errors import UsageError

FORMAT_VERSION = 1
SENTINEL = ".surveykit-tmp"
# Written into a folder just before surveykit moves it aside (.NAME.old-/.NAME.prev-PID-xxxxxxxx): the
# leftovers of a killed run are removed or put back only when they carry it (or SENTINEL), so a user's
# folder that happens to have such a name is never touched.
ASIDE = ".surveykit-aside"
LEGACY_AGE_S = 3600  # debris of older surveykit versions carries no process id: only old enough is surely dead

Legacy = Callable[[Path], "Mapping[str, str] | None"]


def marker_name(kind: str) -> str:
    return f".surveykit-{kind}.json"


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


# -- the state of a folder ------------------------------------------------------------------------

def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_marker(folder: Path, kind: str) -> "dict[str, str | None] | None":
    """The files (relative path -> sha256) the marker of ``kind`` lists, or None without a valid marker."""
    p = folder / marker_name(kind)
    if not p.is_file() or p.is_symlink():
        return None
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None
    if not isinstance(doc, dict) or doc.get("kind") != kind or not isinstance(doc.get("files"), dict):
        return None
    if not isinstance(doc.get("format"), int) or doc["format"] > FORMAT_VERSION:
        return None
    files = {}
    for rel, digest in doc["files"].items():
        # A file listed without a digest is volatile (e.g. a manifest stamped with the time of the run).
        if isinstance(rel, str) and (digest is None or isinstance(digest, str)) and _safe_relative(rel):
            files[rel] = digest
    return files


def _safe_relative(rel: str) -> bool:
    parts = Path(rel).parts
    return bool(parts) and not Path(rel).is_absolute() and ".." not in parts


def _walk(folder: Path) -> Iterator[tuple[str, Path]]:
    """(relative path, path) of every non-directory entry under ``folder`` (symlinks not followed)."""
    for root, dirs, files in os.walk(folder, followlinks=False):
        base = Path(root)
        for d in list(dirs):
            if (base / d).is_symlink():
                files.append(d)  # a symlink to a folder is an entry, not a place to walk into
                dirs.remove(d)
        for f in files:
            p = base / f
            yield p.relative_to(folder).as_posix(), p


def _empty_dirs(folder: Path) -> list[str]:
    out = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        if not dirs and not files and Path(root) != folder:
            out.append(Path(root).relative_to(folder).as_posix())
    return out


def manifest_listed_files(folder: Path) -> dict[str, str] | None:
    """Older surveykit reports (no marker): ``manifest.json`` lists the files with their SHA-256.

    The folder counts as ours only when every listed file is there with that exact content; then the
    listed files and the manifest itself are ours, anything else is not.
    """
    manifest = folder / "manifest.json"
    if not manifest.is_file() or manifest.is_symlink():
        return None
    try:
        doc = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None
    if not isinstance(doc, dict) or "surveykit_version" not in doc or not isinstance(doc.get("files"), dict):
        return None
    files: dict[str, str] = {}
    for rel, digest in doc["files"].items():
        if not isinstance(rel, str) or not isinstance(digest, str) or not _safe_relative(rel):
            return None
        p = folder / rel
        if not p.is_file() or p.is_symlink() or sha256_file(p) != digest:
            return None
        files[rel] = digest
    if not files:
        return None
    files["manifest.json"] = sha256_file(manifest)
    return files


@dataclass(frozen=True)
class FolderState:
    """What is at an output path now.

    status: "new" (nothing there), "empty", "ours" (valid marker, or adopted older output), "foreign"
    (a non-empty folder without a marker). ours: relative path -> sha256 of our files that are still
    there unchanged; changed: our files changed or replaced since; foreign: every other file.
    """

    path: Path
    status: str
    ours: Mapping[str, str] = field(default_factory=dict)
    changed: tuple[str, ...] = ()
    foreign: tuple[str, ...] = ()


def folder_state(path: str | Path, *, kind: str, legacy: Legacy | None = None) -> FolderState:
    p = Path(path)
    if not p.exists() and not p.is_symlink():
        return FolderState(p, "new")
    if not p.is_dir():
        raise UsageError("exists and is not a folder", path=p)
    marker = marker_name(kind)
    listed = read_marker(p, kind)
    if listed is None and legacy is not None:
        listed = legacy(p)
    entries = [(rel, q) for rel, q in _walk(p) if rel not in (marker, SENTINEL, ASIDE)]
    if not entries and not _empty_dirs(p):
        return FolderState(p, "empty") if listed is None else FolderState(p, "ours")
    if listed is None:
        return FolderState(p, "foreign", foreign=tuple(sorted(rel for rel, _ in entries)))
    ours: dict[str, str] = {}
    changed: list[str] = []
    foreign: list[str] = []
    for rel, q in entries:
        if rel in listed:
            if not q.is_symlink() and q.is_file() and (listed[rel] is None or sha256_file(q) == listed[rel]):
                ours[rel] = listed[rel] or ""
            else:
                changed.append(rel)
        else:
            foreign.append(rel)
    return FolderState(p, "ours", ours=ours, changed=tuple(sorted(changed)), foreign=tuple(sorted(foreign)))


def check_output_folder(path: str | Path, *, kind: str, force: bool = False, legacy: Legacy | None = None,
                        option: str = "--out", force_option: str | None = "--force",
                        legacy_names: frozenset[str] = frozenset(),
                        expected: frozenset[str] = frozenset()) -> FolderState:
    """Refuse, before any work is done, an output folder surveykit may not write into.

    ``expected``: top-level names the output will use (a foreign file there is refused at once, even
    with ``force``). Also restores a previous folder a killed run left aside and removes that run's
    leftovers.
    """
    p = Path(path)
    clean_debris(p, legacy_names=legacy_names)
    try:
        state = folder_state(p, kind=kind, legacy=legacy)
    except UsageError as exc:
        raise UsageError(f"{option}: {exc.message}", path=p) from None
    if state.status == "foreign" and not force:
        hint = (f", or pass {force_option} to add the output beside them (nothing of theirs is deleted)"
                if force_option else "")
        raise UsageError(f"{option}: this folder is not a surveykit {kind} (it holds {len(state.foreign)} file(s) "
                         f"surveykit did not write and no {marker_name(kind)}); choose a new or empty folder{hint}",
                         path=p)
    if state.changed and not force:
        hint = f", or pass {force_option} to let surveykit replace its files" if force_option else ""
        raise UsageError(f"{option}: {state.changed[0]} was changed after surveykit wrote it"
                         + (f" (and {len(state.changed) - 1} more)" if len(state.changed) > 1 else "")
                         + f"; move your edits elsewhere{hint}", path=p)
    taken = [rel for rel in state.foreign if rel in expected]
    if taken:
        raise UsageError(f"{option}: {taken[0]} is not surveykit's and would be overwritten; move it, or choose "
                         "another folder", path=p)
    parent = _existing_parent(p)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"{option}: cannot write in this folder", path=parent)
    return state


def _existing_parent(p: Path) -> Path:
    parent = p.absolute().parent
    while not parent.exists():
        parent = parent.parent
    return parent


# -- leftovers ------------------------------------------------------------------------------------------

def _age_s(p: Path) -> float:
    try:
        return time.time() - p.lstat().st_mtime
    except OSError:
        return 0.0


def clean_debris(path: str | Path, *, legacy_names: frozenset[str] = frozenset()) -> list[str]:
    """Remove (or restore) what killed runs left beside ``path``; returns what was done, for tests.

    Only entries whose names are exactly ours and whose process is gone are touched.
    """
    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        return []
    pats = _debris_patterns(target.name)
    done: list[str] = []
    try:
        names = os.listdir(parent)
    except OSError:
        return []
    # A previous folder moved aside and never replaced: put it back first.
    for n in sorted(names):
        m = pats["prev"].match(n) or pats["legacy_old"].match(n)
        p = parent / n
        if not m or not p.is_dir() or p.is_symlink() or not _claimed(p, ASIDE) \
                or claim_alive(p / ASIDE, int(m.group("pid"))):
            continue
        if not target.exists() and not target.is_symlink():
            try:
                os.rename(p, target)
                (target / ASIDE).unlink(missing_ok=True)
                done.append(f"restored {n}")
            except OSError:
                pass
        elif _rescue_user_files(p, target):
            _remove_claimed(p)
            done.append(f"removed {n}")
    for n in sorted(names):
        p = parent / n
        if not p.exists() or p.is_symlink() or not p.is_dir():
            continue
        m = pats["build"].match(n)
        if m and not claim_alive(p / SENTINEL, int(m.group("pid"))):
            entries = os.listdir(p)
            if SENTINEL in entries or not entries:
                _remove_claimed(p)
                done.append(f"removed {n}")
            continue
        m = pats["swap"].match(n)
        if m and target.is_dir() and (_claimed(p, ASIDE) or _claimed(p, SENTINEL)) \
                and not claim_alive(p / (ASIDE if _claimed(p, ASIDE) else SENTINEL), int(m.group("pid"))):
            if _rescue_user_files(p, target):
                _remove_claimed(p)
                done.append(f"removed {n}")
            continue
        if pats["legacy_build"].match(n) and _age_s(p) > LEGACY_AGE_S and legacy_names:
            # Every entry, hidden ones included, must be a name an older surveykit wrote there.
            entries = set(os.listdir(p))
            if entries and entries <= legacy_names | {SENTINEL}:
                shutil.rmtree(p, ignore_errors=True)
                done.append(f"removed {n}")
    if target.is_dir() and not target.is_symlink():
        for stray in (target / SENTINEL, target / ASIDE):  # reached the live folder before a kill
            if stray.is_file() and not stray.is_symlink() and not claim_alive(stray, mine=False):
                stray.unlink(missing_ok=True)
    return done


def _rescue_user_files(old: Path, target: Path, *, ours: "set[str] | None" = None) -> bool:
    """Before a folder moved aside (by this run, or by a killed one) is removed: move into ``target``
    every file of ``old`` that surveykit did not write (no marker lists it, nor ``ours``) and that
    ``target`` lacks. True when nothing of the user's is left only in ``old`` (a file that ``target``
    holds as a different file keeps ``old`` in place)."""
    ours = {SENTINEL, ASIDE} | set(ours or ())
    # The names surveykit writes in the target are never a user's (a foreign file with such a name is
    # refused before any run): in ``old`` they are older versions of surveykit's own files, even when a
    # kill during its removal took its marker first.
    for marker in list(old.glob(".surveykit-*.json")) + list(target.glob(".surveykit-*.json")):
        try:
            doc = json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        files = doc.get("files") if isinstance(doc, dict) else None
        if isinstance(files, dict):
            ours |= set(files) | {marker.name}
    kept = True
    for rel, src in list(_walk(old)):
        if rel in ours:
            continue
        dst = target / rel
        if dst.exists() or dst.is_symlink():
            try:
                same = os.path.samefile(src, dst)  # linked into the new folder by the run
            except OSError:
                same = False
            kept = kept and same
            continue
        try:
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.rename(src, dst)
        except OSError:
            kept = False
    return kept


def _remove_claimed(folder: Path) -> None:
    """Remove a folder surveykit moved aside, its sentinels last: a kill half-way leaves a folder that
    the next run still recognises as surveykit's and finishes removing."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:  # gone already (moved into place, or removed)
        return
    for name in names:
        if name in (ASIDE, SENTINEL):
            continue
        p = folder / name
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)


def _claimed(folder: Path, name: str) -> bool:
    """Whether ``folder`` holds surveykit's file ``name`` (a plain file, not a link)."""
    p = folder / name
    return p.is_file() and not p.is_symlink()


def _pid_alive_in(path: Path) -> bool:
    """Whether the run named in a claim's JSON ({"pid": N, "host": ..., "boot": ...}) may still be
    running, this process's own claim counting as not (``claim_alive``)."""
    return claim_alive(path, mine=False)


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


# -- writing -----------------------------------------------------------------------------------------

def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(str(a)), at_fdcwd, os.fsencode(str(b)), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _make_dirs_like(src_root: Path, rel_dir: str, dst_root: Path) -> None:
    """Make ``dst_root/rel_dir`` and the folders above it with the permissions of those in ``src_root``
    (a user's private subfolder stays private when the folder around it is rebuilt)."""
    parts = Path(rel_dir).parts
    for k in range(1, len(parts) + 1):
        rel = Path(*parts[:k])
        dst = dst_root / rel
        if dst.is_dir():
            continue
        dst.mkdir()
        try:
            os.chmod(dst, stat.S_IMODE((src_root / rel).lstat().st_mode))
        except OSError:
            pass


def _link_into(src_root: Path, rel: str, dst_root: Path) -> None:
    src = src_root / rel
    dst = dst_root / rel
    parent = Path(rel).parent
    if str(parent) != ".":
        _make_dirs_like(src_root, str(parent), dst_root)
    if src.is_symlink():
        os.symlink(os.readlink(src), dst)
        return
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        if stat.S_ISREG(src.lstat().st_mode):
            shutil.copy2(src, dst)
        else:
            raise


def _conflicts(foreign: list[str], new: set[str]) -> list[str]:
    """Foreign paths that one of our new files would overwrite (same path, or a folder/file clash)."""
    new_dirs = {str(Path(r).parent.as_posix()) for r in new}
    expanded_dirs = set()
    for d in new_dirs:
        parts = Path(d).parts
        for i in range(1, len(parts) + 1):
            expanded_dirs.add(Path(*parts[:i]).as_posix())
    out = []
    for rel in foreign:
        parents = {Path(*Path(rel).parts[:i]).as_posix() for i in range(1, len(Path(rel).parts))}
        if rel in new or rel in expanded_dirs or parents & new:
            out.append(rel)
    return out


def _lock(parent: Path):
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX
        return None
    try:
        fd = os.open(parent, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError:
        os.close(fd)
        return None
    return fd


def _unlock(fd) -> None:
    if fd is None:
        return
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def owned_folder(path: str | Path, *, kind: str = "folder", force: bool = False, legacy: Legacy | None = None,
                 legacy_names: frozenset[str] = frozenset(), volatile: frozenset[str] = frozenset(),
                 option: str = "--out", force_option: str | None = "--force", marker: bool = True) -> Iterator[Path]:
    """Build a folder at ``path`` in a hidden sibling; on success it replaces ``path`` as described above.

    Write the new files into the yielded folder. A failure (or an interrupt) leaves ``path`` untouched
    and removes the sibling. ``legacy`` recognises output of older surveykit versions (which carry no
    marker); ``legacy_names`` are the top-level names such output may hold (for leftovers of those
    versions); ``volatile`` files are listed in the marker without a digest (their content changes from
    run to run, e.g. a manifest with the time of the run). ``option`` and ``force_option`` name the
    command-line options in messages. ``marker=False`` writes no marker: ``legacy`` alone then proves the
    folder ours on every run (for folders whose exact content is itself the proof).
    """
    target = Path(path)
    if target.is_symlink() and target.is_dir():
        target = Path(os.path.realpath(target))
    # "." or ".." name no folder of their own: the build would sit inside the target.
    target = Path(os.path.abspath(target))
    check_output_folder(target, kind=kind, force=force, legacy=legacy, option=option, force_option=force_option,
                        legacy_names=legacy_names, expected=legacy_names)
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.{os.getpid()}-", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise UsageError(f"cannot write the output folder ({exc.strerror or type(exc).__name__})",
                         path=target) from None
    (staging / SENTINEL).write_text(json.dumps({"pid": os.getpid(), "target": target.name, **this_machine()}) + "\n")
    os.chmod(staging, 0o777 & ~_umask())
    try:
        yield staging
        _commit(staging, target, kind=kind, force=force, legacy=legacy, volatile=volatile, option=option,
                force_option=force_option, write_marker=marker)
    except BaseException:
        _remove_claimed(staging)
        raise


def _commit(staging: Path, target: Path, *, kind: str, force: bool, legacy: Legacy | None,
            volatile: frozenset[str], option: str, force_option: str | None, write_marker: bool = True) -> None:
    marker = marker_name(kind)
    new_files = {rel: (None if rel in volatile else sha256_file(p))
                 for rel, p in _walk(staging) if rel not in (SENTINEL, marker)}
    if write_marker:
        doc = {"format": FORMAT_VERSION, "kind": kind, "written_by": "surveykit",
               "files": dict(sorted(new_files.items()))}
        (staging / marker).write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    lock = _lock(target.parent)
    try:
        state = folder_state(target, kind=kind, legacy=legacy)
        hint = f", or pass {force_option}" if force_option else ""
        if state.status == "foreign" and not force:
            raise UsageError(f"{option}: files surveykit did not write appeared in the folder during the run; "
                             f"nothing was written (choose a new or empty folder{hint})", path=target)
        ours_now = set(new_files) | {marker}
        # A file that was never ours is never replaced, not even with force.
        clash = _conflicts(list(state.foreign), ours_now)
        if clash:
            raise UsageError(f"{option}: {clash[0]} is not surveykit's and would be overwritten; nothing was "
                             "written (move it, or choose another folder)", path=target)
        replaced = _conflicts(list(state.changed), ours_now)
        if replaced and not force:
            raise UsageError(f"{option}: {replaced[0]} was changed after surveykit wrote it; nothing was written "
                             f"(move your edits elsewhere{hint})", path=target)
        for rel in list(state.foreign) + list(state.changed):
            if rel not in replaced:
                _link_into(target, rel, staging)
        if state.status != "new":
            for rel in _empty_dirs(target):
                _make_dirs_like(target, rel, staging)
            os.chmod(staging, stat.S_IMODE(target.stat().st_mode))
        if state.status == "new":
            (staging / SENTINEL).unlink()
            os.rename(staging, target)
            return
        rand = staging.name[len(f".{target.name}.{os.getpid()}-"):-len(".tmp")]
        swap = target.parent / f".{target.name}.old-{os.getpid()}-{rand}"
        # The folders moved aside below carry a sentinel (the new one SENTINEL, the old one ASIDE), so
        # that a run killed half-way leaves only names that the next run can prove are surveykit's.
        claim = claim_text()
        (target / ASIDE).write_text(claim)
        try:
            os.rename(staging, swap)
            if _exchange(swap, target):
                old = swap
            else:
                old = target.parent / f".{target.name}.prev-{os.getpid()}-{rand}"
                os.rename(target, old)
                os.rename(swap, target)
        except OSError:
            (target / ASIDE).unlink(missing_ok=True)
            raise
        (target / SENTINEL).unlink(missing_ok=True)
        # Files the user added while the new folder was being linked: move them across, never delete them
        # (the old folder stays, with its sentinel, when one cannot be: the next run tries again).
        if _rescue_user_files(old, target, ours=set(state.ours) | {marker}):
            _remove_claimed(old)
    except OSError as exc:
        raise UsageError(f"cannot write the output folder ({exc.strerror or type(exc).__name__})",
                         path=target) from None
    finally:
        _unlock(lock)
