"""The sample study in other platforms' layouts: Qualtrics CSV (+ .qsf) and SPSS .sav.

These are written from prepared ``Responses`` (normally the shipped SurveyMonkey-style sample), so
reading them back must give the same typed answers; tests use that to check the readers.

Qualtrics layout (``write_qualtrics``): the current three-row export. Row 1 export tags
(``StartDate ... ResponseId ... sector, sector_9_TEXT, role, region, Q1 ... Q14_1 ... Q14_19,
Q14_19_TEXT ... Q47``), row 2 labels (question text; ``question - statement`` for matrix rows;
``question - statement - Text`` for text boxes), row 3 JSON ImportIds (``{"ImportId":"QID17_3"}``,
``{"ImportId":"startDate","timeZone":"Europe/London"}``). Answers as choice text by default, or the
.qsf recode values with ``numeric=True``. Profile fields use the QIDs 1-3 (sector, role, region) and
question ``qN`` uses ``QID{N + 3}``. ``ResponseId`` values are ``R_`` + 15 characters derived from the
original id. ``write_qsf`` writes the matching survey definition.

SPSS layout: ``surveykit.io.sav_writer`` (numeric codes with value labels; Don't know = 99,
user-missing).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any


if TYPE_CHECKING:
    from surveykit.clean import Responses
    from surveykit.instrument import Instrument, Question

PROFILE_QIDS = {"sector": 1, "role": 2, "region": 3}
DK_RECODE = "99"
OTHER_LABEL = "Other (please specify)"
_METADATA = [
    ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"Europe/London"}'),
    ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"Europe/London"}'),
    ("Status", "Response Type", '{"ImportId":"status"}'),
    ("IPAddress", "IP Address", '{"ImportId":"ipAddress"}'),
    ("Progress", "Progress", '{"ImportId":"progress"}'),
    ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
    ("Finished", "Finished", '{"ImportId":"finished"}'),
    ("RecordedDate", "Recorded Date", '{"ImportId":"recordedDate","timeZone":"Europe/London"}'),
    ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
    ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
    ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
]


def qid_of(question: "Question") -> str:
    return f"QID{question.number + 3}"


def response_id(original: str) -> str:
    """A Qualtrics-looking response id derived from ``original`` (stable, distinct in practice)."""
    digest = hashlib.sha256(original.encode("utf-8")).hexdigest()
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    n = int(digest, 16)
    chars = []
    for _ in range(15):
        n, r = divmod(n, len(alphabet))
        chars.append(alphabet[r])
    return "R_" + "".join(chars)


def _recodes(question: "Question") -> dict[str, str]:
    """Option code -> numeric recode value (numeric codes kept, text codes numbered, DK 99)."""
    out = {}
    for n, o in enumerate(question.scale.options, start=1):
        if o.dk:
            out[o.code] = DK_RECODE
        else:
            try:
                float(o.code)
                out[o.code] = o.code
            except ValueError:
                out[o.code] = str(n)
    return out


def _layout(inst: "Instrument") -> list[dict[str, Any]]:
    """Every answer column: tag, label, ImportId, and how to fill it from the prepared data."""
    cols: list[dict[str, Any]] = []
    sector_field = inst.profile_field("sector")
    n_sectors = len(inst.sectors)
    cols.append({"tag": "sector", "label": sector_field.label, "import": "QID1", "kind": "sector"})
    cols.append({"tag": f"sector_{n_sectors}_TEXT", "label": f"{sector_field.label} - Other - Text",
                 "import": f"QID1_{n_sectors}_TEXT", "kind": "text", "source": "sector_other"})
    cols.append({"tag": "role", "label": inst.profile_field("role").label, "import": "QID2_TEXT",
                 "kind": "text", "source": "role"})
    cols.append({"tag": "region", "label": inst.profile_field("region").label, "import": "QID3_TEXT",
                 "kind": "text", "source": "region"})
    for q in inst.questions:
        qid = qid_of(q)
        tag = f"Q{q.number}"
        if q.is_grid:
            for k, item in enumerate(q.items, start=1):
                cols.append({"tag": f"{tag}_{k}", "label": f"{q.text} - {item.label}", "import": f"{qid}_{k}",
                             "kind": "closed", "source": item.id, "question": q})
                if item.other and q.other_text:
                    cols.append({"tag": f"{tag}_{k}_TEXT", "label": f"{q.text} - {item.label} - Text",
                                 "import": f"{qid}_{k}_TEXT", "kind": "text", "source": q.other_text})
            if q.other_text and not any(it.other for it in q.items):
                # "and/or specify other reasons": a text box under the matrix, on an extra statement.
                k = len(q.items) + 1
                cols.append({"tag": f"{tag}_{k}_TEXT", "label": f"{q.text} - {OTHER_LABEL} - Text",
                             "import": f"{qid}_{k}_TEXT", "kind": "text", "source": q.other_text})
        elif q.is_closed:
            cols.append({"tag": tag, "label": q.text, "import": qid, "kind": "closed", "source": q.id, "question": q})
        else:
            cols.append({"tag": tag, "label": q.text, "import": f"{qid}_TEXT", "kind": "text", "source": q.id})
    return cols


def qualtrics_csv_text(responses: "Responses", *, numeric: bool = False) -> str:
    """The Qualtrics CSV export of ``responses`` as text (see the module docstring)."""
    inst = responses.instrument
    data = responses.data
    layout = _layout(inst)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([m[0] for m in _METADATA] + [c["tag"] for c in layout])
    writer.writerow([m[1] for m in _METADATA] + [c["label"] for c in layout])
    writer.writerow([m[2] for m in _METADATA] + [json.dumps({"ImportId": c["import"]}, separators=(",", ":"))
                                                 for c in layout])
    sector_choice = {s.id: str(i) for i, s in enumerate(inst.sectors, start=1)}
    label_maps = {}
    for c in layout:
        if c["kind"] == "closed":
            q = c["question"]
            label_maps[c["source"]] = _recodes(q) if numeric else {o.code: o.label for o in q.scale.options}
    records = data.to_dict("records")
    for i, rec in enumerate(records):
        minute = i * 7
        start = f"2016-02-{1 + (minute // 1440) % 28:02d} {9 + (minute // 60) % 10:02d}:{minute % 60:02d}:00"
        end = start[:-2] + "45"
        row = [start, end, "IP Address", "", "100" if rec["completed"] else "60", str(600 + (i * 37) % 900),
               "True" if rec["completed"] else "False", end, response_id(str(rec["respondent_id"])),
               "anonymous", "EN"]
        for c in layout:
            kind = c["kind"]
            if kind == "sector":
                sid = rec["sector"]
                if sid is None:
                    row.append(rec["sector_raw"] or "")
                else:
                    row.append(sector_choice[sid] if numeric else inst.sector_label(sid))
            elif kind == "text":
                v = rec.get(c["source"])
                row.append("" if v is None else str(v))
            else:
                v = rec[c["source"]]
                row.append("" if v is None else label_maps[c["source"]][v])
        writer.writerow(row)
    return buf.getvalue()


def qsf_document(inst: "Instrument", *, name: str = "Professional survey") -> dict[str, Any]:
    """A .qsf (Qualtrics survey definition) for the instrument, matching ``qualtrics_csv_text``."""
    elements: list[dict[str, Any]] = [{"SurveyID": "SV_surveykitSample", "Element": "BL",
                                       "PrimaryAttribute": "Survey Blocks", "Payload": []}]

    def sq(qid: str, tag: str, text: str, qtype: str, selector: str, **extra: Any) -> dict[str, Any]:
        payload = {"QuestionText": text, "DataExportTag": tag, "QuestionType": qtype, "Selector": selector,
                   "QuestionID": qid, **extra}
        return {"SurveyID": "SV_surveykitSample", "Element": "SQ", "PrimaryAttribute": qid,
                "SecondaryAttribute": text[:100], "Payload": payload}

    sectors = {str(i): {"Display": s.label} for i, s in enumerate(inst.sectors, start=1)}
    sectors[str(len(inst.sectors))]["TextEntry"] = "true"
    elements.append(sq("QID1", "sector", inst.profile_field("sector").label, "MC", "SAVR", Choices=sectors,
                       ChoiceOrder=list(sectors)))
    elements.append(sq("QID2", "role", inst.profile_field("role").label, "TE", "SL"))
    elements.append(sq("QID3", "region", inst.profile_field("region").label, "TE", "SL"))
    for q in inst.questions:
        qid, tag = qid_of(q), f"Q{q.number}"
        if q.is_grid:
            choices = {str(k): {"Display": it.label, **({"TextEntry": "true"} if it.other else {})}
                       for k, it in enumerate(q.items, start=1)}
            if q.other_text and not any(it.other for it in q.items):
                choices[str(len(q.items) + 1)] = {"Display": OTHER_LABEL, "TextEntry": "true"}
            answers = {str(k): {"Display": o.label} for k, o in enumerate(q.scale.options, start=1)}
            recodes = {str(k): _recodes(q)[o.code] for k, o in enumerate(q.scale.options, start=1)}
            elements.append(sq(qid, tag, q.text, "Matrix", "Likert", SubSelector="SingleAnswer", Choices=choices,
                               ChoiceOrder=list(choices), Answers=answers, RecodeValues=recodes))
        elif q.is_closed:
            choices = {str(k): {"Display": o.label} for k, o in enumerate(q.scale.options, start=1)}
            recodes = {str(k): _recodes(q)[o.code] for k, o in enumerate(q.scale.options, start=1)}
            elements.append(sq(qid, tag, q.text, "MC", "SAVR", Choices=choices, ChoiceOrder=list(choices),
                               RecodeValues=recodes))
        else:
            elements.append(sq(qid, tag, q.text, "TE", "ML"))
    return {"SurveyEntry": {"SurveyID": "SV_surveykitSample", "SurveyName": name, "SurveyLanguage": "EN"},
            "SurveyElements": elements}


def write_qualtrics(responses: "Responses", csv_path: str | Path, *, qsf_path: str | Path | None = None,
                    numeric: bool = False, force: bool = False) -> list[Path]:
    """Write the Qualtrics CSV (and, when ``qsf_path`` is given, the .qsf); returns the paths written.
    Files already there: as ``surveykit.sample.write_sample``."""
    from surveykit.io.owned_files import write_owned_files

    files = [(Path(csv_path), qualtrics_csv_text(responses, numeric=numeric).encode("utf-8"))]
    if qsf_path is not None:
        doc = qsf_document(responses.instrument)
        files.append((Path(qsf_path), (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")))
    return write_owned_files(files, force=force)


def write_platform_exports(responses: "Responses", out_dir: str | Path, *, stem: str = "professional_survey",
                           force: bool = False) -> list[Path]:
    """The sample in every other layout: ``{stem}_qualtrics.csv`` + ``.qsf`` (choice text),
    ``{stem}_qualtrics_numeric.csv`` + ``.qsf`` (recode values) and ``{stem}.sav``."""
    from surveykit.io.sav_writer import write_responses_sav

    out = Path(out_dir)
    paths = write_qualtrics(responses, out / f"{stem}_qualtrics.csv", qsf_path=out / f"{stem}_qualtrics.qsf",
                            force=force)
    # The numeric export gets its own .qsf beside it (same name), which the reader picks up by itself.
    paths += write_qualtrics(responses, out / f"{stem}_qualtrics_numeric.csv", numeric=True,
                             qsf_path=out / f"{stem}_qualtrics_numeric.qsf", force=force)
    paths.append(write_responses_sav(responses, out / f"{stem}.sav", force=force))
    return paths

