"""Invitations: the service, the email, and the link's pages."""

from __future__ import annotations

import datetime
import hashlib
import re
import socket

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.invitations import (
    InvitationClosed,
    invitation_accept,
    invitation_renewal_request,
    invitation_revoke,
    invitation_send,
    invitation_used_by_sign_in,
    invitations_send,
)
from accounts.models import Invitation, InvitationState
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 30, 9, tzinfo=datetime.UTC)
LINK = re.compile(r"http://\S+/invitation/([\w-]+)/")
PASSWORD = "a long and unguessable passphrase"


@pytest.fixture
def newcomer(db):
    return factories.make_user("Nia Newcomer", time_zone="Europe/Paris")


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Invite someone as the app does; return the invitation and its token,
    read from the email as the person would."""

    def send(user, by, now=None):
        with django_capture_on_commit_callbacks(execute=True):
            invitation = invitation_send(user=user, invited_by=by, now=now)
        token = LINK.search(mail.outbox[-1].body).group(1)
        invitation.refresh_from_db()
        return invitation, token

    return send


def accept_url(token):
    return reverse("invitation-accept", args=[token])


# --- the service ---------------------------------------------------------------


def test_it_stores_a_hash_of_the_token_never_the_token(newcomer, cast, send):
    invitation, token = send(newcomer, cast.staff)
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert token not in " ".join(str(value) for value in stored.values())


def test_the_link_works_for_seven_days(newcomer, cast, send):
    invitation, _token = send(newcomer, cast.staff, now=NOW)
    assert invitation.created_at == NOW
    assert invitation.expires_at == NOW + datetime.timedelta(days=7)


def test_a_new_invitation_revokes_the_open_one(newcomer, cast, send):
    first, _token = send(newcomer, cast.staff)
    second, _ = send(newcomer, cast.staff)
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.revoked_at is None
    assert Invitation.objects.open(now=timezone.now()).get() == second


def test_the_email_names_the_person_the_inviter_the_link_and_its_expiry(
    newcomer, cast, send
):
    _invitation, token = send(newcomer, cast.staff, now=NOW)
    email = mail.outbox[-1]
    assert email.to == [newcomer.email]
    assert email.subject == "Sam Staff invited you to Cultivate"
    html = email.alternatives[0][0]
    for body in (email.body, html):
        assert "Hello Nia," in body
        assert "Sam Staff invited you" in body
        assert f"{settings.SITE_URL}/invitation/{token}/" in body
        # Seven days on, in the person's own time zone (Paris, UTC+1).
        assert "7 December 2026, 10:00" in body
        assert "Choose your password" in body


def test_the_email_carries_no_password(cast, send):
    person = factories.make_user("Pat Person", password="s3cret-typed-by-staff")
    send(person, cast.staff)
    email = mail.outbox[-1]
    assert "s3cret-typed-by-staff" not in email.body + email.alternatives[0][0]


def test_an_inactive_person_is_not_invited(newcomer, cast):
    newcomer.is_active = False
    newcomer.save()
    with pytest.raises(InvitationClosed):
        invitation_send(user=newcomer, invited_by=cast.staff)
    assert not Invitation.objects.exists()


def test_many_are_invited_with_one_email_each(cast, django_capture_on_commit_callbacks):
    people = [factories.make_user(f"Person {n}") for n in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        made = invitations_send(users=people, invited_by=None)
    assert len(made) == 5
    assert sorted(email.to[0] for email in mail.outbox) == sorted(
        person.email for person in people
    )
    assert mail.outbox[0].subject == "You are invited to Cultivate"
    assert Invitation.objects.filter(sent_at__isnull=False).count() == 5


def test_a_mail_server_that_refuses_leaves_the_invitation_marked_unsent(
    newcomer, cast, django_capture_on_commit_callbacks
):
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with (
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        invitation = invitation_send(user=newcomer, invited_by=cast.staff)
    invitation.refresh_from_db()
    assert invitation.sent_at is None
    assert "ConnectionRefusedError" in invitation.send_error


def test_revoking_makes_the_link_stop_working(client, newcomer, cast, send):
    invitation, token = send(newcomer, cast.staff)
    assert invitation_revoke(invitation=invitation) is True
    assert invitation_revoke(invitation=invitation) is False
    response = client.get(accept_url(token))
    assert b"This invitation no longer works" in response.content


def test_accepting_twice_uses_the_link_once(newcomer, cast, send):
    invitation, _token = send(newcomer, cast.staff)
    invitation_accept(invitation=invitation, password=PASSWORD)
    with pytest.raises(InvitationClosed):
        invitation_accept(invitation=invitation, password="another passphrase 42")
    newcomer.refresh_from_db()
    assert newcomer.check_password(PASSWORD)


def test_a_sign_in_by_single_sign_on_marks_the_open_invitation_used(
    newcomer, cast, send
):
    invitation, _token = send(newcomer, cast.staff)
    assert invitation_used_by_sign_in(user=newcomer) == 1
    invitation.refresh_from_db()
    assert invitation.state(now=timezone.now()) == InvitationState.USED
    assert invitation_used_by_sign_in(user=newcomer) == 0


# --- the link ------------------------------------------------------------------------


def test_the_link_sets_the_password_and_signs_the_person_in(
    client, newcomer, cast, send
):
    invitation, token = send(newcomer, cast.staff)
    page = client.get(accept_url(token))
    assert page.status_code == 200
    assert b"Sam Staff invited you" in page.content
    response = client.post(
        accept_url(token), {"new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("my-growth")
    assert client.session[SESSION_KEY] == str(newcomer.pk)
    newcomer.refresh_from_db()
    assert newcomer.check_password(PASSWORD)
    invitation.refresh_from_db()
    assert invitation.used_at is not None


def test_the_password_must_pass_the_validators_twice_alike(
    client, newcomer, cast, send
):
    invitation, token = send(newcomer, cast.staff)
    weak = client.post(
        accept_url(token), {"new_password1": "123", "new_password2": "123"}
    )
    assert weak.status_code == 200
    assert weak.context["form"].errors["new_password2"]
    unlike = client.post(
        accept_url(token), {"new_password1": PASSWORD, "new_password2": PASSWORD + "x"}
    )
    assert "new_password2" in unlike.context["form"].errors
    invitation.refresh_from_db()
    assert invitation.used_at is None
    assert SESSION_KEY not in client.session


def test_a_used_link_says_so_and_offers_to_ask_again(client, newcomer, cast, send):
    _invitation, token = send(newcomer, cast.staff)
    client.post(
        accept_url(token), {"new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    client.logout()
    response = client.get(accept_url(token))
    assert b"This invitation has been used" in response.content
    assert b"Ask for a new invitation" in response.content
    again = client.post(
        accept_url(token), {"new_password1": "x another one 99", "new_password2": "x"}
    )
    assert SESSION_KEY not in client.session
    assert b"This invitation has been used" in again.content


def test_an_expired_link_says_so_and_offers_to_ask_again(client, newcomer, cast, send):
    send(newcomer, cast.staff, now=NOW - datetime.timedelta(days=30))
    token = LINK.search(mail.outbox[-1].body).group(1)
    response = client.get(accept_url(token))
    assert response.status_code == 200
    assert b"This invitation has expired" in response.content
    assert b"Ask for a new invitation" in response.content
    response = client.post(
        accept_url(token), {"new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    newcomer.refresh_from_db()
    assert not newcomer.check_password(PASSWORD)


def test_the_link_of_someone_who_left_no_longer_works(client, newcomer, cast, send):
    _invitation, token = send(newcomer, cast.staff)
    newcomer.is_active = False
    newcomer.save()
    response = client.post(
        accept_url(token), {"new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert b"This invitation no longer works" in response.content
    assert SESSION_KEY not in client.session


def test_an_unknown_link_is_a_404_that_says_so(client, db):
    response = client.get(accept_url("not-a-token"))
    assert response.status_code == 404
    assert b"This invitation link does not work" in response.content
    assert b"Ask for a new invitation" not in response.content


@override_settings(
    OIDC_ENABLED=True,
    OIDC_PROVIDER_NAME="Acme ID",
)
def test_with_single_sign_on_the_link_offers_the_provider_not_a_password(
    client, newcomer, cast, send
):
    _invitation, token = send(newcomer, cast.staff)
    assert "Sign in with Acme ID" in mail.outbox[-1].body
    response = client.get(accept_url(token))
    assert b"Sign in with Acme ID" in response.content
    assert reverse("oidc-start").encode() in response.content
    assert b"new_password1" not in response.content


# --- asking for a new one -------------------------------------------------------------


def ask(client, token, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("invitation-ask", args=[token]), follow=True)


def test_asking_for_a_new_invitation_tells_the_inviter_once(
    client, newcomer, cast, send, django_capture_on_commit_callbacks
):
    invitation, token = send(newcomer, cast.staff, now=NOW - datetime.timedelta(days=8))
    sent_before = len(mail.outbox)
    for _ in range(3):
        response = ask(client, token, django_capture_on_commit_callbacks)
        assert b"will send you a new invitation" in response.content
    asked = mail.outbox[sent_before:]
    assert [email.to for email in asked] == [[cast.staff.email]]
    assert asked[0].subject == "Nia Newcomer asks for a new invitation to Cultivate"
    assert f"user__id__exact={newcomer.pk}" in asked[0].body
    invitation.refresh_from_db()
    assert invitation.renewal_requested_at is not None
    assert b"A new invitation was asked for" in response.content


def test_asking_with_a_link_nobody_knows_answers_alike_and_sends_nothing(
    client, db, django_capture_on_commit_callbacks
):
    response = ask(client, "not-a-token", django_capture_on_commit_callbacks)
    assert b"will send you a new invitation" in response.content
    assert mail.outbox == []


def test_asking_with_an_old_link_while_a_newer_one_works_sends_nothing(
    newcomer, cast, send, django_capture_on_commit_callbacks
):
    old, _token = send(newcomer, cast.staff)
    send(newcomer, cast.staff)
    sent_before = len(mail.outbox)
    old.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert invitation_renewal_request(invitation=old) is False
    assert len(mail.outbox) == sent_before


def test_an_open_link_cannot_be_asked_for_again(newcomer, cast, send):
    invitation, _token = send(newcomer, cast.staff)
    assert invitation_renewal_request(invitation=invitation) is False


def test_when_the_inviter_left_the_superusers_are_asked(
    newcomer, cast, send, django_capture_on_commit_callbacks
):
    inviter = factories.make_user("Ivy Inviter", is_staff=True)
    invitation, _token = send(newcomer, inviter, now=NOW - datetime.timedelta(days=8))
    inviter.is_active = False
    inviter.save()
    sent_before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert invitation_renewal_request(invitation=invitation) is True
    assert [email.to for email in mail.outbox[sent_before:]] == [[cast.staff.email]]


# --- cost ------------------------------------------------------------------------------


def test_the_link_page_costs_the_same_however_many_invitations_there_are(
    client, cast, send, django_assert_num_queries
):
    _invitation, token = send(factories.make_user("First Person"), cast.staff)
    with django_assert_num_queries(1):
        assert client.get(accept_url(token)).status_code == 200
    for n in range(20):
        send(factories.make_user(f"Someone {n}"), cast.staff)
    with django_assert_num_queries(1):
        assert client.get(accept_url(token)).status_code == 200
