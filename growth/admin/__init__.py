"""The admin, where staff run Cultivate: people, reporting lines, mentorships,
competencies, reminder schedules and data export.

An engineer's name is their user's, so naming a row often takes a join. Every
admin here joins its ``list_select_related`` in all its querysets (changelist,
autocomplete, exports, choices), so a page costs the same few queries however
many rows it shows.
"""

from growth.admin import (  # noqa: F401  (each registers its admins)
    checkins,
    feedback,
    framework,
    framework_files,
    goals,
    learning,
    people,
    reminders,
    sessions,
)
