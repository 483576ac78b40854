"""Pages of a list: by cursor, newest first.

A cursor rather than page numbers: nothing counts the whole list (a page
costs the same however much there is), and feedback written while someone
walks the pages neither repeats a row nor skips one.
"""

from rest_framework.pagination import CursorPagination


class NewestFirst(CursorPagination):
    ordering = ("-created_at", "-pk")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ByName(NewestFirst):
    """By the ``display_name`` the view annotates: the cursor reads its
    position off each row's attribute, so a name across a relation
    (``user__display_name``) is no ordering it can page by."""

    ordering = ("display_name", "pk")


class ByDate(NewestFirst):
    ordering = ("-date", "-pk")


class OldestFirst(NewestFirst):
    """A conversation reads from its start."""

    ordering = ("created_at", "pk")
