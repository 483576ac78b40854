"""People and teams in the admin."""

import csv
import io

import pytest
from django.urls import reverse

from accounts.models import User
from tests import factories

pytestmark = pytest.mark.django_db


def add_user_form(**fields):
    data = {
        "email": "nia@example.com",
        "display_name": "Nia Newcomer",
        "time_zone": "Europe/Paris",
        "usable_password": "true",
        "password1": "a long and unguessable passphrase",
        "password2": "a long and unguessable passphrase",
    }
    data.update(fields)
    return data


@pytest.mark.parametrize("model_name", ["user", "team"])
def test_the_changelist_lists_rows(staff_client, model_name):
    response = staff_client.get(reverse(f"admin:accounts_{model_name}_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 2


@pytest.mark.parametrize("model_name", ["user", "team"])
def test_the_add_page_answers(staff_client, model_name):
    response = staff_client.get(reverse(f"admin:accounts_{model_name}_add"))
    assert response.status_code == 200


def test_the_user_page_answers_for_a_real_user(staff_client, cast):
    response = staff_client.get(
        reverse("admin:accounts_user_change", args=[cast.alice.user.pk])
    )
    assert response.status_code == 200
    assert response.context["original"] == cast.alice.user


def test_the_team_page_answers_for_a_real_team(staff_client, cast):
    response = staff_client.get(
        reverse("admin:accounts_team_change", args=[cast.platform.pk])
    )
    assert response.status_code == 200
    assert response.context["original"] == cast.platform


def test_the_password_page_answers(staff_client, cast):
    response = staff_client.get(
        reverse("admin:auth_user_password_change", args=[cast.alice.user.pk])
    )
    assert response.status_code == 200


def test_a_non_staff_member_is_sent_to_the_admin_login(client, cast):
    client.force_login(cast.alice.user)
    target = reverse("admin:accounts_user_changelist")
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={target}"


def test_it_finds_users_by_display_name(staff_client, cast):
    response = staff_client.get(
        reverse("admin:accounts_user_changelist"), {"q": "alice"}
    )
    assert list(response.context["cl"].result_list) == [cast.alice.user]


def test_it_finds_users_by_email(staff_client, cast):
    response = staff_client.get(
        reverse("admin:accounts_user_changelist"), {"q": cast.bob.user.email}
    )
    assert list(response.context["cl"].result_list) == [cast.bob.user]


def test_the_staff_filter_keeps_staff(staff_client, cast):
    response = staff_client.get(
        reverse("admin:accounts_user_changelist"), {"is_staff__exact": "1"}
    )
    assert list(response.context["cl"].result_list) == [cast.staff]


def test_it_adds_a_user_who_can_sign_in_by_email(staff_client, cast):
    response = staff_client.post(
        reverse("admin:accounts_user_add"), add_user_form(email="Nia@Example.com")
    )
    assert response.status_code == 302
    user = User.objects.get(display_name="Nia Newcomer")
    assert user.email == "nia@example.com"
    assert user.time_zone == "Europe/Paris"
    # Nobody types anyone's password: they choose it from their invitation.
    assert not user.has_usable_password()


def test_it_refuses_an_email_that_differs_only_in_case(staff_client, cast):
    response = staff_client.post(
        reverse("admin:accounts_user_add"),
        add_user_form(email=cast.alice.user.email.upper()),
    )
    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert not User.objects.filter(display_name="Nia Newcomer").exists()


def test_the_team_list_counts_engineers(staff_client, cast):
    response = staff_client.get(reverse("admin:accounts_team_changelist"))
    counts = {t.name: t.engineers_total for t in response.context["cl"].result_list}
    assert counts == {"Platform": 4, "Data": 4}


def test_the_engineer_count_links_to_the_team_s_engineers(staff_client, cast):
    response = staff_client.get(reverse("admin:accounts_team_changelist"))
    link = (
        f"{reverse('admin:growth_engineer_changelist')}"
        f"?team__id__exact={cast.platform.pk}"
    )
    assert link.encode() in response.content


def test_the_user_export_has_no_password(staff_client, cast):
    response = staff_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "export_csv", "_selected_action": [cast.alice.user.pk]},
    )
    text = b"".join(response.streaming_content).decode()
    header, row = csv.reader(io.StringIO(text))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "password" not in header
    assert cast.alice.user.password not in text
    assert dict(zip(header, row, strict=True))["email"] == cast.alice.user.email


def test_the_team_export_lists_the_selected_teams(staff_client, cast):
    extra = factories.make_team("Mobile")
    response = staff_client.post(
        reverse("admin:accounts_team_changelist"),
        {"action": "export_csv", "_selected_action": [cast.data.pk, extra.pk]},
    )
    text = b"".join(response.streaming_content).decode()
    header, *rows = csv.reader(io.StringIO(text))
    assert header == ["id", "name", "description", "created_at"]
    assert sorted(row[1] for row in rows) == ["Data", "Mobile"]
