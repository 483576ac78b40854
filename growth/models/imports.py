"""Files uploaded to the people import, between the preview and the confirm."""

from __future__ import annotations

import datetime

from django.db import models


class PendingImport(models.Model):
    """An uploaded people file waiting for staff to confirm its preview.

    django-import-export keeps the file between the two steps; by default in a
    temporary folder on disk, but an HR export is people's data, and nothing
    about a person is kept outside the database. It is removed when the import
    is confirmed, and any left by a preview nobody confirmed go after a day.
    """

    name = models.CharField(max_length=64, unique=True)
    data = models.BinaryField()
    created_at = models.DateTimeField()

    KEPT_FOR = datetime.timedelta(days=1)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return self.name
