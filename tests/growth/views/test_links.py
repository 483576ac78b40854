"""Links written from a pattern reversed once are the links ``reverse`` gives."""

import pytest
from django.urls import reverse

from growth.views.links import url_with_id


@pytest.mark.parametrize(
    "name",
    [
        "feedback-detail",
        "feedback-acknowledge",
        "feedback-rate",
        "feedback-reply",
        "goal-from-note",
        "engineer-dashboard",
    ],
)
@pytest.mark.parametrize("pk", [1, 42, 2147483646])
def test_a_link_with_an_id_is_the_reversed_url(name, pk):
    assert url_with_id(name, pk) == reverse(name, args=[pk])


def test_an_id_that_is_not_a_number_is_refused():
    with pytest.raises(ValueError):
        url_with_id("feedback-detail", "1/../admin")
