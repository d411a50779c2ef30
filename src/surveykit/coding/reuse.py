"""Objects that are costly to build and never change what they give, reused within a block of work.

A rule coder (``rules.rule_coder``) and a quote redactor (``quotes``) are functions of what they are
built from, and a report builds several from the same codebook and instrument. Inside ``reusing()``
(``report.build.build_report`` opens one), ``reused`` keeps the last few it built in this thread,
keyed by what they were built from, and they are let go when the outermost block ends. Outside a
block it builds afresh every time: a rule coder remembers every token it has classified, so one kept
for the life of a long-running process (a notebook, a server) would keep growing.

Per thread, because a RuleCoder is not thread-safe; a child forked inside a block keeps a copy.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any, Callable, Hashable, Iterator, TypeVar

T = TypeVar("T")

#: How many objects a thread keeps inside a block (the oldest goes first).
KEEP = 8

_LOCAL = threading.local()


@contextmanager
def reusing() -> Iterator[None]:
    """Within this block (in this thread), ``reused`` keeps what it builds; nested blocks share it."""
    depth = getattr(_LOCAL, "depth", 0)
    _LOCAL.depth = depth + 1
    try:
        yield
    finally:
        _LOCAL.depth = depth
        if not depth:
            _LOCAL.table = {}


def reused(kind: str, key: Hashable, make: Callable[[], T]) -> T:
    """``make()``, or inside ``reusing()`` the object of this ``kind`` it made before for an equal ``key``."""
    if not getattr(_LOCAL, "depth", 0):
        return make()
    try:
        hash(key)
    except TypeError:  # what it is built from cannot be compared: build it afresh
        return make()
    table: dict[Any, Any] | None = getattr(_LOCAL, "table", None)
    if table is None:
        table = _LOCAL.table = {}
    found = table.get((kind, key))
    if found is None:
        if len(table) >= KEEP:
            del table[next(iter(table))]
        found = table[(kind, key)] = make()
    return found
