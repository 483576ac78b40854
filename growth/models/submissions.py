"""Submission keys: what makes a create posted twice happen once."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class Submission(models.Model):
    """One form submission that created something, under its one-time key.

    A form render carries a fresh key; the create and this row commit together,
    and the (user, key) constraint makes a second POST of the same key — a double
    click, a retry after a timeout, a browser resubmit — wait for the first and
    then answer with what it made, so nothing is created or sent twice.

    ``request`` is what the key came with where the caller chooses the key (the
    API): the endpoint and a hash of the body. The key sent with any other
    request is refused, never answered with what this one made. A page makes a
    fresh key for each form it renders and leaves ``request`` empty.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    key = models.UUIDField()
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, related_name="+"
    )
    # A list: a request to several people is one submission and several rows.
    object_ids = models.JSONField(default=list)
    many = models.BooleanField(default=False)
    request = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], name="submission_once_per_key"
            ),
        ]

    def __str__(self):
        return f"{self.key} by user {self.user_id}"

    def result(self):
        """What the submission made: one object, or a list when it made several.

        Objects deleted since are left out; ``None`` when a lone one is gone.
        """
        if self.content_type is None:
            return [] if self.many else None
        model = self.content_type.model_class()
        found = model._base_manager.in_bulk(self.object_ids)
        objects = [found[pk] for pk in self.object_ids if pk in found]
        if self.many:
            return objects
        return objects[0] if objects else None


def new_key() -> str:
    return str(uuid.uuid4())
