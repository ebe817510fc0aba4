"""The pages of panels, assignments and scoring: the secretariat's panels and assignment board,
the judges' tasks (评审任务), the scoring page, declaring a conflict (回避)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from manyi.accounts.models import Role, User
from manyi.accounts.permissions import is_judge, is_secretariat
from manyi.campaigns.models import Campaign, Category, CategoryKind, Rubric
from manyi.campaigns.scoring import band_for
from manyi.nominations.forms import ChineseDateField
from manyi.nominations.formspecs import FORMS
from manyi.nominations.models import Attachment, Nomination
from manyi.privacy.masking import visible_data
from manyi.reviews import assignments as assigning
from manyi.reviews import judging
from manyi.reviews.conflicts import visible_to_judge
from manyi.reviews.models import Assignment, Review, ReviewState

SELF_ASSESSED = {CategoryKind.INDIVIDUAL, CategoryKind.TEAM, CategoryKind.MANAGER}
TASKS_PAGE_SIZE = 50  # a judge may have hundreds of tasks (bench scenario 3: ≈ 330)
TASK_FILTERS = (("", "全部"), ("todo", "未开始"), ("draft", "草稿"), ("submitted", "已提交"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class MysteryVisitForm(forms.Form):
    visited_on = ChineseDateField(
        label="暗访日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.CharField(label="暗访地点", max_length=200, required=False)
    finding = forms.CharField(
        label="暗访发现", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


# --- access ---------------------------------------------------------------------------------------


def _secretariat_only(request: HttpRequest) -> None:
    if not is_secretariat(request.user):
        raise PermissionDenied("只有秘书处可以组织评审。")


def _judge_only(request: HttpRequest) -> None:
    if not is_judge(request.user):
        raise PermissionDenied("只有评审专家可以评审。")


def _category(pk: int) -> Category:
    """A judged category of the current campaign (404 otherwise)."""
    current = Campaign.objects.order_by("-year").values("pk")[:1]
    return get_object_or_404(
        Category.objects.select_related("campaign").exclude(kind=CategoryKind.COACHING_REQUEST),
        pk=pk,
        campaign_id=Subquery(current),
    )


def get_task_for_judge(judge: User, pk: int) -> Nomination:
    """The nomination if it is one of the judge's tasks (an active assignment, no conflict);
    404 otherwise, so a conflicted nomination stays unknown to the judge."""
    nomination = (
        visible_to_judge(Nomination.objects.all(), judge)
        .select_related("campaign", "category__rubric", "organization")
        .filter(pk=pk)
        .first()
    )
    if nomination is None:
        raise Http404
    return nomination


def _ids(values: list[str]) -> list[int]:
    """The ids among posted values (anything else is ignored, never a server error)."""
    return [int(v) for v in values if v.isdecimal() and len(v) < 19]  # fits a bigint


def _messages(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- the secretariat ------------------------------------------------------------------------------


@login_required
@require_safe
def panels(request: HttpRequest) -> HttpResponse:
    _secretariat_only(request)
    campaign = Campaign.objects.first()
    categories = list(
        Category.objects.filter(campaign=campaign)
        .exclude(kind=CategoryKind.COACHING_REQUEST)
        .prefetch_related("panels__judges")
        .order_by("position")
    )
    judges = list(
        User.objects.filter(role=Role.JUDGE, is_active=True)
        .select_related("organization")
        .order_by("display_name", "pk")
    )
    rows = []
    for category in categories:
        panel = next(iter(category.panels.all()), None)
        members = {j.pk for j in panel.judges.all()} if panel else set()
        rows.append((category, [(j, j.pk in members) for j in judges], len(members)))
    return render(request, "reviews/judging/panels.html", {"rows": rows, "campaign": campaign})


@login_required
@require_POST
def set_panel(request: HttpRequest, category_id: int) -> HttpResponse:
    _secretariat_only(request)
    category = _category(category_id)
    chosen = User.objects.filter(pk__in=_ids(request.POST.getlist("judges")))
    try:
        assigning.set_panel(category, judges=chosen, by=request.user)
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(request, f"已保存“{category.title}”评审组。")
    return redirect("reviews:panels")


@login_required
@require_safe
def assignments(request: HttpRequest, category_id: int) -> HttpResponse:
    _secretariat_only(request)
    category = _category(category_id)
    return render(
        request,
        "reviews/judging/assignments.html",
        {
            "board": assigning.board(category),
            "category": category,
            "default_per_nomination": assigning.DEFAULT_JUDGES_PER_NOMINATION,
        },
    )


@login_required
@require_POST
def auto_assign(request: HttpRequest, category_id: int) -> HttpResponse:
    _secretariat_only(request)
    category = _category(category_id)
    try:
        per_nomination = int(request.POST.get("per_nomination", ""))
    except ValueError:
        per_nomination = 0
    try:
        outcome = assigning.auto_assign(category, by=request.user, per_nomination=per_nomination)
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(request, f"已自动分配 {len(outcome.done)} 人次。")
        for message in outcome.refused:
            messages.warning(request, message)
    return redirect("reviews:assignments", category_id=category.pk)


@login_required
@require_POST
def assign(request: HttpRequest, category_id: int) -> HttpResponse:
    """Manual assignment: one judge to one nomination (a row's form) or to every ticked one."""
    _secretariat_only(request)
    category = _category(category_id)
    judge = User.objects.filter(pk__in=_ids([request.POST.get("judge", "")])).first()
    chosen = list(
        Nomination.objects.filter(
            category=category, pk__in=_ids(request.POST.getlist("nominations"))
        ).order_by("filed_at", "pk")
    )
    if judge is None or not chosen:
        messages.error(request, "请选择评审专家和要分配的申报。")
        return redirect("reviews:assignments", category_id=category.pk)
    outcome = assigning.assign_many(chosen, judge=judge, by=request.user)
    if outcome.done:
        messages.success(request, f"已将 {len(outcome.done)} 件申报分配给{judge}。")
    for message in outcome.refused:
        messages.error(request, message)
    return redirect("reviews:assignments", category_id=category.pk)


@login_required
@require_POST
def unassign(request: HttpRequest, assignment_id: int) -> HttpResponse:
    _secretariat_only(request)
    assignment = get_object_or_404(
        Assignment.objects.select_related("nomination", "judge"), pk=assignment_id
    )
    try:
        assigning.unassign(assignment, by=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(
            request, f"已撤销{assignment.judge}对“{assignment.nomination}”的评审任务。"
        )
    return redirect("reviews:assignments", category_id=assignment.nomination.category_id)


@login_required
@require_POST
def reopen_review(request: HttpRequest, review_id: int) -> HttpResponse:
    _secretariat_only(request)
    review = get_object_or_404(Review.objects.select_related("nomination", "judge"), pk=review_id)
    try:
        judging.reopen_review(review, by=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(request, f"已重新开放{review.judge}对“{review.nomination}”的评审意见。")
    return redirect("reviews:assignments", category_id=review.nomination.category_id)


@login_required
@require_POST
def finish_review(request: HttpRequest, category_id: int) -> HttpResponse:
    """Finish one nomination's review (`nomination` posted), or every complete one."""
    _secretariat_only(request)
    category = _category(category_id)
    if request.POST.get("nomination"):
        nomination = get_object_or_404(
            Nomination, pk__in=_ids([request.POST["nomination"]]), category=category
        )
        try:
            judging.finish_review(nomination, by=request.user)
        except ValidationError as error:
            _messages(request, error)
        else:
            messages.success(request, f"“{nomination}”评审完成。")
    else:
        finished = assigning.finish_complete(category, by=request.user)
        messages.success(request, f"已完成评审的申报：{len(finished)} 件。")
    return redirect("reviews:assignments", category_id=category.pk)


# --- the judges -----------------------------------------------------------------------------------


@login_required
@require_safe
def judge_tasks(request: HttpRequest) -> HttpResponse:
    """The judge's tasks, 50 a page, filtered by the state of their review (?state=)."""
    _judge_only(request)
    tasks = judging.tasks_of(request.user)
    counts = judging.task_counts(tasks)
    state = request.GET.get("state", "")
    if state not in judging.TASK_STATES:
        state = ""
    shown = judging.tasks_in_state(tasks, state).values(
        "pk", "title", "review_state", category_title=F("category__title")
    )
    paginator = Paginator(shown, TASKS_PAGE_SIZE)
    paginator.count = counts[state]  # known already: spares the paginator its COUNT query
    page = paginator.get_page(request.GET.get("page"))
    filters = [(key, label, counts[key]) for key, label in TASK_FILTERS]
    context = {
        "page": page,
        "page_query": f"state={state}" if state else "",
        "tasks": page.object_list,
        "state": state,
        "filters": filters,
    }
    return render(request, "reviews/judging/tasks.html", context)


def _sheet(post: QueryDict) -> judging.Sheet:
    points: dict[int, object] = {}
    for key, value in post.items():
        if key.startswith("score_") and key[6:].isdecimal():
            points[int(key[6:])] = value
    recommends = {"yes": True, "no": False}.get(post.get("recommends", ""))
    version = post.get("version", "")
    return judging.Sheet(
        points=points,
        comment=post.get("comment", ""),
        recommends=recommends,
        version=int(version) if version.isdecimal() and len(version) < 10 else None,
    )


def _rows(nomination: Nomination, rubric: Rubric | None, values: dict[int, str]) -> list[dict]:
    """One row a criterion: its item (first row of an item spans the item), bands, the
    applicant's self-score, what the judge typed or saved, and the band it falls in."""
    self_scores: dict[int, int] = {}
    if nomination.category.kind in SELF_ASSESSED:
        self_scores = dict(nomination.self_scores.values_list("criterion_id", "points"))
    rows = []
    for item in rubric.items.all() if rubric else []:
        criteria = list(item.criteria.all())
        for position, criterion in enumerate(criteria):
            value = values.get(criterion.pk, "")
            bands = list(criterion.bands.all())
            band = band_for(int(value), bands) if str(value).isdecimal() else None
            rows.append(
                {
                    "item": item,
                    "span": len(criteria) if position == 0 else 0,
                    "criterion": criterion,
                    "bands": bands,
                    "band": band,
                    "lines": criterion.description.splitlines(),
                    "self_score": self_scores.get(criterion.pk),
                    "value": value,
                    "key": f"score_{criterion.pk}",
                    "verification": item.name == judging.VERIFICATION_ITEM,
                    "presentation": item.name == judging.PRESENTATION_ITEM,
                }
            )
    return rows


def _others(nomination: Nomination, judge: User, rubric: Rubric | None) -> dict | None:
    """The other judges' submitted reviews, anonymised (专家1, 专家2 …): shown to a judge only
    once their own review is submitted."""
    reviews = list(
        Review.objects.filter(nomination=nomination, state=ReviewState.SUBMITTED)
        .exclude(judge=judge)
        .prefetch_related("scores")
        .order_by("submitted_at", "pk")
    )
    if not reviews:
        return None
    points = [{s.criterion_id: s.points for s in r.scores.all()} for r in reviews]
    return {
        "labels": [f"专家{number}" for number in range(1, len(reviews) + 1)],
        "rows": [
            (criterion, [p.get(criterion.pk) for p in points])
            for _item, criterion in judging.criteria_with_items(rubric)
        ],
        "totals": [sum(p.values()) for p in points],
        "opinions": [(f"专家{number}", review) for number, review in enumerate(reviews, start=1)],
    }


@login_required
@require_http_methods(["GET", "POST"])
def score(request: HttpRequest, pk: int) -> HttpResponse:
    _judge_only(request)
    nomination = get_task_for_judge(request.user, pk)
    review = Review.objects.filter(nomination=nomination, judge=request.user).first()
    rubric = judging.judging_rubric(nomination.category)
    errors: list[str] = []
    stale = False
    if request.method == "POST":
        sheet = _sheet(request.POST)
        submitting = "submit" in request.POST
        action = judging.submit_review if submitting else judging.save_scores
        try:
            action(nomination, judge=request.user, sheet=sheet)
        except ValidationError as error:
            errors = error.messages
            stale = getattr(error, "code", None) == "stale"
        else:
            messages.success(request, "评审意见已提交。" if submitting else "草稿已保存。")
            return redirect("reviews:score", pk=nomination.pk)
        values = {k: str(v) for k, v in sheet.points.items()}
        comment, recommends = sheet.comment, sheet.recommends
    else:
        values = {s.criterion_id: str(s.points) for s in review.scores.all()} if review else {}
        comment = review.comment if review else ""
        recommends = review.recommends if review else None
    submitted = review is not None and review.state == ReviewState.SUBMITTED
    achievement = nomination.category.kind == CategoryKind.ACHIEVEMENT
    rows = _rows(nomination, rubric, values)
    return render(
        request,
        "reviews/judging/score.html",
        {
            "nomination": nomination,
            "spec": FORMS[nomination.category.kind],
            # 个人信息: judging needs none of the sensitive fields (privacy.masking)
            "data": visible_data(
                request.user, nomination, FORMS[nomination.category.kind].fields, nomination.data
            ),
            "rubric": rubric,
            "rows": rows,
            "self_assessed": nomination.category.kind in SELF_ASSESSED,
            "total": sum(int(r["value"]) for r in rows if str(r["value"]).isdecimal()),
            "review": review,
            "submitted": submitted,
            "reopened": judging.reopen_reason(review) if review and not submitted else "",
            "comment": comment,
            "recommends": recommends,
            "errors": errors,
            "unit": nomination.category.kind == CategoryKind.UNIT,
            "achievement": achievement,
            "presenting": judging.presenting(nomination),
            "attachments": list(
                nomination.attachments.exclude(slot=judging.MYSTERY_VISIT_SLOT).order_by(
                    "slot", "pk"
                )
            ),
            "visits": list(
                nomination.mystery_visits.select_related("by").prefetch_related("evidence")
            )
            if achievement
            else [],
            "visit_form": MysteryVisitForm(),
            "others": _others(nomination, request.user, rubric) if submitted else None,
        },
        status=409 if stale else 200,  # a stale page: told, and what was typed kept
    )


@login_required
@require_POST
def mystery_visit(request: HttpRequest, pk: int) -> HttpResponse:
    _judge_only(request)
    nomination = get_task_for_judge(request.user, pk)
    form = MysteryVisitForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        judging.record_mystery_visit(
            nomination,
            by=request.user,
            visited_on=data.get("visited_on"),
            place=data.get("place", ""),
            finding=data.get("finding", ""),
            evidence=request.FILES.getlist("evidence"),
        )
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(request, "神秘客暗访记录已保存。")
    return redirect("reviews:score", pk=nomination.pk)


@login_required
@require_http_methods(["GET", "POST"])
def declare_conflict(request: HttpRequest, pk: int) -> HttpResponse:
    _judge_only(request)
    nomination = get_task_for_judge(request.user, pk)
    form = ReasonForm(request.POST or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            declared = assigning.declare_conflict(
                nomination, judge=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, declared.message)
            return redirect("reviews:judge_tasks")
    return render(
        request,
        "reviews/judging/declare_conflict.html",
        {"nomination": nomination, "form": form, "errors": errors},
    )


@login_required
@require_safe
def judge_file(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """A file of a nomination the judge scores: its attachments and the mystery visits'
    evidence. (The secretariat downloads through nominations:download.)"""
    _judge_only(request)
    nomination = get_task_for_judge(request.user, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_id, nomination=nomination)
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name
    )
