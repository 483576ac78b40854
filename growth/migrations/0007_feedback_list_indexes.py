"""A covering index for the feedback list's tabs about people.

The list, its count and its "About" and "Written by" options all read the
notes about a set of engineers that are not deleted, by visibility, newest
first, with their authors, and the team page counts their kinds and whether
they were acknowledged: this index holds every column those queries read, so
they are answered from it without reading a note.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("growth", "0006_erasure_keeps_mentees_check_ins"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="feedbacknote",
            index=models.Index(
                fields=[
                    "engineer",
                    "deleted_at",
                    "visibility",
                    "-created_at",
                    "author",
                    "id",
                    "kind",
                    "acknowledged_at",
                ],
                name="note_list_cover",
            ),
        ),
    ]
