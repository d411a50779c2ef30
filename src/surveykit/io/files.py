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
    p = check_input(path, what=what, error=error)
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
