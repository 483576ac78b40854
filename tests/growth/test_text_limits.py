"""Every free-text field has a limit: refused with a field error, never cut.

The limits live in ``growth/models/limits.py``. The model refuses longer text
in ``full_clean``, the database in a check (for writes that skip the model),
and each form with a field error beside a counter. Everyone is from the cast in
conftest.py: mia manages alice and bob, max mentors alice.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from growth.models import (
    ActionItem,
    AgendaItem,
    Assessment,
    AssessmentRating,
    Competency,
    CompetencyArea,
    Expectation,
    FeedbackComment,
    FeedbackNote,
    Goal,
    Hackathon,
    HackathonTeam,
    LearningActivity,
    LearningDayPlan,
    LearningSession,
    Readiness,
    ReminderRule,
    SessionFeedback,
    limits,
)
from growth.models.limits import LimitedCharField, LimitedTextField
from growth.services.feedback import feedback_comment_create, feedback_note_create
from tests import factories

pytestmark = pytest.mark.django_db

NOTE_PARTS = ("situation", "behaviour", "impact", "suggestion")
# Text the app writes itself, from names, counts and dates: not a person's words.
WRITTEN_BY_THE_APP = {
    ("reminder", "period_key"),
    ("reminder", "subject"),
    ("reminder", "last_error"),
    ("notification", "message"),
    ("notification", "url"),
    ("notification", "dedupe_key"),
    ("pendingimport", "name"),  # the upload's storage key, made by the import
    ("slackidentity", "email"),  # the address Slack matched, copied from the user
    ("slackidentity", "slack_user_id"),
    ("channelpost", "destination"),
    ("channelpost", "key"),
    ("channelpost", "last_error"),
    # An API create's path (one the routes matched) and its body's SHA-256.
    ("submission", "request"),
    # The framework's keys: slugs, so the slug validator and max_length hold them.
    ("track", "key"),
    ("level", "key"),
    ("competencyarea", "key"),
    ("competency", "key"),
}
LIMITED = sorted(
    (
        (model._meta.model_name, field.name, field.max_length)
        for model in apps.get_app_config("growth").get_models()
        if not model._meta.model_name.startswith("historical")
        for field in model._meta.concrete_fields
        if isinstance(field, (LimitedTextField, LimitedCharField))
    ),
)


def note_data(engineer, **fields) -> dict:
    return {
        "engineer": engineer.pk,
        "kind": "technical",
        "competency": factories.competency("technical").pk,
        "sentiment": "constructive",
        "situation": "In Tuesday's incident review",
        "behaviour": "You walked us through the timeline first",
        "impact": "We found the root cause in twenty minutes",
        "suggestion": "Add the timeline format to the template",
        "goal": "",
        "visibility": "shared",
        **fields,
    }


def error_message(length: int, limit: int) -> str:
    return f"Keep this to {limit:,} characters; it has {length:,} ({length - limit:,} too many)."


def counters(html: str) -> dict[str, tuple[int, str]]:
    """The counted controls of a page: id -> (limit, its counter's text)."""
    found = {}
    for control in re.finditer(r"<(?:textarea|input)\b[^>]*>", html):
        tag = control.group(0)
        limit = re.search(r'data-maxlength="(\d+)"', tag)
        if not limit:
            continue
        field_id = re.search(r'\bid="([^"]+)"', tag).group(1)
        assert (
            f"{field_id}_counter"
            in re.search(r'aria-describedby="([^"]*)"', tag).group(1).split()
        ), tag
        counter = re.search(
            rf'<div id="{re.escape(field_id)}_counter"[^>]*>'
            r"<span data-counter-text>([^<]*)</span>",
            html,
        )
        assert counter, f"no counter for {field_id}"
        found[field_id] = (int(limit.group(1)), counter.group(1))
    return found


# --- one table ------------------------------------------------------------------


def test_every_free_text_field_a_person_writes_has_a_limit():
    unlimited = [
        (model._meta.model_name, field.name)
        for model in apps.get_app_config("growth").get_models()
        if not model._meta.model_name.startswith("historical")
        for field in model._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField))
        and not field.choices
        and not isinstance(field, (LimitedTextField, LimitedCharField))
        and (model._meta.model_name, field.name) not in WRITTEN_BY_THE_APP
    ]
    assert unlimited == []


def test_the_limits_are_the_documented_ones():
    assert {(model, field): limit for model, field, limit in LIMITED} == {
        ("actionitem", "description"): 300,
        ("agendaitem", "text"): 500,
        ("checkin", "notes"): 5_000,
        ("assessmentrating", "comment"): 1_000,
        ("checkin", "private_notes"): 5_000,
        ("competency", "description"): 2_000,
        ("competency", "name"): 100,
        ("competencyarea", "description"): 2_000,
        ("competencyarea", "name"): 100,
        ("engineer", "title"): 100,
        ("expectation", "examples"): 3_000,
        ("expectation", "statement"): 1_000,
        ("feedbackcomment", "body"): 5_000,
        ("feedbacknote", "behaviour"): 5_000,
        ("feedbacknote", "impact"): 5_000,
        ("feedbacknote", "message"): 5_000,
        ("feedbacknote", "reply"): 5_000,
        ("feedbacknote", "situation"): 5_000,
        ("feedbacknote", "suggestion"): 5_000,
        ("feedbackrequest", "message"): 5_000,
        ("goal", "description"): 5_000,
        ("goal", "title"): 200,
        ("goalcheckin", "note"): 5_000,
        ("hackathon", "theme"): 200,
        ("hackathon", "title"): 200,
        ("hackathonteam", "demo_link"): 500,
        ("hackathonteam", "demo_summary"): 2_000,
        ("hackathonteam", "demo_title"): 200,
        ("hackathonteam", "name"): 100,
        ("learningactivity", "description"): 5_000,
        ("learningactivity", "title"): 200,
        ("learningdayplan", "done"): 2_000,
        ("learningdayplan", "plan"): 500,
        ("learningsession", "description"): 5_000,
        ("learningsession", "place"): 200,
        ("learningsession", "title"): 200,
        ("level", "name"): 100,
        ("level", "summary"): 2_000,
        ("mentorship", "focus"): 200,
        ("readiness", "summary"): 5_000,
        ("reminderrule", "description"): 1_000,
        ("sessionfeedback", "line"): 300,
        ("track", "description"): 2_000,
        ("track", "name"): 100,
        ("worklink", "host"): 255,
        ("worklink", "label"): 100,
        ("worklink", "title"): 200,
        ("worklink", "url"): 2_000,
    }


# --- the model and the database -------------------------------------------------


def _framework(cast) -> dict:
    level = cast.alice.level
    competency = Competency.objects.first()
    assessment = Assessment.objects.create(
        engineer=cast.alice, role="self", author=cast.alice.user, level=level
    )
    return {
        "track": level.track,
        "level": level,
        "competencyarea": CompetencyArea.objects.create(key="craft", name="Craft"),
        "expectation": Expectation.objects.update_or_create(
            competency=competency, level=level, defaults={"statement": "x"}
        )[0],
        "assessmentrating": AssessmentRating.objects.create(
            assessment=assessment, competency=competency, rating="meets"
        ),
        "readiness": Readiness.objects.create(
            engineer=cast.alice, level=level.next_level(), summary="x"
        ),
    }


@pytest.fixture
def one_of_each(cast):
    """A row of every model with limited text, keyed by model name."""
    goal = factories.make_goal(cast.alice)
    check_in = factories.make_check_in(cast.mia.user, cast.alice)
    note = factories.make_note(cast.bob.user, cast.alice)
    return {
        "feedbacknote": note,
        "feedbackcomment": FeedbackComment.objects.create(
            note=note, author=cast.alice.user, body="Thanks"
        ),
        "feedbackrequest": factories.make_request(cast.alice, cast.bob),
        "goal": goal,
        "goalcheckin": factories.make_goal_check_in(goal, cast.alice.user),
        "checkin": check_in,
        "actionitem": ActionItem.objects.create(check_in=check_in, description="x"),
        "agendaitem": AgendaItem.objects.create(
            engineer=cast.alice, kind="one_on_one", added_by=cast.alice.user, text="x"
        ),
        "learningactivity": factories.make_learning(
            cast.alice.user, attendees=[cast.alice]
        ),
        "learningdayplan": LearningDayPlan.objects.create(
            engineer=cast.alice, day=timezone.localdate(), plan="x"
        ),
        "engineer": cast.alice,
        "mentorship": cast.max_mentors_alice,
        "competency": Competency.objects.first(),
        **_framework(cast),
        "reminderrule": ReminderRule.objects.first(),
        "worklink": factories.make_link(note, "https://github.com/acme/app/pull/1"),
        **_events(cast),
    }


def _events(cast) -> dict:
    session = LearningSession.objects.create(
        leader=cast.mia, title="x", starts_at=timezone.now()
    )
    hackathon = Hackathon.objects.create(
        organiser=cast.mia,
        title="x",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
    )
    return {
        "learningsession": session,
        "sessionfeedback": SessionFeedback.objects.create(
            session=session, engineer=cast.alice, useful=True
        ),
        "hackathon": hackathon,
        "hackathonteam": HackathonTeam.objects.create(hackathon=hackathon, name="x"),
    }


@pytest.mark.parametrize(("model_name", "field", "limit"), LIMITED)
def test_the_database_refuses_text_over_the_limit(
    one_of_each, model_name, field, limit
):
    row = one_of_each[model_name]
    rows = type(row).objects.filter(pk=row.pk)
    # A reply comes with its time, and a message is praise without the four
    # parts (other checks); nothing else is needed.
    extra = {
        ("feedbacknote", "reply"): {"replied_at": timezone.now()},
        ("feedbacknote", "message"): {
            "sentiment": "praise",
            **dict.fromkeys(NOTE_PARTS, ""),
        },
    }.get((model_name, field), {})
    # A link's address is a web address (another check).
    start = {("worklink", "url"): "https://a.example/"}.get((model_name, field), "")
    # PostgreSQL's varchar refuses a long title before the check does.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        rows.update(**{field: start + "x" * (limit + 1 - len(start))}, **extra)
    # Characters, not bytes.
    rows.update(**{field: start + "é" * (limit - len(start))}, **extra)
    assert len(rows.values_list(field, flat=True).get()) == limit


@pytest.mark.parametrize(("model_name", "field", "limit"), LIMITED)
def test_full_clean_refuses_text_over_the_limit(one_of_each, model_name, field, limit):
    row = one_of_each[model_name]
    setattr(row, field, "x" * (limit + 1))
    with pytest.raises(ValidationError) as refused:
        row.full_clean()
    assert refused.value.message_dict[field] == [error_message(limit + 1, limit)]


def test_a_bulk_create_over_the_limit_is_refused(cast):
    note = FeedbackNote(
        author=cast.bob.user,
        engineer=cast.alice,
        kind="technical",
        sentiment="praise",
        situation="s",
        behaviour="b",
        impact="i",
        suggestion="x" * (limits.NOTE_PART + 1),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedbackNote.objects.bulk_create([note])
    assert not FeedbackNote.objects.exists()


def test_the_note_service_refuses_a_long_part_and_saves_nothing(cast):
    with pytest.raises(ValidationError) as refused:
        feedback_note_create(
            author=cast.bob.user,
            engineer=cast.alice,
            kind="technical",
            competency=None,
            sentiment="praise",
            situation="x" * (limits.NOTE_PART + 1),
            behaviour="b",
            impact="i",
            suggestion="s",
            now=timezone.now(),
        )
    assert list(refused.value.message_dict) == ["situation"]
    assert not FeedbackNote.objects.exists()


def test_the_comment_service_refuses_a_long_comment_rather_than_cutting_it(cast):
    note = factories.make_note(cast.bob.user, cast.alice)
    with pytest.raises(ValidationError) as refused:
        feedback_comment_create(
            note=note,
            author=cast.alice.user,
            body="x" * (limits.REPLY + 1),
            now=timezone.now(),
        )
    assert refused.value.message_dict["body"] == [
        error_message(limits.REPLY + 1, limits.REPLY)
    ]
    assert not note.comments.exists()
    note.refresh_from_db()
    assert note.acknowledged_at is None


# --- the pages ------------------------------------------------------------------


@pytest.mark.parametrize("part", NOTE_PARTS)
def test_a_note_part_one_over_the_limit_is_a_field_error_and_nothing_is_saved(
    client, cast, part
):
    client.force_login(cast.bob.user)
    response = client.post(
        reverse("feedback-create"),
        note_data(cast.alice, **{part: "x" * (limits.NOTE_PART + 1)}),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        part: [error_message(limits.NOTE_PART + 1, limits.NOTE_PART)]
    }
    page = response.content.decode()
    assert error_message(limits.NOTE_PART + 1, limits.NOTE_PART) in page
    assert counters(page)[f"id_{part}"] == (5_000, "5,001 / 5,000 · 1 too many")
    assert not FeedbackNote.objects.exists()


def test_a_note_at_the_limit_is_saved_whole(client, cast):
    text = {part: part[0] * limits.NOTE_PART for part in NOTE_PARTS}
    client.force_login(cast.bob.user)
    response = client.post(reverse("feedback-create"), note_data(cast.alice, **text))
    assert response.status_code == 302
    note = FeedbackNote.objects.get()
    assert {part: getattr(note, part) for part in NOTE_PARTS} == text


def test_a_line_break_counts_once_as_the_counter_counts_it(client, cast):
    # A browser sends a textarea's line breaks as CR LF; the counter, like a
    # person, counts one character for each.
    lines = "\r\n".join(["x" * 99] * 50)  # 4,950 + 49 breaks = 4,999 characters
    client.force_login(cast.bob.user)
    response = client.post(
        reverse("feedback-create"), note_data(cast.alice, situation=lines)
    )
    assert response.status_code == 302
    assert FeedbackNote.objects.get().situation == lines.replace("\r\n", "\n")


def test_a_reply_over_the_limit_is_an_error_not_a_cut(client, cast):
    note = factories.make_note(cast.bob.user, cast.alice)
    client.force_login(cast.alice.user)
    reply = "y" * (limits.REPLY + 1)
    response = client.post(reverse("feedback-reply", args=[note.pk]), {"reply": reply})
    assert response.status_code == 200
    page = response.content.decode()
    assert error_message(limits.REPLY + 1, limits.REPLY) in page
    # What they wrote comes back whole, to shorten.
    assert f">{reply}</textarea>" in page
    assert counters(page)[f"note-{note.pk}-reply"] == (
        5_000,
        "5,001 / 5,000 · 1 too many",
    )
    assert not note.comments.exists()


def test_a_reply_over_the_limit_through_htmx_comes_back_in_the_card(client, cast):
    note = factories.make_note(cast.bob.user, cast.alice)
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("feedback-reply", args=[note.pk]),
        {"reply": "y" * (limits.REPLY + 1)},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert error_message(limits.REPLY + 1, limits.REPLY) in page
    assert (
        f'aria-describedby="note-{note.pk}-reply_counter note-{note.pk}-reply-error"'
        in page
    )
    assert not note.comments.exists()


def test_a_reply_at_the_limit_is_saved_whole(client, cast):
    note = factories.make_note(cast.bob.user, cast.alice)
    client.force_login(cast.alice.user)
    reply = "y" * limits.REPLY
    response = client.post(reverse("feedback-reply", args=[note.pk]), {"reply": reply})
    assert response.status_code == 302
    assert note.comments.get().body == reply


def test_a_goal_title_over_the_limit_is_a_field_error(client, cast):
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("goal-create"),
        {"title": "t" * (limits.GOAL_TITLE + 1), "kind": "career"},
    )
    assert response.context["form"].errors == {
        "title": [error_message(limits.GOAL_TITLE + 1, limits.GOAL_TITLE)]
    }
    assert not Goal.objects.exists()


def test_the_admin_refuses_text_over_the_limit_with_a_field_error(client, cast):
    client.force_login(cast.staff)
    response = client.post(
        reverse("admin:growth_competency_add"),
        {
            "name": "Incident command",
            "key": "incident-command",
            "position": "0",
            "kind": "interpersonal",
            "description": "d" * (limits.COMPETENCY_DESCRIPTION + 1),
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "description": [
            error_message(
                limits.COMPETENCY_DESCRIPTION + 1, limits.COMPETENCY_DESCRIPTION
            )
        ]
    }
    # No maxlength on free text: the browser would cut a long paste without a
    # word. (The key is a short slug, where one is fine.)
    fields = re.findall(r"<(?:input|textarea)[^>]*>", response.content.decode())
    assert [f for f in fields if " maxlength=" in f and 'name="key"' not in f] == []
    assert not Competency.objects.filter(name="Incident command").exists()


def test_a_goal_from_long_feedback_prefills_text_within_the_goals_limits(client, cast):
    # With the heading ("From feedback by …") the 50 lines are too long for a
    # description, so the prefill shortens them, for the engineer to see.
    suggestion = "\n".join(["p" * 99] * 50)
    note = factories.make_note(cast.bob.user, cast.alice, suggestion=suggestion)
    client.force_login(cast.alice.user)
    response = client.get(reverse("goal-from-note", args=[note.pk]))
    found = counters(response.content.decode())
    assert found["id_description"] == (5_000, "5,000 / 5,000")
    assert not found["id_title"][1].endswith("too many")


# --- every form shows its counters ----------------------------------------------


def form_pages(cast) -> dict[str, tuple[object, str, set[str]]]:
    """Each page with a free-text form: (who, url, the counted controls)."""
    note = factories.make_note(cast.bob.user, cast.alice)
    goal = factories.make_goal(cast.alice)
    check_in = factories.make_check_in(cast.mia.user, cast.alice)
    learning = factories.make_learning(cast.alice.user, attendees=[cast.alice])
    note_ids = {f"id_{part}" for part in NOTE_PARTS}
    return {
        "give feedback": (cast.bob, reverse("feedback-create"), note_ids),
        "edit feedback": (
            cast.bob,
            reverse("feedback-edit", args=[note.pk]),
            note_ids,
        ),
        "comment on the note": (
            cast.alice,
            reverse("feedback-detail", args=[note.pk]),
            {f"note-{note.pk}-comment"},
        ),
        "give praise": (cast.bob, reverse("praise-create"), {"id_message"}),
        "reply on the dashboard": (
            cast.alice,
            reverse("my-growth"),
            {f"note-{note.pk}-reply"},
        ),
        "ask for feedback": (cast.alice, reverse("request-create"), {"id_message"}),
        "new goal": (
            cast.alice,
            reverse("goal-create"),
            {"id_title", "id_description"},
        ),
        "edit goal": (
            cast.alice,
            reverse("goal-edit", args=[goal.pk]),
            {"id_title", "id_description"},
        ),
        "goal from feedback": (
            cast.alice,
            reverse("goal-from-note", args=[note.pk]),
            {"id_title", "id_description"},
        ),
        "goal check-in": (
            cast.alice,
            reverse("goal-check-in", args=[goal.pk]),
            {"id_note"},
        ),
        "goal page": (cast.alice, reverse("goal-detail", args=[goal.pk]), {"id_note"}),
        "new check-in": (
            cast.mia,
            reverse("check-in-create") + f"?engineer={cast.alice.pk}&kind=one_on_one",
            {"id_notes", "id_action_items"},
        ),
        "edit check-in": (
            cast.mia,
            reverse("check-in-edit", args=[check_in.pk]),
            {"id_notes", "id_action_items"},
        ),
        "log learning": (
            cast.alice,
            reverse("learning-create"),
            {"id_title", "id_description"},
        ),
        "edit learning": (
            cast.alice,
            reverse("learning-edit", args=[learning.pk]),
            {"id_title", "id_description"},
        ),
        "profile": (cast.alice, reverse("profile"), {"id_display_name"}),
    }


def test_every_free_text_form_shows_a_counter_for_each_field(client, cast):
    for name, (who, url, expected) in form_pages(cast).items():
        client.force_login(who.user)
        response = client.get(url)
        assert response.status_code == 200, name
        page = response.content.decode()
        found = counters(page)
        assert expected <= set(found), (name, found)
        for field_id in expected:
            limit, text = found[field_id]
            assert text.endswith(f" / {limit:,}"), (name, field_id, text)
        # No control is cut by the browser, and the counter script is loaded.
        assert " maxlength=" not in page, name
        assert 'src="/static/counter.js" defer' in page, name


def test_a_refused_form_counts_what_was_sent(client, cast):
    goal = factories.make_goal(cast.alice)
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("goal-check-in", args=[goal.pk]),
        {"progress": 50, "note": "n" * (limits.GOAL_CHECK_IN_NOTE + 12)},
    )
    assert counters(response.content.decode())["id_note"] == (
        5_000,
        "5,012 / 5,000 · 12 too many",
    )
    assert not goal.check_ins.exists()


def test_learning_description_over_the_limit_is_refused_on_the_page(client, cast):
    client.force_login(cast.alice.user)
    response = client.post(
        reverse("learning-create"),
        {
            "kind": "reading",
            "title": "Designing Data-Intensive Applications",
            "description": "d" * (limits.LEARNING_DESCRIPTION + 1),
            "date": timezone.localdate().isoformat(),
            "hours": "2",
            "attendees": [cast.alice.pk],
        },
    )
    assert list(response.context["form"].errors) == ["description"]
    assert not LearningActivity.objects.exists()
