import secrets

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from growth import demo
from growth.models import Engineer


class Command(BaseCommand):
    help = (
        "Build a demo organisation (3 teams, 25 engineers, six months of feedback, "
        "goals, check-ins and learning) with five logins. Run again, it adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help="Set this password on the five logins, also on an existing demo. "
            "Without it a password is generated, and set only when the demo is created.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds engineers of its own "
            "(an existing demo still gets --password).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=demo.DEFAULT_SEED,
            help="Seed for the random choices: the same seed gives the same demo.",
        )

    def handle(self, *args, password=None, seed=demo.DEFAULT_SEED, **options):
        if password is not None and not password.strip():
            raise CommandError("--password cannot be empty.")
        if options["if_empty"] and not demo.demo_exists() and Engineer.objects.exists():
            self.stdout.write("The database has engineers already; no demo was added.")
            return
        if demo.demo_exists():
            self.stdout.write(
                "The demo organisation already exists; nothing was added."
            )
            if password:
                count = demo.demo_logins_set_password(password=password)
                self.stdout.write(f"Set the given password on {count} logins.")
            else:
                self.stdout.write(
                    "Passwords were left as they were; pass --password to set them."
                )
        else:
            generated = password is None
            if generated:
                password = secrets.token_urlsafe(12)
            try:
                counts = demo.demo_seed(
                    now=timezone.now(), password=password, seed=seed
                )
            except demo.DemoConflict as error:
                raise CommandError(str(error)) from error
            self.stdout.write(self.style.SUCCESS("Seeded the demo organisation:"))
            for label, count in counts.items():
                self.stdout.write(f"  {count:>5}  {label}")
            if generated:
                self.stdout.write(
                    f"Generated a password for the five logins: {password}\n"
                    "It is set now because they were just created; a later run "
                    "without --password leaves passwords alone."
                )
        self.stdout.write(
            f"\nLogins (password: {password}):" if password else "\nLogins:"
        )
        for email, name, role in demo.demo_logins():
            self.stdout.write(f"  {email:<22} {name:<17} {role}")
        self.stdout.write(
            "Everyone else in the demo has an unusable password and cannot sign in."
        )
