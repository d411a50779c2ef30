"""What every command shares: the error boundary, output rendering and common options.

stdout carries data (tables, CSV, JSON); stderr carries messages. A ``SurveykitError`` becomes one
line on stderr and its exit code, never a traceback.
"""

from __future__ import annotations

import functools
import inspect
import json
import os
import sys
from dataclasses import dataclass, fields
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
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - the last line of defence: a bug, not a user mistake
            if os.environ.get("SURVEYKIT_DEBUG"):
                raise
            message(f"error: internal error ({_where(exc)}); this is a bug in surveykit. Rerun with "
                    "SURVEYKIT_DEBUG=1 to see the traceback (it may quote answers: do not share it as it is)")
            raise typer.Exit(INTERNAL_ERROR_EXIT) from None

    return wrapper  # type: ignore[return-value]


# A bug, as opposed to 1 (data problems) and 2 (unusable input or wrong usage).
INTERNAL_ERROR_EXIT = 3


def _where(exc: BaseException) -> str:
    """The exception's type and the innermost surveykit frame; never its message (it may hold answers)."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "surveykit" in f.filename.replace("\\", "/")]
    frame = (ours or frames)[-1] if frames else None
    where = f" at {Path(frame.filename).name}:{frame.lineno}" if frame else ""
    return f"{type(exc).__name__}{where}"


def message(text: str) -> None:
    """A message for people, on stderr."""
    typer.echo(f"surveykit: {for_terminal(text)}", err=True)


def echo(text: str = "") -> None:
    """Data, on stdout."""
    typer.echo(text)


# C0 and C1 controls (escape sequences can set a window title, write the clipboard or hide text) and the
# bidirectional overrides (they reorder what is shown): text read from a file reaches a terminal only
# with these made visible.
_TERMINAL_UNSAFE = {**{c: "\ufffd" for c in (*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20), *range(0x7f, 0xa0))},
                    **{c: "\ufffd" for c in (*range(0x202a, 0x202f), *range(0x2066, 0x206a))}}


def for_terminal(text: str) -> str:
    """``text`` with control characters and bidirectional overrides shown as U+FFFD (tab and line
    breaks stay)."""
    return text.translate(_TERMINAL_UNSAFE) if not text.isascii() or not text.isprintable() else text


# -- rendering tables ----------------------------------------------------------------------

def frame_to_csv(frame: "pd.DataFrame") -> str:
    """CSV for scripts and spreadsheets: no cell can run as a formula (``io.cells``)."""
    from surveykit.io.cells import frame_csv

    return frame_csv(frame)


def frame_to_json(frame: "pd.DataFrame", *, meta: dict[str, Any] | None = None) -> str:
    records = json.loads(frame.to_json(orient="records", double_precision=10))
    payload: Any = records if meta is None else {**meta, "rows": records}
    return json.dumps(payload, indent=2, ensure_ascii=False)


MAX_CELL_WIDTH = 60


def frame_to_text(frame: "pd.DataFrame", *, title: str | None = None, footer: str | None = None) -> str:
    """A plain, deterministic text table for people: text left-aligned, numbers right-aligned,
    long cells shortened (the csv and json formats keep every character)."""

    if not len(frame.columns):
        body = "(no rows)"
    else:
        columns = [for_terminal(str(c)) for c in frame.columns]
        numeric = [_numeric_column(frame[c]) for c in frame.columns]
        last = len(frame.columns) - 1
        # Inner columns are shortened to keep the table readable; the last one runs to its end,
        # which costs no alignment (messages and notes are usually last).
        cells = [[_cell(v, full=(k == last)) for v in frame[c].tolist()] for k, c in enumerate(frame.columns)]
        widths = [max([len(h)] + [len(x) for x in col]) for h, col in zip(columns, cells)]
        lines = ["  ".join(h.rjust(w) if num else h.ljust(w) for h, w, num in zip(columns, widths, numeric)).rstrip()]
        for i in range(len(frame)):
            lines.append("  ".join(col[i].rjust(w) if num else col[i].ljust(w)
                                   for col, w, num in zip(cells, widths, numeric)).rstrip())
        body = "\n".join(lines) if len(frame) else lines[0] + "\n(no rows)"
    return "\n".join(for_terminal(p) for p in (title, body, footer) if p)


def _numeric_column(series: "pd.Series") -> bool:
    """Right-aligned: numbers, and columns of numbers where suppressed cells read "[c]" (a suppressed
    count is aligned like the count it stands for)."""
    import numbers

    import pandas as pd

    if pd.api.types.is_bool_dtype(series):
        return False
    if pd.api.types.is_numeric_dtype(series):
        return True
    if not pd.api.types.is_object_dtype(series):
        return False
    values = [v for v in series.tolist() if v is not None and v is not pd.NA and v is not pd.NaT
              and not (isinstance(v, float) and v != v)]
    return bool(values) and any(v != "[c]" for v in values) and all(
        v == "[c]" or (isinstance(v, numbers.Number) and not isinstance(v, bool)) for v in values)


def _cell(value: Any, *, full: bool = False) -> str:
    import math

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return ""
    except ImportError:  # pragma: no cover
        pass
    if isinstance(value, float):
        text = f"{value:.4g}" if abs(value) < 1e-3 and value != 0 else f"{value:.2f}".rstrip("0").rstrip(".")
    else:
        text = for_terminal(" ".join(str(value).split()))
    return text if full or len(text) <= MAX_CELL_WIDTH else text[: MAX_CELL_WIDTH - 1] + "\u2026"


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
# Files surveykit writes where the user says: one already there is replaced only when surveykit wrote it
# and it is unchanged (io.owned_files), or with --force.
FORCE_FILE_OPTION = typer.Option(False, "--force", help="Replace the output file even if surveykit did not write it, "
                                                        "or it was changed after surveykit wrote it.")
PLATFORM_OPTION = typer.Option(None, "--platform", help="Force an export format instead of detecting it.")
ENCODING_OPTION = typer.Option(None, "--encoding", help="Force a text encoding (e.g. cp1252) instead of detecting it.")
MAPPING_OPTION = typer.Option(None, "--mapping", help="A column-mapping YAML (see 'surveykit inspect --write-mapping').")
INSTRUMENT_OPTION = typer.Option(None, "--instrument", help="Instrument YAML describing your questionnaire (default: the "
                                                            "shipped sample study's; draft one with 'surveykit "
                                                            "instrument draft EXPORT').")
QSF_OPTION = typer.Option(None, "--qsf", help="Qualtrics survey definition (.qsf) to map a Qualtrics export's columns "
                                              "by ImportId (a .qsf with the export's name beside it is used anyway).")


@dataclass(frozen=True)
class InputOptions:
    """How to read an export: the options every reading command shares (see ``input_options``)."""

    platform: Optional[str] = None
    encoding: Optional[str] = None
    mapping: Optional[Path] = None
    instrument: Optional[Path] = None
    qsf: Optional[Path] = None

    def kwargs(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def load(self, file: Path, *, check_fit: bool = True):
        """Read and prepare an export with these options (``surveykit.read``)."""
        from surveykit.api import read

        return read(file, **self.kwargs(), check_fit=check_fit)


_INPUT_PARAMETERS = (
    ("platform", Optional[str], PLATFORM_OPTION),
    ("encoding", Optional[str], ENCODING_OPTION),
    ("mapping", Optional[Path], MAPPING_OPTION),
    ("instrument", Optional[Path], INSTRUMENT_OPTION),
    ("qsf", Optional[Path], QSF_OPTION),
)


def input_options(fn: F) -> F:
    """Give a command the --platform, --encoding, --mapping, --instrument and --qsf options.

    The command declares ``inputs: InputOptions = NO_INPUT_OPTIONS`` and receives them bundled; Typer
    sees the five options through the wrapper's signature, so they are declared once, here."""
    signature = inspect.signature(fn)
    kept = [p for name, p in signature.parameters.items() if name != "inputs"]
    added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=annotation)
             for name, annotation, option in _INPUT_PARAMETERS]

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from surveykit.io.files import forget_read_ahead, read_ahead

        inputs = InputOptions(**{name: kwargs.pop(name, None) for name, _, _ in _INPUT_PARAMETERS})
        # A large export is read (and hashed) while the command imports pandas (io/files.py); whatever
        # the command did not take is let go when it ends.
        read_ahead(kwargs.get("file"))
        try:
            return fn(*args, inputs=inputs, **kwargs)
        finally:
            forget_read_ahead()

    wrapper.__signature__ = signature.replace(parameters=kept + added)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {**{k: v for k, v in fn.__annotations__.items() if k != "inputs"},
                               **{name: annotation for name, annotation, _ in _INPUT_PARAMETERS}}
    return wrapper  # type: ignore[return-value]


NO_INPUT_OPTIONS = InputOptions()
