"""CSV that a spreadsheet shows rather than runs: shared by every export."""

from __future__ import annotations

import datetime

# A cell starting with one of these is a formula to Excel, LibreOffice and
# Google Sheets; an apostrophe in front makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """Return ``value`` as CSV text that a spreadsheet shows rather than runs."""
    if value is None:
        return ""
    if isinstance(value, datetime.date | datetime.time):
        text = value.isoformat()
    else:
        text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
