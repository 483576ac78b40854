"""Export the career framework: ``export_framework [--track KEY] [--out DIR]``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from growth.framework.importer import framework_export
from growth.models import Track


class Command(BaseCommand):
    help = (
        "Write each track as a framework file (<key>.md) into --out, or print "
        "the one track named by --track when there is no --out."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--track", action="append", metavar="KEY", help="only this track (repeat)"
        )
        parser.add_argument("--out", metavar="DIR", help="the folder to write into")

    def handle(self, *args, track, out, **options):
        tracks = Track.objects.order_by("position", "name")
        if track:
            tracks = tracks.filter(key__in=track)
            missing = set(track) - {t.key for t in tracks}
            if missing:
                raise CommandError(
                    f"No track with the key {', '.join(sorted(missing))}."
                )
        tracks = list(tracks)
        if out is None:
            if len(tracks) != 1:
                raise CommandError(
                    "Give --out DIR to write several tracks, or one --track to print it."
                )
            self.stdout.write(framework_export(tracks[0]), ending="")
            return
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        for each in tracks:
            path = folder / f"{each.key}.md"
            path.write_text(framework_export(each), encoding="utf-8")
            self.stdout.write(f"Wrote {path}")
