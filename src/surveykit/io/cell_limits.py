"""What every tabular reader applies to a single cell, CSV and workbook alike: the most characters an
answer may hold (``MAX_CELL_CHARS``) and the spreadsheet letter a message names a column by
(``column_letter``). They sit below ``base`` and ``xlsx_sheets`` so that both can use them without either
importing the other.
"""

from __future__ import annotations

# A single answer bigger than this is not a survey answer: refuse it instead of swallowing memory.
MAX_CELL_CHARS = 1_000_000


def column_letter(index: int) -> str:
    """Spreadsheet letter of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
