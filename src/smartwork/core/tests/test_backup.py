"""`smartwork backup` / `restore`: the archive, its manifest and the refusals.

The restore of a database taken under load, and `backup verify`, are proven in
tests/concurrency/test_backup_under_load.py on both databases."""

from __future__ import annotations

import datetime as dt
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from smartwork.core import backup

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(tmp_path, settings):
    root = tmp_path / "media"
    (root / "centres").mkdir(parents=True)
    (root / "centres" / "namur.jpg").write_bytes(b"\xff\xd8 Namur")
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def archive(tmp_path, media) -> Path:
    return backup.backup_create(out_dir=tmp_path / "backups").path


def _scratch(tmp_path: Path) -> dict:
    """A target that is not the test database: an empty SQLite file's path, or (on
    PostgreSQL) the test database itself, which holds tables: refusals come first."""
    from django.conf import settings

    db = dict(settings.DATABASES["default"])
    if connection.vendor == "sqlite":
        db["NAME"] = str(tmp_path / "scratch.sqlite3")
    return db


def _rewrite(archive: Path, change) -> None:
    """Rewrite the tar with `change(name, data) -> data | None` (None: drop the member)."""
    with tarfile.open(archive) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar]  # type: ignore[union-attr]
    with tarfile.open(archive, "w") as tar:
        for member, data in members:
            new = change(member.name, data)
            if new is None:
                continue
            member.size = len(new)
            tar.addfile(member, io.BytesIO(new))
    archive.with_name(archive.name + ".sha256").unlink(missing_ok=True)


def test_the_archive_holds_the_database_the_media_and_a_manifest_of_checksums(archive):
    import hashlib

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
        photo = tar.extractfile("media/centres/namur.jpg").read()  # type: ignore[union-attr]
    dump = "database.pgdump" if connection.vendor == "postgresql" else "database.sqlite3"
    assert names == ["manifest.json", dump, "media/centres/namur.jpg"]
    assert photo == b"\xff\xd8 Namur"
    assert manifest["files"]["media/centres/namur.jpg"] == {
        "sha256": hashlib.sha256(photo).hexdigest(), "size": len(photo)}
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["database"]["server_version"]
    assert manifest["app_version"] and manifest["django_version"]
    assert "credits.0001_initial" in manifest["migrations"]
    sidecar = archive.with_name(archive.name + ".sha256").read_text()
    assert sidecar == f"{hashlib.sha256(archive.read_bytes()).hexdigest()}  {archive.name}\n"


def test_a_tampered_database_is_refused_and_nothing_is_restored(archive, tmp_path):
    _rewrite(archive, lambda name, data: data[:-1] + bytes([data[-1] ^ 1])
             if name.startswith("database.") else data)
    target = _scratch(tmp_path)
    with pytest.raises(backup.BackupRefused, match="does not match its checksum"):
        backup.backup_restore(archive=archive, database=target, force=True,
                              media_root=tmp_path / "restored")
    assert not (tmp_path / "restored").exists()
    if connection.vendor == "sqlite":
        assert not Path(target["NAME"]).exists()


def test_a_tampered_media_file_is_refused(archive, tmp_path):
    _rewrite(archive, lambda name, data: b"another photo" if name.startswith("media/") else data)
    with pytest.raises(backup.BackupRefused, match=r"namur\.jpg does not match its checksum"):
        backup.backup_restore(archive=archive, database=_scratch(tmp_path), force=True,
                              media_root=tmp_path / "restored")


def test_a_member_added_or_removed_is_refused(archive, tmp_path):
    original = archive.read_bytes()
    _rewrite(archive, lambda name, data: None if name.startswith("media/") else data)
    with pytest.raises(backup.BackupRefused, match=r"lacks media/centres/namur\.jpg"):
        backup.archive_check(archive=archive, into=tmp_path / "x")
    archive.write_bytes(original)
    with tarfile.open(archive, "a") as tar:
        info = tarfile.TarInfo("media/centres/extra.jpg")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"abc"))
    with pytest.raises(backup.BackupRefused, match="not in its manifest"):
        backup.archive_check(archive=archive, into=tmp_path / "y")


def test_an_archive_that_does_not_match_its_checksum_file_is_refused(archive, tmp_path):
    sidecar = archive.with_name(archive.name + ".sha256")
    sidecar.write_text("0" * 64 + "  " + archive.name + "\n")
    with pytest.raises(backup.BackupRefused, match="does not match its checksum file"):
        backup.archive_check(archive=archive, into=tmp_path / "x")


def test_restore_refuses_a_database_with_tables_without_force(archive):
    with pytest.raises(CommandError, match=r"Refusing to overwrite: the database .* holds tables"):
        call_command("restore", str(archive))


def test_restore_refuses_media_files_without_force(archive, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("an empty PostgreSQL target needs a scratch database: see the load test")
    with pytest.raises(backup.BackupRefused, match="holds files"):
        backup.backup_restore(archive=archive, database=_scratch(tmp_path))


def test_restore_refuses_a_backup_from_a_newer_schema(archive, tmp_path):
    def add_migration(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"].append("credits.9999_from_the_future")
        return json.dumps(manifest).encode()

    _rewrite(archive, add_migration)
    with pytest.raises(backup.BackupRefused, match="newer version of smartwork"):
        backup.backup_restore(archive=archive, database=_scratch(tmp_path), force=True,
                              media_root=tmp_path / "restored")


def test_not_an_archive_is_refused(tmp_path):
    junk = tmp_path / "smartwork-20261201T000000Z.tar"
    junk.write_bytes(b"not a tar file")
    with pytest.raises(CommandError, match="not a readable tar archive"):
        call_command("restore", str(junk))
    with pytest.raises(CommandError, match="No backup archive"):
        call_command("restore", str(tmp_path / "missing.tar"))


def test_keep_deletes_the_oldest_archives(tmp_path, media):
    out = tmp_path / "backups"
    for day in (1, 2, 3):
        result = backup.backup_create(out_dir=out, keep=2,
                                      now=dt.datetime(2026, 12, day, 3, 0, tzinfo=dt.UTC))
    assert [p.name for p in result.removed] == ["smartwork-20261201T030000Z.tar"]
    assert sorted(p.name for p in out.iterdir()) == [
        "smartwork-20261202T030000Z.tar", "smartwork-20261202T030000Z.tar.sha256",
        "smartwork-20261203T030000Z.tar", "smartwork-20261203T030000Z.tar.sha256"]


def test_the_command_writes_an_archive_and_names_it(tmp_path, media):
    out = io.StringIO()
    call_command("backup", "--out", str(tmp_path / "b"), stdout=out)
    assert "1 media file(s)" in out.getvalue()
    assert len(list((tmp_path / "b").glob("smartwork-*.tar"))) == 1
    with pytest.raises(CommandError, match="Name the archive"):
        call_command("backup", "verify")


def test_pg_dump_older_than_the_server_is_refused(tmp_path, monkeypatch, media):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's client tools")
    fake = tmp_path / "bin" / "pg_dump"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("SMARTWORK_PG_BIN", str(fake.parent))
    with pytest.raises(backup.BackupError, match="pg_dump must be at least the server's"):
        backup.backup_create(out_dir=tmp_path / "b")


def test_check_books_all_periods_needs_one_choice():
    with pytest.raises(CommandError, match="either --period"):
        call_command("check_books")
    out = io.StringIO()
    call_command("check_books", "--all-periods", stdout=out)
    assert "0 network month(s)" in out.getvalue()


@pytest.mark.parametrize("manifest", [b"[1, 2]", b'"text"', b'{"files": [1]}',
                                      b'{"files": {"db.sqlite3": "x"}}', b"null"])
def test_a_manifest_of_another_shape_is_refused_not_a_traceback(archive, tmp_path, manifest):
    def change(name, data):
        if name == backup.MANIFEST:
            if manifest == b'{"files": {"db.sqlite3": "x"}}':
                files = dict.fromkeys(json.loads(data)["files"], "x")
                return json.dumps({**json.loads(data), "files": files}).encode()
            return manifest
        return data

    _rewrite(archive, change)
    with pytest.raises(backup.BackupRefused):
        backup.archive_check(archive=archive, into=tmp_path / "x")


@pytest.mark.parametrize("name", [".", "a/.", "./", "/etc/x", "../x", "a/../../x"])
def test_a_member_that_names_no_file_inside_is_refused(tmp_path, name):
    archive = tmp_path / "smartwork-20261201T000000Z.tar"
    with tarfile.open(archive, "w") as tar:
        info = tarfile.TarInfo(backup.MANIFEST)
        body = json.dumps({"format": 1, "files": {name: {"sha256": "", "size": 1}}}).encode()
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))
        info = tarfile.TarInfo(name)
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(backup.BackupRefused, match="Unexpected member"):
        backup.archive_check(archive=archive, into=tmp_path / "into")
