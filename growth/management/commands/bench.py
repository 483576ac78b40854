"""``bench``: seed a large organisation in a database of its own and time the pages.

    python manage.py bench [--scale 1] [--requests 50] [--database sqlite|postgres]
                           [--keep] [--output var/bench]
                           [--no-http | --http-users 20 --http-seconds 30]

It never touches the configured database: SQLite runs use files under
``var/bench/``, PostgreSQL runs a database named after ``DATABASE_URL``'s with
``_bench_x1`` (and ``_bench_x0_1``) added, created and dropped on the same server.
The HTTP run, at the first scale only, needs locust (the ``bench`` extra).
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import time
from dataclasses import asdict
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from growth.bench import database, http, measure, report, seed

# Fewer could not be of every role: a coach, a manager, a mentor, an engineer.
MIN_HTTP_USERS = 4


def positive_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = 0
    if not number > 0:
        # argparse names the option: --scale or --http-seconds.
        raise argparse.ArgumentTypeError(f"must be a number above 0, not {value!r}")
    return number


class Command(BaseCommand):
    help = (
        "Benchmark Cultivate for a large organisation, in a database of its own: "
        "seed it, time the pages against a floor and a default admin, at the scale "
        "and at a tenth of it, time a reminder sweep, load the real server with "
        "signed-in people at the scale, and write var/bench/*.json."
    )
    # The checks would connect to the configured database; the bench has its own.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=positive_float, default=1.0,
                            help="1 is 2,000 engineers and 200,000 notes (default).")  # fmt: skip
        parser.add_argument("--requests", type=int, default=50,
                            help="Measured requests a page, after the warm-up (50).")  # fmt: skip
        parser.add_argument("--warmup", type=int, default=None,
                            help="Warm-up requests a page (default: a tenth, 3 to 10).")  # fmt: skip
        parser.add_argument("--database", choices=["sqlite", "postgres"], default=None,
                            help="Default: postgres when DATABASE_URL is one, else sqlite.")  # fmt: skip
        parser.add_argument("--keep", action="store_true",
                            help="Keep the bench databases, and reuse them if seeded.")  # fmt: skip
        parser.add_argument("--output", type=Path, default=None,
                            help="Where the JSON and SQLite files go (var/bench/).")  # fmt: skip
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--no-http", action="store_true",
                            help="Skip the HTTP run (gunicorn under locust's load).")  # fmt: skip
        parser.add_argument("--http-users", type=int, default=20,
                            help="People signed in at once in the HTTP run (20).")  # fmt: skip
        parser.add_argument("--http-seconds", type=positive_float, default=30.0,
                            help="How long they go through their pages (30).")  # fmt: skip
        parser.add_argument("--http-think", type=float, default=1.0,
                            help="Seconds between one person's pages, on average (1).")  # fmt: skip

    def handle(self, *args, **options):
        if options["requests"] < 1:
            raise CommandError("--requests must be at least 1.")
        self._check_http(options)
        vendor = options["database"] or (
            "postgres" if settings.DATABASE_URL.startswith("postgres") else "sqlite"
        )
        vendor = "postgresql" if vendor == "postgres" else vendor
        directory = options["output"] or Path(settings.VAR_DIR) / "bench"
        directory.mkdir(parents=True, exist_ok=True)
        warmup = options["warmup"]
        if warmup is None:
            warmup = min(max(options["requests"] // 10, 3), 10)
        results = {"machine": report.machine(), "runs": []}
        # A sign-in per client logs at INFO (django-axes); keep the output a table.
        logging.disable(logging.INFO)
        try:
            for scale in (options["scale"], options["scale"] / 10):
                try:
                    db = database.bench_database(
                        vendor=vendor, scale=scale, directory=directory
                    )
                except ValueError as error:
                    raise CommandError(str(error)) from None
                # The HTTP run at the full scale only: what its figures answer.
                with_http = not options["no_http"] and not results["runs"]
                results["runs"].append(self._run(db, scale, options, warmup, with_http))
        finally:
            logging.disable(logging.NOTSET)
        text = report.table(results)
        path = report.write(results, directory)
        self.stdout.write(text)
        self.stdout.write(f"\nWrote {path}")

    def _check_http(self, options: dict) -> None:
        """Refuse an HTTP run that cannot happen now, rather than after the seeding."""
        if options["no_http"]:
            return
        if options["http_users"] < MIN_HTTP_USERS:
            raise CommandError(
                f"--http-users must be at least {MIN_HTTP_USERS}, one of every role."
            )
        if options["http_think"] < 0:
            raise CommandError("--http-think must not be negative.")
        if importlib.util.find_spec("locust") is None:
            raise CommandError(
                "The HTTP run needs locust: pip install -e '.[bench]' (make bench "
                "does), or pass --no-http."
            )

    def _run(
        self, db, scale: float, options: dict, warmup: int, with_http: bool
    ) -> dict:
        self.stderr.write(f"Scale {scale:g}: {db.vendor} at {db.label}")
        seeded = self._prepare(db, scale, keep=options["keep"], seed_=options["seed"])
        load = None
        try:
            with database.using(db):
                cast = seed.cast()
                version = report.database_version()
                # What beat does every INSIGHT_REFRESH_SECONDS, before the
                # insight pages are read.
                self.stderr.write("  counting the organisation insight")
                counting = measure.measure_insight_count(now=timezone.now())
                self.stderr.write(f"  measuring {options['requests']} requests a page")
                rows = measure.measure_pages(
                    cast, requests=options["requests"], warmup=warmup
                )
                self.stderr.write("  timing the reminder sweep")
                sweep = measure.measure_sweep(now=measure.sweep_moment(timezone.now()))
                if with_http:
                    self.stderr.write(
                        f"  loading gunicorn with {options['http_users']} people "
                        f"for {options['http_seconds']:g} s"
                    )
                    load = http.run(
                        db,
                        users=options["http_users"],
                        seconds=options["http_seconds"],
                        think=options["http_think"],
                    )
        except measure.BenchError as error:
            raise CommandError(str(error)) from None
        finally:
            if not options["keep"]:
                database.drop(db)
        run = {
            "scale": scale,
            "database": "sqlite" if db.vendor == "sqlite" else "postgresql",
            "database_version": version,
            "sizes": asdict(seed.Sizes.at(scale)),
            "seed_seconds": seeded,
            "requests": options["requests"],
            "warmup": warmup,
            "floor": rows["floor"],
            "default_admin": rows["default_admin"],
            "pages": {key: rows[key] for key in measure.PAGES},
            "sweep": sweep,
            "insight_count": counting,
        }
        if load is not None:
            run["http"] = load
        return run

    def _prepare(self, db, scale: float, *, keep: bool, seed_: int) -> float | None:
        """Seed a fresh bench database; return the seconds, or None if reused."""
        if keep and database.exists(db):
            with database.using(db):
                database.migrate()
                if seed.is_seeded(scale):
                    self.stderr.write("  reusing the seeded database (--keep)")
                    return None
        database.create(db)
        with database.using(db):
            database.migrate()
            self.stderr.write(f"  seeding {seed.Sizes.at(scale)}")
            start = time.perf_counter()
            seed.seed(scale=scale, now=timezone.now(), seed=seed_)
            seconds = time.perf_counter() - start
        self.stderr.write(f"  seeded in {seconds:.1f} s")
        return round(seconds, 1)
