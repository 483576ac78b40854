"""The admin: every page answers, lists stay cheap, forms refuse bad data,
and the CSV export is safe to open in a spreadsheet."""

import csv
import datetime
import io
import itertools
import uuid

import pytest
import time_machine
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalChanges

from growth.admin.base import EstimatedCountPaginator
from growth.models import (
    ActionItem,
    AgendaItem,
    ChannelPost,
    Engineer,
    EventKind,
    FeedbackComment,
    FeedbackNote,
    Hackathon,
    HackathonTeam,
    LearningDayPlan,
    LearningKind,
    LearningSession,
    Mentorship,
    Notification,
    PostKind,
    PostTarget,
    Reminder,
    ReminderKind,
    ReminderPreference,
    ReminderRule,
    ReminderStatus,
    RequestStatus,
    SessionFeedback,
    SessionSignup,
    SlackIdentity,
    SprintCadence,
)
from growth.services.submissions import create_once
from growth.spreadsheets import csv_cell
from tests import factories
from tests.admin_forms import engineer_form
from tests.framework_support import framework_records
from tests.pages import fresh_queries

pytestmark = pytest.mark.django_db

GROWTH_MODELS = (
    "growth.engineer",
    "growth.mentorship",
    "growth.competency",
    "growth.feedbacknote",
    "growth.feedbackcomment",
    "growth.feedbackrequest",
    "growth.goal",
    "growth.goalcheckin",
    "growth.checkin",
    "growth.actionitem",
    "growth.agendaitem",
    "growth.learningactivity",
    "growth.reminderrule",
    "growth.reminder",
    "growth.reminderpreference",
    "growth.notification",
    "growth.channelpost",
    "growth.slackidentity",
    "growth.submission",
    "growth.learningsession",
    "growth.sessionsignup",
    "growth.sessionfeedback",
    "growth.hackathon",
    "growth.hackathonteam",
    "growth.sprintcadence",
    "growth.learningdayplan",
    "growth.worklink",
    # The career framework (growth/admin/framework.py).
    "growth.track",
    "growth.level",
    "growth.competencyarea",
    "growth.expectation",
    "growth.assessment",
    "growth.readiness",
)
# Rules are seeded one per kind and reminders are written by the sweep only;
# a comment and a learning-day plan are their author's own words.
NOT_ADDABLE = (
    "growth.reminderrule",
    "growth.reminder",
    "growth.feedbackcomment",
    "growth.submission",
    "growth.learningdayplan",
    "growth.channelpost",
    "growth.slackidentity",
    "growth.worklink",
    # Written in the app by an engineer and their manager: read-mostly here.
    "growth.assessment",
    "growth.readiness",
)


@pytest.fixture
def world(cast):
    """One of everything, about alice, so that every admin page has rows."""
    goal = factories.make_goal(cast.alice, title="Own the release train")
    factories.make_goal_check_in(goal, cast.alice.user, progress=40)
    check_in = factories.make_check_in(
        cast.max.user, cast.alice, mentorship=cast.max_mentors_alice
    )
    ActionItem.objects.create(check_in=check_in, description="Read the SRE book")
    AgendaItem.objects.create(
        engineer=cast.alice,
        kind=check_in.kind,
        mentorship=check_in.mentorship,
        added_by=cast.alice.user,
        text="Talk about the on-call rota",
    )
    note = factories.make_note(cast.mia.user, cast.alice, goal=goal)
    factories.make_link(note, "https://github.com/acme/app/pull/42")
    FeedbackComment.objects.create(note=note, author=cast.alice.user, body="Thanks")
    factories.make_request(cast.alice, cast.bob, message="How was my demo?")
    factories.make_learning(
        cast.alice.user,
        attendees=[cast.alice, cast.bob],
        led_by=cast.skip,
        kind=LearningKind.LEARNING_SESSION,
        title="Postgres internals",
    )
    Reminder.objects.create(
        recipient=cast.mia.user,
        kind=ReminderKind.FEEDBACK_DUE,
        period_key="2026-W48",
        subject="Alice has had no feedback in 14 days",
        status=ReminderStatus.SENT,
        sent_at=timezone.now(),
    )
    ReminderPreference.objects.create(
        user=cast.alice.user, kind=ReminderKind.GOAL_DEADLINE, email_enabled=False
    )
    Notification.objects.create(
        recipient=cast.alice.user,
        kind=EventKind.FEEDBACK_RECEIVED,
        message="Mia Manager gave you feedback",
    )
    create_once(user=cast.alice.user, key=uuid.uuid4(), create=lambda: goal)
    session = LearningSession.objects.create(
        leader=cast.skip, title="Postgres internals", starts_at=timezone.now()
    )
    SessionSignup.objects.create(session=session, engineer=cast.alice, attended=True)
    SessionFeedback.objects.create(session=session, engineer=cast.alice, useful=True)
    hackathon = Hackathon.objects.create(
        organiser=cast.cora,
        title="Winter hack",
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
    )
    HackathonTeam.objects.create(hackathon=hackathon, name="Red").members.add(
        cast.alice
    )
    SprintCadence.objects.create(
        team=cast.platform, first_sprint_start=datetime.date(2026, 1, 5)
    )
    LearningDayPlan.objects.create(
        engineer=cast.alice, day=datetime.date(2026, 1, 16), plan="Read about CRDTs"
    )
    ChannelPost.objects.create(
        target=PostTarget.TEAMS,
        destination=f"teams:{cast.platform.pk}",
        team=cast.platform,
        kind=PostKind.PRAISE,
        key="note-1",
    )
    SlackIdentity.objects.create(
        user=cast.alice.user, email=cast.alice.user.email, slack_user_id="UALICE"
    )
    framework_records(cast)
    return cast


def url(label: str, view: str, *args) -> str:
    app_label, model_name = label.split(".")
    return reverse(f"admin:{app_label}_{model_name}_{view}", args=args)


def export(client, model, objects):
    """Post the CSV action for ``objects``; return the response and its rows."""
    response = client.post(
        url(model._meta.label_lower, "changelist"),
        {"action": "export_csv", "_selected_action": [o.pk for o in objects]},
    )
    text = b"".join(response.streaming_content).decode()
    return response, list(csv.reader(io.StringIO(text)))


def mentorship_form(**fields):
    data = {"started_on": "2026-02-01", "cadence_days": "14", "focus": ""}
    data.update(fields)
    return data


# --- every page answers ----------------------------------------------------------


# Sessions hold sign-in secrets and are in no admin, as Django's are not;
# a person's earlier names are read on their page (an inline); attendances are
# an activity's attendees, edited there so that each keeps the activity's date.
# Pending imports are the import's files between preview and confirm: no page of their own.
NOT_LISTED = {
    "accounts.session",
    "accounts.namechange",
    "growth.attendance",
    "growth.pendingimport",
    "growth.insightcount",  # counts the insight page adds up, made by beat
    "growth.assessmentrating",  # read inline on its assessment
}


def _own_models(app_label):
    """The app's models, less the change-history tables: those are read on
    each tracked object's "History" page, not listed on their own."""
    return [
        model
        for model in apps.get_app_config(app_label).get_models()
        if not issubclass(model, HistoricalChanges)
        and model._meta.label_lower not in NOT_LISTED
    ]


def test_every_model_of_both_apps_is_registered():
    for app_label in ("accounts", "growth"):
        for model in _own_models(app_label):
            assert admin.site.is_registered(model), model


def test_the_growth_model_list_covers_the_app():
    labels = {m._meta.label_lower for m in _own_models("growth")}
    assert labels == set(GROWTH_MODELS)


def test_the_admin_index_lists_both_apps(staff_client):
    response = staff_client.get(reverse("admin:index"))
    assert response.status_code == 200
    labels = {app["app_label"] for app in response.context["app_list"]}
    assert {"accounts", "growth"} <= labels


@pytest.mark.parametrize("label", GROWTH_MODELS)
def test_the_changelist_lists_rows(staff_client, world, label):
    response = staff_client.get(url(label, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


@pytest.mark.parametrize("label", [m for m in GROWTH_MODELS if m not in NOT_ADDABLE])
def test_the_add_page_answers(staff_client, world, label):
    assert staff_client.get(url(label, "add")).status_code == 200


@pytest.mark.parametrize("label", GROWTH_MODELS)
def test_the_change_page_answers_for_a_real_object(staff_client, world, label):
    obj = apps.get_model(label).objects.first()
    response = staff_client.get(url(label, "change", obj.pk))
    assert response.status_code == 200
    assert response.context["original"] == obj


@pytest.mark.parametrize(
    "label",
    [
        m
        for m in GROWTH_MODELS
        if admin.site.get_model_admin(apps.get_model(m)).search_fields
    ],
)
def test_searching_the_changelist_answers(staff_client, world, label):
    response = staff_client.get(url(label, "changelist"), {"q": "alice"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "label",
    [
        m
        for m in GROWTH_MODELS
        if admin.site.get_model_admin(apps.get_model(m)).list_filter
    ],
)
def test_the_list_filters_render(staff_client, world, label):
    response = staff_client.get(url(label, "changelist"))
    assert b'id="changelist-filter"' in response.content


def test_a_non_staff_member_is_sent_to_the_admin_login(client, cast):
    client.force_login(cast.alice.user)
    target = url("growth.feedbacknote", "changelist")
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={target}"


def test_an_anonymous_visitor_is_sent_to_sign_in(client, db):
    target = url("growth.engineer", "changelist")
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={target}"


# --- search and filters ----------------------------------------------------------


def test_it_finds_engineers_by_name(staff_client, cast):
    response = staff_client.get(url("growth.engineer", "changelist"), {"q": "alice"})
    assert list(response.context["cl"].result_list) == [cast.alice]


def test_it_finds_engineers_by_email(staff_client, cast):
    response = staff_client.get(
        url("growth.engineer", "changelist"), {"q": cast.bob.user.email}
    )
    assert list(response.context["cl"].result_list) == [cast.bob]


def test_it_finds_feedback_by_the_engineer_it_is_about(staff_client, cast):
    about_alice = factories.make_note(cast.mia.user, cast.alice)
    factories.make_note(cast.mia.user, cast.bob)
    response = staff_client.get(
        url("growth.feedbacknote", "changelist"), {"q": "alice"}
    )
    assert list(response.context["cl"].result_list) == [about_alice]


def test_autocomplete_finds_engineers_by_name(staff_client, cast):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "growth",
            "model_name": "feedbacknote",
            "field_name": "engineer",
            "term": "ali",
        },
    )
    assert response.json()["results"] == [
        {"id": str(cast.alice.pk), "text": "Alice Engineer"}
    ]


def test_the_acknowledged_filter_keeps_unanswered_feedback(staff_client, cast):
    open_note = factories.make_note(cast.mia.user, cast.alice)
    factories.make_note(cast.mia.user, cast.bob, acknowledged_at=timezone.now())
    response = staff_client.get(
        url("growth.feedbacknote", "changelist"), {"acknowledged": "no"}
    )
    assert list(response.context["cl"].result_list) == [open_note]


def test_the_active_filter_hides_ended_mentorships(staff_client, cast):
    response = staff_client.get(
        url("growth.mentorship", "changelist"), {"active": "no"}
    )
    assert list(response.context["cl"].result_list) == [cast.olivia_mentored_alice]


def test_the_coaching_filter_keeps_mentorships_of_mentors(staff_client, cast):
    response = staff_client.get(
        url("growth.mentorship", "changelist"), {"coaching": "yes"}
    )
    assert list(response.context["cl"].result_list) == [cast.cora_coaches_max]


def test_the_mentorship_list_marks_coaching(staff_client, cast):
    response = staff_client.get(url("growth.mentorship", "changelist"))
    rows = {m.pk: m.mentee_is_mentor for m in response.context["cl"].result_list}
    assert rows[cast.cora_coaches_max.pk] is True
    assert rows[cast.max_mentors_alice.pk] is False


def test_the_manager_filter_offers_only_managers(staff_client, cast):
    response = staff_client.get(url("growth.engineer", "changelist"))
    manager_filter = next(
        spec
        for spec in response.context["cl"].filter_specs
        if getattr(spec, "field_path", None) == "manager"
    )
    assert {name for _, name in manager_filter.lookup_choices} == {
        "Mia Manager",
        "Skip Level",
    }


def test_the_feedback_list_shows_metadata_not_the_note(staff_client, cast):
    factories.make_note(cast.mia.user, cast.alice, situation="In the Friday retro")
    response = staff_client.get(url("growth.feedbacknote", "changelist"))
    assert b"Mia Manager" in response.content
    assert b"In the Friday retro" not in response.content


# --- lists cost a fixed number of queries ----------------------------------------


queries_for = fresh_queries


def add_notes(cast, count):
    people = [cast.alice, cast.bob, cast.max, cast.carol]
    authors = [cast.mia.user, cast.skip.user, cast.cora.user]
    for i in range(count):
        factories.make_note(
            authors[i % len(authors)],
            people[i % len(people)],
            kind="interpersonal" if i % 2 else "technical",
            acknowledged_at=timezone.now() if i % 3 else None,
        )


def test_the_feedback_list_costs_the_same_for_3_or_30_notes(staff_client, cast):
    path = url("growth.feedbacknote", "changelist")
    add_notes(cast, 3)
    queries_for(staff_client, path)  # warm the session and content-type caches
    with_3 = queries_for(staff_client, path)
    add_notes(cast, 27)
    with_30 = queries_for(staff_client, path)
    assert FeedbackNote.objects.count() == 30
    assert with_30 == with_3


ROUNDS = itertools.count()


def add_one_of_everything(cast, rounds):
    """More rows for every changelist, spread over different people."""
    people = [cast.alice, cast.bob, cast.carol, cast.max, cast.mia]
    for _ in range(rounds):
        i = next(ROUNDS)
        engineer, other = people[i % 5], people[(i + 1) % 5]
        goal = factories.make_goal(engineer, title=f"Goal {i}")
        factories.make_goal_check_in(goal, other.user)
        check_in = factories.make_check_in(other.user, engineer)
        ActionItem.objects.create(check_in=check_in, description=f"Item {i}")
        note = factories.make_note(other.user, engineer, goal=goal)
        factories.make_link(note, f"https://github.com/acme/app/pull/{i}")
        factories.make_request(engineer, other)
        factories.make_learning(
            engineer.user, attendees=[engineer, other], led_by=other
        )
        factories.make_engineer(team=cast.data, manager=other)
        kind = ReminderKind.FEEDBACK_DUE
        Reminder.objects.create(
            recipient=engineer.user, kind=kind, period_key=f"p{i}", subject="Due"
        )
        Notification.objects.create(recipient=engineer.user, kind=kind, message="Due")
        ReminderPreference.objects.create(user=factories.make_user(), kind=kind)
        if (
            not Mentorship.objects.active()
            .filter(mentor=other, mentee=engineer)
            .exists()
        ):
            factories.make_mentorship(other, engineer)


@pytest.mark.parametrize("label", [*GROWTH_MODELS, "accounts.user", "accounts.team"])
def test_every_changelist_costs_the_same_for_few_or_many_rows(
    staff_client, cast, label
):
    path = url(label, "changelist")
    add_one_of_everything(cast, 2)
    queries_for(staff_client, path)
    few = queries_for(staff_client, path)
    add_one_of_everything(cast, 10)
    assert queries_for(staff_client, path) == few


def test_the_export_costs_the_same_for_3_or_30_notes(staff_client, cast):
    def export_queries():
        with CaptureQueriesContext(connection) as queries:
            export(staff_client, FeedbackNote, FeedbackNote.objects.all())
        return len(queries)

    add_notes(cast, 3)
    export_queries()
    with_3 = export_queries()
    add_notes(cast, 27)
    assert export_queries() == with_3


# --- CSV export ------------------------------------------------------------------


def test_it_exports_the_selected_notes_as_csv(staff_client, cast):
    first = factories.make_note(cast.mia.user, cast.alice)
    second = factories.make_note(cast.mia.user, cast.bob)
    factories.make_note(cast.mia.user, cast.max)
    response, rows = export(staff_client, FeedbackNote, [first, second])
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows[0][:3] == ["id", "author", "author_id"]
    assert sorted(int(row[0]) for row in rows[1:]) == [first.pk, second.pk]


def test_the_export_is_named_after_the_model_and_the_day(client, cast):
    note = factories.make_note(cast.mia.user, cast.alice)
    with time_machine.travel(datetime.datetime(2026, 11, 25, 10, tzinfo=datetime.UTC)):
        client.force_login(cast.staff)
        response, _ = export(client, FeedbackNote, [note])
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="feedbacknote-2026-11-25.csv"'
    )


def test_the_export_gives_relations_by_name_and_id_and_choices_as_stored(
    staff_client, cast
):
    note = factories.make_note(cast.mia.user, cast.alice, sentiment="praise")
    _, (header, row) = export(staff_client, FeedbackNote, [note])
    cells = dict(zip(header, row, strict=True))
    assert cells["engineer"] == "Alice Engineer"
    assert cells["engineer_id"] == str(cast.alice.pk)
    assert cells["author"] == "Mia Manager"
    assert cells["sentiment"] == "praise"
    assert cells["goal"] == cells["goal_id"] == ""


def test_the_export_neutralises_a_formula_in_a_cell(staff_client, cast):
    note = factories.make_note(
        cast.mia.user, cast.alice, situation='=HYPERLINK("http://evil.example")'
    )
    _, (header, row) = export(staff_client, FeedbackNote, [note])
    cells = dict(zip(header, row, strict=True))
    assert cells["situation"] == '\'=HYPERLINK("http://evil.example")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cell_neutralises_every_formula_start(start):
    assert csv_cell(f"{start}1+1") == f"'{start}1+1"


def test_csv_cell_leaves_plain_values_alone():
    assert csv_cell("Alice") == "Alice"
    assert csv_cell(None) == ""
    assert csv_cell(datetime.date(2026, 11, 25)) == "2026-11-25"


def test_the_export_is_offered_on_a_read_only_log(staff_client, world):
    response, rows = export(staff_client, Reminder, Reminder.objects.all())
    assert response.status_code == 200
    assert len(rows) == 2


# --- forms refuse what the model refuses -----------------------------------------


def test_a_mentorship_cannot_pair_someone_with_themselves(staff_client, cast):
    before = Mentorship.objects.count()
    response = staff_client.post(
        url("growth.mentorship", "add"),
        mentorship_form(mentor=cast.alice.pk, mentee=cast.alice.pk),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["mentee"] == [
        "A mentor cannot mentor themselves."
    ]
    assert Mentorship.objects.count() == before


def test_a_mentorship_can_be_added(staff_client, cast):
    response = staff_client.post(
        url("growth.mentorship", "add"),
        mentorship_form(mentor=cast.bob.pk, mentee=cast.carol.pk),
    )
    assert response.status_code == 302
    assert Mentorship.objects.filter(mentor=cast.bob, mentee=cast.carol).exists()


def test_a_manager_chain_cannot_loop(staff_client, cast):
    # alice reports to mia, who reports to skip: skip cannot report to alice.
    response = staff_client.post(
        url("growth.engineer", "change", cast.skip.pk),
        engineer_form(cast.skip, manager=cast.alice.pk),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["manager"]
    assert "This would make a loop" in errors[0]
    cast.skip.refresh_from_db()
    assert cast.skip.manager is None


def test_an_engineer_can_be_added_with_a_manager(staff_client, cast):
    data = engineer_form(cast.bob, user=None, manager=cast.mia.pk)
    data.update(email="nia@example.com", display_name="Nia Newcomer", time_zone="UTC")
    response = staff_client.post(url("growth.engineer", "add"), data)
    assert response.status_code == 302
    assert Engineer.objects.get(user__email="nia@example.com").manager == cast.mia


def test_the_engineer_page_shows_mentorships_both_ways(staff_client, cast):
    response = staff_client.get(url("growth.engineer", "change", cast.max.pk))
    as_mentor, as_mentee = (
        [form.original for form in formset if form.original]
        for formset in response.context["inline_admin_formsets"]
    )
    assert as_mentor == [cast.max_mentors_alice]
    assert as_mentee == [cast.cora_coaches_max]


# --- reminder rules and the reminder log -----------------------------------------


def rule_changelist_form(rules, **changes):
    data = {
        "form-TOTAL_FORMS": str(len(rules)),
        "form-INITIAL_FORMS": str(len(rules)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for i, rule in enumerate(rules):
        data[f"form-{i}-id"] = rule.pk
        if rule.enabled:
            data[f"form-{i}-enabled"] = "on"
        data[f"form-{i}-cadence_days"] = rule.cadence_days
        data[f"form-{i}-send_hour"] = rule.send_hour
        data[f"form-{i}-digest_weekday"] = rule.digest_weekday
        data.update(
            {
                f"form-{i}-{name}": value
                for name, value in changes.get(rule.kind, {}).items()
            }
        )
    return data


def test_reminder_rules_are_tuned_from_the_list(staff_client, cast):
    rules = list(ReminderRule.objects.order_by("kind"))
    data = rule_changelist_form(
        rules, **{ReminderKind.FEEDBACK_DUE: {"cadence_days": "21", "send_hour": "8"}}
    )
    response = staff_client.post(url("growth.reminderrule", "changelist"), data)
    assert response.status_code == 302
    rule = ReminderRule.objects.get(kind=ReminderKind.FEEDBACK_DUE)
    assert (rule.cadence_days, rule.send_hour) == (21, 8)


def test_a_send_hour_past_23_is_refused_in_the_list(staff_client, cast):
    rules = list(ReminderRule.objects.order_by("kind"))
    data = rule_changelist_form(
        rules, **{ReminderKind.FEEDBACK_DUE: {"send_hour": "24"}}
    )
    response = staff_client.post(url("growth.reminderrule", "changelist"), data)
    assert response.status_code == 200
    assert ReminderRule.objects.get(kind=ReminderKind.FEEDBACK_DUE).send_hour == 9


def test_a_rule_cannot_be_added_while_every_kind_has_one(staff_client, cast):
    assert staff_client.get(url("growth.reminderrule", "add")).status_code == 403


def test_a_missing_rule_can_be_added_back(staff_client, cast):
    ReminderRule.objects.filter(kind=ReminderKind.WEEKLY_DIGEST).delete()
    assert staff_client.get(url("growth.reminderrule", "add")).status_code == 200


def test_a_rule_cannot_be_deleted(staff_client, cast):
    rule = ReminderRule.objects.first()
    response = staff_client.get(url("growth.reminderrule", "delete", rule.pk))
    assert response.status_code == 403


def test_the_reminder_log_is_read_only(staff_client, world):
    reminder = Reminder.objects.get()
    assert staff_client.get(url("growth.reminder", "add")).status_code == 403
    response = staff_client.get(url("growth.reminder", "change", reminder.pk))
    assert response.status_code == 200
    assert b'name="_save"' not in response.content


def test_the_reminder_log_filters_by_recipient(staff_client, world):
    to_alice = Reminder.objects.create(
        recipient=world.alice.user,
        kind=ReminderKind.GOAL_DEADLINE,
        period_key="2026-11-25",
        subject="Your goal is due",
    )
    response = staff_client.get(
        url("growth.reminder", "changelist"),
        {"recipient__id__exact": world.alice.user.pk},
    )
    assert list(response.context["cl"].result_list) == [to_alice]


def test_the_feedback_list_counts_its_rows_once(staff_client, world):
    changelist = url("growth.feedbacknote", "changelist")
    with CaptureQueriesContext(connection) as queries:
        assert (
            staff_client.get(changelist + "?kind__exact=technical").status_code == 200
        )
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    # The paginator's count only: no second COUNT(*) over every note to say "of N".
    assert len(counts) == 1, counts


# --- big tables: the count of the unfiltered changelist ------------------------


def test_a_filtered_changelist_counts_its_notes_exactly(
    staff_client, cast, monkeypatch
):
    # Every table is "big" now: only being filtered keeps a count exact.
    monkeypatch.setattr(EstimatedCountPaginator, "ESTIMATE_FROM", 1)
    for _ in range(3):
        factories.make_note(cast.mia.user, cast.alice)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE growth_feedbacknote")  # an estimate of 3
    # After the statistics, so an estimate would be off by these.
    factories.make_note(cast.mia.user, cast.bob)
    factories.make_note(cast.mia.user, cast.bob, kind="interpersonal")
    changelist = url("growth.feedbacknote", "changelist")

    def counted(**filters) -> int:
        return staff_client.get(changelist, filters).context["cl"].result_count

    assert counted(kind__exact="technical") == 4
    assert counted(kind__exact="interpersonal") == 1
    assert counted(engineer__team__id__exact=999) == 0
    if connection.vendor != "postgresql":
        assert counted() == 5  # nothing to estimate from: counted


@pytest.mark.service("postgres")
def test_the_unfiltered_notes_changelist_takes_postgresqls_estimate(
    staff_client, cast, monkeypatch
):
    monkeypatch.setattr(EstimatedCountPaginator, "ESTIMATE_FROM", 1)
    for _ in range(4):
        factories.make_note(cast.mia.user, cast.alice)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE growth_feedbacknote")
    estimated = FeedbackNote.all_objects.count()
    factories.make_note(cast.mia.user, cast.bob)  # after the statistics
    changelist = url("growth.feedbacknote", "changelist")
    assert staff_client.get(changelist).context["cl"].result_count == estimated
    filtered = staff_client.get(changelist, {"kind__exact": "technical"})
    assert filtered.context["cl"].result_count == estimated + 1


# --- a request's answer, in the admin ------------------------------------------


@pytest.fixture
def answered(cast):
    """Alice asked max; max's note answers it."""
    asked = factories.make_request(
        cast.alice,
        cast.max,
        status=RequestStatus.FULFILLED,
        closed_at=timezone.now(),
    )
    note = factories.make_note(cast.max.user, cast.alice, request=asked)
    return asked, note


def test_the_request_a_note_answers_is_not_set_in_the_admin(staff_client, answered):
    _asked, note = answered
    page = staff_client.get(url("growth.feedbacknote", "change", note.pk))
    assert page.status_code == 200
    assert 'name="request"' not in page.content.decode()


@pytest.mark.parametrize("how", ["one", "selected"])
def test_removing_an_answer_for_good_opens_its_request_again(
    staff_client, answered, how
):
    asked, note = answered
    if how == "one":
        response = staff_client.post(
            url("growth.feedbacknote", "delete", note.pk), {"post": "yes"}
        )
    else:
        response = staff_client.post(
            url("growth.feedbacknote", "changelist"),
            {"action": "delete_selected", "_selected_action": [note.pk], "post": "yes"},
        )
    assert response.status_code == 302
    assert not FeedbackNote.all_objects.filter(pk=note.pk).exists()
    asked.refresh_from_db()
    assert asked.status == RequestStatus.OPEN
    assert asked.closed_at is None
