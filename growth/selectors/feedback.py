"""Reads of feedback notes for the pages: the list's tabs, and a page of one."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from growth.models import FeedbackNote, Visibility
from growth.policy import Access

# Each tab of the feedback list, and the columns it leaves out (they would
# name the same person on every row).
TABS = {"received": "Received", "given": "Given", "people": "About my people"}
TAB_OMITS = {"received": ("engineer", "team"), "given": ("author",), "people": ()}
# What a row of the list shows: no goal, none of the observation but the
# suggestion, and of the people and competency only their names.
LIST_RELATED = ("author", "engineer__user", "engineer__team", "competency")
LIST_FIELDS = (
    *("created_at", "kind", "sentiment", "visibility", "suggestion"),
    *("acknowledged_at", "reply", "actionable"),
    *("author__display_name", "author__email"),
    *("engineer__user__display_name", "engineer__user__email"),
    *("engineer__team__name", "competency__name"),
)


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


class _PagedByIds:
    """``notes`` as a paginator reads them: a page is the notes whose ids the
    page's slice of ``notes`` holds, in one query.

    Sliced as it is, the database would sort every matching note, joins and
    long texts included, to keep 25; the ids alone come from the list's
    covering index (``note_list_cover``) without reading a row, and then only
    the page's rows are read.
    """

    def __init__(self, notes: QuerySet):
        self.notes = notes
        self.ordered = notes.ordered

    def count(self) -> int:
        return self.notes.count()

    def __getitem__(self, page: slice) -> QuerySet:
        ids = self.notes.values("pk")[page]
        page = self.notes.filter(pk__in=ids)
        return page.select_related(*LIST_RELATED).only(*LIST_FIELDS)


def feedback_page(notes: QuerySet, number, *, per_page: int) -> Page:
    """Page ``number`` of ``notes`` (the last one if it is past the end)."""
    return Paginator(_PagedByIds(notes), per_page).get_page(number)
