"""The error pages are Cultivate's own: no URL list, no traceback, a way home."""

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db

MISSING = "/no-such-page/"


@override_settings(DEBUG=False)
@pytest.mark.parametrize("signed_in", [True, False], ids=["signed-in", "anonymous"])
def test_a_missing_page_is_the_apps_404(client, cast, signed_in):
    if signed_in:
        client.force_login(cast.alice.user)
    response = client.get(MISSING)
    assert response.status_code == 404
    assert [t.name for t in response.templates][:2] == ["404.html", "base.html"]
    page = response.content.decode()
    assert '<h1 class="h3">Page not found</h1>' in page
    assert f'href="{reverse("home")}">Back to the home page' in page
    assert "URLconf" not in page
    assert "feedback/&lt;int:pk&gt;" not in page
    # Signed in, the navigation is there as on every page; anonymous, it is not.
    assert ("Sign out" in page) is signed_in


@override_settings(DEBUG=False)
def test_a_404_raised_by_a_view_is_the_apps_404(client, cast):
    client.force_login(cast.alice.user)
    response = client.get(reverse("goal-detail", args=[999_999]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_server_error_is_the_apps_500_without_context():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert 'href="/">Back to the home page' in page
    assert "{%" not in page and "{{" not in page


def test_every_page_links_the_favicon_and_it_is_served(client, cast):
    client.force_login(cast.alice.user)
    page = client.get(reverse("my-growth")).content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    # Served as `make run` and production serve it: WhiteNoise, with DEBUG off.
    with override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True):
        icon = Client().get("/static/favicon.svg")
    assert icon.status_code == 200
    assert icon["Content-Type"] == "image/svg+xml"
    assert b"<svg" in b"".join(icon.streaming_content)
