"""Builders for the career framework's people data (fw-team): assessments
with ratings, readiness summaries, and one of each for admin pages."""

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
