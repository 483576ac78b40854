"""The signed one-click opt-out: public, asks before it acts, and only ever
switches off the one kind of email its token names, for the one person."""

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from growth.models import EventKind, ReminderKind, ReminderPreference
from growth.reminders.optout import unsubscribe_token

pytestmark = pytest.mark.django_db


def url_for(user, kind=ReminderKind.FEEDBACK_DUE):
    token = unsubscribe_token(user_id=user.pk, kind=kind)
    return reverse("reminder-unsubscribe", args=[token])


def emails_on(user, kind=ReminderKind.FEEDBACK_DUE) -> bool:
    preference = ReminderPreference.objects.filter(user=user, kind=kind).first()
    return preference is None or preference.email_enabled


def test_it_asks_first_and_a_get_changes_nothing(client, cast):
    response = client.get(url_for(cast.mia.user))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Stop feedback due emails?" in html
    assert cast.mia.user.email in html
    assert '<form method="post">' in html
    assert emails_on(cast.mia.user)


def test_the_button_turns_off_that_kind_only_and_links_to_preferences(client, cast):
    response = client.post(url_for(cast.mia.user))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Done" in html
    assert f'href="{reverse("profile")}"' in html
    assert not emails_on(cast.mia.user)
    assert emails_on(cast.mia.user, ReminderKind.WEEKLY_DIGEST)
    assert emails_on(cast.skip.user)


def test_a_mail_clients_one_click_post_needs_no_csrf_token_or_sign_in(cast):
    client = Client(enforce_csrf_checks=True)
    url = url_for(cast.alice.user, EventKind.FEEDBACK_RECEIVED)
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not emails_on(cast.alice.user, EventKind.FEEDBACK_RECEIVED)
    # Twice is the same as once.
    assert client.post(url).status_code == 200
    assert ReminderPreference.objects.filter(user=cast.alice.user).count() == 1


def test_it_keeps_a_choice_the_person_made_on_their_profile(client, cast):
    ReminderPreference.objects.create(
        user=cast.mia.user, kind=ReminderKind.WEEKLY_DIGEST, email_enabled=True
    )
    client.post(url_for(cast.mia.user, ReminderKind.WEEKLY_DIGEST))
    assert not emails_on(cast.mia.user, ReminderKind.WEEKLY_DIGEST)


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signing.dumps({"u": 1, "k": "feedback_due"}, salt="another.salt"),
        signing.dumps({"u": 1, "k": "no_such_kind"}, salt="cultivate.unsubscribe"),
        signing.dumps({"u": "1", "k": "feedback_due"}, salt="cultivate.unsubscribe"),
        signing.dumps(["feedback_due"], salt="cultivate.unsubscribe"),
    ],
    # Named, not shown: a signed token carries a timestamp, and every pytest
    # worker must collect the same test ids.
    ids=["garbage", "other-salt", "unknown-kind", "user-id-as-text", "not-a-dict"],
)
def test_a_bad_or_foreign_token_is_a_404(client, cast, token):
    for method in (client.get, client.post):
        response = method(reverse("reminder-unsubscribe", args=[token]))
        assert response.status_code == 404
    assert not ReminderPreference.objects.exists()


def test_a_tampered_token_is_a_404(client, cast):
    token = unsubscribe_token(user_id=cast.mia.user.pk, kind=ReminderKind.FEEDBACK_DUE)
    _payload, rest = token.split(":", 1)
    other = unsubscribe_token(user_id=cast.skip.user.pk, kind=ReminderKind.FEEDBACK_DUE)
    forged = other.split(":", 1)[0] + ":" + rest
    response = client.post(reverse("reminder-unsubscribe", args=[forged]))
    assert response.status_code == 404
    assert emails_on(cast.skip.user) and emails_on(cast.mia.user)


def test_a_token_for_someone_deleted_is_a_404(client, cast):
    url = url_for(cast.carol.user)
    cast.carol.user.delete()
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_other_methods_are_refused(client, cast):
    assert client.put(url_for(cast.mia.user)).status_code == 405
