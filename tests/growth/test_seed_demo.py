"""The demo organisation: its shape, its five logins, and that it seeds only once.

The demo is seeded once for the module, with the clock frozen, and wiped again
afterwards; each test runs in its own transaction on top of it.
"""

from __future__ import annotations

import datetime
import io
import itertools
import re
from dataclasses import dataclass
from datetime import UTC, timedelta

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import F, Max, Min

from accounts.models import Team, User
from growth import demo as demo_module
from growth.models import (
    ActionItem,
    CheckIn,
    CheckInKind,
    Engineer,
    FeedbackComment,
    FeedbackNote,
    FeedbackRequest,
    Goal,
    GoalCheckIn,
    GoalStatus,
    LearningActivity,
    LearningKind,
    Mentorship,
    Notification,
    RequestStatus,
    Sentiment,
    Visibility,
)

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 15, 9, 30, tzinfo=UTC)  # a Monday
SEED = 7
PASSWORD = "demo-pass-123"
LOGINS = [
    "admin@example.com",
    "manager@example.com",
    "mentor@example.com",
    "coach@example.com",
    "engineer@example.com",
]


@dataclass
class Demo:
    output: str
    counts: dict[str, int]
    fingerprint: list


def seed_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def fingerprint() -> list:
    """What a run produced, without primary keys."""
    notes = FeedbackNote.objects.order_by("created_at", "behaviour").values_list(
        "author__email",
        "engineer__user__email",
        "created_at",
        "visibility",
        "situation",
        "behaviour",
        "acknowledged_at",
        "message",
    )
    goals = Goal.objects.order_by("created_at", "title").values_list(
        "engineer__user__email", "title", "progress", "target_date"
    )
    learning = LearningActivity.objects.order_by("date", "title").values_list(
        "date", "title", "hours"
    )
    # Sorted here, not by the database: rows can tie on every ordered column.
    return [sorted(rows, key=repr) for rows in (notes, goals, learning)]


def wipe() -> None:
    """Remove the demo; the competencies and reminder rules stay as migrated."""
    LearningActivity.objects.all().delete()
    User.objects.all().delete()  # and with them every engineer and what is theirs
    Team.objects.all().delete()
    # The change history outlives what it records: the deletions just made too.
    for model in (FeedbackNote, Goal, Mentorship):
        model.history.all().delete()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with time_machine.travel(NOW, tick=False):
            output = seed_demo("--password", PASSWORD, "--seed", str(SEED))
        yield Demo(output=output, counts=counts(), fingerprint=fingerprint())
        wipe()


def login(email: str) -> Engineer:
    return Engineer.objects.select_related("user", "manager__user").get(
        user__email=email
    )


# --- the organisation ------------------------------------------------------------


def test_it_creates_three_teams_and_25_engineers(demo):
    assert set(Team.objects.values_list("name", flat=True)) == {
        "Platform",
        "Data & ML",
        "Product",
    }
    assert Engineer.objects.count() == 25
    assert Engineer.objects.values("team").distinct().count() == 3
    assert set(Engineer.objects.values_list("level__rank", flat=True)) == {
        1,
        2,
        3,
        4,
        5,
    }
    assert set(Engineer.objects.values_list("level__track__key", flat=True)) == {
        "engineering",
        "management",
    }
    assert User.objects.values("time_zone").distinct().count() >= 5


def test_three_managers_one_per_team_report_to_the_head_of_engineering(demo):
    head = Engineer.objects.get(manager__isnull=True)
    managers = Engineer.objects.filter(manager=head, reports__isnull=False).distinct()
    assert managers.count() == 3
    assert {m.team_id for m in managers} == set(
        Team.objects.values_list("pk", flat=True)
    )
    assert head.user.email == "admin@example.com"
    assert head.user.is_staff and head.user.is_superuser


def test_the_manager_login_has_six_to_eight_direct_reports(demo):
    manager = login("manager@example.com")
    assert 6 <= Engineer.objects.reports_of(manager.user).count() <= 8


def test_the_engineer_login_reports_to_the_manager_and_has_the_mentor(demo):
    engineer = login("engineer@example.com")
    assert engineer.manager.user.email == "manager@example.com"
    mentors = Mentorship.objects.active().filter(mentee=engineer)
    assert list(mentors.values_list("mentor__user__email", flat=True)) == [
        "mentor@example.com"
    ]


def test_the_coach_coaches_the_three_other_mentors(demo):
    coaching = Mentorship.objects.active().coaching()
    assert set(coaching.values_list("mentor__user__email", flat=True)) == {
        "coach@example.com"
    }
    mentors = set(
        Mentorship.objects.active().values_list("mentor__user__email", flat=True)
    )
    assert len(mentors) == 4
    coached = set(coaching.values_list("mentee__user__email", flat=True))
    assert coached == mentors - {"coach@example.com"}
    assert "mentor@example.com" in coached


def test_some_mentorships_have_ended(demo):
    ended = Mentorship.objects.filter(ended_on__isnull=False)
    assert ended.count() >= 2
    assert all(m.started_on <= m.ended_on <= NOW.date() for m in ended)


# --- feedback -------------------------------------------------------------------


def test_notes_cover_six_months_of_both_kinds_and_sentiments(demo):
    span = FeedbackNote.objects.aggregate(
        first=Min("created_at"), last=Max("created_at")
    )
    assert NOW - timedelta(days=190) <= span["first"] <= NOW - timedelta(days=170)
    assert NOW - timedelta(days=3) <= span["last"] <= NOW
    for kind in ("technical", "interpersonal"):
        for sentiment in Sentiment.values:
            assert (
                FeedbackNote.objects.filter(kind=kind, sentiment=sentiment).count() > 20
            )


def test_every_note_has_the_competency_of_its_kind(demo):
    assert not FeedbackNote.objects.exclude(competency__kind=F("kind")).exists()


def test_manager_only_notes_are_by_the_manager_or_an_active_mentor(demo):
    notes = FeedbackNote.objects.filter(visibility=Visibility.MANAGER)
    assert notes.count() >= 10
    for note in notes.select_related("engineer__manager"):
        mentors = Mentorship.objects.active().filter(mentee=note.engineer)
        mentor_users = mentors.values_list("mentor__user", flat=True)
        assert note.author_id in {note.engineer.manager.user_id, *mentor_users}


def test_there_are_notes_to_self(demo):
    to_self = FeedbackNote.objects.filter(visibility=Visibility.SELF)
    assert to_self.count() >= 5
    assert to_self.filter(engineer__user=F("author")).exists()


def test_no_one_gives_themselves_shared_or_manager_feedback(demo):
    own = FeedbackNote.objects.filter(engineer__user=F("author"))
    assert not own.exclude(visibility=Visibility.SELF).exists()


def test_many_shared_notes_are_acknowledged_some_with_replies_and_ratings(demo):
    shared = FeedbackNote.objects.filter(visibility=Visibility.SHARED)
    acknowledged = shared.filter(acknowledged_at__isnull=False)
    assert acknowledged.count() > shared.count() / 2
    answers = FeedbackComment.objects.filter(
        note__visibility=Visibility.SHARED, author=F("note__engineer__user")
    )
    assert answers.count() >= 20
    assert FeedbackComment.objects.exclude(author=F("note__engineer__user")).exists()
    assert shared.filter(actionable=True).exists()
    assert shared.filter(actionable=False).exists()
    recent = shared.filter(created_at__gte=NOW - timedelta(days=7))
    assert recent.filter(acknowledged_at__isnull=True).exists()


def test_only_shared_notes_are_answered(demo):
    private = FeedbackNote.objects.exclude(visibility=Visibility.SHARED)
    assert not private.filter(acknowledged_at__isnull=False).exists()
    assert not FeedbackComment.objects.filter(note__in=private).exists()
    assert not private.filter(actionable__isnull=False).exists()


def test_a_report_has_had_no_feedback_from_their_manager_for_three_weeks(demo):
    manager = login("manager@example.com")
    reports = Engineer.objects.reports_of(manager.user)
    recent = FeedbackNote.objects.filter(
        author=manager.user, created_at__gte=NOW - timedelta(days=21)
    )
    neglected = reports.exclude(pk__in=recent.values("engineer"))
    assert 1 <= neglected.count() < reports.count()


def test_a_report_has_had_only_technical_feedback_for_months(demo):
    manager = login("manager@example.com")
    only_technical = [
        e
        for e in Engineer.objects.reports_of(manager.user)
        if not e.feedback_received.interpersonal().exists()
        and e.feedback_received.technical().count() > 5
    ]
    assert only_technical


def test_some_notes_are_linked_to_the_engineers_goals(demo):
    linked = FeedbackNote.objects.filter(goal__isnull=False)
    assert linked.count() >= 10
    assert not linked.exclude(goal__engineer=F("engineer")).exists()


def test_some_requests_are_open_and_overdue_others_fulfilled_by_a_note(demo):
    requests = FeedbackRequest.objects.all()
    assert requests.open().filter(due_on__lt=NOW.date()).exists()
    assert requests.open().filter(due_on__gte=NOW.date()).exists()
    fulfilled = requests.filter(status=RequestStatus.FULFILLED).select_related("note")
    assert fulfilled.count() >= 5
    for request in fulfilled:
        assert request.closed_at is not None
        assert request.note.engineer_id == request.requester_id
        assert request.note.author_id == request.recipient.user_id
        assert request.note.visibility == Visibility.SHARED
    assert (
        requests.open()
        .filter(
            recipient__user__email__in=["manager@example.com", "mentor@example.com"]
        )
        .exists()
    )


# --- goals, check-ins, learning, notifications ------------------------------------


def test_goals_have_check_ins_with_rising_progress(demo):
    for goal in Goal.objects.prefetch_related("check_ins"):
        progress = [c.progress for c in goal.check_ins.all()]
        assert progress, goal
        assert progress == sorted(set(progress)), goal
        assert progress[-1] == goal.progress
    assert Goal.objects.filter(status=GoalStatus.ACHIEVED, progress=100).exists()


def test_some_goals_are_overdue_and_stale(demo):
    overdue = Goal.objects.active().filter(target_date__lt=NOW.date())
    stale = [g for g in overdue if g.updated_at < NOW - timedelta(days=30)]
    assert 1 <= len(stale) <= 3


def test_one_on_ones_are_held_by_managers_and_mentoring_by_mentors(demo):
    one_on_ones = CheckIn.objects.filter(kind=CheckInKind.ONE_ON_ONE)
    assert one_on_ones.count() > 100
    assert not one_on_ones.exclude(author=F("engineer__manager__user")).exists()
    mentoring = CheckIn.objects.filter(kind=CheckInKind.MENTORING)
    assert mentoring.count() > 30
    assert not mentoring.exclude(author=F("mentorship__mentor__user")).exists()
    assert not mentoring.exclude(engineer=F("mentorship__mentee")).exists()
    coach = login("coach@example.com")
    assert mentoring.filter(author=coach.user).exists()


def test_check_ins_have_action_items_some_done_some_open(demo):
    assert ActionItem.objects.filter(done_at__isnull=False).count() > 50
    assert ActionItem.objects.filter(done_at__isnull=True).count() > 20


def test_a_learning_day_closes_every_two_week_sprint(demo):
    days = sorted(
        set(
            LearningActivity.objects.filter(kind=LearningKind.LEARNING_DAY).values_list(
                "date", flat=True
            )
        )
    )
    assert len(days) == 13  # six months of two-week sprints
    assert all(day.weekday() == 4 for day in days)
    assert {b - a for a, b in itertools.pairwise(days)} == {timedelta(days=14)}
    per_person = LearningActivity.objects.filter(kind=LearningKind.LEARNING_DAY)
    assert not per_person.exclude(attendees__user=F("logged_by")).exists()


def test_there_is_a_hackathon_and_learning_sessions_led_by_seniors(demo):
    hackathon = LearningActivity.objects.get(kind=LearningKind.HACKATHON)
    assert hackathon.attendees.count() >= 10
    sessions = LearningActivity.objects.filter(kind=LearningKind.LEARNING_SESSION)
    assert sessions.count() >= 5
    for session in sessions.select_related("led_by__level"):
        assert session.led_by.level.is_senior
        assert session.attendees.count() >= 5
        assert not session.attendees.filter(pk=session.led_by_id).exists()
    for kind in (LearningKind.COURSE, LearningKind.READING, LearningKind.CONFERENCE):
        assert LearningActivity.objects.filter(kind=kind).exists()


def test_the_logins_have_notifications(demo):
    for email in LOGINS[1:]:
        assert Notification.objects.filter(recipient__email=email).exists(), email
    assert Notification.objects.unread().exists()
    assert Notification.objects.filter(read_at__isnull=False).exists()


def test_every_seeded_object_passes_full_clean(demo):
    querysets = [
        Team.objects.all(),
        User.objects.all(),
        Engineer.objects.all(),
        Mentorship.objects.all(),
        Goal.objects.select_related("competency", "engineer"),
        GoalCheckIn.objects.all(),
        FeedbackRequest.objects.select_related("goal"),
        FeedbackNote.objects.select_related("competency", "engineer"),
        CheckIn.objects.select_related("mentorship"),
        ActionItem.objects.all(),
        LearningActivity.objects.all(),
        Notification.objects.all(),
    ]
    for queryset in querysets:
        objects = list(queryset)
        assert objects, queryset.model
        for obj in objects:
            obj.full_clean()


# --- the logins and running again ---------------------------------------------------


def test_it_prints_the_five_logins_and_the_password(demo):
    assert "Seeded the demo organisation" in demo.output
    assert f"password: {PASSWORD}" in demo.output
    for email in LOGINS:
        assert email in demo.output


def test_the_five_logins_sign_in_with_the_password(demo):
    for email in LOGINS:
        assert authenticate(email=email, password=PASSWORD) is not None, email


def test_no_one_else_can_sign_in(demo):
    others = User.objects.exclude(email__in=LOGINS)
    assert others.count() == 20
    assert not any(user.has_usable_password() for user in others)


def test_a_second_run_adds_nothing_and_leaves_the_passwords(demo):
    output = seed_demo("--seed", "99")
    assert counts() == demo.counts
    assert "already exists" in output
    assert "Passwords were left as they were" in output
    assert authenticate(email="engineer@example.com", password=PASSWORD)


def test_a_second_run_with_a_password_sets_it_on_the_five_logins(demo):
    output = seed_demo("--password", "a-new-one-456")
    assert counts() == demo.counts
    assert "already exists" in output
    for email in LOGINS:
        assert authenticate(email=email, password="a-new-one-456"), email
        assert authenticate(email=email, password=PASSWORD) is None, email


def test_the_same_seed_and_time_give_the_same_demo(demo):
    wipe()
    demo_module.demo_seed(now=NOW, password="x", seed=SEED)
    assert fingerprint() == demo.fingerprint


def test_another_seed_gives_another_demo(demo):
    wipe()
    demo_module.demo_seed(now=NOW, password="x", seed=SEED + 1)
    assert fingerprint() != demo.fingerprint


def test_without_a_password_it_generates_one_and_prints_it(demo):
    wipe()
    output = seed_demo()
    password = re.search(r"Generated a password for the five logins: (\S+)", output)
    assert password is not None
    assert authenticate(email="manager@example.com", password=password[1])


def test_it_refuses_to_seed_over_people_who_are_already_there(demo):
    wipe()
    User.objects.create_user(email="admin@example.com", display_name="Someone")
    with pytest.raises(CommandError, match=re.escape("admin@example.com")):
        seed_demo("--password", PASSWORD)
    assert Engineer.objects.count() == 0


def test_a_failure_leaves_nothing_half_seeded(demo, monkeypatch):
    wipe()

    def fail(self):
        raise RuntimeError("the learning log is down")

    monkeypatch.setattr(demo_module._Builder, "build_learning", fail)
    with pytest.raises(RuntimeError):
        seed_demo("--password", PASSWORD)
    assert User.objects.count() == 0
    assert FeedbackNote.objects.count() == 0
    assert Team.objects.count() == 0


def test_an_empty_password_is_refused(demo):
    with pytest.raises(CommandError, match="cannot be empty"):
        seed_demo("--password", " ")


def test_every_demo_notification_leads_to_a_page(demo):
    from django.urls import resolve

    urls = list(Notification.objects.values_list("url", flat=True))
    assert urls
    for url in urls:
        assert resolve(url.split("?")[0]), url


def test_the_history_shows_each_note_written_then_answered(demo):
    """Staff opening a demo note's History see it written by its author, then
    answered by its engineer; a goal's, its progress; a mentorship's, its end."""
    for note in FeedbackNote.objects.select_related("engineer__user")[:200]:
        versions = list(note.history.order_by("history_date", "history_id"))
        assert versions[0].history_type == "+"
        assert versions[0].history_user_id == note.author_id
        assert versions[0].acknowledged_at is None
        if note.acknowledged_at:
            assert [v.history_type for v in versions] == ["+", "~"]
            assert versions[-1].history_user_id == note.engineer.user_id
            assert versions[-1].acknowledged_at == note.acknowledged_at
        else:
            assert len(versions) == 1
    moved = Goal.objects.filter(progress__gt=0).first()
    assert list(
        moved.history.order_by("history_date").values_list("progress", flat=True)
    ) == [0, moved.progress]
    ended = Mentorship.objects.filter(ended_on__isnull=False).first()
    assert [v.ended_on for v in ended.history.order_by("history_date")] == [
        None,
        ended.ended_on,
    ]


# --- the career framework (fw-team) ------------------------------------------------


def test_emma_has_shared_her_self_assessment_and_priya_is_drafting_hers(demo):
    from growth.models import Assessment, AssessmentRole

    emma = login("engineer@example.com")
    own = Assessment.objects.get(engineer=emma, role=AssessmentRole.SELF)
    assert own.shared_at is not None and own.author == emma.user
    draft = Assessment.objects.get(engineer=emma, role=AssessmentRole.MANAGER)
    assert draft.shared_at is None
    assert draft.author.email == "manager@example.com"
    assert own.ratings.count() == draft.ratings.count() > 0


def test_it_rates_the_competencies_the_level_expects_or_all_active_ones(demo):
    from growth.models import AssessmentRating, Competency, Expectation

    for rating in AssessmentRating.objects.select_related("assessment"):
        level = rating.assessment.level_id
        expected = set(
            Expectation.objects.filter(level_id=level).values_list(
                "competency_id", flat=True
            )
        ) or set(Competency.objects.filter(is_active=True).values_list("pk", flat=True))
        assert rating.competency_id in expected


def test_a_few_have_a_shared_manager_assessment_and_one_is_ready(demo):
    from growth.models import Assessment, AssessmentRole, Readiness

    shared = Assessment.objects.filter(
        role=AssessmentRole.MANAGER, shared_at__isnull=False
    )
    assert shared.values("engineer").distinct().count() >= 3
    ready = Readiness.objects.filter(status="ready")
    assert ready.count() == 1
    readiness = ready.get()
    assert readiness.level.rank == readiness.engineer.level.rank + 1
    assert readiness.author == readiness.engineer.manager.user


def test_learning_is_tagged_with_competencies_and_some_were_promoted(demo):
    assert not LearningActivity.objects.filter(competency__isnull=True).exists()
    emma = login("engineer@example.com")
    assert emma.level_since > emma.start_date


def test_the_manager_sees_the_team_framework_filled(demo, client):
    client.force_login(User.objects.get(email="manager@example.com"))
    page = client.get("/team/framework/").content.decode()
    assert "Oluwaseun Adeyemi" in page and "Meets" in page
    assert "ready for" in page
