"""Helpers shared by the QDA, model and review commands (cli/qda.py, cli/qda_review.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from surveykit.cli.common import NO_INPUT_OPTIONS, InputOptions
from surveykit.errors import UsageError


def default_question(instrument=None) -> str:
    """The free-text field coded by default: the instrument's first coded field ("answer" without one)."""
    if instrument is None:
        from surveykit.api import load_instrument

        instrument = load_instrument()
    coding = getattr(instrument, "coding", None)
    return coding[0].field if coding else "answer"


def check_codes(frame, codes: list[str], *, path: str) -> None:
    """Unknown code ids in a coded file -> InputError with their count and rows; a code is quoted
    only when id-like (a code cell may hold an answer)."""
    import pandas as pd

    from surveykit.errors import InputError
    from surveykit.io.gold import named_values, rows_in_file

    allowed = set(codes)
    unknown = sorted({str(c) for c in frame["code_id"] if not pd.isna(c) and str(c) not in allowed})
    if unknown:
        rows = rows_in_file(path, unknown, kind="code")  # the frame no longer knows its file rows
        shown = named_values(unknown, rows, what="a code id")
        raise InputError(f"code_id has {len(unknown)} code(s) not in the codebook: {shown}; "
                         f"allowed: {', '.join(codes[:8])}{' ...' if len(codes) > 8 else ''}", path=path)


def check_respondents(frame, ids: set[str], *, path: str) -> None:
    """Respondent ids of a coded file that the survey does not have -> InputError with their count
    and rows; an id is quoted only when id-like (the column may hold an answer)."""
    from surveykit.errors import InputError
    from surveykit.io.gold import named_values, rows_in_file

    unknown = sorted({str(r) for r in frame["respondent_id"]} - ids)
    if unknown:
        rows = rows_in_file(path, unknown, kind="respondent")
        raise InputError(f"respondent_id has {len(unknown)} id(s) not in the survey: {named_values(unknown, rows)}",
                         path=path)


def load_answers(file: Path, *, question: Optional[str], text_column: Optional[str], id_column: Optional[str],
                 inputs: InputOptions = NO_INPUT_OPTIONS, responses=None):
    """The answers to code: a survey export (--question, by default the instrument's first coded
    field), or any CSV with --text-column. ``responses``: the export, when already read."""
    from surveykit.coding.answers import answers_from_responses, answers_from_table

    if text_column:
        return answers_from_table(file, text_column=text_column, id_column=id_column or "respondent_id",
                                  question_id=question)
    if responses is None:
        responses = inputs.load(file)
    if not question:
        inst = responses.instrument
        if not getattr(inst, "coding", None):
            raise UsageError("--question is required for a survey export (or give --text-column for any CSV)")
        question = default_question(inst)
    return answers_from_responses(responses, question=question)


def profile_values(responses, *, redact: bool = True, deny=()) -> dict[str, list[tuple[str, str]]]:
    """Each respondent's profile fields for people (sector, role, region ...: label -> value), by id.
    The id and completion fields are left out; free-text profile answers are redacted when asked."""
    import pandas as pd

    from surveykit.coding.redact import redact as redact_text

    inst = responses.instrument
    fields = [p for p in inst.profile if p.kind not in ("id", "completed") and p.id in responses.data.columns]
    out: dict[str, list[tuple[str, str]]] = {}
    redacted: dict[str, str] = {}  # a role given by many respondents is redacted once
    # Only the columns used: boxing every cell of a wide export into dicts cost most of the time.
    wanted = list(dict.fromkeys(["respondent_id", *(p.id for p in fields)]))
    for row in responses.data[wanted].to_dict("records"):
        values = []
        for p in fields:
            v = row.get(p.id)
            if v is None or (not isinstance(v, str) and pd.isna(v)) or not str(v).strip():
                continue
            text = str(v)
            if p.kind == "sector":
                try:
                    text = inst.sector_label(text)
                except Exception:  # an id the instrument does not know: show it as it is
                    pass
            elif p.options is not None:
                try:
                    text = p.options.label_of(text)
                except Exception:
                    pass
            elif redact and p.kind == "text":
                if text not in redacted:
                    redacted[text] = redact_text(text, denylist=deny)[0]
                text = redacted[text]
            values.append((p.id, text))
        out[str(row["respondent_id"])] = values
    return out


def answers_frame(answers):
    import pandas as pd

    return pd.DataFrame({"respondent_id": list(answers.ids), "text": list(answers.texts)}, dtype=object)
