"""Asking several people for feedback in one go: all of them, or none.

Each person gets a request of their own, made and announced by
``feedback_request_create``, so the rules and the notification are the ones a
single request has. Every problem is a ``ValidationError`` on ``recipients``
that names the person it is about, and then nothing is saved and nobody is
told.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from growth.models import Competency, Engineer, FeedbackRequest, Goal
from growth.services.feedback import feedback_request_create

# How many people one submission may ask: enough for a project's reviewers, few
# enough that nobody sends a survey to the whole organisation by accident.
MAX_RECIPIENTS = 10


def names_of(people: list[Engineer]) -> str:
    """Name ``people`` as a sentence does: "Ann", "Ann and Bo", "Ann, Bo and Cy"."""
    names = [str(person) for person in people]
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _by_field(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {NON_FIELD_ERRORS: error.messages}


def feedback_requests_create(
    *,
    requester: Engineer,
    recipients: list[Engineer],
    due_on: datetime.date,
    message: str = "",
    competency: Competency | None = None,
    goal: Goal | None = None,
    now: datetime.datetime,
) -> list[FeedbackRequest]:
    """Ask each of ``recipients`` for feedback by ``due_on``; return the requests.

    One transaction: if anyone cannot be asked (``requester`` themselves,
    someone inactive, someone already asked and not yet answered, someone
    listed twice, more than ``MAX_RECIPIENTS`` people), or a shared field is
    wrong, every error is raised together and nothing is saved or sent.
    """
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        if message not in errors.setdefault(field, []):
            errors[field].append(message)

    chosen: dict[int, Engineer] = {}
    repeated: dict[int, Engineer] = {}
    for person in recipients:
        (repeated if person.pk in chosen else chosen).setdefault(person.pk, person)
    unique, twice = list(chosen.values()), list(repeated.values())
    if not unique:
        refuse("recipients", "Choose at least one person to ask.")
    for person in twice:
        refuse("recipients", f"{person} is chosen twice; once is enough.")
    if len(unique) > MAX_RECIPIENTS:
        extra = unique[MAX_RECIPIENTS:]
        refuse(
            "recipients",
            f"Ask at most {MAX_RECIPIENTS} people at once; you chose {len(unique)}: "
            f"{names_of(extra)} {'is' if len(extra) == 1 else 'are'} over the limit.",
        )

    made: list[FeedbackRequest] = []
    with transaction.atomic():
        # Two submissions by one requester run one after the other, so both
        # cannot find "no open request to Bob" and ask Bob twice.
        list(Engineer.objects.select_for_update().filter(pk=requester.pk))
        for person in unique[:MAX_RECIPIENTS]:
            if person.pk == requester.pk:
                refuse(
                    "recipients",
                    f"You cannot ask yourself for feedback: leave out {person}.",
                )
                continue
            try:
                with transaction.atomic():
                    made.append(
                        feedback_request_create(
                            requester=requester,
                            recipient=person,
                            due_on=due_on,
                            message=message,
                            competency=competency,
                            goal=goal,
                            now=now,
                        )
                    )
            except ValidationError as error:
                for field, messages in _by_field(error).items():
                    field = "recipients" if field == "recipient" else field
                    for text in messages:
                        refuse(field, text)
        if errors:
            # Leaving the transaction with the error undoes the requests made
            # so far, their notifications and their queued emails.
            raise ValidationError(errors)
    return made
