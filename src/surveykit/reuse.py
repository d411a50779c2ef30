"""Work done once within a block: a report's build counts the same columns for many tables, and
codes and quotes several fields with one codebook.

Inside ``reusing()`` (``report.build.build_report`` opens one) ``reused(kind, key, make)`` gives
what ``make()`` made before for an equal ``key``, and everything is let go when the block ends.
Outside a block it builds afresh: some of what is built grows as it is used (a rule coder remembers
every token it has classified) and must not live as long as a notebook or a server. The block is a
context variable, so a thread started inside it (which runs in a fresh context) builds its own: a
RuleCoder is not thread-safe. A child forked inside a block keeps a copy.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Callable, Hashable, Iterator, TypeVar

T = TypeVar("T")

# kind -> {key: what was made}, for the duration of the outermost block.
_BLOCK: "ContextVar[dict[str, dict[Any, Any]] | None]" = ContextVar("surveykit_reuse", default=None)
_MISSING = object()


@contextmanager
def reusing() -> Iterator[None]:
    """Within the block, ``reused`` keeps what it makes; a nested block shares the outer one's."""
    if _BLOCK.get() is not None:
        yield
        return
    token = _BLOCK.set({})
    try:
        yield
    finally:
        _BLOCK.reset(token)


def reused(kind: str, key: Hashable, make: Callable[[], T], *, keep: int | None = None) -> T:
    """``make()``, or inside ``reusing()`` what it made before for this ``kind`` and an equal ``key``.

    ``keep``: at most this many of this kind are kept (the oldest goes first); None: all."""
    block = _BLOCK.get()
    if block is None:
        return make()
    try:
        hash(key)
    except TypeError:  # what it is built from cannot be compared: build it afresh
        return make()
    table = block.setdefault(kind, {})
    found = table.get(key, _MISSING)
    if found is _MISSING:
        if keep is not None and len(table) >= keep:
            del table[next(iter(table))]
        found = table[key] = make()
    return found
