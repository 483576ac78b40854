"""Invitations: nobody types anyone's password.

A person created in the admin (or by the people import) gets an email with a
link that works once, for ``INVITATION_DAYS``: it lets them choose their
password, or sign in with single sign-on when that is on. Only a hash of the
link's token is stored; the token itself is in the email alone, so a new
link means a new invitation, which revokes the person's open one.

The email goes out from this process once the transaction that made the
invitation commits, not through the reminder outbox: that outbox is growth's
(``accounts`` does not import ``growth``), and an invitation is sent because a
staff member just asked for it, so they should hear at once whether the mail
server took it. Sending cannot fail the request: each outcome is written on
the invitation (``sent_at``, or ``send_error`` with the reason, and a log
line), the admin lists the ones not sent, and "Resend" sends a fresh one. A
mail server that hangs costs a request at most ``SEND_TIMEOUT`` seconds once,
however many invitations it carries: after the first failure the rest are
marked unsent without being tried.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, InvitationState, User

logger = logging.getLogger(__name__)

# Seconds the mail server may take to connect and to answer each step while a
# web request waits for it.
SEND_TIMEOUT = 10


class InvitationClosed(Exception):
    """The invitation was used, revoked or expired, or its person left."""


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def token_hash(token: str) -> str:
    """The stored form of a link's token: a hash, since the token is random
    enough (256 bits) that a slow, salted hash would add nothing."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation whose link carries ``token``, if any."""
    return (
        Invitation.objects.select_related("user", "invited_by")
        .filter(token_hash=token_hash(token))
        .first()
    )


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("invitation-accept", args=[token])


def sso_provider_name() -> str:
    return getattr(settings, "OIDC_PROVIDER_NAME", "") or "single sign-on"


# --- sending -------------------------------------------------------------------


def _new(*, user: User, invited_by: User | None, now) -> tuple[Invitation, str]:
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        user=user,
        invited_by=invited_by,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + datetime.timedelta(days=settings.INVITATION_DAYS),
    )
    return invitation, token


def _revoke_open(user_ids: Iterable[int], *, now) -> int:
    return Invitation.objects.filter(
        user_id__in=list(user_ids), used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)


def invitation_send(
    *, user: User, invited_by: User | None, now: datetime.datetime | None = None
) -> Invitation:
    """Invite ``user``: revoke their open invitation, make a new one and email
    it once the transaction commits. An inactive person cannot be invited."""
    sent = invitations_send(users=[user], invited_by=invited_by, now=now)
    if not sent:
        raise InvitationClosed(f"{user} is inactive and cannot be invited.")
    return sent[0]


def invitations_send(
    *,
    users: Iterable[User],
    invited_by: User | None,
    now: datetime.datetime | None = None,
) -> list[Invitation]:
    """Invite each active person of ``users``, one email each; return the
    invitations made (inactive people are left out)."""
    now = _now(now)
    ids = sorted({user.pk for user in users})
    with transaction.atomic():
        # The people's rows locked in one order: two sends for one person take
        # turns, and the second revokes what the first made.
        people = list(
            User.objects.select_for_update()
            .filter(pk__in=ids, is_active=True)
            .order_by("pk")
        )
        _revoke_open([person.pk for person in people], now=now)
        made = [_new(user=person, invited_by=invited_by, now=now) for person in people]
        Invitation.objects.bulk_create([invitation for invitation, _ in made])
        if made:
            transaction.on_commit(lambda: _deliver(made))
    return [invitation for invitation, _ in made]


def _message(invitation: Invitation, token: str) -> mail.EmailMultiAlternatives:
    """The invitation email: names, the link and its expiry in the person's
    own time zone; never a password."""
    user = invitation.user
    inviter = invitation.invited_by
    context = {
        "recipient": user,
        "inviter_name": inviter.display_name if inviter else "",
        "url": invitation_url(token),
        "expires_at": invitation.expires_at,
        "sso": settings.OIDC_ENABLED,
        "provider_name": sso_provider_name(),
        "site_url": settings.SITE_URL,
    }
    with timezone.override(user.zone):
        subject, text, html = (
            render_to_string(f"emails/invitation-{part}", context)
            for part in ("subject.txt", "body.txt", "body.html")
        )
    message = mail.EmailMultiAlternatives(
        subject=" ".join(subject.split())[:255],
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={"Message-ID": f"<invitation-{invitation.pk}@{_host()}>"},
    )
    message.attach_alternative(html, "text/html")
    return message


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "cultivate.localhost"


def _failed(ids: list[int], reason: str) -> None:
    logger.warning("Invitations %s not sent: %s", ids, reason)
    Invitation.objects.filter(pk__in=ids).update(send_error=reason[:500])


def _reason(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"


def _deliver(made: list[tuple[Invitation, str]]) -> None:
    """Send each invitation over one connection; write down how each went."""
    if not made:
        return
    connection = mail.get_connection(timeout=min(settings.EMAIL_TIMEOUT, SEND_TIMEOUT))
    try:
        connection.open()
    except Exception as error:  # any backend's error: none may fail the request
        _failed([invitation.pk for invitation, _ in made], _reason(error))
        return
    try:
        for position, (invitation, token) in enumerate(made):
            try:
                delivered = connection.send_messages([_message(invitation, token)])
            except Exception as error:  # as above
                rest = [later.pk for later, _ in made[position:]]
                _failed(rest, _reason(error))
                return
            if delivered:
                Invitation.objects.filter(pk=invitation.pk).update(
                    sent_at=timezone.now(), send_error=""
                )
    finally:
        try:
            connection.close()
        except Exception:  # closing a broken connection: nothing left to do
            logger.info("Closing the mail connection failed", exc_info=True)


# --- revoking and accepting ---------------------------------------------------------


def invitation_revoke(
    *, invitation: Invitation, now: datetime.datetime | None = None
) -> bool:
    """Make ``invitation``'s link stop working; False if it was used or
    revoked already."""
    now = _now(now)
    revoked = Invitation.objects.filter(
        pk=invitation.pk, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    if revoked:
        invitation.revoked_at = now
    return bool(revoked)


def invitation_accept(
    *,
    invitation: Invitation,
    password: str | None,
    now: datetime.datetime | None = None,
) -> User:
    """Use ``invitation``: mark it used and set its person's password (none
    with single sign-on); return the person, to sign in.

    The claim is one conditional update, so a link posted twice at once is
    used once; raise ``InvitationClosed`` for the other, or for a link that was
    revoked, has expired, or whose person has left since.
    """
    now = _now(now)
    with transaction.atomic():
        claimed = (
            Invitation.objects.open(now=now)
            .filter(pk=invitation.pk, user__is_active=True)
            .update(used_at=now)
        )
        if claimed != 1:
            raise InvitationClosed("This invitation no longer works.")
        user = User.objects.get(pk=invitation.user_id)
        if password is not None:
            user.set_password(password)
            user.save(update_fields=["password"])
    invitation.used_at = now
    return user


def invitation_used_by_sign_in(
    *, user: User, now: datetime.datetime | None = None
) -> int:
    """Mark ``user``'s open invitation used because they signed in another way
    (single sign-on); return how many were (0 or 1).

    The sign-in view calls this after it signs the person in: explicit, where
    a ``user_logged_in`` receiver would hide it (and would also close the
    invitation of someone signed in by staff impersonation or a test).
    """
    return Invitation.objects.filter(
        user=user, used_at__isnull=True, revoked_at__isnull=True
    ).update(used_at=_now(now))


# --- asking for a new one ------------------------------------------------------------


def renewal_recipients(invitation: Invitation) -> list[User]:
    """Who hears that ``invitation``'s person wants a new one: whoever invited
    them while they are active staff, or else every active superuser."""
    inviter = invitation.invited_by
    if inviter is not None and inviter.is_active and inviter.is_staff:
        return [inviter]
    return list(User.objects.filter(is_active=True, is_superuser=True).order_by("pk"))


def invitation_renewal_request(
    *, invitation: Invitation, now: datetime.datetime | None = None
) -> bool:
    """Ask staff, by email, to invite ``invitation``'s person again; return
    whether this call asked.

    Once per invitation whatever the number of clicks (a conditional update),
    and only for a link that no longer works, of a person still here who has
    no newer link that works: nobody can make staff's inbox fill, and the
    answer the page gives is the same either way.
    """
    now = _now(now)
    if invitation.state(now=now) == InvitationState.OPEN:
        return False
    if Invitation.objects.open(now=now).filter(user_id=invitation.user_id).exists():
        return False  # a newer link that works is in their inbox
    claimed = Invitation.objects.filter(
        pk=invitation.pk, renewal_requested_at__isnull=True, user__is_active=True
    ).update(renewal_requested_at=now)
    if not claimed:
        return False
    invitation.renewal_requested_at = now
    recipients = renewal_recipients(invitation)
    transaction.on_commit(lambda: _deliver_renewal(invitation, recipients))
    return True


def _deliver_renewal(invitation: Invitation, recipients: list[User]) -> None:
    person = invitation.user
    admin_url = settings.SITE_URL + reverse("admin:accounts_invitation_changelist")
    context = {
        "person": person,
        "asked_at": invitation.renewal_requested_at,
        "url": f"{admin_url}?user__id__exact={person.pk}",
        "site_url": settings.SITE_URL,
    }
    messages = []
    for recipient in recipients:
        context["recipient"] = recipient
        subject = " ".join(
            render_to_string("emails/invitation-renewal-subject.txt", context).split()
        )
        message = mail.EmailMultiAlternatives(
            subject=subject[:255],
            body=render_to_string("emails/invitation-renewal-body.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[recipient.email],
        )
        message.attach_alternative(
            render_to_string("emails/invitation-renewal-body.html", context),
            "text/html",
        )
        messages.append(message)
    try:
        connection = mail.get_connection(
            timeout=min(settings.EMAIL_TIMEOUT, SEND_TIMEOUT)
        )
        connection.send_messages(messages)
    except Exception as error:  # the person's page must not fail for it
        logger.warning(
            "The request for a new invitation %s reached no one: %s",
            invitation.pk,
            _reason(error),
        )
