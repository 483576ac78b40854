"""Links for rows that views write in Python."""

from django.urls import reverse

# A stand-in for a row's id: the largest id a column holds, so no other part
# of a URL can contain it.
_MARKER = "2147483647"


def url_for_ids(name: str) -> str:
    """The URL named ``name`` with ``{}`` where its one id goes: reversed once
    for a page of rows rather than once a row (about 30 µs each)."""
    return reverse(name, args=[_MARKER]).replace(_MARKER, "{}")
