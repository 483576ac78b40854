"""Property-based tests of the forms, driven through the views.

Whatever is typed — very long text, any Unicode plane, control characters,
right-to-left marks, nothing or only spaces, dates from year 1 to 9999, numbers
far out of range — the page never fails: either it answers 200 with an error
on the offending field and saves nothing, or it redirects and the record holds
exactly what was sent, after Django's own normalisations:

- a form's CharField strips leading and trailing whitespace (``str.strip``);
- a NUL character is refused (``ProhibitNullCharactersValidator``);
- a line break is one character: ``\r\n`` and ``\r`` are stored as ``\n``;
- every free-text field has its limit (``growth/models/limits.py``), counted in
  characters of the stripped text.

Hypothesis runs every example in one database transaction, so each example
counts rows before and after itself.
"""

from __future__ import annotations

import datetime
import html
from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from accounts.models import User, time_zone_choices
from growth.forms import dates
from growth.models import (
    ActionItem,
    CheckIn,
    FeedbackNote,
    FeedbackRequest,
    Goal,
    GoalCheckIn,
    LearningActivity,
    limits,
)
from growth.services.checkins import ACTION_ITEM_MAX_LENGTH
from growth.services.goals import TARGET_DATE_GRACE
from tests import factories

pytestmark = pytest.mark.django_db

FAST = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- what people type --------------------------------------------------------------

any_plane = st.text(
    alphabet=st.characters(exclude_categories=("Cs",)),  # no lone surrogates
    max_size=60,
)
controls = st.text(alphabet=st.characters(categories=("Cc", "Cf", "Zl", "Zp")))
right_to_left = st.text(
    alphabet=st.sampled_from("שלום مرحبا\u200f\u202b\u202e\u2067\u061c "), min_size=1
)
blank = st.sampled_from(["", " ", "\t\n", "\u00a0\u2003", "\r\n \r\n", "\u3000"])
long_text = st.builds(
    lambda ch, n: ch * n, st.sampled_from("aé中😀\u05d0"), st.integers(150, 6_000)
)
nasty_text = st.one_of(any_plane, controls, right_to_left, blank, long_text)
with_nul = st.builds(lambda a, b: f"{a}\x00{b}", any_plane, any_plane)
plain = st.text(alphabet=st.characters(categories=("L", "N", "Zs", "P")), min_size=1)
text_values = st.one_of(plain, nasty_text, with_nul, plain)

any_date = st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31))
TODAY = timezone.localdate()
near_date = st.dates(
    TODAY - datetime.timedelta(days=30), TODAY + datetime.timedelta(days=300)
)
date_values = st.one_of(
    near_date.map(datetime.date.isoformat),
    any_date.map(lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}"),
    near_date.map(lambda d: d.strftime("%m/%d/%Y")),
    st.sampled_from(["", "31/12/2026", "2026-02-30", "99999-01-01", "yesterday"]),
    any_plane,
)


def expected_text(value: str, *, required: bool, max_length: int | None = None):
    """(is it valid, what is stored) for a form CharField."""
    stored = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if "\x00" in value:
        return False, None
    if required and not stored:
        return False, None
    if max_length is not None and len(stored) > max_length:
        return False, None
    return True, stored


def parsed_date(value: str) -> datetime.date | None:
    """The date Django's DateField reads from ``value`` (any of its input
    formats), or None when it reads none."""
    try:
        return forms.DateField().clean(value)
    except ValidationError:
        return None


def today() -> datetime.date:
    return timezone.localdate()


def within(day: datetime.date | None, bounds: tuple[datetime.date, ...]) -> bool:
    return day is not None and bounds[0] <= day <= bounds[1]


def field_errors(response, name: str) -> list[str]:
    return list(response.context["form"].errors.get(name, []))


def assert_shown(response, name: str) -> None:
    """The field has an error, and the page shows it."""
    errors = field_errors(response, name)
    assert errors, f"no error on {name}: {response.context['form'].errors}"
    body = response.content.decode()
    assert any(html.escape(error) in body for error in errors), errors


def assert_refused(response, counts_before, counts_after, fields) -> None:
    event("refused")
    for name in fields:
        event(f"refused for {name}")
    assert response.status_code == 200
    assert counts_after == counts_before, "a refused form saved something"
    for name in fields:
        assert_shown(response, name)


def counts(*models) -> tuple[int, ...]:
    return tuple(model.objects.count() for model in models)


# --- feedback ----------------------------------------------------------------------

NOTE_TEXT = ("situation", "behaviour", "impact", "suggestion")


@FAST
@given(values=st.fixed_dictionaries(dict.fromkeys(NOTE_TEXT, text_values)))
def test_the_feedback_note_form(client, cast, values):
    client.force_login(cast.mia.user)
    before = counts(FeedbackNote)
    response = client.post(
        reverse("feedback-create"),
        {
            "engineer": cast.alice.pk,
            "kind": "technical",
            "competency": factories.competency("technical").pk,
            "sentiment": "constructive",
            "visibility": "manager",
            **values,
        },
    )
    outcome = {
        name: expected_text(values[name], required=True, max_length=limits.NOTE_PART)
        for name in NOTE_TEXT
    }
    if all(ok for ok, _ in outcome.values()):
        event("saved")
        assert response.status_code == 302
        assert counts(FeedbackNote) == (before[0] + 1,)
        note = FeedbackNote.objects.latest("pk")
        assert {name: getattr(note, name) for name in NOTE_TEXT} == {
            name: stored for name, (_ok, stored) in outcome.items()
        }
    else:
        bad = [name for name, (ok, _) in outcome.items() if not ok]
        assert_refused(response, before, counts(FeedbackNote), bad)


@FAST
@given(reply=text_values)
def test_the_reply_form(client, cast, reply):
    note = factories.make_note(cast.mia.user, cast.alice)
    client.force_login(cast.alice.user)
    response = client.post(reverse("feedback-reply", args=[note.pk]), {"reply": reply})
    ok, stored = expected_text(reply, required=True, max_length=limits.REPLY)
    said = list(note.comments.values_list("body", flat=True))
    if ok:
        event("saved")
        assert response.status_code == 302
        assert said == [stored]
    else:
        event("refused")
        assert response.status_code == 200
        assert said == []
        assert "reply" in response.content.decode()


@FAST
@given(message=text_values, due_on=date_values)
def test_the_feedback_request_form(client, cast, message, due_on):
    # A new person each time: one open request per pair is the rule.
    recipient = factories.make_engineer(team=cast.platform)
    client.force_login(cast.alice.user)
    before = counts(FeedbackRequest)
    response = client.post(
        reverse("request-create"),
        {"recipients": [recipient.pk], "message": message, "due_on": due_on},
    )
    message_ok, stored = expected_text(
        message, required=False, max_length=limits.REQUEST_MESSAGE
    )
    day = parsed_date(due_on)
    due_ok = within(day, dates.request_due_range(today()))
    if message_ok and due_ok:
        event("saved")
        assert response.status_code == 302
        assert counts(FeedbackRequest) == (before[0] + 1,)
        request = FeedbackRequest.objects.latest("pk")
        assert (request.message, request.due_on) == (stored, day)
    else:
        bad = [n for n, ok in (("message", message_ok), ("due_on", due_ok)) if not ok]
        assert_refused(response, before, counts(FeedbackRequest), bad)


# --- goals ----------------------------------------------------------------------------


@FAST
@given(
    title=text_values,
    description=text_values,
    target_date=date_values,
    kind=st.sampled_from(["technical", "interpersonal", "career", "career", "", "x"]),
)
def test_the_goal_form(client, cast, title, description, target_date, kind):
    client.force_login(cast.alice.user)
    before = counts(Goal)
    response = client.post(
        reverse("goal-create"),
        {
            "title": title,
            "description": description,
            "kind": kind,
            "target_date": target_date,
        },
    )
    title_ok, title_stored = expected_text(
        title, required=True, max_length=limits.GOAL_TITLE
    )
    description_ok, description_stored = expected_text(
        description, required=False, max_length=limits.GOAL_DESCRIPTION
    )
    day = parsed_date(target_date)
    kind_ok = kind in ("technical", "interpersonal", "career")
    checks = {
        "title": title_ok,
        "description": description_ok,
        "target_date": target_date == ""
        or within(day, dates.goal_target_range(today())),
        "kind": kind_ok,
    }
    if all(checks.values()):
        # The service's rule, checked once the form is valid: from last week on.
        checks["target_date"] = day is None or day >= today() - TARGET_DATE_GRACE
    if all(checks.values()):
        event("saved")
        assert response.status_code == 302
        assert counts(Goal) == (before[0] + 1,)
        goal = Goal.objects.latest("pk")
        assert (goal.title, goal.description, goal.target_date, goal.kind) == (
            title_stored,
            description_stored,
            day,
            kind,
        )
    else:
        bad = [name for name, ok in checks.items() if not ok]
        assert_refused(response, before, counts(Goal), bad)


@FAST
@given(
    progress=st.one_of(
        st.integers(-(10**30), 10**30),
        st.integers(-5, 105),
        st.sampled_from(["", "50.5", "1e2", "fifty", " 42 "]),
    ),
    note=text_values,
)
def test_the_goal_check_in_form(client, cast, progress, note):
    goal = factories.make_goal(cast.alice)
    client.force_login(cast.alice.user)
    before = counts(GoalCheckIn)
    response = client.post(
        reverse("goal-check-in", args=[goal.pk]), {"progress": progress, "note": note}
    )
    try:
        number = int(str(progress).strip())
    except ValueError:
        number = None
    progress_ok = number is not None and 0 <= number <= 100
    note_ok, note_stored = expected_text(
        note, required=False, max_length=limits.GOAL_CHECK_IN_NOTE
    )
    if progress_ok and note_ok:
        event("saved")
        assert response.status_code == 302
        assert counts(GoalCheckIn) == (before[0] + 1,)
        check_in = GoalCheckIn.objects.latest("pk")
        assert (check_in.progress, check_in.note) == (number, note_stored)
        goal.refresh_from_db()
        assert goal.progress == number
    else:
        bad = [n for n, ok in (("progress", progress_ok), ("note", note_ok)) if not ok]
        assert_refused(response, before, counts(GoalCheckIn), bad)


# --- check-ins ------------------------------------------------------------------------


def expected_items(value: str):
    if "\x00" in value:
        return False, None
    box_ok, _ = expected_text(value, required=False, max_length=limits.ACTION_ITEMS_BOX)
    if not box_ok:
        return False, None
    items = [line.strip() for line in value.strip().splitlines() if line.strip()]
    if any(len(item) > ACTION_ITEM_MAX_LENGTH for item in items):
        return False, None
    return True, items


@FAST
@given(
    held_on=date_values,
    notes=text_values,
    items=st.one_of(
        text_values,
        st.lists(nasty_text, max_size=5).map("\n".join),
        st.lists(st.text(max_size=400), max_size=4).map("\r\n".join),
    ),
)
def test_the_check_in_form(client, cast, held_on, notes, items):
    # A new report each time, so no open items carry over from an example before.
    report = factories.make_engineer(team=cast.platform, manager=cast.mia)
    client.force_login(cast.mia.user)
    before = counts(CheckIn, ActionItem)
    response = client.post(
        reverse("check-in-create") + f"?engineer={report.pk}&kind=one_on_one",
        {"held_on": held_on, "notes": notes, "action_items": items},
    )
    day = parsed_date(held_on)
    date_ok = within(day, dates.check_in_range(today()))
    notes_ok, notes_stored = expected_text(
        notes, required=False, max_length=limits.CHECK_IN_NOTES
    )
    items_ok, items_stored = expected_items(items)
    checks = {"held_on": date_ok, "notes": notes_ok, "action_items": items_ok}
    if all(checks.values()):
        event("saved")
        assert response.status_code == 302
        check_in = CheckIn.objects.latest("pk")
        assert (check_in.engineer_id, check_in.held_on, check_in.notes) == (
            report.pk,
            day,
            notes_stored,
        )
        saved = list(
            check_in.action_items.order_by("pk").values_list("description", flat=True)
        )
        assert saved == items_stored
    else:
        bad = [name for name, ok in checks.items() if not ok]
        assert_refused(response, before, counts(CheckIn, ActionItem), bad)


# --- learning -------------------------------------------------------------------------

hours_values = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=1).map(str),
    st.decimals(min_value=-1000, max_value=1000, places=3).map(str),
    st.integers(-(10**12), 10**12).map(str),
    st.sampled_from(["", "NaN", "inf", "0", "0.05", "200", "200.1", "7,5", "1e1"]),
)


def expected_hours(value: str):
    """Django's DecimalField(5, 1) reading, then the form's 0 < hours <= 200."""
    try:
        hours = forms.DecimalField(max_digits=5, decimal_places=1).clean(value)
    except ValidationError:
        return False, None
    if not Decimal(0) < hours <= Decimal(200):
        return False, None
    return True, hours


@FAST
@given(
    title=text_values,
    description=text_values,
    day=date_values,
    hours=hours_values,
)
def test_the_learning_form(client, cast, title, description, day, hours):
    client.force_login(cast.alice.user)
    before = counts(LearningActivity)
    response = client.post(
        reverse("learning-create"),
        {
            "kind": "reading",
            "title": title,
            "description": description,
            "date": day,
            "hours": hours,
            "attendees": [cast.alice.pk],
        },
    )
    title_ok, title_stored = expected_text(
        title, required=True, max_length=limits.LEARNING_TITLE
    )
    description_ok, description_stored = expected_text(
        description, required=False, max_length=limits.LEARNING_DESCRIPTION
    )
    date = parsed_date(day)
    # As the form has it: from 2000 to a year ahead (28 February after a 29th).
    date_ok = within(date, dates.learning_range(today()))
    hours_ok, hours_stored = expected_hours(hours)
    checks = {
        "title": title_ok,
        "description": description_ok,
        "date": date_ok,
        "hours": hours_ok,
    }
    if all(checks.values()):
        event("saved")
        assert response.status_code == 302
        activity = LearningActivity.objects.latest("pk")
        assert (
            activity.title,
            activity.description,
            activity.date,
            activity.hours,
        ) == (title_stored, description_stored, date, hours_stored)
        assert list(activity.attendees.all()) == [cast.alice]
    else:
        bad = [name for name, ok in checks.items() if not ok]
        assert_refused(response, before, counts(LearningActivity), bad)


# --- the profile ----------------------------------------------------------------------

ZONES = [name for name, _label in time_zone_choices()]


@FAST
@given(
    display_name=text_values,
    time_zone=st.one_of(st.sampled_from(ZONES), any_plane, st.just("Mars/Olympus")),
)
def test_the_profile_form(client, cast, display_name, time_zone):
    user = cast.alice.user
    client.force_login(user)
    saved = User.objects.values("display_name", "time_zone").get(pk=user.pk)
    response = client.post(
        reverse("profile"), {"display_name": display_name, "time_zone": time_zone}
    )
    name_ok, name_stored = expected_text(display_name, required=True, max_length=150)
    zone_ok = time_zone in ZONES
    after = User.objects.values("display_name", "time_zone").get(pk=user.pk)
    if name_ok and zone_ok:
        event("saved")
        assert response.status_code == 302
        assert after == {"display_name": name_stored, "time_zone": time_zone}
    else:
        event("refused")
        assert response.status_code == 200
        assert after == saved, "a refused profile changed the person"
        for name, ok in (("display_name", name_ok), ("time_zone", zone_ok)):
            if not ok:
                assert_shown(response, name)


# --- editing: a refused change leaves the record exactly as it was --------------------


def row(obj) -> dict:
    return type(obj).objects.filter(pk=obj.pk).values().get()


@FAST
@given(title=text_values, status=st.sampled_from(["active", "achieved", "gone", ""]))
def test_the_goal_edit_form(client, cast, title, status):
    goal = factories.make_goal(cast.alice, progress=30)
    before = row(goal)
    client.force_login(cast.mia.user)  # her manager edits it
    response = client.post(
        reverse("goal-edit", args=[goal.pk]),
        {"title": title, "kind": "career", "status": status, "description": ""},
    )
    title_ok, title_stored = expected_text(
        title, required=True, max_length=limits.GOAL_TITLE
    )
    status_ok = status in ("active", "achieved")
    after = row(goal)
    if title_ok and status_ok:
        event("saved")
        assert response.status_code == 302
        assert (after["title"], after["status"], after["kind"]) == (
            title_stored,
            status,
            "career",
        )
        assert after["progress"] == 30, "progress changes only through check-ins"
    else:
        event("refused")
        assert response.status_code == 200
        assert after == before
        for name, ok in (("title", title_ok), ("status", status_ok)):
            if not ok:
                assert_shown(response, name)


@FAST
@given(notes=text_values, held_on=date_values, items=text_values, remove=st.booleans())
def test_the_check_in_edit_form(client, cast, notes, held_on, items, remove):
    check_in = factories.make_check_in(cast.mia.user, cast.alice, notes="Before")
    first = ActionItem.objects.create(check_in=check_in, description="Keep me")
    before = (row(check_in), list(check_in.action_items.values()))
    client.force_login(cast.mia.user)
    data = {"held_on": held_on, "notes": notes, "action_items": items}
    if remove:
        data["remove_action_items"] = [first.pk]
    response = client.post(reverse("check-in-edit", args=[check_in.pk]), data)
    day = parsed_date(held_on)
    checks = {
        "held_on": within(day, dates.check_in_range(today())),
        "notes": expected_text(notes, required=False, max_length=limits.CHECK_IN_NOTES)[
            0
        ],
        "action_items": expected_items(items)[0],
    }
    after = (row(check_in), list(check_in.action_items.values()))
    if all(checks.values()):
        event("saved")
        assert response.status_code == 302
        assert (after[0]["held_on"], after[0]["notes"]) == (
            day,
            expected_text(notes, required=False)[1],
        )
        descriptions = [item["description"] for item in after[1]]
        kept = [] if remove else ["Keep me"]
        assert descriptions == kept + expected_items(items)[1]
    else:
        bad = [name for name, ok in checks.items() if not ok]
        assert_refused(response, before, after, bad)


@FAST
@given(values=st.fixed_dictionaries(dict.fromkeys(NOTE_TEXT, text_values)))
def test_the_feedback_edit_form_on_an_answered_note(client, cast, values):
    note = factories.make_note(
        cast.mia.user, cast.alice, reply="Thanks", replied_at=timezone.now()
    )
    before = row(note)
    client.force_login(cast.mia.user)
    response = client.post(
        reverse("feedback-edit", args=[note.pk]),
        # Kind and visibility are locked once answered: what is sent is ignored.
        {
            **values,
            "kind": "interpersonal",
            "visibility": "self",
            "sentiment": "praise",
        },
    )
    outcome = {
        name: expected_text(values[name], required=True, max_length=limits.NOTE_PART)
        for name in NOTE_TEXT
    }
    after = row(note)
    if all(ok for ok, _ in outcome.values()):
        event("saved")
        assert response.status_code == 302
        assert {name: after[name] for name in NOTE_TEXT} == {
            name: stored for name, (_ok, stored) in outcome.items()
        }
        assert (after["kind"], after["visibility"], after["sentiment"]) == (
            before["kind"],
            before["visibility"],
            before["sentiment"],
        )
        assert after["reply"] == "Thanks"
    else:
        bad = [name for name, (ok, _) in outcome.items() if not ok]
        assert_refused(response, before, after, bad)


@FAST
@given(typed=text_values)
def test_the_erasure_confirmation(client, cast, typed):
    """Anything but the person's email address erases nothing, with the reason."""
    person = cast.carol
    person.is_active = False  # she left: only the confirmation stands in the way
    person.save(update_fields=["is_active"])
    email = person.user.email
    assume(typed.strip().lower() != email.lower())
    client.force_login(cast.staff)
    response = client.post(
        reverse("admin:growth_engineer_erase", args=[person.pk]), {"confirm": typed}
    )
    assert response.status_code == 200
    assert f"Type {email} to confirm." in response.content.decode()
    assert User.objects.get(pk=person.user.pk).email == email
    assert User.objects.get(pk=person.user.pk).is_active
