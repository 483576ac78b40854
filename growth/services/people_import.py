"""The people import and export: an organisation's HR file in, the same file out.

One row a person, keyed by email. The whole file is checked before anything is
written (``people_import_plan``): each row is new, changed, unchanged or
refused with the column at fault, and one refused row refuses the file. Then
``people_import_apply`` writes the plan in one transaction. Managers and
mentors are resolved after every row is read, so a row may name a manager
listed further down, or one already here.

A fixed number of queries whatever the size of the file: every lookup reads
all it needs at once (people by email, teams, names in use, the reporting
lines, mentorships), and every write is a bulk one. Only marking a person as
gone (``engineer_active_set``) runs per row, for it ends their sessions.

django-import-export (on tablib) reads CSV and XLSX and draws the admin's
pages; ``PeopleResource`` hands it this module's plan as its ``Result``.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

import tablib
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from import_export import fields as ie_fields
from import_export import resources
from import_export.results import InvalidRow, Result, RowResult
from import_export.tmp_storages import BaseStorage

from accounts.invitations import invitations_send
from accounts.models import NameChange, Team, User, validate_time_zone
from accounts.names import name_key
from growth.models import Engineer, Level, Mentorship, PendingImport, limits
from growth.services.people import engineer_active_set

# The columns, in the order the export writes them. Only email, name and team
# are required in the header; a column left out of the file is left alone.
COLUMNS = (
    "email",
    "name",
    "team",
    "manager_email",
    "track",
    "level",
    "title",
    "start_date",
    "time_zone",
    "active",
    "mentor_email",
)
REQUIRED_COLUMNS = ("email", "name", "team")
# Several mentors go in one cell, separated by this.
MENTOR_SEPARATOR = ";"

YES = {"yes", "y", "true", "1", "active"}
NO = {"no", "n", "false", "0", "inactive"}

NEW = "new"
UPDATE = "update"
UNCHANGED = "unchanged"
REFUSED = "refused"


def _now() -> datetime.datetime:
    return timezone.now()


# --- reading the file ------------------------------------------------------------


def _header_key(header) -> str:
    """``Manager Email`` and ``manager-email`` are ``manager_email``."""
    text = str(header or "").strip().lower()
    return "_".join(text.replace("-", " ").split())


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet's number cell
    return " ".join(str(value).split())


def _named(text: str, key: str, name: str) -> bool:
    return text.casefold() in (key.casefold(), name.casefold())


def _level(row, track: str, level: str, levels: list[Level]) -> Level | None:
    """The framework's level a row names, by key or name, any case: within
    the track the row names, or the only level of that name on any track."""
    candidates = levels
    if track:
        candidates = [lv for lv in levels if _named(track, lv.track.key, lv.track.name)]
        if not candidates:
            known = ", ".join(dict.fromkeys(lv.track.key for lv in levels))
            row.refuse("track", f"{track!r} is not a track; use one of {known}.")
            return None
    if not level:
        row.refuse("level", "Name their level on the track as well.")
        return None
    found = [lv for lv in candidates if _named(level, lv.key, lv.name)]
    if len(found) == 1:
        return found[0]
    if found:
        row.refuse("track", f"{level!r} is a level of several tracks; name the track.")
    else:
        known = ", ".join(lv.key for lv in candidates)
        row.refuse("level", f"{level!r} is not a level; use one of {known}.")
    return None


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(_text(value))
    except ValueError:
        raise ValidationError(
            f"{_text(value)!r} is not a date; write it as YYYY-MM-DD."
        ) from None


def _yes_no(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).casefold()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValidationError(f"{_text(value)!r} is neither yes nor no.")


# --- the plan ----------------------------------------------------------------------


@dataclass
class PlannedRow:
    """One row of the file: what it says, and what importing it would do."""

    number: int  # the row in the spreadsheet, the header being row 1
    values: dict[str, str]
    email: str = ""
    outcome: str = UNCHANGED
    errors: dict[str, list[str]] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)  # the columns that change
    # What the row sets, cleaned; a key left out is left alone.
    user_fields: dict = field(default_factory=dict)
    engineer_fields: dict = field(default_factory=dict)
    team_name: str = ""
    manager_email: str | None = None  # None: left alone; "": no manager
    mentor_emails: list[str] = field(default_factory=list)
    user: User | None = None
    engineer: Engineer | None = None

    def refuse(self, column: str, message: str) -> None:
        self.errors.setdefault(column, []).append(message)

    @property
    def refused(self) -> bool:
        return bool(self.errors)

    def error_lines(self) -> list[str]:
        """``row 7, manager_email: …``, one line per error."""
        return [
            f"row {self.number}, {column}: {message}"
            for column, messages in self.errors.items()
            for message in messages
        ]


@dataclass
class Plan:
    rows: list[PlannedRow]
    columns: list[str]
    ignored_columns: list[str] = field(default_factory=list)
    teams_to_create: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # about the file as a whole
    # Filled in by people_import_apply.
    created_users: list[User] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(row.refused for row in self.rows)

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def totals(self) -> dict[str, int]:
        return {
            outcome: self.count(outcome)
            for outcome in (NEW, UPDATE, UNCHANGED, REFUSED)
        }

    def error_lines(self) -> list[str]:
        return [
            *self.errors,
            *(line for row in self.rows for line in row.error_lines()),
        ]


def people_import_plan(*, dataset: tablib.Dataset) -> Plan:
    """Check every row of ``dataset`` and say what importing it would do,
    writing nothing."""
    keys = [_header_key(h) for h in (dataset.headers or [])]
    columns = [key for key in keys if key in COLUMNS]
    plan = Plan(
        rows=[],
        columns=columns,
        ignored_columns=[
            h
            for h, k in zip(dataset.headers or [], keys, strict=True)
            if k not in COLUMNS
        ],
    )
    missing = [c for c in REQUIRED_COLUMNS if c not in keys]
    if missing:
        plan.errors.append(
            "The file has no column " + ", ".join(missing) + "; the header row "
            "names the columns: " + ", ".join(COLUMNS) + "."
        )
        return plan
    for index, raw in enumerate(dataset):
        values = {}
        for key, value in zip(keys, raw, strict=False):
            if key in COLUMNS and key not in values:
                values[key] = value
        if not any(_text(v) for v in values.values()):
            continue  # a blank line at the end of a spreadsheet
        plan.rows.append(PlannedRow(number=index + 2, values=values))
    _read_rows(plan)
    _compare(plan)
    return plan


def _read_rows(plan: Plan) -> None:
    """Clean each row's cells, one column at a time, naming the column at fault."""
    first_row_of: dict[str, int] = {}
    levels = list(Level.objects.select_related("track").order_by("track", "rank"))
    for row in plan.rows:
        v = row.values
        email = _text(v.get("email")).lower()
        try:
            if not email:
                raise ValidationError("Every person needs an email address.")
            validate_email(email)
        except ValidationError as error:
            row.refuse("email", " ".join(error.messages))
        else:
            if email in first_row_of:
                row.refuse("email", f"{email} is also on row {first_row_of[email]}.")
            else:
                first_row_of[email] = row.number
        row.email = email

        name = _text(v.get("name"))
        if len(name) > 150:
            row.refuse("name", "A name has at most 150 characters.")
        elif name:
            row.user_fields["display_name"] = name

        team = _text(v.get("team"))
        if len(team) > 100:
            row.refuse("team", "A team's name has at most 100 characters.")
        row.team_name = team

        if "manager_email" in v:
            manager = _text(v.get("manager_email")).lower()
            row.manager_email = manager
            if manager and manager == email:
                row.refuse("manager_email", "A person cannot be their own manager.")
        track, level = _text(v.get("track")), _text(v.get("level"))
        if track or level:
            found = _level(row, track, level, levels)
            if found is not None:
                row.engineer_fields["level"] = found
        if "title" in v:
            title = _text(v.get("title"))
            if len(title) > limits.ENGINEER_TITLE:
                row.refuse(
                    "title", f"A title has at most {limits.ENGINEER_TITLE} characters."
                )
            row.engineer_fields["title"] = title
        if _text(v.get("start_date")):
            try:
                row.engineer_fields["start_date"] = _date(v["start_date"])
            except ValidationError as error:
                row.refuse("start_date", " ".join(error.messages))
        zone = _text(v.get("time_zone"))
        if zone:
            try:
                validate_time_zone(zone)
            except ValidationError as error:
                row.refuse("time_zone", " ".join(error.messages))
            else:
                row.user_fields["time_zone"] = zone
        if _text(v.get("active")) or isinstance(v.get("active"), bool):
            try:
                active = _yes_no(v["active"])
            except ValidationError as error:
                row.refuse("active", " ".join(error.messages))
            else:
                row.user_fields["is_active"] = active
                row.engineer_fields["is_active"] = active
        mentors = [
            m.strip().lower()
            for m in _text(v.get("mentor_email")).split(MENTOR_SEPARATOR)
            if m.strip()
        ]
        if email and email in mentors:
            row.refuse("mentor_email", "A person cannot mentor themselves.")
        row.mentor_emails = sorted(set(mentors))


def _compare(plan: Plan) -> None:
    """Read what is here already, all at once, and decide each row."""
    rows = plan.rows
    in_file = {row.email: row for row in rows if row.email}
    named = set(in_file)
    for row in rows:
        if row.manager_email:
            named.add(row.manager_email)
        named.update(row.mentor_emails)
    # Emails are stored in lower case (accounts.UserManager).
    users = {
        user.email: user
        for user in User.objects.filter(email__in=named).select_related(
            "engineer__team", "engineer__manager__user"
        )
    }
    teams = {team.name.casefold(): team for team in Team.objects.all()}
    # Who reports to whom today, for loops that pass through people not in the file.
    reports_to = dict(
        Engineer.objects.values_list("user__email", "manager__user__email")
    )
    names_in_use = {}
    for user_id, display_name in User.objects.filter(is_active=True).values_list(
        "pk", "display_name"
    ):
        names_in_use.setdefault(name_key(display_name), user_id)

    engineer_emails = set(reports_to)
    new_teams: dict[str, str] = {}
    names_in_file: dict[str, int] = {}
    for row in rows:
        row.user = users.get(row.email)
        row.engineer = getattr(row.user, "engineer", None) if row.user else None
        is_new = row.engineer is None
        # The team: required for a new person, matched without regard to case.
        if row.team_name:
            key = row.team_name.casefold()
            if key not in teams and key not in new_teams:
                new_teams[key] = row.team_name
        elif is_new:
            row.refuse("team", "A new person needs a team.")
        if is_new and row.user is None and "display_name" not in row.user_fields:
            row.refuse("name", "A new person needs a name.")
        # A name must tell people apart (accounts.names), in the file and here.
        name = row.user_fields.get("display_name")
        active = row.user_fields.get(
            "is_active", row.user.is_active if row.user else True
        )
        if name and active:
            key = name_key(name)
            holder = names_in_use.get(key)
            taken = holder is not None and (
                row.user is None
                or (holder != row.user.pk and name_key(row.user.display_name) != key)
            )
            if taken:
                row.refuse(
                    "name",
                    f"{name} is already the name of someone else here; "
                    "add a middle initial or a second surname.",
                )
            if key in names_in_file:
                row.refuse(
                    "name", f"{name} is also the name on row {names_in_file[key]}."
                )
            else:
                names_in_file[key] = row.number
        # The manager: someone in the file or an engineer here already.
        manager = row.manager_email
        if manager and manager not in in_file and manager not in engineer_emails:
            row.refuse(
                "manager_email",
                f"No person has the email {manager}, in this file or here.",
            )
        for mentor in row.mentor_emails:
            if mentor not in in_file and mentor not in engineer_emails:
                row.refuse(
                    "mentor_email",
                    f"No person has the email {mentor}, in this file or here.",
                )
    plan.teams_to_create = sorted(new_teams.values(), key=str.casefold)
    _refuse_loops(rows, reports_to)
    mentors_of = _active_mentors([row.engineer.pk for row in rows if row.engineer])
    for row in rows:
        if row.refused:
            row.outcome = REFUSED
        elif row.engineer is None:
            row.outcome = NEW
        else:
            row.changes = _changes(row, teams, mentors_of.get(row.engineer.pk, set()))
            row.outcome = UPDATE if row.changes else UNCHANGED


def _refuse_loops(rows: list[PlannedRow], reports_to: dict[str, str | None]) -> None:
    """Refuse each row whose manager would, up the chain, report to them."""
    chain = dict(reports_to)
    for row in rows:
        if row.email and row.manager_email is not None:
            chain[row.email] = row.manager_email or None
    for row in rows:
        if not row.email or not row.manager_email or "manager_email" in row.errors:
            continue
        path = [row.email]
        current = chain.get(row.email)
        seen = {row.email}
        while current is not None and current not in seen:
            path.append(current)
            seen.add(current)
            current = chain.get(current)
        if current == row.email:
            row.refuse(
                "manager_email",
                "This makes a reporting loop: " + " → ".join([*path, row.email]) + ".",
            )


def _active_mentors(engineer_ids: list[int]) -> dict[int, set[str]]:
    mentors: dict[int, set[str]] = {}
    for mentee_id, email in (
        Mentorship.objects.active()
        .filter(mentee_id__in=engineer_ids, mentor__isnull=False)
        .values_list("mentee_id", "mentor__user__email")
    ):
        mentors.setdefault(mentee_id, set()).add(email)
    return mentors


def _changes(row: PlannedRow, teams: dict[str, Team], mentors: set[str]) -> list[str]:
    """The columns of ``row`` that differ from the person as they are here."""
    engineer, user = row.engineer, row.user
    changed = []
    if user.display_name != row.user_fields.get("display_name", user.display_name):
        changed.append("name")
    if row.team_name:
        team = teams.get(row.team_name.casefold())
        if team is None or team.pk != engineer.team_id:
            changed.append("team")
    if row.manager_email is not None:
        current = engineer.manager.user.email if engineer.manager else ""
        if current != row.manager_email:
            changed.append("manager_email")
    if "level" in row.engineer_fields and (
        engineer.level_id != row.engineer_fields["level"].pk
    ):
        changed.append("level")
    for column in ("title", "start_date"):
        if column in row.engineer_fields and (
            getattr(engineer, column) != row.engineer_fields[column]
        ):
            changed.append(column)
    if user.time_zone != row.user_fields.get("time_zone", user.time_zone):
        changed.append("time_zone")
    if "is_active" in row.engineer_fields and (
        engineer.is_active != row.engineer_fields["is_active"]
        or user.is_active != row.engineer_fields["is_active"]
    ):
        changed.append("active")
    if set(row.mentor_emails) - mentors:
        changed.append("mentor_email")
    return changed


# --- writing the plan ----------------------------------------------------------


def people_import_apply(*, plan: Plan, by: User | None) -> Plan:
    """Write ``plan``: every row, or nothing if any row is refused.

    Return the plan with ``created_users``, the accounts it made (each with no
    usable password: they are invited to set one).
    """
    if plan.has_errors:
        return plan
    now = _now()
    today = timezone.localdate(now)
    rows = [row for row in plan.rows if row.outcome in (NEW, UPDATE)]
    with transaction.atomic():
        teams = {team.name.casefold(): team for team in Team.objects.all()}
        missing = [
            name for name in plan.teams_to_create if name.casefold() not in teams
        ]
        for team in Team.objects.bulk_create([Team(name=name) for name in missing]):
            teams[team.name.casefold()] = team

        # New accounts, then new profiles; their managers come in a second pass.
        new_rows = [row for row in rows if row.outcome == NEW]
        accounts = []
        for row in new_rows:
            if row.user is None:
                user = User(
                    email=row.email,
                    display_name=row.user_fields["display_name"],
                    time_zone=row.user_fields.get("time_zone", "UTC"),
                    is_active=row.user_fields.get("is_active", True),
                    date_joined=now,
                )
                user.set_unusable_password()
                row.user = user
                accounts.append(user)
        plan.created_users = User.objects.bulk_create(accounts)
        profiles = []
        for row in new_rows:
            fields = {"start_date": today, **row.engineer_fields}
            if "level" in fields:
                fields["level_since"] = fields["start_date"]
            row.engineer = Engineer(
                user=row.user,
                team=teams[row.team_name.casefold()],
                created_at=now,
                updated_at=now,
                **fields,
            )
            profiles.append(row.engineer)
        Engineer.objects.bulk_create(profiles)

        # Changed people: their accounts, then their profiles.
        changed_rows = [row for row in rows if row.outcome == UPDATE]
        renamed, accounts, leaving, returning = [], [], [], []
        for row in changed_rows:
            user, engineer = row.user, row.engineer
            if "name" in row.changes:
                renamed.append(
                    NameChange(
                        user=user,
                        old_name=user.display_name,
                        new_name=row.user_fields["display_name"],
                        changed_at=now,
                        changed_by=by,
                    )
                )
                user.display_name = row.user_fields["display_name"]
            if "time_zone" in row.changes:
                user.time_zone = row.user_fields["time_zone"]
            if {"name", "time_zone"} & set(row.changes):
                accounts.append(user)
            if row.team_name:
                engineer.team = teams[row.team_name.casefold()]
            for column in ("title", "start_date"):
                if column in row.engineer_fields:
                    setattr(engineer, column, row.engineer_fields[column])
            # A new level takes effect on the day of the import.
            if "level" in row.changes:
                engineer.level = row.engineer_fields["level"]
                engineer.level_since = today
            if "active" in row.changes:
                (returning if row.engineer_fields["is_active"] else leaving).append(
                    engineer
                )
            engineer.updated_at = now
        User.objects.bulk_update(accounts, ["display_name", "time_zone"])
        NameChange.objects.bulk_create(renamed)

        # Second pass: the managers, everyone being here now.
        engineers = {
            row.email: row.engineer for row in plan.rows if row.engineer is not None
        }
        others = {
            row.manager_email
            for row in rows
            if row.manager_email and row.manager_email not in engineers
        }
        for row in rows:
            others.update(m for m in row.mentor_emails if m not in engineers)
        engineers.update(
            (engineer.user.email, engineer)
            for engineer in Engineer.objects.filter(
                user__email__in=others
            ).select_related("user")
        )
        for row in rows:
            if row.manager_email is not None:
                manager = (
                    engineers.get(row.manager_email) if row.manager_email else None
                )
                row.engineer.manager = manager
        written = [row.engineer for row in rows]
        Engineer.objects.bulk_update(
            written,
            [
                "team",
                "manager",
                "level",
                "level_since",
                "title",
                "start_date",
                "updated_at",
            ],
        )

        # Leaving and coming back: the account follows, and sessions end.
        for engineer in leaving:
            engineer_active_set(engineer=engineer, active=False)
        for engineer in returning:
            engineer_active_set(engineer=engineer, active=True)

        # Each new or changed place is a version in the history.
        Engineer.history.bulk_history_create(
            [row.engineer for row in new_rows], default_user=by, default_date=now
        )
        Engineer.history.bulk_history_create(
            [row.engineer for row in changed_rows],
            update=True,
            default_user=by,
            default_date=now,
        )

        mentorships = []
        mentors_of = _active_mentors([row.engineer.pk for row in changed_rows])
        for row in rows:
            current = mentors_of.get(row.engineer.pk, set())
            mentorships += [
                Mentorship(
                    mentor=engineers[email],
                    mentee=row.engineer,
                    started_on=today,
                    created_at=now,
                    updated_at=now,
                )
                for email in row.mentor_emails
                if email not in current
            ]
        Mentorship.objects.bulk_create(mentorships)
        Mentorship.history.bulk_history_create(
            mentorships, default_user=by, default_date=now
        )
    return plan


def people_import(*, dataset: tablib.Dataset, by: User | None, dry_run: bool) -> Plan:
    """Plan the import of ``dataset`` and, unless ``dry_run`` or a row is
    refused, write it; all or nothing.

    The plan is made again inside the transaction that writes it, so what is
    written is checked against the database as it is then, not as it was at
    the preview.
    """
    if dry_run:
        return people_import_plan(dataset=dataset)
    with transaction.atomic():
        plan = people_import_plan(dataset=dataset)
        return people_import_apply(plan=plan, by=by)


def people_import_invite(*, users: list[User], invited_by: User | None) -> None:
    """Invite the people the import made accounts for, to set a password (or
    sign in with the provider): one email each, once the import commits."""
    invitations_send(users=users, invited_by=invited_by)


def people_file_read(data: bytes, *, file_format: str) -> tablib.Dataset:
    """The rows of an uploaded file: ``csv`` (UTF-8, with or without a BOM,
    as spreadsheets save it) or ``xlsx`` (its first sheet)."""
    if file_format == "xlsx":
        return tablib.Dataset().load(data, format="xlsx")
    if file_format == "csv":
        return tablib.Dataset().load(data.decode("utf-8-sig"), format="csv")
    raise ValueError(f"Not a people file format: {file_format}")


# --- the export --------------------------------------------------------------------


def people_export(*, engineers: Iterable[Engineer] | None = None) -> tablib.Dataset:
    """The people of ``engineers`` (everyone by default) in the import's columns:
    importing the file again changes nothing."""
    queryset = Engineer.objects.select_related(
        "user", "team", "manager__user", "level__track"
    )
    if engineers is not None:
        queryset = queryset.filter(pk__in=[e.pk for e in engineers])
    mentors: dict[int, list[str]] = {}
    for mentee_id, email in (
        Mentorship.objects.active()
        .filter(mentor__isnull=False, mentee__in=queryset)
        .order_by("mentor__user__email")
        .values_list("mentee_id", "mentor__user__email")
    ):
        mentors.setdefault(mentee_id, []).append(email)
    dataset = tablib.Dataset(headers=list(COLUMNS))
    for engineer in queryset.order_by("user__email"):
        user = engineer.user
        dataset.append(
            [
                user.email,
                user.display_name,
                engineer.team.name,
                engineer.manager.user.email if engineer.manager else "",
                engineer.level.track.key if engineer.level else "",
                engineer.level.key if engineer.level else "",
                engineer.title,
                engineer.start_date.isoformat(),
                user.time_zone,
                "yes" if engineer.is_active and user.is_active else "no",
                f"{MENTOR_SEPARATOR} ".join(mentors.get(engineer.pk, [])),
            ]
        )
    return dataset


# --- django-import-export's side --------------------------------------------------


class PeopleResource(resources.Resource):
    """The admin's import and export of people, through this module's plan.

    django-import-export reads the file (CSV or XLSX, with tablib) and draws
    the preview; what each row does is decided here, for the whole file at
    once, so managers listed later resolve and lookups stay few.
    """

    email = ie_fields.Field(column_name="email")
    name = ie_fields.Field(column_name="name")
    team = ie_fields.Field(column_name="team")
    manager_email = ie_fields.Field(column_name="manager_email")
    track = ie_fields.Field(column_name="track")
    level = ie_fields.Field(column_name="level")
    title = ie_fields.Field(column_name="title")
    start_date = ie_fields.Field(column_name="start_date")
    time_zone = ie_fields.Field(column_name="time_zone")
    active = ie_fields.Field(column_name="active")
    mentor_email = ie_fields.Field(column_name="mentor_email")

    class Meta:
        name = "People"

    @classmethod
    def get_display_name(cls):
        return "People"

    def export(self, queryset=None, **kwargs):
        return people_export(engineers=queryset)

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        plan = people_import(dataset=dataset, by=kwargs.get("user"), dry_run=dry_run)
        return plan_result(plan)


OUTCOME_TYPES = {
    NEW: RowResult.IMPORT_TYPE_NEW,
    UPDATE: RowResult.IMPORT_TYPE_UPDATE,
    UNCHANGED: RowResult.IMPORT_TYPE_SKIP,
}


def plan_result(plan: Plan) -> Result:
    """``plan`` as django-import-export's ``Result``; the plan rides along
    (``result.plan``) for the preview, which shows every row."""
    result = Result()
    result.plan = plan
    result.diff_headers = list(COLUMNS)
    result.total_rows = len(plan.rows)
    for error in plan.errors:  # the header row's
        result.invalid_rows.append(
            InvalidRow(number=1, validation_error=ValidationError(error), values=())
        )
    for row in plan.rows:
        if row.refused:
            result.append_invalid_row(
                row.number, row.values, ValidationError(row.errors)
            )
            result.totals[RowResult.IMPORT_TYPE_INVALID] += 1
            continue
        row_result = RowResult()
        row_result.import_type = OUTCOME_TYPES[row.outcome]
        row_result.diff = [_text(row.values.get(column)) for column in COLUMNS]
        if row.engineer is not None and row.engineer.pk is not None:
            row_result.instance = row.engineer
            row_result.add_instance_info(row.engineer)
        result.append_row_result(row_result)
        result.increment_row_result_total(row_result)
    return result


class DatabaseStorage(BaseStorage):
    """Keeps an uploaded file in the database between preview and confirm."""

    def save(self, data):
        if not self.name:
            self.name = uuid.uuid4().hex
        if isinstance(data, str):
            data = data.encode(self.encoding or "utf-8")
        now = _now()
        PendingImport.objects.filter(
            created_at__lt=now - PendingImport.KEPT_FOR
        ).delete()
        PendingImport.objects.create(name=self.name, data=data, created_at=now)

    def read(self):
        data = bytes(
            PendingImport.objects.filter(name=self.name)
            .values_list("data", flat=True)
            .get()
        )
        if "b" in self.read_mode:
            return data
        return data.decode(self.encoding or "utf-8")

    def remove(self):
        PendingImport.objects.filter(name=self.name).delete()
