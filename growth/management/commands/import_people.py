"""Import people from an HR file: ``import_people FILE [--dry-run] [--by EMAIL]``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from growth.services.people_import import (
    NEW,
    UNCHANGED,
    UPDATE,
    people_file_read,
    people_import,
    people_import_invite,
)


class Command(BaseCommand):
    help = (
        "Import people from a CSV or XLSX file (columns: see the README), all "
        "or nothing: print what was created, updated and left unchanged, or "
        "each refused row with its column, and exit 1 if any row was refused. "
        "--dry-run only checks and prints."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv or .xlsx file")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and print, write nothing"
        )
        parser.add_argument(
            "--by",
            metavar="EMAIL",
            help="the staff member running the import, named in the history "
            "and in the invitations",
        )

    def handle(self, *args, file, dry_run, by, **options):
        path = Path(file)
        file_format = path.suffix.lower().lstrip(".")
        if file_format not in ("csv", "xlsx"):
            raise CommandError(f"{file} is neither a .csv nor an .xlsx file.")
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        staff = None
        if by:
            staff = User.objects.filter(email__iexact=by, is_staff=True).first()
            if staff is None:
                raise CommandError(f"--by: no staff member has the email {by}.")
        try:
            dataset = people_file_read(data, file_format=file_format)
        except Exception as error:  # tablib's readers raise whatever they meet
            raise CommandError(
                f"Cannot read {file} as {file_format}: {error}"
            ) from None

        plan = people_import(dataset=dataset, by=staff, dry_run=dry_run)
        if plan.has_errors:
            for line in plan.error_lines():
                self.stderr.write(line)
            raise CommandError(
                f"{len(plan.error_lines())} error(s): nothing was imported."
            )
        if not dry_run:
            people_import_invite(users=plan.created_users, invited_by=staff)
        totals = plan.totals
        self.stdout.write(
            f"{totals[NEW]} created, {totals[UPDATE]} updated, "
            f"{totals[UNCHANGED]} unchanged"
            + (" (dry run: nothing was written)" if dry_run else "")
            + "."
        )
        if plan.teams_to_create:
            self.stdout.write(
                f"Teams {'to create' if dry_run else 'created'}: "
                + ", ".join(plan.teams_to_create)
            )
