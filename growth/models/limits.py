"""How much text each field a person writes may hold, in characters.

One place for the numbers: the models check them (a validator for
``full_clean``, a database check for writes that skip it), the forms show them
in a counter and refuse text over them with a field error, and the tests and
the README read them from here. Text over a limit is refused, never cut.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

# Long text: a few pages, far more than feedback someone can act on needs.
NOTE_PART = 5_000  # each of a note's situation, behaviour, impact, suggestion
REPLY = 5_000
REQUEST_MESSAGE = 5_000
CHECK_IN_NOTES = 5_000
CHECK_IN_PRIVATE_NOTES = 5_000
GOAL_DESCRIPTION = 5_000
GOAL_CHECK_IN_NOTE = 5_000
LEARNING_DESCRIPTION = 5_000
# The box new action items are typed in, one a line; each item is ACTION_ITEM.
ACTION_ITEMS_BOX = 5_000
ACTION_ITEM = 300
# A talking point for the next 1:1: a sentence or two of what and why.
AGENDA_ITEM = 500
# Titles and names: one line.
GOAL_TITLE = 200
LEARNING_TITLE = 200
MENTORSHIP_FOCUS = 200
ENGINEER_TITLE = 100
COMPETENCY_NAME = 100
# A link to the work on a note or check-in: its address, and the few words
# naming it (growth.links); its host and label are read from the address.
WORK_LINK_URL = 2_000
WORK_LINK_TITLE = 200
WORK_LINK_HOST = 255
WORK_LINK_LABEL = 100
# Written by admins.
COMPETENCY_DESCRIPTION = 2_000
REMINDER_RULE_DESCRIPTION = 1_000
# The career framework, written by admins or imported from files.
FRAMEWORK_NAME = 100
FRAMEWORK_DESCRIPTION = 2_000
EXPECTATION_STATEMENT = 1_000
EXPECTATION_EXAMPLES = 3_000
# Assessments and readiness, written by an engineer and their manager.
ASSESSMENT_COMMENT = 1_000
READINESS_SUMMARY = 5_000


class LengthLimitValidator(MaxLengthValidator):
    """``MaxLengthValidator`` saying the numbers as people read them."""

    message = (
        "Keep this to %(limit)s characters; it has %(length)s (%(over)s too many)."
    )

    def __call__(self, value):
        length = len(value)
        if length > self.limit_value:
            raise ValidationError(
                self.message,
                code=self.code,
                params={
                    "limit": f"{self.limit_value:,}",
                    "length": f"{length:,}",
                    "over": f"{length - self.limit_value:,}",
                    "limit_value": self.limit_value,
                    "show_value": length,
                    "value": value,
                },
            )


def with_limit(validators: list, limit: int) -> None:
    """Swap Django's ``MaxLengthValidator`` in ``validators`` for ours."""
    validators[:] = [v for v in validators if type(v) is not MaxLengthValidator]
    validators.append(LengthLimitValidator(limit))


class _Limited:
    """A text field whose ``max_length`` the model checks, with a form field
    that counts the characters rather than cutting them."""

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        with_limit(self.validators, max_length)

    def formfield(self, **kwargs):
        # Imported here: the forms import this module.
        from growth.forms.text import CountedCharField

        return super().formfield(**{"form_class": CountedCharField, **kwargs})


class LimitedTextField(_Limited, models.TextField):
    """A ``TextField`` that holds at most ``max_length`` characters.

    Django's own ``TextField(max_length=...)`` only sizes the form field; this
    one's ``full_clean`` refuses longer text too. Pair it with ``within_limits``
    in the model's constraints so that the database refuses it as well.
    """

    def formfield(self, **kwargs):
        from growth.forms.text import CountedTextarea

        return super().formfield(**{"widget": CountedTextarea, **kwargs})


class LimitedCharField(_Limited, models.CharField):
    """A ``CharField`` whose form counts characters instead of cutting them.

    PostgreSQL's ``varchar`` refuses longer text; SQLite does not, so pair it
    with ``within_limits`` too.
    """


def within_limits(name: str, /, **limits: int) -> models.CheckConstraint:
    """One database check that each field named in ``limits`` holds at most
    its number of characters: the backstop for writes that skip the model's
    validation (``update()``, ``bulk_create()``). One check, not one a field,
    because ``full_clean`` runs each check as a query of its own."""
    return models.CheckConstraint(
        condition=Q(
            *(LessThanOrEqual(Length(field), limit) for field, limit in limits.items())
        ),
        name=name,
        violation_error_message="Some of this text is longer than its limit.",
    )
