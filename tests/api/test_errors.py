"""The API answers in JSON whatever goes wrong: a path it does not have is a
JSON 404 (never the sign-in page), a server error a JSON 500."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from growth.api import views
from growth.models import FeedbackNote
from tests.api.conftest import token_for

pytestmark = pytest.mark.django_db

NOT_FOUND = {"detail": "Not found."}


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing/", "/api/v1/nothing", "/api/v1/notes/1/nothing/"]
)
def test_a_path_the_api_does_not_have_is_a_json_404(cast, path):
    # As browsers and scripts send them: CSRF checked, so a POST without its
    # token is not a 403 page instead.
    token, nobody = APIClient(enforce_csrf_checks=True), APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(cast.alice.user)}")
    session = Client(enforce_csrf_checks=True)
    session.force_login(cast.alice.user)
    callers = {"token": token, "nobody": nobody, "session": session}
    for who, caller in callers.items():
        for method in (caller.get, caller.post):
            response = method(path)
            assert response.status_code == 404, (who, method)
            assert response["Content-Type"] == "application/json", (who, method)
            assert response.json() == NOT_FOUND


def test_a_path_without_its_final_slash_is_still_sent_to_it(api, cast):
    response = api(cast.alice.user).get("/api/v1/notes?kind=technical")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/notes/?kind=technical"


def test_a_write_without_its_final_slash_is_sent_on_as_a_write(api, cast):
    # A 308 keeps the method and body: clients that follow a 301 send a POST
    # again as a GET and read the list as if they had logged a note.
    client = api(cast.mia.user)
    body = {
        "engineer": cast.alice.pk,
        "kind": "technical",
        "sentiment": "praise",
        "situation": "In the design review",
        "behaviour": "You walked us through the trade-offs",
        "impact": "We chose in ten minutes",
        "suggestion": "Write the trade-offs down next time",
    }
    response = client.post("/api/v1/notes", body, format="json")
    assert response.status_code == 308
    assert response["Location"] == "/api/v1/notes/"
    assert not FeedbackNote.objects.exists()
    made = client.post(response["Location"], body, format="json")
    assert made.status_code == 201, made.json()


def test_a_server_error_is_a_json_500_and_logged(api, cast, monkeypatch, caplog):
    def broken(self):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(views.PersonList, "get_queryset", broken)
    client: APIClient = api(cast.alice.user)
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get(reverse("api:person-list"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Something went wrong on our side."}
    assert "the database went away" not in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info[1].args == ("the database went away",)
