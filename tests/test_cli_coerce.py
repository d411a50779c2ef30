"""cli.coerce: option values taken without pydantic are the values Typer's own coercion gives (issue 14.3).

Every option and argument of every command is given plain, odd and wrong values. The light coercion
must return what Typer's returns (the same type and value) or raise what Typer's raises (the same
error and message): it either takes a value itself or hands it to Typer. A second test checks that it
does take the plain values itself, or there would be nothing saved."""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path
from typing import Any, List, Optional, get_args, get_origin

import pytest

typer_coercion = pytest.importorskip("typer._coercion")
from typer.main import get_command  # noqa: E402

from surveykit.cli import coerce  # noqa: E402
from surveykit.cli.app import app  # noqa: E402

# The comparisons hold for the Typer versions cli.coerce patches (coerce.VERIFIED). Another Typer keeps
# its own coercion, so a difference there harms nobody; SURVEYKIT_VERIFY_TYPER=1 runs them anyway, to
# verify a new Typer before adding it to VERIFIED.
verified_typer = pytest.mark.skipif(
    coerce.typer_version() not in coerce.VERIFIED and os.environ.get("SURVEYKIT_VERIFY_TYPER") != "1",
    reason=f"Typer {coerce.typer_version()} is not one cli.coerce patches (set SURVEYKIT_VERIFY_TYPER=1 to compare)")


class _Shade(str, Enum):
    light = "light"
    Dark = "Dark"


def _constrained_command() -> Any:
    """A command with the constraints surveykit's own options do not use yet (bounds, clamping, a
    choice in any case, a path that must exist and be a file), so that these are compared too."""
    import typer

    probe = typer.Typer()

    @probe.command()
    def constrained(
        source: Path = typer.Argument(..., exists=True, dir_okay=False),
        folder: Optional[Path] = typer.Option(None, file_okay=False),
        resolved: Optional[Path] = typer.Option(None, resolve_path=True),
        count: int = typer.Option(3, min=1, max=50),
        clamped: int = typer.Option(3, min=1, max=5, clamp=True),
        share: float = typer.Option(0.5, min=0.0, max=1.0),
        shade: _Shade = typer.Option(_Shade.light, case_sensitive=False),
        files: Optional[List[Path]] = typer.Option(None, exists=True),
    ) -> None:
        """A probe."""

    return get_command(probe)


def _parameters() -> list[tuple[str, Any, Any]]:
    """(command path, command, parameter) for every parameter of every command, and of a probe
    command with constrained parameters."""
    found: list[tuple[str, Any, Any]] = []

    def walk(command: Any, path: tuple[str, ...]) -> None:
        group = getattr(command, "commands", None) or {}
        for name in sorted(group):
            walk(group[name], path + (name,))
        for param in command.params:
            if hasattr(param, "type_descriptor"):
                found.append((" ".join(path), command, param))

    from surveykit.cli import load

    load()  # every command module (a real process loads only the one it runs)
    walk(get_command(app), ())
    walk(_constrained_command(), ("probe",))
    return found


def _values(annotation: Any, folder: Path) -> list[Any]:
    existing = folder / "export.csv"
    existing.write_text("id\n1\n", encoding="utf-8")
    odd = [None, "", "  ", "\udcff", "Caf\u00e9"]
    if get_origin(annotation) is list:
        return [None, [], ("a",), ["a", "b"], "a", [str(existing)], [existing], ["\udcff"], [""]]
    if annotation is int:
        return odd + ["0", "7", "42", "-3", "+4", "007", " 5", "5 ", "1_000", "3.0", "abc",
                      "99999999999999999999", "123456789012345678", "0_7", "1__0", "\u0661\u0662", "\uff11\uff12", 5, 0,
                      -2, 10 ** 30, True, 2.5]
    if annotation is float:
        return odd + ["0", "0.05", "-0.5", "1e-3", "inf", "nan", ".5", "5.", "1_0.5", "abc", "0.1234567890123456789",
                      "\u0663.\u0665", "\uff11", "-0", "00.5", "1e400",
                      0.05, 0.0, float("nan"), float("inf"), 3, True]
    if annotation is bool:
        return odd + [True, False, "yes", "no", "true", "1", "0", "maybe"]
    if annotation is str:
        return odd + ["abc", " x ", "123", "a,b", 5]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return odd + [m.value for m in annotation] + [str(m.value).upper() for m in annotation] + list(annotation) + \
            ["bogus", 1]
    if annotation is Path:
        return odd + [str(existing), str(folder), str(folder / "missing.csv"), "-", "~/x.csv", existing, folder,
                      folder / "missing", 5]
    return odd + ["abc", 5]


def _outcome(fn) -> tuple:
    try:
        value = fn()
    except Exception as exc:  # noqa: BLE001 - the error itself is compared
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        return "error", type(exc).__name__, message
    return "value", type(value).__name__, repr(value)


@verified_typer
def test_every_parameter_takes_every_value_as_typer_does(tmp_path):
    from typer.core import _click

    compared = taken = 0
    for path, command, param in _parameters():
        descriptor = param.type_descriptor
        ctx = _click.Context(command, info_name=path or "surveykit")
        typers = typer_coercion.build_runtime_param(descriptor)
        for value in _values(descriptor.annotation, tmp_path):
            expected = _outcome(lambda: typers.coerce(value, param=param, ctx=ctx))
            light = coerce.LightRuntime(lambda: typer_coercion.build_runtime_param(descriptor))
            got = _outcome(lambda: light.coerce(value, param=param, ctx=ctx))
            assert got == expected, (path, param.name, value)
            compared += 1
            taken += light._runtime is None  # taken without Typer's coercion
    assert compared > 3000
    assert taken > compared // 3  # the plain values did not all go to Typer


@verified_typer
def test_plain_values_are_taken_without_typers_coercion(tmp_path):
    """What a user types most (a file, a whole number, a choice, a word, a list of files) and the
    defaults never reach pydantic."""
    from typer.core import _click

    export = tmp_path / "export.csv"
    export.write_text("id\n1\n", encoding="utf-8")
    by_name = {(path, p.name): (command, p) for path, command, p in _parameters()}
    plain = {
        ("validate", "file"): [str(export), export, None],
        ("validate", "fmt"): ["csv", "json", None],
        ("sample", "respondents"): ["1000", 288],
        ("sample", "seed"): ["7", 2016],
        ("compare", "alpha"): ["0.01", 0.05],
        ("compare", "by"): ["sector", None],
        ("report", "coded"): [[str(export)], [], None],
    }
    for (path, name), values in plain.items():
        command, param = by_name[(path, name)]
        ctx = _click.Context(command, info_name=path)
        for value in values:
            assert coerce.fast(value, param, ctx) is not coerce.UNHANDLED, (path, name, value)


def test_surveykit_installs_it_once_on_a_verified_typer(monkeypatch):
    import typer
    import typer.core

    verified = coerce.typer_version() in coerce.VERIFIED
    assert coerce.install() is verified
    assert coerce.install() is verified
    method = typer.core._TyperParameter.get_runtime_param
    assert getattr(method, "_surveykit_light", False) is verified
    # A Typer it was not checked against keeps its own coercion.
    monkeypatch.setattr(typer, "__version__", "0.99.0")
    assert coerce.install() is False
    monkeypatch.setattr(typer, "__version__", "1.0.0rc1")
    assert coerce.typer_version() == (1, 0)


@verified_typer
def test_a_bad_value_still_gets_typers_message(cli):
    result = cli("sample", "--respondents", "abc", "--out", "unused")
    assert result.returncode == 2
    assert "--respondents" in result.stderr and "valid integer" in result.stderr
    result = cli("validate", "--format", "bogus")
    assert result.returncode == 2
    assert "'bogus' is not one of 'table', 'csv', 'json'" in result.stderr


def test_called_another_way_it_is_all_typers():
    """A Typer that called coerce differently (no param, positional arguments) gets its own coercion."""
    calls = []

    class Typers:
        def coerce(self, *args, **kwargs):
            calls.append((args, kwargs))
            return "typer's"

    light = coerce.LightRuntime(Typers)
    assert light.coerce("7", ctx=None) == "typer's"
    assert light.coerce("7", None, None) == "typer's"
    assert calls == [(("7",), {"ctx": None}), (("7", None, None), {})]
