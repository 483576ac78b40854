"""A large engineering organisation, inserted in bulk for the benchmark.

At scale 1: 2,000 engineers in 40 teams, 200 of them managers, 300 mentorships,
200,000 feedback notes over three years (and an in-app notification for each
shared one), 20,000 goals with 100,000 check-ins, 50,000 learning activities;
besides the issue's list, 20,000 1:1s, the mentoring check-ins of every
mentorship and 5,000 feedback requests, so that every page and every reminder
rule reads real rows. Every choice comes from one ``random.Random(seed)``.

Three people are the benchmark's viewers: an engineer with a long history, a
manager with 15 direct reports who also mentors, and a staff admin. The HTTP
run signs in as more of every role (``people``).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction

from accounts.models import Team, User
from growth.models import (
    ActionItem,
    Assessment,
    AssessmentRating,
    AssessmentRole,
    Attendance,
    CheckIn,
    CheckInKind,
    Competency,
    CompetencyKind,
    Engineer,
    EventKind,
    Expectation,
    FeedbackNote,
    FeedbackRequest,
    Goal,
    GoalCheckIn,
    GoalKind,
    GoalStatus,
    LearningActivity,
    LearningKind,
    Level,
    Mentorship,
    Notification,
    RequestStatus,
    Sentiment,
    SprintCadence,
    Visibility,
)
from growth.models.framework import (
    ENGINEERING,
    MANAGEMENT,
    Rating,
    Readiness,
    ReadinessStatus,
    levels_by_rank,
)

BATCH = 5000
HISTORY_DAYS = 3 * 365
BENCH_REPORTS = 15
ENGINEER_EMAIL = "engineer@bench.example.com"
MANAGER_EMAIL = "manager@bench.example.com"
ADMIN_EMAIL = "admin@bench.example.com"
ZONES = ("Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Tokyo")  # fmt: skip
FIRST = ("Ada", "Ben", "Chloé", "Dev", "Elif", "Femi", "Greta", "Hiro", "Ines", "Jon", "Kai", "Lena", "Malik", "Nora", "Omar", "Pia", "Quinn", "Rosa", "Sven", "Tara", "Uma", "Vik", "Wen", "Yara", "Zoe")  # fmt: skip
LAST = ("Abbott", "Banerjee", "Castro", "Dubois", "Eriksen", "Fujita", "Gomez", "Haddad", "Ivanova", "Jensen", "Kowalski", "Larsen", "Moreau", "Nakamura", "Okafor", "Petrov", "Quintero", "Rossi", "Schultz", "Tanaka", "Urban", "Varga", "Weber", "Xu", "Yilmaz", "Zhang")  # fmt: skip
SITUATIONS = [
    "In Tuesday's design review of the payments retry service, with two other teams in the room.",
    "During the incident on the checkout API last week, while we were still on the bridge call.",
    "In the pull request that split the ingestion job into smaller, idempotent steps.",
    "At the sprint planning where we sized the search ranking work for the next quarter.",
    "While pairing with the new joiner on their first production deployment.",
]
BEHAVIOURS = [
    "You walked everyone through the failure modes first and asked each team what they had seen in production before proposing anything.",
    "You wrote the timeline as it happened, called out what we did not yet know, and handed over cleanly when your shift ended.",
    "You added tests for the edge cases we had missed before, and explained in the description why the old approach lost messages.",
    "You challenged the estimate with data from the last three sprints, calmly, and offered to take the riskiest part yourself.",
    "You let them drive, asked questions instead of giving answers, and wrote down what they learnt in the runbook afterwards.",
]
IMPACTS = [
    "The decision took twenty minutes instead of two meetings, and nobody felt overruled.",
    "The post-mortem started from facts, and the on-call rota trusts the runbook again.",
    "Reviewers understood the change in one pass, and the flaky alert has not fired since.",
    "We committed to less, delivered all of it, and the team went into the holidays without a crunch.",
    "They shipped on their own the next day, and asked for the next ticket with confidence.",
]
SUGGESTIONS = [
    "Keep doing this, and try writing the trade-offs down before the meeting so that quieter people can react in writing.",
    "Next time, share the timeline in the channel as you go, so that support can answer customers without asking us.",
    "Consider splitting changes like this into two pull requests: the refactor first, then the behaviour change.",
    "Try naming the assumption you are least sure of first; it invites the right challenge sooner.",
    "Offer the same to the next two joiners, and tell me if you want this to count towards your staff-level goal.",
]
GOAL_TITLES = {
    GoalKind.TECHNICAL: [
        "Lead the design of a service end to end",
        "Own the on-call runbooks",
        "Get fluent in query tuning",
        "Raise test coverage of the billing code",
    ],
    GoalKind.INTERPERSONAL: [
        "Give feedback within a week, every time",
        "Facilitate the team retrospective",
        "Mentor a new joiner",
        "Speak up earlier in design reviews",
    ],
    GoalKind.CAREER: [
        "Prepare the case for senior",
        "Run a learning session",
        "Write an engineering blog post",
        "Represent the team at the architecture forum",
    ],
}
LEARNING_MIX = [
    (LearningKind.LEARNING_DAY, 40, "Learning day: {topic}"),
    (LearningKind.COURSE, 20, "Course: {topic}"),
    (LearningKind.READING, 15, "Reading: {topic}"),
    (LearningKind.LEARNING_SESSION, 15, "Session: {topic}"),
    (LearningKind.HACKATHON, 5, "Hackathon: {topic}"),
    (LearningKind.CONFERENCE, 5, "Conference: {topic}"),
]
TOPICS = ["PostgreSQL indexes", "Kubernetes operators", "Type hints at scale", "Accessible forms", "Event sourcing", "Giving feedback", "Incident command", "Feature flags"]  # fmt: skip


@dataclass(frozen=True)
class Sizes:
    engineers: int
    teams: int
    managers: int
    mentorships: int
    notes: int
    goals: int
    goal_check_ins: int
    learning: int
    one_on_ones: int
    requests: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        def n(full: int, least: int) -> int:
            return max(round(full * scale), least)

        return cls(
            engineers=n(2000, 24),
            teams=n(40, 1),
            managers=n(200, 3),
            mentorships=n(300, 6),
            notes=n(200_000, 200),
            goals=n(20_000, 40),
            goal_check_ins=n(100_000, 100),
            learning=n(50_000, 40),
            one_on_ones=n(20_000, 40),
            requests=n(5_000, 20),
        )


@dataclass(frozen=True)
class Cast:
    """The benchmark's viewers and what their pages need."""

    engineer: User  # a long history
    manager: User  # 15 direct reports, mentors too
    admin: User  # staff and superuser
    manager_team_id: int
    head: User | None = None  # the head of engineering: manages the managers


def _moment(rng: random.Random, now: datetime.datetime, days: float = HISTORY_DAYS):
    return now - datetime.timedelta(seconds=rng.random() * days * 86400)


def _batched(items, size: int = BATCH):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(model, rows) -> list:
    created = []
    for batch in _batched(rows):
        created.extend(model.objects.bulk_create(batch, batch_size=BATCH))
    return created


class _Organisation:
    def __init__(self, *, sizes: Sizes, now: datetime.datetime, seed: int):
        self.sizes = sizes
        self.now = now
        self.rng = random.Random(seed)
        self.competencies = {
            kind: list(
                Competency.objects.filter(kind=kind).values_list("pk", flat=True)
            )
            for kind in CompetencyKind.values
        }

    # --- people ---------------------------------------------------------------

    def people(self) -> None:
        rng, sizes = self.rng, self.sizes
        teams = Team.objects.bulk_create(
            [Team(name=f"Team {i + 1:02d}") for i in range(sizes.teams)]
        )
        self.cadences(teams)
        users = [
            User(
                email=f"person{i}@bench.example.com",
                display_name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}",
                password="!",  # unusable: the benchmark signs in with force_login
                time_zone=ZONES[i % len(ZONES)],
            )
            for i in range(sizes.engineers)
        ]
        users[0].email, users[0].display_name = MANAGER_EMAIL, "Bench Manager"
        users[sizes.managers].email = ENGINEER_EMAIL
        users[sizes.managers].display_name = "Bench Engineer"
        admin = User(
            email=ADMIN_EMAIL,
            display_name="Bench Admin",
            password="!",
            is_staff=True,
            is_superuser=True,
        )
        users = _insert(User, [*users, admin])
        self.admin = users.pop()
        start = (self.now - datetime.timedelta(days=HISTORY_DAYS + 400)).date()

        # The head of engineering, then the managers who report to them.
        levels = levels_by_rank()
        head = Engineer.objects.create(
            user=users[1],
            team=teams[0],
            level=levels[MANAGEMENT, 5],
            start_date=start,
        )
        managers = [
            Engineer(
                user=users[i],
                team=teams[i % len(teams)],
                manager=head,
                level=levels[MANAGEMENT, rng.choice([3, 4])],
                start_date=start,
            )
            for i in range(sizes.managers)
            if i != 1
        ]
        managers = _insert(Engineer, managers)
        self.bench_manager = managers[0]
        # The bench manager has exactly 15 reports; the others share the rest.
        others = managers[1:] or managers
        ics = []
        for n, i in enumerate(range(sizes.managers, sizes.engineers)):
            manager = (
                self.bench_manager
                if n < BENCH_REPORTS
                else others[(n - BENCH_REPORTS) % len(others)]
            )
            ics.append(
                Engineer(
                    user=users[i],
                    team_id=manager.team_id,
                    manager=manager,
                    level=levels[ENGINEERING, rng.randint(1, 4)],
                    start_date=start + datetime.timedelta(days=rng.randrange(1200)),
                )
            )
        ics = _insert(Engineer, ics)
        self.bench_engineer = ics[0]
        self.engineers = [head, *managers, *ics]
        self.user_of = {e.pk: e.user_id for e in self.engineers}
        self.manager_of = {e.pk: e.manager_id for e in self.engineers}
        self.by_team: dict[int, list[int]] = {}
        for e in self.engineers:
            self.by_team.setdefault(e.team_id, []).append(e.pk)
        self.team_of = {e.pk: e.team_id for e in self.engineers}
        self.everyone = [e.pk for e in self.engineers]
        self.bench_reports = ics[:BENCH_REPORTS]

    def mentorships(self) -> None:
        rng, sizes = self.rng, self.sizes
        seniors = [e.pk for e in self.engineers if e.level.is_senior]
        everyone = [e.pk for e in self.engineers[1:]]
        pairs = [(self.engineers[2].pk, self.bench_engineer.pk)]
        # The bench manager mentors three people outside their team.
        outside = [
            pk for pk in everyone if self.team_of[pk] != self.bench_manager.team_id
        ]
        pairs += [
            (self.bench_manager.pk, pk) for pk in rng.sample(outside or everyone, 3)
        ]
        seen = set(pairs)
        while len(pairs) < sizes.mentorships:
            pair = (rng.choice(seniors), rng.choice(everyone))
            if pair[0] != pair[1] and pair not in seen:
                seen.add(pair)
                pairs.append(pair)
        rows = []
        for n, (mentor, mentee) in enumerate(pairs):
            started = _moment(rng, self.now).date()
            ended = None
            if n >= 4 and rng.random() < 0.2:
                ended = started + datetime.timedelta(days=rng.randrange(60, 365))
                ended = min(ended, self.now.date())
            rows.append(
                Mentorship(
                    mentor_id=mentor,
                    mentee_id=mentee,
                    started_on=started,
                    ended_on=ended,
                    focus=rng.choice(TOPICS),
                    cadence_days=rng.choice([14, 21, 28]),
                )
            )
        self.mentorship_rows = _insert(Mentorship, rows)
        if not Mentorship.objects.active().coaching().exists():
            # A coach whatever the draw (a small organisation may have none): the
            # head of engineering mentors the bench engineer's mentor. Drawn
            # from no randomness, so the rest is what earlier seeds made.
            Mentorship.objects.create(
                mentor=self.engineers[0],
                mentee=self.engineers[2],
                started_on=(self.now - datetime.timedelta(days=30)).date(),
                focus="Mentoring well",
                cadence_days=28,
            )
        self.mentors_of: dict[int, list[int]] = {}
        for m in self.mentorship_rows:
            self.mentors_of.setdefault(m.mentee_id, []).append(m.mentor_id)

    # --- feedback -------------------------------------------------------------

    def _author(self, engineer: int) -> tuple[int, str]:
        """An author's engineer id, and whether they are manager, mentor or peer."""
        rng = self.rng
        roll = rng.random()
        manager = self.manager_of[engineer]
        if manager and roll < 0.55:
            return manager, "manager"
        mentors = self.mentors_of.get(engineer)
        if mentors and roll < 0.75:
            return rng.choice(mentors), "mentor"
        peers = self.by_team[self.team_of[engineer]]
        if len(peers) < 2:
            peers = self.everyone
        while True:
            peer = rng.choice(peers)
            if peer != engineer:
                return peer, "peer"

    def _note(self, engineer: int) -> FeedbackNote:
        rng, now = self.rng, self.now
        author, role = self._author(engineer)
        kind = (
            CompetencyKind.TECHNICAL
            if rng.random() < 0.6
            else CompetencyKind.INTERPERSONAL
        )
        roll = rng.random()
        if role == "manager":
            visibility = (
                Visibility.SHARED
                if roll < 0.75
                else Visibility.MANAGER
                if roll < 0.95
                else Visibility.SELF
            )
        else:
            visibility = Visibility.SHARED if roll < 0.9 else Visibility.SELF
        created = _moment(rng, now)
        note = FeedbackNote(
            author_id=self.user_of[author],
            engineer_id=engineer,
            kind=kind,
            competency_id=rng.choice(self.competencies[kind])
            if rng.random() < 0.9
            else None,
            sentiment=rng.choice(Sentiment.values),
            situation=rng.choice(SITUATIONS),
            behaviour=rng.choice(BEHAVIOURS),
            impact=rng.choice(IMPACTS),
            suggestion=rng.choice(SUGGESTIONS),
            visibility=visibility,
            created_at=created,
        )
        age = now - created
        if visibility == Visibility.SHARED and age.days > 14 and rng.random() < 0.85:
            note.acknowledged_at = created + datetime.timedelta(
                hours=rng.randrange(1, 120)
            )
            note.actionable = rng.choice([True, True, False, None])
            if rng.random() < 0.3:
                note.reply = "Thank you: I will try that in the next review."
                note.replied_at = note.acknowledged_at
        return note

    def feedback(self) -> None:
        rng, sizes = self.rng, self.sizes
        bench = self.bench_engineer.pk
        share = max(round(sizes.notes * 0.004), 20)  # the long history
        about = [e.pk for e in self.engineers[1:]]

        def notes():
            for n in range(sizes.notes):
                yield self._note(bench if n < share else rng.choice(about))

        for batch in _batched(notes()):
            created = FeedbackNote.objects.bulk_create(batch, batch_size=BATCH)
            Notification.objects.bulk_create(
                [
                    Notification(
                        recipient_id=self.user_of[note.engineer_id],
                        kind=EventKind.FEEDBACK_RECEIVED,
                        message="You received feedback.",
                        url=f"/feedback/{note.pk}/",
                        created_at=note.created_at,
                        read_at=note.acknowledged_at,
                        dedupe_key=f"note-{note.pk}",
                    )
                    for note in created
                    if note.visibility == Visibility.SHARED
                ],
                batch_size=BATCH,
            )

        rows = []
        for _ in range(sizes.requests):
            requester = rng.choice(about)
            recipient = self.manager_of[requester] or self.engineers[1].pk
            created = _moment(rng, self.now, days=365)
            roll = rng.random()
            status = (
                RequestStatus.OPEN
                if roll < 0.2
                else RequestStatus.FULFILLED
                if roll < 0.9
                else RequestStatus.DECLINED
            )
            if status == RequestStatus.OPEN:
                created = _moment(rng, self.now, days=21)
            rows.append(
                FeedbackRequest(
                    requester_id=requester,
                    recipient_id=recipient,
                    message="How did my part of the design review land?",
                    due_on=(created + datetime.timedelta(days=14)).date(),
                    status=status,
                    created_at=created,
                    closed_at=None
                    if status == RequestStatus.OPEN
                    else created + datetime.timedelta(days=5),
                )
            )
        _insert(FeedbackRequest, rows)

    # --- goals, check-ins, learning ----------------------------------------------

    def goals(self) -> None:
        rng, sizes, now = self.rng, self.sizes, self.now
        bench = self.bench_engineer.pk
        share = max(round(sizes.goals * 0.002), 6)
        about = [e.pk for e in self.engineers[1:]]
        rows = []
        for n in range(sizes.goals):
            engineer = bench if n < share else rng.choice(about)
            kind = rng.choice(GoalKind.values)
            created = _moment(rng, now)
            target = (created + datetime.timedelta(days=rng.randrange(60, 270))).date()
            if target < (now - datetime.timedelta(days=30)).date():
                roll = rng.random()
                status = (
                    GoalStatus.ACHIEVED
                    if roll < 0.6
                    else GoalStatus.ABANDONED
                    if roll < 0.8
                    else GoalStatus.ACTIVE
                )
            else:
                status = GoalStatus.ACTIVE
            progress = 100 if status == GoalStatus.ACHIEVED else rng.randrange(0, 95, 5)
            competencies = self.competencies.get(kind)
            rows.append(
                Goal(
                    engineer_id=engineer,
                    title=rng.choice(GOAL_TITLES[kind]),
                    description="What good looks like, and how we will know.",
                    kind=kind,
                    competency_id=rng.choice(competencies) if competencies else None,
                    target_date=target,
                    status=status,
                    progress=progress,
                    created_by_id=self.user_of[engineer],
                    created_at=created,
                )
            )
        goals = _insert(Goal, rows)

        def check_ins():
            for n in range(sizes.goal_check_ins):
                goal = goals[n % len(goals)] if n < len(goals) else rng.choice(goals)
                end = min(
                    now,
                    datetime.datetime.combine(
                        goal.target_date, datetime.time(12), tzinfo=datetime.UTC
                    ),
                )
                span = max((end - goal.created_at).total_seconds(), 3600)
                yield GoalCheckIn(
                    goal_id=goal.pk,
                    author_id=self.user_of[goal.engineer_id],
                    progress=rng.randrange(0, goal.progress + 1),
                    note="Moved it on a little this week.",
                    created_at=goal.created_at
                    + datetime.timedelta(seconds=rng.random() * span),
                )

        _insert(GoalCheckIn, check_ins())

    def check_ins(self) -> None:
        rng, sizes, now = self.rng, self.sizes, self.now
        reports = [e for e in self.engineers if e.manager_id]
        ours = self.bench_reports
        rows = []
        for n in range(sizes.one_on_ones):
            # The bench manager holds a 1:1 with each report every two weeks.
            if n < 26 * len(ours):
                engineer = ours[n % len(ours)]
                held = (now - datetime.timedelta(days=14 * (n // len(ours)))).date()
            else:
                engineer = rng.choice(reports)
                held = _moment(rng, now).date()
            rows.append(
                CheckIn(
                    author_id=self.user_of[engineer.manager_id],
                    engineer_id=engineer.pk,
                    kind=CheckInKind.ONE_ON_ONE,
                    held_on=held,
                    notes="Talked through the quarter's goals and the on-call load.",
                )
            )
        for m in self.mentorship_rows:
            day = m.started_on
            last = m.ended_on or now.date()
            while day <= last:
                rows.append(
                    CheckIn(
                        author_id=self.user_of[m.mentor_id],
                        engineer_id=m.mentee_id,
                        kind=CheckInKind.MENTORING,
                        mentorship_id=m.pk,
                        held_on=day,
                        notes="Practised the design review; next: the write-up.",
                    )
                )
                day += datetime.timedelta(days=m.cadence_days + rng.randrange(0, 10))
        created = _insert(CheckIn, rows)
        _insert(
            ActionItem,
            (
                ActionItem(
                    check_in_id=c.pk,
                    description="Draft the design doc and share it for comments.",
                    done_at=None if rng.random() < 0.3 else now,
                )
                for c in created
                if rng.random() < 0.2
            ),
        )

    def cadences(self, teams) -> None:
        """Every team in two-week sprints, its learning day a Monday or a Friday."""
        start = self.now.date() - datetime.timedelta(days=HISTORY_DAYS)
        monday = start - datetime.timedelta(days=start.weekday())
        SprintCadence.objects.bulk_create(
            SprintCadence(
                team=team,
                sprint_weeks=2,
                first_sprint_start=monday + datetime.timedelta(weeks=i % 2),
                learning_weekday=0 if i % 3 else 4,
            )
            for i, team in enumerate(teams)
        )

    def learning(self) -> None:
        rng, sizes, now = self.rng, self.sizes, self.now
        seniors = [e.pk for e in self.engineers if e.level.is_senior]
        about = [e.pk for e in self.engineers[1:]]
        kinds = [kind for kind, weight, _ in LEARNING_MIX for _ in range(weight)]
        titles = {kind: title for kind, _, title in LEARNING_MIX}
        rows, attendees = [], []
        for _ in range(sizes.learning):
            kind = rng.choice(kinds)
            led_by = (
                rng.choice(seniors) if kind == LearningKind.LEARNING_SESSION else None
            )
            size = {LearningKind.LEARNING_SESSION: 8, LearningKind.HACKATHON: 12}.get(
                kind, 1
            )
            people = rng.sample(about, min(rng.randint(1, size), len(about)))
            if rng.random() < 0.01:
                people = list({*people, self.bench_engineer.pk})
            rows.append(
                LearningActivity(
                    kind=kind,
                    title=titles[kind].format(topic=rng.choice(TOPICS)),
                    date=_moment(rng, now).date(),
                    hours=Decimal(rng.choice(["1.0", "2.0", "3.5", "7.5"])),
                    led_by_id=led_by,
                    logged_by_id=self.user_of[led_by or people[0]],
                )
            )
            attendees.append(people)
        created = _insert(LearningActivity, rows)
        _insert(
            Attendance,
            (
                Attendance(
                    learningactivity_id=activity.pk,
                    engineer_id=engineer,
                    date=activity.date,
                )
                for activity, people in zip(created, attendees, strict=True)
                for engineer in people
            ),
        )

    def assessments(self) -> None:
        """The bench manager's 15 reports on the career framework: each with a
        shared self-assessment and two shared manager assessments (the older one
        superseded), every active competency rated, and a readiness summary."""
        rng, now = self.rng, self.now
        competencies = list(
            Competency.objects.filter(is_active=True).values_list("pk", flat=True)
        )
        next_level = {
            (level.track_id, level.rank): level for level in Level.objects.all()
        }
        manager_user = self.user_of[self.bench_manager.pk]
        assessments = []
        for report in self.bench_reports:
            for role, author, days in (
                (AssessmentRole.SELF, self.user_of[report.pk], 20),
                (AssessmentRole.MANAGER, manager_user, 200),
                (AssessmentRole.MANAGER, manager_user, 10),
            ):
                shared_at = now - datetime.timedelta(days=days)
                assessments.append(
                    Assessment(
                        engineer_id=report.pk,
                        role=role,
                        author_id=author,
                        level_id=report.level_id,
                        created_at=shared_at,
                        shared_at=shared_at,
                    )
                )
        assessments = _insert(Assessment, assessments)
        _insert(
            AssessmentRating,
            (
                AssessmentRating(
                    assessment_id=assessment.pk,
                    competency_id=competency,
                    rating=rng.choice(Rating.values),
                )
                for assessment in assessments
                for competency in competencies
            ),
        )
        readiness = []
        for report in self.bench_reports:
            target = next_level.get((report.level.track_id, report.level.rank + 1))
            if target is not None:
                readiness.append(
                    Readiness(
                        engineer_id=report.pk,
                        level=target,
                        status=rng.choice(ReadinessStatus.values),
                        summary="Growing steadily toward the next level.",
                        author_id=manager_user,
                        shared_at=now,
                    )
                )
        _insert(Readiness, readiness)


def _framework(org: _Organisation) -> None:
    """Expectations on every engineering level if the database has none yet,
    and the bench engineer's shared self-assessment (every competency rated,
    a note cited each) beside their manager's draft: what the framework page
    reads, the same at every scale."""
    competencies = list(Competency.objects.filter(is_active=True))
    if not Expectation.objects.exists():
        Expectation.objects.bulk_create(
            Expectation(
                competency=competency,
                level=level,
                statement=f"{competency.name}, as a {level.name.lower()} does it.",
            )
            for level in Level.objects.filter(track__key=ENGINEERING)
            for competency in competencies
        )
    engineer = Engineer.objects.select_related("manager").get(
        user__email=ENGINEER_EMAIL
    )
    expected = Competency.objects.filter(
        expectations__level_id=engineer.level_id, is_active=True
    )
    for role, author, shared_at in (
        (AssessmentRole.SELF, engineer.user_id, org.now),
        (AssessmentRole.MANAGER, engineer.manager.user_id, None),
    ):
        assessment = Assessment.objects.create(
            engineer=engineer,
            role=role,
            author_id=author,
            level_id=engineer.level_id,
            created_at=org.now,
            shared_at=shared_at,
        )
        for competency in expected:
            rating = AssessmentRating.objects.create(
                assessment=assessment,
                competency=competency,
                rating=org.rng.choice(["below", "meets", "exceeds"]),
                comment="Shown in the last quarter's work.",
            )
            cited = FeedbackNote.objects.filter(
                engineer=engineer, competency=competency
            ).order_by("-created_at")[:1]
            rating.evidence_notes.set(cited)


def seed(*, scale: float, now: datetime.datetime, seed: int = 1) -> Cast:
    """Fill the (empty, migrated) current database with an organisation."""
    org = _Organisation(sizes=Sizes.at(scale), now=now, seed=seed)
    with transaction.atomic():
        org.people()
        org.mentorships()
        org.feedback()
        org.goals()
        org.check_ins()
        org.learning()
        org.assessments()
        _framework(org)
    if connection.vendor == "postgresql":
        # What autovacuum does on a database that has been running: statistics
        # for the planner, and a visibility map, without which no index-only
        # scan can skip reading the rows. (Outside any transaction: VACUUM
        # refuses to run in one.)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return cast()


def cast() -> Cast:
    """The viewers of a seeded database."""
    manager = User.objects.select_related("engineer").get(email=MANAGER_EMAIL)
    return Cast(
        engineer=User.objects.get(email=ENGINEER_EMAIL),
        manager=manager,
        admin=User.objects.get(email=ADMIN_EMAIL),
        manager_team_id=manager.engineer.team_id,
        head=User.objects.filter(engineer__reports__reports__isnull=False)
        .distinct()
        .order_by("pk")
        .first(),
    )


@dataclass(frozen=True)
class Person:
    """Someone the HTTP run signs in as: the role they were picked for, and
    every role they hold (a manager may mentor too), which decides their pages."""

    email: str
    role: str  # "engineer", "manager", "mentor" or "coach"
    manager: bool
    mentor: bool
    coach: bool


def people(count: int) -> list[Person]:
    """``count`` people of every role for the HTTP run: a coach, a quarter
    managers, a quarter mentors who manage no one, and engineers who are
    neither; the bench's own engineer and manager among them. Where the
    organisation has too few of a role, the others make up the number."""
    active = Mentorship.objects.active()
    managers = set(
        Engineer.objects.filter(reports__isnull=False)
        .order_by()
        .values_list("pk", flat=True)
    )
    mentors = set(active.values_list("mentor_id", flat=True))
    coaches = set(active.coaching().values_list("mentor_id", flat=True))
    everyone = dict(
        Engineer.objects.active().order_by("pk").values_list("pk", "user__email")
    )
    first = {ENGINEER_EMAIL: 0, MANAGER_EMAIL: 0}
    ordered = sorted(everyone, key=lambda pk: first.get(everyone[pk], 1))
    pools = {
        "coach": [pk for pk in ordered if pk in coaches],
        "manager": [pk for pk in ordered if pk in managers - coaches],
        "mentor": [pk for pk in ordered if pk in mentors - managers - coaches],
        "engineer": [pk for pk in ordered if pk not in managers | mentors],
    }
    quotas = {"coach": 1, "manager": count // 4, "mentor": count // 4}
    quotas["engineer"] = count - sum(quotas.values())
    picked = {role: pool[: quotas[role]] for role, pool in pools.items()}
    # Too few of a role: fill from what is left, engineers first.
    for role in ("engineer", "mentor", "manager", "coach"):
        spare = [pk for pk in pools[role] if pk not in picked[role]]
        short = count - sum(map(len, picked.values()))
        picked[role] += spare[:short]
    return [
        Person(
            email=everyone[pk],
            role=role,
            manager=pk in managers,
            mentor=pk in mentors,
            coach=pk in coaches,
        )
        for role, pks in picked.items()
        for pk in pks
    ]


def is_seeded(scale: float) -> bool:
    """Whether the current database holds the organisation of ``scale``."""
    try:
        return (
            User.objects.filter(email=ADMIN_EMAIL).exists()
            and Engineer.objects.count() == Sizes.at(scale).engineers
        )
    except Exception:  # no tables yet
        return False
