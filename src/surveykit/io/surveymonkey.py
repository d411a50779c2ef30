"""SurveyMonkey CSV and XLSX exports: two header rows.

Row 1 holds the question text, written once over the first column of a question (the columns after
it are blank); row 2 holds "Response", "Open-Ended Response", "Other (please specify)" or the grid
row / choice label.
"""

from __future__ import annotations

from surveykit.io._tabular import all_rows, require_data, sheet_where
from surveykit.io.base import Column, RawExport, Sniff, check_widths
from surveykit.io.fastcsv import as_row_tuple, drop_blank_rows
from surveykit.errors import InputError
from surveykit.io.registry import register

SUBHEADER_MARKERS = ("response", "open-ended response", "other (please specify)")
METADATA_COLUMNS = ("respondent id", "collector id", "start date", "end date", "ip address",
                    "email address", "first name", "last name", "custom data 1")


def _looks_like_surveymonkey(rows) -> bool:
    if len(rows) < 2:
        return False
    first = [c.strip().lower() for c in rows[0]]
    second = [c.strip().lower() for c in rows[1]]
    return ("respondent id" in first or "respondentid" in first) and any(c in SUBHEADER_MARKERS for c in second)


class SurveyMonkeyReader:
    name = "surveymonkey"
    label = "SurveyMonkey CSV/XLSX export (two header rows)"

    def detect(self, sniff: Sniff) -> float:
        if sniff.kind == "text":
            return 0.95 if sniff.delimiter in (",", "\t") and _looks_like_surveymonkey(sniff.head_rows) else 0.0
        if sniff.kind == "xlsx":
            return 0.95 if sheet_where(sniff, _looks_like_surveymonkey) else 0.0
        return 0.0

    def read(self, sniff: Sniff) -> RawExport:
        sheet = sheet_where(sniff, _looks_like_surveymonkey) if sniff.kind == "xlsx" else None
        rows, sheet_name = all_rows(sniff, sheet=sheet, columnar=True)
        require_data(rows, 2, path=sniff.path)
        if not _looks_like_surveymonkey(rows):
            raise InputError("the SurveyMonkey header rows are missing (row 1 'Respondent ID', row 2 'Response')",
                             path=sniff.path)
        width = max(len(rows[0]), len(rows[1]))
        top = list(rows[0]) + [""] * (width - len(rows[0]))
        sub = list(rows[1]) + [""] * (width - len(rows[1]))
        # Trailing columns with no header at all in either row are export padding.
        while width and not top[width - 1].strip() and not sub[width - 1].strip():
            width -= 1
        columns = []
        current = ""
        for j in range(width):
            head = " ".join(top[j].split())
            if head:
                current = head
            elif current:
                head = current  # blank row-1 cell: the column belongs to the question before it
            columns.append(Column(index=j, header=head, subheader=" ".join(sub[j].split())))
        data = check_widths(rows[2:], width, path=sniff.path, first_row=3)
        data = drop_blank_rows(data)
        return RawExport(
            path=str(sniff.path), platform=self.name, encoding=sniff.encoding or "xlsx", sha256=sniff.sha256,
            columns=tuple(columns), rows=as_row_tuple(data), header_rows=2, notes=sniff.notes,
            meta={"sheet": sheet_name} if sheet_name else {},
        )


register(SurveyMonkeyReader())
