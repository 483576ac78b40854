"""Import a career framework: ``import_framework FILE... [--dry-run] [--by EMAIL]``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from growth.framework.importer import (
    FrameworkImportError,
    framework_import_apply,
    framework_import_plan,
)


class Command(BaseCommand):
    help = (
        "Import one or more framework files (Markdown with YAML front matter, one "
        "track each; see the README), all or nothing: print what changes, or every "
        "error with its file and line and exit 1. --dry-run only checks and prints."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="a .md file")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and print, write nothing"
        )
        parser.add_argument(
            "--by",
            metavar="EMAIL",
            help="the staff member running the import, named in the history",
        )

    def handle(self, *args, files, dry_run, by, **options):
        texts = []
        for file in files:
            try:
                texts.append((Path(file).name, Path(file).read_text("utf-8")))
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"Cannot read {file}: {error}") from None
        staff = None
        if by:
            staff = User.objects.filter(email__iexact=by, is_staff=True).first()
            if staff is None:
                raise CommandError(f"--by: no staff member has the email {by}.")
        plan = framework_import_plan(texts)
        if not plan.has_errors and not dry_run:
            try:
                plan = framework_import_apply(plan, by=staff)
            except FrameworkImportError as error:
                plan.errors = error.errors
        if plan.has_errors:
            for line in plan.error_lines():
                self.stderr.write(line)
            raise CommandError(f"{len(plan.errors)} error(s): nothing was imported.")
        for change in plan.changed:
            self.stdout.write(str(change))
        for line in plan.summary_lines(done=not dry_run):
            self.stdout.write(line)
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
