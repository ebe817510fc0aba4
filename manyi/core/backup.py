"""Backup and restore: the database and the uploaded files in one zip archive.

The archive holds `data.json` (the serialized rows of every model we back up, natural foreign
keys so that content types and permissions, which `migrate` recreates, are referred to by name),
`media/<path>` for every file under MEDIA_ROOT, and `manifest.json` (when, versions, database
vendor, rows per model and the SHA-256 of every other entry).

Restoring is all or nothing: the archive is checked completely (manifest, hashes, paths) before
anything is written; the rows load in one transaction, the counts are compared inside it, and the
files written are removed again if anything fails afterwards.
"""

import contextlib
import datetime
import hashlib
import importlib.metadata
import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

import django
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
DATA = "data.json"
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024

# Not backed up, and why:
# - contenttypes, auth.permission: `migrate` recreates them; rows refer to them by natural key.
# - sessions: transient; a restored installation starts with everyone logged out.
# - axes: login-failure logs and lockouts belong to the old server, not to the campaign.
EXCLUDED_APPS = frozenset({"contenttypes", "sessions", "axes"})
EXCLUDED_MODELS = frozenset({"auth.permission"})

Progress = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore refused or failed; the message is for the operator (in Chinese)."""


def _silent(message: str) -> None:
    pass


def backed_up_models() -> list[type[models.Model]]:
    """The concrete models whose rows go into data.json, in dependency order."""
    app_list: dict[Any, list[type[models.Model]] | None] = {}
    for config in apps.get_app_configs():
        if config.label in EXCLUDED_APPS or config.models_module is None:
            continue
        chosen = [
            model
            for model in config.get_models()
            if model._meta.label_lower not in EXCLUDED_MODELS
            and not model._meta.proxy
            and model._meta.managed
        ]
        if chosen:
            app_list[config] = chosen
    return serializers.sort_dependencies(app_list.items(), allow_cycles=True)


def _version() -> str:
    try:
        return importlib.metadata.version("manyi")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _copy_hashing(source: IO[bytes], target: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        target.write(chunk)
    return digest.hexdigest()


def write_backup(path: Path, *, force: bool = False, progress: Progress = _silent) -> dict:
    """Write the database and MEDIA_ROOT to the zip at `path` and return its manifest.
    Refuses an existing `path` unless `force`. Files are streamed, never read whole."""
    path = Path(path)
    if path.exists() and not force:
        raise BackupError(f"{path} 已存在；如要覆盖，请加 --force。")
    media_root = Path(settings.MEDIA_ROOT)
    counts: dict[str, int] = {}
    hashes: dict[str, str] = {}
    partial = path.with_name(path.name + ".partial")
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            progress("导出数据库……")
            # One transaction, so the rows read are one consistent state of the database.
            with transaction.atomic(), archive.open(DATA, "w", force_zip64=True) as raw:
                hashing = _HashingWriter(raw)
                serializers.serialize(
                    "json",
                    _rows(counts, progress),
                    stream=hashing,
                    indent=1,
                    use_natural_foreign_keys=True,
                    cls=_FullPrecisionEncoder,
                )
                hashes[DATA] = hashing.hexdigest()
            files = _media_files(media_root)
            progress(f"打包 {len(files)} 个上传文件……")
            for number, file in enumerate(files, 1):
                name = MEDIA_PREFIX + file.relative_to(media_root).as_posix()
                with file.open("rb") as source, archive.open(name, "w", force_zip64=True) as out:
                    hashes[name] = _copy_hashing(source, out)
                if number % 100 == 0:
                    progress(f"  {number}/{len(files)}")
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "django": django.get_version(),
                "manyi": _version(),
                "database": connections[DEFAULT_DB_ALIAS].vendor,
                "counts": counts,
                "files": hashes,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    progress(f"完成：{sum(counts.values())} 行，{len(hashes) - 1} 个文件 → {path}")
    return manifest


class _FullPrecisionEncoder(DjangoJSONEncoder):
    """Keeps microseconds, which DjangoJSONEncoder cuts to milliseconds: a restored row must
    equal the original, timestamps included."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class _HashingWriter:
    """A text stream for the serializer that hashes and writes UTF-8 to a binary stream."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._digest = hashlib.sha256()

    def write(self, text: str) -> int:
        data = text.encode()
        self._digest.update(data)
        self._raw.write(data)
        return len(text)

    def flush(self) -> None:
        pass

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def _rows(counts: dict[str, int], progress: Progress) -> Iterator[models.Model]:
    for model in backed_up_models():
        label = model._meta.label_lower
        counts[label] = 0
        for row in model._base_manager.order_by(model._meta.pk.name).iterator(chunk_size=2000):
            counts[label] += 1
            yield row
        if counts[label]:
            progress(f"  {label}: {counts[label]}")


def _read_manifest(archive: zipfile.ZipFile) -> dict:
    names = set(archive.namelist())
    if MANIFEST not in names:
        raise BackupError("备份文件缺少 manifest.json，不是本系统的备份或已损坏。")
    try:
        manifest = json.loads(archive.read(MANIFEST))
        files, counts = manifest["files"], manifest["counts"]
    except (ValueError, KeyError, TypeError) as error:
        raise BackupError(f"manifest.json 无法读取：{error}") from error
    if not isinstance(files, dict) or not isinstance(counts, dict):
        raise BackupError("manifest.json 格式不正确。")
    if DATA not in files or DATA not in names:
        raise BackupError("备份文件缺少 data.json。")
    unlisted = names - set(files) - {MANIFEST}
    missing = set(files) - names
    if unlisted or missing:
        problems = [f"多出 {n}" for n in sorted(unlisted)] + [f"缺少 {n}" for n in sorted(missing)]
        raise BackupError("备份文件与清单不一致：" + "，".join(problems))
    return manifest


def _media_target(name: str, media_root: Path) -> Path:
    """Where an archive entry `media/<path>` goes; refuses anything escaping MEDIA_ROOT."""
    relative = PurePosixPath(name[len(MEDIA_PREFIX) :])
    unsafe = (
        not name.startswith(MEDIA_PREFIX)
        or "\\" in name
        or relative.is_absolute()
        or ".." in relative.parts
        or not relative.parts
    )
    target = (media_root / relative).resolve()
    if unsafe or not target.is_relative_to(media_root.resolve()):
        raise BackupError(f"备份中的文件路径不安全，拒绝恢复：{name}")
    return target


def _check_empty_installation(database: str) -> None:
    connection = connections[database]
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise BackupError("数据库尚未迁移到最新结构：请先执行 python manage.py migrate。")
    occupied = [
        f"{model._meta.label_lower}（{count} 行）"
        for model in backed_up_models()
        if (count := model._base_manager.using(database).count())
    ]
    if occupied:
        raise BackupError(
            "数据库中已有业务数据，只能恢复到空的新安装中：" + "，".join(occupied[:5])
        )


def restore_backup(path: Path, *, progress: Progress = _silent) -> dict:
    """Restore the archive at `path` into an empty, migrated installation; return its manifest.
    Nothing stays half-restored: on any failure the transaction rolls back and the files
    written are removed."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"找不到备份文件：{path}")
    media_root = Path(settings.MEDIA_ROOT)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise BackupError(f"{path} 不是有效的 zip 文件。") from error
    with archive:
        manifest = _read_manifest(archive)
        targets = {
            name: _media_target(name, media_root) for name in manifest["files"] if name != DATA
        }
        _check_empty_installation(DEFAULT_DB_ALIAS)
        existing = [str(t) for t in targets.values() if t.exists()]
        if existing:
            raise BackupError(f"上传目录中已有同名文件，拒绝覆盖：{existing[0]}")
        progress("校验文件摘要……")
        _verify_hashes(archive, manifest["files"])
        written: list[Path] = []
        created_dirs: list[Path] = []
        with tempfile.TemporaryDirectory() as scratch:
            fixture = Path(scratch) / DATA
            with archive.open(DATA) as source, fixture.open("wb") as out:
                shutil.copyfileobj(source, out, CHUNK)
            try:
                with transaction.atomic():
                    progress("载入数据库……")
                    ContentType.objects.clear_cache()  # ids of this installation, not a stale one
                    call_command("loaddata", str(fixture), verbosity=0)
                    progress(f"写入 {len(targets)} 个上传文件……")
                    for name, target in targets.items():
                        _make_parents(target.parent, created_dirs)
                        with archive.open(name) as source, target.open("xb") as out:
                            written.append(target)
                            shutil.copyfileobj(source, out, CHUNK)
                    _check_counts(manifest["counts"])
            except BaseException:
                for file in written:
                    file.unlink(missing_ok=True)
                for folder in reversed(created_dirs):
                    _remove_if_empty(folder)
                raise
    progress(f"完成：{sum(manifest['counts'].values())} 行，{len(targets)} 个文件。")
    return manifest


def _verify_hashes(archive: zipfile.ZipFile, files: dict[str, str]) -> None:
    for name, expected in files.items():
        digest = hashlib.sha256()
        try:
            with archive.open(name) as source:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
        except zipfile.BadZipFile as error:
            raise BackupError(f"备份中的 {name} 已损坏：{error}") from error
        if digest.hexdigest() != expected:
            raise BackupError(f"备份中的 {name} 与清单的 SHA-256 不符：文件被改动或已损坏。")


def _check_counts(expected: dict[str, int]) -> None:
    actual = {model._meta.label_lower: model._base_manager.count() for model in backed_up_models()}
    differing = [
        f"{label}：清单 {count} 行，实际 {actual.get(label, 0)} 行"
        for label, count in sorted(expected.items())
        if actual.get(label, 0) != count
    ]
    differing += [
        f"{label}：清单中没有，实际 {count} 行"
        for label, count in sorted(actual.items())
        if label not in expected and count
    ]
    if differing:
        raise BackupError("恢复后的行数与清单不符：" + "；".join(differing))


def _make_parents(folder: Path, created: list[Path]) -> None:
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for new in reversed(missing):
        new.mkdir()
        created.append(new)


def _remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not empty: something else lives there
        folder.rmdir()
