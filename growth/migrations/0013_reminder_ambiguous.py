# The AMBIGUOUS reminder status: a choices change, no SQL.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("growth", "0012_feedback_conversation"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reminder",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Pending"),
                    ("sending", "Sending"),
                    ("sent", "Sent"),
                    ("failed", "Failed"),
                    ("ambiguous", "Ambiguous (may have been delivered)"),
                    ("skipped", "Skipped (recipient opted out or left)"),
                ],
                default="pending",
                max_length=20,
            ),
        ),
    ]
