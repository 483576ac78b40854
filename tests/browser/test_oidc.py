"""Single sign-on in Chromium, end to end, through the real provider process."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from accounts.models import User
from growth.services.people import engineer_active_set
from tests import factories
from tests.browser.test_axe import DESKTOP, PHONE, axe_findings, report

pytest_plugins = ["tests.oidc_support"]
pytestmark = [
    pytest.mark.service("chromium"),
    pytest.mark.django_db(transaction=True),
]

CALLBACK = "/accounts/oidc/callback/"


@pytest.fixture
def provider(sso, live_server):
    sso.allow_redirect_uri(f"{live_server.url}{CALLBACK}")
    return sso


@pytest.fixture
def people(transactional_db):
    team = factories.make_team("Platform")
    alice = factories.make_engineer(
        "Alice Sso", team=team, email="alice.sso@example.com"
    )
    gone = factories.make_engineer(
        "Gone Away", team=team, email="gone.away@example.com"
    )
    engineer_active_set(engineer=gone, active=False)
    factories.make_engineer("Una Verified", team=team, email="unverified@example.com")
    return {"alice": alice}


@pytest.fixture
def browse(chromium, live_server):
    """Open a fresh browser context (its own cookies), signed in as nobody."""
    contexts = []

    def new_page(*, viewport=DESKTOP):
        context = chromium.new_context(base_url=live_server.url, viewport=viewport)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


def sign_in_through_provider(page, provider, username: str) -> list[str]:
    """From Cultivate's sign-in page, through the provider; return the callbacks seen."""
    callbacks: list[str] = []
    page.on(
        "request",
        lambda request: CALLBACK in request.url and callbacks.append(request.url),
    )
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with Test Provider").click()
    page.wait_for_url(re.compile(re.escape(provider.issuer) + r"/login/"))
    page.get_by_label("Provider username").fill(username)
    page.get_by_label("Provider password").fill(provider.password)
    page.get_by_role("button", name="Sign in at the provider").click()
    page.wait_for_url(lambda url: not url.startswith(provider.issuer))
    return callbacks


def test_a_known_person_signs_in_and_lands_on_their_dashboard(browse, provider, people):
    page = browse()
    sign_in_through_provider(page, provider, "alice")
    page.wait_for_url("**/me/**")
    assert page.get_by_role("heading", level=1, name="My growth").is_visible()
    assert page.get_by_role("button", name="Sign out").count() == 1


@pytest.mark.parametrize(
    ("username", "heading"),
    [
        ("nobody", "No account for this email here"),
        ("gone", "This account is closed"),
        ("unverified", "Your email address is not verified"),
    ],
)
def test_a_person_who_may_not_sign_in_sees_why(
    browse, provider, people, username, heading
):
    page = browse(viewport=PHONE)
    sign_in_through_provider(page, provider, username)
    page.wait_for_url(f"**{CALLBACK}**")
    assert page.get_by_role("heading", name=heading).is_visible()
    findings = axe_findings(page, label=f"oidc refusal: {username}")
    assert not findings, report(findings)
    page.goto("/")
    page.wait_for_url("**/accounts/login/**")


def test_a_replayed_callback_signs_nobody_in(browse, provider, people):
    first = browse()
    callbacks = sign_in_through_provider(first, provider, "alice")
    first.wait_for_url("**/me/**")
    assert callbacks

    stranger = browse()
    stranger.goto(callbacks[0])
    assert stranger.get_by_role("heading", name="Sign-in did not complete").is_visible()
    stranger.goto("/")
    stranger.wait_for_url("**/accounts/login/**")


def test_the_sign_in_page_with_single_sign_on_passes_axe(browse, provider):
    for viewport in (DESKTOP, PHONE):
        page = browse(viewport=viewport)
        page.goto("/accounts/login/")
        assert page.get_by_role("link", name="Sign in with Test Provider").is_visible()
        findings = axe_findings(page, label="sign-in with single sign-on")
        assert not findings, report(findings)


def test_staff_sign_in_to_the_admin_through_the_provider(browse, provider, people):
    staff = User.objects.get(pk=people["alice"].user_id)
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    staff.user_permissions.add(Permission.objects.get(codename="view_engineer"))
    for viewport in (DESKTOP, PHONE):  # the admin's sign-in page passes axe
        page = browse(viewport=viewport)
        page.goto("/admin/login/")
        assert page.get_by_role("link", name="Sign in with Test Provider").is_visible()
        findings = axe_findings(page, label="admin sign-in with single sign-on")
        assert not findings, report(findings)
    page = browse()
    # A bookmarked admin sign-in, or the admin's "Log in again".
    page.goto("/admin/login/?next=/admin/growth/engineer/")
    page.get_by_role("link", name="Sign in with Test Provider").click()
    page.wait_for_url(re.compile(re.escape(provider.issuer) + r"/login/"))
    page.get_by_label("Provider username").fill("alice")
    page.get_by_label("Provider password").fill(provider.password)
    page.get_by_role("button", name="Sign in at the provider").click()
    page.wait_for_url("**/admin/growth/engineer/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("engineer")
