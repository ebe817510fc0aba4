"""Background tasks of the documents app, run by the task worker (`manage.py db_worker`)."""

from django_tasks import task

from manyi.documents.archive import run_archive_job


@task()
def build_archive(job_id: int) -> str:
    """Build a campaign archive queued by `archive.start_archive`."""
    return run_archive_job(job_id)
