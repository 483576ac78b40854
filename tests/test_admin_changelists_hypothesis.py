"""No query string makes a 500: every admin list, whatever its filters, search,
date drill-down, ordering and paging are given, answers with its page, the
admin's "?e=1" page or a 400; a lookup no filter offers is a 400; and the app's
own pages answer whatever their filters and paging are given.

Hypothesis draws the values: text of any plane, numbers far past any column's
range, impossible and extreme dates, blanks, wildcards, quotes and separators,
long strings, and the valid choices and ids among them. The same tests run on
SQLite (``make test``) and on PostgreSQL (CI, with ``DATABASE_URL``); each runs
its examples against one set of rows, built once.
"""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.views.main import (
    ALL_VAR,
    ERROR_FLAG,
    IS_FACETS_VAR,
    IS_POPUP_VAR,
    ORDER_VAR,
    PAGE_VAR,
    SEARCH_VAR,
    TO_FIELD_VAR,
)
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from accounts.models import User
from growth.filters.feedback import FeedbackNoteFilter
from growth.forms.goals import GoalFilter
from growth.forms.learning import LearningFilter
from growth.forms.team import TeamTableForm
from growth.models import (
    CheckInKind,
    Competency,
    CompetencyKind,
    Engineer,
    FeedbackNote,
    FeedbackRequest,
    Goal,
    GoalKind,
    GoalStatus,
    LearningKind,
    ReminderPreference,
    Sentiment,
    Visibility,
)
from growth.selectors.feedback import TABS as FEEDBACK_TABS
from growth.selectors.team import COLUMNS
from growth.views.learning import TABS as LEARNING_TABS
from tests import factories, walker

pytestmark = pytest.mark.django_db

FAST = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# A page, the admin's "?e=1" redirect, or a refusal: never a 500 (the test
# client raises the exception of a 500, so a failing example shows its cause).
ANSWERS = (200, 302, 400)
# The app's pages also say 404 for a person or tab the viewer has not.
PAGE_ANSWERS = (*ANSWERS, 404)

# --- what a query string may hold --------------------------------------------

# A lone surrogate cannot travel in a URL: it has no UTF-8 encoding.
any_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
numbers = st.one_of(
    st.integers(),
    st.sampled_from(
        [10**30, -(10**30), 2**63, -(2**63) - 1, 2**63 - 1, 2**31, 2**15, -1, 0]
    ),
).map(str)
dates = st.one_of(
    st.sampled_from(
        [
            "2026-13-45",
            "2026-02-30",
            "0000-00-00",
            "0001-01-01",
            "9999-12-31",
            "10000-01-01",
            "9999-12-31 23:59:59",
            "2026-05-01 00:00:00+00:00",
            "2026-05-01T25:00",
        ]
    ),
    st.dates().map(str),
    st.datetimes().map(str),
)
odd = st.sampled_from(
    [
        *("", " ", "\t\n", "\u00a0", "%", "%%", "_", "\\", "'", '"', "''", "*"),
        *("(", "[", ",", "1,2", "a,b", "1,,x", "-", "--1", "-0", "1e3", "0x10"),
        *("１", "²", "٣", "2_026", "null", "None", "True", "False", "on", "?&=#", "+"),
    ]
)
long_text = st.builds(
    lambda ch, n: ch * n, st.sampled_from("a9%é中😀'\\"), st.integers(100, 2_000)
)
valid = st.sampled_from(
    [
        *CompetencyKind.values,
        *Sentiment.values,
        *Visibility.values,
        *GoalStatus.values,
        *GoalKind.values,
        *LearningKind.values,
        *CheckInKind.values,
        *FEEDBACK_TABS,
        *LEARNING_TABS,
        *(column.key for column in COLUMNS),
        *("asc", "desc", "yes", "no", "1", "0", "2026", "5", "12", "31"),
    ]
)


def values(ids: list[int]):
    """One value of a parameter: nasty, or valid, or the id of a row."""
    return st.one_of(
        any_text, numbers, dates, odd, long_text, valid, st.sampled_from(ids)
    )


def queries(names: list[str], ids: list[int]):
    """One to three of ``names``, each given once or twice (a repeated key is
    a list to the admin's filters)."""
    return st.dictionaries(
        st.sampled_from(names),
        st.lists(values(ids), min_size=1, max_size=2),
        min_size=1,
        max_size=3,
    )


# --- the rows the lists show ---------------------------------------------------


@pytest.fixture
def world(cast):
    """A row or more of every registered model, so every filter has choices."""
    world = walker.build_world(cast)
    factories.make_goal(cast.bob, status=GoalStatus.ACHIEVED, kind=GoalKind.CAREER)
    factories.make_note(
        cast.alice.user,
        cast.bob,
        kind="interpersonal",
        sentiment=Sentiment.PRAISE,
        acknowledged_at=timezone.now(),
        actionable=True,
    )
    factories.make_request(
        cast.bob, cast.mia, status="declined", closed_at=timezone.now()
    )
    ReminderPreference.objects.create(
        user=cast.alice.user, kind="weekly_digest", email_enabled=False
    )
    for person in (cast.mia, cast.alice):
        person.user.reminders.create(
            kind="weekly_digest", period_key="2026-W18", subject="Your week"
        )
    Group.objects.create(name="Reviewers").user_set.add(cast.staff)
    seen = {
        "username": "x@example.com",
        "ip_address": "10.0.0.1",
        "user_agent": "Firefox",
        "attempt_time": timezone.now(),
        "http_accept": "*/*",
        "path_info": "/accounts/login/",
    }
    AccessAttempt.objects.create(
        **seen, failures_since_start=3, get_data="", post_data=""
    )
    AccessLog.objects.create(**seen)
    AccessFailureLog.objects.create(**seen, locked_out=True)
    return world


@pytest.fixture
def ids(world) -> list[int]:
    """Ids of rows that exist, for the filters that choose one."""
    cast = world.cast
    people = [cast.alice, cast.bob, cast.mia, cast.max, cast.carol]
    return sorted(
        {
            *(person.pk for person in people),
            *(person.user.pk for person in people),
            cast.platform.pk,
            cast.data.pk,
            factories.competency().pk,
        }
    )


# --- every admin list ---------------------------------------------------------

SITE = admin.site
MODELS = sorted(SITE._registry, key=lambda model: model._meta.label)


def changelist_url(model) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


def offered_parameters(model, user) -> list[str]:
    """The query parameters a list reads: its filters' (as each filter names
    them), its search's, its date drill-down's, and the admin's own."""
    modeladmin = SITE._registry[model]
    request = RequestFactory().get(changelist_url(model))
    request.user = user
    changelist = modeladmin.get_changelist_instance(request)
    # A filter with fewer than two choices is not shown, and takes its
    # parameters silently: ``world`` gives every filter choices to show.
    assert len(changelist.filter_specs) == len(modeladmin.get_list_filter(request))
    names = {
        name for spec in changelist.filter_specs for name in spec.expected_parameters()
    }
    if modeladmin.get_search_fields(request):
        names.add(SEARCH_VAR)
    if changelist.date_hierarchy:
        names.update(drilldown_parameters(changelist.date_hierarchy))
    names.update(ADMINS_OWN)
    return sorted(names)


# Ordering, paging, "show all", the error page, facets, and a popup's.
ADMINS_OWN = (
    *(ORDER_VAR, PAGE_VAR, ALL_VAR, ERROR_FLAG),
    *(IS_FACETS_VAR, IS_POPUP_VAR, TO_FIELD_VAR),
)


def drilldown_parameters(field: str) -> list[str]:
    return [f"{field}__{part}" for part in ("year", "month", "day")]


def unoffered_lookups(model, offered: list[str]) -> list[str]:
    """Lookups on the model's own columns that no filter of its list offers."""
    lookups = ("exact", "in", "isnull", "gt", "range", "regex", "year", "contains")
    return sorted(
        {
            f"{field.name}__{lookup}"
            for field in model._meta.concrete_fields
            for lookup in lookups
        }
        - set(offered)
    )


def label(model) -> str:
    return model._meta.label


@pytest.fixture
def offered_of(world):
    """``offered_parameters`` for the cast's superuser, worked out once per
    list for all of a test's examples (they share its rows)."""
    cache: dict = {}

    def offered_of(model) -> list[str]:
        if model not in cache:
            cache[model] = offered_parameters(model, world.cast.staff)
        return cache[model]

    return offered_of


@pytest.mark.parametrize("model", MODELS, ids=label)
@FAST
@given(data=st.data())
def test_any_filter_search_order_or_page_of_an_admin_list_is_a_page(
    staff_client, ids, offered_of, model, data
):
    query = data.draw(queries(offered_of(model), ids), label="query")
    date_hierarchy = SITE._registry[model].date_hierarchy
    if date_hierarchy and data.draw(st.booleans(), label="drill down"):
        query |= data.draw(drilldowns(date_hierarchy), label="drill-down")
    response = staff_client.get(changelist_url(model), query)
    event(f"answered {response.status_code}")
    assert response.status_code in ANSWERS, query


def drilldowns(field: str):
    """A year, and maybe a month and a day, as the date hierarchy's links give
    them or not: the calendar's edges, out of range, or not numbers."""
    part = st.one_of(
        st.integers(-2, 10_001).map(str), numbers, odd, st.sampled_from(["9999"])
    )
    year, month, day = drilldown_parameters(field)
    return st.fixed_dictionaries({year: part}, optional={month: part, day: part})


@FAST
@given(data=st.data())
def test_a_lookup_no_filter_offers_is_refused(staff_client, offered_of, data):
    model = data.draw(st.sampled_from(MODELS), label="list")
    lookup = data.draw(st.sampled_from(unoffered_lookups(model, offered_of(model))))
    value = data.draw(values([1]), label="value")
    response = staff_client.get(changelist_url(model), {lookup: value})
    assert response.status_code == 400, (lookup, value)


# --- the app's own pages -------------------------------------------------------

PAGES = [
    # The URL name, who opens it, and the parameters it reads.
    ("feedback-list", "mia", ["tab", "page", *FeedbackNoteFilter.base_filters]),
    ("goal-list", "mia", ["page", *GoalFilter.base_filters]),
    ("learning-list", "alice", ["tab", "page", *LearningFilter.base_filters]),
    ("team-dashboard", "skip", ["page", *TeamTableForm.base_fields]),
    ("team-export", "mia", list(TeamTableForm.base_fields)),
    ("request-list", "alice", ["asked_page", "mine_page"]),
    ("notification-list", "alice", ["page"]),
    ("feedback-deleted", "mia", ["page"]),
    ("mentoring", "max", []),
    ("coaching", "cora", []),
    ("feedback-create", "mia", ["request", "engineer", "next"]),
    ("request-create", "alice", ["recipient"]),
    ("goal-create", "mia", ["engineer"]),
    ("check-in-create", "mia", ["engineer", "kind"]),
    ("feedback-competency-options", "alice", ["kind"]),
    ("login", "anonymous", ["next"]),
]


@pytest.fixture
def viewer_client(client, world, role):
    """A client signed in as the page's ``role``, once for all examples."""
    if role != "anonymous":
        client.force_login(world.user(role))
    return client


@pytest.mark.parametrize(
    ("name", "role", "parameters"), PAGES, ids=[p[0] for p in PAGES]
)
@FAST
@given(data=st.data())
def test_any_filter_or_page_of_an_app_page_is_a_page(
    viewer_client, ids, name, role, parameters, data
):
    # And a parameter the page does not read, which it ignores.
    query = data.draw(queries([*parameters, "unread"], ids), label="query")
    response = viewer_client.get(reverse(name), query)
    event(f"answered {response.status_code}")
    assert response.status_code in PAGE_ANSWERS, query


# --- each 500 the properties found, as it was found ----------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"start_date__year": "9999"},  # ends in the year 10000: ValueError
        {"start_date__year": str(2**31)},  # past a C int: OverflowError
        {"start_date__year": str(10**30)},  # past a C long: OverflowError
        {"start_date__year": "9999", "start_date__month": "12"},
        {
            "start_date__year": "9999",
            "start_date__month": "12",
            "start_date__day": "31",
        },
    ],
)
def test_a_drilldown_past_the_calendar_is_the_error_page(staff_client, query):
    response = staff_client.get(changelist_url(Engineer), query)
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_a_drilldown_within_the_calendar_still_narrows_the_list(staff_client, cast):
    Engineer.objects.filter(pk=cast.alice.pk).update(
        start_date=datetime.date(9999, 12, 30)
    )
    query = {"start_date__year": "9999", "start_date__month": "11"}
    response = staff_client.get(changelist_url(Engineer), query)
    assert list(response.context["cl"].result_list) == []
    query = {
        "start_date__year": "9999",
        "start_date__month": "12",
        "start_date__day": "30",
    }
    response = staff_client.get(changelist_url(Engineer), query)
    assert list(response.context["cl"].result_list) == [cast.alice]


def test_a_date_typed_without_a_zone_is_read_in_the_current_zone(staff_client, cast):
    # Django read it in the default zone with a RuntimeWarning, which the
    # suite turns into an error (naive datetimes are a named danger here).
    note = factories.make_note(cast.mia.user, cast.alice)
    FeedbackNote.objects.filter(pk=note.pk).update(
        created_at=datetime.datetime(2026, 5, 1, 0, 30, tzinfo=datetime.UTC)
    )

    def shown(since: str) -> list[FeedbackNote]:
        response = staff_client.get(
            changelist_url(FeedbackNote), {"created_at__gte": since}
        )
        return list(response.context["cl"].result_list)

    assert shown("2026-05-01") == [note]
    assert shown("2026-05-01 01:00") == []
    assert shown("2026-05-01T00:00:00+02:00") == [note]


@pytest.mark.parametrize(
    ("model", "lookup", "value"),
    [
        (Goal, "title__regex", "("),  # not a pattern, read at the first row
        (Goal, "title__range", "x"),  # a range of one value
        (Goal, "created_at__year", "10000"),  # past the calendar
        (AccessLog, "ip_address__lte", "x"),  # not an address, on PostgreSQL
    ],
)
def test_a_lookup_no_filter_offers_is_a_400(staff_client, world, model, lookup, value):
    response = staff_client.get(changelist_url(model), {lookup: value})
    assert response.status_code == 400


# Each of these models is the target of a history model's hidden foreign key,
# which Django's check of ``_to_field`` found under "+" and failed on.
@pytest.mark.parametrize("model", [User, Engineer, Competency, FeedbackRequest, Goal])
def test_a_hidden_relation_named_as_the_field_to_refer_to_is_a_400(staff_client, model):
    response = staff_client.get(changelist_url(model), {TO_FIELD_VAR: "+"})
    assert response.status_code == 400


def test_the_field_to_refer_to_is_checked_on_a_change_page_too(staff_client, world):
    url = reverse("admin:growth_goal_change", args=[world.goal.pk])
    assert staff_client.get(url, {TO_FIELD_VAR: "+"}).status_code == 400
    assert staff_client.get(url, {TO_FIELD_VAR: "id"}).status_code == 200


def test_the_filters_a_list_offers_still_narrow_it(staff_client, cast):
    response = staff_client.get(
        changelist_url(Engineer), {"team__id__exact": cast.data.pk}
    )
    assert response.status_code == 200
    assert {e.pk for e in response.context["cl"].result_list} == {
        cast.max.pk,
        cast.cora.pk,
        cast.olivia.pk,
        cast.carol.pk,
    }


# "²".isdigit() is true, and so is that of 5,000 nines; int() reads neither.
@pytest.mark.parametrize("engineer", ["²", "9" * 5_000])
def test_a_goal_for_an_engineer_named_by_digits_int_cannot_read_is_a_404(
    client, cast, engineer
):
    client.force_login(cast.mia.user)
    response = client.get(reverse("goal-create"), {"engineer": engineer})
    assert response.status_code == 404
