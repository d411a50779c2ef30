"""Tidy CSV / XLSX: one header row, one row per respondent, columns named by our ids or by text."""

from __future__ import annotations

import re

from surveykit.errors import InputError
from surveykit.io._tabular import all_rows, head_rows, headerless_problem, require_data
from surveykit.io.base import Column, RawExport, Sniff, check_header, check_widths
from surveykit.io.fastcsv import as_row_tuple
from surveykit.io.registry import register

_ID = re.compile(r"^(q\d{1,2}(_[a-z0-9_]+)?|respondent_id|sector|role|region|completed)$", re.I)


class TidyReader:
    name = "tidy"
    label = "Tidy CSV/XLSX (one header row; columns named by question id or text)"

    def detect(self, sniff: Sniff) -> float:
        if sniff.kind not in ("text", "xlsx") or (sniff.kind == "text" and sniff.delimiter == ";"):
            return 0.0
        rows = head_rows(sniff)
        if not rows:
            return 0.0
        ids = sum(1 for h in rows[0] if _ID.match(h.strip()))
        if ids >= 2:
            return 0.8
        # Any other rectangular file: the last resort (its columns map by text, or stay unmapped).
        return 0.05

    def read(self, sniff: Sniff) -> RawExport:
        rows, sheet = all_rows(sniff, columnar=True)
        require_data(rows, 1, path=sniff.path)
        problem = headerless_problem(rows, known_header=_ID.match)
        if problem:
            raise InputError(problem, path=sniff.path)
        header = [h.strip() for h in rows[0]]
        check_header(header, path=sniff.path)
        data = check_widths(rows[1:], len(header), path=sniff.path, first_row=2)
        return RawExport(
            path=str(sniff.path), platform=self.name, encoding=sniff.encoding or "xlsx",
            sha256=sniff.sha256, columns=tuple(Column(index=j, header=h) for j, h in enumerate(header)),
            rows=as_row_tuple(data), header_rows=1, notes=sniff.notes, meta={"sheet": sheet} if sheet else {},
        )


register(TidyReader())
