"""Builders for the career framework in tests: a small framework of
expectations, assessments with ratings, readiness summaries, and one of each
for the admin's pages."""

from __future__ import annotations

import datetime

from django.utils import timezone

from growth.models import (
    Assessment,
    AssessmentRating,
    AssessmentRole,
    Competency,
    CompetencyArea,
    Expectation,
    Level,
    Readiness,
    ReadinessStatus,
)


def make_assessment(
    engineer,
    *,
    role: str = AssessmentRole.MANAGER,
    author=None,
    shared_at: datetime.datetime | None = None,
    ratings: dict | None = None,
    created_at: datetime.datetime | None = None,
) -> Assessment:
    """An assessment of ``engineer`` against their level; ``ratings`` maps a
    Competency (or its key) to a rating, or to (rating, comment)."""
    if author is None:
        author = engineer.user if role == AssessmentRole.SELF else engineer.manager.user
    assessment = Assessment.objects.create(
        engineer=engineer,
        role=role,
        author=author,
        level=engineer.level,
        shared_at=shared_at,
        created_at=created_at or shared_at or timezone.now(),
    )
    for competency, value in (ratings or {}).items():
        if isinstance(competency, str):
            competency = Competency.objects.get(key=competency)
        rating, comment = value if isinstance(value, tuple) else (value, "")
        AssessmentRating.objects.create(
            assessment=assessment, competency=competency, rating=rating, comment=comment
        )
    return assessment


def make_readiness(engineer, *, status=ReadinessStatus.GETTING_THERE, **fields):
    fields.setdefault("level", engineer.level.next_level())
    fields.setdefault("summary", "On the way.")
    fields.setdefault("author", engineer.manager.user if engineer.manager else None)
    return Readiness.objects.create(engineer=engineer, status=status, **fields)


def framework_records(cast) -> None:
    """One row of every framework model about alice, for the admin's pages."""
    competency = Competency.objects.filter(is_active=True).order_by("pk").first()
    area, _ = CompetencyArea.objects.get_or_create(
        key="delivery", defaults={"name": "Delivery"}
    )
    competency.area = area
    competency.save(update_fields=["area"])
    Expectation.objects.get_or_create(
        competency=competency,
        level=cast.alice.level,
        defaults={"statement": "Ships small, tested changes."},
    )
    make_assessment(
        cast.alice,
        shared_at=timezone.now(),
        ratings={competency: ("meets", "Solid reviews")},
    )
    make_readiness(cast.alice)


SENTENCE = "Writes {name} work others build on, at {level}."


def make_framework(count: int | None = None, *, mentoring: bool = True) -> list:
    """Expectations at engineering junior, mid and senior for ``count`` active
    competencies (all by default), in two areas; return the competencies. The
    mentoring competency, if taken, counts mentoring check-ins. It replaces
    the default framework's expectations, so a test knows every one there is."""
    Expectation.objects.all().delete()
    craft, _ = CompetencyArea.objects.get_or_create(
        key="craft", defaults={"name": "Craft", "position": 1}
    )
    people, _ = CompetencyArea.objects.get_or_create(
        key="people", defaults={"name": "People", "position": 2}
    )
    # Mentoring first, so a framework of any size has its extra read.
    competencies = sorted(
        Competency.objects.filter(is_active=True).order_by("pk"),
        key=lambda c: c.key != "mentoring",
    )
    if count is not None:
        competencies = competencies[:count]
    levels = Level.objects.filter(track__key="engineering", rank__lte=3)
    for position, competency in enumerate(competencies):
        competency.area = craft if competency.kind == "technical" else people
        competency.position = position
        competency.counts_mentoring = mentoring and competency.key == "mentoring"
        competency.save()
        for level in levels:
            Expectation.objects.get_or_create(
                competency=competency,
                level=level,
                defaults={
                    "statement": SENTENCE.format(
                        name=competency.name, level=level.name
                    ),
                    "examples": "An example\nAnother example",
                },
            )
    return competencies
