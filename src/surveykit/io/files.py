"""Opening an input file safely: one clear error for anything that is not a readable regular file.

Every reader goes through ``read_input`` (or ``open_input``, for zip archives read by seeking rather than
whole): a named pipe, a device or a socket is refused before it
is read (reading one would block for ever or never end), a symbolic-link loop is named as such, and
a file that changes into something else between the check and the read is caught on the open
descriptor itself (``fstat``), not on the path.
"""

from __future__ import annotations

import errno
import os
import stat
import threading
from pathlib import Path
from typing import BinaryIO

from surveykit.errors import InputError, SurveykitError

# Larger than any survey export we have met by two orders of magnitude; a guard against /dev/zero-like
# surprises and accidental multi-gigabyte inputs that would exhaust memory.
MAX_INPUT_BYTES = 2 * 1024 ** 3

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _kind_problem(mode: int, what: str) -> str | None:
    if stat.S_ISDIR(mode):
        return f"expected {what}, got a directory"
    for test, name in _KINDS:
        if test(mode):
            return f"expected {what}, got {name}"
    if not stat.S_ISREG(mode):
        return f"expected {what}, got something that is not a regular file"
    return None


def _os_problem(exc: OSError, path: Path) -> str:
    if exc.errno == errno.ELOOP:
        return "the path is a loop of symbolic links"
    if exc.errno == errno.ENOENT:
        if path.is_symlink():
            return "the path is a symbolic link to a file that does not exist"
        return "file not found"
    if exc.errno == errno.ENOTDIR:
        return "file not found (a part of the path is not a folder)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied: the file cannot be read"
    if exc.errno == errno.ENAMETOOLONG:
        return "the file name is too long"
    return f"cannot read the file ({exc.strerror or type(exc).__name__})"


def input_problem(path: str | Path, *, what: str = "a file") -> str | None:
    """What makes ``path`` unusable as an input file (missing, a loop, a directory, a pipe, a device,
    a socket), or None when it is a regular file."""
    p = Path(path)
    try:
        st = os.stat(p)
    except OSError as exc:
        return _os_problem(exc, p)
    except ValueError:  # a NUL character in the path
        return "the file name is not valid"
    return _kind_problem(st.st_mode, what)


def check_input(path: str | Path, *, what: str = "a file", error: type[SurveykitError] = InputError) -> Path:
    """Refuse (``error``) a path that is missing, a loop, a directory, a pipe, a device or a socket."""
    p = Path(path)
    problem = input_problem(p, what=what)
    if problem:
        raise error(problem, path=p)
    return p


def _open_checked(p: Path, what: str, error: type[SurveykitError], max_bytes: int) -> tuple[int, os.stat_result]:
    """A read-only descriptor of a regular file of at most ``max_bytes`` (checked on the descriptor)."""
    try:
        # O_NONBLOCK: should the path have become a FIFO since the check, open() must not wait for a writer.
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise error(_os_problem(exc, p), path=p) from None
    try:
        st = os.fstat(fd)
        problem = _kind_problem(st.st_mode, what)
        if problem:
            raise error(problem, path=p)
        if st.st_size > max_bytes:
            raise error(f"the file is {st.st_size:,} bytes, more than the {max_bytes:,} surveykit reads", path=p)
    except BaseException:
        os.close(fd)
        raise
    return fd, st


def open_input(path: str | Path, *, what: str = "a file", error: type[SurveykitError] = InputError,
               max_bytes: int = MAX_INPUT_BYTES) -> BinaryIO:
    """A binary file object of a regular file, with the checks of ``read_input``, for readers that seek
    rather than read everything (zip archives). The caller closes it."""
    p = check_input(path, what=what, error=error)
    fd, _ = _open_checked(p, what, error, max_bytes)
    return os.fdopen(fd, "rb")


def read_input(path: str | Path, *, what: str = "a file", error: type[SurveykitError] = InputError,
               max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a regular file, or one clear ``error`` naming the file and what is wrong."""
    return read_input_hashed(path, what=what, error=error, max_bytes=max_bytes)[0]


def read_input_hashed(path: str | Path, *, what: str = "a file", error: type[SurveykitError] = InputError,
                      max_bytes: int = MAX_INPUT_BYTES) -> tuple[bytes, str | None]:
    """``read_input``, and the bytes' SHA-256 in hex where it was computed as the file was read ahead
    (``read_ahead``; None otherwise)."""
    p = check_input(path, what=what, error=error)
    ahead = _take_read_ahead(p, max_bytes)
    if ahead is not None:
        return ahead
    return _read_checked(p, what, error, max_bytes), None


def _read_checked(p: Path, what: str, error: type[SurveykitError], max_bytes: int) -> bytes:
    fd, st = _open_checked(p, what, error, max_bytes)
    try:
        chunks = []
        size = 0
        # A regular file is read in one call of its size (no second copy to join a large export);
        # whatever follows (a file still growing) in chunks, within the limit.
        want = st.st_size + 1 if st.st_size else 1 << 20
        while True:
            chunk = os.read(fd, want)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise error(f"the file is larger than the {max_bytes:,} bytes surveykit reads", path=p)
            chunks.append(chunk)
            want = 1 << 20
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    except OSError as exc:
        raise error(_os_problem(exc, p), path=p) from None
    finally:
        os.close(fd)


# -- reading ahead ---------------------------------------------------------------------------------

#: From this size a command reads its export while it imports what it needs (``read_ahead``).
READ_AHEAD_BYTES = 8 * 1024 ** 2
# Suffixes of files read by seeking into them (``open_input``), not whole: never read ahead.
_SEEKED_SUFFIXES = (".xlsx", ".xlsm", ".zip", ".qdpx")

_ahead_lock = threading.Lock()
_ahead: dict[str, tuple[threading.Thread, list]] = {}


def _identity(st: os.stat_result) -> tuple[int, int, int, int]:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def read_ahead(path: str | Path | None) -> None:
    """Start reading ``path`` (a regular file of ``READ_AHEAD_BYTES`` or more) and computing its SHA-256
    in a thread, for ``read_input`` to take. A command calls this before it imports pandas: for a few
    tenths of a second one core imports while the other, and the disk, would otherwise wait.

    Only what ``read_input`` would read is taken: the thread opens and checks the file as it does, and
    ``read_input`` takes the bytes only while the file still has the identity, size and modification
    time it had once read. On any problem the thread keeps nothing, and ``read_input`` reads the file
    itself (and names what is wrong)."""
    if path is None:
        return
    try:
        p = Path(path)
        if p.suffix.lower() in _SEEKED_SUFFIXES:
            return
        st = os.stat(p)
        if not stat.S_ISREG(st.st_mode) or not READ_AHEAD_BYTES <= st.st_size <= MAX_INPUT_BYTES:
            return
        key = os.path.abspath(p)
    except (OSError, ValueError):
        return
    out: list = []

    def read() -> None:
        import hashlib

        try:
            fd, _ = _open_checked(p, "a file", InputError, MAX_INPUT_BYTES)
        except SurveykitError:
            return
        try:
            data = os.read(fd, st.st_size + 1)
            after = os.fstat(fd)
        except OSError:
            return
        finally:
            os.close(fd)
        if len(data) != after.st_size:  # growing as it was read: read_input reads it itself
            return
        out.append((_identity(after), data, hashlib.sha256(data).hexdigest()))

    worker = threading.Thread(target=read, name="surveykit-read-ahead", daemon=True)
    with _ahead_lock:
        if key in _ahead:
            return
        _ahead[key] = (worker, out)
    worker.start()


def _take_read_ahead(p: Path, max_bytes: int) -> tuple[bytes, str] | None:
    """The bytes and SHA-256 of ``p`` read ahead, if they are still the file's (given up either way)."""
    if not _ahead:
        return None
    try:
        key = os.path.abspath(p)
    except (OSError, ValueError):
        return None
    with _ahead_lock:
        entry = _ahead.pop(key, None)
    if entry is None:
        return None
    worker, out = entry
    worker.join()
    if not out:
        return None
    identity, data, digest = out.pop()
    try:
        now = _identity(os.stat(p))
    except OSError:
        return None
    if now != identity or len(data) > max_bytes:
        return None
    return data, digest


def forget_read_ahead() -> None:
    """Let go of every file read ahead and not taken (a command that ended before reading its input)."""
    with _ahead_lock:
        _ahead.clear()
