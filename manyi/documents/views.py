"""Downloads of the forms, to print, sign and seal or to fill offline, and the page that checks
the verification code of a printed form. Every nomination is read through its access helper."""

import re
import unicodedata
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from manyi.accounts.permissions import is_secretariat
from manyi.campaigns.models import Campaign, Category
from manyi.documents import docx, layout, pdf, queries
from manyi.documents.digest import matches, parse_code, verification_code
from manyi.nominations.formspecs import FORMS
from manyi.nominations.models import Nomination
from manyi.nominations.permissions import get_nomination_for_user

UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|]+')


def safe_filename(name: str) -> str:
    """A file name that every system accepts: no path separators, quotes or control
    characters, white space collapsed."""
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    return " ".join(UNSAFE_IN_NAMES.sub("_", name).split())[:150]


def download(content: bytes, content_type: str, filename: str, fallback: str) -> HttpResponse:
    """A file to save, named in Chinese (RFC 5987 `filename*`, UTF-8) with an ASCII fallback
    for old clients; never cached by shared caches."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _bundle(request: HttpRequest, nomination: Nomination) -> tuple[list[layout.Sheet], layout.Mark]:
    """The sheets of a nomination and their mark: 草稿 while it can still change, else the
    verification code. Only the secretariat sees the judges' means beside the self-scores."""
    sheets = queries.nomination_sheets(nomination, judges=is_secretariat(request.user))
    if nomination.is_editable:
        return sheets, layout.Mark(draft=True)
    code = verification_code(nomination)
    url = request.build_absolute_uri(reverse("documents:verify", args=[code]))
    return sheets, layout.Mark(code=code, verify_url=url)


def _name(nomination: Nomination, extension: str) -> tuple[str, str]:
    spec = FORMS[nomination.category.kind]
    who = nomination.title or str(nomination.pk)
    return (
        safe_filename(f"{spec.ref}{spec.title}-{who}.{extension}"),
        f"nomination-{nomination.pk}.{extension}",
    )


@login_required
@require_safe
def form_docx(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = get_nomination_for_user(request.user, pk)
    sheets, mark = _bundle(request, nomination)
    return download(docx.render(sheets, mark), docx.CONTENT_TYPE, *_name(nomination, "docx"))


@login_required
@require_safe
def form_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = get_nomination_for_user(request.user, pk)
    sheets, mark = _bundle(request, nomination)
    content = pdf.render(sheets, mark, title=nomination.title)
    return download(content, pdf.CONTENT_TYPE, *_name(nomination, "pdf"))


@login_required
@require_safe
def blank_docx(request: HttpRequest, kind: str) -> HttpResponse:
    """A blank form of the newest campaign, to fill offline and upload."""
    campaign = Campaign.objects.order_by("-year").first()
    if kind not in queries.BLANK_KINDS or campaign is None:
        raise Http404
    try:
        sheets = queries.blank_sheets(kind, campaign)
    except Category.DoesNotExist:
        raise Http404 from None
    if not sheets:  # a self-assessment of a category without a rubric
        raise Http404
    name = safe_filename(f"{sheets[0].ref}{sheets[0].title}（空白）.docx")
    return download(
        docx.render(sheets, layout.Mark()), docx.CONTENT_TYPE, name, f"blank-{kind}.docx"
    )


@login_required
@require_safe
def verify_lookup(request: HttpRequest) -> HttpResponse:
    """The code as typed from the paper, sent to the page that checks it."""
    code = request.GET.get("code", "")
    parsed = parse_code(code) if code else None
    if parsed is not None:
        pk, digits = parsed
        groups = "-".join(digits[i : i + 4] for i in range(0, len(digits), 4))
        return redirect("documents:verify", code=f"{pk}-{groups}")
    status = 400 if code else 200
    return render(
        request, "documents/verify.html", {"code": code, "invalid": bool(code)}, status=status
    )


@login_required
@require_safe
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Whether a printed code is that of the nomination's current record: for the secretariat
    and those who may see the nomination (404 for others, as for the nomination itself)."""
    parsed = parse_code(code)
    if parsed is None:
        return render(request, "documents/verify.html", {"code": code, "invalid": True}, status=400)
    nomination = get_nomination_for_user(request.user, parsed[0])
    context = {
        "code": code,
        "nomination": nomination,
        "spec": FORMS[nomination.category.kind],
        "matches": matches(nomination, code),
    }
    return render(request, "documents/verify.html", context)
