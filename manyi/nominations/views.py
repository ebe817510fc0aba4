"""The applicant's pages: their filings, a form of each kind, autosave, uploads, filing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from manyi.campaigns.models import Campaign, Category, Rubric
from manyi.campaigns.phases import filing_window
from manyi.nominations import services
from manyi.nominations.forms import HonourForm, read_form
from manyi.nominations.formspecs import FORMS
from manyi.nominations.models import (
    Attachment,
    Honour,
    Nomination,
    NominationState,
)
from manyi.nominations.permissions import can_file, get_nomination_for_user, may_see_attachment
from manyi.nominations.queries import assess, criteria_of, nominations_of, rubric_for
from manyi.privacy.masking import visible_data


def htmx_login_required(view):
    """login_required, but an htmx request whose session expired gets a 401 fragment that
    says so, instead of the login page swapped into the form (the page keeps what was typed)."""
    wrapped = login_required(view)

    def check(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.htmx and not request.user.is_authenticated:
            login = f"{reverse('accounts:login')}?next={request.htmx.current_url_abs_path or ''}"
            return render(
                request, "nominations/_session_expired.html", {"login": login}, status=401
            )
        return wrapped(request, *args, **kwargs)

    return check


@login_required
@require_safe
def my_nominations(request: HttpRequest) -> HttpResponse:
    campaign = Campaign.objects.first()
    categories = list(campaign.categories.all()) if campaign else []
    return render(
        request,
        "nominations/list.html",
        {
            "nominations": nominations_of(request.user),
            "categories": [c for c in categories if can_file(request.user, c)],
        },
    )


def _context(
    nomination: Nomination,
    data: dict[str, str],
    *,
    filing: bool = False,
    rubric: Rubric | None = None,
    **extra,
):
    """What the form's page and its fragments show; `rubric`: the category's self-assessment
    rubric tree when the caller has loaded it already."""
    spec = FORMS[nomination.category.kind]
    if rubric is None:
        rubric = rubric_for(nomination.category)
    attachments = list(nomination.attachments.all()) if nomination.pk else []
    honours = list(nomination.honours.select_related("scan")) if nomination.pk else []
    assessment = assess(
        nomination,
        data=data,
        rubric=rubric,
        attachments=attachments,
        honours=len(honours),
        filing=filing,
    )
    opens, closes = filing_window(nomination.campaign, nomination.category.kind)
    returned = None
    if nomination.state == NominationState.RETURNED:
        returned = nomination.transitions.select_related("by").order_by("-at", "-pk").first()
    return {
        "returned": returned,
        "spec": spec,
        "nomination": nomination,
        "data": data,
        "rubric": rubric,
        "assessment": assessment,
        "attachments": attachments,
        "honours": honours,
        "honour_form": HonourForm(prefix="honour"),
        "window": (opens, closes),
        "today": timezone.localdate(),
        **extra,
    }


def _save(request: HttpRequest, nomination: Nomination) -> HttpResponse:
    """Save the posted form into the draft; htmx gets the autosave fragment, a plain post the
    page again with every problem shown next to its field, nothing typed lost."""
    rubric = rubric_for(nomination.category)
    ids = [pk for pk, _name, _max in criteria_of(rubric)]
    data, notices = read_form(FORMS[nomination.category.kind], request.POST, ids)
    created = nomination.pk is None
    # A save of an existing draft must say which version it edits: a post without it (not from
    # the form) could otherwise replace what was typed with nothing.
    version = None if created else (_int(request.POST.get("version")) or 0)
    try:
        if created:
            nomination = services.start_nomination(nomination.category, by=request.user)
        nomination = services.save_draft(nomination, data, by=request.user, version=version)
    except services.StaleDraft as error:
        if request.htmx:
            return render(
                request, "nominations/_stale.html", {"message": error.messages[0]}, status=409
            )
        messages.error(request, error.messages[0])
        context = _context(nomination, data, rubric=rubric, stale=True)
        return render(request, "nominations/form.html", context, status=409)
    context = _context(
        nomination,
        data,
        rubric=rubric,
        notices=notices,
        created=created,
        saved_at=timezone.localtime(),
    )
    if request.htmx:
        response = render(request, "nominations/_autosave.html", context)
        if created:
            response["HX-Replace-Url"] = reverse("nominations:edit", args=[nomination.pk])
        return response
    messages.success(request, "草稿已保存。")
    return redirect("nominations:edit", pk=nomination.pk)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdecimal() else None


@htmx_login_required
def new(request: HttpRequest, kind: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.order_by("-year")[:1])
    category = get_object_or_404(
        Category.objects.select_related("campaign", "rubric"), campaign=campaign, kind=kind
    )
    if not can_file(request.user, category):
        raise PermissionDenied("您的账号不能填写此类申报表。")
    nomination = Nomination(campaign=campaign, category=category, applicant=request.user)
    if request.method == "POST":
        return _save(request, nomination)
    return render(request, "nominations/form.html", _context(nomination, {}))


@htmx_login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = get_nomination_for_user(request.user, pk)
    if not (
        nomination.is_editable
        and request.user.has_perm("nominations.change_nomination", nomination)
    ):
        return redirect("nominations:detail", pk=pk)
    if request.method == "POST":
        return _save(request, nomination)
    return render(request, "nominations/form.html", _context(nomination, nomination.data))


@login_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = get_nomination_for_user(request.user, pk)
    context = _context(nomination, nomination.data)
    # 个人信息: the sensitive fields as this user may see them (privacy.masking)
    context["data"] = visible_data(
        request.user, nomination, context["spec"].fields, context["data"]
    )
    context["self_scores"] = {s.criterion_id: s.points for s in nomination.self_scores.all()}
    context["signatures"] = list(nomination.signatures.all())
    context["transitions"] = list(nomination.transitions.select_related("by"))
    return render(request, "nominations/detail.html", context)


@login_required
@require_POST
def file(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = get_nomination_for_user(request.user, pk)
    if not nomination.is_editable:
        messages.info(request, "此申报已提交。")
        return redirect("nominations:detail", pk=pk)
    try:
        services.file_nomination(nomination, by=request.user, ip=request.META.get("REMOTE_ADDR"))
    except services.FilingRefused as refused:
        messages.error(request, "尚不能提交，请按提示修改后再提交。")
        context = _context(nomination, nomination.data, filing=True, refused=refused.messages)
        return render(request, "nominations/form.html", context, status=400)
    except ValidationError as error:  # outside the filing window
        messages.error(request, "；".join(error.messages))
        return redirect("nominations:edit", pk=pk)
    messages.success(request, "申报已提交。")
    return redirect("nominations:detail", pk=pk)


@htmx_login_required
@require_POST
def upload(request: HttpRequest, pk: int, slot: str) -> HttpResponse:
    nomination = get_nomination_for_user(request.user, pk, edit=True)
    if slot not in {s.code for s in FORMS[nomination.category.kind].attachments}:
        raise Http404
    upload = request.FILES.get(f"upload-{slot}")
    error = None
    if upload is None:
        error = "请先选择要上传的文件。"
    else:
        try:
            services.add_attachment(nomination, slot, upload, by=request.user)
        except ValidationError as refused:
            error = "；".join(refused.messages)
    return _attachments(request, nomination, {slot: error})


@htmx_login_required
@require_POST
def delete_attachment(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    nomination = get_nomination_for_user(request.user, pk, edit=True)
    attachment = get_object_or_404(Attachment, pk=attachment_id, nomination=nomination)
    error = None
    try:
        services.remove_attachment(attachment, by=request.user)
    except ValidationError as refused:
        error = "；".join(refused.messages)
    return _attachments(request, nomination, {attachment.slot: error})


def _attachments(request: HttpRequest, nomination: Nomination, errors: dict) -> HttpResponse:
    context = _context(nomination, nomination.data, upload_errors=errors)
    if request.htmx:
        return render(request, "nominations/_attachments.html", context)
    return redirect("nominations:edit", pk=nomination.pk)


@login_required
@require_safe
def download(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    nomination = get_nomination_for_user(request.user, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_id, nomination=nomination)
    if not may_see_attachment(request.user, attachment):
        raise Http404
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name
    )


@htmx_login_required
@require_POST
def add_honour(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = get_nomination_for_user(request.user, pk, edit=True)
    form = HonourForm(request.POST, request.FILES, prefix="honour")
    if form.is_valid():
        try:
            services.add_honour(nomination, **form.cleaned_data, by=request.user)
            form = HonourForm(prefix="honour")
        except ValidationError as refused:
            form.add_error("scan", refused)
    context = _context(nomination, nomination.data)
    context["honour_form"] = form
    if request.htmx:
        return render(request, "nominations/_honours.html", context)
    return redirect("nominations:edit", pk=pk)


@htmx_login_required
@require_POST
def delete_honour(request: HttpRequest, pk: int, honour_id: int) -> HttpResponse:
    nomination = get_nomination_for_user(request.user, pk, edit=True)
    services.remove_honour(
        get_object_or_404(Honour, pk=honour_id, nomination=nomination), by=request.user
    )
    context = _context(nomination, nomination.data)
    if request.htmx:
        return render(request, "nominations/_honours.html", context)
    return redirect("nominations:edit", pk=pk)
