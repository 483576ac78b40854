"""No input makes a 500: a NUL in a query string is a 400, in a form a field
error, and any other text in an admin list's search or filters is a page, on
SQLite and PostgreSQL alike."""

import pytest
from django.contrib import admin
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from growth.models import FeedbackNote
from tests import factories

pytestmark = pytest.mark.django_db

NUL = "\x00"


def changelists() -> list[str]:
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]


def test_a_nul_in_any_admin_lists_search_is_a_400(staff_client):
    for url in changelists():
        assert staff_client.get(url, {"q": NUL}).status_code == 400, url


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("admin:growth_reminder_changelist", "status__exact"),
        ("admin:growth_reminder_changelist", "kind__exact"),
        ("admin:growth_reminderrule_changelist", "kind__exact"),
        ("admin:growth_feedbacknote_changelist", "visibility__exact"),
    ],
)
def test_a_nul_in_an_admin_filter_is_a_400_not_a_500(staff_client, url, parameter):
    response = staff_client.get(reverse(url), {parameter: f"shared{NUL}"})
    assert response.status_code == 400


def test_a_nul_in_a_pages_query_is_a_400(client, cast):
    client.force_login(cast.mia.user)
    for url, parameter in [("feedback-list", "kind"), ("goal-list", "status")]:
        assert client.get(reverse(url), {parameter: NUL}).status_code == 400


def test_a_nul_in_a_form_is_a_field_error_and_saves_nothing(client, cast):
    client.force_login(cast.mia.user)
    fields = {
        "engineer": cast.alice.pk,
        "kind": "technical",
        "competency": factories.competency("technical").pk,
        "sentiment": "praise",
        "situation": "In the review",
        "behaviour": f"You{NUL} kept notes",
        "impact": "We shipped",
        "suggestion": "Keep it up",
        "visibility": "shared",
    }
    response = client.post(reverse("feedback-create"), fields)
    assert response.status_code == 200
    assert "behaviour" in response.context["form"].errors
    assert not FeedbackNote.objects.exists()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=st.text(max_size=20))
def test_any_search_or_filter_text_in_the_notes_list_is_a_page(staff_client, text):
    url = reverse("admin:growth_feedbacknote_changelist")
    for parameter in ("q", "kind__exact", "visibility__exact", "deleted"):
        response = staff_client.get(url, {parameter: text})
        assert response.status_code in (200, 302, 400), (parameter, text)
