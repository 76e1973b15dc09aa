"""`smartwork restore ARCHIVE [--force] [--no-media]`: restore a backup of `smartwork backup`.

Checks every checksum first; refuses a database that holds tables or a MEDIA_ROOT that
holds files unless `--force`. Stop `smartwork serve` and `smartwork worker` first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartwork.core.backup import backup_restore
from smartwork.core.errors import DomainError


class Command(BaseCommand):
    help = ("Restore a backup archive (database and media files) after checking its "
            "checksums. Refuses to overwrite a database with tables unless --force.")
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="The smartwork-*.tar archive.")
        parser.add_argument("--force", action="store_true",
                            help="Replace a database that holds tables (PostgreSQL: drops "
                                 "and recreates the public schema) and overwrite media files.")
        parser.add_argument("--no-media", action="store_true",
                            help="Restore the database only.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_restore(archive=Path(options["archive"]), force=options["force"],
                                    media=not options["no_media"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Restored {options['archive']} into {result.database} "
            f"({result.media_files} media file(s))."))
        if result.pending_migrations:
            self.stdout.write(f"{len(result.pending_migrations)} migration(s) of this version "
                              "are not applied yet: run `smartwork manage migrate`.")
