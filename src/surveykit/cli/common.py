"""What every command shares: the error boundary, output rendering and common options.

stdout carries data (tables, CSV, JSON); stderr carries messages. A ``SurveykitError`` becomes one
line on stderr and its exit code, never a traceback.
"""

from __future__ import annotations

import functools
import json
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar

import typer

from surveykit.errors import SurveykitError

if TYPE_CHECKING:
    import pandas as pd

F = TypeVar("F", bound=Callable[..., Any])


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def handle_errors(fn: F) -> F:
    """Turn library errors into one clear stderr line and the error's exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except SurveykitError as exc:
            message(f"error: {exc}")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            message("interrupted")
            raise typer.Exit(130) from None
        except BrokenPipeError:
            raise typer.Exit(0) from None

    return wrapper  # type: ignore[return-value]


def message(text: str) -> None:
    """A message for people, on stderr."""
    typer.echo(f"surveykit: {text}", err=True)


def echo(text: str = "") -> None:
    """Data, on stdout."""
    typer.echo(text)


# -- rendering tables ----------------------------------------------------------------------

def frame_to_csv(frame: "pd.DataFrame") -> str:
    return frame.to_csv(index=False, lineterminator="\n")


def frame_to_json(frame: "pd.DataFrame", *, meta: dict[str, Any] | None = None) -> str:
    records = json.loads(frame.to_json(orient="records", double_precision=10))
    payload: Any = records if meta is None else {**meta, "rows": records}
    return json.dumps(payload, indent=2, ensure_ascii=False)


def frame_to_text(frame: "pd.DataFrame", *, title: str | None = None, footer: str | None = None) -> str:
    """A plain, deterministic text table for people."""
    import pandas as pd

    with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 250,
                           "display.max_colwidth", 60):
        body = frame.to_string(index=False, na_rep="") if len(frame) else "(no rows)"
    parts = [title, body, footer] if title else [body, footer]
    return "\n".join(p for p in parts if p) 


def emit(frame: "pd.DataFrame", fmt: OutputFormat | str, *, title: str | None = None,
         footer: str | None = None, meta: dict[str, Any] | None = None) -> None:
    """Write a result table to stdout in the chosen format (footer/title only in the table form)."""
    fmt = OutputFormat(fmt)
    if fmt is OutputFormat.csv:
        sys.stdout.write(frame_to_csv(frame))
    elif fmt is OutputFormat.json:
        echo(frame_to_json(frame, meta=meta))
    else:
        echo(frame_to_text(frame, title=title, footer=footer))


# -- shared options --------------------------------------------------------------------------

FORMAT_OPTION = typer.Option(OutputFormat.table, "--format", "-f", help="table for people; csv or json for scripts.")
PLATFORM_OPTION = typer.Option(None, "--platform", help="Force an export format instead of detecting it.")
ENCODING_OPTION = typer.Option(None, "--encoding", help="Force a text encoding (e.g. cp1252) instead of detecting it.")
MAPPING_OPTION = typer.Option(None, "--mapping", help="A column-mapping YAML (see 'surveykit inspect --write-mapping').")
INSTRUMENT_OPTION = typer.Option(None, "--instrument", help="Instrument YAML (default: codebooks/professional_survey.yaml).")


def load(file: Path, platform: Optional[str], encoding: Optional[str], mapping: Optional[Path],
         instrument: Optional[Path]):
    """Read and prepare an export with the common options."""
    from surveykit.pipeline import load_responses

    return load_responses(file, platform=platform, encoding=encoding, mapping=mapping, instrument=instrument)
