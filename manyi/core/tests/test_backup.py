"""Backup and restore: the demo campaign survives a round trip, row for row and byte for byte;
a restore refuses what it must refuse and leaves nothing half-restored."""

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection, models

from manyi.accounts.models import User
from manyi.core.backup import backed_up_models
from manyi.demo.services import load_demo


def snapshot_rows() -> dict[str, list[dict]]:
    """Every backed-up row's values, and every many-to-many link, by model. Content types and
    permissions are recreated by migrate with new ids, so they are compared by natural key."""
    rows: dict[str, list[dict]] = {}
    for model in backed_up_models():
        rows[model._meta.label_lower] = _values(model)
        for field in model._meta.local_many_to_many:
            through: type[models.Model] = field.remote_field.through
            links = _values(through)
            if through._meta.auto_created:
                # An auto-created link's id is not data: a restore numbers the links afresh,
                # and PostgreSQL's sequences do not restart where an earlier test left them.
                links = sorted(
                    ({k: v for k, v in row.items() if k != "id"} for row in links),
                    key=lambda row: sorted(row.items()),
                )
            rows[through._meta.label_lower] = links
    return rows


def _values(model: type[models.Model]) -> list[dict]:
    by_name = {
        field.attname: field.related_model
        for field in model._meta.concrete_fields
        if field.related_model in (ContentType, Permission)
    }
    rows = list(model._base_manager.order_by("pk").values())
    for row in rows:
        for attname, related in by_name.items():
            if row[attname] is not None:
                row[attname] = related.objects.get(pk=row[attname]).natural_key()
    return rows


def snapshot_files() -> dict[str, bytes]:
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def empty_installation() -> None:
    """Empty the database and the upload folder, as a new installation after migrate."""
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgresql:  # TRUNCATE refuses tables with deferred checks pending in the transaction
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        call_command("flush", interactive=False, verbosity=0)
        if postgresql:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


def rewrite(archive: Path, *, changes: dict[str, bytes], manifest=None) -> None:
    """Rewrite `archive` with some entries replaced or added, the manifest as given or kept."""
    with zipfile.ZipFile(archive) as old:
        entries = {name: old.read(name) for name in old.namelist()}
    entries.update(changes)
    if manifest is not None:
        entries["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(archive, "w") as new:
        for name, data in entries.items():
            new.writestr(name, data)


def read_manifest(archive: Path) -> dict:
    with zipfile.ZipFile(archive) as opened:
        return json.loads(opened.read("manifest.json"))


@pytest.fixture
def small_backup(db, tmp_path) -> Path:
    """An archive of one user and one uploaded file, restored into an emptied installation."""
    User.objects.create(username="alice")
    upload = Path(settings.MEDIA_ROOT) / "attachments" / "a.txt"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"original")
    archive = tmp_path / "small.zip"
    call_command("backup", str(archive), stderr=_Sink())
    empty_installation()
    return archive


class _Sink:
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass


def assert_nothing_restored() -> None:
    assert User.objects.count() == 0
    assert snapshot_files() == {}


def test_restore_of_the_demo_gives_the_same_rows_and_files(db, tmp_path):
    load_demo()
    rows, files = snapshot_rows(), snapshot_files()
    archive = tmp_path / "manyi.zip"
    call_command("backup", str(archive), stderr=_Sink())
    empty_installation()
    assert snapshot_files() == {}

    call_command("restore", str(archive), stderr=_Sink())

    assert files  # the demo has uploads, so the comparison proves something
    assert snapshot_files() == files
    assert snapshot_rows() == rows
    assert User.objects.create(username="after").pk > max(r["id"] for r in rows["accounts.user"])


def test_backup_manifest_counts_rows_and_hashes_files(db, tmp_path):
    User.objects.create(username="alice")
    upload = Path(settings.MEDIA_ROOT) / "x" / "b.bin"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"\x00\x01")
    archive = tmp_path / "b.zip"

    call_command("backup", str(archive), stderr=_Sink())

    manifest = read_manifest(archive)
    assert manifest["counts"]["accounts.user"] == 1
    assert manifest["files"]["media/x/b.bin"] == hashlib.sha256(b"\x00\x01").hexdigest()
    assert set(manifest) >= {"created_at", "django", "manyi", "database", "counts", "files"}
    assert "contenttypes.contenttype" not in manifest["counts"]
    assert "auth.permission" not in manifest["counts"]
    assert "sessions.session" not in manifest["counts"]


def test_backup_refuses_an_existing_path_without_force(db, tmp_path):
    archive = tmp_path / "b.zip"
    archive.write_bytes(b"keep")

    with pytest.raises(CommandError, match="已存在"):
        call_command("backup", str(archive), stderr=_Sink())

    assert archive.read_bytes() == b"keep"
    call_command("backup", str(archive), "--force", stderr=_Sink())
    assert zipfile.is_zipfile(archive)


def test_restore_refuses_a_database_with_data(small_backup):
    User.objects.create(username="bob")

    with pytest.raises(CommandError, match="已有业务数据"):
        call_command("restore", str(small_backup), stderr=_Sink())

    assert list(User.objects.values_list("username", flat=True)) == ["bob"]
    assert snapshot_files() == {}


def test_restore_refuses_a_tampered_file(small_backup):
    rewrite(small_backup, changes={"media/attachments/a.txt": b"tampered"})

    with pytest.raises(CommandError, match="SHA-256"):
        call_command("restore", str(small_backup), stderr=_Sink())

    assert_nothing_restored()


def test_restore_refuses_an_entry_escaping_media_root(small_backup, tmp_path):
    manifest = read_manifest(small_backup)
    evil = b"evil"
    manifest["files"]["media/../escaped.txt"] = hashlib.sha256(evil).hexdigest()
    rewrite(small_backup, changes={"media/../escaped.txt": evil}, manifest=manifest)

    with pytest.raises(CommandError, match="不安全"):
        call_command("restore", str(small_backup), stderr=_Sink())

    assert not (Path(settings.MEDIA_ROOT).parent / "escaped.txt").exists()
    assert_nothing_restored()


def test_restore_refuses_an_archive_without_manifest(db, tmp_path):
    archive = tmp_path / "bare.zip"
    with zipfile.ZipFile(archive, "w") as bare:
        bare.writestr("data.json", "[]")

    with pytest.raises(CommandError, match=r"缺少 manifest\.json"):
        call_command("restore", str(archive), stderr=_Sink())


def test_restore_rolls_back_rows_and_removes_files_when_counts_differ(small_backup):
    manifest = read_manifest(small_backup)
    manifest["counts"]["accounts.user"] = 2
    rewrite(small_backup, changes={}, manifest=manifest)

    with pytest.raises(CommandError, match="行数与清单不符"):
        call_command("restore", str(small_backup), stderr=_Sink())

    assert_nothing_restored()
