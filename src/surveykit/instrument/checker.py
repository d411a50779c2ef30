"""The checker of an instrument document: the ``_Checker`` that reads one value at a key path
(a mapping, a list, text, an id, a flag, a choice, a file named beside the instrument) and turns a
problem into one ``InstrumentError``, and the helpers that keep its messages one short line."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from surveykit.errors import InstrumentError


def _show(values: Iterable[object]) -> str:
    parts, size = [], 0
    for v in values:
        if size > 300:
            break
        parts.append(_short(v))
        size += len(parts[-1]) + 2
    out = ", ".join(parts)
    return out if len(out) <= 300 else out[:297] + "..."


def _short(value: Any, limit: int = 60) -> str:
    """``repr`` of a value from the file, cut to ``limit`` characters and "…": a message stays one short
    line whatever the file holds."""
    if isinstance(value, str) and len(value) > limit:
        return repr(value[:limit]) + "\u2026"
    try:
        text = repr(value)
    except ValueError:  # an int too long to be made text
        return f"a {type(value).__name__}"
    return text if len(text) <= limit else text[:limit] + "\u2026"


def _key(value: Any, limit: int = 60) -> str:
    """A key of the file as it appears in a key path (``scales.<key>``), cut like ``_short``."""
    text = str(value) if isinstance(value, str) else _short(value, limit)
    return text if len(text) <= limit else text[:limit] + "\u2026"


class _Checker:
    def __init__(self, path: str, folder: str | None) -> None:
        self.path = path
        self.folder = Path(folder) if folder else (Path(path).parent if path and not path.startswith("<") else None)

    def fail(self, where: str, problem: str) -> InstrumentError:
        return InstrumentError(f"{where}: {problem}" if where else problem, path=self.path)

    def mapping(self, value: Any, where: str, keys: tuple[str, ...] | None = None) -> dict:
        if not isinstance(value, dict):
            raise self.fail(where, f"must be a mapping (key: value); got {_kind(value)}")
        if keys is not None:
            for k in value:
                if k not in keys:
                    raise self.fail(f"{where}.{_key(k)}" if where else _key(k),
                                    f"unknown key; allowed keys are {_show(keys)}")
        return value

    def seq(self, value: Any, where: str, *, empty: bool = True) -> list:
        if not isinstance(value, list):
            raise self.fail(where, f"must be a list; got {_kind(value)}")
        if not empty and not value:
            raise self.fail(where, "must not be empty")
        return value

    def text(self, value: Any, where: str, *, required: bool = True) -> str:
        if value is None:
            if required:
                raise self.fail(where, "is required")
            return ""
        if isinstance(value, (dict, list)):
            raise self.fail(where, f"must be text; got {_kind(value)}")
        return " ".join(str(value).split())

    def ident(self, value: Any, where: str) -> str:
        # Ids name the report's files and columns: checked here, where the instrument's path and the
        # field can be named, not when the report is written.
        text = "" if value is None or isinstance(value, (dict, list, bool)) else str(value).strip()
        if not _IDENT.fullmatch(text):
            raise self.fail(where, "must be an id (letters a-z, digits, '_' and '-', not starting with '-', at "
                                   f"most 200 characters); got {str(value)[:60]!r}")
        return text

    def flag(self, value: Any, where: str) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            raise self.fail(where, f"must be true or false; got {_short(value)}")
        return value

    def codes(self, value: Any, where: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(where, f"must be a list of option codes, e.g. [\"4\", \"5\"]; got {_short(value)}")
        return tuple(str(v) for v in value)

    def choice(self, value: Any, where: str, allowed: Iterable[str]) -> str:
        allowed = tuple(allowed)
        if value not in allowed:
            raise self.fail(where, f"must be one of {_show(allowed)}; got {_short(value)}")
        return value

    def resolve(self, name: str, where: str, *, shipped_dir: Path) -> str:
        """A file named in the instrument: beside the instrument first, else a shipped file."""
        p = Path(name)
        candidates = [p] if p.is_absolute() else ([self.folder / p] if self.folder else []) + [shipped_dir / p]
        if not p.suffix:
            candidates += [c.with_suffix(".yaml") for c in candidates]
        for c in candidates:
            if c.is_file():
                return str(c)
        raise self.fail(where, f"file {_short(name)} not found beside the instrument or among the shipped codebooks")


_IDENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,199}")


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number",
            float: "a number", type(None): "nothing"}.get(type(value), type(value).__name__) + f" ({_short(value, 48)})"
