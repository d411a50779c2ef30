"""Objects that are costly to build and never change once built, kept per thread for reuse.

A rule coder (``rules.rule_coder``) and a redactor (``quotes``) are functions of what they were
built from; a report builds several from the same codebook and instrument. ``reused`` keeps the
last few per thread (a RuleCoder is not thread-safe), keyed by what they were built from."""

from __future__ import annotations

import threading
from typing import Any, Callable, Hashable, TypeVar

T = TypeVar("T")

#: How many objects of one kind a thread keeps (the oldest goes first).
KEEP = 4


def reused(store: threading.local, key: Hashable, make: Callable[[], T]) -> T:
    """``make()``, or the object it made before in this thread for an equal ``key``."""
    try:
        hash(key)
    except TypeError:  # what it is built from cannot be compared: build it afresh
        return make()
    table: dict[Any, Any] | None = getattr(store, "table", None)
    if table is None:
        table = store.table = {}
    found = table.get(key)
    if found is None:
        if len(table) >= KEEP:
            del table[next(iter(table))]
        found = table[key] = make()
    return found
