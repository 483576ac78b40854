"""Load the default framework: areas, the competencies of 0002 placed in them
(keys and names kept, so feedback stays attached), the ones growing ML
engineers need, and an expectation per competency per level of the
engineering and management tracks.

The content is the files in growth/framework/default/, read with the same
parser the import uses; it is loaded by key and only fills in: a competency
keeps its name and kind, and an area or expectation already there is left as
it is, so running it again (tests do, after a flush) changes nothing.
"""

from pathlib import Path

from django.db import migrations

from growth.framework.files import parse_framework

DEFAULT = Path(__file__).resolve().parent.parent / "framework" / "default"
FILES = ("engineering.md", "management.md")


def read_default():
    tracks = []
    for name in FILES:
        parsed = parse_framework((DEFAULT / name).read_text("utf-8"), file=name)
        if parsed.errors:
            raise ValueError("; ".join(str(error) for error in parsed.errors))
        tracks.append(parsed.track)
    return tracks


def seed(apps, schema_editor):
    Track = apps.get_model("growth", "Track")
    Level = apps.get_model("growth", "Level")
    CompetencyArea = apps.get_model("growth", "CompetencyArea")
    Competency = apps.get_model("growth", "Competency")
    Expectation = apps.get_model("growth", "Expectation")
    for spec in read_default():
        track, _ = Track.objects.get_or_create(
            key=spec.key,
            defaults={
                "name": spec.name,
                "description": spec.description,
                "position": spec.position or 0,
            },
        )
        levels = {}
        for level in spec.levels:
            levels[level.key], _ = Level.objects.get_or_create(
                track=track,
                key=level.key,
                defaults={
                    "name": level.name,
                    "rank": level.rank,
                    "summary": level.summary,
                    "is_senior": level.is_senior,
                },
            )
        areas = {}
        for area in spec.areas:
            areas[area.key], _ = CompetencyArea.objects.get_or_create(
                key=area.key,
                defaults={
                    "name": area.name,
                    "description": area.description,
                    "position": area.position or 0,
                },
            )
        for topic in spec.competencies:
            placed = {
                "area": areas[topic.area],
                "position": topic.position or 0,
                "description": topic.description or "",
                "counts_mentoring": bool(topic.counts_mentoring),
            }
            # By key, or by name: a database migrated back and forth has the
            # competencies already, keyed from their names by 0021.
            competency = Competency.objects.filter(key=topic.key).first()
            if competency is None:
                competency = Competency.objects.filter(name=topic.name).first()
                if competency is not None:
                    competency.key = topic.key
                    competency.save(update_fields=["key"])
            created = competency is None
            if created:
                competency = Competency.objects.create(
                    key=topic.key, name=topic.name, kind=topic.kind, **placed
                )
            if not created and any(
                getattr(competency, name) != value for name, value in placed.items()
            ):
                for name, value in placed.items():
                    setattr(competency, name, value)
                competency.save(update_fields=list(placed))
            for expectation in topic.expectations:
                Expectation.objects.get_or_create(
                    competency=competency,
                    level=levels[expectation.level],
                    defaults={
                        "statement": expectation.statement,
                        "examples": "\n".join(expectation.examples),
                    },
                )


class Migration(migrations.Migration):
    dependencies = [
        ("growth", "0023_work_links"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop, elidable=False),
    ]
