"""CSV that a spreadsheet shows rather than runs: shared by every export."""

from __future__ import annotations

import datetime

# A cell starting with one of these is a formula (or, with "|", a DDE call) to
# Excel, LibreOffice and Google Sheets, the full-width forms included: some
# of them read "＝" as "=". An apostrophe in front makes the cell plain text.
FORMULA_STARTS = (
    *("=", "+", "-", "@", "|", "\t", "\r"),
    *("\uff1d", "\uff0b", "\uff0d", "\uff20", "\uff5c"),  # ＝ ＋ － ＠ ｜
)
# Quotes and separators a spreadsheet may read as the start of a new cell, so
# that a formula behind them runs all the same (OWASP's CSV injection advice).
CELL_STARTS = "\"',;"


def csv_cell(value) -> str:
    """Return ``value`` as CSV text that a spreadsheet shows rather than runs."""
    if value is None:
        return ""
    if isinstance(value, datetime.date | datetime.time):
        text = value.isoformat()
    else:
        text = str(value)
    runs = text.lstrip(CELL_STARTS).startswith(FORMULA_STARTS)
    return "'" + text if runs else text
