"""``{{ field|filter_field }}``: a filter form's field, written in Python."""

from __future__ import annotations

from django import template

from growth.forms import rendering

register = template.Library()
register.filter("filter_field", rendering.filter_field)
