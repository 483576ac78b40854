"""Every page of every role passes axe-core: no serious or critical violation.

The pages are found by crawling, as a person clicks: from home (and the
authorization table's own URLs for that role) each same-origin link is followed
with a GET, never one that signs out, deletes, erases, exports or acts. Pages
are deduplicated by URL name, two of each (one of each admin page), so a page
another change adds is checked the day it is linked. Each kind of page is
checked once more at phone width, where tables scroll and the navigation folds.

One browser, one tab per role; axe-core (bundled by axe-playwright-python) is
injected into each page checked, with WCAG 2.2's target size on (axe leaves it
off by default). A finding names the rule, the page, the width and the node.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter, deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.contrib import admin
from django.test import RequestFactory
from django.urls import Resolver404, resolve
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from growth.models import Engineer, GoalCheckIn, Notification
from growth.services.insight import insight_counts_refresh
from tests import factories
from tests.browser.test_focus import wait_for_focus
from tests.framework_support import make_assessment
from tests.walker import CASES, OK, build_world

# Committed, for the live server's thread; the flush after each test takes the
# migrations' competencies and reminder rules, which tests/conftest.py's
# ``_seeded`` puts back before the next.
pytestmark = [
    pytest.mark.service("chromium"),
    pytest.mark.django_db(transaction=True),
]

FAILING_IMPACTS = ("serious", "critical")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
# How many URLs of one URL name are checked: a list's tabs and a detail page's
# kinds of object differ; its sort orders and further pages rarely do.
CAP = 2
ADMIN_CAP = 1

# URL names never followed: they sign out, delete, erase, export (a download),
# act on a GET (opening a notification marks it read), or answer JSON, YAML
# (the API's schema) or a fragment for htmx. Whole words at the end of the
# name: "feedback-deleted", the list of deleted notes, is a page.
NEVER_FOLLOW = re.compile(
    r"(?:^|[-_:])(?:logout|delete|erase|export|subject_access|notification-open"
    r"|healthz|jsi18n|autocomplete|view_on_site|competency-options|schema)$"
)

# Each role, and who of the cast signs in as it (the authorization table's name).
ROLES = {
    "engineer": "alice",
    "manager": "mia",
    "mentor": "max",
    "coach": "cora",
    "head": "skip",
    "nothing": None,  # an account with no engineer profile and no staff rights
    "staff": "staff",
}


@dataclass(frozen=True)
class Finding:
    page: str
    width: int
    rule: str
    impact: str
    help: str
    target: str
    html: str
    summary: str

    def line(self) -> str:
        summary = " ".join(self.summary.split())
        return (
            f"  [{self.impact}] {self.rule} on {self.page} at {self.width}px\n"
            f"      {self.help}\n"
            f"      node: {self.target}\n"
            f"      html: {self.html[:200]}\n"
            f"      why:  {summary[:300]}"
        )


def axe_findings(page, *, label: str | None = None) -> list[Finding]:
    """Run axe-core on the page as it is now; its serious and critical findings."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate(
        "axe.run(document, {resultTypes: ['violations'],"
        " rules: {'target-size': {enabled: true}}})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact,"
        " help: v.help, nodes: v.nodes.map(n => ({target: n.target.join(' '),"
        " html: n.html, summary: n.failureSummary || '', impact: n.impact}))})))"
    )
    width = page.viewport_size["width"]
    where = label or _path(page.url)
    return [
        Finding(
            page=where,
            width=width,
            rule=violation["id"],
            impact=node["impact"] or violation["impact"],
            help=violation["help"],
            target=node["target"],
            html=" ".join(node["html"].split()),
            summary=node["summary"],
        )
        for violation in results
        for node in violation["nodes"]
        if (node["impact"] or violation["impact"]) in FAILING_IMPACTS
    ]


def report(findings: list[Finding]) -> str:
    rules = Counter(f.rule for f in findings)
    pages = {f.page for f in findings}
    head = (
        f"{len(findings)} serious or critical accessibility violation(s) on "
        f"{len(pages)} page(s): "
        + ", ".join(f"{rule} ×{n}" for rule, n in rules.most_common())
    )
    return "\n".join([head, *(f.line() for f in findings)])


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _view_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def _followed(view_name: str) -> bool:
    return not NEVER_FOLLOW.search(view_name)


@dataclass
class Crawl:
    """Pages checked, findings, and what went wrong on the way."""

    checked: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


ADMIN_MODEL_VIEW = re.compile(r"^admin:[a-z0-9]+_[a-z0-9]+_(?P<view>\w+)$")
# Pages the admin draws alike for every model: one of them is enough.
ADMIN_ALIKE = ("admin:history", "admin:simple_history")


def _kind(name: str) -> str:
    """The kind of page an admin view of a model is ("admin:growth_goal_change"
    is an "admin:change"); any other URL name is its own kind."""
    match = ADMIN_MODEL_VIEW.match(name)
    return f"admin:{match['view']}" if match else name


SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def crawl(page, origin: str, start: list[str], phone_checked: set[str]) -> Crawl:
    """Follow same-origin links from ``start``, checking each new page with axe;
    at phone width too for each kind of page not in ``phone_checked`` yet."""
    queue = deque(start)
    queued = set(start)
    per_name: Counter = Counter()
    seen: set[str] = set()
    result = Crawl()

    def take(name: str) -> bool:
        """Whether another page of ``name`` is wanted; count it if so."""
        key = _kind(name) if _kind(name) in ADMIN_ALIKE else name
        if per_name[key] >= (ADMIN_CAP if name.startswith("admin:") else CAP):
            return False
        per_name[key] += 1
        return True

    while queue:
        url = queue.popleft()
        name = _view_name(urlsplit(url).path)
        if name is None or not _followed(name) or not take(name):
            continue
        try:
            response = page.goto(url)
        except PlaywrightError as error:  # a download, say: not a page
            result.errors.append(f"{url} did not open as a page: {error.message}")
            continue
        landed = _path(page.url)
        landed_name = _view_name(urlsplit(page.url).path)
        if response is None or "text/html" not in response.headers.get(
            "content-type", ""
        ):
            continue
        if response.status >= 500:
            result.errors.append(f"{url} answered {response.status}")
            continue
        if landed in seen:
            continue  # a redirect to a page checked already
        if landed_name != name:
            # A redirect (home to my growth): the page counts as its own kind.
            if landed_name is None or not take(landed_name):
                continue
            name = landed_name
        seen.add(landed)
        result.checked.append(landed)
        result.findings += axe_findings(page)
        if _kind(name) not in phone_checked:
            phone_checked.add(_kind(name))
            page.set_viewport_size(PHONE)
            result.findings += axe_findings(page)
            # Works on a phone: what is wider scrolls inside its own box.
            overflow = page.evaluate(SIDEWAYS)
            if overflow > 0:
                result.errors.append(
                    f"{landed} scrolls sideways by {overflow}px at phone width"
                )
            page.set_viewport_size(DESKTOP)
        for href in page.eval_on_selector_all(
            "a[href]", "links => links.map(a => a.href)"
        ):
            parts = urlsplit(href)
            if f"{parts.scheme}://{parts.netloc}" != origin:
                continue
            if parts.path.startswith("/static/"):
                continue
            link = urlunsplit(("", "", parts.path, parts.query, ""))
            if link not in queued:
                queued.add(link)
                queue.append(link)
    return result


@pytest.fixture(scope="module")
def phone_checked() -> set[str]:
    """The kinds of page checked at phone width already, by any role: once
    each is enough, as the layout is the template's, not the person's."""
    return set()


# --- the data the pages show -------------------------------------------------


@pytest.fixture
def world(cast):
    """The authorization table's objects, plus what makes pages fuller: a goal
    with progress over time (a line chart), learning hours (a bar chart), a
    request to answer, an answered note, and two pages of notifications."""
    world = build_world(cast)
    today = timezone.localdate()
    for weeks, progress in ((12, 10), (8, 35), (4, 50), (1, 70)):
        check_in = factories.make_goal_check_in(
            world.goal, cast.alice.user, progress=progress, note="Moving"
        )
        GoalCheckIn.objects.filter(pk=check_in.pk).update(
            created_at=timezone.now() - datetime.timedelta(weeks=weeks)
        )
    factories.make_goal(cast.alice, title="Learn Rust", status="achieved")
    factories.make_learning(
        cast.alice.user,
        attendees=[cast.alice],
        title="Kubernetes course",
        date=today - datetime.timedelta(days=40),
        hours=6,
    )
    factories.make_note(
        cast.max.user,
        cast.alice,
        kind="interpersonal",
        sentiment="praise",
        acknowledged_at=timezone.now(),
        reply="Thank you",
        replied_at=timezone.now(),
        actionable=True,
    )
    factories.make_note(cast.bob.user, cast.alice)
    factories.make_request(cast.bob, cast.alice, message="Thoughts on my talk?")
    factories.make_request(cast.mia, cast.max, message="How is alice doing?")
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind="feedback_received",
            message=f"Feedback number {n}",
            url="/feedback/",
            read_at=timezone.now() if n % 2 else None,
        )
        for user in (cast.alice.user, cast.mia.user)
        for n in range(30)
    )
    # The career framework: the team framework view has cells to show, and
    # the walker's readiness draft for alice is shared, so both sides read it.
    make_assessment(
        cast.alice,
        shared_at=timezone.now(),
        ratings={"code-quality": "meets", "system-design": "below"},
    )
    world.readiness.status = "ready"
    world.readiness.shared_at = timezone.now()
    world.readiness.save()
    world.nobody = factories.make_user("Nora Nobody")
    return world


# What the authorization table lets people open that is not a page to check:
# downloads, the confirmation a delete asks for (a GET, but never followed), and
# a fragment for htmx.
NOT_PAGES = {
    "my-export",
    "team-export",
    "org-insight-export",
    "feedback-delete",
    "feedback-competency-options",
}


def allowed_pages(role: str) -> list[str]:
    """The URL names the authorization table lets ``role`` open as pages."""
    cast_name = ROLES[role]
    return [
        case.name
        for case in CASES
        if cast_name
        and case.crawl
        and not case.post_only
        and case.answers.get(cast_name) == OK
        and case.name not in NOT_PAGES
        and "api" not in case.tags  # JSON: the API's page is its docs
    ]


def start_urls(world, role: str) -> list[str]:
    """Home, and every page the authorization table lets this role open."""
    urls = ["/"]
    if role == "staff":
        urls.append("/admin/")
    cast_name = ROLES[role]
    for case in CASES:
        if (
            cast_name
            and case.crawl
            and not case.post_only
            and case.answers.get(cast_name) == OK
            and "api" not in case.tags
        ):
            urls.append(case.url(world))
    return list(dict.fromkeys(urls))


def admin_pages_missed(staff, checked: list[str]) -> list[str]:
    """The admin's pages the crawl should have reached and did not: each
    registered model's list, its add form, and a change form when it has a row."""
    request = RequestFactory().get("/admin/")
    request.user = staff
    kinds = {_view_name(urlsplit(url).path) for url in checked}
    missed = []
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        expected = [f"{prefix}_changelist"]
        if model_admin.has_add_permission(request):
            expected.append(f"{prefix}_add")
        if model_admin.get_queryset(request).exists():
            expected.append(f"{prefix}_change")
        missed += [name for name in expected if name not in kinds]
    return missed


def _email(world, role: str) -> str:
    if role == "nothing":
        return world.nobody.email
    return world.user(ROLES[role]).email


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_role_passes_axe(
    world, open_page, live_server, phone_checked, role
):
    page = open_page(_email(world, role))
    result = crawl(page, live_server.url, start_urls(world, role), phone_checked)
    assert len(result.checked) >= 5, f"the crawl found too few pages: {result.checked}"
    checked = {_view_name(urlsplit(url).path) for url in result.checked}
    missed = sorted(set(allowed_pages(role)) - checked)
    assert not missed, f"the crawl missed pages this role may open: {missed}"
    if role == "staff":
        missed = admin_pages_missed(world.cast.staff, result.checked)
        assert not missed, f"the crawl missed these admin pages: {missed}"
    assert not result.errors, "\n".join(result.errors)
    if result.findings:
        pytest.fail(report(result.findings), pytrace=False)


def test_the_signed_out_pages_pass_axe(world, chromium, live_server, phone_checked):
    from tests.walker import _reset_args

    context = chromium.new_context(base_url=live_server.url, viewport=DESKTOP)
    try:
        page = context.new_page()
        uid, token = _reset_args(world)
        start = [
            "/accounts/login/",
            "/admin/login/",
            "/accounts/password_reset/",
            "/accounts/password_reset/done/",
            f"/accounts/reset/{uid}/{token}/",
            "/accounts/reset/done/",
            *(case.url(world) for case in CASES if case.name == "reminder-unsubscribe"),
            *(case.url(world) for case in CASES if case.name == "invitation-accept"),
        ]
        result = crawl(page, live_server.url, start, phone_checked)
        assert len(result.checked) >= 5, result.checked
        assert not result.errors, "\n".join(result.errors)
        if result.findings:
            pytest.fail(report(result.findings), pytrace=False)
    finally:
        context.close()


# --- error states ------------------------------------------------------------


def _submit_without_browser_checks(page, button: str):
    """Submit as a browser without constraint validation would, so the
    server's own errors come back."""
    page.evaluate("document.querySelectorAll('form').forEach(f => f.noValidate = true)")
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state("load")


@pytest.mark.parametrize(
    ("url", "button"),
    [
        ("/feedback/new/", "Save feedback"),
        ("/goals/new/", "Set goal"),
    ],
    ids=["feedback", "goal"],
)
def test_a_form_sent_back_with_errors_passes_axe_and_focuses_the_error(
    world, open_page, url, button
):
    page = open_page(world.cast.alice.user.email)
    page.goto(url)
    _submit_without_browser_checks(page, button)
    assert page.locator(".is-invalid").count(), "the form came back without errors"
    focused = page.evaluate(
        "document.activeElement.matches('.is-invalid, [aria-invalid=true]')"
    )
    assert focused, "focus is not on the first field in error"
    findings = axe_findings(page, label=f"{url} after a failed submit")
    page.set_viewport_size(PHONE)
    findings += axe_findings(page, label=f"{url} after a failed submit")
    if findings:
        pytest.fail(report(findings), pytrace=False)


def test_the_admin_confirmation_pages_pass_axe(world, open_page):
    """The pages the crawl never opens, as they act: erasing a person (and
    its refusal of a wrong address, which focuses the box) and deleting."""
    engineer = factories.make_engineer("Lee Left", is_active=False)
    page = open_page(world.cast.staff.email)
    findings = []
    page.goto(f"/admin/growth/engineer/{engineer.pk}/delete/")
    findings += axe_findings(page)
    page.goto(f"/admin/growth/engineer/{engineer.pk}/erase/")
    findings += axe_findings(page)
    page.get_by_label(re.compile("to confirm")).fill("not-their-address@example.com")
    page.get_by_role("button", name=re.compile("^Erase")).click()
    page.wait_for_load_state("load")
    wait_for_focus(page, "id_confirm")
    findings += axe_findings(page, label="the erase page, refused")
    assert Engineer.objects.filter(pk=engineer.pk).exists()
    if findings:
        pytest.fail(report(findings), pytrace=False)


def test_the_not_found_page_passes_axe(world, open_page):
    page = open_page(world.cast.alice.user.email)
    response = page.goto("/no-such-page/")
    assert response.status == 404
    findings = axe_findings(page, label="the 404 page")
    if findings:
        pytest.fail(report(findings), pytrace=False)


def test_the_check_finds_a_violation_when_there_is_one(world, open_page):
    page = open_page(world.cast.alice.user.email)
    page.goto("/me/")
    page.evaluate(
        "() => { const i = document.createElement('input');"
        " i.type = 'text'; i.id = 'planted'; document.querySelector('main').append(i); }"
    )
    findings = axe_findings(page)
    assert any(f.rule == "label" and "#planted" in f.target for f in findings)


def test_organisation_insight_passes_axe_with_shown_and_hidden_teams(world, open_page):
    """Skip's organisation insight with a team big enough to show (Platform)
    beside one too small (Data), at desktop and at phone width, where the
    table scrolls inside its region and the page itself does not."""
    cast = world.cast
    for n in range(3):
        person = factories.make_engineer(
            f"Pat Platform {n}", team=cast.platform, manager=cast.mia
        )
        factories.make_note(cast.mia.user, person, acknowledged_at=timezone.now())
    insight_counts_refresh(now=timezone.now())  # as beat does
    page = open_page(cast.skip.user.email)
    page.goto("/insight/")
    assert page.get_by_role("cell", name=re.compile("Too few to show")).count() == 1
    findings = axe_findings(page)
    page.set_viewport_size(PHONE)
    findings += axe_findings(page)
    overflow = page.evaluate(SIDEWAYS)
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at phone width"
    if findings:
        pytest.fail(report(findings), pytrace=False)
