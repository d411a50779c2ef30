"""LimeSurvey response exports: the "R (data file)" CSV and the Excel export.

One header row of full question texts (or codes, depending on the export options), one row per
response. Array and multiple-choice sub-questions are ``Question text [Sub-question]``; the
"other" box is ``Question text [Other]`` (mapping reads both). The metadata columns come first:
``Response ID, Date submitted, Last page, Start language, Seed ...`` or their translations.
Cells may hold JSON (file uploads); a blank ``Date submitted`` marks an incomplete response.
"""

from __future__ import annotations

from surveykit.io._tabular import sheet_where, single_header_export
from surveykit.io.base import RawExport, Sniff
from surveykit.io.registry import register

METADATA = frozenset({
    "response id", "date submitted", "last page", "start language", "seed", "date started", "date last action",
    "id risposta", "data invio", "ultima pagina", "lingua iniziale", "seme", "data di inizio", "data ultima azione",
    "antwort id", "datum abgeschickt", "letzte seite", "start-sprache", "startsprache",
    "id de la reponse", "id de la réponse", "date de soumission", "derniere page", "dernière page", "langue de départ",
    "id de respuesta", "fecha de envío", "última página", "idioma inicial",
    "antwoord id", "datum verstuurd", "laatste pagina", "starttaal",
})


def _is_limesurvey(rows) -> bool:
    if not rows:
        return False
    first = {" ".join(c.split()).lower() for c in rows[0][:10]}
    return len(first & METADATA) >= 3


class LimeSurveyReader:
    name = "limesurvey"
    label = "LimeSurvey CSV (R data file) or Excel export ('Question [Sub-question]' columns)"

    def detect(self, sniff: Sniff) -> float:
        if sniff.kind == "text":
            return 0.9 if _is_limesurvey(sniff.head_rows) else 0.0
        if sniff.kind == "xlsx":
            return 0.9 if sheet_where(sniff, _is_limesurvey) else 0.0
        return 0.0

    def read(self, sniff: Sniff) -> RawExport:
        sheet = sheet_where(sniff, _is_limesurvey) if sniff.kind == "xlsx" else None
        return single_header_export(sniff, platform=self.name, sheet=sheet)


register(LimeSurveyReader())
