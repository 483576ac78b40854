"""The framework pages: the public ladder, an engineer's page per role, the
evidence beside each expectation, writing and sharing assessments and
readiness, and what each costs."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from growth.models import (
    Assessment,
    AssessmentRating,
    AssessmentRole,
    CheckInKind,
    Engineer,
    EventKind,
    FeedbackNote,
    LearningKind,
    Notification,
    Readiness,
    Reminder,
    Track,
    Visibility,
)
from growth.services.framework import assessment_discard
from tests import factories
from tests.framework_support import make_assessment, make_framework

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework(cast):
    return make_framework()


def _login(client, cast, name):
    client.force_login(cast.staff if name == "staff" else getattr(cast, name).user)


def _text(response) -> str:
    """The page with its whitespace collapsed, as a reader meets it."""
    return " ".join(response.content.decode().split())


def _share_with_mentors(cast, shares=True):
    type(cast.alice).objects.filter(pk=cast.alice.pk).update(
        shares_assessments_with_mentors=shares
    )


# --- the public framework ------------------------------------------------------


def test_everyone_signed_in_reads_the_tracks_and_their_levels(client, cast, framework):
    _login(client, cast, "carol")
    page = client.get(reverse("framework")).content.decode()
    for name in ("Engineering", "Management", "Senior engineer", "Team lead"):
        assert name in page
    assert reverse("framework-track", args=["engineering"]) + "?level=mid" in page


def test_the_navigation_leads_to_the_framework(client, cast):
    _login(client, cast, "bob")
    page = client.get(reverse("goal-list")).content.decode()
    assert f'href="{reverse("framework")}"' in page


def test_a_track_shows_each_expectation_and_highlights_the_chosen_level(
    client, cast, framework
):
    _login(client, cast, "bob")
    url = reverse("framework-track", args=["engineering"])
    page = _text(client.get(url, {"level": "senior"}))
    competency = framework[0]
    assert f"Writes {competency.name} work others build on, at Senior engineer." in page
    assert "Another example" in page
    assert 'aria-current="true" href="?level=senior"' in page
    assert 'class="table-primary">Senior engineer</th>' in page


def test_an_unknown_level_selects_the_first(client, cast, framework):
    _login(client, cast, "bob")
    url = reverse("framework-track", args=["engineering"])
    page = _text(client.get(url, {"level": "nope"}))
    assert 'aria-current="true" href="?level=junior"' in page


def test_an_unknown_track_is_a_404(client, cast):
    _login(client, cast, "bob")
    assert client.get(reverse("framework-track", args=["nope"])).status_code == 404


def test_a_retired_track_is_kept_for_the_people_on_it_and_not_listed(client, cast):
    Track.objects.filter(key="management").update(is_active=False)
    manager_level = factories.level("team-lead", "management")
    Engineer.objects.filter(pk=cast.mia.pk).update(level=manager_level)
    _login(client, cast, "mia")
    own = client.get(reverse("my-framework")).content.decode()
    link = reverse("framework-track", args=["management"]) + "?level=team-lead"
    assert f'href="{link}"' in own
    page = _text(client.get(link))
    assert "This track is retired" in page
    _login(client, cast, "bob")
    index = client.get(reverse("framework")).content.decode()
    assert reverse("framework-track", args=["management"]) not in index


# --- the engineer's page, per role ------------------------------------------------


@pytest.mark.parametrize(
    ("person", "private", "shared"),
    [
        ("alice", 200, 200),
        ("mia", 200, 200),
        ("max", 404, 200),
        ("olivia", 404, 404),
        ("skip", 404, 404),
        ("bob", 404, 404),
        ("cora", 404, 404),
        ("carol", 404, 404),
        ("staff", 404, 404),
    ],
)
def test_who_opens_alices_framework_page(
    client, cast, framework, person, private, shared
):
    _login(client, cast, person)
    url = reverse("engineer-framework", args=[cast.alice.pk])
    assert client.get(url).status_code == private
    _share_with_mentors(cast)
    assert client.get(url).status_code == shared


def test_a_missing_engineer_looks_like_a_hidden_one(client, cast):
    _login(client, cast, "bob")
    hidden = client.get(reverse("engineer-framework", args=[cast.alice.pk]))
    missing = client.get(reverse("engineer-framework", args=[999_999]))
    assert hidden.status_code == missing.status_code == 404


def test_my_framework_is_the_engineers_own_page(client, cast, framework):
    _login(client, cast, "alice")
    page = client.get(reverse("my-framework")).content.decode()
    assert "My framework" in page
    assert "At Engineer" in page and "At Senior engineer" in page
    assert "Start a self-assessment" in page


def test_staff_without_a_profile_get_a_word_not_an_error(client, cast):
    _login(client, cast, "staff")
    assert client.get(reverse("my-framework")).status_code == 200


def test_the_dashboard_links_to_the_framework_page(client, cast, framework):
    _login(client, cast, "alice")
    page = client.get(reverse("my-growth")).content.decode()
    assert f'href="{reverse("my-framework")}"' in page
    _login(client, cast, "mia")
    page = client.get(reverse("engineer-dashboard", args=[cast.alice.pk]))
    assert reverse("engineer-framework", args=[cast.alice.pk]) in page.content.decode()
    _login(client, cast, "max")
    page = client.get(reverse("engineer-dashboard", args=[cast.alice.pk]))
    assert (
        reverse("engineer-framework", args=[cast.alice.pk]) not in page.content.decode()
    )


# --- evidence ------------------------------------------------------------------------


def _competency(framework, key):
    return next(c for c in framework if c.key == key)


def test_evidence_counts_what_the_viewer_may_read(client, cast, framework):
    competency = framework[0]
    shared = factories.make_note(cast.mia.user, cast.alice, competency=competency)
    hidden = factories.make_note(
        cast.mia.user,
        cast.alice,
        competency=competency,
        visibility=Visibility.MANAGER,
        sentiment="praise",
    )
    factories.make_note(
        cast.mia.user, cast.alice, competency=competency, visibility=Visibility.SELF
    )
    old = factories.make_note(cast.mia.user, cast.alice, competency=competency)
    FeedbackNote.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )
    _login(client, cast, "alice")
    page = _text(client.get(reverse("my-framework")))
    assert "1 note: 0 praise, 1 constructive" in page
    assert reverse("feedback-detail", args=[shared.pk]) in page
    assert reverse("feedback-detail", args=[hidden.pk]) not in page
    _login(client, cast, "mia")
    page = _text(client.get(reverse("engineer-framework", args=[cast.alice.pk])))
    assert "2 notes: 1 praise, 1 constructive" in page
    assert reverse("feedback-detail", args=[hidden.pk]) in page


def test_goals_learning_and_mentoring_count_as_evidence(client, cast, framework):
    competency = framework[0]
    mentoring = _competency(framework, "mentoring")
    goal = factories.make_goal(cast.alice, title="Own the queue", competency=competency)
    led = factories.make_learning(
        cast.alice.user,
        kind=LearningKind.LEARNING_SESSION,
        title="Queues in practice",
        led_by=cast.alice,
        competency=competency,
        date=timezone.localdate(),
    )
    factories.make_learning(
        cast.alice.user,
        title="Untagged course",
        attendees=[cast.alice],
        date=timezone.localdate(),
    )
    # Alice mentors bob: two mentoring check-ins held this year.
    mentorship = factories.make_mentorship(cast.alice, cast.bob)
    for _ in range(2):
        factories.make_check_in(
            cast.alice.user, cast.bob, mentorship=mentorship, kind=CheckInKind.MENTORING
        )
    _login(client, cast, "alice")
    page = _text(client.get(reverse("my-framework")))
    assert reverse("goal-detail", args=[goal.pk]) in page
    assert f'Led <a href="{reverse("learning-detail", args=[led.pk])}"' in page
    assert "Untagged course" not in page
    assert "2 mentoring check-ins held as a mentor" in page
    assert mentoring.counts_mentoring


# --- assessments ----------------------------------------------------------------------


def _start(client, engineer_pk, key=None):
    return client.post(
        reverse("assessment-start", args=[engineer_pk]),
        {"submission_key": str(key or uuid.uuid4())},
    )


def _rows(framework, rating="meets", **extra):
    data = {}
    for competency in framework:
        data[f"rating-{competency.pk}"] = rating
        data[f"comment-{competency.pk}"] = f"Because of {competency.name}"
    data.update(extra)
    return data


def test_starting_twice_gives_one_draft(client, cast, framework):
    _login(client, cast, "alice")
    key = uuid.uuid4()
    first = _start(client, cast.alice.pk, key)
    second = _start(client, cast.alice.pk, key)
    third = _start(client, cast.alice.pk)
    assert first["Location"] == second["Location"] == third["Location"]
    assert Assessment.objects.filter(engineer=cast.alice).count() == 1
    draft = Assessment.objects.get()
    assert (draft.role, draft.author, draft.level) == (
        AssessmentRole.SELF,
        cast.alice.user,
        cast.alice.level,
    )


def test_the_engineer_writes_and_shares_and_the_manager_is_told(
    client, cast, framework
):
    _login(client, cast, "alice")
    note = factories.make_note(cast.mia.user, cast.alice, competency=framework[0])
    _start(client, cast.alice.pk)
    draft = Assessment.objects.get()
    edit = reverse("assessment-edit", args=[draft.pk])
    response = client.post(
        edit,
        _rows(framework, **{f"notes-{framework[0].pk}": [note.pk], "then": "share"}),
    )
    assert response["Location"] == reverse("assessment-share", args=[draft.pk])
    assert AssessmentRating.objects.filter(assessment=draft).count() == len(framework)
    rating = AssessmentRating.objects.get(assessment=draft, competency=framework[0])
    assert list(rating.evidence_notes.all()) == [note]
    # Mia reads nothing of a draft.
    _login(client, cast, "mia")
    page = client.get(reverse("engineer-framework", args=[cast.alice.pk]))
    assert b"Because of" not in page.content
    _login(client, cast, "alice")
    assert client.get(reverse("assessment-share", args=[draft.pk])).status_code == 200
    response = client.post(reverse("assessment-share", args=[draft.pk]), follow=True)
    assert b"Self-assessment shared with Mia Manager" in response.content
    # A double click, the Back button or another tab: back to the page.
    again = client.post(reverse("assessment-share", args=[draft.pk]), follow=True)
    assert again.redirect_chain == [(reverse("my-framework"), 302)]
    assert b"You have shared this assessment: it is read-only now." in again.content
    notice = Notification.objects.get(kind=EventKind.ASSESSMENT_SHARED)
    assert notice.recipient == cast.mia.user
    assert "Because" not in notice.message
    # Shared: read-only, and mia reads it.
    assert client.get(edit)["Location"] == reverse("my-framework")
    _login(client, cast, "mia")
    for url in (edit, reverse("assessment-share", args=[draft.pk])):
        assert client.get(url).status_code == 404  # not hers to write
        assert client.post(url).status_code == 404
    page = client.get(notice.url).content.decode()
    assert f"Because of {framework[0].name}" in page
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_evidence_the_author_may_not_read_is_refused_and_nothing_is_saved(
    client, cast, framework
):
    competency = framework[0]
    hidden = factories.make_note(
        cast.mia.user, cast.alice, competency=competency, visibility=Visibility.MANAGER
    )
    _login(client, cast, "alice")
    _start(client, cast.alice.pk)
    draft = Assessment.objects.get()
    edit = reverse("assessment-edit", args=[draft.pk])
    # With nothing of hers to cite there is no such box: the id is ignored.
    client.post(edit, _rows(framework, **{f"notes-{competency.pk}": [hidden.pk]}))
    rating = AssessmentRating.objects.get(competency=competency)
    assert not rating.evidence_notes.exists()
    # With a note of hers beside it, the hidden one is refused, and nothing
    # of the form is saved.
    factories.make_note(cast.mia.user, cast.alice, competency=competency)
    data = _rows(framework, "exceeds", **{f"notes-{competency.pk}": [hidden.pk]})
    response = client.post(edit, data)
    assert response.status_code == 200
    assert b"is-invalid" in response.content or b"invalid-feedback" in response.content
    assert not AssessmentRating.objects.filter(rating="exceeds").exists()
    assert not rating.evidence_notes.exists()


def test_a_sentence_without_a_rating_is_a_field_error(client, cast, framework):
    _login(client, cast, "alice")
    _start(client, cast.alice.pk)
    draft = Assessment.objects.get()
    data = _rows(framework)
    data.pop(f"rating-{framework[1].pk}")
    response = client.post(reverse("assessment-edit", args=[draft.pk]), data)
    assert response.status_code == 200
    assert b"Pick below, meets or exceeds." in response.content
    assert not AssessmentRating.objects.exists()


def test_sharing_needs_every_competency_rated(client, cast, framework):
    _login(client, cast, "alice")
    _start(client, cast.alice.pk)
    draft = Assessment.objects.get()
    data = {f"rating-{framework[0].pk}": "exceeds"}
    client.post(reverse("assessment-edit", args=[draft.pk]), data)
    step = " ".join(
        client.get(reverse("assessment-share", args=[draft.pk]))
        .content.decode()
        .split()
    )
    unrated = re.search(r"Still to rate: (.*?) </div>", step)[1].split(", ")
    assert escape(framework[1].name) in unrated
    assert escape(framework[0].name) not in unrated
    assert not any(name != name.strip() or not name for name in unrated)
    response = client.post(reverse("assessment-share", args=[draft.pk]), follow=True)
    assert b"Rate every competency before sharing" in response.content
    draft.refresh_from_db()
    assert draft.shared_at is None


def test_the_manager_assesses_and_alice_sees_both_side_by_side(client, cast, framework):
    for name, rating in (("alice", "meets"), ("mia", "exceeds")):
        _login(client, cast, name)
        _start(client, cast.alice.pk)
        draft = Assessment.objects.get(shared_at__isnull=True)
        client.post(
            reverse("assessment-edit", args=[draft.pk]), _rows(framework, rating)
        )
        client.post(reverse("assessment-share", args=[draft.pk]))
    notice = Notification.objects.get(
        kind=EventKind.ASSESSMENT_SHARED, recipient=cast.alice.user
    )
    assert notice.url == reverse("my-framework")
    _login(client, cast, "alice")
    page = client.get(reverse("my-framework")).content.decode()
    assert "Meets the expectation" in page and "Exceeds the expectation" in page
    # A new one may be begun after sharing.
    _start(client, cast.alice.pk)
    assert Assessment.objects.filter(shared_at__isnull=True).count() == 1


def test_a_manager_only_note_cited_as_evidence_stays_unnamed_for_the_engineer(
    client, cast, framework
):
    competency = framework[0]
    hidden = factories.make_note(
        cast.mia.user, cast.alice, competency=competency, visibility=Visibility.MANAGER
    )
    shared = factories.make_note(cast.mia.user, cast.alice, competency=competency)
    _login(client, cast, "mia")
    _start(client, cast.alice.pk)
    draft = Assessment.objects.get()
    evidence = {f"notes-{competency.pk}": [hidden.pk, shared.pk]}
    client.post(
        reverse("assessment-edit", args=[draft.pk]), _rows(framework, **evidence)
    )
    client.post(reverse("assessment-share", args=[draft.pk]))
    page = client.get(reverse("engineer-framework", args=[cast.alice.pk])).content
    assert reverse("feedback-detail", args=[hidden.pk]).encode() in page
    _login(client, cast, "alice")
    page = client.get(reverse("my-framework")).content
    assert reverse("feedback-detail", args=[shared.pk]).encode() in page
    assert reverse("feedback-detail", args=[hidden.pk]).encode() not in page


def test_a_shared_assessment_keeps_evidence_older_than_the_window_or_moved(
    client, cast, framework, django_assert_num_queries
):
    competency = framework[0]
    old = factories.make_note(cast.mia.user, cast.alice, competency=competency)
    hidden = factories.make_note(
        cast.mia.user, cast.alice, competency=competency, visibility=Visibility.MANAGER
    )
    moved = factories.make_note(cast.mia.user, cast.alice, competency=competency)
    assessment = make_assessment(
        cast.alice, shared_at=timezone.now(), ratings={competency: "meets"}
    )
    assessment.ratings.get().evidence_notes.set([old, hidden, moved])
    # A year and more on, and one note is on no competency any more.
    FeedbackNote.objects.filter(pk__in=[old.pk, hidden.pk]).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )
    FeedbackNote.objects.filter(pk=moved.pk).update(competency=None)
    _login(client, cast, "alice")
    page = _text(client.get(reverse("my-framework")))
    assert reverse("feedback-detail", args=[old.pk]) in page
    assert reverse("feedback-detail", args=[moved.pk]) in page
    assert reverse("feedback-detail", args=[hidden.pk]) not in page
    assert "None in the last 12 months." in page  # the window still counts
    _login(client, cast, "mia")
    url = reverse("engineer-framework", args=[cast.alice.pk])
    client.get(url)
    # The cited notes outside the window come with the year's: no read more.
    with django_assert_num_queries(PAGE_QUERIES):
        page = _text(client.get(url))
    for note in (old, hidden, moved):
        assert reverse("feedback-detail", args=[note.pk]) in page


def test_a_peer_cannot_start_an_assessment(client, cast, framework):
    _login(client, cast, "bob")
    assert _start(client, cast.alice.pk).status_code == 404
    _share_with_mentors(cast)
    _login(client, cast, "max")
    assert _start(client, cast.alice.pk).status_code == 404
    assert not Assessment.objects.exists()


# --- a draft across a promotion, and discarding one --------------------------------


def _promote(engineer, key="senior"):
    type(engineer).objects.filter(pk=engineer.pk).update(level=factories.level(key))


def _discard_step(draft) -> str:
    return reverse("assessment-edit", args=[draft.pk]) + "?discard"


def _discard(client, draft, key=None):
    return client.post(
        reverse("assessment-edit", args=[draft.pk]),
        {"then": "discard", "submission_key": str(key or uuid.uuid4())},
    )


def test_a_draft_begun_before_a_promotion_says_so_and_is_not_thrown_away(
    client, cast, framework
):
    _login(client, cast, "alice")
    _start(client, cast.alice.pk)
    draft = Assessment.objects.get()
    _promote(cast.alice)
    page = _text(client.get(reverse("my-framework")))
    assert "Your draft is against Engineer; you are now Senior engineer." in page
    assert "Continue my self-assessment" in page
    # Starting again goes on with it: her work goes only when she discards it.
    response = _start(client, cast.alice.pk)
    assert response["Location"] == reverse("assessment-edit", args=[draft.pk])
    page = _text(client.get(response["Location"]))
    assert "This draft is against Engineer; you are now Senior engineer." in page
    assert _discard_step(draft) in page


def test_the_managers_draft_says_the_report_was_promoted(client, cast, framework):
    _login(client, cast, "mia")
    _start(client, cast.alice.pk)
    draft = Assessment.objects.get()
    edit = reverse("assessment-edit", args=[draft.pk])
    assert "This draft is against" not in _text(client.get(edit))
    _promote(cast.alice)
    page = _text(client.get(edit))
    assert "This draft is against Engineer; Alice Engineer is now Senior engineer." in (
        page
    )


def test_the_author_discards_a_draft_once_asked_and_starts_against_the_new_level(
    client, cast, framework
):
    _login(client, cast, "alice")
    _start(client, cast.alice.pk)
    draft = Assessment.objects.get()
    client.post(reverse("assessment-edit", args=[draft.pk]), _rows(framework))
    _promote(cast.alice)
    edit = _text(client.get(reverse("assessment-edit", args=[draft.pk])))
    assert f'href="{_discard_step(draft)}"' in edit
    confirm = _text(client.get(_discard_step(draft)))
    assert "Discard your draft self-assessment?" in confirm
    assert f"its {len(framework)} ratings" in confirm
    assert "You are now Senior engineer" in confirm
    assert Assessment.objects.exists()  # asking discards nothing
    key = uuid.uuid4()
    response = client.post(
        reverse("assessment-edit", args=[draft.pk]),
        {"then": "discard", "submission_key": str(key)},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("my-framework")
    assert "Draft discarded. Start a new one against Senior engineer" in _text(response)
    assert not Assessment.objects.exists()
    assert not AssessmentRating.objects.exists()
    _start(client, cast.alice.pk)
    fresh = Assessment.objects.get()
    assert fresh.level == factories.level("senior")
    # The same form sent again (a double click) discards nothing more.
    again = _discard(client, draft, key)
    assert again.status_code == 302
    assert again["Location"] == reverse("my-framework")
    assert list(Assessment.objects.all()) == [fresh]
    # A new submission of a draft that is gone finds nothing.
    assert _discard(client, draft).status_code == 404


def test_only_the_author_discards_a_draft_and_never_a_shared_one(
    client, cast, framework
):
    _share_with_mentors(cast)
    _login(client, cast, "alice")
    _start(client, cast.alice.pk)
    _login(client, cast, "mia")
    _start(client, cast.alice.pk)
    own = Assessment.objects.get(role=AssessmentRole.SELF)
    managers = Assessment.objects.get(role=AssessmentRole.MANAGER)
    for name, draft in (
        ("mia", own),
        ("alice", managers),
        ("max", own),
        ("skip", managers),
        ("bob", own),
        ("staff", own),
    ):
        _login(client, cast, name)
        assert client.get(_discard_step(draft)).status_code == 404
        assert _discard(client, draft).status_code == 404
    Assessment.objects.filter(pk=own.pk).update(shared_at=timezone.now())
    _login(client, cast, "alice")
    assert _discard(client, own).status_code == 404
    assert Assessment.objects.count() == 2


def test_discarding_is_the_authors_alone_and_happens_once(cast):
    draft = make_assessment(cast.alice, role=AssessmentRole.SELF)
    with pytest.raises(ValidationError):
        assessment_discard(assessment=draft, by=cast.mia.user)
    assert assessment_discard(assessment=draft, by=cast.alice.user)
    assert not assessment_discard(assessment=draft, by=cast.alice.user)
    assert not Assessment.objects.exists()


# --- readiness ------------------------------------------------------------------------


def test_the_manager_writes_readiness_the_engineer_reads_it_once_shared(
    client, cast, framework
):
    _login(client, cast, "mia")
    url = reverse("readiness-edit", args=[cast.alice.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"status": "getting_there", "summary": "Leads reviews well"}
    )
    assert response.status_code == 302
    readiness = Readiness.objects.get()
    assert readiness.level == cast.alice.level.next_level()
    _login(client, cast, "alice")
    assert b"Leads reviews well" not in client.get(reverse("my-framework")).content
    assert client.get(url).status_code == 404
    assert (
        client.post(reverse("readiness-share", args=[cast.alice.pk])).status_code == 404
    )
    _login(client, cast, "mia")
    client.post(reverse("readiness-share", args=[cast.alice.pk]))
    client.post(reverse("readiness-share", args=[cast.alice.pk]))
    assert Notification.objects.filter(kind=EventKind.READINESS_SHARED).count() == 1
    _login(client, cast, "alice")
    page = client.get(reverse("my-framework")).content.decode()
    assert "Leads reviews well" in page and "Getting there" in page
    assert "· updated" not in page


def test_a_shared_readiness_changed_tells_the_engineer_and_says_when(
    client, cast, framework, django_capture_on_commit_callbacks
):
    _login(client, cast, "mia")
    url = reverse("readiness-edit", args=[cast.alice.pk])
    client.post(url, {"status": "getting_there", "summary": "Leads reviews well"})
    client.post(reverse("readiness-share", args=[cast.alice.pk]))
    Readiness.objects.update(shared_at=timezone.now() - datetime.timedelta(days=12))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"status": "ready", "summary": "Leads reviews well"})
        client.post(url, {"status": "ready", "summary": "Leads reviews well"})
    told = Notification.objects.filter(
        recipient=cast.alice.user, kind=EventKind.READINESS_SHARED
    ).order_by("pk")
    assert [n.message for n in told] == [
        "Mia Manager shared how ready you are for the next level.",
        "Mia Manager updated how ready you are for the next level.",
    ]  # the same words saved again tell nothing more
    emails = Reminder.objects.filter(
        recipient=cast.alice.user, kind=EventKind.READINESS_SHARED
    ).order_by("pk")
    assert [email.subject for email in emails] == [
        "Mia Manager shared how ready you are for the next level",
        "Mia Manager updated how ready you are for the next level",
    ]
    _login(client, cast, "alice")
    page = " ".join(client.get(reverse("my-framework")).content.decode().split())
    shared = (timezone.now() - datetime.timedelta(days=12)).strftime("%-d %b %Y")
    today = timezone.localdate().strftime("%-d %b %Y")
    assert f"Shared {shared} · updated {today}" in page
    assert "Ready" in page


def test_a_new_manager_starts_afresh_over_the_former_managers_draft(
    client, cast, framework
):
    _login(client, cast, "mia")
    url = reverse("readiness-edit", args=[cast.alice.pk])
    client.post(url, {"status": "not_yet", "summary": "Mia's first thoughts"})
    type(cast.alice).objects.filter(pk=cast.alice.pk).update(manager=cast.max)
    _login(client, cast, "max")
    for page in (url, reverse("engineer-framework", args=[cast.alice.pk])):
        assert "Mia's first thoughts" not in client.get(page).content.decode()
    response = client.post(reverse("readiness-share", args=[cast.alice.pk]))
    assert response["Location"] == url  # nothing of his to share yet
    client.post(url, {"status": "ready", "summary": "Ready, says max"})
    client.post(reverse("readiness-share", args=[cast.alice.pk]))
    readiness = Readiness.objects.get()
    assert (readiness.summary, readiness.author) == ("Ready, says max", cast.max.user)
    assert readiness.shared_at is not None


def test_readiness_needs_a_summary(client, cast, framework):
    _login(client, cast, "mia")
    response = client.post(
        reverse("readiness-edit", args=[cast.alice.pk]),
        {"status": "ready", "summary": " "},
    )
    assert response.status_code == 200
    assert not Readiness.objects.exists()


def test_the_missing_readiness_is_worded_for_whoever_reads_the_page(
    client, cast, framework
):
    _share_with_mentors(cast)
    _login(client, cast, "alice")
    page = _text(client.get(reverse("my-framework")))
    assert "Your manager has not shared one yet." in page
    _login(client, cast, "max")  # her mentor
    page = _text(client.get(reverse("engineer-framework", args=[cast.alice.pk])))
    assert "Alice Engineer’s manager has not shared one yet." in page
    assert "Your manager" not in page


def test_skip_level_cannot_write_readiness(client, cast, framework):
    _login(client, cast, "skip")
    url = reverse("readiness-edit", args=[cast.alice.pk])
    assert client.post(url, {"status": "ready", "summary": "x"}).status_code == 404
    assert not Readiness.objects.exists()


# --- sharing with mentors --------------------------------------------------------------


def test_the_engineer_lets_mentors_read_and_stops(client, cast, framework):
    _login(client, cast, "alice")
    client.post(reverse("framework-sharing"), {"shares": "on"})
    cast.alice.refresh_from_db()
    assert cast.alice.shares_assessments_with_mentors
    _login(client, cast, "max")
    url = reverse("engineer-framework", args=[cast.alice.pk])
    assert client.get(url).status_code == 200
    _login(client, cast, "alice")
    client.post(reverse("framework-sharing"), {})
    _login(client, cast, "max")
    assert client.get(url).status_code == 404


# --- cost ---------------------------------------------------------------------------


def _evidence(cast, framework, notes: int):
    for competency in framework:
        for _ in range(notes):
            factories.make_note(cast.mia.user, cast.alice, competency=competency)
        factories.make_goal(cast.alice, competency=competency)
    for name, rating in ((cast.alice.user, "meets"), (cast.mia.user, "exceeds")):
        role = (
            AssessmentRole.SELF if name == cast.alice.user else AssessmentRole.MANAGER
        )
        assessment = Assessment.objects.create(
            engineer=cast.alice,
            role=role,
            author=name,
            level=cast.alice.level,
            shared_at=timezone.now(),
        )
        for competency in framework:
            row = AssessmentRating.objects.create(
                assessment=assessment, competency=competency, rating=rating
            )
            row.evidence_notes.set(
                FeedbackNote.objects.filter(competency=competency)[:2]
            )


# Session, user, access; the engineer (with their next level, the mentoring
# they held and their readiness); the expectations; notes, goals, learning;
# assessments, ratings, the evidence they cite.
PAGE_QUERIES = 11


@pytest.mark.parametrize(("competencies", "notes"), [(3, 1), (10, 6)])
def test_the_page_costs_the_same_however_much_there_is(
    client, cast, django_assert_num_queries, competencies, notes
):
    framework = make_framework(competencies)
    assert any(c.counts_mentoring for c in framework) or competencies < 10
    _evidence(cast, framework, notes)
    _login(client, cast, "mia")
    url = reverse("engineer-framework", args=[cast.alice.pk])
    client.get(url)
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("competencies", [3, 10])
def test_the_track_page_costs_the_same(
    client, cast, django_assert_num_queries, competencies
):
    make_framework(competencies)
    _login(client, cast, "bob")
    url = reverse("framework-track", args=["engineering"])
    client.get(url)
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200
