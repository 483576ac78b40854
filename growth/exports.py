"""An engineer's own data, to take away: one JSON document or one CSV file.

Everything comes through the policy, as the signed-in engineer: feedback shared
with them (never the manager-only notes about them), what they wrote, their
goals, their check-ins (the private notes only of those they held), the
talking points of their 1:1s and mentoring, learning and requests. A fixed
number of queries, however long the history.
"""

from __future__ import annotations

import csv
import datetime
import io
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.text import slugify

from growth.models import (
    ActionItem,
    AgendaItem,
    Assessment,
    AssessmentRating,
    CheckIn,
    Engineer,
    FeedbackComment,
    FeedbackNote,
    FeedbackRequest,
    Goal,
    GoalCheckIn,
    LearningActivity,
    Level,
    Readiness,
    Visibility,
)
from growth.policy import Access, access_of
from growth.spreadsheets import csv_cell


def name_of(obj) -> str | None:
    return str(obj) if obj is not None else None


def in_zone(value, zone):
    """Times in the engineer's zone, with their offset; dates as they are."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(zone)
    return value


def link_record(link) -> dict:
    """A link to the work, as the note or check-in it is on shows it."""
    return {
        "url": link.url,
        "kind": link.kind,
        "host": link.host,
        "label": link.label,
        "title": link.title,
    }


def note_record(note: FeedbackNote, zone) -> dict:
    return {
        "id": note.pk,
        "created_at": in_zone(note.created_at, zone),
        "author": name_of(note.author),
        "engineer": name_of(note.engineer),
        "visibility": note.visibility,
        "kind": note.kind,
        "competency": name_of(note.competency),
        "sentiment": note.sentiment,
        "situation": note.situation,
        "behaviour": note.behaviour,
        "impact": note.impact,
        "suggestion": note.suggestion,
        "message": note.message,
        "public": note.public,
        "acknowledged_at": in_zone(note.acknowledged_at, zone),
        "replied_at": in_zone(note.replied_at, zone),
        "actionable": note.actionable,
        "goal_id": note.goal_id,
        "request_id": note.request_id,
        "links": [link_record(link) for link in note.links.all()],
        "comments": [
            {
                "id": comment.pk,
                "author": name_of(comment.author),
                "created_at": in_zone(comment.created_at, zone),
                "updated_at": in_zone(comment.updated_at, zone),
                "body": comment.body,
            }
            for comment in note.thread
        ],
    }


def request_record(request: FeedbackRequest, zone) -> dict:
    return {
        "id": request.pk,
        "created_at": in_zone(request.created_at, zone),
        "requester": name_of(request.requester),
        "recipient": name_of(request.recipient),
        "message": request.message,
        "competency": name_of(request.competency),
        "goal_id": request.goal_id,
        "due_on": request.due_on,
        "status": request.status,
        "closed_at": in_zone(request.closed_at, zone),
    }


def goal_check_in_record(check_in: GoalCheckIn, zone) -> dict:
    return {
        "id": check_in.pk,
        "created_at": in_zone(check_in.created_at, zone),
        "author": name_of(check_in.author),
        "progress": check_in.progress,
        "note": check_in.note,
        "links": [link_record(link) for link in check_in.links.all()],
    }


def goal_record(goal: Goal, check_ins, zone) -> dict:
    """The goal, with ``check_ins``, its progress records, nested."""
    return {
        "id": goal.pk,
        "title": goal.title,
        "description": goal.description,
        "kind": goal.kind,
        "competency": name_of(goal.competency),
        "target_date": goal.target_date,
        "status": goal.status,
        "progress": goal.progress,
        "created_at": in_zone(goal.created_at, zone),
        "updated_at": in_zone(goal.updated_at, zone),
        "created_by": name_of(goal.created_by),
        "check_ins": [goal_check_in_record(c, zone) for c in check_ins],
    }


def check_in_record(
    check_in: CheckIn, action_items, zone, *, private_notes: bool = False
) -> dict:
    """A check-in with its action items; its author's private notes only when
    ``private_notes`` (the export is the author's, or staff's)."""
    record = {
        "id": check_in.pk,
        "kind": check_in.kind,
        "held_on": check_in.held_on,
        "engineer": name_of(check_in.engineer),
        "author": name_of(check_in.author),
        "notes": check_in.notes,
    }
    if private_notes:
        record["private_notes"] = check_in.private_notes
    record["action_items"] = [
        {
            "id": item.pk,
            "description": item.description,
            "owner": name_of(item.owner),
            "due_on": item.due_on,
            "created_at": in_zone(item.created_at, zone),
            "done_at": in_zone(item.done_at, zone),
        }
        for item in action_items
    ]
    return record


def agenda_item_record(point: AgendaItem, zone) -> dict:
    return {
        "id": point.pk,
        "kind": point.kind,
        "engineer": name_of(point.engineer),
        "mentorship_id": point.mentorship_id,
        "added_by": name_of(point.added_by),
        "text": point.text,
        "created_at": in_zone(point.created_at, zone),
        "discussed_in_check_in_id": point.discussed_in_id,
    }


# --- the career framework (fw-team) -----------------------------------------------


def assessments_prefetched(qs, access: Access | None = None):
    """``qs`` with what ``assessment_record`` reads: four queries more (the
    ratings, and each kind of evidence they cite). With ``access``, only the
    evidence that person may read: the engineer's own export never names the
    manager-only note their manager cited, as their framework page does not.
    Without it (staff's subject-access export), all of it."""

    def cited(model):
        objects = model.objects.all()
        if access is not None:
            objects = model.objects.visible_to(access)
        return objects.only("pk").order_by("pk")

    return qs.select_related(
        "engineer__user", "author", "level__track"
    ).prefetch_related(
        Prefetch(
            "ratings",
            queryset=AssessmentRating.objects.select_related("competency")
            .prefetch_related(
                Prefetch("evidence_notes", queryset=cited(FeedbackNote)),
                Prefetch("evidence_goals", queryset=cited(Goal)),
                Prefetch("evidence_learning", queryset=cited(LearningActivity)),
            )
            .order_by("competency__position", "competency__name", "pk"),
            to_attr="rating_list",
        )
    )


def assessment_record(assessment: Assessment, zone) -> dict:
    """An assessment with its ratings; evidence as the ids it links to."""
    return {
        "id": assessment.pk,
        "engineer": name_of(assessment.engineer),
        "role": assessment.role,
        "author": name_of(assessment.author),
        "level": str(assessment.level),
        "created_at": in_zone(assessment.created_at, zone),
        "shared_at": in_zone(assessment.shared_at, zone),
        "ratings": [
            {
                "competency": rating.competency.name,
                "rating": rating.rating,
                "comment": rating.comment,
                "evidence_note_ids": [n.pk for n in rating.evidence_notes.all()],
                "evidence_goal_ids": [g.pk for g in rating.evidence_goals.all()],
                "evidence_learning_ids": [a.pk for a in rating.evidence_learning.all()],
            }
            for rating in assessment.rating_list
        ],
    }


def readiness_record(readiness: Readiness, zone) -> dict:
    return {
        "id": readiness.pk,
        "engineer": name_of(readiness.engineer),
        "level": str(readiness.level),
        "status": readiness.status,
        "summary": readiness.summary,
        "author": name_of(readiness.author),
        "updated_at": in_zone(readiness.updated_at, zone),
        "shared_at": in_zone(readiness.shared_at, zone),
    }


def level_history(engineer: Engineer) -> list[dict]:
    """Each level the engineer held and since when, oldest first, from the
    change history (a version that changed neither is left out): one query."""
    versions = engineer.history.order_by("history_date", "history_id").values_list(
        "level_id", "level_since"
    )
    changes: list[tuple] = []
    for level_id, since in versions:
        if not changes or changes[-1] != (level_id, since):
            changes.append((level_id, since))
    names = {
        level.pk: str(level)
        for level in Level.objects.filter(
            pk__in={pk for pk, _ in changes if pk}
        ).select_related("track")
    }
    return [
        {"level": names.get(level_id), "since": since} for level_id, since in changes
    ]


def export_build(
    *, user, engineer: Engineer, now: datetime.datetime, access: Access | None = None
) -> dict:
    """Everything ``user`` (whose profile is ``engineer``; ``access`` theirs,
    when the request has it) may take away."""
    zone = user.zone
    access = access_of(access or user)
    notes = (
        FeedbackNote.objects.visible_to(access)
        .select_related("author", "engineer__user", "competency")
        .prefetch_related(
            "links",
            Prefetch(
                "comments",
                queryset=FeedbackComment.objects.select_related("author"),
                to_attr="thread",
            ),
        )
    )
    received = notes.filter(engineer=engineer, visibility=Visibility.SHARED)
    given = notes.filter(author=user)
    goals = (
        Goal.objects.visible_to(access)
        .filter(engineer=engineer)
        .select_related("competency", "created_by")
        .prefetch_related(
            Prefetch(
                "check_ins",
                queryset=GoalCheckIn.objects.select_related("author").prefetch_related(
                    "links"
                ),
                to_attr="check_in_log",
            )
        )
        .order_by("created_at", "pk")
    )
    check_ins = (
        CheckIn.objects.visible_to(access)
        .filter(Q(engineer=engineer) | Q(author=user))
        .select_related("author", "engineer__user")
        .prefetch_related(
            Prefetch(
                "action_items",
                queryset=ActionItem.objects.select_related("owner"),
                to_attr="items",
            )
        )
        .order_by("held_on", "pk")
    )
    talking_points = (
        AgendaItem.objects.visible_to(access)
        .filter(Q(engineer=engineer) | Q(added_by=user))
        .select_related("engineer__user", "added_by")
        .order_by("created_at", "pk")
    )
    learning = (
        LearningActivity.objects.visible_to(access)
        .filter(attendees=engineer)
        .select_related("led_by__user")
        .order_by("date", "pk")
    )
    # Made and received in one query: every request one sees is one or the other.
    requests = list(
        FeedbackRequest.objects.visible_to(access)
        .filter(Q(requester=engineer) | Q(recipient=engineer))
        .select_related("requester__user", "recipient__user", "competency")
        .order_by("created_at", "pk")
    )
    return {
        "exported_at": in_zone(now, zone),
        "profile": {
            "name": engineer.name,
            "email": engineer.user.email,
            "time_zone": engineer.user.time_zone,
            "team": name_of(engineer.team),
            "manager": name_of(engineer.manager),
            "level": engineer.level.name if engineer.level else None,
            "track": engineer.track.name if engineer.level else None,
            "level_since": engineer.level_since,
            "title": engineer.title,
            "start_date": engineer.start_date,
            "active": engineer.is_active,
        },
        "feedback_received": [
            note_record(note, zone) for note in received.order_by("created_at", "pk")
        ],
        "feedback_given": [
            note_record(note, zone) for note in given.order_by("created_at", "pk")
        ],
        "goals": [goal_record(goal, goal.check_in_log, zone) for goal in goals],
        "check_ins": [
            check_in_record(
                check_in,
                check_in.items,
                zone,
                private_notes=check_in.author_id == user.pk,
            )
            for check_in in check_ins
        ],
        "talking_points": [agenda_item_record(p, zone) for p in talking_points],
        "learning": [
            {
                "id": activity.pk,
                "kind": activity.kind,
                "title": activity.title,
                "description": activity.description,
                "date": activity.date,
                "hours": activity.hours,
                "led_by": name_of(activity.led_by),
                "goal_id": activity.goal_id,
            }
            for activity in learning
        ],
        "feedback_requests_made": [
            request_record(r, zone) for r in requests if r.requester_id == engineer.pk
        ],
        "feedback_requests_received": [
            request_record(r, zone) for r in requests if r.recipient_id == engineer.pk
        ],
        # The career framework: what they read of their own assessments and
        # readiness, and the levels they held.
        "assessments": [
            assessment_record(a, zone)
            for a in assessments_prefetched(
                Assessment.objects.visible_to(access).filter(
                    engineer_id__in=access.own_ids
                ),
                access,
            ).order_by("created_at", "pk")
        ],
        "readiness": [
            readiness_record(r, zone)
            for r in Readiness.objects.visible_to(access)
            .filter(engineer_id__in=access.own_ids)
            .select_related("engineer__user", "author", "level__track")
            .order_by("created_at", "pk")
        ],
        "level_history": level_history(engineer),
    }


def export_json(data: dict) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


# What a record holds as lists, written as records of their own.
NESTED = ("comments", "links")


def _records(data: dict):
    """Flatten the document into (record type, fields) pairs: a nested list
    becomes its own record type pointing at its parent's id."""
    yield "profile", data["profile"]
    for section, record_type in (
        ("feedback_received", "feedback_received"),
        ("feedback_given", "feedback_given"),
    ):
        for row in data[section]:
            yield record_type, {k: v for k, v in row.items() if k not in NESTED}
            for comment in row["comments"]:
                yield "comment", {"note_id": row["id"], **comment}
            for link in row["links"]:
                yield "note_link", {"note_id": row["id"], **link}
    for goal in data["goals"]:
        yield "goal", {k: v for k, v in goal.items() if k != "check_ins"}
        for check_in in goal["check_ins"]:
            yield (
                "goal_check_in",
                {
                    "goal_id": goal["id"],
                    **{k: v for k, v in check_in.items() if k != "links"},
                },
            )
            for link in check_in["links"]:
                yield "goal_check_in_link", {"goal_check_in_id": check_in["id"], **link}
    for check_in in data["check_ins"]:
        yield "check_in", {k: v for k, v in check_in.items() if k != "action_items"}
        for item in check_in["action_items"]:
            yield "action_item", {"check_in_id": check_in["id"], **item}
    for point in data["talking_points"]:
        yield "talking_point", point
    for activity in data["learning"]:
        yield "learning", activity
    for row in data["feedback_requests_made"]:
        yield "feedback_request_made", row
    for row in data["feedback_requests_received"]:
        yield "feedback_request_received", row
    for assessment in data.get("assessments", ()):
        yield "assessment", {k: v for k, v in assessment.items() if k != "ratings"}
        for rating in assessment["ratings"]:
            yield (
                "assessment_rating",
                {
                    "assessment_id": assessment["id"],
                    **{
                        k: " ".join(map(str, v)) if isinstance(v, list) else v
                        for k, v in rating.items()
                    },
                },
            )
    for row in data.get("readiness", ()):
        yield "readiness", row
    for row in data.get("level_history", ()):
        yield "level", row


def _cell(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return csv_cell(value)


def export_csv(data: dict) -> str:
    """One CSV: ``record_type`` first, then every field any record type has;
    a cell a spreadsheet would run as a formula gets a leading apostrophe."""
    records = list(_records(data))
    columns: list[str] = []
    for _, fields in records:
        for name in fields:
            if name not in columns:
                columns.append(name)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["record_type", *columns])
    for record_type, fields in records:
        writer.writerow([record_type, *(_cell(fields.get(name)) for name in columns)])
    return out.getvalue()


def export_filename(*, engineer: Engineer, now: datetime.datetime, fmt: str) -> str:
    day = timezone.localtime(now, engineer.user.zone).date()
    return f"cultivate-{slugify(engineer.name) or engineer.pk}-{day:%Y-%m-%d}.{fmt}"
