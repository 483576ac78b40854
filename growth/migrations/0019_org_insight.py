"""Staff who may read every team's organisation insight: a custom permission
on Engineer, beside the other powers over people."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("growth", "0018_learning_sessions"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="engineer",
            options={
                "ordering": ["user__display_name"],
                "permissions": [
                    (
                        "export_personal_data",
                        "Can export everything about a person (subject access)",
                    ),
                    ("erase_person", "Can erase a person who left"),
                    (
                        "view_org_insight",
                        "Can view organisation insight for every team",
                    ),
                ],
            },
        ),
    ]
