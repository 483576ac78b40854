"""Reads of feedback notes for the pages: the list's tabs."""

from __future__ import annotations

from django.db.models import QuerySet

from growth.models import FeedbackNote, Visibility
from growth.policy import Access

# Each tab of the feedback list, and the columns it leaves out (they would
# name the same person on every row).
TABS = {"received": "Received", "given": "Given", "people": "About my people"}
TAB_OMITS = {"received": ("engineer", "team"), "given": ("author",), "people": ()}


def feedback_tabs(access: Access) -> list[tuple[str, str]]:
    """The tabs the viewer has: *About my people* only for managers and mentors."""
    return [
        (key, label)
        for key, label in TABS.items()
        if key != "people" or access.manager or access.mentor
    ]


def feedback_tab(access: Access, tab: str) -> QuerySet:
    """The notes of one tab: shared with me, written by me, or about the people
    I manage or mentor (whatever the policy lets me read of them)."""
    notes = FeedbackNote.objects.visible_to(access)
    if tab == "received":
        return notes.filter(
            visibility=Visibility.SHARED, engineer_id__in=access.own_ids
        )
    if tab == "given":
        return notes.filter(author_id=access.user_id)
    people = (access.report_ids | access.mentee_ids) - access.own_ids
    return notes.filter(engineer_id__in=people)
