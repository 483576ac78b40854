"""Each attendance keeps its activity's date.

The growth dashboard sums the hours an engineer attended in the last six
months. With the date only on the activity, PostgreSQL either reads every
activity of the period (about 7,000 on the benchmark) or each of the engineer's
attendances (about 550) to keep a few dozen. With the date on the attendance,
one engineer's attendances in a period are one range of an index.

The table Django made for ``LearningActivity.attendees`` stays; it becomes the
``Attendance`` model, and gains the date, copied from the activities in one
statement. The index of 0009 goes: the new one starts with the engineer and
holds the activity too, so it answers what 0009's did from the index alone.
Its unique pair becomes a named constraint, as the project's others are.
"""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "growth_learningactivity_attendees"
OLD_INDEX = "growth_attendance_engineer_activity"

HELP_TEXT = (
    "The activity's date, kept equal to it by the services and the admin: it lets "
    "one engineer's attendances in a period be read without the activities."
)


class Migration(migrations.Migration):
    dependencies = [
        ("growth", "0009_attendance_engineer_index"),
    ]

    operations = [
        # The table is already there as Django made it: only the state learns
        # its model, with the same columns and the same unique pair.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Attendance",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "learningactivity",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="attendances",
                                to="growth.learningactivity",
                            ),
                        ),
                        (
                            "engineer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="attendances",
                                to="growth.engineer",
                            ),
                        ),
                    ],
                    options={
                        "db_table": TABLE,
                        "unique_together": {("learningactivity", "engineer")},
                    },
                ),
                migrations.AlterField(
                    model_name="learningactivity",
                    name="attendees",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="learning_activities",
                        through="growth.Attendance",
                        to="growth.engineer",
                    ),
                ),
            ],
        ),
        # First, before SQLite rebuilds the table below, which would drop an
        # index its model does not know of.
        migrations.RunSQL(
            f"DROP INDEX {OLD_INDEX}",
            f"CREATE INDEX {OLD_INDEX} ON {TABLE} (engineer_id, learningactivity_id)",
        ),
        migrations.AlterUniqueTogether(name="attendance", unique_together=set()),
        migrations.AddConstraint(
            model_name="attendance",
            constraint=models.UniqueConstraint(
                fields=("learningactivity", "engineer"), name="attendance_once"
            ),
        ),
        migrations.AddField(
            model_name="attendance",
            name="date",
            field=models.DateField(null=True, help_text=HELP_TEXT),
        ),
        # One statement both databases run; going back, the column goes anyway.
        migrations.RunSQL(
            f'UPDATE {TABLE} SET "date" = ('
            'SELECT "date" FROM growth_learningactivity '
            f"WHERE growth_learningactivity.id = {TABLE}.learningactivity_id)",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="attendance",
            name="date",
            field=models.DateField(help_text=HELP_TEXT),
        ),
        # After the copy, so that it does not rewrite the index row by row.
        migrations.AddIndex(
            model_name="attendance",
            index=models.Index(
                fields=["engineer", "date", "learningactivity"],
                name="attendance_engineer_date",
            ),
        ),
    ]
