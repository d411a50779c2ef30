"""Importing scipy.stats for a process that only computes.

``import_scipy_stats(lean=True)`` skips the docstring rewriting scipy does as it imports (about 40%
of the import) and keeps ``numpy.f2py`` out of it; the functions and their numbers are scipy's. The
report and the commands whose tests need scipy.stats import it this way; the library's own functions
import scipy as scipy does. ``surveykit.stats`` offers ``import_scipy_stats`` too.
"""

from __future__ import annotations

from typing import Any, Callable


def import_scipy_stats(*, lean: bool = False) -> None:
    """Import ``scipy.stats`` (a no-op once it is imported).

    ``lean``: for a process that only computes (``surveykit report``): skip the docstring rewriting
    scipy does while it imports (its decorators parse and re-render the numpydoc text of hundreds of
    functions to append notes, about 40% of the import), so every function keeps its own docstring
    as written. Nothing but ``__doc__`` depends on that step; the stand-in is used only during this
    import and every module's own reference is put back afterwards. Any other scipy (no such parser)
    is imported as usual."""
    import sys

    if "scipy.stats" in sys.modules:
        return
    if not lean:
        import scipy.stats  # noqa: F401
        return
    try:
        import scipy._lib._docscrape as docscrape

        original = docscrape.FunctionDoc
    except (ImportError, AttributeError):
        import scipy.stats  # noqa: F401
        return

    class _Unparsed:
        """FunctionDoc's interface over the docstring as it is: empty sections, rendered unchanged."""

        def __init__(self, obj: Any, *args: Any, **kwargs: Any) -> None:
            self._doc = getattr(obj, "__doc__", None) or ""
            self._sections: dict[str, Any] = {}

        def __getitem__(self, key: str) -> Any:
            return self._sections.setdefault(key, [])

        def __setitem__(self, key: str, value: Any) -> None:
            self._sections[key] = value

        def __str__(self) -> str:
            return "\n" + self._doc  # callers drop the first line (the signature)

    patched = [m for m in list(sys.modules.values()) if getattr(m, "__dict__", {}).get("FunctionDoc", None) is original]
    docscrape.FunctionDoc = _Unparsed
    for module in patched:
        module.FunctionDoc = _Unparsed
    f2py = _f2py_deferred()
    try:
        import scipy.stats  # noqa: F401
    except Exception:  # noqa: BLE001 - a scipy that needs more of the parser: the usual import below
        pass
    finally:
        for module in list(sys.modules.values()):
            if getattr(module, "__dict__", {}).get("FunctionDoc", None) is _Unparsed:
                module.FunctionDoc = original
        f2py()
    # A module that failed under the stand-in is not in sys.modules: imported again with scipy's own
    # parser (an error now is scipy's, as without ``lean``).
    import scipy.stats  # noqa: F401,F811


def _f2py_deferred() -> Callable[[], None]:
    """Keep ``numpy.f2py`` (Fortran wrapper generation, and charset_normalizer with it: about 0.05 s)
    from being imported by scipy's ``from numpy import *`` (its array API layer copies numpy's
    namespace, submodules included). Until the returned function is called, ``numpy.f2py`` is a
    stand-in that imports the real module when one of its names is asked for; afterwards, numpy's own
    lazy import serves ``numpy.f2py`` again. Nothing is done when it is imported already."""
    import sys
    import types

    import numpy

    if "numpy.f2py" in sys.modules or "f2py" in numpy.__dict__:
        return lambda: None

    class _Deferred(types.ModuleType):
        def __getattr__(self, name: str) -> Any:
            if sys.modules.get("numpy.f2py") is self or name.startswith("__"):
                raise AttributeError(name)
            import importlib

            return getattr(importlib.import_module("numpy.f2py"), name)

    stand_in = _Deferred("numpy.f2py")
    sys.modules["numpy.f2py"] = stand_in
    numpy.f2py = stand_in  # type: ignore[attr-defined]  # so that numpy's lazy import is not run

    def restore() -> None:
        if sys.modules.get("numpy.f2py") is stand_in:
            del sys.modules["numpy.f2py"]
        if numpy.__dict__.get("f2py") is stand_in:
            del numpy.f2py  # type: ignore[attr-defined]

    return restore


__all__ = ["import_scipy_stats"]
