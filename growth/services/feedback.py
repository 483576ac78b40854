"""Writing feedback notes, answering them, and asking for them.

Every rule a person can break raises ``ValidationError`` keyed by the form field
it concerns, before anything is written; the views show it on that field. The
engineer is told about a shared note, and the person asked about a request, with
an in-app notification that carries names and a link, never the note's text.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from growth import policy
from growth.history import record_change
from growth.models import (
    Competency,
    Engineer,
    EventKind,
    FeedbackNote,
    FeedbackRequest,
    Goal,
    Notification,
    Reminder,
    ReminderStatus,
    RequestStatus,
    Visibility,
)
from growth.models.feedback import undo_window
from growth.reminders import notify_feedback_received, notify_feedback_requested
from growth.services.validation import validate

# What the author can no longer change once the engineer has answered a note:
# the engineer answered *this* feedback, so only its wording may still be fixed.
LOCKED_ONCE_ANSWERED = ("kind", "competency", "sentiment", "visibility", "goal")

MANAGER_ONLY_REFUSED = (
    "Manager-only notes are for the engineer's manager and mentors; "
    "share it with them or keep it as a note to self."
)


def _notify_shared_note(note: FeedbackNote, *, now: datetime.datetime) -> None:
    # In the app at once; by email after commit, unless they opted out.
    notify_feedback_received(note=note, now=now)


def _goal_errors(*, goal, engineer, author, feedback_request=None) -> list[str]:
    if goal is None:
        return []
    if goal.engineer_id != engineer.pk:
        return [f"Pick one of {engineer}'s goals, or none."]
    asked_about = feedback_request is not None and feedback_request.goal_id == goal.pk
    if (
        not asked_about
        and not Goal.objects.visible_to(author).filter(pk=goal.pk).exists()
    ):
        return [f"Pick one of {engineer}'s goals, or none."]
    return []


def feedback_note_create(
    *,
    author,
    engineer: Engineer,
    kind: str,
    competency: Competency | None,
    sentiment: str,
    situation: str,
    behaviour: str,
    impact: str,
    suggestion: str,
    visibility: str = Visibility.SHARED,
    goal: Goal | None = None,
    request: FeedbackRequest | None = None,
    now: datetime.datetime,
) -> FeedbackNote:
    """Log a note by ``author`` about ``engineer``; fulfil ``request`` if given.

    A shared note notifies the engineer. Manager-only visibility is refused
    unless the author manages or actively mentors the engineer. A request must
    be open and owed by the author, and the note then goes to its requester.
    """
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        if not Engineer.objects.active().filter(pk=engineer.pk).exists():
            errors["engineer"] = [f"{engineer} is no longer active here."]
        if visibility == Visibility.MANAGER and not policy.may_write_manager_note(
            author, engineer
        ):
            errors["visibility"] = [MANAGER_ONLY_REFUSED]
        if request is not None:
            owed = policy.feedback_requests_fulfillable_by(author).filter(pk=request.pk)
            if not owed.exists():
                errors["request"] = [
                    "This request is not one you owe, or it is already closed."
                ]
            elif request.requester_id != engineer.pk:
                errors["engineer"] = [
                    f"This request is from {request.requester}; the note goes to them."
                ]
            if visibility != Visibility.SHARED:
                errors.setdefault("visibility", []).append(
                    "Feedback someone asked for is shared with them."
                )
        goal_errors = _goal_errors(
            goal=goal, engineer=engineer, author=author, feedback_request=request
        )
        if goal_errors:
            errors["goal"] = goal_errors

        note = FeedbackNote(
            author=author,
            engineer=engineer,
            kind=kind,
            competency=competency,
            sentiment=sentiment,
            situation=situation,
            behaviour=behaviour,
            impact=impact,
            suggestion=suggestion,
            visibility=visibility,
            goal=goal,
            request=request,
            created_at=now,
        )
        validate(note, errors)

        if request is not None:
            # Claimed with a conditional update, so two notes cannot both fulfil it.
            claimed = (
                policy.feedback_requests_fulfillable_by(author)
                .filter(pk=request.pk)
                .update(status=RequestStatus.FULFILLED, closed_at=now)
            )
            if claimed != 1:
                raise ValidationError(
                    {"request": "This request was closed in the meantime."}
                )
            request.status = RequestStatus.FULFILLED
            request.closed_at = now
            _release_request(request, by=author, now=now)
        note.save()
        if note.visibility == Visibility.SHARED:
            _notify_shared_note(note, now=now)
    return note


def feedback_note_update(
    *,
    note: FeedbackNote,
    author,
    kind: str,
    competency: Competency | None,
    sentiment: str,
    situation: str,
    behaviour: str,
    impact: str,
    suggestion: str,
    visibility: str,
    goal: Goal | None,
    now: datetime.datetime,
) -> FeedbackNote:
    """Change a note; only its author may, and the engineer's answer is kept.

    Once the engineer has acknowledged, replied to or rated the note, only its
    wording (situation, behaviour, impact, suggestion) may change. A note that
    becomes shared notifies the engineer.
    """
    changes = {
        "kind": kind,
        "competency": competency,
        "sentiment": sentiment,
        "situation": situation,
        "behaviour": behaviour,
        "impact": impact,
        "suggestion": suggestion,
        "visibility": visibility,
        "goal": goal,
    }
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        current = (
            FeedbackNote.objects.editable_by(author)
            .select_for_update(of=("self",))
            .select_related("engineer__user", "author")
            .filter(pk=note.pk)
            .first()
        )
        if current is None:
            raise ValidationError("Only the author of a note can change it.")
        answered = bool(
            current.acknowledged_at or current.reply or current.actionable is not None
        )
        was_shared = current.visibility == Visibility.SHARED
        if answered:
            for field in LOCKED_ONCE_ANSWERED:
                if getattr(current, field) != changes[field]:
                    errors[field] = [
                        f"{current.engineer} has already answered this note; "
                        "only its wording can change."
                    ]
        if (
            visibility == Visibility.MANAGER
            and current.visibility != Visibility.MANAGER
            and not policy.may_write_manager_note(author, current.engineer)
        ):
            errors["visibility"] = [MANAGER_ONLY_REFUSED]
        if current.request_id and visibility != Visibility.SHARED:
            errors.setdefault("visibility", []).append(
                "This note answers a request, so it stays shared."
            )
        if goal is not None and goal.pk != current.goal_id:
            goal_errors = _goal_errors(
                goal=goal, engineer=current.engineer, author=author
            )
            if goal_errors:
                errors["goal"] = goal_errors

        for field, value in changes.items():
            setattr(current, field, value)
        validate(current, errors)

        # A queryset update, so ``updated_at`` is ``now`` (auto_now would ignore it).
        FeedbackNote.objects.filter(pk=current.pk).update(**changes, updated_at=now)
        current.updated_at = now
        record_change(current, by=author, when=now)
        if not was_shared and current.visibility == Visibility.SHARED:
            _notify_shared_note(current, now=now)
    return current


def _answer(
    *, note: FeedbackNote, user, now: datetime.datetime, **changes
) -> FeedbackNote:
    """Apply the engineer's answer to ``note``; every answer acknowledges it."""
    with transaction.atomic():
        updated = (
            FeedbackNote.objects.answerable_by(user)
            .filter(pk=note.pk)
            .update(
                acknowledged_at=Coalesce(
                    F("acknowledged_at"),
                    Value(now, output_field=models.DateTimeField()),
                ),
                **changes,
            )
        )
        if updated != 1:
            raise ValidationError(
                "Only the engineer a shared note is about can answer it."
            )
        note.refresh_from_db(
            fields=["acknowledged_at", "reply", "replied_at", "actionable"]
        )
        record_change(note, by=user, when=now)
    return note


def feedback_note_acknowledge(
    *, note: FeedbackNote, user, now: datetime.datetime
) -> FeedbackNote:
    """Record that the engineer has read ``note``; the first time counts."""
    return _answer(note=note, user=user, now=now)


def feedback_note_reply(
    *, note: FeedbackNote, user, reply: str, now: datetime.datetime
) -> FeedbackNote:
    """Set the engineer's reply (replacing an earlier one); it acknowledges too."""
    reply = reply.strip()
    if not reply:
        raise ValidationError(
            {"reply": "Write a reply, or acknowledge the note without one."}
        )
    # _answer writes with update(), which no model validation sees.
    try:
        FeedbackNote._meta.get_field("reply").run_validators(reply)
    except ValidationError as error:
        raise ValidationError({"reply": error.messages}) from None
    return _answer(note=note, user=user, now=now, reply=reply, replied_at=now)


def feedback_note_rate(
    *, note: FeedbackNote, user, actionable: bool, now: datetime.datetime
) -> FeedbackNote:
    """Record whether the engineer could act on ``note``; it acknowledges too."""
    return _answer(note=note, user=user, now=now, actionable=bool(actionable))


def feedback_request_create(
    *,
    requester: Engineer,
    recipient: Engineer,
    due_on: datetime.date,
    message: str = "",
    competency: Competency | None = None,
    goal: Goal | None = None,
    now: datetime.datetime,
) -> FeedbackRequest:
    """Ask ``recipient`` for feedback by ``due_on``, and tell them in the app."""
    errors: dict[str, list[str]] = {}
    today = now.astimezone(requester.user.zone).date()
    with transaction.atomic():
        if recipient.pk == requester.pk:
            errors["recipient"] = ["You cannot ask yourself for feedback."]
        elif not Engineer.objects.active().filter(pk=recipient.pk).exists():
            errors["recipient"] = [f"{recipient} is no longer active here."]
        elif (
            FeedbackRequest.objects.open()
            .filter(requester=requester, recipient=recipient)
            .exists()
        ):
            errors["recipient"] = [
                f"You already have an open request to {recipient}; "
                "cancel it first or wait for their answer."
            ]
        if due_on < today:
            errors["due_on"] = ["Pick today or a later date."]
        if goal is not None and goal.engineer_id != requester.pk:
            errors["goal"] = ["Pick one of your own goals, or none."]
        feedback_request = FeedbackRequest(
            requester=requester,
            recipient=recipient,
            due_on=due_on,
            message=message.strip(),
            competency=competency,
            goal=goal,
            created_at=now,
        )
        validate(feedback_request, errors)
        feedback_request.save()
        notify_feedback_requested(request=feedback_request, now=now)
    return feedback_request


def _close(
    *,
    feedback_request: FeedbackRequest,
    mine,
    status: str,
    now: datetime.datetime,
    not_mine: str,
) -> FeedbackRequest:
    with transaction.atomic():
        closed = (
            mine.open()
            .filter(pk=feedback_request.pk)
            .update(status=status, closed_at=now)
        )
        if closed != 1:
            if mine.filter(pk=feedback_request.pk).exists():
                raise ValidationError({"status": "This request is already closed."})
            raise ValidationError(not_mine)
    feedback_request.refresh_from_db(fields=["status", "closed_at"])
    return feedback_request


def feedback_request_decline(
    *, feedback_request: FeedbackRequest, user, now: datetime.datetime
) -> FeedbackRequest:
    """Close an open request, as the person who was asked."""
    return _close(
        feedback_request=feedback_request,
        mine=policy.feedback_requests_declinable_by(user, FeedbackRequest.objects),
        status=RequestStatus.DECLINED,
        now=now,
        not_mine="Only the person asked can decline a request.",
    )


def feedback_request_cancel(
    *, feedback_request: FeedbackRequest, user, now: datetime.datetime
) -> FeedbackRequest:
    """Withdraw an open request, as the person who asked."""
    return _close(
        feedback_request=feedback_request,
        mine=policy.feedback_requests_cancellable_by(user, FeedbackRequest.objects),
        status=RequestStatus.CANCELLED,
        now=now,
        not_mine="Only the person who asked can cancel a request.",
    )


# --- deleting a note, and taking it back -------------------------------------------


def _release_request(request: FeedbackRequest, *, by, now: datetime.datetime) -> None:
    """Unlink ``request`` from the deleted note that answered it before.

    Deleting that note opened the request again; a request has one answer at
    most, and now it is the new note.
    """
    deleted = FeedbackNote.all_objects.deleted().filter(request=request).first()
    if deleted is not None:
        FeedbackNote.all_objects.filter(pk=deleted.pk).update(request=None)
        deleted.request = None
        record_change(deleted, by=by, when=now)


def feedback_note_delete(
    *, note: FeedbackNote, author, now: datetime.datetime
) -> datetime.datetime:
    """Hide ``note`` everywhere; return until when its author can undo it.

    Only the author may. The row stays, with its history, so the author can
    restore it within the undo window and staff at any time from the admin.
    The engineer's notification of it goes, and its email if not sent yet, so
    neither leads to a missing page. A request the note answered is open again,
    so the person asked can answer it anew.
    """
    with transaction.atomic():
        current = (
            FeedbackNote.objects.editable_by(author)
            .select_for_update(of=("self",))
            .filter(pk=note.pk)
            .first()
        )
        if current is None:
            raise ValidationError("Only the author of a note can delete it.")
        current.deleted_at = now
        current.deleted_by = author
        current._history_user = author
        # Not ``updated_at``: deleting is no edit, and the note is flagged as
        # "edited after it was read" by that field.
        current.save(update_fields=["deleted_at", "deleted_by"])
        feedback_requests_reopen(FeedbackNote.all_objects.filter(pk=current.pk))
        Notification.objects.filter(
            url=reverse("feedback-detail", args=[current.pk])
        ).delete()
        # The key notify_feedback_received gives it; a row being sent is left be.
        Reminder.objects.filter(
            kind=EventKind.FEEDBACK_RECEIVED,
            period_key=f"note-{current.pk}",
            status=ReminderStatus.PENDING,
        ).update(
            status=ReminderStatus.SKIPPED,
            last_error="The note was deleted before this email went out.",
        )
    note.deleted_at, note.deleted_by = current.deleted_at, current.deleted_by
    return now + undo_window()


def feedback_requests_reopen(notes) -> None:
    """Open again the requests that ``notes``, about to go, fulfilled: the
    person asked can answer anew. Whether a note is deleted or removed for good."""
    fulfilled = FeedbackRequest.objects.filter(
        pk__in=notes.filter(request__isnull=False).values("request_id"),
        status=RequestStatus.FULFILLED,
    )
    fulfilled.update(status=RequestStatus.OPEN, closed_at=None)


def feedback_note_restore(
    *, note: FeedbackNote, by, now: datetime.datetime, staff: bool = False
) -> None:
    """Bring a deleted note back as it was.

    Its author may within the undo window (check with
    ``FeedbackNote.all_objects.restorable_by``); staff may at any time
    (``staff=True``, from the admin).

    A request the note answered, open again since the delete, is fulfilled by
    it again. If the request was closed otherwise meanwhile (declined,
    cancelled), the note comes back without it: a note links to a request only
    while it is that request's answer. A request answered by another note in
    the meantime took the link from this one then (``_release_request``).
    """
    with transaction.atomic():
        # The request first, then the note: the order in which answering a
        # request takes them (``_release_request``), so the two never deadlock.
        request_id = (
            FeedbackNote.all_objects.filter(pk=note.pk)
            .values_list("request_id", flat=True)
            .first()
        )
        if request_id is not None:
            list(FeedbackRequest.objects.select_for_update().filter(pk=request_id))
        current = (
            FeedbackNote.all_objects.deleted()
            .select_for_update(of=("self",))
            .filter(pk=note.pk)
            .first()
        )
        if current is None:
            raise ValidationError("This note is not deleted.")
        if staff:
            if not by.is_staff:
                raise ValidationError("Only staff can restore any deleted note.")
        elif not (
            FeedbackNote.all_objects.restorable_by(by, now=now)
            .filter(pk=current.pk)
            .exists()
        ):
            raise ValidationError(
                "Only its author can restore a note, within "
                f"{settings.FEEDBACK_UNDO_DAYS} days of deleting it."
            )
        current.deleted_at = None
        current.deleted_by = None
        fields = ["deleted_at", "deleted_by"]
        if current.request_id:
            answered = (
                FeedbackRequest.objects.open()
                .filter(pk=current.request_id)
                .update(status=RequestStatus.FULFILLED, closed_at=now)
            )
            if answered != 1:
                current.request = None
                fields.append("request")
        current._history_user = by
        # As it was: ``updated_at`` too, which restoring is no edit of.
        current.save(update_fields=fields)
    note.deleted_at = note.deleted_by = None
    if current.request_id is None:
        note.request = None
