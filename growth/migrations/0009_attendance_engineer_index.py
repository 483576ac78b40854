"""A covering index for what one engineer attended.

The growth dashboard sums the hours of the activities an engineer attended in
the last six months. Django's own index on the attendance table holds only the
engineer, so each of their attendances cost a read of its row to find the
activity: about 0.7 ms on the benchmark's busiest engineer, most of the
dashboard's SQL. With the activity in the index too, the table is not read.
"""

from django.db import migrations

INDEX = "growth_attendance_engineer_activity"


class Migration(migrations.Migration):
    dependencies = [
        ("growth", "0008_text_limits"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {INDEX} ON growth_learningactivity_attendees "
            "(engineer_id, learningactivity_id)",
            f"DROP INDEX {INDEX}",
        ),
    ]
