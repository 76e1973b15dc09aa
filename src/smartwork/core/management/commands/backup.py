"""`smartwork backup [--out DIR] [--keep N] [--verify]` and `smartwork backup verify ARCHIVE`.

The first writes one archive (database, media, manifest with checksums) into DIR
(default `$SMARTWORK_DATA_DIR/backups`), safe while the site serves; `--keep N` then
deletes the oldest archives there beyond N; `--verify` verifies the new archive. The
second restores an archive into a scratch database and runs `check-ledgers` and
`check-books --all-periods` on it (docs/operations.md, "Backups").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartwork.core.backup import backup_create, backup_verify
from smartwork.core.errors import DomainError


class Command(BaseCommand):
    help = ("Back up the database and the media files into one archive with a manifest of "
            "checksums; `backup verify ARCHIVE` restores one into a scratch database and "
            "checks its ledgers and books.")
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", nargs="?", choices=["create", "verify"], default="create",
                            help="create (default) or verify ARCHIVE.")
        parser.add_argument("archive", nargs="?", help="The archive to verify.")
        parser.add_argument("--out", help="Folder of the archives (default: "
                                          "$SMARTWORK_DATA_DIR/backups).")
        parser.add_argument("--keep", type=int,
                            help="After the backup, keep only the newest N archives in --out.")
        parser.add_argument("--verify", action="store_true",
                            help="Verify the new archive (restore into a scratch database "
                                 "and check it).")
        parser.add_argument("--scratch-db",
                            help="PostgreSQL: an existing empty database to verify into "
                                 "(default: one created and dropped, which needs CREATEDB).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "verify":
                if not options["archive"]:
                    raise CommandError("Name the archive: smartwork backup verify ARCHIVE.")
                self._verify(Path(options["archive"]), options["scratch_db"])
                return
            if options["archive"]:
                raise CommandError("An archive is named only with `verify`.")
            out = Path(options["out"] or Path(settings.DATA_DIR) / "backups")
            result = backup_create(out_dir=out, keep=options["keep"])
            media = sum(1 for name in result.manifest["files"] if name.startswith("media/"))
            self.stdout.write(f"{result.path} ({result.path.stat().st_size} bytes: "
                              f"{result.manifest['database']['vendor']} database, "
                              f"{media} media file(s))")
            for path in result.removed:
                self.stdout.write(f"removed {path} (--keep {options['keep']})")
            if options["verify"]:
                self._verify(result.path, options["scratch_db"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _verify(self, archive: Path, scratch: str | None) -> None:
        result = backup_verify(archive=archive, scratch=scratch)
        self.stdout.write(result.output)
        if not result.ok:
            raise CommandError(f"{archive} failed its verification.")
        self.stdout.write(self.style.SUCCESS(f"{archive}: restored and checked, ledgers and "
                                             "books clean."))
