"""Writes of the career framework: assessments, readiness, and whether an
engineer's mentors read them.

The views find what a person may change through the policy; these check it
again (a service is also called from the shell and tests), decide what is
valid, and write all of it or nothing. Errors name the form field they are
about: ``rating-<competency id>``, ``comment-<id>``, ``notes-<id>``,
``goals-<id>``, ``learning-<id>``; ``status`` and ``summary`` for readiness.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from growth import emails, policy
from growth.history import record_change
from growth.models import (
    Assessment,
    AssessmentRating,
    AssessmentRole,
    Engineer,
    EventKind,
    Rating,
    Readiness,
    ReadinessStatus,
)
from growth.models.limits import ASSESSMENT_COMMENT, READINESS_SUMMARY
from growth.reminders import event_record
from growth.selectors import framework as selectors


@dataclass(frozen=True)
class RatingInput:
    """One competency's row of the form, as posted."""

    rating: str = ""
    comment: str = ""
    notes: frozenset[int] = field(default_factory=frozenset)
    goals: frozenset[int] = field(default_factory=frozenset)
    learning: frozenset[int] = field(default_factory=frozenset)

    @property
    def blank(self) -> bool:
        return not (
            self.rating
            or self.comment.strip()
            or self.notes
            or self.goals
            or self.learning
        )


def _refuse(message: str):
    return ValidationError({NON_FIELD_ERRORS: [message]})


# --- assessments -----------------------------------------------------------------


def assessment_start(
    *, engineer: Engineer, by, access=None, now: datetime.datetime
) -> Assessment:
    """Begin ``by``'s assessment of ``engineer`` (their own self-assessment, or
    the manager's of a direct report) against the engineer's level; if ``by``
    has a draft of it already, return that draft, even one against a level
    the engineer has since left: it is their work, so it goes only when they
    discard it (``assessment_discard``; its edit page offers that)."""
    access = policy.access_of(access or by)
    role = policy.assessment_role_of(access, engineer.pk)
    if role is None:
        raise _refuse("Only the engineer and their manager write an assessment.")
    if engineer.level_id is None:
        raise _refuse("Their level is not set yet: an admin sets it.")
    drafts = Assessment.objects.filter(
        engineer=engineer, role=role, shared_at__isnull=True
    )
    with transaction.atomic():
        mine = drafts.filter(author=by).first()
        if mine is not None:
            return mine
        # A draft left by a former manager: nobody may read or finish it any
        # more, and it would hold the one draft place.
        drafts.exclude(author=by).delete()
        try:
            with transaction.atomic():
                return Assessment.objects.create(
                    engineer=engineer,
                    role=role,
                    author=by,
                    level_id=engineer.level_id,
                    created_at=now,
                )
        except IntegrityError:
            # Another request of theirs began it a moment ago.
            return drafts.get(author=by)


def assessment_discard(*, assessment: Assessment, by, access=None) -> bool:
    """Throw away a draft ``by`` wrote, ratings and evidence links with it: the
    way out of a draft against a level the engineer has since left. Return
    whether there was one to throw away: discarding twice discards once. A
    shared assessment, or anyone else's draft, is refused."""
    access = policy.access_of(access or by)
    mine = policy.assessments_editable_by(
        access, Assessment.objects.filter(pk=assessment.pk)
    )
    with transaction.atomic():
        discarded, _ = mine.delete()
        if discarded:
            return True
        if Assessment.objects.filter(pk=assessment.pk).exists():
            raise _refuse("Only the author discards a draft, before it is shared.")
    return False


def _editable(assessment: Assessment, by, access) -> None:
    access = policy.access_of(access or by)
    editable = policy.assessments_editable_by(
        access, Assessment.objects.filter(pk=assessment.pk)
    )
    if not editable.exists():
        raise _refuse("This assessment is shared or not yours: it cannot change.")


def _check_rows(assessment, competencies, ratings, choices) -> dict:
    errors: dict[str, list[str]] = {}
    known = {c.pk for c in competencies}
    for pk in ratings:
        if pk not in known:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                "A competency that is not part of this level was rated."
            )
    for pk, row in ratings.items():
        if pk not in known or row.blank:
            continue
        if row.rating not in Rating.values:
            errors[f"rating-{pk}"] = ["Pick below, meets or exceeds."]
        if len(row.comment) > ASSESSMENT_COMMENT:
            errors[f"comment-{pk}"] = [
                f"Keep it under {ASSESSMENT_COMMENT} characters."
            ]
        allowed = choices.get(pk, {})
        for name in ("notes", "goals", "learning"):
            mayable = {obj.pk for obj in allowed.get(name, [])}
            if not getattr(row, name) <= mayable:
                errors[f"{name}-{pk}"] = [
                    "Pick evidence from the list: it must be on this competency "
                    "and yours to read."
                ]
    return errors


@transaction.atomic
def assessment_save(
    *,
    assessment: Assessment,
    by,
    ratings: dict[int, RatingInput],
    access=None,
    now: datetime.datetime,
) -> Assessment:
    """Write a draft's ratings: one row per competency given (a blank row
    removes that competency's rating). Evidence must be on the competency and
    readable by the author. All rows are written, or none."""
    _editable(assessment, by, access)
    access = policy.access_of(access or by)
    competencies = selectors.assessment_competencies(assessment)
    choices = selectors.evidence_choices(
        access=access,
        engineer=assessment.engineer,
        competencies=competencies,
        now=now,
    )
    errors = _check_rows(assessment, competencies, ratings, choices)
    if errors:
        raise ValidationError(errors)
    existing = {r.competency_id: r for r in assessment.ratings.all()}
    for pk, row in ratings.items():
        if row.blank:
            if pk in existing:
                existing[pk].delete()
            continue
        rating = existing.get(pk) or AssessmentRating(
            assessment=assessment, competency_id=pk
        )
        rating.rating = row.rating
        rating.comment = row.comment.strip()
        rating.save()
        rating.evidence_notes.set(row.notes)
        rating.evidence_goals.set(row.goals)
        rating.evidence_learning.set(row.learning)
    Assessment.objects.filter(pk=assessment.pk).update(updated_at=now)
    assessment.updated_at = now
    return assessment


def assessment_share(
    *, assessment: Assessment, by, access=None, now: datetime.datetime
) -> Assessment:
    """Share a draft with the other side; every competency of its level must
    be rated. Sharing twice shares once (and tells once)."""
    if assessment.is_shared:
        return assessment
    _editable(assessment, by, access)
    competencies = selectors.assessment_competencies(assessment)
    rated = set(assessment.ratings.values_list("competency_id", flat=True))
    missing = [c.name for c in competencies if c.pk not in rated]
    if missing:
        raise _refuse("Rate every competency before sharing: " + ", ".join(missing))
    if not competencies:
        raise _refuse("This level has no competencies to rate yet.")
    with transaction.atomic():
        claimed = Assessment.objects.filter(
            pk=assessment.pk, shared_at__isnull=True
        ).update(shared_at=now, updated_at=now)
        assessment.shared_at = now
        if claimed:
            _notify_assessment(assessment, by=by, now=now)
    return assessment


def _framework_url(engineer: Engineer, recipient) -> str:
    if recipient.pk == engineer.user_id:
        return reverse("my-framework")
    return reverse("engineer-framework", args=[engineer.pk])


def _tell(
    recipient,
    *,
    kind: str,
    key: str,
    engineer: Engineer,
    by,
    shared: str,
    message: str,
    now,
    updated: bool = False,
) -> None:
    """In the app, and by email or Slack as the recipient chose: who shared
    what about whom, with a link to the framework page; never a rating or a
    sentence. ``shared`` is what was: ``self-assessment``, ``assessment`` (the
    manager's) or ``readiness``; ``key`` names the share, so it is told once.
    ``updated``: a shared readiness summary was changed."""
    own = recipient.pk == engineer.user_id
    payload = {
        "engineer_id": engineer.pk,
        "engineer_name": str(engineer),
        "by_name": str(by),
        "by_email": by.email,
        "own": own,
        "shared": shared,
        "shared_on": now.astimezone(recipient.zone).date().isoformat(),
        "updated": updated,
    }
    event_record(
        recipient=recipient,
        kind=kind,
        key=key,
        subject=emails.subject_for(kind, payload),
        payload=payload,
        url=_framework_url(engineer, recipient),
        message=message,
        now=now,
    )


def _notify_assessment(assessment: Assessment, *, by, now) -> None:
    engineer = Engineer.objects.select_related("user", "manager__user").get(
        pk=assessment.engineer_id
    )
    if assessment.role == AssessmentRole.SELF:
        manager = engineer.manager
        recipient = manager.user if manager and manager.is_active else None
        shared, message = "self-assessment", f"{by} shared their self-assessment."
    else:
        recipient = engineer.user if engineer.is_active else None
        shared, message = "assessment", f"{by} shared their assessment of you."
    if recipient is not None:
        _tell(
            recipient,
            kind=EventKind.ASSESSMENT_SHARED,
            key=f"assessment-{assessment.pk}",
            engineer=engineer,
            by=by,
            shared=shared,
            message=message,
            now=now,
        )


# --- readiness ---------------------------------------------------------------------


def _target_level(engineer: Engineer):
    level = engineer.level
    target = level.next_level() if level else None
    if target is None:
        raise _refuse(
            "There is no next level on their track to be ready for."
            if level
            else "Their level is not set yet: an admin sets it."
        )
    return target


def readiness_save(
    *,
    engineer: Engineer,
    by,
    status: str,
    summary: str,
    access=None,
    now: datetime.datetime,
) -> Readiness:
    """Write the manager's readiness summary toward the engineer's next level.
    Saving the same again changes nothing; a shared summary stays shared."""
    access = policy.access_of(access or by)
    if not policy.may_write_readiness(access, engineer.pk):
        raise _refuse("Only their manager writes their readiness.")
    target = _target_level(engineer)
    summary = summary.strip()
    errors = {}
    if status not in ReadinessStatus.values:
        errors["status"] = ["Pick how ready they are."]
    if not summary:
        errors["summary"] = ["Say in a few sentences why."]
    elif len(summary) > READINESS_SUMMARY:
        errors["summary"] = [f"Keep it under {READINESS_SUMMARY} characters."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        readiness, created = Readiness.objects.select_for_update().get_or_create(
            engineer=engineer,
            level=target,
            defaults={
                "status": status,
                "summary": summary,
                "author": by,
                "created_at": now,
            },
        )
        if not created and (readiness.status, readiness.summary) != (status, summary):
            Readiness.objects.filter(pk=readiness.pk).update(
                status=status, summary=summary, author=by, updated_at=now
            )
            readiness.status, readiness.summary, readiness.author = status, summary, by
            readiness.updated_at = now
            record_change(readiness, by=by, when=now)
            if readiness.shared_at is not None:
                # They read the earlier version: tell them it changed.
                _tell_readiness(readiness, engineer, by=by, now=now, updated=True)
    return readiness


def _tell_readiness(readiness, engineer, *, by, now, updated: bool = False) -> None:
    """Tell the engineer their readiness summary was shared, or changed since
    (each change told once: its key carries the moment)."""
    if not engineer.is_active:
        return
    key = f"readiness-{readiness.pk}"
    if updated:
        key += f"-{now:%Y%m%dT%H%M%S%f}"
    verb = "updated" if updated else "shared"
    _tell(
        engineer.user,
        kind=EventKind.READINESS_SHARED,
        key=key,
        engineer=engineer,
        by=by,
        shared="readiness",
        message=f"{by} {verb} how ready you are for the next level.",
        now=now,
        updated=updated,
    )


def readiness_share(
    *, readiness: Readiness, by, access=None, now: datetime.datetime
) -> Readiness:
    """Let the engineer read the summary, and tell them; twice shares once."""
    access = policy.access_of(access or by)
    if not policy.may_write_readiness(access, readiness.engineer_id):
        raise _refuse("Only their manager shares their readiness.")
    if readiness.shared_at is not None:
        return readiness
    with transaction.atomic():
        claimed = Readiness.objects.filter(
            pk=readiness.pk, shared_at__isnull=True
        ).update(shared_at=now)
        readiness.shared_at = now
        if claimed:
            record_change(readiness, by=by, when=now)
            engineer = Engineer.objects.select_related("user").get(
                pk=readiness.engineer_id
            )
            _tell_readiness(readiness, engineer, by=by, now=now)
    return readiness


# --- sharing with mentors ------------------------------------------------------------


def engineer_assessment_sharing_set(
    *, engineer: Engineer, by, shares: bool, access=None
) -> Engineer:
    """The engineer lets their active mentors read their assessments and
    readiness, or stops."""
    access = policy.access_of(access or by)
    if not policy.may_set_assessment_sharing(access, engineer.pk):
        raise _refuse("Only the engineer decides who reads their assessments.")
    if engineer.shares_assessments_with_mentors != shares:
        engineer.shares_assessments_with_mentors = shares
        engineer.save(update_fields=["shares_assessments_with_mentors", "updated_at"])
    return engineer
