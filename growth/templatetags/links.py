"""``{% url_with_id "feedback-detail" note.pk %}``: ``{% url %}`` for an id,
from a pattern reversed once per process (``growth.views.links``)."""

from __future__ import annotations

from django import template

from growth.views.links import url_with_id

register = template.Library()
register.simple_tag(url_with_id, name="url_with_id")
