"""Backups of the database and the media files, their restore and their verification.

One backup is one tar file, `smartwork-<UTC time>.tar`, holding

- `manifest.json`: format, creation time, smartwork's and Django's versions, the
  database vendor and server version, the dump tool's version, the applied migrations,
  and the SHA-256 and size of every other member;
- the database: `database.pgdump` (PostgreSQL, `pg_dump --format=custom`, one
  consistent snapshot taken while the site runs) or `database.sqlite3` (SQLite's online
  backup API: one read transaction, which WAL lets writers go on beside);
- `media/...`: every file under MEDIA_ROOT (centre photos and other uploads), copied
  after the database so that every file the snapshot names is there.

Beside it, `<archive>.sha256` in `sha256sum` format for a check after a transfer.
Everything committed before the backup started is in it (the snapshot is taken when it
starts); what commits meanwhile may or may not be.

A restore checks every checksum first and refuses an archive that does not match, has a
member too many or too few, or comes from a newer schema than this code knows; it
refuses to write into a database that holds tables (or a MEDIA_ROOT that holds files)
unless forced. A verification restores into a scratch database, migrates it and runs
`check-ledgers` and `check-books --all-periods` on it in a child process.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import connections

from smartwork.core.errors import DomainError

FORMAT = 1
MANIFEST = "manifest.json"
PG_MEMBER = "database.pgdump"
SQLITE_MEMBER = "database.sqlite3"
MEDIA_PREFIX = "media/"
ARCHIVE_RE = re.compile(r"^smartwork-\d{8}T\d{6}Z\.tar$")
CHUNK = 1024 * 1024


class BackupError(DomainError):
    code = "backup_failed"
    status = 500


class BackupRefused(DomainError):
    code = "backup_refused"
    status = 409


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    removed: list[Path] = field(default_factory=list)


@dataclass
class RestoreResult:
    database: str
    media_files: int
    pending_migrations: list[str]


@dataclass
class VerifyResult:
    ok: bool
    output: str


# --- Helpers ------------------------------------------------------------------------

def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _db_settings(alias: str = "default") -> dict[str, Any]:
    return dict(settings.DATABASES[alias])


def _vendor(db: Mapping[str, Any]) -> str:
    return "sqlite" if "sqlite3" in db["ENGINE"] else "postgresql"


def _app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("smartwork")
    except PackageNotFoundError:  # pragma: no cover - run from a checkout never installed
        return "unknown"


def _applied_migrations(alias: str = "default") -> list[str]:
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connections[alias])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def _known_migrations() -> set[str]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


# --- PostgreSQL tools ---------------------------------------------------------------

def _pg_env(db: Mapping[str, Any], *, name: str | None = None) -> dict[str, str]:
    """The libpq environment for the pg_* tools: no password on a command line."""
    env = dict(os.environ)
    for key, value in (("PGHOST", db.get("HOST")), ("PGPORT", db.get("PORT")),
                       ("PGUSER", db.get("USER")), ("PGPASSWORD", db.get("PASSWORD")),
                       ("PGDATABASE", name or db.get("NAME"))):
        if value:
            env[key] = str(value)
        else:
            env.pop(key, None)
    return env


def _pg_connect(db: Mapping[str, Any], *, name: str | None = None) -> Any:
    import psycopg

    return psycopg.connect(host=db.get("HOST") or None, port=db.get("PORT") or None,
                           user=db.get("USER") or None, password=db.get("PASSWORD") or None,
                           dbname=name or db["NAME"], autocommit=True)


def _pg_server_major(db: Mapping[str, Any]) -> tuple[int, str]:
    with _pg_connect(db) as conn:
        num = int(conn.execute("SHOW server_version_num").fetchone()[0])
        text = conn.execute("SHOW server_version").fetchone()[0]
    return num // 10000, str(text)


def _pg_tool(tool: str, server_major: int) -> tuple[str, int, str]:
    """The pg_dump/pg_restore to use and its major version: `SMARTWORK_PG_BIN` (a folder),
    else Debian's `/usr/lib/postgresql/<server major>/bin`, else the one on PATH."""
    candidates = []
    if os.environ.get("SMARTWORK_PG_BIN"):
        candidates.append(Path(os.environ["SMARTWORK_PG_BIN"]) / tool)
    candidates.append(Path(f"/usr/lib/postgresql/{server_major}/bin") / tool)
    found = next((str(c) for c in candidates if c.is_file()), None) or shutil.which(tool)
    if not found:
        raise BackupError(f"{tool} not found: install the PostgreSQL client "
                          f"(postgresql-client-{server_major}) or set SMARTWORK_PG_BIN.")
    out = subprocess.run([found, "--version"], capture_output=True, text=True, check=True).stdout
    match = re.search(r"(\d+)(?:\.(\d+))?", out)
    if not match:
        raise BackupError(f"Cannot read the version of {found}: {out.strip()!r}.")
    return found, int(match.group(1)), out.strip()


def _run(argv: list[str], *, env: dict[str, str] | None = None, what: str) -> str:
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise BackupError(f"{what} failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    return proc.stdout


# --- Database dumps -----------------------------------------------------------------

def _dump_postgresql(db: Mapping[str, Any], target: Path) -> dict[str, str]:
    server_major, server_version = _pg_server_major(db)
    pg_dump, major, version = _pg_tool("pg_dump", server_major)
    if major < server_major:
        raise BackupError(f"{pg_dump} is version {major}, the server {server_major}: pg_dump "
                          f"must be at least the server's version (postgresql-client-"
                          f"{server_major}, or SMARTWORK_PG_BIN).")
    _run([pg_dump, "--format=custom", "--no-password", f"--file={target}"],
         env=_pg_env(db), what="pg_dump")
    return {"server_version": server_version, "dump_tool": version}


def _dump_sqlite(db: Mapping[str, Any], target: Path) -> dict[str, str]:
    if not Path(str(db["NAME"])).is_file():
        raise BackupError(f"No SQLite database at {db['NAME']}.")
    source = sqlite3.connect(str(db["NAME"]), timeout=30)
    try:
        source.execute("PRAGMA busy_timeout=30000")
        dest = sqlite3.connect(str(target))
        try:
            # pages=-1: the whole database in one step, under one read transaction, so the
            # copy is one consistent state; in WAL mode writers go on meanwhile.
            source.backup(dest, pages=-1)
            dest.execute("PRAGMA journal_mode=DELETE")
            check = dest.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            dest.close()
        version = source.execute("SELECT sqlite_version()").fetchone()[0]
    finally:
        source.close()
    if check != "ok":
        raise BackupError(f"The SQLite copy fails its integrity check: {check}")
    return {"server_version": f"SQLite {version}", "dump_tool": "sqlite3 online backup API"}


# --- Backup -------------------------------------------------------------------------

def _media_files(root: Path) -> Iterator[tuple[Path, str]]:
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                yield path, MEDIA_PREFIX + path.relative_to(root).as_posix()


def backup_create(*, out_dir: Path, keep: int | None = None,
                  now: dt.datetime | None = None) -> BackupResult:
    """Write one backup archive (database and media) into `out_dir`; with `keep`, then
    delete the oldest `smartwork-*.tar` there beyond the newest `keep`."""
    if keep is not None and keep < 1:
        raise BackupRefused("--keep must be at least 1.")
    out_dir.mkdir(parents=True, exist_ok=True)
    db = _db_settings()
    vendor = _vendor(db)
    now = now or dt.datetime.now(dt.UTC)
    name = f"smartwork-{now:%Y%m%dT%H%M%SZ}.tar"
    final = out_dir / name
    if final.exists():
        raise BackupRefused(f"{final} exists already.")
    import django

    migrations = _applied_migrations()
    with tempfile.TemporaryDirectory(prefix="smartwork-backup-", dir=out_dir) as tmp:
        dump = Path(tmp) / (PG_MEMBER if vendor == "postgresql" else SQLITE_MEMBER)
        dumper = _dump_postgresql if vendor == "postgresql" else _dump_sqlite
        db_info = dumper(db, dump)
        members: list[tuple[Path, str]] = [(dump, dump.name)]
        members += list(_media_files(Path(settings.MEDIA_ROOT)))
        files: dict[str, dict[str, Any]] = {}
        for path, arcname in members:
            files[arcname] = {"sha256": _sha256_file(path), "size": path.stat().st_size}
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "app_version": _app_version(),
            "django_version": django.get_version(),
            "python_version": sys.version.split()[0],
            "database": {"vendor": vendor, "name": str(db["NAME"]), **db_info},
            "migrations": migrations,
            "files": files,
        }
        partial = Path(tmp) / (name + ".partial")
        with tarfile.open(partial, "w") as tar:
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(now.timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
            for path, arcname in members:
                # Checked again as written: a media file changed between the two reads
                # would otherwise be stored with a checksum that does not match.
                tar.add(str(path), arcname=arcname, recursive=False)
        _check_written(partial, files)
        os.replace(partial, final)
    digest = _sha256_file(final)
    (out_dir / (name + ".sha256")).write_text(f"{digest}  {name}\n", encoding="utf-8")
    removed = _prune(out_dir, keep) if keep else []
    return BackupResult(path=final, manifest=manifest, removed=removed)


def _check_written(archive: Path, files: Mapping[str, Mapping[str, Any]]) -> None:
    """Re-read the archive just written; a media file rewritten while it was copied is
    refused here rather than found by the restore (run the backup again)."""
    with tarfile.open(archive, "r") as tar:
        for member in tar:
            if member.name == MANIFEST:
                continue
            fh = tar.extractfile(member)
            assert fh is not None
            digest = hashlib.sha256()
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
            if digest.hexdigest() != files[member.name]["sha256"]:
                raise BackupError(f"{member.name} changed while it was copied: run the "
                                  "backup again.")


def _prune(out_dir: Path, keep: int) -> list[Path]:
    archives = sorted(p for p in out_dir.iterdir() if ARCHIVE_RE.match(p.name))
    removed = archives[:-keep] if len(archives) > keep else []
    for path in removed:
        path.unlink()
        path.with_name(path.name + ".sha256").unlink(missing_ok=True)
    return removed


# --- Reading and checking an archive -----------------------------------------------

def _safe_name(name: str) -> bool:
    pure = PurePosixPath(name)
    # Not absolute, no way up, and a file's name (not "." nor "a/.": the folder itself).
    return bool(pure.parts) and not pure.is_absolute() and ".." not in pure.parts \
        and pure.name not in ("", ".") and not name.endswith(("/", "/."))


def archive_check(*, archive: Path, into: Path) -> dict[str, Any]:
    """Extract `archive` into the folder `into` and return its manifest, after checking
    every member against it. Refused (BackupRefused): not a smartwork backup, a checksum
    or size that does not match, a member missing or one the manifest does not list,
    or a sidecar `.sha256` that does not match the archive."""
    if not archive.is_file():
        raise BackupRefused(f"No backup archive at {archive}.")
    sidecar = archive.with_name(archive.name + ".sha256")
    if sidecar.is_file():
        expected = sidecar.read_text(encoding="utf-8").split()[:1]
        if expected != [_sha256_file(archive)]:
            raise BackupRefused(f"{archive.name} does not match its checksum file "
                                f"{sidecar.name}: the archive is damaged or was altered.")
    try:
        tar = tarfile.open(archive, "r")  # noqa: SIM115 - closed by the `with` below
    except (tarfile.TarError, OSError) as exc:
        raise BackupRefused(f"{archive} is not a readable tar archive: {exc}") from exc
    manifest: dict[str, Any] | None = None
    seen: set[str] = set()
    with tar:
        for member in tar:
            if not member.isfile() or not _safe_name(member.name) or member.name in seen:
                raise BackupRefused(f"Unexpected member {member.name!r} in {archive.name}.")
            seen.add(member.name)
            fh = tar.extractfile(member)
            assert fh is not None
            if member.name == MANIFEST:
                try:
                    manifest = json.loads(fh.read(10 * CHUNK))
                except ValueError as exc:
                    raise BackupRefused(f"The manifest of {archive.name} is not JSON.") from exc
                if not isinstance(manifest, dict) or not isinstance(
                        manifest.get("files", {}), dict):
                    raise BackupRefused(f"The manifest of {archive.name} is not a smartwork "
                                        "manifest.")
                continue
            if manifest is None:
                raise BackupRefused(f"{archive.name} does not start with a manifest.")
            listed = manifest.get("files", {}).get(member.name)
            if not isinstance(listed, dict):
                raise BackupRefused(f"{member.name} is in {archive.name} but not in its "
                                    "manifest: the archive was altered.")
            target = into / member.name
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            size = 0
            with target.open("wb") as out:
                while chunk := fh.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
            if digest.hexdigest() != listed.get("sha256") or size != listed.get("size"):
                raise BackupRefused(f"{member.name} does not match its checksum in the "
                                    f"manifest of {archive.name}: the archive is damaged "
                                    "or was altered. Nothing was restored.")
    if manifest is None:
        raise BackupRefused(f"{archive.name} has no manifest: not a smartwork backup.")
    if manifest.get("format") != FORMAT:
        raise BackupRefused(f"{archive.name} is in backup format {manifest.get('format')!r}; "
                            f"this version reads format {FORMAT}.")
    missing = sorted(set(manifest.get("files", {})) - seen)
    if missing:
        raise BackupRefused(f"{archive.name} lacks {', '.join(missing[:5])} listed in its "
                            "manifest.")
    return manifest


# --- Restore ------------------------------------------------------------------------

def _database_has_tables(db: Mapping[str, Any]) -> bool:
    if _vendor(db) == "sqlite":
        path = Path(str(db["NAME"]))
        if not path.exists() or path.stat().st_size == 0:
            return False
        with sqlite3.connect(str(path), timeout=30) as conn:
            return bool(conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0])
    with _pg_connect(db) as conn:
        return bool(conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN "
            "('pg_catalog', 'information_schema')").fetchone()[0])


def _restore_postgresql(db: Mapping[str, Any], dump: Path, manifest: Mapping[str, Any],
                        *, wipe: bool) -> None:
    server_major, _version = _pg_server_major(db)
    pg_restore, major, _text = _pg_tool("pg_restore", server_major)
    match = re.search(r"(\d+)", str(manifest["database"].get("dump_tool", "")))
    if match and int(match.group(1)) > major:
        raise BackupRefused(f"The backup was written by pg_dump {match.group(1)}; {pg_restore} "
                            f"is version {major} and cannot read it (SMARTWORK_PG_BIN).")
    if wipe:
        with _pg_connect(db) as conn:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")
    _run([pg_restore, "--no-password", "--no-owner", "--no-privileges", "--exit-on-error",
          "--single-transaction", f"--dbname={db['NAME']}", str(dump)],
         env=_pg_env(db), what="pg_restore")


def _restore_sqlite(db: Mapping[str, Any], copy: Path) -> None:
    target = Path(str(db["NAME"]))
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(str(copy))
    try:
        dest = sqlite3.connect(str(target), timeout=30)
        try:
            source.backup(dest, pages=-1)
        finally:
            dest.close()
    finally:
        source.close()


def backup_restore(*, archive: Path, force: bool = False, media: bool = True,
                   database: Mapping[str, Any] | None = None,
                   media_root: Path | None = None) -> RestoreResult:
    """Restore `archive` into the database (default: the configured one) and MEDIA_ROOT.

    Refuses a damaged or altered archive, one from another database vendor or from a
    schema newer than this code, and, unless `force`, a database that holds tables or a
    MEDIA_ROOT that holds files. With `force`, PostgreSQL's `public` schema is dropped
    and recreated first; SQLite's file is overwritten page by page; media files of the
    same name are overwritten (others stay). Stop the servers and workers first."""
    db = dict(database or _db_settings())
    vendor = _vendor(db)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="smartwork-restore-") as tmp:
        manifest = archive_check(archive=archive, into=Path(tmp))
        if manifest["database"]["vendor"] != vendor:
            raise BackupRefused(f"The backup is of a {manifest['database']['vendor']} "
                                f"database; the target is {vendor}.")
        newer = sorted(set(manifest.get("migrations", [])) - _known_migrations())
        if newer:
            raise BackupRefused("The backup comes from a newer version of smartwork "
                                f"(migrations {', '.join(newer[:5])} are unknown here): "
                                "install that version first.")
        has_tables = _database_has_tables(db)
        media_files = [m for m in manifest["files"] if m.startswith(MEDIA_PREFIX)]
        media_busy = media and media_files and media_root.is_dir() and any(
            p.is_file() for p in media_root.rglob("*"))
        if not force and (has_tables or media_busy):
            what = f"the database {db['NAME']} holds tables" if has_tables else (
                f"{media_root} holds files")
            raise BackupRefused(f"Refusing to overwrite: {what}. Restore into an empty "
                                "database, or pass --force to replace it.")
        connections.close_all()
        if vendor == "postgresql":
            _restore_postgresql(db, Path(tmp) / PG_MEMBER, manifest, wipe=has_tables)
        else:
            _restore_sqlite(db, Path(tmp) / SQLITE_MEMBER)
        restored = 0
        if media:
            for name in media_files:
                target = media_root / name[len(MEDIA_PREFIX):]
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(Path(tmp) / name, target)
                restored += 1
    pending = sorted(_known_migrations() - set(manifest.get("migrations", [])))
    return RestoreResult(database=str(db["NAME"]), media_files=restored,
                         pending_migrations=pending)


# --- Verify -------------------------------------------------------------------------

def _database_url(db: Mapping[str, Any], name: str) -> str:
    if _vendor(db) == "sqlite":
        return f"sqlite:///{name}"
    user = quote(str(db.get("USER") or ""), safe="")
    password = quote(str(db.get("PASSWORD") or ""), safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{quote(name, safe='')}"


def _smartwork(args: list[str], *, url: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DATABASE_URL=url)
    env.setdefault("DJANGO_SETTINGS_MODULE", "smartwork.config.settings")
    return subprocess.run([sys.executable, "-m", "smartwork.config.cli", *args], env=env,
                          capture_output=True, text=True, check=False, timeout=3600)


def backup_verify(*, archive: Path, scratch: str | None = None) -> VerifyResult:
    """Restore `archive` into a scratch database, migrate it, and run `check-ledgers` and
    `check-books --all-periods` on it. PostgreSQL: a database created beside the
    configured one and dropped after (the role needs CREATEDB), or the empty database
    named by `scratch`; SQLite: a temporary file."""
    db = _db_settings()
    vendor = _vendor(db)
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="smartwork-verify-") as tmp:
        created = None
        if vendor == "sqlite":
            scratch_db = {**db, "NAME": str(Path(tmp) / "verify.sqlite3")}
        elif scratch:
            scratch_db = {**db, "NAME": scratch}
        else:
            created = f"{str(db['NAME'])[:40]}_verify_{os.urandom(4).hex()}"
            with _pg_connect(db) as conn:
                conn.execute(f'CREATE DATABASE "{created}"')
            scratch_db = {**db, "NAME": created}
        try:
            result = backup_restore(archive=archive, database=scratch_db,
                                    media_root=Path(tmp) / "media")
            lines.append(f"restored into scratch database {result.database} "
                         f"({result.media_files} media file(s))")
            url = _database_url(db, str(scratch_db["NAME"]))
            ok = True
            for args in (["manage", "migrate", "--noinput"], ["check-ledgers"],
                         ["check-books", "--all-periods"]):
                proc = _smartwork(args, url=url)
                output = (proc.stdout + proc.stderr).strip()
                lines.append(f"$ smartwork {' '.join(args)}: "
                             f"{'ok' if proc.returncode == 0 else 'FAILED'}")
                if args[0] != "manage" or proc.returncode:
                    lines.extend("  " + line for line in output.splitlines()[-40:])
                ok = ok and proc.returncode == 0
                if not ok:
                    break
        finally:
            if created:
                with _pg_connect(db) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')
    return VerifyResult(ok=ok, output="\n".join(lines))
