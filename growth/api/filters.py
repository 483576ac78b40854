"""Filters for the API's lists that have no page FilterSet of their own."""

from __future__ import annotations

import django_filters

from growth.models import FeedbackRequest, RequestStatus

BOXES = [("asked", "Asked of me"), ("mine", "I asked")]


class FeedbackRequestFilter(django_filters.FilterSet):
    """The requests page's two lists, ``box=asked`` and ``box=mine``, and a
    request's status."""

    box = django_filters.ChoiceFilter(
        choices=BOXES,
        method="filter_box",
        label="Asked of me (asked) or by me (mine), as the requests page's lists.",
    )
    status = django_filters.ChoiceFilter(choices=RequestStatus.choices)

    class Meta:
        model = FeedbackRequest
        fields: list[str] = []

    def filter_box(self, queryset, name, value):
        side = "recipient" if value == "asked" else "requester"
        return queryset.filter(**{f"{side}__in": self.request.access.own_ids})
