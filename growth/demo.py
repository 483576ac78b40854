"""A believable demo organisation: people, six months of feedback, goals, 1:1s,
mentoring and learning, so that every page and every reminder has something to show.

``demo_seed`` builds it in one transaction; ``demo_exists`` says whether it is
there; ``demo_logins_set_password`` resets the five logins. The ``seed_demo``
command is a thin wrapper around the three.

Every choice comes from one ``random.Random(seed)`` and every date is counted back
from ``now``, so the same seed and the same ``now`` give the same data. Some gaps
are left on purpose for the reminders to find: Kenji has had no feedback from his
manager for over three weeks, Lukas has only ever had technical feedback, Diego has
not checked in with his mentee Zara for five weeks, Tom's and Liam's goals are
overdue and stale, and some feedback requests are past their due date.
"""

from __future__ import annotations

import copy
import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from growth import rhythm
from growth.demo_words import (
    CAREER_GOALS,
    CHECK_IN_WORDS,
    FOLLOW_UPS,
    GENERIC_COMPETENCY,
    GOAL_LAST_NOTES,
    GOAL_PROGRESS_NOTES,
    IMPACTS,
    INTERPERSONAL_GOALS,
    LEARNING_DAY_TOPICS,
    NOTE_TEXTS,
    PRAISE_LINES,
    REPLIES,
    REQUEST_MESSAGES,
    SITUATIONS,
    TECHNICAL_GOALS,
    TOPICS,
)
from growth.models import (
    ActionItem,
    Attendance,
    CheckIn,
    CheckInKind,
    Competency,
    CompetencyKind,
    Engineer,
    EventKind,
    FeedbackComment,
    FeedbackNote,
    FeedbackRequest,
    Goal,
    GoalCheckIn,
    GoalKind,
    GoalStatus,
    Hackathon,
    HackathonTeam,
    LearningActivity,
    LearningDayPlan,
    LearningKind,
    LearningSession,
    Mentorship,
    Notification,
    ReminderKind,
    RequestStatus,
    Sentiment,
    SprintCadence,
    TopicKind,
    Visibility,
)
from growth.models.framework import (
    ENGINEERING,
    RANKS,
    Assessment,
    AssessmentRating,
    AssessmentRole,
    Expectation,
    Level,
    Rating,
    Readiness,
    ReadinessStatus,
    levels_by_rank,
)
from growth.services.insight import insight_counts_refresh

DEFAULT_SEED = 1
HISTORY_DAYS = 182
# Created in the same transaction as everything else: if it is there, all is.
MARKER_EMAIL = "engineer@example.com"
LOGINS = ("admin@example.com", "manager@example.com", "mentor@example.com", "coach@example.com", MARKER_EMAIL)  # fmt: skip

TECHNICAL, INTERPERSONAL = CompetencyKind.TECHNICAL, CompetencyKind.INTERPERSONAL
LON, BER, NYC, LAX, TYO = (
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Tokyo",
)
JUNIOR, MID, SENIOR, STAFF, PRINCIPAL = RANKS
MANAGEMENT = "management"


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    team: str
    manager: str | None
    level: str
    title: str
    tz: str
    started_days_ago: int
    track: str = ENGINEERING
    email: str = ""
    role: str = ""


# Managers come before their reports: engineers are created in this order.
PEOPLE = [
    Person("head", "Rachel Osei", "Platform", None, PRINCIPAL, "Head of Engineering", LON, 2400, MANAGEMENT, "admin@example.com", "staff and superuser; head of engineering, manages the managers and the coach"),
    Person("coach", "Sofia Marchetti", "Data & ML", "head", PRINCIPAL, "Principal Engineer", BER, 2000, email="coach@example.com", role="mentor coach: mentors Marcus, Ana and Diego, who mentor others"),
    Person("priya", "Priya Raman", "Platform", "head", STAFF, "Engineering Manager, Platform", LON, 1500, MANAGEMENT, "manager@example.com", "manager of the Platform team (7 direct reports)"),
    Person("daniel", "Daniel Weber", "Data & ML", "head", STAFF, "Engineering Manager, Data & ML", BER, 1100, MANAGEMENT),
    Person("grace", "Grace Kim", "Product", "head", SENIOR, "Engineering Manager, Product", NYC, 900, MANAGEMENT),
    Person("marcus", "Marcus Bennett", "Platform", "priya", STAFF, "Staff Engineer", LON, 1800, email="mentor@example.com", role="mentor of Emma, Aisha and Noah; coached by Sofia"),
    Person("emma", "Emma Lindqvist", "Platform", "priya", MID, "Backend Engineer", LON, 520, email="engineer@example.com", role="engineer: reports to Priya, mentored by Marcus"),
    Person("seun", "Oluwaseun Adeyemi", "Platform", "priya", SENIOR, "Site Reliability Engineer", LON, 1300),
    Person("lukas", "Lukas Hoffmann", "Platform", "priya", MID, "Platform Engineer", BER, 700),
    Person("aisha", "Aisha Khan", "Platform", "priya", JUNIOR, "Backend Engineer", LON, 300),
    Person("tom", "Tom Whitaker", "Platform", "priya", SENIOR, "Infrastructure Engineer", NYC, 1600),
    Person("kenji", "Kenji Watanabe", "Platform", "priya", MID, "DevOps Engineer", TYO, 640),
    Person("ana", "Ana Costa", "Data & ML", "daniel", SENIOR, "Senior ML Engineer", BER, 1250),
    Person("yuki", "Yuki Tanaka", "Data & ML", "daniel", MID, "Data Engineer", TYO, 800),
    Person("noah", "Noah Fischer", "Data & ML", "daniel", JUNIOR, "Data Engineer", BER, 250),
    Person("fatima", "Fatima Haddad", "Data & ML", "daniel", MID, "ML Engineer", LON, 600),
    Person("ben", "Ben Goldberg", "Data & ML", "daniel", SENIOR, "Analytics Engineer", NYC, 1400),
    Person("mei", "Mei Lin", "Data & ML", "daniel", JUNIOR, "ML Engineer", LAX, 210),
    Person("ravi", "Ravi Patel", "Data & ML", "daniel", MID, "Data Platform Engineer", LON, 950),
    Person("diego", "Diego Álvarez", "Product", "grace", SENIOR, "Senior Full-stack Engineer", LAX, 1350),
    Person("hannah", "Hannah Schmidt", "Product", "grace", MID, "Frontend Engineer", BER, 730),
    Person("jordan", "Jordan Brooks", "Product", "grace", JUNIOR, "Frontend Engineer", NYC, 330),
    Person("sakura", "Sakura Ito", "Product", "grace", MID, "Mobile Engineer", TYO, 880),
    Person("liam", "Liam O'Connor", "Product", "grace", MID, "Full-stack Engineer", NYC, 560),
    Person("zara", "Zara Ahmed", "Product", "grace", JUNIOR, "Backend Engineer", LAX, 120),
]  # fmt: skip

TEAMS = {
    "Platform": "Infrastructure, CI/CD, observability and the developer platform.",
    "Data & ML": "Pipelines, the warehouse, and the models behind recommendations.",
    "Product": "The customer-facing web and mobile apps.",
}

# (mentor, mentee, started days ago, ended days ago or None, focus, cadence in days)
MENTORSHIPS = [
    ("coach", "marcus", 240, None, "Becoming a mentor whose feedback lands", 28),
    ("coach", "ana", 200, None, "A first year as a mentor", 28),
    ("coach", "diego", 160, None, "Mentoring across time zones", 28),
    ("marcus", "emma", 130, None, "Growing towards senior: design and ownership", 14),
    ("marcus", "aisha", 230, None, "Finding your feet in backend work", 14),
    ("marcus", "noah", 150, None, "Production readiness for data pipelines", 21),
    ("ana", "mei", 190, None, "ML engineering fundamentals", 14),
    ("ana", "yuki", 210, None, "Speaking up in design discussions", 21),
    ("diego", "jordan", 300, None, "Frontend architecture and confidence in reviews", 14),
    ("diego", "zara", 105, None, "Onboarding and a first piece of ownership", 14),
    ("tom", "emma", 400, 140, "Getting started with infrastructure", 21),
    ("ben", "fatima", 420, 60, "SQL and analytics modelling", 21),
    ("seun", "kenji", 350, 95, "On-call confidence", 14),
    ("head", "priya", 900, 300, "Moving into management", 30),
]  # fmt: skip

# The gaps left on purpose (see the module docstring).
NO_MANAGER_FEEDBACK_DAYS = {"kenji": 23}
TECHNICAL_ONLY = {"lukas"}
MENTORING_STOPPED_DAYS = {("diego", "zara"): 35}


@dataclass(frozen=True)
class GoalPlan:
    title: str
    kind: str
    competency: str | None
    description: str
    created_days_ago: int
    target_in_days: int
    progress: int
    updated_days_ago: int
    status: str = GoalStatus.ACTIVE


FIXED_GOALS = {
    "emma": [
        GoalPlan("Lead the design of the rate-limiter service", GoalKind.TECHNICAL, "System design", "Write the RFC, run the design review and see it into production.", 150, -20, 100, 34, GoalStatus.ACHIEVED),
        GoalPlan("Speak up earlier when a deadline is at risk", GoalKind.INTERPERSONAL, "Ownership", "Raise risks in stand-up within a day of seeing them, with a proposal.", 118, 30, 60, 6),
        GoalPlan("Get ready for promotion to senior", GoalKind.CAREER, None, "Build the evidence for the senior level with Priya and Marcus.", 90, 120, 35, 10),
        GoalPlan("Run the team's sprint retrospective", GoalKind.INTERPERSONAL, "Communication", "Facilitate two retros and collect feedback on how they went.", 55, 6, 70, 3),
    ],
    "tom": [GoalPlan("Move the remaining services to the shared Terraform modules", GoalKind.TECHNICAL, "Production & MLOps", "Twelve services still use hand-written Terraform.", 160, -12, 50, 52)],
    "liam": [GoalPlan("Add end-to-end tests to the checkout flow", GoalKind.TECHNICAL, "Testing & validation", "Cover the happy path and the three commonest payment failures.", 130, -20, 40, 45)],
}  # fmt: skip

# (requester, recipient, created days ago, due in days, competency)
OPEN_REQUESTS = [
    ("emma", "marcus", 9, 5, "System design"),
    ("aisha", "priya", 20, -6, "Code quality"),
    ("kenji", "priya", 12, 2, "Communication"),
    ("noah", "marcus", 25, -11, "Production & MLOps"),
    ("marcus", "coach", 6, 8, "Mentoring"),
    ("jordan", "diego", 4, 10, None),
    ("fatima", "ana", 16, -2, "Testing & validation"),
]
# (requester, recipient, created days ago, days until answered)
FULFILLED_REQUESTS = [("emma", "priya", 75, 6), ("emma", "seun", 40, 3)]

# (title, leader, description)
SESSIONS = [
    ("How our deploy pipeline really works", "seun", "From merge to production, and where it can go wrong."),
    ("Reading flame graphs", "marcus", "Finding the slow part of a Python service with py-spy."),
    ("Feature stores 101", "ana", "Why we have one, and how to add a feature safely."),
    ("dbt patterns that scale", "ben", "Staging, marts and tests that catch real problems."),
    ("Writing an RFC people will read", "coach", "Constraints first, options second, decision last."),
    ("Accessibility for engineers", "diego", "Screen readers, focus order and colour contrast in practice."),
    ("Giving feedback that lands", "grace", "Situation, behaviour, impact — and a concrete suggestion."),
    ("Postgres indexing deep dive", "tom", "B-trees, partial indexes and reading EXPLAIN ANALYZE."),
    ("Testing ML pipelines", "ana", "Data validation, golden datasets and evaluation gates."),
    ("Incident command basics", "seun", "Roles, timelines and calm communication during an outage."),
]  # fmt: skip

# (kind, title, hours, days ago, attendees; the first logged it)
OTHER_LEARNING = [
    (LearningKind.COURSE, "Kubernetes CKA preparation", "12", 120, ["kenji"]),
    (LearningKind.COURSE, "Machine Learning Engineering for Production", "10", 80, ["mei"]),
    (LearningKind.READING, "Designing Data-Intensive Applications, chapters 5–9", "6", 140, ["emma"]),
    (LearningKind.READING, "The Staff Engineer's Path", "5", 100, ["marcus"]),
    (LearningKind.READING, "Accelerate — managers' book club", "4", 60, ["priya", "daniel", "grace"]),
    (LearningKind.CONFERENCE, "PyData Berlin", "16", 150, ["ana", "fatima", "noah"]),
    (LearningKind.CONFERENCE, "KubeCon Europe", "24", 110, ["seun", "lukas"]),
    (LearningKind.CONFERENCE, "React Summit", "8", 45, ["hannah", "jordan"]),
    (LearningKind.COURSE, "Web accessibility specialist preparation", "8", 30, ["diego"]),
    (LearningKind.COURSE, "Managing humans: a workshop for new managers", "6", 20, ["grace"]),
]  # fmt: skip


# What a manager or an engineer writes beside a rating, by rating.
DEMO_RATING_COMMENTS = {
    Rating.BELOW: "Not yet consistent: a goal on it for the next quarter.",
    Rating.MEETS: "Steady at this level, with examples in the last few months.",
    Rating.EXCEEDS: "Already working at the next level here.",
}
READY_SUMMARY = (
    "Leads the incident reviews and the on-call handbook; ready for the next level."
)
GETTING_THERE_SUMMARY = (
    "Strong delivery; system design and leading in reviews are the next steps."
)
NOT_YET_SUMMARY = "A good year at this level; interpersonal feedback is the gap."


class DemoConflict(Exception):
    """Some of the demo's people already exist, without the demo."""


def demo_logins() -> list[tuple[str, str, str]]:
    """Return (email, name, role) for each of the five logins."""
    people = {p.email: p for p in PEOPLE if p.email}
    return [(email, people[email].name, people[email].role) for email in LOGINS]


def demo_exists() -> bool:
    return User.objects.filter(email__iexact=MARKER_EMAIL).exists()


def demo_logins_set_password(*, password: str) -> int:
    """Set ``password`` on those of the five logins that exist; return how many."""
    users = list(User.objects.filter(email__in=LOGINS))
    for user in users:
        user.set_password(password)
        user.save(update_fields=["password"])
    return len(users)


@transaction.atomic
def demo_seed(*, now: datetime, password: str, seed: int = DEFAULT_SEED) -> dict:
    """Build the demo organisation as of ``now``; return how many of each were made.

    The five logins get ``password``; everyone else gets an unusable one.
    """
    emails = [p.email or _email(p.name) for p in PEOPLE]
    taken = sorted(
        User.objects.filter(email__in=emails).values_list("email", flat=True)
    )
    if taken:
        raise DemoConflict(
            f"These demo people already exist: {', '.join(taken)}. "
            "Seed the demo into a fresh database, or remove them first."
        )
    return _Builder(now=now, seed=seed, password=password).build()


def _email(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return ".".join(re.sub(r"[^a-z ]", "", plain.lower()).split()) + "@example.com"


def _workday(day: date) -> date:
    """Move a weekend day back to the Friday before it."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def _weekday_on_or_before(day: date, weekday: int) -> date:
    return day - timedelta(days=(day.weekday() - weekday) % 7)


class _Builder:
    def __init__(self, *, now: datetime, seed: int, password: str):
        self.rng = random.Random(seed)
        self.now = now
        self.today = timezone.localdate(now)
        self.window_start = self.today - timedelta(days=HISTORY_DAYS)
        self.password = password
        self.people = {p.key: p for p in PEOPLE}
        self.eng: dict[str, Engineer] = {}
        competencies = list(Competency.objects.filter(is_active=True).order_by("name"))
        self.competency_by_name = {c.name: c for c in competencies}
        self.competencies = {
            kind: [c for c in competencies if c.kind == kind]
            for kind in (TECHNICAL, INTERPERSONAL)
        }
        self.mentorships: list[Mentorship] = []
        # engineer key -> [(goal, first day, last day)]: what notes may link to
        self.goal_spans: dict[str, list[tuple[Goal, date, date]]] = {}
        self.notes: list[FeedbackNote] = []
        # (note, author, body, when): the conversations, saved after the notes.
        self.comments: list[tuple[FeedbackNote, User, str, datetime]] = []
        self.last_check_in: dict[tuple[str, str], date] = {}

    # --- helpers ---------------------------------------------------------------

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def started_on(self, key: str) -> date:
        return self.ago(self.people[key].started_days_ago)

    def first_day(self, key: str) -> date:
        """The first day of someone's history in the demo."""
        return max(self.window_start, self.started_on(key) + timedelta(days=7))

    def history_days(self, key: str) -> int:
        return (self.today - self.first_day(key)).days

    def at(self, day: date, key: str, hours=(9, 17)) -> datetime:
        """A time on ``day`` in the working hours of ``key``, never after now."""
        clock = time(self.rng.randint(*hours), self.rng.randint(0, 59))
        moment = datetime.combine(day, clock, tzinfo=ZoneInfo(self.people[key].tz))
        if moment > self.now:
            moment = self.now - timedelta(minutes=self.rng.randint(5, 180))
        return moment

    def later(self, moment: datetime, lo: int, hi: int) -> datetime:
        """``moment`` plus lo to hi minutes, never after now."""
        return min(moment + timedelta(minutes=self.rng.randint(lo, hi)), self.now)

    def dates(self, first: date, last: date, lo: int, hi: int) -> list[date]:
        """Workdays from ``first`` to ``last``, lo to hi days apart."""
        days = []
        while first <= last:
            days.append(_workday(first))
            first += timedelta(days=self.rng.randint(lo, hi))
        return days

    def first_name(self, key: str) -> str:
        return self.people[key].name.split()[0]

    def teammates(self, key: str) -> list[str]:
        team = self.people[key].team
        return [p.key for p in PEOPLE if p.team == team and p.key != key]

    def topic(self, key: str) -> str:
        return self.rng.choice(TOPICS[self.people[key].team])

    def active_mentors(self, key: str) -> list[str]:
        return [m[0] for m in MENTORSHIPS if m[1] == key and m[3] is None]

    def competency(self, kind: str, name: str | None = None) -> Competency | None:
        if name in self.competency_by_name:
            return self.competency_by_name[name]
        options = self.competencies[kind]
        return self.rng.choice(options) if options else None

    def goals_of(self, key: str, day: date, kind: str | None = None) -> list[Goal]:
        return [
            goal
            for goal, first, last in self.goal_spans.get(key, [])
            if first <= day <= last and kind in (None, goal.kind)
        ]

    # --- the organisation ------------------------------------------------------

    def build(self) -> dict[str, int]:
        teams = self.build_people()
        self.build_mentorships()
        goals, goal_check_ins = self.build_goals()
        requests = self.build_requests()
        self.build_feedback()
        check_ins, items = self.build_check_ins()
        learning = self.build_learning()
        assessments = self.build_framework(learning)
        plans = self.build_rhythm(teams, learning)
        events = self.build_sessions()
        notifications = self.build_notifications(requests)
        history = self.build_history(goals, goal_check_ins)
        # Beat counts the insight every quarter hour; the demo opens counted.
        insight_counts_refresh(now=self.now)
        return {
            "teams": len(teams),
            "engineers": len(self.eng),
            "mentorships": len(self.mentorships),
            "goals": len(goals),
            "goal check-ins": len(goal_check_ins),
            "feedback requests": len(requests),
            "feedback notes": len(self.notes),
            "comments": len(self.comments),
            "check-ins": len(check_ins),
            "action items": len(items),
            "learning activities": len(learning),
            "framework assessments": assessments,
            "learning-day plans": len(plans),
            "sessions and hackathons": events,
            "notifications": len(notifications),
            "history records": history,
        }

    # --- the career framework ----------------------------------------------------

    def build_framework(self, learning: list[LearningActivity]) -> int:
        """Assessments in progress: Emma shared her self-assessment and Priya
        is drafting hers; a few others have a shared manager assessment;
        Oluwaseun is ready for the next level and Emma getting there; learning
        is tagged with competencies; some people were promoted lately. Bulk
        writes, a handful of queries."""
        # Learning builds evidence: tag what has no competency yet.
        untagged = [activity for activity in learning if activity.competency_id is None]
        for activity in untagged:
            kind = INTERPERSONAL if self.rng.random() < 0.3 else TECHNICAL
            activity.competency = self.competency(kind)
        LearningActivity.objects.bulk_update(untagged, ["competency"], batch_size=200)
        # Promotions within the last year: their level took effect then.
        promoted = {"emma": 200, "seun": 320, "ana": 150, "tom": 700, "marcus": 400}
        for key, days in promoted.items():
            self.eng[key].level_since = self.ago(days)
        Engineer.objects.bulk_update(
            [self.eng[key] for key in promoted], ["level_since"]
        )

        expected: dict[int, list[int]] = {}
        for level_id, competency_id in Expectation.objects.filter(
            competency__is_active=True
        ).values_list("level_id", "competency_id"):
            expected.setdefault(level_id, []).append(competency_id)
        everything = [c.pk for kind in self.competencies.values() for c in kind]

        # (engineer, role, author, shared days ago or None for a draft)
        plans = [
            ("emma", AssessmentRole.SELF, "emma", 12),
            ("emma", AssessmentRole.MANAGER, "priya", None),
            ("seun", AssessmentRole.SELF, "seun", 40),
            ("seun", AssessmentRole.MANAGER, "priya", 30),
            ("lukas", AssessmentRole.MANAGER, "priya", 75),
            ("tom", AssessmentRole.MANAGER, "priya", 200),
            ("ana", AssessmentRole.MANAGER, "daniel", 20),
            ("yuki", AssessmentRole.MANAGER, "daniel", 60),
            ("hannah", AssessmentRole.SELF, "hannah", 25),
        ]
        assessments, ratings = [], []
        for key, role, author, shared in plans:
            engineer = self.eng[key]
            created = self.at(self.ago((shared or 0) + 6), author)
            assessment = Assessment(
                engineer=engineer,
                role=role,
                author=self.eng[author].user,
                level=engineer.level,
                created_at=created,
                shared_at=None if shared is None else self.at(self.ago(shared), author),
            )
            assessments.append(assessment)
            for competency_id in expected.get(engineer.level_id) or everything:
                roll = self.rng.random()
                rating = (
                    Rating.BELOW
                    if roll < 0.2
                    else Rating.EXCEEDS
                    if roll > 0.85
                    else Rating.MEETS
                )
                ratings.append((assessment, competency_id, rating))
        Assessment.objects.bulk_create(assessments)
        # auto_now said "now"; an assessment was last touched when written.
        Assessment.objects.filter(pk__in=[a.pk for a in assessments]).update(
            updated_at=F("created_at")
        )
        AssessmentRating.objects.bulk_create(
            [
                AssessmentRating(
                    assessment=assessment,
                    competency_id=competency_id,
                    rating=rating,
                    comment=DEMO_RATING_COMMENTS[rating],
                )
                for assessment, competency_id, rating in ratings
            ],
            batch_size=500,
        )
        readiness = []
        for key, status, shared, summary in (
            ("seun", ReadinessStatus.READY, 28, READY_SUMMARY),
            ("emma", ReadinessStatus.GETTING_THERE, 12, GETTING_THERE_SUMMARY),
            ("lukas", ReadinessStatus.NOT_YET, None, NOT_YET_SUMMARY),
        ):
            engineer = self.eng[key]
            target = Level.objects.filter(
                track_id=engineer.level.track_id, rank=engineer.level.rank + 1
            ).first()
            if target is None:
                continue
            readiness.append(
                Readiness(
                    engineer=engineer,
                    level=target,
                    status=status,
                    summary=summary,
                    author=engineer.manager.user,
                    created_at=self.at(self.ago((shared or 0) + 3), "priya"),
                    shared_at=None
                    if shared is None
                    else self.at(self.ago(shared), "priya"),
                )
            )
        Readiness.objects.bulk_create(readiness)
        return len(assessments)

    def build_people(self) -> list[Team]:
        teams = {}
        for name, description in TEAMS.items():
            teams[name], created = Team.objects.get_or_create(
                name=name, defaults={"description": description}
            )
            if created:  # auto_now_add said "now"
                founded = self.at(self.started_on("head"), "head")
                Team.objects.filter(pk=teams[name].pk).update(created_at=founded)
        users = {}
        for person in PEOPLE:
            users[person.key] = user = User(
                email=person.email or _email(person.name),
                display_name=person.name,
                time_zone=person.tz,
                is_staff=person.key == "head",
                is_superuser=person.key == "head",
                date_joined=self.at(self.started_on(person.key), person.key),
            )
            if person.email:
                user.set_password(self.password)
            else:
                user.set_unusable_password()
        User.objects.bulk_create(users.values())
        levels = levels_by_rank()
        for person in PEOPLE:
            self.eng[person.key] = Engineer.objects.create(
                user=users[person.key],
                team=teams[person.team],
                manager=self.eng[person.manager] if person.manager else None,
                level=levels[person.track, RANKS[person.level]],
                level_since=self.started_on(person.key),
                title=person.title,
                start_date=self.started_on(person.key),
            )
        # auto_now_add and auto_now said "now"; date them from when people joined.
        for engineer in self.eng.values():
            engineer.created_at = engineer.updated_at = engineer.user.date_joined
        Engineer.objects.bulk_update(self.eng.values(), ["created_at", "updated_at"])
        return list(teams.values())

    def build_mentorships(self) -> None:
        for mentor, mentee, started, ended, focus, cadence in MENTORSHIPS:
            mentorship = Mentorship(
                mentor=self.eng[mentor],
                mentee=self.eng[mentee],
                started_on=self.ago(started),
                ended_on=self.ago(ended) if ended is not None else None,
                focus=focus,
                cadence_days=cadence,
            )
            self.mentorships.append(mentorship)
        Mentorship.objects.bulk_create(self.mentorships)
        for mentorship, (mentor, *_) in zip(self.mentorships, MENTORSHIPS, strict=True):
            mentorship.created_at = self.at(mentorship.started_on, mentor)
            mentorship.updated_at = mentorship.created_at
            if mentorship.ended_on:
                mentorship.updated_at = self.at(mentorship.ended_on, mentor)
        Mentorship.objects.bulk_update(self.mentorships, ["created_at", "updated_at"])

    # --- history -----------------------------------------------------------------

    def build_history(
        self, goals: list[Goal], goal_check_ins: list[GoalCheckIn]
    ) -> int:
        """The change history the app would have kept while all this happened:
        each note, goal and mentorship as it was first written, and as it was
        last changed (a note answered, a goal's progress, a mentorship ended)."""
        first: dict[type, list] = {FeedbackNote: [], Goal: [], Mentorship: []}
        last: dict[type, list] = {FeedbackNote: [], Goal: [], Mentorship: []}

        def version(obj, when, by, **fields):
            snapshot = copy.copy(obj)
            for name, value in fields.items():
                setattr(snapshot, name, value)
            snapshot._history_date, snapshot._history_user = when, by
            return snapshot

        for note in self.notes:
            first[FeedbackNote].append(
                version(
                    note,
                    note.created_at,
                    note.author,
                    acknowledged_at=None,
                    reply="",
                    replied_at=None,
                    actionable=None,
                    updated_at=note.created_at,
                )
            )
            if note.acknowledged_at:
                when = max(
                    note.acknowledged_at, note.replied_at or note.acknowledged_at
                )
                last[FeedbackNote].append(
                    version(note, when, note.engineer.user, updated_at=note.created_at)
                )
        latest = {check_in.goal_id: check_in for check_in in goal_check_ins}
        for goal in goals:
            first[Goal].append(
                version(
                    goal,
                    goal.created_at,
                    goal.created_by,
                    progress=0,
                    status=GoalStatus.ACTIVE,
                    updated_at=goal.created_at,
                )
            )
            if goal.pk in latest:
                check_in = latest[goal.pk]
                last[Goal].append(version(goal, check_in.created_at, check_in.author))
        for mentorship in self.mentorships:
            first[Mentorship].append(
                version(
                    mentorship,
                    mentorship.created_at,
                    None,
                    ended_on=None,
                    updated_at=mentorship.created_at,
                )
            )
            if mentorship.ended_on:
                last[Mentorship].append(
                    version(mentorship, mentorship.updated_at, None)
                )
        count = 0
        for model in first:
            model.history.bulk_history_create(first[model], batch_size=200)
            model.history.bulk_history_create(last[model], batch_size=200, update=True)
            count += len(first[model]) + len(last[model])
        return count

    # --- goals -----------------------------------------------------------------

    def build_goals(self) -> tuple[list[Goal], list[GoalCheckIn]]:
        goals, check_ins = [], []
        for person in PEOPLE:
            for plan in FIXED_GOALS.get(person.key) or self.random_goals(person):
                goal, points = self.goal(person.key, plan)
                goals.append(goal)
                check_ins.extend(points)
        Goal.objects.bulk_create(goals)
        GoalCheckIn.objects.bulk_create(check_ins)
        # The goal was last changed by its latest check-in.
        latest = {check_in.goal_id: check_in.created_at for check_in in check_ins}
        for goal in goals:
            goal.updated_at = latest.get(goal.pk, goal.created_at)
        Goal.objects.bulk_update(goals, ["updated_at"])
        return goals, check_ins

    def random_goals(self, person: Person) -> list[GoalPlan]:
        """One to three goals, some achieved, in days counted back from today."""
        count = 1 if person.key == "head" else self.rng.choice([1, 2, 2, 3])
        bank = [*TECHNICAL_GOALS, *INTERPERSONAL_GOALS, CAREER_GOALS[person.level]]
        plans = []
        for title, kind, competency, description in self.rng.sample(bank, count):
            created = self.rng.randint(35, max(36, self.history_days(person.key) - 14))
            target = created - self.rng.randint(60, 160)  # negative: in the future
            if target >= -3:  # due by now: done, or given up
                updated = min(self.rng.randint(1, 14) + max(0, target), created - 20)
                status, progress = GoalStatus.ACHIEVED, 100
                if self.rng.random() < 0.15:
                    status, progress = GoalStatus.ABANDONED, self.rng.randint(20, 50)
            else:
                status, updated = GoalStatus.ACTIVE, self.rng.randint(1, 12)
                elapsed = (created - updated) / (created - target)
                progress = round(100 * elapsed * self.rng.uniform(0.7, 1.1))
                progress = min(90, max(10, progress))
            plans.append(
                GoalPlan(title, kind, competency, description, created, -target, progress, updated, status)
            )  # fmt: skip
        return plans

    def goal(self, key: str, plan: GoalPlan) -> tuple[Goal, list[GoalCheckIn]]:
        """An unsaved goal and its check-ins, with progress rising to the plan's."""
        manager = self.people[key].manager
        created, last = self.ago(plan.created_days_ago), self.ago(plan.updated_days_ago)
        by_manager = manager and self.rng.random() < 0.3
        goal = Goal(
            engineer=self.eng[key],
            title=plan.title,
            description=plan.description,
            kind=plan.kind,
            competency=(
                None
                if plan.kind == GoalKind.CAREER
                else self.competency(plan.kind, plan.competency)
            ),
            target_date=self.today + timedelta(days=plan.target_in_days),
            status=plan.status,
            progress=plan.progress,
            created_by=self.eng[manager if by_manager else key].user,
            created_at=self.at(created, key),
        )
        start = created + timedelta(days=self.rng.randint(5, 10))
        days = [d for d in self.dates(start, last, 10, 21) if d < last - timedelta(3)]
        # At most one check-in per 4%, so progress can rise at every one.
        days = [*days, last][-max(1, plan.progress // 4) :]
        points, previous = [], 0
        for i, day in enumerate(days, 1):
            progress = plan.progress
            if i < len(days):
                progress = round(plan.progress * i / len(days)) + self.rng.randint(
                    -3, 3
                )
                ceiling = plan.progress - (len(days) - i)
                progress = max(previous + 1, min(progress, ceiling))
            previous = progress
            author, roll = key, self.rng.random()
            if roll < 0.2 and manager:
                author = manager
            elif roll < 0.3 and self.active_mentors(key):
                author = self.active_mentors(key)[0]
            note = self.rng.choice(GOAL_PROGRESS_NOTES)
            if i == len(days) and plan.status != GoalStatus.ACTIVE:
                note = self.rng.choice(GOAL_LAST_NOTES[plan.status])
            points.append(
                GoalCheckIn(
                    goal=goal,
                    author=self.eng[author].user,
                    progress=progress,
                    note=note,
                    created_at=self.at(day, author),
                )
            )
        if plan.kind != GoalKind.CAREER:
            until = self.today if plan.status == GoalStatus.ACTIVE else last
            self.goal_spans.setdefault(key, []).append((goal, created, until))
        return goal, points

    # --- feedback --------------------------------------------------------------

    def build_requests(self) -> list[FeedbackRequest]:
        requests = []
        for requester, recipient, created, due, competency in OPEN_REQUESTS:
            due_on = self.today + timedelta(days=due)
            requests.append(
                self.request(requester, recipient, created, due_on, competency)
            )
        for requester, recipient, created, answered in FULFILLED_REQUESTS:
            requests.append(
                self.request(requester, recipient, created, answered=answered)
            )
        keys = [p.key for p in PEOPLE if p.key != "head"]
        for i in range(16):
            requester = self.rng.choice(keys)
            recipients = self.teammates(requester)
            if requester in NO_MANAGER_FEEDBACK_DAYS:  # keep the gap a gap
                recipients.remove(self.people[requester].manager)
            recipient = self.rng.choice(recipients)
            if i < 4:  # still open; some of them overdue
                created = self.rng.randint(2, 30)
                requests.append(self.request(requester, recipient, created))
                continue
            created = self.rng.randint(20, self.history_days(requester))
            answered = min(self.rng.randint(1, 10), created - 1)
            status = RequestStatus.DECLINED if i == 15 else RequestStatus.FULFILLED
            requests.append(
                self.request(requester, recipient, created, answered=answered, status=status)
            )  # fmt: skip
        FeedbackRequest.objects.bulk_create(requests)
        key_of = {engineer.pk: key for key, engineer in self.eng.items()}
        for request in requests:
            if request.status != RequestStatus.FULFILLED:
                continue
            note = self.note(
                key_of[request.recipient_id],
                key_of[request.requester_id],
                request.closed_at.date(),
                role="peer",
                visibility=Visibility.SHARED,
                competency=request.competency,
            )
            note.request = request
            note.goal = request.goal or note.goal
            note.created_at = request.closed_at
            self.answer(note)
            self.notes.append(note)
        return requests

    def request(
        self,
        requester: str,
        recipient: str,
        created: int,
        due_on: date | None = None,
        competency: str | None = None,
        *,
        answered: int | None = None,
        status: str = RequestStatus.FULFILLED,
    ) -> FeedbackRequest:
        """An unsaved request made ``created`` days ago: open, or closed days later."""
        created_on = self.ago(created)
        kinds = (
            [TECHNICAL] if requester in TECHNICAL_ONLY else [TECHNICAL, INTERPERSONAL]
        )
        if competency is None and self.rng.random() < 0.6:
            competency = getattr(self.competency(self.rng.choice(kinds)), "name", None)
        competency_obj = self.competency_by_name.get(competency)
        created_at = self.at(created_on, requester)
        message = self.rng.choice(REQUEST_MESSAGES).format(
            topic=self.topic(requester),
            skill=competency_obj.name.lower() if competency_obj else "work",
        )
        goals = self.goals_of(requester, created_on)
        goal = self.rng.choice(goals) if goals and self.rng.random() < 0.3 else None
        closed_at = None
        if answered is not None:
            closed_at = self.later(created_at + timedelta(days=answered), 0, 240)
        return FeedbackRequest(
            requester=self.eng[requester],
            recipient=self.eng[recipient],
            message=message,
            competency=competency_obj,
            goal=goal,
            due_on=due_on or created_on + timedelta(days=14),
            status=RequestStatus.OPEN if answered is None else status,
            created_at=created_at,
            closed_at=closed_at,
        )

    def build_feedback(self) -> None:
        for person in PEOPLE:
            key = person.key
            if person.manager:
                stop = self.ago(NO_MANAGER_FEEDBACK_DAYS.get(key, 0))
                lo, hi = (14, 25) if person.manager == "head" else (8, 16)
                first = self.first_day(key) + timedelta(self.rng.randint(0, 8))
                for day in self.dates(first, stop, lo, hi):
                    self.stream_note(person.manager, key, day, role="manager")
            peers = [k for k in self.teammates(key) if k != person.manager]
            peers = self.rng.sample(peers, 2)
            if self.rng.random() < 0.3:
                peers.append(
                    self.rng.choice([p.key for p in PEOPLE if p.team != person.team])
                )
            for peer in peers:
                first = max(self.first_day(key), self.first_day(peer))
                first += timedelta(self.rng.randint(0, 40))
                for day in self.dates(first, self.today, 40, 80):
                    self.stream_note(peer, key, day, role="peer")
        for mentor, mentee, started, ended, _focus, _cadence in MENTORSHIPS:
            first = max(self.ago(started), self.first_day(mentee))
            first += timedelta(self.rng.randint(3, 12))
            last = self.today if ended is None else self.ago(ended)
            role = "mentor" if ended is None else "peer"
            for day in self.dates(first, last, 14, 30):
                self.stream_note(mentor, mentee, day, role=role)
        # Notes to self: the engineer's own reflections.
        for key in ["emma", "emma", "emma", *self.rng.sample(list(self.people)[1:], 5)]:
            day = _workday(self.ago(self.rng.randint(1, self.history_days(key))))
            note = self.note(key, key, day, role="self", visibility=Visibility.SELF)
            self.notes.append(note)
        self.praise_lines()
        FeedbackNote.objects.bulk_create(self.notes, batch_size=200)
        ours = FeedbackNote.objects.filter(engineer__in=list(self.eng.values()))
        ours.update(updated_at=F("created_at"))
        FeedbackComment.objects.bulk_create(
            [
                FeedbackComment(
                    note=note, author=author, body=body, created_at=at, updated_at=at
                )
                for note, author, body, at in self.comments
            ],
            batch_size=200,
        )

    def praise_lines(self) -> None:
        """Quick thanks in one line from teammates, half of it on the Praise wall."""
        keys = list(self.people)
        for n in range(16):
            kind = (TECHNICAL, INTERPERSONAL)[n % 2]
            # Peers only, and none for the technical-only case: the demo's
            # reminder stories (no feedback from the manager, no interpersonal
            # feedback) must still hold.
            engineer = self.rng.choice(
                [k for k in keys if kind == TECHNICAL or k not in TECHNICAL_ONLY]
            )
            manager = self.people[engineer].manager
            peers = [k for k in keys if k not in (engineer, manager)]
            author = self.rng.choice(
                [k for k in self.teammates(engineer) if k in peers] or peers
            )
            day = _workday(
                self.ago(self.rng.randint(0, min(60, self.history_days(engineer))))
            )
            note = FeedbackNote(
                author=self.eng[author].user,
                engineer=self.eng[engineer],
                kind=kind,
                competency=self.competency(kind),
                sentiment=Sentiment.PRAISE,
                message=self.rng.choice(PRAISE_LINES[kind]),
                situation="",
                behaviour="",
                impact="",
                suggestion="",
                visibility=Visibility.SHARED,
                public=n % 2 == 0 or n < 4,
                created_at=self.at(day, author),
            )
            self.answer(note)
            self.notes.append(note)

    def stream_note(self, author: str, engineer: str, day: date, *, role: str):
        # A manager or active mentor sometimes keeps a note between themselves and
        # the manager, or to themselves; peers always share.
        manager_only, to_self = {"manager": (0.12, 0.17), "mentor": (0.1, 0.13)}.get(
            role, (0, 0)
        )
        roll = self.rng.random()
        visibility = Visibility.SHARED
        if roll < manager_only:
            visibility = Visibility.MANAGER
        elif roll < to_self:
            visibility = Visibility.SELF
        note = self.note(author, engineer, day, role=role, visibility=visibility)
        self.answer(note)
        self.notes.append(note)

    def note(self, author, engineer, day, *, role, visibility, competency=None):
        """An unsaved feedback note, its words drawn from the banks below."""
        if engineer in TECHNICAL_ONLY:
            kind = TECHNICAL
        elif competency is not None:
            kind = competency.kind
        else:
            share = {"manager": 0.5, "mentor": 0.4, "peer": 0.6}.get(role, 0.5)
            kind = TECHNICAL if self.rng.random() < share else INTERPERSONAL
        if competency is None or competency.kind != kind:
            competency = self.competency(kind)
        sentiment = self.rng.choice(
            [Sentiment.PRAISE] * 3 + [Sentiment.CONSTRUCTIVE] * 2
        )
        name = competency.name if competency else ""
        behaviours, suggestions = NOTE_TEXTS.get(
            (name, sentiment), NOTE_TEXTS[(GENERIC_COMPETENCY[kind], sentiment)]
        )
        when = _workday(day - timedelta(self.rng.randint(0, 3)))
        situation = self.rng.choice(SITUATIONS[kind])
        goals = self.goals_of(engineer, day, kind)
        return FeedbackNote(
            author=self.eng[author].user,
            engineer=self.eng[engineer],
            kind=kind,
            competency=competency,
            sentiment=sentiment,
            situation=situation.format(topic=self.topic(engineer), weekday=f"{when:%A}"),
            behaviour=self.rng.choice(behaviours),
            impact=self.rng.choice(IMPACTS[(kind, sentiment)]),
            suggestion=self.rng.choice(suggestions),
            visibility=visibility,
            goal=self.rng.choice(goals) if goals and self.rng.random() < 0.25 else None,
            created_at=self.at(day, author),
        )  # fmt: skip

    def answer(self, note: FeedbackNote) -> None:
        """Acknowledge, reply to and rate a shared note, as people really do."""
        if note.visibility != Visibility.SHARED:
            return
        age = (self.now - note.created_at).days
        chance = 0.88 if age > 10 else 0.35 if age > 1 else 0.1
        if self.rng.random() >= chance:
            return
        minutes = self.rng.randint(20, 4 * 24 * 60)
        acknowledged = note.created_at + timedelta(minutes=minutes)
        if acknowledged >= self.now:
            return
        note.acknowledged_at = acknowledged
        if self.rng.random() < 0.35:
            note.replied_at = self.later(acknowledged, 2, 180)
            body = self.rng.choice(REPLIES[note.sentiment])
            self.comments.append((note, note.engineer.user, body, note.replied_at))
            if self.rng.random() < 0.4 and note.replied_at < self.now:
                back = self.later(note.replied_at, 30, 600)
                self.comments.append(
                    (note, note.author, self.rng.choice(FOLLOW_UPS), back)
                )
        if self.rng.random() < 0.65:
            useful = 0.85 if note.sentiment == Sentiment.PRAISE else 0.75
            note.actionable = self.rng.random() < useful

    # --- check-ins -------------------------------------------------------------

    def build_check_ins(self) -> tuple[list[CheckIn], list[ActionItem]]:
        pairs = []  # (author, engineer, mentorship or None, days)
        for person in PEOPLE:
            if person.manager:
                lo, hi = (21, 35) if person.manager == "head" else (12, 16)
                first = self.first_day(person.key) + timedelta(self.rng.randint(0, 6))
                days = self.dates(first, self.today, lo, hi)
                days = [d for d in days if self.rng.random() > 0.1]  # holidays
                pairs.append((person.manager, person.key, None, days))
        for mentorship, (mentor, mentee, *_) in zip(
            self.mentorships, MENTORSHIPS, strict=True
        ):
            first = max(mentorship.started_on, self.window_start)
            first += timedelta(self.rng.randint(0, 6))
            stopped = self.ago(MENTORING_STOPPED_DAYS.get((mentor, mentee), 0))
            cadence = mentorship.cadence_days
            days = self.dates(
                first, mentorship.ended_on or stopped, cadence - 3, cadence + 2
            )
            pairs.append((mentor, mentee, mentorship, days))
        check_ins, items = [], []
        for author, engineer, mentorship, days in pairs:
            for i, day in enumerate(days):
                check_in = CheckIn(
                    author=self.eng[author].user,
                    engineer=self.eng[engineer],
                    kind=CheckInKind.MENTORING if mentorship else CheckInKind.ONE_ON_ONE,
                    mentorship=mentorship,
                    held_on=day,
                    notes=self.check_in_notes(engineer, mentorship),
                    created_at=self.at(day, author, hours=(10, 17)),
                )  # fmt: skip
                check_ins.append(check_in)
                following = days[i + 1] if i + 1 < len(days) else None
                items.extend(self.action_items(check_in, engineer, following))
            if days:
                self.last_check_in[author, engineer] = days[-1]
        CheckIn.objects.bulk_create(check_ins, batch_size=200)
        ActionItem.objects.bulk_create(items, batch_size=200)
        ours = CheckIn.objects.filter(engineer__in=list(self.eng.values()))
        ours.update(updated_at=F("created_at"))
        return check_ins, items

    def check_in_notes(self, engineer: str, mentorship) -> str:
        topic = self.topic(engineer)
        fill = {
            "first": self.first_name(engineer),
            "topic": topic,
            "Topic": topic[0].upper() + topic[1:],
            "mood": self.rng.choice(CHECK_IN_WORDS["mood"]),
            "status": self.rng.choice(CHECK_IN_WORDS["status"]),
            "growth": self.rng.choice(CHECK_IN_WORDS["growth"]),
            "next": self.rng.choice(CHECK_IN_WORDS["next"]),
            "cadence": self.rng.choice(CHECK_IN_WORDS["cadence"]),
        }
        if mentorship is None:
            return self.rng.choice(CHECK_IN_WORDS["one_on_one"]).format(**fill)
        # A mentee who mentors others is being coached: talk about their mentees.
        mentees = [self.first_name(m[1]) for m in MENTORSHIPS if m[0] == engineer and m[3] is None]  # fmt: skip
        if mentees:
            fill["mentees"] = ", ".join(mentees[:-1]) + " and " + mentees[-1]
            return self.rng.choice(CHECK_IN_WORDS["coaching"]).format(**fill)
        return self.rng.choice(CHECK_IN_WORDS["mentoring"]).format(**fill)

    def action_items(self, check_in, engineer, following) -> list[ActionItem]:
        """Items agreed at ``check_in``; most are done before the ``following`` one."""
        mentoring = check_in.mentorship is not None
        bank = CHECK_IN_WORDS["mentoring_items" if mentoring else "one_on_one_items"]
        items = []
        for description in self.rng.sample(
            bank, self.rng.randint(int(not mentoring), 3)
        ):
            done_at = None
            if following is not None and self.rng.random() < 0.8:
                span = max(1, (following - check_in.held_on).days - 1)
                day = check_in.held_on + timedelta(self.rng.randint(1, span))
                done_at = self.at(day, engineer)
            elif following is None and self.rng.random() < 0.25:
                done_at = self.later(check_in.created_at, 60, 3 * 24 * 60)
            text = description.format(
                topic=self.topic(engineer),
                peer=self.first_name(self.rng.choice(self.teammates(engineer))),
                first=self.first_name(engineer),
            )
            items.append(
                ActionItem(check_in=check_in, description=text, done_at=done_at, created_at=check_in.created_at)
            )  # fmt: skip
        return items

    # --- learning --------------------------------------------------------------

    def build_learning(self) -> list[LearningActivity]:
        activities: list[tuple[LearningActivity, list[str]]] = []

        def add(key: str, attendees: list[str], clock=(9, 17), **fields) -> None:
            fields.setdefault("logged_by", self.eng[key].user)
            created_at = self.at(fields["date"], key, clock)
            activities.append((LearningActivity(created_at=created_at, **fields), attendees))  # fmt: skip

        # A learning day closes each two-week sprint, every other Friday. It is one
        # row per person: each says what they learnt, and a half day counts as half.
        fridays = []
        friday = _weekday_on_or_before(self.today, 4)
        while friday >= self.window_start:
            fridays.insert(0, friday)
            friday -= timedelta(14)
        for sprint, day in enumerate(fridays, 40):
            for person in PEOPLE:
                turnout = 0.6 if person.track == MANAGEMENT else 0.87
                if self.started_on(person.key) >= day or self.rng.random() > turnout:
                    continue
                add(
                    person.key,
                    [person.key],
                    clock=(16, 18),
                    kind=LearningKind.LEARNING_DAY,
                    title=f"Learning day: {self.rng.choice(LEARNING_DAY_TOPICS)}",
                    description=f"The learning day after sprint {sprint}.",
                    date=day,
                    hours=Decimal("7.5") if self.rng.random() < 0.85 else Decimal("3.5"),
                )  # fmt: skip
        hack_day = _weekday_on_or_before(self.ago(95), 3)  # Thursday and Friday
        hackers = [
            k for k in self.people if k != "head" and self.started_on(k) < hack_day
        ]
        add(
            "head",
            self.rng.sample(hackers, 17),
            clock=(17, 18),
            kind=LearningKind.HACKATHON,
            title=f"Hackathon {hack_day:%B %Y}: developer experience",
            description="Two days, seven teams. The winner, a flaky-test detector, now runs in CI.",
            date=hack_day,
            hours=Decimal("16"),
            led_by=self.eng["coach"],
        )  # fmt: skip
        for i, (title, leader, description) in enumerate(SESSIONS):
            day = self.window_start + timedelta(days=10 + i * 17)
            day = _weekday_on_or_before(day, 2)  # lunchtime on a Wednesday
            others = [
                k for k in self.people if k != leader and self.started_on(k) < day
            ]
            add(
                leader,
                self.rng.sample(others, self.rng.randint(5, 14)),
                clock=(13, 14),
                kind=LearningKind.LEARNING_SESSION,
                title=title,
                description=description,
                date=day,
                hours=self.rng.choice([Decimal("1"), Decimal("1.5")]),
                led_by=self.eng[leader],
            )
        for kind, title, hours, days_ago, attendees in OTHER_LEARNING:
            day = _workday(self.ago(days_ago))
            goals = self.goals_of(attendees[0], day, GoalKind.TECHNICAL)
            add(
                attendees[0],
                attendees,
                kind=kind,
                title=title,
                date=day,
                hours=Decimal(hours),
                goal=goals[0] if goals else None,
            )
        rows = [activity for activity, _ in activities]
        LearningActivity.objects.bulk_create(rows, batch_size=200)
        links = [
            Attendance(
                learningactivity_id=activity.pk,
                engineer_id=self.eng[key].pk,
                date=activity.date,
            )
            for activity, keys in activities
            for key in keys
        ]
        Attendance.objects.bulk_create(links, batch_size=500)
        ours = LearningActivity.objects.filter(pk__in=[row.pk for row in rows])
        ours.update(updated_at=F("created_at"))
        return rows

    # --- the learning rhythm ---------------------------------------------------

    def build_rhythm(self, teams, learning) -> list[LearningDayPlan]:
        """Every team works in two-week sprints, Monday to Sunday, with the
        learning day on the Friday after each: the Fridays ``build_learning``
        logged. Each logged learning day was planned, and a few people have
        planned the next one already (the demo engineer among them)."""
        friday = _weekday_on_or_before(self.today, 4)
        first_friday = friday - timedelta(
            days=14 * ((friday - self.window_start).days // 14)
        )
        cadences = [
            SprintCadence(
                team=team,
                sprint_weeks=2,
                first_sprint_start=first_friday - timedelta(days=18),
                learning_weekday=4,
                updated_by=self.eng["priya"].user,
                updated_at=self.at(self.window_start, "priya"),
            )
            for team in teams
        ]
        SprintCadence.objects.bulk_create(cadences)
        by_user = {engineer.user_id: engineer for engineer in self.eng.values()}
        plans = []
        for activity in learning:
            if activity.kind != LearningKind.LEARNING_DAY:
                continue
            topic = activity.title.removeprefix("Learning day: ")
            plans.append(
                LearningDayPlan(
                    engineer=by_user[activity.logged_by_id],
                    day=activity.date,
                    plan=f"Get going with {topic}",
                    done=f"Worked through {topic}, with notes for the team.",
                    hours=activity.hours,
                    activity=activity,
                    created_at=activity.created_at - timedelta(days=3),
                )
            )
        upcoming = rhythm.next_learning_day(cadences[0], self.today)
        planned = {(plan.engineer.pk, plan.day) for plan in plans}
        for key in ("emma", "lukas", "aisha", "noah", "hannah", "jordan"):
            engineer = self.eng[key]
            if (engineer.pk, upcoming) in planned:
                continue
            goals = self.goals_of(key, self.today, GoalKind.TECHNICAL)
            topic = self.rng.choice(LEARNING_DAY_TOPICS)
            plans.append(
                LearningDayPlan(
                    engineer=engineer,
                    day=upcoming,
                    plan=f"Get going with {topic}",
                    goal=goals[0] if goals else None,
                    competency=goals[0].competency if goals else None,
                    created_at=self.now,
                )
            )
        LearningDayPlan.objects.bulk_create(plans, batch_size=200)
        return plans

    # --- sessions and hackathons ---------------------------------------------------

    def build_sessions(self) -> int:
        """Sessions to come (one for newcomers, one on careers, one proposed),
        one held with attendance and feedback, and a hackathon with demos."""
        from growth.services import sessions as events

        def session(leader, title, days, schedule=True, **fields):
            fields.setdefault("topic_kind", TopicKind.TECHNICAL)
            starts = datetime.combine(
                _workday(self.today + timedelta(days=abs(days))),
                time(13, 0),
                tzinfo=ZoneInfo(self.people[leader].tz),
            )
            made = events.learning_session_propose(
                leader=self.eng[leader],
                created_by=self.eng[leader].user,
                starts_at=starts,
                duration_minutes=fields.pop("minutes", 60),
                capacity=fields.pop("capacity", 12),
                title=title,
                now=self.now,
                **fields,
            )
            if schedule:
                events.learning_session_schedule(session=made, now=self.now)
            return made

        newcomers = session(
            "marcus",
            "How we ship to production",
            5,
            competency=self.competency(TECHNICAL, "Production & MLOps"),
            place="Room Ada, or the Platform call",
            description="From a merged pull request to traffic: the pipeline, "
            "the flags and the rollback, for people who joined this year.",
            for_newcomers=True,
        )
        for key in ("zara", "jordan", "mei"):
            events.session_sign_up(
                session=newcomers, engineer=self.eng[key], now=self.now
            )
        career = session(
            "priya",
            "Writing your first promotion case",
            12,
            topic_kind=TopicKind.CAREER,
            place="https://meet.example.com/career",
            description="What evidence looks like, and how to collect it as you go.",
        )
        events.session_sign_up(session=career, engineer=self.eng["emma"], now=self.now)
        session("seun", "Reading flame graphs", 20, schedule=False)  # proposed
        held = session(
            "ana",
            "Feature stores without tears",
            3,
            competency=self.competency(TECHNICAL, "Data management"),
            minutes=90,
        )
        came = ["noah", "mei", "fatima", "jordan", "aisha", "zara"]
        for key in came:
            events.session_sign_up(session=held, engineer=self.eng[key], now=self.now)
        LearningSession.objects.filter(pk=held.pk).update(
            starts_at=self.now - timedelta(days=9)
        )
        held.refresh_from_db()
        events.session_attendance_confirm(
            session=held,
            attended=[self.eng[k] for k in came[:5]],
            logged_by=self.eng["ana"].user,
            now=self.now,
        )
        held.refresh_from_db()
        for key, useful, line in (
            ("noah", True, "The point-in-time join finally makes sense."),
            ("mei", True, "Loved the live demo."),
            ("fatima", False, "Too fast in the second half for me."),
        ):
            events.session_feedback_give(
                session=held,
                engineer=self.eng[key],
                useful=useful,
                line=line,
                now=self.now,
            )
        # The hackathon the learning log already has, as the event it was:
        # its participants in teams, each with the demo they gave.
        logged = LearningActivity.objects.filter(kind=LearningKind.HACKATHON).get()
        hackers = list(logged.attendees.order_by("pk"))
        hackathon = Hackathon.objects.create(
            organiser=self.eng["coach"],
            title=logged.title,
            theme="Developer experience: shorten the time from a change to knowing it works.",
            starts_on=logged.date,
            ends_on=logged.date + timedelta(days=1),
            held=True,
            activity=logged,
            created_at=self.now - timedelta(days=120),
        )
        demos = [
            ("Flake hunters", "A flaky-test detector in CI"),
            ("Preview envs", "A preview environment per pull request"),
            ("Notebook CI", "Notebooks tested like code"),
            ("Faster builds", "Build caching across branches"),
        ]
        for i, (name, demo) in enumerate(demos):
            team = HackathonTeam.objects.create(
                hackathon=hackathon,
                name=name,
                demo_title=demo,
                created_at=hackathon.created_at,
            )
            team.members.set(hackers[i :: len(demos)])
        return LearningSession.objects.count() + Hackathon.objects.count()

    # --- notifications ---------------------------------------------------------

    def build_notifications(self, requests) -> list[Notification]:
        rows = []

        def add(user, kind, message, created_at, read_at=None, url="") -> None:
            rows.append(Notification(recipient=user, kind=kind, message=message, url=url, created_at=created_at, read_at=read_at))  # fmt: skip

        # Where each reminder's notification leads.
        pages = {
            ReminderKind.FEEDBACK_DUE: reverse("team-dashboard"),
            ReminderKind.INTERPERSONAL_GAP: reverse("team-dashboard"),
            ReminderKind.WEEKLY_DIGEST: reverse("team-dashboard"),
            ReminderKind.REQUEST_PENDING: reverse("request-list"),
            ReminderKind.CHECKIN_DUE: reverse("mentoring"),
            ReminderKind.GOAL_DEADLINE: reverse("goal-list"),
        }

        recent = self.now - timedelta(days=21)
        for note in self.notes:
            if note.visibility == Visibility.SHARED and note.created_at >= recent:
                kind = note.get_kind_display().lower()
                message = f"{note.author} shared {kind} feedback with you."
                url = reverse("feedback-detail", args=[note.pk])
                add(note.engineer.user, EventKind.FEEDBACK_RECEIVED, message, note.created_at, note.acknowledged_at, url)  # fmt: skip
        for request in requests:
            if request.status == RequestStatus.OPEN:
                due = f"{request.due_on.day} {request.due_on:%B}"
                message = f"{request.requester} asked you for feedback by {due}."
                read_at = self.later(request.created_at, 30, 600)
                url = reverse("request-detail", args=[request.pk])
                add(request.recipient.user, EventKind.FEEDBACK_REQUESTED, message, request.created_at, self.rng.choice([read_at, None]), url)  # fmt: skip
        zara = self.last_check_in["diego", "zara"]
        monday = _weekday_on_or_before(self.today, 0)
        reminders = [
            ("priya", ReminderKind.FEEDBACK_DUE, "Kenji Watanabe has had no feedback from you in over three weeks."),
            ("priya", ReminderKind.INTERPERSONAL_GAP, "Lukas Hoffmann has had only technical feedback for more than 60 days."),
            ("priya", ReminderKind.REQUEST_PENDING, "Aisha Khan's feedback request is past its due date."),
            ("marcus", ReminderKind.REQUEST_PENDING, "Noah Fischer's feedback request is past its due date."),
            ("diego", ReminderKind.CHECKIN_DUE, f"Your mentoring check-in with Zara Ahmed is overdue (last on {zara.day} {zara:%B})."),
            ("tom", ReminderKind.GOAL_DEADLINE, "Your goal “Move the remaining services to the shared Terraform modules” is overdue."),
            ("liam", ReminderKind.GOAL_DEADLINE, "Your goal “Add end-to-end tests to the checkout flow” is overdue."),
            ("emma", ReminderKind.GOAL_DEADLINE, "Your goal “Run the team's sprint retrospective” is due within a week."),
            *[(key, ReminderKind.WEEKLY_DIGEST, f"Your team digest for the week of {monday.day} {monday:%B} is ready.") for key in ("head", "priya", "daniel", "grace")],
        ]  # fmt: skip
        for key, kind, message in reminders:
            morning = self.at(self.ago(1), key, (8, 8))
            read_at = self.later(morning, 30, 300) if self.rng.random() < 0.3 else None
            add(self.eng[key].user, kind, message, morning, read_at, pages[kind])
        Notification.objects.bulk_create(rows, batch_size=200)
        return rows


# --- the words ---------------------------------------------------------------------
