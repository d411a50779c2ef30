"""Output files a user names (``--out FILE``): surveykit replaces only the files it wrote itself.

A folder surveykit writes carries a marker (``io.folder``). A single file cannot, so the folder it is
written into keeps a record instead: ``.surveykit-files.json``, the name and SHA-256 of each file
surveykit wrote there. An existing file may be replaced only when the record lists it with its
present SHA-256 (surveykit wrote it and nobody has changed it since), or when it holds exactly the
bytes about to be written (nothing is lost: a rerun of ``surveykit sample`` over the shipped
sample, say). Anything else is refused unless ``force``: a file of the user's that happens to have
the name, or a coded file, mapping or instrument draft the user has edited since.

A record that is not surveykit's (or cannot be read) is left alone. Its files are then refused, which
is the safe way to fail; ``force`` still replaces them.
"""

from __future__ import annotations

import functools
import hashlib
import json
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, Iterator

from surveykit.errors import UsageError

RECORD_NAME = ".surveykit-files.json"
_FORMAT = "surveykit-files"


def check_output_file(path: str | Path, *, force: bool = False, option: str = "--out",
                      new_digest: str | None = None) -> Path:
    """The path to write, refused (``UsageError``, naming ``option``) when a file is there that
    surveykit did not write or that was changed after it wrote it, unless ``force`` or unless it
    holds the bytes whose SHA-256 is ``new_digest`` (what is about to be written)."""
    p = Path(path)
    if p.name == RECORD_NAME:
        raise UsageError(f"{option}: {RECORD_NAME} is surveykit's record of the files it wrote; choose another name",
                         path=p)
    if p.is_dir():
        raise UsageError(f"{option}: cannot write the output: it is a folder; name a file", path=p)
    if force or not (p.exists() or p.is_symlink()) or _ours(p, new_digest):
        return p
    raise UsageError(f"{option}: the file already exists and surveykit did not write it (or it was changed after "
                     "surveykit wrote it); choose another name, or pass --force to replace it", path=p)


def _ours(p: Path, new_digest: str | None = None) -> bool:
    from surveykit.io.folder_state import sha256_file

    if p.is_symlink() or not p.is_file():
        return False
    files = _read_record(p.parent)
    digest = files.get(p.name) if files else None
    if digest is None and new_digest is None:
        return False
    present = sha256_file(p)
    return present in (digest, new_digest)


def _read_record(folder: Path) -> dict[str, str] | None:
    """The record's files (name -> SHA-256): {} when there is none, None when it is not surveykit's."""
    if (folder / RECORD_NAME).is_symlink():
        return None
    try:
        text = (folder / RECORD_NAME).read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError):
        return None
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    if not isinstance(doc, dict) or doc.get("format") != _FORMAT or not isinstance(doc.get("files"), dict):
        return None
    return {name: digest for name, digest in doc["files"].items() if isinstance(name, str) and isinstance(digest, str)}


def record_output_file(path: str | Path, digest: str) -> None:
    """Note in the folder's record that surveykit wrote ``path`` with this SHA-256 (names whose files
    are gone are dropped). A record that is not surveykit's is not touched; a folder where the record
    cannot be written only means that the file will be refused next time, unless forced."""
    from surveykit.io.atomic import write_text
    from surveykit.io.folder import _lock, _unlock

    p = Path(path)
    folder = p.parent
    if (folder / RECORD_NAME).is_symlink():  # not a record of this folder: left alone, as a foreign one is
        return
    lock = _lock(folder)  # two commands writing into one folder keep both entries
    try:
        files = _read_record(folder)
        if files is None:
            return
        files[p.name] = digest
        kept = {name: files[name] for name in sorted(files) if (folder / name).is_file()}
        doc = {"format": _FORMAT, "note": "files surveykit wrote in this folder (name: SHA-256); a file listed "
                                          "here is replaced by surveykit only while it is unchanged",
               "files": kept}
        try:
            write_text(folder / RECORD_NAME, json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
        except (OSError, UsageError):
            pass
    finally:
        _unlock(lock)


class _Hashing:
    """A binary file that hashes what is written to it."""

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh
        self.sha256 = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        return self._fh.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fh, name)


@contextmanager
def owned_writer(path: str | Path, *, force: bool = False, option: str = "--out",
                 new_digest: str | None = None) -> Iterator[BinaryIO]:
    """``io.atomic.atomic_writer`` for a file the user named: refused at once when the file there is
    not surveykit's (see ``check_output_file``; ``new_digest``: the SHA-256 of what will be written,
    when known), checked again just before it is replaced, and recorded as surveykit's once written."""
    from surveykit.io.atomic import atomic_writer

    p = check_output_file(path, force=force, option=option, new_digest=new_digest)
    hashing: _Hashing | None = None

    def recheck() -> None:
        # Also the moment to let a file with the very bytes written be replaced (nothing is lost).
        check_output_file(p, force=force, option=option, new_digest=hashing.sha256.hexdigest() if hashing else None)

    with atomic_writer(p, before_replace=recheck) as fh:
        hashing = _Hashing(fh)
        yield hashing  # type: ignore[misc]
    record_output_file(p, hashing.sha256.hexdigest())


def write_owned_bytes(path: str | Path, data: bytes, *, force: bool = False, option: str = "--out") -> Path:
    """Write ``data`` to a file the user named, atomically; see ``owned_writer``."""
    with owned_writer(path, force=force, option=option, new_digest=hashlib.sha256(data).hexdigest()) as fh:
        fh.write(data)
    return Path(path)


def write_owned_text(path: str | Path, text: str, *, force: bool = False, option: str = "--out") -> Path:
    """Write UTF-8 ``text`` (LF line ends) to a file the user named, atomically; see ``owned_writer``."""
    return write_owned_bytes(path, text.encode("utf-8"), force=force, option=option)


def write_owned_files(files: "list[tuple[Path, bytes]]", *, force: bool = False, option: str = "--out") -> list[Path]:
    """Several files into a folder the user named (``surveykit sample``): every one is checked (see
    ``check_output_file``) before any is written, so a refusal leaves the folder as it was. Every file
    is written in full beside its target before the first replaces anything, so a write that fails
    (a full disk) leaves the old set whole rather than half old and half new."""
    from surveykit.io.atomic import atomic_writers

    digests = [hashlib.sha256(data).hexdigest() for _, data in files]
    paths = [check_output_file(path, force=force, option=option, new_digest=digest)
             for (path, _), digest in zip(files, digests)]
    # Checked again just before the replaces (as owned_writer does), and recorded once written.
    rechecks = [functools.partial(check_output_file, p, force=force, option=option, new_digest=digest)
                for p, digest in zip(paths, digests)]
    with atomic_writers(paths, before_replace=rechecks) as handles:
        for fh, (_, data) in zip(handles, files):
            fh.write(data)
    for p, digest in zip(paths, digests):
        record_output_file(p, digest)
    return [Path(path) for path, _ in files]


def check_not_input(out: str | Path | None, inputs: "list[str | Path | None]", *, option: str = "--out") -> None:
    """Refuse an output path that is one of the command's input files (the same file by any name): an
    input that surveykit wrote itself would otherwise count as replaceable."""
    import os

    if out is None:
        return
    for source in inputs:
        if source is None:
            continue
        try:
            same = os.path.samefile(out, source)
        except (OSError, ValueError):
            continue
        if same:
            raise UsageError(f"{option} is an input file of this command; name another file (surveykit never "
                             "overwrites its input)", path=out)
