"""The secretariat's pages for the campaign archive (a background job with a progress bar and
a permission-checked download) and for importing filled Word forms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from manyi.documents import archive, services
from manyi.documents.forms import ArchiveForm, ImportForm
from manyi.documents.importer import read_form
from manyi.documents.models import ArchiveJob, ArchiveState
from manyi.documents.permissions import get_archive_job_for_user, require
from manyi.documents.selfassessment import SELF_ASSESSMENT_PREFIX, SELF_ASSESSMENT_TITLES
from manyi.documents.views import safe_filename
from manyi.nominations.formspecs import FORMS

RECENT_JOBS = 20
SHEET_TITLES = {
    f"{SELF_ASSESSMENT_PREFIX}{kind}": f"附件1-{n} {title}"
    for n, (kind, title) in enumerate(SELF_ASSESSMENT_TITLES.items(), start=1)
}


def _shown(value: object) -> str:
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return "☑" if value else "☐"
    return str(value)


def _row(result: services.Imported) -> dict[str, object]:
    """A file of the report: its kind as the form's title, the fields as text."""
    reading = result.reading
    kind = reading.kind or ""
    title = f"{FORMS[kind].ref} {FORMS[kind].title}" if kind in FORMS else SHEET_TITLES.get(kind)
    return {
        "reading": reading,
        "title": title,
        "nomination": result.nomination,
        "refusal": result.refusal,
        "fields": [(label, _shown(value)) for label, value in reading.fields.items()],
    }


@login_required
@require_http_methods(["GET", "POST"])
def archives(request: HttpRequest) -> HttpResponse:
    """The archives built so far, and a form to start a new one."""
    require(request.user, "documents.archive_campaign")
    form = ArchiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        archive.start_archive(form.cleaned_data["campaign"], by=request.user)
        messages.success(request, _("The archive is being built; this page shows its progress."))
        return redirect("documents:archives")
    jobs = ArchiveJob.objects.select_related("campaign", "requested_by")[:RECENT_JOBS]
    status = 400 if request.method == "POST" else 200
    return render(request, "documents/archives.html", {"form": form, "jobs": jobs}, status=status)


@login_required
@require_safe
def archive_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """One job's row (polled by htmx until the job is finished)."""
    job = get_archive_job_for_user(request.user, pk)
    return render(request, "documents/_archive_job.html", {"job": job})


@login_required
@require_safe
def archive_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The finished .zip, streamed from outside the web root; an unfinished job's page
    instead."""
    job = get_archive_job_for_user(request.user, pk)
    if job.state != ArchiveState.DONE:
        return redirect("documents:archives")
    try:
        handle = archive.archive_path(job).open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = safe_filename(f"{job.campaign.year}年度评选归档-{job.pk}.zip")
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type="application/zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_forms(request: HttpRequest) -> HttpResponse:
    """Upload filled forms; each is read and reported, and each valid one kept as a draft of
    the chosen account (nothing half-imported: a savepoint a file, one commit)."""
    require(request.user, "documents.import_forms")
    form = ImportForm(request.POST or None, request.FILES or None)
    results = None
    if request.method == "POST" and form.is_valid():
        readings = [read_form(f, name=f.name) for f in form.cleaned_data["files"]]
        if form.cleaned_data["dry_run"]:
            results = [services.Imported(r) for r in readings]
        else:
            results = services.import_readings(
                readings,
                campaign=form.cleaned_data["campaign"],
                owner=form.cleaned_data["owner"],
            )
    context = {"form": form, "results": None if results is None else [_row(r) for r in results]}
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    return render(request, "documents/import.html", context, status=status)
