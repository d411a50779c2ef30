"""One BLAS thread while surveykit's small matrices are worked on.

The disclosure checks decompose thousands of matrices of a few dozen rows (``disclosure``,
``foi.linked``); on such sizes a second BLAS thread only spins waiting for work, on a core that
something else could use: ``surveykit.compare`` of 2,000 respondents by region took 4.8 s of CPU
with the default threads against 2.8 s with one, in the same wall time. ``surveykit report``
(``pipeline``) has run under one thread since it could fork helpers; the library functions and the
other commands now do too, wherever they reach the checks.

``one_blas_thread()`` limits the process's BLAS to one thread for the block (``threadpoolctl``, which
restores the previous limit afterwards); a block inside another (a report's thousands of checks)
does nothing, the outer one holds the limit. Finding the BLAS libraries a process has loaded costs
about half a millisecond, as much as a small check, so they are found once and again only once scipy's
linear algebra (which brings a BLAS of its own) has been loaded since.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Iterator

_LIMITED: ContextVar[bool] = ContextVar("surveykit_one_blas_thread", default=False)
_CONTROLLER: "tuple[Any, bool] | None" = None  # (threadpoolctl controller, scipy.linalg was loaded)


def _controller() -> Any:
    global _CONTROLLER
    scipy_loaded = "scipy.linalg" in sys.modules
    if _CONTROLLER is None or (scipy_loaded and not _CONTROLLER[1]):
        from threadpoolctl import ThreadpoolController

        _CONTROLLER = (ThreadpoolController(), scipy_loaded)
    return _CONTROLLER[0]


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Within the block the process's BLAS uses one thread; a nested block keeps the outer one's."""
    if _LIMITED.get():
        yield
        return
    token = _LIMITED.set(True)
    try:
        with _controller().limit(limits=1, user_api="blas"):
            yield
    finally:
        _LIMITED.reset(token)
