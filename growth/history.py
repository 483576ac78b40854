"""The change history of feedback notes, goals and mentorships.

django-simple-history records every ``save()`` and ``delete()`` of the three
models, with the signed-in person (``HistoryRequestMiddleware``) and the time.
The services write some changes with ``QuerySet.update()`` instead — to set
``updated_at`` exactly, or to change a row only if it still matches — which no
signal sees; they call ``record_change`` with the row as it now is, in the same
transaction, so those changes are kept too.

Staff read the history on each object's "History" page in the admin; nobody
else sees it. Erasing a person removes their rows from it (``growth.privacy``).
"""

from __future__ import annotations

import datetime

from django.db import models


def record_change(instance: models.Model, *, by, when: datetime.datetime) -> None:
    """Keep ``instance``, as it is in memory, as a change ``by`` made at ``when``.

    Name the person even inside a request: a service also runs from commands,
    tasks and the shell, where no one is signed in. Pass None only for a
    change no person made (the signed-in person, if any, is recorded then).
    """
    manager = type(instance).history
    manager.bulk_history_create(
        [instance], update=True, default_user=by, default_date=when
    )
