"""What the admin's user and engineer change forms post when saved as they
are, with ``fields`` changed; a field given as None is left out, as an
unticked box is."""

from __future__ import annotations


def _posted(data: dict, fields: dict) -> dict:
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


def user_form(user, **fields) -> dict:
    data = {
        "email": user.email,
        "display_name": user.display_name,
        "time_zone": user.time_zone,
        "is_active": "on" if user.is_active else None,
        "name_changes-TOTAL_FORMS": "0",
        "name_changes-INITIAL_FORMS": "0",
        "name_changes-MIN_NUM_FORMS": "0",
        "name_changes-MAX_NUM_FORMS": "0",
    }
    return _posted(data, fields)


def engineer_form(engineer, **fields) -> dict:
    data = {
        "user": engineer.user_id,
        "team": engineer.team_id,
        "manager": engineer.manager_id or "",
        "title": engineer.title,
        "level": engineer.level_id or "",
        "level_since": engineer.level_since.isoformat() if engineer.level_since else "",
        "start_date": engineer.start_date.isoformat(),
        "is_active": "on" if engineer.is_active else None,
    }
    for prefix in ("mentorships_as_mentor", "mentorships_as_mentee"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return _posted(data, fields)
