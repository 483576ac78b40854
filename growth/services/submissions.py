"""Creates that happen once per submission key."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.http import Http404

from growth.models.submissions import Submission

FIELD = "submission_key"


class Outcome(NamedTuple):
    """What a create made, and whether an earlier POST of the key made it."""

    result: Any
    repeated: bool


class KeyReused(SuspiciousOperation):
    """The key was sent before with another request: answering with what that
    one made would answer a question nobody asked (a goal for a note)."""


def submission_key(data) -> uuid.UUID | None:
    """The key a form posted, or ``None`` when it sent none or a malformed one."""
    try:
        return uuid.UUID(str(data.get(FIELD, "")))
    except ValueError:
        return None


def create_once(
    *,
    user,
    key: uuid.UUID | None,
    create: Callable[[], Any],
    request: str = "",
) -> Outcome:
    """Run ``create`` unless ``user`` already submitted ``key``; return what it made.

    The key is recorded in the create's transaction under a unique constraint,
    so a second POST of it waits on the first one's row lock, then finds the row
    and answers with the first result: no second object, notification or email.
    A create that fails rolls its key back, so the form can be sent again.
    ``create`` returns one saved object, or a list of objects of one model; it
    runs only for a new key, so whatever it checks is not checked on a replay
    (a request a note answered is closed by the time the POST is retried).

    ``request`` names what the key came with (``Submission.request``); the key
    sent again with anything else raises ``KeyReused`` and makes nothing.
    """
    if key is None:
        return Outcome(create(), repeated=False)
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission = Submission.objects.create(
                    user=user, key=key, request=request
                )
        except IntegrityError:
            earlier = Submission.objects.select_related("content_type").get(
                user=user, key=key
            )
            if earlier.request != request:
                raise KeyReused("The key was used for a different request.") from None
            result = earlier.result()
            if result is None:
                # What the first POST made has been deleted since.
                raise Http404("That submission's result no longer exists.") from None
            return Outcome(result, repeated=True)
        result = create()
        objects = result if isinstance(result, list | tuple) else [result]
        if objects:
            submission.content_type = ContentType.objects.get_for_model(objects[0])
        submission.object_ids = [obj.pk for obj in objects]
        submission.many = isinstance(result, list | tuple)
        submission.save(update_fields=["content_type", "object_ids", "many"])
    return Outcome(result, repeated=False)
