"""Registration with consent, the privacy notice, a person's own data (consents, withdrawal,
download), and the secretariat's erasure after the retention period."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import Max, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from manyi.accounts.models import User
from manyi.privacy import erasure, services
from manyi.privacy.consents import NOTICE_VERSION, Purpose, notice_text, retention_years
from manyi.privacy.forms import RegistrationForm
from manyi.privacy.models import Consent
from manyi.privacy.personal_data import personal_data_zip
from manyi.privacy.queries import consents_of

PAGE = 200


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("campaigns:home")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.register_applicant(
                username=data["username"],
                password=data["password1"],
                display_name=data["display_name"].strip(),
                mobile=data["mobile"],
                email=data["email"],
                organization=data["organization"],
                consent=data["consent"],
                ip=client_ip(request),
            )
        except ValidationError as refused:
            if hasattr(refused, "error_dict"):
                for field, errors in refused.error_dict.items():
                    target = "password1" if field == "password" else field
                    if target not in form.fields:
                        target = None
                    for error in errors:
                        form.add_error(target, error)
            else:  # the password validators
                form.add_error("password1", refused)
        except IntegrityError:  # the same login name registered a moment ago
            form.add_error("username", "该登录名已被使用，请换一个。")
        else:
            messages.success(request, "注册成功，请登录。登录后即可在“我的申报”中填写申报表。")
            return redirect("accounts:login")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "privacy/register.html",
        {"form": form, "notice": notice_text(), "version": NOTICE_VERSION},
        status=status,
    )


@require_safe
def notice(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "privacy/notice.html",
        {"notice": notice_text(), "version": NOTICE_VERSION, "years": retention_years()},
    )


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("privacy.download_personal_data"):
        raise PermissionDenied
    consents = consents_of(request.user)
    return render(
        request,
        "privacy/mine.html",
        {
            "consents": consents,
            "withdrawable": {
                c.pk
                for c in consents
                if c.purpose == Purpose.PUBLICATION
                and c.withdrawn_at is None
                and c.nomination.state not in services.PUBLISHED_STATES
            },
            "erasable_on": erasure.erasable_on(request.user),
        },
    )


@login_required
@require_safe
def download(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("privacy.download_personal_data"):
        raise PermissionDenied
    content = personal_data_zip(request.user)
    name = f"personal-data-{request.user.pk}-{timezone.localdate():%Y%m%d}.zip"
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    consent = get_object_or_404(Consent.objects.select_related("nomination"), pk=pk)
    if not request.user.has_perm("privacy.withdraw_consent", consent):
        raise Http404
    try:
        services.withdraw_consent(consent, by=request.user)
    except ValidationError as refused:
        messages.error(request, "；".join(refused.messages))
    else:
        messages.success(request, "已撤回公开姓名的同意：公示和结果将只显示姓氏。")
    return redirect("privacy:mine")


@login_required
@require_safe
def people(request: HttpRequest) -> HttpResponse:
    """The secretariat's list of accounts, with the day each may be erased."""
    if not request.user.has_perm("privacy.erase_personal_data"):
        raise PermissionDenied("只有秘书处可以删除个人信息。")
    query = request.GET.get("q", "").strip()[:100]
    users = User.objects.select_related("organization").annotate(
        changed=Max("nominations__updated_at"), awarded=Max("nominations__award__published_at")
    )
    if query:
        users = users.filter(
            Q(display_name__icontains=query)
            | Q(username__icontains=query)
            | Q(email__icontains=query)
            | Q(mobile__icontains=query)
        )
    today = timezone.localdate()
    rows = []
    for user in users.order_by("display_name", "pk")[:PAGE]:
        day = erasure.erasable_from(user, user.changed, user.awarded)
        rows.append(
            {"user": user, "day": day, "due": day <= today, "erased": erasure.is_erased(user)}
        )
    return render(request, "privacy/people.html", {"rows": rows, "q": query})


@login_required
@require_POST
def erase(request: HttpRequest, user_id: int) -> HttpResponse:
    if not request.user.has_perm("privacy.erase_personal_data"):
        raise PermissionDenied("只有秘书处可以删除个人信息。")
    person = get_object_or_404(User, pk=user_id)
    try:
        done = erasure.erase_personal_data(person, by=request.user)
    except ValidationError as refused:
        messages.error(request, "；".join(refused.messages))
    else:
        messages.success(
            request,
            f"已删除个人信息：申报{done.nominations}份，文件{done.files}个；"
            f"同意记录{done.consents}项已匿名保留。",
        )
    return redirect("privacy:people")
