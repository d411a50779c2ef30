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

This module writes the folder (``owned_folder``); what is at the folder now and the cleaning of
leftovers are ``io.folder_state``; the claims and the names of temporary files ``io.run_claims``.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from surveykit.errors import UsageError
from surveykit.io.folder_state import (  # noqa: F401 - the names this module had stay importable from it
    FORMAT_VERSION,
    LEGACY_AGE_S,
    FolderState,
    Legacy,
    _empty_dirs,
    _pid_alive_in,
    _remove_claimed,
    _rescue_user_files,
    _walk,
    check_output_folder,
    clean_debris,
    folder_state,
    manifest_listed_files,
    marker_name,
    read_marker,
    sha256_file,
)
from surveykit.io.run_claims import (  # noqa: F401 - as above
    ASIDE,
    SENTINEL,
    claim_alive,
    claim_text,
    clean_temp_files,
    pid_alive,
    temp_file_alive,
    temp_file_pattern,
    temp_prefix,
    this_machine,
)

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
