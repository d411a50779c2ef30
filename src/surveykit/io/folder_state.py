"""What is at an output folder now, and what killed runs left beside it.

``folder_state`` reads a folder surveykit may write (its marker, or the manifest of an older report) and
sorts its files into ours, changed and foreign; ``check_output_folder`` refuses, before any work, a folder
surveykit may not write into. ``clean_debris`` removes, or puts back, the hidden siblings of killed runs
(judged by their claims: ``io.run_claims``). Both run before a folder is built and again when it is
committed (``io.folder``), so they are kept apart from the writing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from surveykit.errors import UsageError
from surveykit.io.run_claims import ASIDE, SENTINEL, _debris_patterns, claim_alive

FORMAT_VERSION = 1
LEGACY_AGE_S = 3600  # debris of older surveykit versions carries no process id: only old enough is surely dead

Legacy = Callable[[Path], "Mapping[str, str] | None"]


def marker_name(kind: str) -> str:
    return f".surveykit-{kind}.json"


# -- the state of a folder ------------------------------------------------------------------------

def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _json_file(path: Path) -> Any:
    """The JSON document of a regular file (not a link), or None when it is missing or unreadable."""
    if not path.is_file() or path.is_symlink():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None


def read_marker(folder: Path, kind: str) -> "dict[str, str | None] | None":
    """The files (relative path -> sha256) the marker of ``kind`` lists, or None without a valid marker."""
    doc = _json_file(folder / marker_name(kind))
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
    doc = _json_file(manifest)
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
