"""Seed the default competencies and one reminder rule per kind.

The values are written out here, not imported, so this migration means the same
thing forever even when the code's defaults move on.
"""

from django.db import migrations

COMPETENCIES = [
    (
        "Code quality",
        "technical",
        "Readable, maintainable code that others can change safely.",
    ),
    (
        "System design",
        "technical",
        "Shaping systems and interfaces that fit the problem and can grow.",
    ),
    (
        "Data management",
        "technical",
        "Modelling, storing and migrating data correctly and safely.",
    ),
    (
        "Testing & validation",
        "technical",
        "Tests and checks that catch real problems early.",
    ),
    (
        "Production & MLOps",
        "technical",
        "Shipping, observing and running software and models in production.",
    ),
    (
        "Communication",
        "interpersonal",
        "Clear writing and speaking, adapted to the audience.",
    ),
    (
        "Collaboration",
        "interpersonal",
        "Working well with others across the team and beyond.",
    ),
    (
        "Mentoring",
        "interpersonal",
        "Helping others grow through teaching, pairing and support.",
    ),
    (
        "Ownership",
        "interpersonal",
        "Taking responsibility for outcomes and following through.",
    ),
    (
        "Giving & receiving feedback",
        "interpersonal",
        "Offering constructive feedback and acting on what you hear.",
    ),
]

RULES = [
    ("feedback_due", 14, "A manager has given a report no feedback in this many days."),
    (
        "interpersonal_gap",
        60,
        "A report has technical but no interpersonal feedback in this many days.",
    ),
    (
        "checkin_due",
        0,
        "A mentorship has had no check-in within its own cadence, plus this many days of grace.",
    ),
    (
        "goal_deadline",
        7,
        "A goal is due within this many days, or overdue, and has not been updated in that time.",
    ),
    (
        "request_pending",
        3,
        "Someone asked for feedback this many days ago (or its due date is this close) and it has not been given.",
    ),
    ("weekly_digest", 7, "A manager's summary of their team, on the digest weekday."),
]


def seed(apps, schema_editor):
    Competency = apps.get_model("growth", "Competency")
    ReminderRule = apps.get_model("growth", "ReminderRule")
    for name, kind, description in COMPETENCIES:
        Competency.objects.get_or_create(
            name=name, defaults={"kind": kind, "description": description}
        )
    for kind, cadence_days, description in RULES:
        ReminderRule.objects.get_or_create(
            kind=kind,
            defaults={"cadence_days": cadence_days, "description": description},
        )


def unseed(apps, schema_editor):
    apps.get_model("growth", "ReminderRule").objects.filter(
        kind__in=[kind for kind, _, _ in RULES]
    ).delete()
    # Competencies may be referenced by feedback by now; keep them.


class Migration(migrations.Migration):
    dependencies = [("growth", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
