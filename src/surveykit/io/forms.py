"""Google Forms (CSV download and the linked Sheets workbook) and Microsoft Forms (XLSX / CSV).

Both write one header row of full question texts, one row per response. Google Forms starts with
``Timestamp``; a multiple-choice grid becomes ``Question [Row]`` columns (mapped like LimeSurvey's).
Microsoft Forms starts with ``ID, Start time, Completion time, Email, Name``; its CSV re-saves are
often Windows-1252, which the encoding detection handles.
"""

from __future__ import annotations

from surveykit.io._tabular import sheet_where, single_header_export
from surveykit.io.base import RawExport, Sniff
from surveykit.io.registry import register

# The first header in the languages research staff are most likely to meet.
TIMESTAMP_HEADERS = frozenset({"timestamp", "marca temporal", "zeitstempel", "horodateur", "informazioni cronologiche",
                               "carimbo de data/hora", "tijdstempel"})
MSFORMS_HEADERS = ("id", "start time", "completion time", "email", "name")


def _is_google(rows) -> bool:
    if not rows:
        return False
    first = [c.strip().lower() for c in rows[0]]
    return bool(first) and first[0] in TIMESTAMP_HEADERS and "respondent id" not in first and len(first) >= 2


def _is_msforms(rows) -> bool:
    if not rows:
        return False
    first = [c.strip().lower() for c in rows[0][:6]]
    return sum(1 for h in MSFORMS_HEADERS if h in first) >= 4 and first[0] == "id"


class GoogleFormsReader:
    name = "google_forms"
    label = "Google Forms CSV or Google Sheets responses workbook (Timestamp, then question texts)"

    def detect(self, sniff: Sniff) -> float:
        if sniff.kind == "text":
            return 0.85 if sniff.delimiter in (",", "\t") and _is_google(sniff.head_rows) else 0.0
        if sniff.kind == "xlsx":
            return 0.85 if sheet_where(sniff, _is_google) else 0.0
        return 0.0

    def read(self, sniff: Sniff) -> RawExport:
        sheet = sheet_where(sniff, _is_google) if sniff.kind == "xlsx" else None
        return single_header_export(sniff, platform=self.name, sheet=sheet)


class MicrosoftFormsReader:
    name = "microsoft_forms"
    label = "Microsoft Forms XLSX or CSV (ID, Start time, Completion time, Email, Name, then questions)"

    def detect(self, sniff: Sniff) -> float:
        if sniff.kind == "text":
            return 0.85 if sniff.delimiter in (",", "\t", ";") and _is_msforms(sniff.head_rows) else 0.0
        if sniff.kind == "xlsx":
            return 0.85 if sheet_where(sniff, _is_msforms) else 0.0
        return 0.0

    def read(self, sniff: Sniff) -> RawExport:
        sheet = sheet_where(sniff, _is_msforms) if sniff.kind == "xlsx" else None
        return single_header_export(sniff, platform=self.name, sheet=sheet)


register(GoogleFormsReader())
register(MicrosoftFormsReader())
