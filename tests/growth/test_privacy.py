"""People's data in the admin: the subject-access export, and erasing who left."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import NameChange, User
from growth import privacy
from growth.chat.outbox import praise_posts_record, session_posts_record
from growth.history import record_change
from growth.models import (
    ChannelPost,
    CheckIn,
    Engineer,
    FeedbackComment,
    FeedbackNote,
    FeedbackRequest,
    Goal,
    Hackathon,
    HackathonTeam,
    LearningActivity,
    LearningDayPlan,
    LearningKind,
    LearningSession,
    Mentorship,
    Notification,
    Reminder,
    Sentiment,
    SessionFeedback,
    SessionSignup,
    SlackIdentity,
    Visibility,
)
from growth.services.feedback import feedback_comment_create, feedback_note_create
from tests import factories

pytestmark = pytest.mark.django_db

NAME = "Zelda Quillfeather"
EMAIL = "zelda.quillfeather@example.com"


def export_url(engineer) -> str:
    return reverse("admin:growth_engineer_subject_access", args=[engineer.pk])


def erase_url(engineer) -> str:
    return reverse("admin:growth_engineer_erase", args=[engineer.pk])


@pytest.fixture
def zelda(cast):
    """Zelda, who reports to mia and leaves: everything a person accumulates."""
    c = cast
    zelda = factories.make_engineer(NAME, team=c.platform, manager=c.mia, email=EMAIL)
    return zelda


@pytest.fixture
def left(zelda):
    """Zelda has left: her profile is no longer active, which erasure asks."""
    zelda.is_active = False
    zelda.save(update_fields=["is_active"])
    return zelda


@pytest.fixture
def her_world(cast, zelda, left):
    c = cast
    rory = factories.make_engineer("Rory Report", team=c.platform, manager=zelda)
    world = {
        "rory": rory,
        "shared about her": factories.make_note(
            c.mia.user, zelda, situation="about-her-shared"
        ),
        "manager-only about her": factories.make_note(
            c.mia.user,
            zelda,
            visibility=Visibility.MANAGER,
            situation="about-her-manager-only",
        ),
        "self about her": factories.make_note(
            c.mia.user, zelda, visibility=Visibility.SELF, situation="about-her-self"
        ),
        "deleted about her": factories.make_note(
            c.mia.user,
            zelda,
            situation="about-her-deleted",
            deleted_at=timezone.now(),
        ),
        "by her about alice": factories.make_note(
            zelda.user, c.alice, situation="by-her-about-alice"
        ),
        "her goal": factories.make_goal(zelda, title="about-her-goal"),
        "her 1:1": factories.make_check_in(c.mia.user, zelda, notes="about-her-1on1"),
        "1:1 she held": factories.make_check_in(zelda.user, rory, notes="held-by-her"),
        "she mentors alice": factories.make_mentorship(zelda, c.alice),
        "her course": factories.make_learning(
            zelda.user, attendees=[zelda], title="about-her-course"
        ),
        "session she led": factories.make_learning(
            zelda.user,
            kind=LearningKind.LEARNING_SESSION,
            title="Tracing for everyone",
            led_by=zelda,
            attendees=[c.alice, zelda],
        ),
        "her request": factories.make_request(zelda, c.mia, message="about-her-ask"),
        "her notification": Notification.objects.create(
            recipient=zelda.user, kind="feedback_received", message="For her"
        ),
        "alice's notification": Notification.objects.create(
            recipient=c.alice.user,
            kind="feedback_received",
            message=f"{NAME} left you technical feedback.",
        ),
        "bob's notification": Notification.objects.create(
            recipient=c.bob.user,
            kind="check_in_due",
            message=f"Your check-in with {NAME} is due.",
        ),
    }
    factories.make_goal_check_in(world["her goal"], zelda.user, note="her-progress")
    # Written through the service, as the page does: alice is notified, and an
    # email about it waits in the outbox, both naming zelda.
    world["told alice"] = feedback_note_create(
        author=zelda.user,
        engineer=c.alice,
        kind="technical",
        competency=factories.competency("technical"),
        sentiment="praise",
        situation="by-her-through-the-page",
        behaviour="b",
        impact="i",
        suggestion="s",
        now=timezone.now(),
    )
    world["mentoring she held"] = factories.make_check_in(
        zelda.user,
        c.alice,
        mentorship=world["she mentors alice"],
        notes="alice-mentoring-notes",
    )
    world["someone else's name"] = Notification.objects.create(
        recipient=c.bob.user,
        kind="feedback_received",
        message=f"{NAME}son left you feedback.",
    )
    AccessLog.objects.create(
        username=EMAIL.upper(), ip_address="203.0.113.10", user_agent="Safari"
    )
    LogEntry.objects.log_actions(
        user_id=c.staff.pk,
        queryset=Notification.objects.filter(pk=world["her notification"].pk),
        action_flag=CHANGE,
        change_message="Marked read",
    )
    # She changed the note she wrote, and mia changed the one about her.
    note = world["by her about alice"]
    note.suggestion = "changed-by-her"
    record_change(note, by=zelda.user, when=timezone.now())
    about = world["shared about her"]
    about.suggestion = "changed-by-mia"
    record_change(about, by=c.mia.user, when=timezone.now())
    # The conversation on a note about her: its versions are about her too.
    world["mia's comment"] = feedback_comment_create(
        note=about, author=c.mia.user, body="about-her-comment", now=timezone.now()
    )
    AccessLog.objects.create(
        username=EMAIL, ip_address="203.0.113.9", user_agent="Firefox"
    )
    AccessAttempt.objects.create(
        username=EMAIL, ip_address="203.0.113.9", failures_since_start=2
    )
    # Her learning rhythm and events: a plan, a session she led with alice's
    # answer, one she signed up for, and a hackathon team.
    LearningDayPlan.objects.create(
        engineer=zelda, day=datetime.date(2026, 11, 6), plan="about-her-plan"
    )
    led = LearningSession.objects.create(
        leader=zelda, title="about-her-session", starts_at=timezone.now()
    )
    SessionFeedback.objects.create(
        session=led, engineer=c.alice, useful=True, line="about-her-answer"
    )
    other = LearningSession.objects.create(
        leader=c.mia, title="Mia's session", starts_at=timezone.now()
    )
    SessionSignup.objects.create(session=other, engineer=zelda, attended=True)
    hackathon = Hackathon.objects.create(
        organiser=c.mia,
        title="Winter hack",
        starts_on=datetime.date(2026, 11, 2),
        ends_on=datetime.date(2026, 11, 3),
    )
    HackathonTeam.objects.create(
        hackathon=hackathon, name="Red", demo_title="Flaky test finder"
    ).members.add(zelda)
    NameChange.objects.create(
        user=zelda.user,
        old_name="Zelda Before",
        new_name=NAME,
        changed_at=timezone.now(),
        changed_by=c.staff,
    )
    return world


# --- the subject-access export --------------------------------------------------


def test_the_export_holds_every_note_about_the_person_whoever_may_read_it(
    client, cast, zelda, her_world
):
    client.force_login(cast.staff)
    response = client.get(export_url(zelda))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)

    assert data["account"]["email"] == EMAIL
    (rename,) = data["account"]["name_history"]
    assert (rename["old_name"], rename["new_name"]) == ("Zelda Before", NAME)
    assert rename["changed_by"] == cast.staff.email
    assert data["profile"]["manager"] == "Mia Manager"
    about = {note["situation"] for note in data["feedback_about_them"]}
    assert about == {
        "about-her-shared",
        "about-her-manager-only",
        "about-her-self",
        "about-her-deleted",
    }
    deleted = [n for n in data["feedback_about_them"] if n["deleted_at"]]
    assert [n["situation"] for n in deleted] == ["about-her-deleted"]
    assert [n["situation"] for n in data["feedback_they_wrote"]] == [
        "by-her-about-alice",
        "by-her-through-the-page",
    ]
    assert [g["title"] for g in data["goals"]] == ["about-her-goal"]
    assert data["goals"][0]["check_ins"][0]["note"] == "her-progress"
    assert {c["notes"] for c in data["check_ins"]} == {
        "about-her-1on1",
        "held-by-her",
        "alice-mentoring-notes",
    }
    assert [m["mentee"] for m in data["mentorships"]] == ["Alice Engineer"]
    learning = {a["title"]: a for a in data["learning"]}
    assert learning["about-her-course"]["attended"] is True
    assert learning["Tracing for everyone"]["led_by"] == NAME
    assert [r["message"] for r in data["feedback_requests"]] == ["about-her-ask"]
    assert [n["message"] for n in data["notifications"]] == ["For her"]
    assert {r["ip_address"] for r in data["sign_in_records"]} == {
        "203.0.113.9",
        "203.0.113.10",  # signed in with the address typed in capitals
    }
    assert data["sign_in_lockouts"][0]["failures"] == 2
    assert [p["plan"] for p in data["learning_day_plans"]] == ["about-her-plan"]
    assert [s["title"] for s in data["sessions_led"]] == ["about-her-session"]
    assert data["session_sign_ups"] == [
        {
            "session": "Mia's session",
            "leader": "Mia Manager",
            "starts_at": data["session_sign_ups"][0]["starts_at"],
            "attended": True,
        }
    ]
    assert [a["line"] for a in data["session_answers"]] == ["about-her-answer"]
    assert [t["demo_title"] for t in data["hackathon_teams"]] == ["Flaky test finder"]
    assert "Tracing for everyone" in {a["title"] for a in data["learning_they_logged"]}
    history = data["change_history"]["feedbacknote"]
    assert {"changed-by-her", "changed-by-mia"} <= {
        row["suggestion"] for row in history
    }


def test_the_export_leaves_out_what_is_not_about_the_person(
    client, cast, zelda, her_world
):
    factories.make_note(cast.mia.user, cast.bob, situation="about-bob-only")
    factories.make_goal(cast.bob, title="bob's own goal")
    client.force_login(cast.staff)
    body = client.get(export_url(zelda)).content.decode()
    assert "about-bob-only" not in body
    assert "bob's own goal" not in body


def test_the_export_costs_the_same_queries_however_much_there_is(client, cast, zelda):
    client.force_login(cast.staff)

    def grow(n):
        for i in range(n):
            factories.make_note(cast.mia.user, zelda, situation=f"n{i}")
            goal = factories.make_goal(zelda, title=f"g{i}")
            factories.make_goal_check_in(goal, zelda.user)
            check_in = factories.make_check_in(cast.mia.user, zelda)
            check_in.action_items.create(description=f"a{i}")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(export_url(zelda)).status_code == 200
        return len(queries)

    grow(1)
    count()  # warm: the content types the admin's log reads are cached after
    small = count()
    grow(10)
    assert count() == small


def test_only_staff_reach_the_export(client, cast, zelda, her_world):
    for user in (cast.mia.user, zelda.user, cast.alice.user):
        client.force_login(user)
        response = client.get(export_url(zelda))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
        assert b"about-her" not in response.content
        assert b"about-her" not in client.get(export_url(zelda), follow=True).content


def test_the_export_action_takes_exactly_one_person(client, cast, zelda):
    client.force_login(cast.staff)
    changelist = reverse("admin:growth_engineer_changelist")
    one = client.post(
        changelist, {"action": "subject_access", "_selected_action": [zelda.pk]}
    )
    assert one.status_code == 302
    assert one["Location"] == export_url(zelda)
    two = client.post(
        changelist,
        {"action": "subject_access", "_selected_action": [zelda.pk, cast.bob.pk]},
        follow=True,
    )
    assert "Select exactly one person." in two.content.decode()


# --- erasure ----------------------------------------------------------------------


def test_the_confirmation_page_says_what_goes_and_what_stays(
    client, cast, zelda, her_world
):
    client.force_login(cast.staff)
    before = FeedbackNote.all_objects.count()
    page = client.get(erase_url(zelda)).content.decode()
    assert "4 feedback notes about them" in page
    assert "2 feedback notes they wrote about others" in page
    assert "Rory Report" in page  # who will have no manager
    assert FeedbackNote.all_objects.count() == before


def test_a_wrong_confirmation_erases_nothing(client, cast, zelda, her_world):
    client.force_login(cast.staff)
    response = client.post(erase_url(zelda), {"confirm": "someone@else.example"})
    assert response.status_code == 200
    assert f"Type {EMAIL} to confirm." in response.content.decode()
    assert User.objects.get(pk=zelda.user.pk).email == EMAIL
    assert FeedbackNote.all_objects.filter(engineer=zelda).count() == 4


def erase(client, cast, zelda):
    client.force_login(cast.staff)
    response = client.post(erase_url(zelda), {"confirm": EMAIL.upper()})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:growth_engineer_changelist")


def test_erasure_removes_everything_about_the_person(client, cast, zelda, her_world):
    erase(client, cast, zelda)
    assert not Engineer.objects.filter(pk=zelda.pk).exists()
    assert not FeedbackNote.all_objects.filter(situation__startswith="about-her")
    assert not FeedbackNote.history.filter(situation__startswith="about-her")
    assert not FeedbackComment.history.filter(body="about-her-comment")
    assert not Goal.history.filter(title="about-her-goal")
    assert not Mentorship.history.filter(mentee=cast.alice, mentor_id=zelda.pk)
    assert not CheckIn.objects.filter(notes="about-her-1on1")
    assert not FeedbackRequest.objects.filter(message="about-her-ask")
    assert not LearningActivity.objects.filter(title="about-her-course")
    assert not Notification.objects.filter(
        recipient=her_world["her notification"].recipient
    )
    assert not AccessLog.objects.filter(username=EMAIL)
    assert not AccessAttempt.objects.filter(username=EMAIL)


def test_what_she_wrote_stays_by_a_former_employee(client, cast, zelda, her_world):
    erase(client, cast, zelda)
    note = FeedbackNote.objects.get(situation="by-her-about-alice")
    assert note.author is None
    held = CheckIn.objects.get(notes="held-by-her")
    assert held.author is None and held.engineer == her_world["rory"]
    mentoring = CheckIn.objects.get(notes="alice-mentoring-notes")
    assert mentoring.engineer == cast.alice and mentoring.author is None
    assert mentoring.mentorship.mentor is None
    assert mentoring.mentorship.ended_on == timezone.localdate()
    session = LearningActivity.objects.get(title="Tracing for everyone")
    assert session.led_by is None
    assert list(session.attendees.all()) == [cast.alice]
    assert Engineer.objects.get(pk=her_world["rory"].pk).manager is None
    # Her change to it is kept, by nobody.
    assert (
        FeedbackNote.history.filter(suggestion="changed-by-her").get().history_user
        is None
    )

    client.force_login(cast.alice.user)
    page = client.get(reverse("feedback-detail", args=[note.pk])).content.decode()
    assert "feedback from a former employee" in page


def test_the_account_stays_closed_and_nameless(client, cast, zelda, her_world):
    erase(client, cast, zelda)
    user = User.objects.get(pk=zelda.user.pk)
    assert user.display_name == privacy.FORMER_EMPLOYEE
    assert user.email.endswith("@erased.invalid")
    assert not user.is_active
    assert not user.has_usable_password()
    client.logout()
    assert not client.login(username=EMAIL, password="pw")


def test_others_notifications_no_longer_name_her(client, cast, zelda, her_world):
    erase(client, cast, zelda)
    alice = Notification.objects.get(pk=her_world["alice's notification"].pk)
    bob = Notification.objects.get(pk=her_world["bob's notification"].pk)
    assert alice.message == "A former employee left you technical feedback."
    assert bob.message == "Your check-in with a former employee is due."
    other = Notification.objects.get(pk=her_world["someone else's name"].pk)
    assert other.message == f"{NAME}son left you feedback."
    # The email about the note she wrote, still in the outbox, names nobody.
    email = Reminder.objects.get(recipient=cast.alice.user)
    assert NAME not in email.subject
    assert NAME not in json.dumps(email.payload)
    assert email.payload["author_name"] == "A former employee"


def test_the_admin_log_of_what_was_hers_goes(client, cast, zelda, her_world):
    mine = LogEntry.objects.filter(object_id=str(her_world["her notification"].pk))
    assert mine.exists()
    erase(client, cast, zelda)
    assert not mine.exists()


def test_after_erasure_no_row_of_the_database_names_her(client, cast, zelda, her_world):
    """The whole database, every table, as a backup would hold it."""
    erase(client, cast, zelda)
    dump = io.StringIO()
    call_command("dumpdata", all=True, stdout=dump)
    # Someone else, whose name begins with hers, keeps it.
    text = dump.getvalue().replace(f"{NAME}son", "someone else")
    assert text.count('"model"') > 50  # the dump is the real database
    for trace in (NAME, "Zelda", "Quillfeather", EMAIL, "about-her"):
        assert trace.lower() not in text.lower(), trace


def test_staff_cannot_erase_themselves(cast):
    me = factories.make_engineer(
        "Stella Staff", team=cast.platform, is_staff=True, is_active=False
    )
    with pytest.raises(privacy.ValidationError, match="your own account"):
        privacy.erase_person(user=me.user, by=me.user)
    assert User.objects.get(pk=me.user.pk).display_name == "Stella Staff"


def test_someone_who_has_not_left_is_not_erased(client, cast, zelda):
    client.force_login(cast.staff)
    page = client.get(erase_url(zelda)).content.decode()
    assert "has not left" in page
    assert 'name="confirm"' not in page
    client.post(erase_url(zelda), {"confirm": EMAIL})
    assert User.objects.get(pk=zelda.user.pk).email == EMAIL


def limited_staff(*codenames):
    """A staff member who holds only the growth permissions named."""
    user = factories.make_user("Lim Ited", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="growth", codename__in=codenames
        )
    )
    return user


def test_erasing_takes_its_own_permission_not_the_delete_one(
    client, cast, zelda, her_world
):
    client.force_login(limited_staff("view_engineer", "delete_engineer"))
    assert client.get(erase_url(zelda)).status_code == 403
    assert client.post(erase_url(zelda), {"confirm": EMAIL}).status_code == 403
    assert client.get(export_url(zelda)).status_code == 403
    assert User.objects.get(pk=zelda.user.pk).email == EMAIL

    client.force_login(limited_staff("view_engineer", "erase_person"))
    erase_page = client.get(erase_url(zelda))
    assert erase_page.status_code == 200
    assert client.get(export_url(zelda)).status_code == 403


def test_erasing_or_exporting_someone_takes_seeing_them_too(
    client, cast, zelda, her_world
):
    client.force_login(limited_staff("erase_person", "export_personal_data"))
    assert client.get(erase_url(zelda)).status_code == 403
    assert client.post(erase_url(zelda), {"confirm": EMAIL}).status_code == 403
    assert client.get(export_url(zelda)).status_code == 403
    assert User.objects.get(pk=zelda.user.pk).email == EMAIL


def test_the_export_takes_its_own_permission(client, cast, zelda, her_world):
    client.force_login(limited_staff("view_engineer", "export_personal_data"))
    response = client.get(export_url(zelda))
    assert response.status_code == 200
    assert b"about-her-self" in response.content


def test_only_a_superuser_erases_a_superuser(client, cast):
    boss = factories.make_engineer(
        "Bo Ss", team=cast.platform, is_active=False, email="bo.ss@example.com"
    )
    User.objects.filter(pk=boss.user.pk).update(is_superuser=True)
    client.force_login(limited_staff("view_engineer", "erase_person"))
    page = client.post(erase_url(boss), {"confirm": "bo.ss@example.com"})
    assert "Only a superuser can erase a superuser." in page.content.decode()
    assert User.objects.get(pk=boss.user.pk).is_superuser


def test_only_staff_reach_the_erasure(client, cast, zelda, her_world):
    for user in (cast.mia.user, cast.alice.user):
        client.force_login(user)
        response = client.post(erase_url(zelda), {"confirm": EMAIL})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    assert User.objects.get(pk=zelda.user.pk).email == EMAIL


def test_deleting_a_person_in_the_admin_takes_their_history_too(
    client, cast, zelda, her_world
):
    """Not erased but deleted outright: the history still forgets them, and a
    backup by natural keys can still be written."""
    client.force_login(cast.staff)
    response = client.post(
        reverse("admin:accounts_user_delete", args=[zelda.user.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not User.objects.filter(email=EMAIL).exists()
    assert not FeedbackNote.history.filter(engineer_id=zelda.pk)
    assert not FeedbackNote.history.filter(author_id=zelda.user.pk)
    assert not FeedbackNote.history.filter(history_user_id=zelda.user.pk)
    dump = io.StringIO()
    call_command(
        "dumpdata", "growth", all=True, use_natural_foreign_keys=True, stdout=dump
    )
    for note in ("shared", "manager-only", "self", "deleted"):
        assert f"about-her-{note}" not in dump.getvalue()
    # Alice's mentoring with her is alice's: it stays, ended, with no mentor.
    mentoring = CheckIn.objects.get(notes="alice-mentoring-notes")
    assert mentoring.mentorship.mentor is None
    assert mentoring.mentorship.ended_on is not None


# --- what erasure must leave to others (second review) ----------------------------


def test_the_mentees_mentorship_still_saves_in_the_admin(
    client, cast, zelda, her_world
):
    erase(client, cast, zelda)
    mentorship = Mentorship.objects.get(mentee=cast.alice, mentor__isnull=True)
    mentorship.full_clean()
    response = client.post(
        reverse("admin:growth_mentorship_change", args=[mentorship.pk]),
        {
            "mentor": "",
            "mentee": cast.alice.pk,
            "started_on": mentorship.started_on.isoformat(),
            "ended_on": mentorship.ended_on.isoformat(),
            "focus": "Kept for alice",
            "cadence_days": mentorship.cadence_days,
            "check_ins-TOTAL_FORMS": 0,
            "check_ins-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Mentorship.objects.get(pk=mentorship.pk).focus == "Kept for alice"


def test_a_mentorship_she_had_not_begun_ends_on_its_first_day(
    client, cast, zelda, her_world
):
    start = timezone.localdate() + datetime.timedelta(days=10)
    later = factories.make_mentorship(zelda, cast.bob, started_on=start)
    erase(client, cast, zelda)
    later = Mentorship.objects.get(pk=later.pk)
    assert later.mentor is None and later.ended_on == start
    later.full_clean()


def test_a_course_someone_else_led_stays_though_only_she_attended(
    client, cast, zelda, her_world
):
    course = factories.make_learning(
        cast.bob.user, attendees=[zelda], title="Bob's workshop", led_by=cast.bob
    )
    erase(client, cast, zelda)
    course = LearningActivity.objects.get(pk=course.pk)
    assert course.led_by == cast.bob
    assert list(course.attendees.all()) == []


def test_a_longer_name_or_a_double_barrelled_one_is_someone_else(
    client, cast, zelda, her_world
):
    kept = [
        Notification.objects.create(
            recipient=cast.bob.user, kind="feedback_received", message=message
        )
        for message in (
            f"{NAME}-Jones left you feedback.",
            f"Ann-{NAME} left you feedback.",
        )
    ]
    email = Notification.objects.create(
        recipient=cast.bob.user,
        kind="feedback_received",
        message=f"Write to {EMAIL} about it.",
    )
    erase(client, cast, zelda)
    for notification in kept:
        assert (
            Notification.objects.get(pk=notification.pk).message == notification.message
        )
    assert (
        Notification.objects.get(pk=email.pk).message
        == "Write to a former employee about it."
    )


def test_erasure_forgets_her_slack_id_and_unnames_the_channel_posts(
    client, cast, zelda, left
):
    SlackIdentity.objects.create(user=zelda.user, email=EMAIL, slack_user_id="UZQ")
    LogEntry.objects.log_actions(
        user_id=cast.staff.pk,
        queryset=SlackIdentity.objects.filter(user=zelda.user),
        action_flag=CHANGE,
        change_message="Looked up again",
    )
    cast.platform.teams_webhook_url = "https://teams.example.com/workflows/1"
    cast.platform.save(update_fields=["teams_webhook_url"])
    now = timezone.now()
    for author, engineer in ((cast.mia.user, zelda), (zelda.user, cast.alice)):
        note = factories.make_note(
            author, engineer, sentiment=Sentiment.PRAISE, public=True
        )
        praise_posts_record(note=note, now=now)
    session_posts_record(
        session=LearningSession.objects.create(
            leader=zelda, title="Tracing for everyone", starts_at=now
        ),
        now=now,
    )
    assert ChannelPost.objects.count() == 3
    erase(client, cast, zelda)
    assert not SlackIdentity.objects.filter(user=zelda.user).exists()
    assert not LogEntry.objects.filter(change_message="Looked up again").exists()
    payloads = [post.payload for post in ChannelPost.objects.order_by("pk")]
    assert NAME not in json.dumps(payloads)
    about_her, by_her, her_session = payloads
    assert about_her["engineer_name"] == "A former employee"
    assert about_her["author_name"] == "Mia Manager"
    assert by_her["author_name"] == "A former employee"
    assert by_her["engineer_name"] == "Alice Engineer"
    assert her_session["leader_name"] == "A former employee"
    assert her_session["title"] == "Tracing for everyone"
