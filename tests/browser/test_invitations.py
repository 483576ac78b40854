"""In Chromium: staff add a person in one form, the person opens the
invitation, chooses a password and lands signed in; a link that expired says
so and offers to ask for a new one."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from accounts.invitations import invitation_send
from accounts.models import Invitation
from growth.models import Engineer
from tests import factories
from tests.conftest import CHROMIUM  # noqa: F401  (the marker below needs it)

pytestmark = [
    pytest.mark.service("chromium"),
    pytest.mark.django_db(transaction=True),
]

LINK = re.compile(r"https?://[^/\s]+(/invitation/[\w-]+/)")
PASSWORD = "a long and unguessable passphrase"


def choose(page, field: str, text: str) -> None:
    """Pick ``text`` in the admin's autocomplete (select2) box for ``field``."""
    page.locator(f"#id_{field} + .select2").click()
    page.locator(".select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).click()


def test_staff_add_a_person_who_accepts_the_invitation(
    cast, open_page, chromium, live_server
):
    mail.outbox.clear()
    page = open_page(cast.staff.email)
    page.goto("/admin/growth/engineer/add/")
    page.get_by_label("Email address").fill("nia@example.com")
    page.get_by_label("Display name").fill("Nia Newcomer")
    page.get_by_label("Time zone").select_option("Europe/Paris")
    choose(page, "team", "Platform")
    choose(page, "manager", "Mia Manager")
    page.get_by_label("Title").fill("Backend engineer")
    assert page.get_by_label("Send an invitation").is_checked()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("An invitation is on its way to nia@example.com.").wait_for()

    nia = Engineer.objects.select_related("user").get(user__email="nia@example.com")
    assert nia.manager == cast.mia
    assert not nia.user.has_usable_password()
    assert [email.to for email in mail.outbox] == [["nia@example.com"]]
    link = LINK.search(mail.outbox[0].body).group(1)

    # Nia, in a browser of her own.
    context = chromium.new_context(base_url=live_server.url)
    try:
        hers = context.new_page()
        hers.goto(link)
        hers.get_by_role("heading", name="Welcome, Nia").wait_for()
        hers.get_by_text("Sam Staff invited you").wait_for()
        hers.get_by_label("Choose a password").fill(PASSWORD)
        hers.get_by_label("The same password again").fill(PASSWORD)
        hers.get_by_role("button", name="Set my password and sign in").click()
        hers.wait_for_url(re.compile(r"/me/$"))
        hers.get_by_text("Welcome to Cultivate, Nia: your password is set.").wait_for()
        hers.get_by_role("button", name="Sign out").wait_for(state="attached")

        # The link worked once.
        hers.goto(link)
        hers.get_by_role("heading", name="This invitation has been used").wait_for()
    finally:
        context.close()
    nia.user.refresh_from_db()
    assert nia.user.check_password(PASSWORD)


def test_an_expired_link_says_so_and_asks_for_a_new_one(cast, chromium, live_server):
    mail.outbox.clear()
    person = factories.make_user("Pat Person")
    invitation_send(
        user=person,
        invited_by=cast.staff,
        now=timezone.now() - datetime.timedelta(days=8),
    )
    link = LINK.search(mail.outbox[0].body).group(1)
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 812}
    )
    try:
        page = context.new_page()
        page.goto(link)
        page.get_by_role("heading", name="This invitation has expired").wait_for()
        page.get_by_role("button", name="Ask for a new invitation").click()
        page.get_by_text("will send you a new invitation").wait_for()
        page.get_by_text("A new invitation was asked for").wait_for()
    finally:
        context.close()
    assert Invitation.objects.get().renewal_requested_at is not None
    assert [email.to for email in mail.outbox[1:]] == [[cast.staff.email]]
