"""Text limits in templates that write a control by hand.

``{% text_limit "REPLY" as limit %}`` reads a limit of ``growth/models/limits.py``;
``{% char_counter value limit "note-" pk "-reply" %}`` writes the counter of
the control whose id the remaining arguments spell, as the counted widgets do.
"""

from __future__ import annotations

from django import template

from growth.forms.text import counter
from growth.models import limits

register = template.Library()


@register.simple_tag
def text_limit(name: str) -> int:
    return getattr(limits, name)


@register.simple_tag
def char_counter(value: str, limit: int, *id_parts):
    return counter("".join(str(part) for part in id_parts), value, limit)
