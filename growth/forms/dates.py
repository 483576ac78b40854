"""Which dates each form accepts, in one place.

A date input takes any year up to 9999, and a goal due in 9999 or a check-in
held in 1900 is a slip of the keyboard: refused with a field error that names
the range, never saved. ``today`` is always the person's own local date.
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils.formats import date_format

# Nothing in Cultivate happened before this: older dates are typos.
EARLIEST = datetime.date(2000, 1, 1)
# How far ahead a goal may aim; further is a typo, not a plan.
GOAL_YEARS_AHEAD = 10
# Planned learning (a course booked, a conference) may be logged this far ahead.
LEARNING_YEARS_AHEAD = 1
# Feedback asked for later than this is no longer fresh in anyone's mind.
REQUEST_YEARS_AHEAD = 1

Range = tuple[datetime.date, datetime.date]


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` later; 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def goal_target_range(today: datetime.date) -> Range:
    # From 2000, not from today: an old goal keeps the date it had when edited.
    return EARLIEST, years_after(today, GOAL_YEARS_AHEAD)


def learning_range(today: datetime.date) -> Range:
    return EARLIEST, years_after(today, LEARNING_YEARS_AHEAD)


def check_in_range(today: datetime.date) -> Range:
    return EARLIEST, today


def request_due_range(today: datetime.date) -> Range:
    return today, years_after(today, REQUEST_YEARS_AHEAD)


def _day(day: datetime.date, today: datetime.date) -> str:
    text = date_format(day, "j M Y")
    return f"today ({text})" if day == today else text


def check_within(
    day: datetime.date | None, bounds: Range, *, today: datetime.date
) -> datetime.date | None:
    """Return ``day``, or raise a field error naming the range it must be in."""
    earliest, latest = bounds
    if day is not None and not earliest <= day <= latest:
        raise forms.ValidationError(
            "Pick a date from %(earliest)s to %(latest)s.",
            code="date_out_of_range",
            params={
                "earliest": _day(earliest, today),
                "latest": _day(latest, today),
            },
        )
    return day


def bound(field: forms.Field, bounds: Range) -> None:
    """Tell the browser's date picker the range too."""
    earliest, latest = bounds
    field.widget.attrs.update(min=earliest.isoformat(), max=latest.isoformat())
