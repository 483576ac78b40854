"""Writing feedback notes, talking about them, answering them, and asking for them.

Every rule a person can break raises ``ValidationError`` keyed by the form field
it concerns, before anything is written; the views show it on that field. The
engineer is told about a shared note, everyone in a note's conversation about a
comment, the author about the engineer's answers, and the person asked about a
request, with an in-app notification (and an email, unless they turned that
kind off) that carries names and a link, never what anyone wrote.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from growth import policy
from growth.chat.outbox import praise_posts_record
from growth.history import record_change
from growth.models import (
    Competency,
    Engineer,
    EventKind,
    FeedbackComment,
    FeedbackNote,
    FeedbackRequest,
    Goal,
    Notification,
    Reminder,
    ReminderStatus,
    RequestStatus,
    Visibility,
)
from growth.models.feedback import (
    CONVERSATION_FIXES_READERS,
    LOCKED_ONCE_ANSWERED,
    undo_window,
)
from growth.reminders import (
    notify_feedback_answered,
    notify_feedback_commented,
    notify_feedback_received,
    notify_feedback_requested,
)
from growth.services.links import work_links_read, work_links_replace
from growth.services.notifications import notifications_settle
from growth.services.validation import validate

# The emails about a note: deleting it stops those not sent yet.
NOTE_EVENTS = (
    EventKind.FEEDBACK_RECEIVED,
    EventKind.FEEDBACK_COMMENTED,
    EventKind.FEEDBACK_ANSWERED,
)

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
    situation: str = "",
    behaviour: str = "",
    impact: str = "",
    suggestion: str = "",
    message: str = "",
    public: bool = False,
    visibility: str = Visibility.SHARED,
    goal: Goal | None = None,
    request: FeedbackRequest | None = None,
    links: Sequence[str] = (),
    now: datetime.datetime,
) -> FeedbackNote:
    """Log a note by ``author`` about ``engineer``; fulfil ``request`` if given.

    A note is the four parts (situation, behaviour, impact, suggestion), or
    praise in one ``message``, which may go on the Praise wall (``public``).
    A shared note notifies the engineer. Manager-only visibility is refused
    unless the author manages or actively mentors the engineer. A request must
    be open and owed by the author, and the note then goes to its requester.
    ``links`` are the addresses of the work it is about (``growth.links``).
    """
    errors: dict[str, list[str]] = {}
    work_links, link_errors = work_links_read(links)
    if link_errors:
        errors["links"] = link_errors
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
            message=message.strip(),
            public=public,
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
            # Answering the request deals with the notice that asked for it.
            notifications_settle(
                user=author, url=reverse("request-detail", args=[request.pk]), now=now
            )
        note.save()
        if work_links:
            work_links_replace(owner=note, links=work_links, by=author, now=now)
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
    situation: str = "",
    behaviour: str = "",
    impact: str = "",
    suggestion: str = "",
    message: str = "",
    public: bool | None = None,
    visibility: str,
    goal: Goal | None,
    links: Sequence[str] | None = None,
    now: datetime.datetime,
) -> FeedbackNote:
    """Change a note; only its author may, and the engineer's answer is kept.

    Once the engineer has acknowledged, replied to or rated the note, only its
    wording (the four parts, or the praise's message) may change; once anyone
    has commented, who sees it may not. ``public`` None keeps it as it is, and
    so do ``links`` None; a list replaces its links. A note that becomes
    shared notifies the engineer.
    """
    changes = {
        "kind": kind,
        "competency": competency,
        "sentiment": sentiment,
        "situation": situation,
        "behaviour": behaviour,
        "impact": impact,
        "suggestion": suggestion,
        "message": message.strip(),
        "visibility": visibility,
        "goal": goal,
    }
    if public is not None:
        changes["public"] = public
    errors: dict[str, list[str]] = {}
    work_links, link_errors = work_links_read(links)
    if link_errors:
        errors["links"] = link_errors
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
        was_shared = current.visibility == Visibility.SHARED
        was_public = current.public
        if current.is_answered:
            for field in LOCKED_ONCE_ANSWERED:
                if getattr(current, field) != changes[field]:
                    errors[field] = [
                        f"{current.engineer} has already answered this note; "
                        "only its wording can change."
                    ]
        if (
            "visibility" not in errors
            and visibility != current.visibility
            and current.comments.exists()
        ):
            # What was said in the conversation was said to its readers then.
            errors["visibility"] = [CONVERSATION_FIXES_READERS]
        if bool(current.message) != bool(changes["message"]):
            errors[NON_FIELD_ERRORS] = [
                "A note stays in its shape: praise in one line, or the four parts."
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
        if links is not None:
            work_links_replace(owner=current, links=work_links, by=author, now=now)
        if not was_shared and current.visibility == Visibility.SHARED:
            _notify_shared_note(current, now=now)  # with public praise's posts
        elif was_shared and current.public and not was_public:
            # Made public after it was shared: the channels hear of it now.
            # The post's key (the note) keeps a second change from posting
            # it twice.
            praise_posts_record(note=current, now=now)
    return current


def _answer(
    *, note: FeedbackNote, user, now: datetime.datetime, **changes
) -> FeedbackNote | None:
    """Apply the engineer's answer to ``note``; every answer acknowledges it.

    Return the note as it was before (its ``acknowledged_at`` and
    ``actionable``), so the caller can tell the author what changed.
    """
    with transaction.atomic():
        before = (
            FeedbackNote.objects.answerable_by(user)
            .select_for_update(of=("self",))
            .filter(pk=note.pk)
            .only("acknowledged_at", "actionable")
            .first()
        )
        if before is None:
            raise ValidationError(
                "Only the engineer a shared note is about can answer it."
            )
        FeedbackNote.objects.filter(pk=note.pk).update(
            acknowledged_at=Coalesce(
                F("acknowledged_at"),
                Value(now, output_field=models.DateTimeField()),
            ),
            **changes,
        )
        note.refresh_from_db(fields=["acknowledged_at", "replied_at", "actionable"])
        record_change(note, by=user, when=now)
    return before


def feedback_note_acknowledge(
    *, note: FeedbackNote, user, now: datetime.datetime
) -> FeedbackNote:
    """Record that the engineer has read ``note``; the first time counts, and
    tells the author."""
    with transaction.atomic():
        before = _answer(note=note, user=user, now=now)
        if before.acknowledged_at is None:
            notify_feedback_answered(note=note, by=user, actionable=None, now=now)
    return note


def feedback_note_rate(
    *, note: FeedbackNote, user, actionable: bool, now: datetime.datetime
) -> FeedbackNote:
    """Record whether the engineer could act on ``note``; it acknowledges too.
    A new answer tells the author."""
    actionable = bool(actionable)
    with transaction.atomic():
        before = _answer(note=note, user=user, now=now, actionable=actionable)
        if before.actionable != actionable:
            notify_feedback_answered(note=note, by=user, actionable=actionable, now=now)
    return note


# --- a note's conversation ---------------------------------------------------------


def _body_or_error(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationError({"body": "Write a comment first."})
    return body


def feedback_note_readers(note: FeedbackNote) -> list:
    """The active people who may read ``note``, as the policy says: its
    author, and as its visibility allows the engineer, their manager and
    their active mentors."""
    candidates = {note.author_id, note.engineer.user_id}
    related = Engineer.objects.filter(
        Q(reports=note.engineer_id) | Q(mentorships_as_mentor__mentee=note.engineer_id)
    ).values_list("user_id", flat=True)
    candidates.update(related)
    users = get_user_model().objects.filter(pk__in=candidates - {None}, is_active=True)
    return [
        user
        for user in users.order_by("pk")
        if FeedbackNote.objects.visible_to(user).filter(pk=note.pk).exists()
    ]


def feedback_comment_create(
    *, note: FeedbackNote, author, body: str, now: datetime.datetime
) -> FeedbackComment:
    """Add ``author``'s comment to ``note``'s conversation; tell the others.

    Everyone who may read the note may comment on it. The engineer's comment
    answers the note: it acknowledges it, and the author hears that it was
    answered.
    """
    body = _body_or_error(body)
    with transaction.atomic():
        current = (
            FeedbackNote.objects.visible_to(author)
            .select_related("engineer__user", "author")
            .filter(pk=note.pk)
            .first()
        )
        if current is None:
            raise ValidationError(
                "Only the people who may read a note can comment on it."
            )
        comment = FeedbackComment(
            note=current, author=author, body=body, created_at=now, updated_at=now
        )
        validate(comment)
        comment._history_user, comment._history_date = author, now
        comment.save()
        if current.engineer.user_id == author.pk and (
            FeedbackNote.objects.answerable_by(author).filter(pk=note.pk).exists()
        ):
            _answer(note=current, user=author, now=now, replied_at=now)
        readers = [r for r in feedback_note_readers(current) if r.pk != author.pk]
        notify_feedback_commented(comment=comment, recipients=readers, now=now)
    return comment


def feedback_comment_update(
    *, comment: FeedbackComment, author, body: str, now: datetime.datetime
) -> FeedbackComment:
    """Change the wording of ``author``'s own comment; the history keeps what
    it said before. Nobody is told again."""
    body = _body_or_error(body)
    with transaction.atomic():
        current = (
            FeedbackComment.objects.editable_by(author)
            .select_for_update(of=("self",))
            .filter(pk=comment.pk)
            .first()
        )
        if current is None:
            raise ValidationError("Only its author can change a comment.")
        if current.body == body:
            return current
        current.body = body
        current.updated_at = now
        validate(current)
        current._history_user = author
        current._history_date = now
        current.save(update_fields=["body", "updated_at"])
    comment.body, comment.updated_at = current.body, current.updated_at
    return current


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
        # Every email about the note not sent yet; a row being sent is left be.
        Reminder.objects.filter(
            kind__in=NOTE_EVENTS,
            payload__note_id=current.pk,
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
