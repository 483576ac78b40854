"""Reads of feedback notes for the pages: the list's tabs, a page of one, and
the Praise wall."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from growth import policy
from growth.models import FeedbackNote, Visibility
from growth.policy import Access

# Each tab of the feedback list, and the columns it leaves out (they would
# name the same person on every row).
TABS = {"received": "Received", "given": "Given", "people": "About my people"}
TAB_OMITS = {"received": ("engineer", "team"), "given": ("author",), "people": ()}
# What a row of the list shows: no goal, none of the observation but the
# suggestion (or the praise's message), and of the people, team and
# competency only their names. The page's query reads the note's own
# columns; the names are the filter's options (``name_rows``), read already.
LIST_FIELDS = (
    *("pk", "created_at", "kind", "sentiment", "visibility", "suggestion"),
    *("message", "acknowledged_at", "replied_at", "actionable"),
    *("author_id", "engineer_id", "competency_id"),
)
# Each name a row shows, and where a note's own row finds it.
NAMES = {
    "author": ("author__display_name", "author__email"),
    "author_email": ("author__email",),
    "engineer": ("engineer__user__display_name", "engineer__user__email"),
    "team": ("engineer__team__name",),
    "competency": ("competency__name",),
}


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
    page's slice of ``notes`` holds, as ``LIST_FIELDS`` dictionaries, in one
    query.

    Sliced as it is, the database would sort every matching note, joins and
    long texts included, to keep 25; the ids alone come from the list's
    covering index (``note_list_cover``) without reading a row, and then only
    the page's rows are read, by id. (A window count beside those ids would
    save the count's query, but cost SQLite more than the query does.)
    """

    def __init__(self, notes: QuerySet):
        self.notes = notes
        self.ordered = notes.ordered

    def count(self) -> int:
        return self.notes.count()

    def __getitem__(self, page: slice) -> list[dict]:
        # In the model's order, as ``notes`` are; the ids went through the
        # policy and the filters, so the page's query need not repeat them.
        ids = self.notes.values("pk")[page]
        return list(FeedbackNote.objects.filter(pk__in=ids).values(*LIST_FIELDS))


def feedback_page(notes: QuerySet, number, *, per_page: int) -> Page:
    """Page ``number`` of ``notes`` (the last one if it is past the end), each
    note a dictionary of ``LIST_FIELDS``."""
    return Paginator(_PagedByIds(notes), per_page).get_page(number)


def name_rows(rows: list[dict], names: dict[str, dict[int, str]]) -> None:
    """Give each row of a page its ``NAMES``, from ``names`` (the list
    filter's options, by id, and ``"team"`` by engineer id).

    A name is looked for only if ``names`` holds its kind (the columns a tab
    shows are the filters it has). A row whose name is not there, a note
    written since the options were read, is read again with its names.
    """
    columns = {"author": "author_id", "author_email": "author_id"}
    columns |= {"engineer": "engineer_id"}
    columns |= {"team": "engineer_id", "competency": "competency_id"}
    unnamed = set()
    for row in rows:
        for name, column in columns.items():
            if name not in names:
                continue
            pk = row[column]
            if pk is None:
                row[name] = None
            elif (label := names[name].get(pk)) is not None:
                row[name] = label
            else:
                unnamed.add(row["pk"])
    if not unnamed:
        return
    fields = [field for name in names for field in NAMES.get(name, ())]
    again = FeedbackNote.objects.filter(pk__in=unnamed).values("pk", *fields)
    found = {row["pk"]: row for row in again}
    for row in rows:
        if (read := found.get(row["pk"])) is not None:
            for name in names:
                if name in NAMES:
                    row[name] = next((read[f] for f in NAMES[name] if read[f]), None)


# --- the Praise wall -----------------------------------------------------------


def praise_wall(access: Access) -> QuerySet:
    """Praise its authors put on the wall, newest first, with the people it
    names: everyone signed in reads it."""
    return (
        policy.public_praise_visible_to(access, FeedbackNote.objects.all())
        .select_related("author", "engineer__user", "engineer__team", "competency")
        .order_by("-created_at", "-pk")
    )


def openable_ids(access: Access, notes) -> set[int]:
    """Which of ``notes`` the viewer may open (the wall shows everyone's, but
    a note's own page and conversation keep to its readers)."""
    return set(
        FeedbackNote.objects.visible_to(access)
        .filter(pk__in=[note.pk for note in notes])
        .values_list("pk", flat=True)
    )
