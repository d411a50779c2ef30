"""Render a ``Report`` to files people can open: HTML, Markdown, Word, XLSX, CSV, PNG/SVG and a manifest.

One module per format (``html``, ``markdown``, ``docx``, ``xlsx``), the cell rules every format
shares (``cells``: formula escaping, CSV) and the folder (``folder.write_report``). Every writer is
deterministic: same Report, same bytes. The presentation rules for tables (headers, rounding,
footnotes) are in ``surveykit.report.tables``.
"""

from surveykit.report.tables import display, plain
from surveykit.report.writers.cells import FORMULA_PREFIXES, export_frame, neutralise, table_csv
from surveykit.report.writers.docx import document_bytes
from surveykit.report.writers.folder import REPORT_NAMES, STEPS, manifest_json, write_report
from surveykit.report.writers.html import report_html, table_html
from surveykit.report.writers.markdown import report_markdown, table_markdown
from surveykit.report.writers.xlsx import workbook_bytes

__all__ = ["FORMULA_PREFIXES", "REPORT_NAMES", "STEPS", "display", "document_bytes", "export_frame", "manifest_json", "neutralise",
           "plain", "report_html", "report_markdown", "table_csv", "table_html", "table_markdown", "workbook_bytes",
           "write_report"]
