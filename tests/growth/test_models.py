"""Data rules live in the database; the rest are clear validation messages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from growth.models import (
    Competency,
    FeedbackNote,
    Goal,
    Mentorship,
    Reminder,
    ReminderKind,
    ReminderRule,
    Visibility,
)
from tests import factories

pytestmark = pytest.mark.django_db


def assert_db_refuses(action):
    with pytest.raises(IntegrityError), transaction.atomic():
        action()


def messages(error: ValidationError, field: str) -> list[str]:
    return error.message_dict[field]


# --- seeded data -----------------------------------------------------------------


def test_default_competencies_are_seeded_of_both_kinds():
    names = set(Competency.objects.values_list("name", "kind"))
    assert ("Code quality", "technical") in names
    assert ("Production & MLOps", "technical") in names
    assert ("Giving & receiving feedback", "interpersonal") in names
    # 0002's ten, and the default framework's four (0022): training data, model
    # evaluation and technical leadership; knowledge sharing.
    assert Competency.objects.filter(kind="technical").count() == 8
    assert Competency.objects.filter(kind="interpersonal").count() == 6


def test_there_is_one_reminder_rule_per_kind_with_its_default():
    rules = dict(ReminderRule.objects.values_list("kind", "cadence_days"))
    assert set(rules) == set(ReminderKind.values)
    assert rules[ReminderKind.FEEDBACK_DUE] == 14
    assert rules[ReminderKind.INTERPERSONAL_GAP] == 60


# --- engineers -----------------------------------------------------------------


def test_an_engineer_cannot_be_their_own_manager_in_the_database(cast):
    def make_self_managed():
        cast.alice.manager = cast.alice
        cast.alice.save(update_fields=["manager"])

    assert_db_refuses(make_self_managed)


def test_an_engineer_cannot_be_their_own_manager_in_validation(cast):
    cast.alice.manager = cast.alice
    with pytest.raises(ValidationError) as error:
        cast.alice.full_clean()
    assert messages(error.value, "manager") == [
        "An engineer cannot be their own manager."
    ]


def test_a_manager_chain_may_not_loop(cast):
    # skip manages mia, who manages alice: alice may not manage skip.
    cast.skip.manager = cast.alice
    with pytest.raises(ValidationError) as error:
        cast.skip.full_clean()
    assert "would make a loop" in messages(error.value, "manager")[0]


def test_a_manager_chain_without_a_loop_is_fine(cast):
    cast.carol.manager = cast.alice
    cast.carol.full_clean()


# --- mentorships ---------------------------------------------------------------


def test_a_mentor_cannot_mentor_themselves(cast):
    assert_db_refuses(
        lambda: Mentorship.objects.create(mentor=cast.bob, mentee=cast.bob)
    )
    with pytest.raises(ValidationError) as error:
        Mentorship(mentor=cast.bob, mentee=cast.bob).full_clean()
    assert "A mentor cannot mentor themselves." in str(error.value)


def test_only_one_active_mentorship_per_pair(cast):
    assert_db_refuses(
        lambda: Mentorship.objects.create(mentor=cast.max, mentee=cast.alice)
    )
    with pytest.raises(ValidationError) as error:
        Mentorship(mentor=cast.max, mentee=cast.alice).full_clean()
    assert "These two already have an active mentorship." in str(error.value)


def test_a_pair_may_start_again_after_an_ended_mentorship(cast):
    again = Mentorship.objects.create(mentor=cast.olivia, mentee=cast.alice)
    assert again.is_active


def test_a_mentorship_cannot_end_before_it_starts(cast):
    def end_early():
        Mentorship.objects.create(
            mentor=cast.bob,
            mentee=cast.carol,
            started_on=datetime.date(2026, 5, 1),
            ended_on=datetime.date(2026, 4, 1),
        )

    assert_db_refuses(end_early)


def test_a_mentorship_cannot_end_in_the_future(cast):
    mentorship = cast.max_mentors_alice
    mentorship.ended_on = timezone.localdate() + datetime.timedelta(days=30)
    with pytest.raises(ValidationError) as error:
        mentorship.full_clean()
    assert "not in the future" in messages(error.value, "ended_on")[0]


def test_coaching_is_mentoring_a_mentor(cast):
    coaching = set(Mentorship.objects.active().coaching())
    assert coaching == {cast.cora_coaches_max}


# --- feedback ------------------------------------------------------------------


def test_a_competency_must_match_the_kind_of_feedback(cast):
    note = FeedbackNote(
        author=cast.bob.user,
        engineer=cast.alice,
        kind="technical",
        competency=factories.competency("interpersonal"),
        sentiment="praise",
        situation="s",
        behaviour="b",
        impact="i",
        suggestion="x",
    )
    with pytest.raises(ValidationError) as error:
        note.full_clean()
    assert "pick a technical one" in messages(error.value, "competency")[0]


def test_nobody_gives_themselves_shared_feedback(cast):
    note = factories.make_note(cast.bob.user, cast.alice)
    note.engineer = cast.bob
    with pytest.raises(ValidationError) as error:
        note.full_clean()
    assert "You cannot give yourself feedback" in messages(error.value, "engineer")[0]


def test_a_note_to_self_may_be_about_yourself(cast):
    note = factories.make_note(cast.bob.user, cast.bob, visibility=Visibility.SELF)
    note.full_clean()


def test_the_observation_may_not_be_only_whitespace(cast):
    note = factories.make_note(cast.bob.user, cast.alice)
    note.suggestion = "   "
    with pytest.raises(ValidationError) as error:
        note.full_clean()
    assert messages(error.value, "suggestion") == ["This field cannot be blank."]


def test_only_shared_notes_can_be_acknowledged(cast):
    note = factories.make_note(cast.mia.user, cast.alice, visibility=Visibility.MANAGER)

    def acknowledge():
        FeedbackNote.objects.filter(pk=note.pk).update(
            acknowledged_at=datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC)
        )

    assert_db_refuses(acknowledge)
    note.actionable = True
    with pytest.raises(ValidationError) as error:
        note.full_clean()
    assert "Only feedback shared with the engineer" in str(error.value)


def test_a_reply_records_when_it_was_made(cast):
    note = factories.make_note(cast.bob.user, cast.alice)
    assert_db_refuses(
        lambda: FeedbackNote.objects.filter(pk=note.pk).update(reply="Thanks")
    )


def test_nobody_asks_themselves_for_feedback(cast):
    assert_db_refuses(lambda: factories.make_request(cast.bob, cast.bob))


def test_a_closed_request_records_when(cast):
    assert_db_refuses(
        lambda: factories.make_request(cast.alice, cast.bob, status="fulfilled")
    )


# --- goals ---------------------------------------------------------------------


@pytest.mark.parametrize("progress", [101, 250])
def test_goal_progress_stays_within_0_and_100(cast, progress):
    assert_db_refuses(lambda: factories.make_goal(cast.alice, progress=progress))
    with pytest.raises(ValidationError) as error:
        Goal(
            engineer=cast.alice, title="t", kind="technical", progress=progress
        ).full_clean()
    assert "Progress must be between 0 and 100." in messages(error.value, "progress")


def test_a_goal_check_in_stays_within_0_and_100(cast):
    goal = factories.make_goal(cast.alice)
    assert_db_refuses(lambda: factories.make_goal_check_in(goal, cast.alice.user, 101))


def test_a_goal_title_may_not_be_blank(cast):
    with pytest.raises(ValidationError) as error:
        Goal(engineer=cast.alice, title="  ", kind="career").full_clean()
    assert "title" in error.value.message_dict


# --- check-ins and learning ----------------------------------------------------


def test_a_mentoring_check_in_belongs_to_a_mentorship(cast):
    assert_db_refuses(
        lambda: factories.make_check_in(cast.max.user, cast.alice, kind="mentoring")
    )


def test_a_mentoring_check_in_is_with_the_mentee(cast):
    check_in = factories.make_check_in(
        cast.max.user, cast.alice, mentorship=cast.max_mentors_alice
    )
    check_in.engineer = cast.bob
    with pytest.raises(ValidationError) as error:
        check_in.full_clean()
    assert "must be the mentorship's mentee" in messages(error.value, "engineer")[0]


@pytest.mark.parametrize("hours", [0, -1, 201])
def test_learning_hours_are_positive_and_bounded(cast, hours):
    assert_db_refuses(lambda: factories.make_learning(cast.alice.user, hours=hours))


# --- reminders -----------------------------------------------------------------


def test_a_reminder_is_recorded_once_per_recipient_kind_and_period(cast):
    fields = {
        "recipient": cast.mia.user,
        "kind": ReminderKind.FEEDBACK_DUE,
        "period_key": "2026-W48",
        "subject": "2 reports are waiting for feedback",
    }
    Reminder.objects.create(**fields)
    assert_db_refuses(lambda: Reminder.objects.create(**fields))
    Reminder.objects.create(**{**fields, "period_key": "2026-W49"})


def test_a_reminder_rule_send_hour_is_an_hour_of_the_day():
    rule = ReminderRule.objects.get(kind=ReminderKind.FEEDBACK_DUE)
    rule.send_hour = 24
    assert_db_refuses(lambda: rule.save(update_fields=["send_hour"]))
