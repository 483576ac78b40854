"""Every cell a spreadsheet would run is written as plain text (OWASP's list)."""

import datetime

import pytest

from growth.spreadsheets import csv_cell

DANGEROUS = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "|calc!A1",
    "\uff1d1+1",  # full-width =
    "\uff0b1+1",  # full-width +
    "\uff0d1+1",  # full-width -
    "\uff201+1",  # full-width @
    "\uff5ccalc!A1",  # full-width |
    '"=1+1',  # a quote, then a formula
    "'=1+1",
    ";=1+1",  # a separator, then a formula
    ",=1+1",
    '";=1+1',
]


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_cell_that_would_run_is_made_plain_text(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize(
    "text", ["Alice", "a=b", "1+1", "O'Neil", '"quoted"', "R&D; platform"]
)
def test_plain_text_is_left_alone(text):
    assert csv_cell(text) == text


def test_empty_and_dates_are_written_plainly():
    assert csv_cell(None) == ""
    assert csv_cell(datetime.date(2026, 11, 25)) == "2026-11-25"
