"""The campaign archive: one .zip of every filed form (.docx and .pdf) and every attachment,
ordered by category and organization:

    <category>/<organization>/<candidate>-<number>/<form>.docx, <form>.pdf, 附件/<file>

Built by the task worker (tasks.py) or `manage.py export_archive`. Memory stays flat in the
number of nominations: they are read in chunks (`.iterator(chunk_size)`), each entry is written
to the zip file on disk as soon as it is made, and attachments are copied in blocks.

The forms are drawn in parallel by a small pool of worker processes (one a core), fed in order
with a bounded window; a filed form's PDF is taken from the cache of pdf.py when it was drawn
before (by an earlier archive or a download), and stored there otherwise.
"""

import gc
import multiprocessing
import os
import secrets
import shutil
import zipfile
from collections import deque
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from manyi.accounts.models import User
from manyi.campaigns.models import Campaign, Rubric
from manyi.documents import docx, layout, pdf, queries
from manyi.documents import workers as workers_module
from manyi.documents.digest import verification_code
from manyi.documents.models import ArchiveJob, ArchiveState
from manyi.documents.views import safe_filename
from manyi.nominations.formspecs import FORMS
from manyi.nominations.models import Attachment, Nomination, NominationState

CHUNK = 50  # nominations read a query at a time
POOL_MIN = 8  # nominations from which the forms are drawn by worker processes
WINDOW = 3  # nominations in flight a worker: enough to keep it busy, few enough to stay small
TASKS_PER_WORKER = 1000  # a worker is replaced after so many nominations (bounds any leak)
COPY_BLOCK = 1024 * 1024
ARCHIVE_DIR = "archives"  # under MEDIA_ROOT: outside the web root
# Files that are compressed already: stored as they are, which saves the CPU.
STORED = frozenset({".docx", ".pdf", ".png", ".jpg", ".jpeg", ".zip", ".xlsx"})
Progress = Callable[[int, int], None]


def archived_nominations(campaign: Campaign) -> QuerySet[Nomination]:
    """Every filed nomination of the campaign (drafts never filed are left out), by category,
    organization and number."""
    return (
        Nomination.objects.filter(campaign=campaign, filed_at__isnull=False)
        .exclude(state=NominationState.DRAFT)
        .select_related("campaign", "category", "organization")
        .prefetch_related(
            "self_scores",
            "honours",
            Prefetch("attachments", queryset=Attachment.objects.order_by("slot", "pk")),
        )
        .order_by("category__position", "category__pk", "organization__name", "pk")
    )


def _entry(zf: zipfile.ZipFile, name: str, content: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=timezone.localtime().timetuple()[:6])
    info.compress_type = (
        zipfile.ZIP_STORED if Path(name).suffix.lower() in STORED else zipfile.ZIP_DEFLATED
    )
    zf.writestr(info, content)


def _copy(zf: zipfile.ZipFile, name: str, attachment: Attachment) -> None:
    """An uploaded file, copied into the zip a block at a time; a missing file is noted."""
    compress = zipfile.ZIP_STORED if Path(name).suffix.lower() in STORED else zipfile.ZIP_DEFLATED
    try:
        source = attachment.file.open("rb")
    except FileNotFoundError:
        _entry(zf, f"{name}.缺失.txt", "文件已不在存储中。".encode())
        return
    info = zipfile.ZipInfo(name, date_time=timezone.localtime().timetuple()[:6])
    info.compress_type = compress
    with source, zf.open(info, "w", force_zip64=True) as target:
        shutil.copyfileobj(source, target, COPY_BLOCK)


def _folder(nomination: Nomination) -> str:
    candidate = nomination.title or FORMS[nomination.category.kind].title
    return "/".join(
        safe_filename(part) or "_"
        for part in (
            nomination.category.title,
            nomination.organization.name,
            f"{candidate}-{nomination.pk}",
        )
    )


class _Done:
    """A result computed in this process, with the face of a Future."""

    def __init__(self, value) -> None:
        self._value = value

    def result(self):
        return self._value


def _draw(sheets: list[layout.Sheet], mark: layout.Mark, page: tuple[str, str] | None):
    """A nomination's Word file, and its PDF unless it came from the cache (page is None). Run
    in a worker process, or here when there is none; the cycles a drawn PDF leaves are
    collected now (cheap: what was alive before is frozen), which keeps the memory flat."""
    word = docx.render(sheets, mark)
    if page is None:
        return word, None
    drawn = pdf.draw(*page)
    gc.collect()
    return word, drawn


def default_workers() -> int:
    """Processes that draw the PDFs of an archive: one a core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class _Drawing:
    """One nomination on its way into the zip: its folder, and its files being drawn."""

    def __init__(self, nomination: Nomination, rubrics: dict[int, Rubric | None], submit) -> None:
        self.nomination = nomination
        self.folder = _folder(nomination)
        spec = FORMS[nomination.category.kind]
        self.stem = safe_filename(f"{spec.ref}{spec.title}")
        sheets = queries.nomination_sheets(nomination, rubrics=rubrics)
        mark = (
            layout.Mark(draft=True)
            if nomination.is_editable
            else layout.Mark(code=verification_code(nomination))
        )
        source, identity = pdf.document(sheets, mark, title=nomination.title)
        # A filed form's PDF is reused from the cache (pdf.py); a draft's is always drawn.
        self.key = pdf.cache_key(source, identity) if mark.code else None
        self.cached = pdf.cached(self.key) if self.key else None
        page = None if self.cached is not None else (source, identity)
        self.future = submit(_draw, sheets, mark, page)

    def write(self, zf: zipfile.ZipFile) -> None:
        word, drawn = self.future.result()
        if drawn is not None and self.key:
            pdf.keep(self.key, drawn)
        _entry(zf, f"{self.folder}/{self.stem}.docx", word)
        _entry(zf, f"{self.folder}/{self.stem}.pdf", drawn if drawn is not None else self.cached)
        for n, attachment in enumerate(self.nomination.attachments.all(), start=1):
            name = safe_filename(attachment.original_name) or f"file-{attachment.pk}"
            _copy(zf, f"{self.folder}/附件/{n:02d}-{name}", attachment)


def write_nomination(
    zf: zipfile.ZipFile, nomination: Nomination, rubrics: dict[int, Rubric | None]
) -> None:
    """One nomination's folder: its form as Word and PDF, then its attachments."""
    _Drawing(nomination, rubrics, lambda f, *args: _Done(f(*args))).write(zf)


def write_archive(
    campaign: Campaign,
    target: Path,
    *,
    progress: Progress | None = None,
    workers: int | None = None,
) -> int:
    """Write the archive of a campaign to `target` (a .zip on disk); returns the number of
    nominations written. `progress(done, total)` is called after each nomination.

    The forms are drawn by `workers` processes (default: one a core) when there are at least
    POOL_MIN nominations, in this process otherwise. This process reads the database, fills
    the PDF cache and writes the zip in order; at most WINDOW nominations a worker are in
    flight, so the memory stays flat in the number of nominations."""
    queryset = archived_nominations(campaign)
    total = queryset.count()
    rubrics: dict[int, Rubric | None] = {}
    done = 0
    workers = default_workers() if workers is None else workers
    target.parent.mkdir(parents=True, exist_ok=True)
    # A rendered PDF leaves a large graph of cycles behind. Collected after each nomination,
    # the memory stays flat; the objects alive before the loop are frozen so that each
    # collection walks only the new ones (a full collection of a Django process costs ~0.1 s).
    gc.collect()
    gc.freeze()
    pool = None
    try:
        if workers > 1 and total >= POOL_MIN:
            pool = ProcessPoolExecutor(
                max_workers=workers,
                # Not forked: a child of this process would share its database connection.
                mp_context=multiprocessing.get_context("spawn"),
                initializer=workers_module.start,
                max_tasks_per_child=TASKS_PER_WORKER,
            )
            submit = pool.submit
            window = WINDOW * workers
        else:
            submit, window = (lambda f, *args: _Done(f(*args))), 0
        pending: deque[_Drawing] = deque()
        with zipfile.ZipFile(target, "w", allowZip64=True) as zf:
            for nomination in queryset.iterator(chunk_size=CHUNK):
                pending.append(_Drawing(nomination, rubrics, submit))
                while len(pending) > window:
                    pending.popleft().write(zf)
                    done += 1
                    if progress is not None:
                        progress(done, total)
            while pending:
                pending.popleft().write(zf)
                done += 1
                if progress is not None:
                    progress(done, total)
            if total == 0:
                _entry(zf, "说明.txt", f"{campaign.year}年度没有已提交的申报。".encode())
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()
    return done


def archive_path(job: ArchiveJob) -> Path:
    return Path(settings.MEDIA_ROOT) / job.path


# --- the job ---------------------------------------------------------------------------------


@transaction.atomic
def start_archive(campaign: Campaign, *, by: User) -> ArchiveJob:
    """Queue a new archive of the campaign for the task worker. The task row is written in the
    same transaction as the job (database backend): both exist, or neither."""
    from manyi.documents.tasks import build_archive

    job = ArchiveJob.objects.create(
        campaign=campaign, requested_by=by, total=archived_nominations(campaign).count()
    )
    build_archive.enqueue(job.pk)
    return job


def run_archive_job(job_id: int) -> str:
    """Build the archive of a queued job, reporting its progress in the job's row every few
    nominations; a failure is kept in the job with its reason, and the partial file removed."""
    job = ArchiveJob.objects.select_related("campaign").get(pk=job_id)
    if job.state != ArchiveState.QUEUED:
        return job.state
    relative = f"{ARCHIVE_DIR}/{job.campaign.year}-{job.pk}-{secrets.token_hex(8)}.zip"
    target = Path(settings.MEDIA_ROOT) / relative
    partial = target.with_suffix(".part")
    total = archived_nominations(job.campaign).count()
    ArchiveJob.objects.filter(pk=job.pk).update(
        state=ArchiveState.RUNNING, started_at=timezone.now(), total=total, done=0
    )
    step = max(1, total // 100)

    def report(done: int, total: int) -> None:
        if done % step == 0 or done == total:
            ArchiveJob.objects.filter(pk=job.pk).update(done=min(done, total))

    try:
        write_archive(job.campaign, partial, progress=report)
        partial.rename(target)
    except Exception as error:
        partial.unlink(missing_ok=True)
        ArchiveJob.objects.filter(pk=job.pk).update(
            state=ArchiveState.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    ArchiveJob.objects.filter(pk=job.pk).update(
        state=ArchiveState.DONE,
        done=total,
        path=relative,
        size=target.stat().st_size,
        finished_at=timezone.now(),
    )
    return ArchiveState.DONE
