"""Unipark / Tivian EFS Survey exports: semicolon-separated, three header rows.

Row 1 holds the question text (blank over system columns), row 2 a short label
(``Team Size``, ``disposition code``), row 3 the variable name (``lfdn, dispcode, v_300``). Files are
often Mac Roman, sometimes with UTF-8 text mangled into Mac Roman (``Â`` + no-break space), which the
decoder repairs and reports. A column is ``Column(header=question text (or the short label for system
columns), subheader=short label when several columns share one question, extra=(variable name,
short label))``.
"""

from __future__ import annotations

from surveykit.io._tabular import all_rows, require_data
from surveykit.io.base import Column, RawExport, Sniff, check_widths
from surveykit.errors import InputError
from surveykit.io.registry import register

SYSTEM_VARIABLES = frozenset({"lfdn", "external_lfdn", "tester", "dispcode", "lastpage", "quality", "duration",
                              "datetime", "date_of_last_access", "date_of_first_mail", "browser", "referer",
                              "device_type", "participant_browser", "participant_browser_version",
                              "participant_os", "participant_os_version", "participant_device",
                              "participant_brand", "participant_model", "participant_isbot", "participant_continent",
                              "participant_country", "participant_region", "participant_city", "participant_latitude",
                              "participant_longitude", "ats", "status"})


# EFS system codes for answers that were not given: -66 page not seen, -77 item not shown (filter),
# -99 not answered. They are blanks, not answers.
SYSTEM_MISSING = frozenset({"-66", "-77", "-99"})


def _is_unipark(rows) -> bool:
    if len(rows) < 3:
        return False
    names = {c.strip().lower() for c in rows[2]}
    return "lfdn" in names and bool(names & {"dispcode", "lastpage", "quality", "duration", "tester"})


def _is_codebook(sniff: Sniff) -> bool:
    if sniff.kind != "text":
        return False
    head = sniff.head_text(4000)
    return "Project ID\t" in head and ("Survey URL\t" in head or "\nList: " in head)


class UniparkReader:
    name = "unipark"
    label = "Unipark / EFS Survey CSV (semicolons; question text, label and variable-name header rows)"

    def detect(self, sniff: Sniff) -> float:
        if sniff.kind == "text":
            if _is_codebook(sniff):
                return 0.9  # claimed so that read() can say what the file is
            return 0.95 if _is_unipark(sniff.head_rows) else 0.0
        if sniff.kind == "xlsx":
            return 0.95 if any(_is_unipark(r) for r in sniff.sheets.values()) else 0.0
        return 0.0

    def read(self, sniff: Sniff) -> RawExport:
        if _is_codebook(sniff):
            raise InputError("this is a Unipark/EFS codebook (the survey's variable list), not a response export; "
                             "read the data_project_*.csv export instead", path=sniff.path)
        sheet = None
        if sniff.kind == "xlsx":
            sheet = next((n for n, r in sniff.sheets.items() if _is_unipark(r)), None)
        rows, sheet_name = all_rows(sniff, sheet=sheet)
        if not _is_unipark(rows):
            raise InputError("the Unipark/EFS header rows are missing (row 3 should hold variable names: lfdn, "
                             "dispcode ...)", path=sniff.path)
        require_data(rows, 3, path=sniff.path)
        width = max(len(r) for r in rows[:3])
        head = [list(r) + [""] * (width - len(r)) for r in rows[:3]]
        texts = [" ".join(c.split()) for c in head[0]]
        shorts = [" ".join(c.split()) for c in head[1]]
        names = [c.strip() for c in head[2]]
        shared: dict[str, int] = {}
        for t in texts:
            if t:
                shared[t] = shared.get(t, 0) + 1
        columns = []
        for j in range(width):
            text, short, name = texts[j], shorts[j], names[j]
            if not text or name.lower() in SYSTEM_VARIABLES:
                columns.append(Column(index=j, header=name or short, extra=(name, short)))
            else:
                columns.append(Column(index=j, header=text, subheader=short if shared.get(text, 0) > 1 else "",
                                      extra=(name, short)))
        data = check_widths(rows[3:], width, path=sniff.path, first_row=4)
        data = [r for r in data if "".join(r).strip()]
        answers = [j for j in range(width) if names[j].lower() not in SYSTEM_VARIABLES]
        blanked = 0
        cleaned = []
        for r in data:
            if any(r[j] in SYSTEM_MISSING for j in answers):
                r = list(r)
                for j in answers:
                    if r[j] in SYSTEM_MISSING:
                        r[j] = ""
                        blanked += 1
                r = tuple(r)
            cleaned.append(r)
        data = cleaned
        notes = tuple(sniff.notes) + ((f"{blanked} EFS missing code(s) (-66 not seen, -77 not shown, "
                                       f"-99 not answered) read as blank",) if blanked else ())
        return RawExport(path=str(sniff.path), platform=self.name, encoding=sniff.encoding or "xlsx",
                         sha256=sniff.sha256, columns=tuple(columns), rows=tuple(data), header_rows=3,
                         notes=notes, meta={"sheet": sheet_name} if sheet_name else {})


register(UniparkReader())
