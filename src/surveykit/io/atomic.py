"""Atomic, deterministic writes: a temp file in the target folder, then a rename.

Temporary files are named ``.NAME.PID.HOST.BOOT-XXXXXXXX.tmp`` (``io.run_claims.temp_prefix``): a write killed
half-way leaves one behind, and the next write of NAME on the same computer removes it once that process
is gone (``io.run_claims.clean_temp_files``); another computer's, on a shared drive, is left alone. A target that
cannot be written (a folder in the way, no permission, a full disk) is one clear ``UsageError``.
Folders are written with ``atomic_dir`` (see ``io.folder.owned_folder``): replaced whole, atomically,
and never at the cost of files surveykit did not write.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from surveykit.errors import UsageError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_problem(exc: OSError, path: Path) -> str:
    if exc.errno == errno.EISDIR or path.is_dir():
        return "cannot write the output: it is a folder; name a file"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "cannot write the output: permission denied"
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        return "cannot write the output: a part of the path is a file, not a folder"
    if exc.errno == errno.ENOSPC:
        return "cannot write the output: the disk is full"
    if exc.errno == errno.ENAMETOOLONG:
        return "cannot write the output: the name is too long"
    return f"cannot write the output ({exc.strerror or type(exc).__name__})"


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (the whole file or nothing); returns the path."""
    with atomic_writer(path) as fh:
        fh.write(data)
    return Path(path)


def write_text(path: str | Path, text: str, *, encoding: str = "utf-8", newline: str = "\n") -> Path:
    if newline != "\n":
        text = text.replace("\n", newline)
    return write_bytes(path, text.encode(encoding))


@contextmanager
def atomic_dir(path: str | Path, *, kind: str = "folder", force: bool = False) -> Iterator[Path]:
    """Build a folder in a temporary sibling; on success it replaces ``path`` whole.

    A failure leaves any previous folder at ``path`` untouched and no half-written one behind. A folder
    surveykit did not write is refused unless ``force`` (see ``io.folder.owned_folder``).
    """
    from surveykit.io.folder import owned_folder

    with owned_folder(path, kind=kind, force=force) as tmp:
        yield tmp


@contextmanager
def atomic_writer(path: str | Path, *, before_replace: Callable[[], object] | None = None) -> Iterator[BinaryIO]:
    """A binary file to write ``path`` piece by piece; it replaces ``path`` only when the block ends
    without an error (a failed or interrupted run leaves no file and no half-written target).
    ``before_replace`` runs just before the replace; an error it raises leaves ``path`` as it was.

    The temporary file is named like ``write_bytes``'s (``.NAME.PID.HOST.BOOT-XXXXXXXX.tmp`` beside the
    target), so a write killed half-way is cleaned up by the next one."""
    with atomic_writers([path], before_replace=[before_replace]) as (fh,):
        yield fh


@contextmanager
def atomic_writers(paths: "list[str | Path]", *, before_replace: "list[Callable[[], object] | None] | None" = None,
                   ) -> Iterator[tuple[BinaryIO, ...]]:
    """``atomic_writer`` for several files at once: every file is written and flushed to the disk
    before the first replaces its target, so a failure (a full disk, a check in ``before_replace``)
    leaves all the targets as they were, not half old and half new."""
    from surveykit.io.run_claims import clean_temp_files

    hooks = list(before_replace or [None] * len(paths))
    opened: list[tuple[Path, str, BinaryIO]] = []
    current = Path(paths[0]) if paths else Path()  # the file an error is about
    try:
        for path in paths:
            opened.append(_open_temp(Path(path)))
        try:
            yield tuple(fh for _, _, fh in opened)
            for current, _, fh in opened:
                fh.flush()
                os.fsync(fh.fileno())
        finally:
            for _, _, fh in opened:
                fh.close()
        for hook in hooks:
            if hook is not None:
                hook()
        for current, tmp, _ in opened:
            os.replace(tmp, current)
    except OSError as exc:
        _remove_temps(opened)
        raise UsageError(_write_problem(exc, current), path=current) from None
    except BaseException:
        _remove_temps(opened)
        raise
    for p, _, _ in opened:
        clean_temp_files(p)


def _remove_temps(opened: "list[tuple[Path, str, BinaryIO]]") -> None:
    for _, tmp, _ in opened:
        Path(tmp).unlink(missing_ok=True)  # a temporary file already renamed into place is not there


def _open_temp(p: Path) -> tuple[Path, str, BinaryIO]:
    """(the file to replace, its temporary sibling, the temporary file open for writing)."""
    if p.is_dir():
        raise UsageError("cannot write the output: it is a folder; name a file", path=p)
    if p.is_symlink():  # the link stays a link: the file it points to is replaced
        p = Path(os.path.realpath(p))
        if p.is_dir():
            raise UsageError("cannot write the output: it is a folder; name a file", path=p)
    from surveykit.io.run_claims import temp_prefix

    tmp = None
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=temp_prefix(p.name), suffix=".tmp", dir=p.parent)
        try:  # a file replaced keeps its permissions (a private coded file stays private)
            mode = stat.S_IMODE(p.stat().st_mode)
        except OSError:
            mode = 0o666 & ~_umask()
        os.fchmod(fd, mode)
        return p, tmp, os.fdopen(fd, "wb")
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise UsageError(_write_problem(exc, p), path=p) from None
