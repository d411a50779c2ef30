"""Option values taken as Typer would take them, without importing pydantic for the plain ones.

Typer 0.2x coerces every option value through a pydantic ``TypeAdapter`` that it builds the first
time a command runs. Importing pydantic and building the adapters costs about 0.1 s on every command
(a sixth of ``surveykit validate`` on the sample), though nearly every value a command receives is a
plain string, path, number or choice that comes out as it went in. ``install()`` gives Typer's
parameters a coercion that takes exactly those values itself, with the result Typer's would give, and
hands every other value (a number spelt another way or out of bounds, a choice in another case, a
value with characters that are not valid UTF-8 ...) to Typer's own coercion, built only then; so an
error message is always Typer's. ``tests/test_cli_coerce.py`` compares the two on every option of every
command, with good and bad values.

Only the Typer versions this was checked against (``VERIFIED``) are touched: an older Typer (click's
own types) or a newer one (whose coercion may differ) keeps its own, and is only slower to start. To
verify a new version, run ``SURVEYKIT_VERIFY_TYPER=1 pytest tests/test_cli_coerce.py`` with it and add
it to ``VERIFIED``.
"""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path
from typing import Any, Callable, get_args, get_origin

#: The Typer versions (major, minor) whose coercion this was compared with (``tests/test_cli_coerce.py``).
VERIFIED = frozenset({(0, 29)})

#: What ``fast`` returns for a value it leaves to Typer.
UNHANDLED = object()

# A whole number as pydantic reads it from a string, in its plainest spelling: no sign, no leading
# zero, no spaces or underscores (those are left to pydantic), and short enough to need no care.
_WHOLE = re.compile(r"0|[1-9][0-9]{0,17}")
# A decimal number in its plainest spelling (no exponent, "inf", "nan", spaces or underscores): pydantic
# and float() both read it as the nearest double.
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]{0,17})(?:\.[0-9]{1,17})?")


class LightRuntime:
    """Stands where Typer's runtime parameter stands: ``coerce(value, param=, ctx=)``."""

    __slots__ = ("_build", "_runtime")

    def __init__(self, build: Callable[[], Any]) -> None:
        self._build = build  # makes Typer's own runtime parameter (and imports pydantic)
        self._runtime: Any = None

    def typer_runtime(self) -> Any:
        if self._runtime is None:
            self._runtime = self._build()
        return self._runtime

    def coerce(self, value: Any, *args: Any, **kwargs: Any) -> Any:
        # Typer calls coerce(value, param=..., ctx=...); called any other way (another Typer), it is
        # all Typer's.
        out = UNHANDLED
        if not args and kwargs.keys() == {"param", "ctx"}:
            try:
                out = fast(value, kwargs["param"], kwargs["ctx"])
            except Exception:  # noqa: BLE001 - anything unforeseen: Typer decides, and words any error
                out = UNHANDLED
        if out is UNHANDLED:
            return self.typer_runtime().coerce(value, *args, **kwargs)
        return out


def fast(value: Any, param: Any, ctx: Any) -> Any:
    """The value Typer's coercion gives for ``value``, or ``UNHANDLED``; never raises a usage error."""
    multi = param.multiple or param.nargs == -1
    if value is None:  # Typer's RuntimeParam.coerce, before any adapter
        return () if multi else None
    desc = param.type_descriptor
    info = desc.parameter_info
    if desc.file_annotation is not None or info.parser is not None or getattr(info, "click_type", None) is not None:
        return UNHANDLED
    annotation = desc.annotation
    if not multi:
        return _leaf(value, annotation, info, param, ctx)
    if get_origin(annotation) is not list or not isinstance(value, (list, tuple)):
        return UNHANDLED
    (item,) = get_args(annotation)
    out = []
    for v in value:
        r = _leaf(v, item, info, param, ctx)
        if r is UNHANDLED:
            return UNHANDLED
        out.append(r)
    return out


def _plain_text(value: Any) -> bool:
    """A str that pydantic takes as it is (no lone surrogate from undecodable command-line bytes)."""
    if type(value) is not str:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _leaf(value: Any, annotation: Any, info: Any, param: Any, ctx: Any) -> Any:
    if annotation is str:
        return value if _plain_text(value) else UNHANDLED
    if annotation is int or annotation is float:
        if type(value) is annotation and (annotation is int or value == value and abs(value) != float("inf")):
            number = value
        elif _plain_text(value) and (_WHOLE if annotation is int else _DECIMAL).fullmatch(value):
            number = annotation(value)
        else:
            return UNHANDLED
        low, high = getattr(info, "min", None), getattr(info, "max", None)
        if (low is not None and number < low) or (high is not None and number > high):
            return UNHANDLED  # Typer clamps or refuses it, in its own words
        return number
    if annotation is bool:
        return value if type(value) is bool else UNHANDLED
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        from typer._param_types import coerce_cli_choice

        if not (isinstance(value, annotation) or _plain_text(value)):
            return UNHANDLED
        try:
            return coerce_cli_choice(value, choices=tuple(annotation), case_sensitive=info.case_sensitive, ctx=ctx)
        except ValueError:
            return UNHANDLED  # not a choice: Typer's message
    if annotation is Path and getattr(info, "path_type", None) in (None, Path):
        from typer._param_types import coerce_cli_path

        if type(value) is str and value and _plain_text(value):
            value = Path(value)  # what pydantic makes of a str for a Path
        elif not isinstance(value, Path):
            return UNHANDLED
        # Typer's own checks (exists, file or folder, readable ...) and messages, as its adapter calls them.
        return coerce_cli_path(value, info, path_type=Path, param=param, ctx=ctx)
    return UNHANDLED


def typer_version() -> tuple[int, ...]:
    import typer

    parts = []
    for part in str(getattr(typer, "__version__", "0")).split(".")[:2]:
        digits = re.match(r"\d+", part)
        parts.append(int(digits.group()) if digits else -1)
    return tuple(parts)


def install() -> bool:
    """Give Typer's parameters this coercion (once); False when this Typer is not one it was
    verified with (``VERIFIED``), which then keeps its own."""
    if typer_version() not in VERIFIED:
        return False
    try:
        import typer.core as core
        from typer._coercion import build_runtime_param
    except ImportError:
        return False
    parameter = getattr(core, "_TyperParameter", None)
    original = getattr(parameter, "get_runtime_param", None)
    if parameter is None or original is None:
        return False
    if getattr(original, "_surveykit_light", False):
        return True

    def get_runtime_param(self: Any) -> Any:
        if self._runtime_param is None:
            descriptor = self.type_descriptor
            self._runtime_param = LightRuntime(lambda: build_runtime_param(descriptor))
        return self._runtime_param

    get_runtime_param._surveykit_light = True  # type: ignore[attr-defined]
    parameter.get_runtime_param = get_runtime_param
    return True
