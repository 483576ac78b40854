"""Invitations in the admin: resend, revoke, send from the people list, and
adding a person in one form."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.invitations import invitation_send
from accounts.models import Invitation, User
from growth.models import Engineer, Level
from tests import factories
from tests.concurrency import post_twice_at_once

pytestmark = pytest.mark.django_db

INVITATIONS = reverse("admin:accounts_invitation_changelist")
USERS = reverse("admin:accounts_user_changelist")
ADD_PERSON = reverse("admin:growth_engineer_add")


@pytest.fixture
def newcomer(db):
    return factories.make_user("Nia Newcomer")


@pytest.fixture
def invited(newcomer, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_send(user=newcomer, invited_by=cast.staff)
    mail.outbox.clear()
    return invitation


def act(client, url, action, objects, capture):
    with capture(execute=True):
        return client.post(
            url,
            {"action": action, "_selected_action": [obj.pk for obj in objects]},
            follow=True,
        )


def said(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- the list of invitations ------------------------------------------------------------


def test_the_list_shows_who_by_whom_and_the_state(staff_client, invited):
    response = staff_client.get(INVITATIONS)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nia Newcomer" in page and "Sam Staff" in page
    assert "Open" in page
    assert invited.token_hash not in page


def test_the_invitation_page_never_shows_the_token_hash(staff_client, invited):
    page = staff_client.get(
        reverse("admin:accounts_invitation_change", args=[invited.pk])
    )
    assert page.status_code == 200
    assert invited.token_hash not in page.content.decode()
    assert b"Nia Newcomer" in page.content


def test_invitations_cannot_be_exported_added_or_deleted(staff_client, invited):
    actions = dict(
        staff_client.get(INVITATIONS).context["action_form"].fields["action"].choices
    )
    assert set(actions) == {"", "resend", "revoke"}
    assert staff_client.get(reverse("admin:accounts_invitation_add")).status_code == 403


def test_resend_makes_a_new_link_and_revokes_the_old(
    staff_client, invited, django_capture_on_commit_callbacks
):
    response = act(
        staff_client,
        INVITATIONS,
        "resend",
        [invited],
        django_capture_on_commit_callbacks,
    )
    assert any("Invited 1 person" in text for text in said(response))
    invited.refresh_from_db()
    assert invited.revoked_at is not None
    fresh = Invitation.objects.exclude(pk=invited.pk).get()
    assert fresh.sent_at is not None
    assert [email.to for email in mail.outbox] == [[invited.user.email]]


def test_revoke_stops_the_link_and_says_so(
    staff_client, invited, django_capture_on_commit_callbacks
):
    response = act(
        staff_client,
        INVITATIONS,
        "revoke",
        [invited],
        django_capture_on_commit_callbacks,
    )
    assert "Revoked 1 invitation: their links no longer work." in said(response)
    invited.refresh_from_db()
    assert invited.revoked_at is not None
    again = act(
        staff_client,
        INVITATIONS,
        "revoke",
        [invited],
        django_capture_on_commit_callbacks,
    )
    assert "Left 1 as they were: used or revoked already." in said(again)


def test_the_state_filter_finds_the_revoked(staff_client, invited, newcomer, cast):
    other = invitation_send(user=factories.make_user("Otto Other"), invited_by=None)
    invited.revoked_at = timezone.now()
    invited.save()
    revoked = staff_client.get(INVITATIONS, {"state": "revoked"})
    assert list(revoked.context["cl"].result_list) == [invited]
    open_ = staff_client.get(INVITATIONS, {"state": "open"})
    assert list(open_.context["cl"].result_list) == [other]


def test_the_list_costs_the_same_however_many_invitations(
    staff_client, cast, django_assert_max_num_queries
):
    invitation_send(user=factories.make_user("First One"), invited_by=cast.staff)
    counts = []
    for _ in range(2):
        with django_assert_max_num_queries(50) as queries:
            assert staff_client.get(INVITATIONS).status_code == 200
        counts.append(len(queries))
        for n in range(15):
            invitation_send(
                user=factories.make_user(f"More {n}"), invited_by=cast.staff
            )
    assert counts[0] == counts[1]


# --- inviting from the people list ---------------------------------------------------------


def test_send_invitation_from_the_user_list(
    staff_client, newcomer, cast, django_capture_on_commit_callbacks
):
    response = act(
        staff_client,
        USERS,
        "send_invitation",
        [newcomer],
        django_capture_on_commit_callbacks,
    )
    assert any("Invited 1 person" in text for text in said(response))
    assert [email.to for email in mail.outbox] == [[newcomer.email]]
    assert Invitation.objects.get().invited_by == cast.staff


def test_inactive_people_are_left_out_and_told(
    staff_client, newcomer, cast, django_capture_on_commit_callbacks
):
    newcomer.is_active = False
    newcomer.save()
    response = act(
        staff_client,
        USERS,
        "send_invitation",
        [newcomer],
        django_capture_on_commit_callbacks,
    )
    assert any("Left out 1 person" in text for text in said(response))
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_staff_without_superuser_rights_cannot_invite_a_superuser(
    client, cast, django_capture_on_commit_callbacks
):
    lee = factories.make_user("Lee Staff", is_staff=True)
    lee.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "add_invitation"])
    )
    client.force_login(lee)
    response = act(
        client,
        USERS,
        "send_invitation",
        [cast.staff],
        django_capture_on_commit_callbacks,
    )
    assert any("Left out 1 person" in text for text in said(response))
    assert not Invitation.objects.exists()


def test_the_user_add_form_asks_for_no_password_and_invites(
    staff_client, django_capture_on_commit_callbacks
):
    page = staff_client.get(reverse("admin:accounts_user_add"))
    assert set(page.context["adminform"].form.fields) == {
        "email",
        "display_name",
        "time_zone",
        "send_invitation",
    }
    assert b'type="password"' not in page.content
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("admin:accounts_user_add"),
            {
                "email": "nia@example.com",
                "display_name": "Nia Newcomer",
                "time_zone": "UTC",
                "send_invitation": "on",
            },
        )
    nia = User.objects.get(email="nia@example.com")
    assert not nia.has_usable_password()
    assert Invitation.objects.get().user == nia
    assert [email.to for email in mail.outbox] == [["nia@example.com"]]


# --- adding a person in one form ---------------------------------------------------------------


def person_form(cast, **fields) -> dict:
    data = {
        "email": "Nia@Example.com",
        "display_name": "Nia Newcomer",
        "time_zone": "Europe/Paris",
        "team": cast.platform.pk,
        "manager": cast.mia.pk,
        "level": Level.objects.get(track__key="engineering", key="senior").pk,
        "level_since": "2026-12-01",
        "title": "Backend engineer",
        "start_date": "2026-12-01",
        "send_invitation": "on",
        "_save": "Save",
    }
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


def test_the_add_form_is_one_form_without_a_password(staff_client, cast):
    response = staff_client.get(ADD_PERSON)
    fields = set(response.context["adminform"].form.fields)
    assert fields == {
        "email",
        "display_name",
        "time_zone",
        "team",
        "manager",
        "level",
        "level_since",
        "title",
        "start_date",
        "send_invitation",
    }
    assert response.context["adminform"].form["send_invitation"].initial is True


def test_adding_a_person_makes_the_account_the_engineer_and_one_email(
    staff_client, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(ADD_PERSON, person_form(cast), follow=True)
    assert "An invitation is on its way to nia@example.com." in said(response)
    engineer = Engineer.objects.select_related("user").get(
        user__email="nia@example.com"
    )
    assert engineer.user.display_name == "Nia Newcomer"
    assert engineer.user.time_zone == "Europe/Paris"
    assert not engineer.user.has_usable_password()
    assert (engineer.team, engineer.manager) == (cast.platform, cast.mia)
    assert (engineer.level.key, engineer.track.key, engineer.title) == (
        "senior",
        "engineering",
        "Backend engineer",
    )
    assert engineer.level_since == datetime.date(2026, 12, 1)
    assert engineer.start_date == datetime.date(2026, 12, 1)
    assert [email.to for email in mail.outbox] == [["nia@example.com"]]
    assert Invitation.objects.get().invited_by == cast.staff


def test_adding_without_an_invitation_sends_none(
    staff_client, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(ADD_PERSON, person_form(cast, send_invitation=None))
    assert User.objects.filter(email="nia@example.com").exists()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": "ALICE.ENGINEER.3@example.com"}, "email"),
        ({"email": "not an email"}, "email"),
        ({"display_name": "Alice Engineer"}, "display_name"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"team": None}, "team"),
        ({"level": "wizard"}, "level"),
        ({"start_date": "31/31/2026"}, "start_date"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_half_saved(
    staff_client, cast, django_capture_on_commit_callbacks, fields, field
):
    if field == "email" and "@example.com" in fields["email"]:
        fields = {"email": cast.alice.user.email.upper()}
    users, engineers = User.objects.count(), Engineer.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(ADD_PERSON, person_form(cast, **fields))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert (User.objects.count(), Engineer.objects.count()) == (users, engineers)
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_a_double_submitted_add_makes_one_person(
    staff_client, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = staff_client.post(ADD_PERSON, person_form(cast))
        second = staff_client.post(ADD_PERSON, person_form(cast))
    assert first.status_code == 302
    assert second.status_code == 200
    assert "already exists" in second.context["adminform"].form.errors["email"][0]
    assert User.objects.filter(email="nia@example.com").count() == 1
    assert len(mail.outbox) == 1


def test_a_twin_saved_while_the_account_is_checked_is_named_on_the_email(
    staff_client, cast, monkeypatch
):
    # The window two clicks at once can hit: the first commits after the
    # second has begun checking. Whatever the second finds taken, it says
    # the email exists, and saves nothing.
    full_clean = User.full_clean

    def twin_commits_first(account, *args, **kwargs):
        if not User.objects.filter(email="nia@example.com").exists():
            factories.make_user("Nia Newcomer", email="nia@example.com")
        return full_clean(account, *args, **kwargs)

    monkeypatch.setattr(User, "full_clean", twin_commits_first)
    response = staff_client.post(ADD_PERSON, person_form(cast))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "already exists" in errors["email"][0]
    assert User.objects.filter(email="nia@example.com").count() == 1
    assert not Engineer.objects.filter(user__email="nia@example.com").exists()


@pytest.mark.service("postgres")
@pytest.mark.django_db(transaction=True)
def test_two_adds_at_once_make_one_person_and_one_email(cast):
    mail.outbox.clear()
    responses = post_twice_at_once(cast.staff, ADD_PERSON, person_form(cast))
    assert sorted(response.status_code for response in responses) == [200, 302]
    refused = next(r for r in responses if r.status_code == 200)
    assert "already exists" in refused.context["adminform"].form.errors["email"][0]
    assert User.objects.filter(email="nia@example.com").count() == 1
    assert Engineer.objects.filter(user__email="nia@example.com").count() == 1
    assert [email.to for email in mail.outbox] == [["nia@example.com"]]
