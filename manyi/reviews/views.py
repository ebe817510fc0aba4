"""The recommender's and the secretariat's pages: recommend or return; the formal check."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from manyi.accounts.models import Role
from manyi.accounts.permissions import is_secretariat
from manyi.nominations.models import Nomination
from manyi.nominations.permissions import get_nomination_for_user
from manyi.nominations.queries import assess
from manyi.reviews import services
from manyi.reviews.forms import EndorsementForm, FormalCheckForm, ReturnForm
from manyi.reviews.models import Endorsement
from manyi.reviews.queries import check_queue, quotas_of, recommender_queue


def _recommender_only(request: HttpRequest) -> None:
    if (
        request.user.role not in {Role.RECOMMENDER, Role.COMMITTEE}
        or not request.user.organization_id
    ):
        raise PermissionDenied("只有推荐单位和地区、行业用委可以推荐。")


def _secretariat_only(request: HttpRequest) -> None:
    if not is_secretariat(request.user):
        raise PermissionDenied("只有秘书处可以进行形式审查。")


@login_required
@require_safe
def recommend_list(request: HttpRequest) -> HttpResponse:
    _recommender_only(request)
    nominations = list(recommender_queue(request.user))
    return render(
        request,
        "reviews/recommend_list.html",
        {"nominations": nominations, "quotas": quotas_of(request.user.organization_id)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommend(request: HttpRequest, pk: int) -> HttpResponse:
    _recommender_only(request)
    nomination = get_nomination_for_user(request.user, pk)
    attestable = services.attestable(nomination)
    form = EndorsementForm(attestable=attestable)
    return_form = ReturnForm()
    if request.method == "POST":
        if "return" in request.POST:
            return_form = ReturnForm(request.POST)
            if return_form.is_valid():
                try:
                    services.return_to_applicant(
                        nomination, by=request.user, reasons=return_form.cleaned_data["reasons"]
                    )
                except ValidationError as error:
                    messages.error(request, "；".join(error.messages))
                else:
                    messages.success(request, "已退回申报人修改。")
                    return redirect("reviews:recommend_list")
        else:
            form = EndorsementForm(request.POST, request.FILES, attestable=attestable)
            if form.is_valid():
                try:
                    services.endorse(
                        nomination,
                        by=request.user,
                        opinion=form.cleaned_data["opinion"],
                        signer=form.cleaned_data["signer"],
                        seal=form.cleaned_data["seal"],
                        attested=form.attested(),
                    )
                except ValidationError as error:
                    for message in error.messages:
                        form.add_error(None, message)
                else:
                    messages.success(request, "已推荐。")
                    return redirect("reviews:recommend_list")
    return render(
        request,
        "reviews/recommend.html",
        {
            "nomination": nomination,
            "assessment": assess(nomination),
            "form": form,
            "return_form": return_form,
            "acting": nomination.state == "filed",
        },
    )


@login_required
@require_POST
def move(request: HttpRequest, endorsement_id: int) -> HttpResponse:
    _recommender_only(request)
    endorsement = get_object_or_404(
        Endorsement.objects.select_related("nomination"),
        pk=endorsement_id,
        organization_id=request.user.organization_id,
        withdrawn=False,
    )
    services.move_rank(endorsement, by=request.user, up=request.POST.get("direction") == "up")
    return redirect("reviews:recommend_list")


@login_required
@require_safe
def check_list(request: HttpRequest) -> HttpResponse:
    _secretariat_only(request)
    return render(request, "reviews/check_list.html", {"nominations": list(check_queue())})


@login_required
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, pk: int) -> HttpResponse:
    _secretariat_only(request)
    nomination = get_object_or_404(
        Nomination.objects.select_related("campaign", "category", "organization"), pk=pk
    )
    if request.method == "POST":
        form = FormalCheckForm(request.POST)
        if form.is_valid():
            try:
                result = services.formal_check(
                    nomination,
                    by=request.user,
                    items=form.checklist(),
                    notes=form.cleaned_data["notes"],
                    deadline=form.cleaned_data["deadline"],
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, f"形式审查：{result.get_outcome_display()}。")
                return redirect("reviews:check_list")
    else:
        form = FormalCheckForm(initial=services.suggested_checklist(nomination))
    return render(
        request,
        "reviews/check.html",
        {
            "nomination": nomination,
            "assessment": assess(nomination, filing=True),
            "endorsement": services.current_endorsements([nomination.pk])
            .select_related("seal")
            .first(),
            "form": form,
            "acting": nomination.state == "endorsed",
        },
    )


@login_required
@require_POST
def accept_many(request: HttpRequest) -> HttpResponse:
    _secretariat_only(request)
    chosen = [p for p in request.POST.getlist("nomination") if p.isdecimal() and len(p) < 19]
    if not chosen:
        messages.error(request, "请选择要批量受理的申报。")
        return redirect("reviews:check_list")
    nominations = Nomination.objects.filter(pk__in=chosen).select_related("campaign", "category")
    accepted, left = services.accept_many(nominations, by=request.user)
    messages.success(request, f"已受理 {len(accepted)} 件。")
    if left:
        messages.warning(request, "以下申报审查清单未全部符合，请逐件审查：" + "、".join(left))
    return redirect("reviews:check_list")


@login_required
@require_POST
def refuse_overdue(request: HttpRequest) -> HttpResponse:
    _secretariat_only(request)
    refused = services.refuse_overdue(by=request.user)
    messages.success(request, f"逾期未补正、不予受理的申报：{len(refused)} 件。")
    return redirect("reviews:check_list")
