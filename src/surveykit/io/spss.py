"""SPSS ``.sav`` files (read with pyreadstat).

Values become the strings an export would carry: a value with a value label becomes its label
(``4`` -> ``Agree``), other numbers their shortest form (``3.0`` -> ``3``), dates ISO text.

User-missing values and ranges (SPSS "missing values") are applied as declared, with one rule:
a user-missing value whose label reads like *don't know* (``Don't know``, ``DK``, ``Not sure``,
``Unsure``, ``No idea``) becomes ``Don't know`` (typed later as DK, kept apart from blank); every
other user-missing value (``Not answered``, ``Refused``, ``Skipped``, unlabelled codes) becomes blank.
Values that are labelled but *not* declared missing (a ``7 = I don't know`` left undeclared) keep
their label, so the instrument decides what they mean.

Each variable is a ``Column(header=variable name, extra=(variable label,))``; ``meta`` holds
``variable_labels`` (column index -> label, used by mapping: method ``label``), ``value_labels``,
``missing`` (index -> the declared missing values/ranges) and ``mr_sets`` (multiple-response sets:
name -> {label, type, counted_value, variables}).
"""

from __future__ import annotations

import re
from typing import Any

from surveykit.errors import InputError
from surveykit.io.base import Column, RawExport, Sniff
from surveykit.io.cells import spreadsheet_text
from surveykit.io.registry import register
from surveykit.io.xlsx_sheets import cell_text

DK_LABEL = "Don't know"
_DK_WORDS = re.compile(r"\b(don'?t|dont|do not|does not|doesn'?t)\s+know\b|^\s*dk\s*$|\bnot sure\b|\bunsure\b|"
                       r"\bno idea\b|\bweiss nicht\b|\bwei\u00df nicht\b|\bne sais pas\b|\bno s[eé]\b", re.I)


def looks_like_dont_know(label: str) -> bool:
    return bool(_DK_WORDS.search(label.replace("\u2019", "'")))


class SpssReader:
    name = "spss"
    label = "SPSS .sav file (value labels, user-missing values, multiple-response sets)"

    def detect(self, sniff: Sniff) -> float:
        return 1.0 if sniff.kind == "sav" else 0.0

    def read(self, sniff: Sniff) -> RawExport:
        if sniff.kind != "sav":
            what = {"text": "a text (CSV) file", "xlsx": "an Excel workbook"}.get(sniff.kind, "some other file")
            raise InputError(f"this is not an SPSS .sav file (it lacks the $FL2 signature; it is {what}); "
                             "leave out --platform spss to read it as what it is", path=sniff.path)
        return read_sav_isolated(str(sniff.path), sniff.sha256)


def read_sav_isolated(path: str, sha256: str) -> RawExport:
    """Read a .sav in a child process: the C library under pyreadstat can crash (segmentation fault) or
    exhaust memory on a damaged file, and that must end as one clear error, not take surveykit down."""
    import multiprocessing as mp
    import sys

    methods = mp.get_all_start_methods()
    # fork is quick (the child already has pandas and pyreadstat imported); macOS and Windows spawn.
    ctx = mp.get_context("fork" if "fork" in methods and sys.platform.startswith("linux") else "spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_read_in_child, args=(path, sha256, sender), daemon=True)
    proc.start()
    sender.close()
    result = None
    try:
        while True:
            if receiver.poll(0.05):
                try:
                    result = receiver.recv()
                except (EOFError, OSError):
                    result = None
                break
            if not proc.is_alive():
                if receiver.poll(0):
                    continue
                break
    finally:
        receiver.close()
        proc.join(5)
        if proc.is_alive():  # pragma: no cover - the child sent its answer and should be gone
            proc.kill()
            proc.join()
    if result is None:
        code = proc.exitcode
        how = f"the SPSS reader crashed on it, signal {-code}" if code is not None and code < 0 else \
            "the SPSS reader stopped without an answer"
        raise InputError(f"this SPSS .sav file is damaged or truncated ({how})", path=path)
    status, payload = result
    if status == "ok":
        return payload
    if status == "input":
        raise InputError(payload, path=path)
    if status == "memory":
        raise InputError(f"this SPSS .sav file is too large to read ({payload})", path=path)
    raise InputError(f"this SPSS .sav file is damaged or truncated ({payload})", path=path)


# Reading a .sav whose claims pass ``_check_claimed_size`` may take at most this much memory beyond what
# the process held when it started reading: a fixed allowance (pandas, pyreadstat's buffers, the malloc
# arenas) and, per cell the file's size could hold, over twice what a cell costs at most (measured: about
# 200 bytes for a distinct number, held in the data frame, as text, in a row and pickled to be sent back).
CHILD_MEMORY_FIXED = 2 * 1024 ** 3
CHILD_MEMORY_PER_CELL = 512


def _limit_child_memory(path: str) -> None:
    """A backstop in the reading process: an address-space limit (RLIMIT_AS) of what it holds now plus
    ``CHILD_MEMORY_FIXED`` and ``CHILD_MEMORY_PER_CELL`` for each cell the file's size could hold, so a
    file that still asks the C library for absurd memory ends as a MemoryError ("too large to read")
    instead of swapping the machine. Never raises a limit already set; does nothing where it cannot.
    Called once pandas and pyreadstat are imported: what they map (thread stacks) is counted as held."""
    import os

    try:
        import resource

        with open("/proc/self/statm", "rb") as f:
            held = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        size = os.path.getsize(path)
        fields = _header_fields(path)
        compression = fields[2] if fields else 2
        want = held + CHILD_MEMORY_FIXED + CHILD_MEMORY_PER_CELL * _max_cells(size, compression)
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        if soft != resource.RLIM_INFINITY and soft <= want:
            return
        resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    except (ImportError, OSError, ValueError, IndexError, AttributeError):  # not Linux, or no /proc
        pass


# The smallest a stored cell (one 8-byte element of a case) can be, by the header's compression code:
# uncompressed 8 bytes; bytecode-compressed one command byte (codes 1-251 a small number, 254 spaces, 255
# system-missing; no code stands for more than one element); zlib-compressed (.zsav) that byte deflated,
# and deflate packs at most 1,032 to one.
_MIN_CELL_BYTES = {0: 8, 1: 1}
_ZLIB_MAX_RATIO = 1032


def _max_cells(size: int, compression: int) -> int:
    """The most cells (cases x variables) a .sav of ``size`` bytes can hold, given its compression code (an
    unknown code is taken as the most compact, zlib)."""
    if compression in _MIN_CELL_BYTES:
        return size // _MIN_CELL_BYTES[compression]
    return size * _ZLIB_MAX_RATIO


def _header_fields(path: str) -> "tuple[int, int, int] | None":
    """(cases claimed, elements per case, compression code) from a .sav's 176-byte file header, in the
    byte order its layout code shows; None when the header is cut short."""
    import struct

    with open(path, "rb") as f:
        head = f.read(176)
    if len(head) < 84 or head[:4] not in (b"$FL2", b"$FL3"):
        return None
    order = "<" if struct.unpack("<i", head[64:68])[0] in (2, 3) else ">"
    case_size, compression, _weight, cases = struct.unpack(order + "iiii", head[68:84])
    if head[:4] == b"$FL3":
        compression = 2
    return cases, case_size, compression


def _check_claimed_size(path: str, rows: "int | None", columns: int) -> None:
    """Refuse a file whose header claims more cases than its size can hold: pyreadstat sets aside room for
    every claimed case before reading one, so a 2 KB file claiming 50 million cases would take gigabytes
    and then fail. (A header that leaves the count open, -1, is read as the data runs.)"""
    import os

    if not rows or rows <= 0 or columns <= 0:
        return
    fields = _header_fields(path)
    compression = fields[2] if fields else 2
    size = os.path.getsize(path)
    if rows * columns > _max_cells(size, compression):
        raise InputError(f"this SPSS .sav file is damaged or truncated: its header claims {rows:,} cases of "
                         f"{columns:,} variables, more than its {size:,} bytes can hold")


def _read_in_child(path: str, sha256: str, conn) -> None:
    import faulthandler
    import os

    # A crash here is reported by the parent as one line; the child must not print a dump of its own.
    faulthandler.disable()
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass
    try:
        import pandas  # noqa: F401 - imported before the limit is set: see _limit_child_memory
        import pyreadstat  # noqa: F401
    except ImportError:
        pass
    _limit_child_memory(path)
    try:
        try:
            raw = _read_sav(path, sha256)
        except InputError as exc:
            conn.send(("input", exc.message))
        except MemoryError:
            conn.send(("memory", "it needs more memory than is allowed"))
        except Exception as exc:  # noqa: BLE001 - pyreadstat raises ReadstatError/PyreadstatError and others
            conn.send(("damaged", type(exc).__name__))
        else:
            try:
                conn.send(("ok", raw))
            except MemoryError:  # sending pickles the whole answer first: nothing was written
                del raw
                conn.send(("memory", "it needs more memory than is allowed"))
    finally:
        conn.close()


def _read_sav(path: str, sha256: str) -> RawExport:
    import pyreadstat

    # The dictionary alone first (quick): a header claiming more cases than the file holds is refused
    # before pyreadstat sets aside room for them.
    _, head = pyreadstat.read_sav(path, metadataonly=True)
    _check_claimed_size(path, head.number_rows, head.number_columns or len(head.column_names or ()))
    del head
    frame, meta = pyreadstat.read_sav(path, user_missing=True)
    names = list(meta.column_names)
    labels = list(meta.column_labels or [None] * len(names))
    value_labels = meta.variable_value_labels or {}
    ranges = meta.missing_ranges or {}
    user_values = getattr(meta, "missing_user_values", None) or {}
    counts = {"dk": 0, "blank": 0}
    columns: list[Column] = []
    data_cols: list[list[str]] = []
    for j, name in enumerate(names):
        var_label = spreadsheet_text((labels[j] or "").strip()) if j < len(labels) else ""
        vl = value_labels.get(name, {})
        if vl:
            value_labels[name] = {k: spreadsheet_text(v) for k, v in vl.items()}
        columns.append(Column(index=j, header=name, extra=(var_label,) if var_label else ()))
        missing = _missing_test(ranges.get(name, []), user_values.get(name, []))
        out = _column_text(frame[name], vl, missing, counts)
        data_cols.append(out)
    rows = tuple(zip(*data_cols)) if data_cols else ()
    if not rows and len(frame):
        rows = tuple(() for _ in range(len(frame)))
    notes = [f"SPSS file encoding {meta.file_encoding or 'unknown'}"]
    if counts["dk"] or counts["blank"]:
        notes.append(f"user-missing values: {counts['dk']} labelled don't know -> Don't know, "
                     f"{counts['blank']} others -> blank")
    mr_sets = {}
    for set_name, mr in (getattr(meta, "mr_sets", None) or {}).items():
        mr_sets[set_name] = {"label": mr.get("label", ""), "type": mr.get("type"),
                             "counted_value": mr.get("counted_value"),
                             "variables": list(mr.get("variable_list", []))}
        notes.append(f"multiple-response set {set_name} ({'dichotomy' if mr.get('is_dichotomy') else 'categories'}"
                     f"): {', '.join(mr.get('variable_list', []))}")
    meta_out = {
        "variable_labels": {j: c.extra[0] for j, c in enumerate(columns) if c.extra},
        "value_labels": {j: {_number_text(k): str(v) for k, v in value_labels[n].items()}
                         for j, n in enumerate(names) if n in value_labels},
        "missing": {j: ranges[n] for j, n in enumerate(names) if n in ranges},
        "mr_sets": mr_sets,
    }
    return RawExport(path=path, platform=SpssReader.name, encoding=str(meta.file_encoding or "sav"),
                     sha256=sha256, columns=tuple(columns), rows=rows, header_rows=0,
                     notes=tuple(notes), meta=meta_out)


def _column_text(series, labels: dict[Any, str], missing, counts: dict[str, int]) -> list[str]:
    """One variable's values as export strings, converted once per distinct value (pandas factorize)."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    texts = np.empty(len(uniques) + 1, dtype=object)
    kinds = []
    for k, u in enumerate(uniques):
        text, kind = _value_text(u, labels, missing)
        texts[k] = text
        kinds.append(kind)
    texts[len(uniques)] = ""  # code -1: missing (NaN / NaT / None)
    if any(kinds):
        per = np.bincount(codes[codes >= 0], minlength=len(uniques))
        for k, kind in enumerate(kinds):
            if kind:
                counts[kind] += int(per[k])
    return texts[codes].tolist()


def _isnan(v: Any) -> bool:
    """None, NaN and NaT (the only values not equal to themselves)."""
    try:
        return v is None or bool(v != v)
    except (TypeError, ValueError):
        return False


def _missing_test(ranges: list[dict[str, Any]], values: list[Any]):
    bounds = [(r.get("lo"), r.get("hi")) for r in ranges]
    discrete = set(values)

    def is_missing(v: Any) -> bool:
        if v in discrete:
            return True
        for lo, hi in bounds:
            try:
                if lo <= v <= hi:
                    return True
            except TypeError:
                if v == lo or v == hi:
                    return True
        return False

    return is_missing


def _value_text(v: Any, labels: dict[Any, str], missing) -> tuple[str, str]:
    """(text, kind): kind is "dk" or "blank" for user-missing values, "" otherwise."""
    if _isnan(v):
        return "", ""
    if isinstance(v, str) and not v.strip():
        return "", ""
    label = labels.get(v)
    if missing(v):
        if label is not None and looks_like_dont_know(str(label)):
            return DK_LABEL, "dk"
        return "", "blank"
    if label is not None:
        return str(label), ""
    if isinstance(v, float):
        return _number_text(v), ""
    return spreadsheet_text(cell_text(v)), ""  # export-sav escapes strings a spreadsheet could run


def _number_text(v: Any) -> str:
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        return repr(v)
    return str(v)


register(SpssReader())
