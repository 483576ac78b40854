"""Sessions that know whose they are, so closing an account signs it out at once.

Django's database sessions keep who is signed in inside their encoded data,
so finding one person's sessions would mean decoding every row. This store
(``SESSION_ENGINE``; Django's documented way to extend the database engine)
also writes the user's id to a column of its own each time a session is
saved, a new key after signing in or changing a password included, so
``user_sessions_end`` deletes them all with one query.
"""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.db.models import F

from accounts.models import Session, User


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls):
        return Session

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        try:
            session.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            session.user_id = None  # nobody signed in
        return session


def user_sessions_end(*, user: User) -> int:
    """Sign ``user`` out everywhere, now; return how many sessions were deleted.

    Call it wherever a person is deactivated: their user or engineer profile
    in the admin, erasure, and any import or single sign-on to come. Deleting
    the rows means making the account active again does not sign the old
    cookies back in. Raising the session generation (``User.get_session_auth_hash``)
    also flushes, at its next request, a session saved without its user's
    id: one signing in at this very moment, or one from another engine.
    """
    deleted, _ = Session.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(
        session_generation=F("session_generation") + 1
    )
    user.refresh_from_db(fields=["session_generation"])
    return deleted
