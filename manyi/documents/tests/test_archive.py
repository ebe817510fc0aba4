"""The campaign archive: queued from the secretariat's page, built by the task worker
(django-tasks' database backend), polled with a progress bar, downloaded through a permission
check; and the same archive from `manage.py export_archive`."""

import io
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from manyi.documents import archive
from manyi.documents.models import ArchiveJob, ArchiveState
from manyi.documents.tests.helpers import finished_job, read_docx
from manyi.nominations import services as filing
from manyi.nominations.models import Nomination

pytestmark = pytest.mark.urls("manyi.documents.tests.urls")


def names_in(content: bytes) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(content)).namelist()


@pytest.mark.django_db(transaction=True)  # the worker opens its own transactions
def test_the_page_queues_a_job_that_the_db_worker_builds(client, filed, people, open_campaign):
    individual, team = filed("individual"), filed("team")
    draft = filing.start_nomination(
        open_campaign.categories.get(kind="manager"), by=people.applicant
    )
    client.force_login(people.secretariat)

    response = client.post(reverse("documents:archives"), {"campaign": open_campaign.pk})

    assert response.status_code == 302
    job = ArchiveJob.objects.get()
    assert (job.state, job.total, job.requested_by) == (ArchiveState.QUEUED, 2, people.secretariat)
    task = DBTaskResult.objects.get()
    assert task.task_path == "manyi.documents.tasks.build_archive"
    assert task.args_kwargs == {"args": [job.pk], "kwargs": {}}

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.error) == (ArchiveState.DONE, 2, 2, "")
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    download = client.get(reverse("documents:archive_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert download["Cache-Control"] == "private, no-store"
    names = names_in(b"".join(download.streaming_content))
    folder = f"用户满意服务先进个人/示范供电公司/{individual.title}-{individual.pk}"
    assert f"{folder}/附件2用户满意服务先进个人推荐表.docx" in names
    assert f"{folder}/附件2用户满意服务先进个人推荐表.pdf" in names
    assert any(n.startswith(f"{folder}/附件/01-") for n in names)
    assert any(
        n.startswith(f"用户满意服务先进班组/示范供电公司/{team.title}-{team.pk}/") for n in names
    )
    assert not any(f"-{draft.pk}/" in n for n in names)  # a draft never filed is not archived


@pytest.mark.django_db
def test_the_zip_holds_every_form_and_attachment_ordered_by_category(filed, tmp_path):
    nominations = [filed("team"), filed("individual"), filed("achievement")]
    target = tmp_path / "a.zip"
    seen = []

    count = archive.write_archive(
        nominations[0].campaign, target, progress=lambda d, t: seen.append((d, t))
    )

    assert count == 3
    assert seen == [(1, 3), (2, 3), (3, 3)]
    with zipfile.ZipFile(target) as zf:
        names = zf.namelist()
        folders = list(dict.fromkeys(n.split("/")[0] for n in names))
        assert folders == ["用户满意服务先进个人", "用户满意服务先进班组", "优质服务成果"]
        attachments = sum(n.attachments.count() for n in nominations)
        assert len(names) == 2 * 3 + attachments
        individual = nominations[1]
        word = next(n for n in names if n.endswith(".docx") and f"-{individual.pk}/" in n)
        text = "".join(c.text for t in read_docx(zf.read(word)).tables for c in t._cells)
        assert individual.data["name"] in text
        assert all(zf.getinfo(n).file_size > 0 for n in names)


@pytest.mark.django_db
def test_a_failed_build_is_kept_with_its_reason_and_leaves_no_file(
    filed, people, monkeypatch, settings
):
    nomination = filed()
    job = ArchiveJob.objects.create(campaign=nomination.campaign, requested_by=people.secretariat)

    def broken(*args, **kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(archive.docx, "render", broken)
    with pytest.raises(RuntimeError):
        archive.run_archive_job(job.pk)

    job.refresh_from_db()
    assert (job.state, job.error, job.path) == (ArchiveState.FAILED, "磁盘已满", "")
    assert list((settings.MEDIA_ROOT / "archives").iterdir()) == []


@pytest.mark.django_db
def test_the_progress_fragment_polls_until_the_job_is_finished(client, open_campaign, people):
    job = ArchiveJob.objects.create(
        campaign=open_campaign, requested_by=people.secretariat, total=40, done=10
    )
    client.force_login(people.secretariat)

    running = client.get(reverse("documents:archive_progress", args=[job.pk])).content.decode()

    assert '<progress value="10" max="40">25%</progress>' in running
    assert 'hx-trigger="every 2s"' in running
    done = finished_job(open_campaign, people.secretariat)
    finished = client.get(reverse("documents:archive_progress", args=[done.pk])).content.decode()
    assert "hx-get" not in finished
    assert reverse("documents:archive_download", args=[done.pk]) in finished


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["applicant", "recommender", "judge", "committee"])
def test_only_the_secretariat_sees_and_downloads_archives(client, open_campaign, people, persona):
    job = finished_job(open_campaign, people.secretariat)
    client.force_login(getattr(people, persona))

    assert client.get(reverse("documents:archives")).status_code == 403
    assert (
        client.post(reverse("documents:archives"), {"campaign": open_campaign.pk}).status_code
        == 403
    )
    assert client.get(reverse("documents:archive_download", args=[job.pk])).status_code == 403
    assert ArchiveJob.objects.count() == 1


@pytest.mark.django_db
def test_an_unfinished_archive_is_not_downloaded(client, open_campaign, people):
    job = ArchiveJob.objects.create(campaign=open_campaign, requested_by=people.secretariat)
    client.force_login(people.secretariat)

    response = client.get(reverse("documents:archive_download", args=[job.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("documents:archives")


@pytest.mark.django_db
def test_the_archive_file_is_not_under_a_public_url(filed, people, settings):
    job = ArchiveJob.objects.create(campaign=filed().campaign, requested_by=people.secretariat)

    archive.run_archive_job(job.pk)

    job.refresh_from_db()
    assert job.state == ArchiveState.DONE
    path = archive.archive_path(job)
    assert path.is_relative_to(settings.MEDIA_ROOT)
    assert len(path.stem.rsplit("-", 1)[-1]) == 16  # a random part: the name cannot be guessed
    assert job.size == path.stat().st_size


@pytest.mark.django_db
def test_export_archive_writes_the_same_archive_with_a_progress_bar(filed, tmp_path):
    nomination = filed()
    target = tmp_path / "out.zip"
    err = io.StringIO()

    call_command(
        "export_archive",
        "--year",
        str(nomination.campaign.year),
        "--output",
        str(target),
        stdout=io.StringIO(),
        stderr=err,
    )

    assert "100%" in err.getvalue()
    with zipfile.ZipFile(target) as zf:
        assert any(f"-{nomination.pk}/" in n and n.endswith(".pdf") for n in zf.namelist())
    assert not (tmp_path / "out.zip.part").exists()


@pytest.mark.django_db
def test_export_archive_refuses_an_unknown_year(tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="1999"):
        call_command("export_archive", "--year", "1999", "--output", str(tmp_path / "x.zip"))


@pytest.mark.django_db
def test_archived_nominations_leave_out_drafts(filed, open_campaign, people):
    filed_one = filed()
    filing.start_nomination(open_campaign.categories.get(kind="team"), by=people.applicant)

    assert list(archive.archived_nominations(open_campaign)) == [filed_one]
    assert Nomination.objects.count() == 2


@pytest.mark.django_db
def test_worker_processes_write_the_same_entries_in_the_same_order(filed, tmp_path, monkeypatch):
    nominations = [filed("team"), filed("individual"), filed("achievement")]
    campaign = nominations[0].campaign
    monkeypatch.setattr(archive, "POOL_MIN", 1)  # a pool even for three

    archive.write_archive(campaign, tmp_path / "alone.zip", workers=1)
    for cached in (tmp_path / "media" / archive.pdf.CACHE_DIR).rglob("*.pdf"):
        cached.unlink()  # drawn again, by the workers this time
    archive.write_archive(campaign, tmp_path / "pooled.zip", workers=2)

    with (
        zipfile.ZipFile(tmp_path / "alone.zip") as alone,
        zipfile.ZipFile(tmp_path / "pooled.zip") as pooled,
    ):
        assert pooled.namelist() == alone.namelist()
        pdfs = [n for n in pooled.namelist() if n.endswith(".pdf")]
        assert len(pdfs) == 3
        assert all(pooled.read(n).startswith(b"%PDF-") for n in pdfs)
        individual = nominations[1]
        word = next(
            n for n in pooled.namelist() if n.endswith(".docx") and f"-{individual.pk}/" in n
        )
        text = "".join(c.text for t in read_docx(pooled.read(word)).tables for c in t._cells)
        assert individual.data["name"] in text


@pytest.mark.django_db
def test_a_second_archive_reuses_the_filed_forms_pdfs(filed, tmp_path, monkeypatch):
    nomination = filed("individual")
    archive.write_archive(nomination.campaign, tmp_path / "first.zip", workers=1)

    def no_drawing(*args, **kwargs):
        raise AssertionError("drawn again")

    monkeypatch.setattr(archive.pdf, "draw", no_drawing)
    archive.write_archive(nomination.campaign, tmp_path / "second.zip", workers=1)

    with (
        zipfile.ZipFile(tmp_path / "first.zip") as first,
        zipfile.ZipFile(tmp_path / "second.zip") as second,
    ):
        name = next(n for n in first.namelist() if n.endswith(".pdf"))
        assert second.read(name) == first.read(name)


@pytest.mark.django_db
def test_a_changed_record_is_drawn_again(filed, tmp_path, monkeypatch):
    nomination = filed("individual")
    archive.write_archive(nomination.campaign, tmp_path / "first.zip", workers=1)
    nomination.data = {**nomination.data, "name": "王五六"}
    nomination.save(update_fields=["data"])
    drawn = []
    real = archive.pdf.draw
    monkeypatch.setattr(archive.pdf, "draw", lambda *a: drawn.append(1) or real(*a))

    archive.write_archive(nomination.campaign, tmp_path / "second.zip", workers=1)

    assert drawn == [1]
