"""A canary: private text written where alice and bob must never read it.

One unique string goes into everything private from both of them (mia's
manager-only note, note to self and deleted note about alice, others' goals, requests,
check-ins and learning); a second one into what is alice's but not bob's. Then
everything they can reach is fetched: every URL of the walker's table, the
links found in those pages (a bounded breadth-first crawl), the exports, the
htmx fragments, the error pages and every email the app sends.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections import deque
from decimal import Decimal
from urllib.parse import urljoin, urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.tokens import api_token_create
from growth.models import (
    ActionItem,
    Assessment,
    AssessmentRating,
    AssessmentRole,
    Engineer,
    FeedbackComment,
    FeedbackNote,
    FeedbackRequest,
    Goal,
    LearningActivity,
    LearningDayPlan,
    LearningSession,
    Notification,
    Readiness,
    Reminder,
    ReminderKind,
    ReminderRule,
    ReminderStatus,
    SessionFeedback,
    SessionSignup,
    SessionStatus,
    Visibility,
)
from growth.reminders import deliver, plan, record, sweep
from growth.rhythm import next_learning_day
from growth.selectors import framework as selectors
from growth.services.rhythm import learning_day_plan_save
from tests import factories
from tests.framework_support import make_assessment, make_framework
from tests.reminders_support import seed_defaults
from tests.walker import CASES, build_world

API_URL = re.compile(r"https?://testserver(/api/[^\s\"]*)")

pytestmark = pytest.mark.django_db

SECRET = "canary" + uuid.uuid4().hex  # private from alice and bob
ALICES = "alices" + uuid.uuid4().hex  # alice's own, private from bob
NOTE_FIELDS = ("situation", "behaviour", "impact", "suggestion")
MAX_PAGES = 300
SKIPPED_PREFIXES = ("/admin/", "/accounts/logout/", "/static/")
LINK = re.compile(r"""(?:href|hx-get|action)\s*=\s*["']([^"'#]+)""")
NOW = datetime.datetime(2026, 11, 30, 9, tzinfo=datetime.UTC)  # a Monday morning


def _note_text(secret: str) -> dict:
    return {name: f"{name}: {secret}" for name in NOTE_FIELDS}


def plant(cast) -> dict:
    """Write the canaries; return the private objects by name."""
    c = cast
    planted = {
        "manager-only note": factories.make_note(
            c.mia.user, c.alice, visibility=Visibility.MANAGER, **_note_text(SECRET)
        ),
        "note to self": factories.make_note(
            c.mia.user, c.alice, visibility=Visibility.SELF, **_note_text(SECRET)
        ),
        "mentor's manager-only note": factories.make_note(
            c.max.user, c.alice, visibility=Visibility.MANAGER, **_note_text(SECRET)
        ),
        "note about mia": factories.make_note(c.skip.user, c.mia, **_note_text(SECRET)),
        # Shared once, then deleted by mia: gone for alice too.
        "deleted shared note": factories.make_note(
            c.mia.user, c.alice, deleted_at=NOW, **_note_text(SECRET)
        ),
        "mia's goal": factories.make_goal(c.mia, description=SECRET),
        "mia asks skip": factories.make_request(c.mia, c.skip, message=SECRET),
        "skip meets mia": factories.make_check_in(c.skip.user, c.mia, notes=SECRET),
        "cora mentors max": factories.make_check_in(
            c.cora.user, c.max, mentorship=c.cora_coaches_max, notes=SECRET
        ),
        "mia's course": factories.make_learning(
            c.mia.user, attendees=[c.mia], description=SECRET
        ),
        "mia's notification": Notification.objects.create(
            recipient=c.mia.user, kind="feedback_received", message=SECRET[:200]
        ),
        # Alice's own: she reads these, bob does not.
        "alice's shared note": factories.make_note(
            c.mia.user, c.alice, **_note_text(ALICES)
        ),
        "alice's goal": factories.make_goal(c.alice, description=ALICES),
        "alice's 1:1": factories.make_check_in(c.mia.user, c.alice, notes=ALICES),
        "alice's course": factories.make_learning(
            c.alice.user, attendees=[c.alice], description=ALICES
        ),
        "alice asks max": factories.make_request(c.alice, c.max, message=ALICES),
        "max mentors alice": factories.make_check_in(
            c.max.user, c.alice, mentorship=c.max_mentors_alice, notes=ALICES
        ),
        "max's note to alice": factories.make_note(
            c.max.user, c.alice, kind="interpersonal", **_note_text(ALICES)
        ),
    }
    # Learning-day plans: the engineer's circle reads them, nobody above it.
    upcoming = next_learning_day(c.platform.cadence, timezone.localdate())
    for engineer, secret in ((c.mia, SECRET), (c.alice, ALICES)):
        planted[f"{engineer.name}'s learning day"] = LearningDayPlan.objects.create(
            engineer=engineer, day=upcoming, plan=secret
        )
        planted[f"{engineer.name}'s learning day done"] = learning_day_plan_save(
            engineer=engineer,
            day=upcoming - datetime.timedelta(days=14),
            plan=secret,
            done=secret,
            hours=Decimal(6),
            by=engineer.user,
            now=NOW,
        )
    # Conversations follow their notes: what mia and max say where alice may
    # not read, and what is said with alice.
    for name, author in (
        ("manager-only note", c.mia),
        ("mentor's manager-only note", c.max),
        ("note to self", c.mia),
        ("note about mia", c.skip),
        ("deleted shared note", c.mia),
    ):
        FeedbackComment.objects.create(
            note=planted[name], author=author.user, body=f"comment: {SECRET}"
        )
    for author in (c.mia, c.alice, c.max):
        FeedbackComment.objects.create(
            note=planted["alice's shared note"],
            author=author.user,
            body=f"comment: {ALICES}",
        )
    # Praise: on the wall for everyone, or only for the people it is about.
    one_line = dict.fromkeys(NOTE_FIELDS, "")
    planted["praise for mia"] = factories.make_note(
        c.skip.user, c.mia, sentiment="praise", message=SECRET, **one_line
    )
    planted["praise for carol"] = factories.make_note(
        c.bob.user, c.carol, sentiment="praise", message="Public thanks", **one_line
    )
    planted["alice's praise"] = factories.make_note(
        c.max.user, c.alice, sentiment="praise", message=ALICES, **one_line
    )
    factories.make_note(
        c.mia.user,
        c.bob,
        sentiment="praise",
        public=True,
        message="On the wall",
        **one_line,
    )
    mias_check_in = factories.make_goal_check_in(
        planted["mia's goal"], c.mia.user, note=SECRET
    )
    alices_check_in = factories.make_goal_check_in(
        planted["alice's goal"], c.alice.user, note=ALICES
    )
    # Links to the work read like the note they are on: an incident's address
    # may name it. Alice's own are in her pages; none reaches bob, nor alice
    # the others.
    for owner, secret in (
        (planted["manager-only note"], SECRET),
        (planted["note to self"], SECRET),
        (planted["mentor's manager-only note"], SECRET),
        (planted["note about mia"], SECRET),
        (planted["deleted shared note"], SECRET),
        (mias_check_in, SECRET),
        (planted["alice's shared note"], ALICES),
        (alices_check_in, ALICES),
    ):
        factories.make_link(owner, f"https://acme.pagerduty.com/incidents/{secret}")
    ActionItem.objects.create(check_in=planted["skip meets mia"], description=SECRET)
    # A session's feedback lines are its leader's and their author's: mia's
    # line to skip reaches neither alice nor bob; alice's line to mia not bob.
    for leader, attendee, line in ((c.skip, c.mia, SECRET), (c.mia, c.alice, ALICES)):
        session = LearningSession.objects.create(
            leader=leader,
            title="A session everyone may see",
            starts_at=NOW - datetime.timedelta(days=3),
            status=SessionStatus.HELD,
        )
        SessionSignup.objects.create(session=session, engineer=attendee, attended=True)
        SessionFeedback.objects.create(
            session=session, engineer=attendee, useful=True, line=line
        )
    ActionItem.objects.create(check_in=planted["alice's 1:1"], description=ALICES)
    # The career framework: mia's draft and readiness are hers until shared
    # (planted below); what alice and mia shared is alice's circle's, never
    # bob's.
    planted["alice's self-assessment"] = make_assessment(
        c.alice,
        role=AssessmentRole.SELF,
        shared_at=NOW,
        ratings={"code-quality": ("meets", ALICES)},
    )
    planted["mia's shared assessment"] = make_assessment(
        c.alice, shared_at=NOW, ratings={"system-design": ("meets", ALICES)}
    )
    _plant_assessments(c, planted)
    return planted


def _plant_assessments(c, planted) -> None:
    """Mia's draft assessment of alice and her readiness summary are mia's
    until shared; skip's shared readiness of mia is mia's; alice's shared
    self-assessment is hers and mia's (not her mentor's: she does not share)."""
    competency = make_framework()[0]
    level = c.alice.level

    def assessment(engineer, role, author, comment, shared_at=None):
        made = Assessment.objects.filter(
            engineer=engineer, role=role, shared_at__isnull=True
        ).first() or Assessment.objects.create(
            engineer=engineer, role=role, author=author, level=level
        )
        if shared_at:
            made.shared_at = shared_at
            made.save()
        AssessmentRating.objects.create(
            assessment=made, competency=competency, rating="meets", comment=comment
        )
        return made

    planted["mia's draft of alice"] = assessment(
        c.alice, AssessmentRole.MANAGER, c.mia.user, SECRET
    )
    planted["alice's shared self-assessment"] = Assessment.objects.create(
        engineer=c.alice,
        role=AssessmentRole.SELF,
        author=c.alice.user,
        level=level,
        shared_at=NOW,
    )
    AssessmentRating.objects.create(
        assessment=planted["alice's shared self-assessment"],
        competency=competency,
        rating="exceeds",
        comment=ALICES,
    )
    planted["skip's assessment of mia"] = assessment(
        c.mia, AssessmentRole.MANAGER, c.skip.user, SECRET, shared_at=NOW
    )
    Readiness.objects.update_or_create(
        engineer=c.alice,
        level=level.next_level(),
        defaults={"summary": SECRET, "author": c.mia.user},
    )
    Readiness.objects.create(
        engineer=c.mia,
        level=c.mia.level.next_level(),
        summary=SECRET,
        author=c.skip.user,
        shared_at=NOW,
    )


def _links(base: str, body: str) -> list[str]:
    found = []
    for raw in LINK.findall(body):
        url = urljoin(base, raw.replace("&amp;", "&"))
        parts = urlsplit(url)
        if parts.netloc not in ("", "testserver"):  # another site
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith("/") and not path.startswith(SKIPPED_PREFIXES):
            found.append(path)
    return found


def crawl(client, start: list[str]) -> dict[str, bytes]:
    """GET ``start`` and the same-site links found in it, breadth first."""
    seen: dict[str, bytes] = {}
    queue = deque(start)
    queued = set(start)
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        assert response.status_code < 500, url
        body = response.content
        if response.status_code in (301, 302, 303):
            body += response["Location"].encode()
            target = response["Location"]
            if target not in queued and not target.startswith(SKIPPED_PREFIXES):
                queued.add(target)
                queue.append(target)
        seen[url] = body
        if "html" in response.get("Content-Type", ""):
            for link in _links(url, body.decode(errors="replace")):
                if link not in queued:
                    queued.add(link)
                    queue.append(link)
    return seen


def _starts(world) -> list[str]:
    urls = [case.url(world) for case in CASES if case.crawl and not case.post_only]
    urls += [
        reverse("feedback-detail", args=[note.pk])
        for note in FeedbackNote.all_objects.all()
    ]
    urls += ["/no-such-page/", reverse("engineer-dashboard", args=[999_999])]
    return urls


def _leaks(pages: dict[str, bytes], *secrets: str) -> list[str]:
    return [
        f"{secret[:12]} in {url}"
        for url, body in pages.items()
        for secret in secrets
        if secret.encode() in body
    ]


@pytest.fixture
def planted(cast):
    world = build_world(cast)
    return world, plant(cast)


def test_the_canary_is_not_vacuous(client, cast, planted):
    world, objects = planted
    client.force_login(cast.mia.user)
    note = objects["manager-only note"]
    page = client.get(reverse("feedback-detail", args=[note.pk]))
    assert SECRET.encode() in page.content
    mine = crawl(client, [reverse("feedback-detail", args=[note.pk])])
    assert _leaks(mine, SECRET)

    client.force_login(cast.alice.user)
    hers = crawl(client, _starts(world))
    assert _leaks(hers, ALICES), "alice cannot see her own things: crawl is blind"


def test_the_canary_reaches_the_framework_pages(client, cast, planted):
    """The assessment canaries are on the pages, for those who may read them."""
    client.force_login(cast.alice.user)
    assert ALICES.encode() in client.get(reverse("my-framework")).content
    client.force_login(cast.mia.user)
    page = client.get(reverse("engineer-framework", args=[cast.alice.pk])).content
    assert SECRET.encode() in page and ALICES.encode() in page
    assert SECRET.encode() in client.get(reverse("my-framework")).content


# What each person must never read. Alice reads her own (ALICES) but not what
# mia keeps from her (SECRET). Skip wrote some of SECRET and cora keeps a
# check-in in it; neither may read alice's: content never travels up the chain,
# and a coach sees counts, not the mentoring it counts.
MUST_NOT_READ = {
    "alice": (SECRET,),
    "bob": (SECRET, ALICES),
    "carol": (SECRET, ALICES),
    "olivia": (SECRET, ALICES),
    "staff": (SECRET, ALICES),
    "skip": (ALICES,),
    "cora": (ALICES,),
}


@pytest.mark.parametrize("role", list(MUST_NOT_READ))
def test_nothing_private_is_reachable(client, cast, planted, role):
    world, _objects = planted
    user = cast.staff if role == "staff" else getattr(cast, role).user
    client.force_login(user)
    pages = crawl(client, _starts(world))
    assert len(pages) > 40, "the crawl should reach most of the site"
    assert _leaks(pages, *MUST_NOT_READ[role]) == []


def _api_starts(world) -> list[str]:
    """Every API list, and every object's own URL whoever may see it."""
    urls = [case.url(world) for case in CASES if "api" in case.tags]
    for name, model in (
        ("note-detail", FeedbackNote.all_objects),
        ("note-comments", FeedbackNote.all_objects),
        ("goal-detail", Goal.objects),
        ("goal-check-ins", Goal.objects),
        ("request-detail", FeedbackRequest.objects),
        ("learning-detail", LearningActivity.objects),
        ("person-detail", Engineer.objects),
    ):
        urls += [
            reverse(f"api:{name}", args=[pk])
            for pk in model.values_list("pk", flat=True)
        ]
    for tab in ("received", "given", "people"):
        urls.append(f"{reverse('api:note-list')}?tab={tab}")
    return urls


def crawl_api(client, start: list[str]) -> dict[str, bytes]:
    """GET ``start`` with the client's token, and every API URL the answers
    hold (the next pages, the comments and check-ins), breadth first."""
    seen: dict[str, bytes] = {}
    queue, queued = deque(start), set(start)
    while queue and len(seen) < MAX_PAGES * 2:
        url = queue.popleft()
        response = client.get(url)
        assert response.status_code < 500, url
        seen[url] = response.content
        for link in API_URL.findall(response.content.decode(errors="replace")):
            if link not in queued:
                queued.add(link)
                queue.append(link)
    return seen


@pytest.mark.parametrize("role", list(MUST_NOT_READ))
def test_nothing_private_is_reachable_through_the_api(cast, planted, role):
    """The same people, with a personal token, asking the API for everything."""
    from django.core.cache import caches
    from rest_framework.test import APIClient

    world, _objects = planted
    caches["throttle"].clear()
    user = cast.staff if role == "staff" else getattr(cast, role).user
    client = APIClient()
    secret = api_token_create(user=user, name="canary", now=NOW)[1]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    pages = crawl_api(client, _api_starts(world))
    assert len(pages) > 60, "the crawl should reach every object's URL"
    assert _leaks(pages, *MUST_NOT_READ[role]) == []


def test_the_api_canary_is_not_vacuous(cast, planted):
    from rest_framework.test import APIClient

    world, _objects = planted
    client = APIClient()
    secret = api_token_create(user=cast.mia.user, name="canary", now=NOW)[1]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    pages = crawl_api(client, _api_starts(world))
    assert _leaks(pages, SECRET) and _leaks(pages, ALICES)
    secret = api_token_create(user=cast.alice.user, name="canary", now=NOW)[1]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert _leaks(crawl_api(client, _api_starts(world)), ALICES)


@pytest.mark.parametrize("role", ["alice", "bob"])
def test_htmx_fragments_and_answers_carry_nothing_private(client, cast, planted, role):
    world, _objects = planted
    client.force_login(getattr(cast, role).user)
    headers = {"HX-Request": "true"}
    note = world.note_shared.pk
    responses = [
        client.get(
            reverse("feedback-competency-options"), {"kind": kind}, headers=headers
        )
        for kind in ("technical", "interpersonal", "")
    ]
    responses += [
        client.post(reverse("feedback-acknowledge", args=[note]), headers=headers),
        client.post(
            reverse("feedback-reply", args=[note]), {"reply": ""}, headers=headers
        ),
        client.post(reverse("feedback-rate", args=[note]), {}, headers=headers),
        client.post(
            reverse("feedback-comment", args=[note]), {"body": ""}, headers=headers
        ),
        client.get(reverse("praise-wall"), headers=headers),
    ]
    pages = {str(i): r.content for i, r in enumerate(responses)}
    assert _leaks(pages, SECRET, ALICES if role == "bob" else SECRET) == []


def test_no_email_carries_a_notes_text(
    client, cast, planted, django_capture_on_commit_callbacks
):
    """Reminders and the feedback-received email name people, never quote."""
    seed_defaults()
    Engineer.objects.update(start_date=datetime.date(2025, 1, 1))
    client.force_login(cast.mia.user)
    # A shared note written through the page: alice is told, but not what it says.
    competency = factories.competency("interpersonal")
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("feedback-create"),
            {
                "engineer": cast.alice.pk,
                "kind": "interpersonal",
                "competency": competency.pk,
                "sentiment": "praise",
                **_note_text(SECRET),
                "visibility": Visibility.SHARED,
            },
        )
    assert response.status_code == 302
    # A conversation about it: everyone in it is told who wrote, never what.
    note = FeedbackNote.objects.latest("pk")  # the one just written
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("feedback-comment", args=[note.pk]), {"body": SECRET})
        client.force_login(cast.alice.user)
        client.post(reverse("feedback-reply", args=[note.pk]), {"reply": SECRET})
        client.post(reverse("feedback-rate", args=[note.pk]), {"actionable": "yes"})
        # Praise in one line, on the wall.
        client.post(
            reverse("praise-create"),
            {"engineer": cast.bob.pk, "message": SECRET, "kind": "technical"},
        )
    # Mia shares her assessment of alice and her readiness summary, both
    # written with the secret, through the pages: alice is told who shared.
    draft = planted[1]["mia's draft of alice"]
    AssessmentRating.objects.bulk_create(
        AssessmentRating(
            assessment=draft, competency=competency, rating="meets", comment=SECRET
        )
        for competency in selectors.assessment_competencies(draft)
        if not draft.ratings.filter(competency=competency).exists()
    )
    client.force_login(cast.mia.user)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("assessment-share", args=[draft.pk]))
        client.post(reverse("readiness-share", args=[cast.alice.pk]))
    kinds_told = set(Reminder.objects.values_list("kind", flat=True))
    assert {
        "feedback_commented",
        "feedback_answered",
        "assessment_shared",
        "readiness_shared",
    } <= kinds_told
    factories.make_request(cast.bob, cast.mia, message=SECRET)
    factories.make_goal(
        cast.bob, description=SECRET, target_date=NOW.date() + datetime.timedelta(3)
    )
    sweep(now=NOW)
    pending = Reminder.objects.filter(status=ReminderStatus.PENDING)
    for pk in pending.values_list("pk", flat=True):
        deliver(pk, now=NOW)
    kinds = set(Reminder.objects.values_list("kind", flat=True))
    assert "feedback_received" in kinds
    assert len(kinds) >= 3, kinds
    assert len(mail.outbox) >= 3
    for message in mail.outbox:
        parts = [message.subject, message.body]
        parts += [content for content, _type in getattr(message, "alternatives", [])]
        text = "\n".join(str(part) for part in parts)
        assert SECRET not in text, message.subject
    for notification in Notification.objects.exclude(recipient=cast.mia.user):
        assert SECRET not in notification.message
    for reminder in Reminder.objects.all():
        assert SECRET not in str(reminder.payload) + reminder.subject


def test_no_slack_or_teams_message_carries_a_notes_text(
    client, cast, planted, settings, django_capture_on_commit_callbacks
):
    """Everyone on Slack for every kind, every team with a Teams webhook, a
    public channel: every message the fake servers received names people and
    counts, never quotes."""
    from growth.chat.outbox import deliver_post, team_digests_record
    from growth.models import ChannelPost, ReminderPreference
    from growth.services.preferences import NOTICE_KINDS
    from tests.chat_servers import FakeSlack, FakeTeams

    seed_defaults()
    Engineer.objects.update(start_date=datetime.date(2025, 1, 1))
    ReminderRule.objects.filter(kind=ReminderKind.WEEKLY_DIGEST).update(
        enabled=True, digest_weekday=NOW.weekday(), send_hour=NOW.hour
    )
    with FakeSlack() as slack, FakeTeams() as teams:
        settings.SLACK_BOT_TOKEN = slack.token
        settings.SLACK_API_URL = slack.url
        settings.SLACK_PUBLIC_CHANNEL = "#kudos"
        people = [e.user for e in Engineer.objects.select_related("user")]
        for n, user in enumerate(people):
            slack.users[user.email] = f"U{n:04d}"
            ReminderPreference.objects.bulk_create(
                [
                    ReminderPreference(user=user, kind=kind, slack_enabled=True)
                    for kind in NOTICE_KINDS
                ],
                ignore_conflicts=True,
            )
        for team in (cast.platform, cast.data):
            team.teams_webhook_url = teams.url(team.name)
            team.save(update_fields=["teams_webhook_url"])
        competency = factories.competency("interpersonal")
        client.force_login(cast.mia.user)
        with django_capture_on_commit_callbacks(execute=False):
            client.post(
                reverse("feedback-create"),
                {
                    "engineer": cast.alice.pk,
                    "kind": "interpersonal",
                    "competency": competency.pk,
                    "sentiment": "praise",
                    **_note_text(SECRET),
                    "visibility": Visibility.SHARED,
                },
            )
            note = FeedbackNote.objects.latest("pk")
            client.post(reverse("feedback-comment", args=[note.pk]), {"body": SECRET})
            client.force_login(cast.alice.user)
            client.post(reverse("feedback-reply", args=[note.pk]), {"reply": SECRET})
            client.post(
                reverse("praise-create"),
                {
                    "engineer": cast.bob.pk,
                    "message": SECRET,
                    "kind": "technical",
                    "public": "on",
                },
            )
        factories.make_request(cast.bob, cast.mia, message=SECRET)
        sweep(now=NOW)
        team_digests_record(now=NOW)
        for pk in Reminder.objects.filter(
            status=ReminderStatus.PENDING, channel="slack"
        ).values_list("pk", flat=True):
            deliver(pk, now=NOW)
        for pk in ChannelPost.objects.values_list("pk", flat=True):
            deliver_post(pk)
        messages = [str(r.body) for r in slack.requests + teams.requests]
        # Not vacuous: direct messages, the public channel and the team cards.
        assert len(slack.posted()) >= 4
        assert any(m["channel"] == "#kudos" for m in slack.posted())
        assert {"praise", "team_digest"} <= set(
            ChannelPost.objects.filter(status=ReminderStatus.SENT).values_list(
                "kind", flat=True
            )
        )
        assert len(teams.cards()) >= 3
    for message in messages:
        assert SECRET not in message and ALICES not in message


def test_organisation_insight_its_csv_and_digest_carry_no_text(client, cast, planted):
    """Counts only: no note's text reaches the insight page, its CSV or the
    organisation section of skip's weekly digest, not even what skip wrote."""
    for user in (cast.skip.user, cast.staff):
        client.force_login(user)
        for name in ("org-insight", "org-insight-export"):
            response = client.get(reverse(name))
            assert response.status_code == 200
            assert _leaks({name: response.content}, SECRET, ALICES) == []
    ReminderRule.objects.filter(kind=ReminderKind.WEEKLY_DIGEST).update(
        enabled=True, digest_weekday=NOW.weekday(), send_hour=NOW.hour
    )
    planned = plan(now=NOW, kinds=[ReminderKind.WEEKLY_DIGEST])
    (digest,) = [p for p in planned if p.recipient_id == cast.skip.user_id]
    assert any(item.get("organisation") for item in digest.items)
    record(planned, now=NOW)
    reminder = Reminder.objects.get(recipient=cast.skip.user, kind=digest.kind)
    deliver(reminder.pk, now=NOW)
    (message,) = [m for m in mail.outbox if m.to == [cast.skip.user.email]]
    text = "\n".join([message.subject, message.body, message.alternatives[0][0]])
    assert "/insight/" in text
    assert SECRET not in text and ALICES not in text


def test_the_404_page_says_nothing_of_what_it_hides(client, cast, planted):
    _world, objects = planted
    client.force_login(cast.alice.user)
    for name in ("manager-only note", "note to self"):
        response = client.get(
            reverse("feedback-detail", args=[objects[name].pk]) + f"?q={name}"
        )
        assert response.status_code == 404
        assert SECRET.encode() not in response.content
    edit = client.get(reverse("feedback-edit", args=[objects["note to self"].pk]))
    assert edit.status_code == 404
    assert SECRET.encode() not in edit.content


@pytest.mark.parametrize("role", ["alice", "bob"])
def test_the_change_history_is_out_of_reach(client, cast, planted, role):
    """Every version of a note is kept, but only staff read it, in the admin."""
    _world, objects = planted
    note = objects["manager-only note"]
    note.suggestion = f"an edit: {SECRET}"
    note.save()
    assert note.history.filter(suggestion__contains=SECRET).count() == 2
    client.force_login(getattr(cast, role).user)
    pages = {}
    for name in ("manager-only note", "deleted shared note", "mia's goal"):
        obj = objects[name]
        url = reverse(f"admin:growth_{obj._meta.model_name}_history", args=[obj.pk])
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
        # Where the redirect leads, not its empty body.
        pages[url] = client.get(url, follow=True).content
    assert _leaks(pages, SECRET) == []
