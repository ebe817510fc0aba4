"""The secretariat's pages for the end of the review (ranking, proposals, decisions, notice,
objections, results) and the public pages (notice, objection, results, verification).

Each view: decorators, access check, form, one service call, redirect or render. The forms live
here because only these pages use them.
"""

from decimal import Decimal
from html import escape
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.forms.utils import flatatt
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from manyi.accounts.models import Organization
from manyi.accounts.permissions import is_secretariat
from manyi.campaigns.models import Campaign, Category, CategoryKind
from manyi.core.middleware import client_ip
from manyi.nominations.forms import ChineseDateField
from manyi.nominations.models import NominationState
from manyi.reviews import objections, ranking, results, throttle
from manyi.reviews.models import Decision, Objection, ObjectionEvidence, PublicNotice

STATE_CHOICES = [("", "全部状态")] + [(state.value, state.label) for state in ranking.RANKED_STATES]
LAST_PAGE = 10**9  # past any page: the last page is shown
SORTABLE = ("rank", "title", "organization", "state", "self_score", "spread")  # the columns


def _secretariat_only(request: HttpRequest) -> None:
    if not is_secretariat(request.user):
        raise PermissionDenied(results.SECRETARIAT_ONLY)


def _newest_campaign() -> Campaign:
    campaign = Campaign.objects.first()
    if campaign is None:
        raise Http404
    return campaign


def _category(category_id: int) -> Category:
    return get_object_or_404(
        Category.objects.select_related("campaign").exclude(kind=CategoryKind.COACHING_REQUEST),
        pk=category_id,
    )


# --- forms ---------------------------------------------------------------------------------


class PlainSelect(forms.Select):
    """A <select> written in one pass: Django draws each option through a template (about a
    quarter of a millisecond each; a ranking of 10,000 nominations lists 200 organizations)."""

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> str:
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if str(key) in chosen else "", label)
                for key, label in self.choices
            ),
        )
        final = {**self.build_attrs(self.attrs, attrs), "name": name}
        return format_html("<select{}>{}</select>", flatatt(final), options)


class RankingFilterForm(forms.Form):
    state = forms.ChoiceField(label="状态", choices=STATE_CHOICES, required=False)
    organization = forms.TypedChoiceField(
        label="所在组织", coerce=int, required=False, widget=PlainSelect
    )
    sort = forms.ChoiceField(
        label="排序",
        choices=[(key, key) for key in ranking.SORTS],
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: Any, organizations: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [("", "全部组织")] + [  # type: ignore[attr-defined]
            (o.pk, o.name) for o in organizations
        ]

    def condition(self) -> Q | None:
        if not self.is_valid():
            return None
        condition = Q()
        if self.cleaned_data["state"]:
            condition &= Q(state=self.cleaned_data["state"])
        if self.cleaned_data["organization"]:
            condition &= Q(organization_id=self.cleaned_data["organization"])
        return condition or None

    def ordering(self) -> str:
        return (self.cleaned_data.get("sort") if self.is_valid() else "") or "rank"


class ProposeForm(forms.Form):
    mode = forms.ChoiceField(
        label="提出方式",
        choices=[("quota", "按名额（排名前 N 名）"), ("threshold", "按分数线（综合得分不低于）")],
        widget=forms.RadioSelect,
        initial="quota",
    )
    quota = forms.IntegerField(label="名额 N", min_value=1, required=False)
    threshold = forms.DecimalField(
        label="分数线",
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        required=False,
    )

    def choice(self) -> dict[str, Any]:
        if self.cleaned_data["mode"] == "quota":
            return {"quota": self.cleaned_data["quota"]}
        return {"threshold": self.cleaned_data["threshold"]}


class DecisionForm(forms.Form):
    decided_on = ChineseDateField(label="决定日期", widget=forms.DateInput(attrs={"type": "date"}))
    votes_for = forms.IntegerField(label="赞成票", min_value=0)
    votes_against = forms.IntegerField(label="反对票", min_value=0, initial=0)
    abstentions = forms.IntegerField(label="弃权票", min_value=0, initial=0)
    minutes = forms.FileField(label="会议纪要（PDF、图片或 Word 文件）", required=False)


class NoticeForm(forms.Form):
    starts_on = ChineseDateField(
        label="公示开始日期", widget=forms.DateInput(attrs={"type": "date"})
    )
    working_days = forms.IntegerField(label="公示期（工作日）", min_value=1, max_value=60)


class ObjectionDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="处理结果",
        choices=[("dismissed", "异议不成立"), ("upheld", "异议成立（不予表彰）")],
        widget=forms.RadioSelect,
    )
    investigation = forms.CharField(
        label="调查核实情况", widget=forms.Textarea(attrs={"rows": 6}), required=False
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); each is checked by the
    service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


class ObjectionForm(forms.Form):
    """The public objection form. Every field is checked by `objections.lodge_objection`, which
    gives the seed's reasons in Chinese; the form keeps what was typed."""

    nomination = forms.IntegerField(label="异议对象", required=False, widget=forms.Select)
    name = forms.CharField(label="真实姓名", max_length=100, required=False)
    contact = forms.CharField(
        label="联系方式（手机、固定电话或电子邮箱）", max_length=200, required=False
    )
    grounds = forms.CharField(
        label="异议的事实和理由", widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    evidence = MultipleFileField(
        label="证明材料（PDF、图片或 Word 文件，最多 10 个，每个不超过 10 MB）", required=False
    )

    def __init__(self, *args: Any, listed: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nomination"].widget.choices = [("", "请选择")] + [
            (row["pk"], f"{row['category']}：{row['name']}（{row['organization']}）")
            for row in listed
        ]


class VerifyForm(forms.Form):
    number = forms.CharField(label="证书编号", max_length=40, required=False)


# --- the secretariat: ranking ----------------------------------------------------------------


@login_required
@require_safe
def ranking_index(request: HttpRequest) -> HttpResponse:
    """The categories of the newest campaign, each with the size of its ranking."""
    _secretariat_only(request)
    campaign = Campaign.objects.first()
    categories = []
    if campaign is not None:
        categories = list(
            campaign.categories.exclude(kind=CategoryKind.COACHING_REQUEST)
            .annotate(
                ranked=Count("nominations", filter=Q(nominations__state__in=ranking.RANKED_STATES))
            )
            .order_by("position")
        )
    return render(
        request,
        "reviews/results/index.html",
        {"campaign": campaign, "categories": categories},
    )


def _ranking_context(request: HttpRequest, category: Category, *, paged: bool) -> dict[str, Any]:
    organizations = list(
        Organization.objects.filter(pk__in=ranking.standing_organizations(category))
        .only("id", "name")
        .order_by("name")
    )
    form = RankingFilterForm(request.GET or None, organizations=organizations)
    condition = form.condition()
    # One query for the order and the ranks (over the kept standings), then the rows shown.
    page = None
    if paged:
        # the page's rows only, with the number of rows in all (the paginator counts nothing)
        order, count, number = ranking.ordered_page(
            category, condition, form.ordering(), _page_number(request.GET.get("page"))
        )
        page = Paginator(range(count), ranking.PAGE_SIZE).get_page(number)
    else:
        order = ranking.ordered(category, condition, form.ordering())
    ranks = dict(order)
    ids = [pk for pk, _ in order]
    if paged:
        nominations = ranking.in_order(category, ids)
    else:
        queryset = ranking.standings(category, kept=True).order_by()
        if condition is not None:
            queryset = queryset.filter(condition)
        position = {pk: index for index, pk in enumerate(ids)}
        nominations = sorted(queryset, key=lambda n: position.get(n.pk, len(position)))
    criteria = ranking.criteria_of(category)
    rows = ranking.rows_of(nominations, category, ranks=ranks, criteria=criteria, kept=True)
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "campaign": category.campaign,
        "category": category,
        "form": form,
        "rows": rows,
        "table_body": _table_body(rows, is_unit=category.kind == CategoryKind.UNIT),
        "criteria": criteria,
        "is_unit": category.kind == CategoryKind.UNIT,
        "page": page,
        "paged": paged,
        "sort_links": _sort_links(request, form.ordering()),
        "page_query": query.urlencode(),
        "threshold": category.campaign.spread_threshold,
    }


def _table_body(rows: list[ranking.Row], *, is_unit: bool) -> str:
    """The rows of the ranking table as HTML, every text escaped. Written here rather than in
    the template: Django's template engine takes about a tenth of a millisecond a cell, and the
    printed ranking of 1,000 nominations has 15,000 cells (150 ms; this takes a few)."""
    state_labels = {value: str(label) for value, label in NominationState.choices}
    lines = []
    for row in rows:
        n = row.nomination
        cells = [
            "—" if row.rank is None else str(row.rank),
            escape(row.name or "（未填写名称）"),
            escape(n.organization.name),
            f'<span class="state state-{escape(n.state)}">'
            f"{escape(state_labels.get(n.state, n.state))}</span>",
        ]
        if is_unit:
            cells += [
                str(row.judges),
                str(row.recommends) if row.judges else "—",
                escape(row.tie_break_shown),
            ]
        else:
            spread = "—" if row.spread is None else str(row.spread)
            if row.spread is not None and row.flagged:
                spread += ' <strong class="error">分歧较大</strong>'
            cells += [
                "—" if row.self_score is None else str(row.self_score),
                str(row.judges),
                escape(row.aggregate_shown),
                escape(row.tie_break_shown),
                spread,
                *(escape(mean) for mean in row.means_shown),
            ]
        lines.append("    <tr>\n" + "".join(f"      <td>{cell}</td>\n" for cell in cells))
        lines.append("    </tr>\n")
    return mark_safe("".join(lines))  # noqa: S308 (every text above is escaped)


def _page_number(text: str | None) -> int:
    """The page asked for: a whole number from 1 (anything else: the first; "last": the last,
    as Django's paginator reads it)."""
    if text == "last":
        return LAST_PAGE
    try:
        return min(max(1, int(text or 1)), LAST_PAGE)
    except ValueError:
        return 1


def _sort_links(request: HttpRequest, current: str) -> dict[str, str]:
    """The query string of each column's sort link: the same filters, the column's order
    (reversed when it is the current one)."""
    links = {}
    for key in SORTABLE:
        query = request.GET.copy()
        query.pop("page", None)
        reverse = f"-{key}"
        query["sort"] = reverse if current == key and reverse in ranking.SORTS else key
        links[key] = query.urlencode()
    return links


@login_required
@require_safe
def ranking_page(request: HttpRequest, category_id: int) -> HttpResponse:
    """Every row of a category's ranking on one page, to print."""
    _secretariat_only(request)
    category = _category(category_id)
    context = _ranking_context(request, category, paged=False)
    return render(request, "reviews/results/ranking.html", context)


@login_required
@require_safe
def ranking_paged(request: HttpRequest, category_id: int) -> HttpResponse:
    """A category's ranking, 50 rows a page."""
    _secretariat_only(request)
    category = _category(category_id)
    context = _ranking_context(request, category, paged=True)
    return render(request, "reviews/results/ranking.html", context)


# --- the secretariat: proposals and decisions ------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, category_id: int) -> HttpResponse:
    _secretariat_only(request)
    category = _category(category_id)
    form = ProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposed = results.propose(category, by=request.user, **form.choice())
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            names = "、".join(n.locked_name or n.title for n in proposed)
            messages.success(request, f"已提出拟表彰 {len(proposed)} 件：{names}。")
            return redirect("reviews:propose", category_id=category.pk)
    return render(
        request,
        "reviews/results/propose.html",
        {
            "category": category,
            "campaign": category.campaign,
            "form": form,
            "rows": results.candidates(category),
            "is_unit": category.kind == CategoryKind.UNIT,
            "decisions": category.decisions.order_by("-recorded_at"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision(request: HttpRequest, category_id: int) -> HttpResponse:
    _secretariat_only(request)
    category = _category(category_id)
    form = DecisionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recorded = results.record_decision(
                category,
                by=request.user,
                decided_on=data["decided_on"],
                votes_for=data["votes_for"],
                votes_against=data["votes_against"] or 0,
                abstentions=data["abstentions"] or 0,
                minutes=data["minutes"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            verdict = "通过" if results.passes(recorded) else "未通过"
            messages.success(request, f"已记录评审委员会的决定（{verdict}）。")
            return redirect("reviews:propose", category_id=category.pk)
    return render(
        request,
        "reviews/results/decision.html",
        {"category": category, "campaign": category.campaign, "form": form},
    )


@login_required
@require_safe
def decision_minutes(request: HttpRequest, pk: int) -> FileResponse:
    _secretariat_only(request)
    recorded = get_object_or_404(Decision.objects.exclude(minutes=""), pk=pk)
    extension = recorded.minutes.name.rsplit(".", 1)[-1]
    return FileResponse(
        recorded.minutes.open("rb"),
        as_attachment=True,
        filename=f"评审委员会会议纪要-{recorded.category_id}-{recorded.decided_on}.{extension}",
    )


# --- the secretariat: the notice, objections, results ----------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def notice_admin(request: HttpRequest) -> HttpResponse:
    """The notice of the newest campaign: open it, follow its objections, publish the results."""
    _secretariat_only(request)
    campaign = _newest_campaign()
    notice = PublicNotice.objects.filter(campaign=campaign).first()
    form = NoticeForm(
        request.POST or None,
        initial={"starts_on": "", "working_days": campaign.notice_working_days},
    )
    if request.method == "POST" and notice is None and form.is_valid():
        try:
            notice = results.open_notice(
                campaign,
                by=request.user,
                starts_on=form.cleaned_data["starts_on"],
                working_days=form.cleaned_data["working_days"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "公示已发布。")
            return redirect("reviews:notice_admin")
    objections = (
        notice.objections.select_related("nomination__category").order_by("lodged_at")
        if notice
        else []
    )
    return render(
        request,
        "reviews/results/notice_admin.html",
        {
            "campaign": campaign,
            "notice": notice,
            "form": form,
            "objections": objections,
            "proposed": campaign.nominations.filter(state=NominationState.PROPOSED)
            .select_related("category", "organization")
            .order_by("category__position", "pk"),
            "published": results.winners(campaign),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def objection(request: HttpRequest, pk: int) -> HttpResponse:
    """An objection with the objector's contact (the secretariat only) and its decision."""
    _secretariat_only(request)
    item = get_object_or_404(
        Objection.objects.select_related(
            "nomination__category", "nomination__organization", "nomination__applicant"
        ),
        pk=pk,
    )
    form = ObjectionDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = objections.decide_objection(
                item,
                by=request.user,
                upheld=form.cleaned_data["outcome"] == "upheld",
                investigation=form.cleaned_data["investigation"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"异议已处理：{item.get_status_display()}。")
            for warning in objections.not_told(item):
                messages.warning(request, warning)
            return redirect("reviews:objection", pk=item.pk)
    return render(
        request,
        "reviews/results/objection.html",
        {"objection": item, "evidence": item.evidence.all(), "form": form},
    )


@login_required
@require_safe
def objection_evidence(request: HttpRequest, pk: int, evidence_id: int) -> FileResponse:
    _secretariat_only(request)
    item = get_object_or_404(ObjectionEvidence, pk=evidence_id, objection_id=pk)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name)


@login_required
@require_POST
def publish(request: HttpRequest) -> HttpResponse:
    _secretariat_only(request)
    campaign = _newest_campaign()
    try:
        awards = results.publish_results(campaign, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"评选结果已发布：表彰 {len(awards)} 件。")
    return redirect("reviews:notice_admin")


# --- public pages (no login) -----------------------------------------------------------------


@require_safe
def public_notice(request: HttpRequest) -> HttpResponse:
    """公示: the proposed winners (name, organization, category) while the notice is up."""
    notice = results.newest_notice()
    today = timezone.localdate()
    state = "none"  # no notice yet, or not started
    if notice is not None and results.is_open(notice, today):
        state = "open"
    elif notice is not None and today > notice.ends_on:
        state = "ended"
    return render(
        request,
        "public/notice.html",
        {
            "notice": notice,
            "state": state,
            "listed": results.noticed(notice) if state == "open" else [],
        },
    )


@require_http_methods(["GET", "POST"])
def lodge_objection(request: HttpRequest) -> HttpResponse:
    """异议: anyone may object while the notice is up, under a real name with a contact."""
    notice = results.newest_notice()
    today = timezone.localdate()
    listed = results.noticed(notice) if notice and results.is_open(notice, today) else []
    form = ObjectionForm(request.POST or None, request.FILES or None, listed=listed)
    limited = None
    if request.method == "POST":
        limited = throttle.objection_post(client_ip(request) or "unknown")
        if limited is None and form.is_valid() and form.cleaned_data["contact"].strip():
            limited = throttle.objection_contact(form.cleaned_data["contact"])
        if limited is not None:
            form.is_valid()  # bound, so the page shows what was typed
            form.add_error(None, limited.message)
    if request.method == "POST" and limited is None and form.is_valid():
        if notice is None:
            form.add_error(None, "目前没有正在进行的公示，不受理异议。")
        else:
            data = form.cleaned_data
            try:
                objections.lodge_objection(
                    notice,
                    nomination_id=data["nomination"] or None,
                    name=data["name"],
                    contact=data["contact"],
                    grounds=data["grounds"],
                    evidence=data["evidence"],
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                throttle.objection_lodged(data["contact"])
                return render(request, "public/objection_received.html", {"notice": notice})
    return render(
        request,
        "public/objection.html",
        {"notice": notice, "form": form, "open": bool(listed)},
        status=429 if limited else 200,
    )


@require_safe
def public_results(request: HttpRequest) -> HttpResponse:
    """表彰结果: the winners of the newest published campaign (or ?year=), by category."""
    campaigns = list(results.published_campaigns())
    year = request.GET.get("year", "")
    campaign = next((c for c in campaigns if str(c.year) == year), None) or (
        campaigns[0] if campaigns else None
    )
    winners = results.winners(campaign) if campaign else []
    by_category: dict[str, list[dict[str, Any]]] = {}
    for winner in winners:
        by_category.setdefault(winner["category"], []).append(winner)
    return render(
        request,
        "public/results.html",
        {"campaign": campaign, "campaigns": campaigns, "by_category": by_category},
    )


@require_safe
def verify(request: HttpRequest) -> HttpResponse:
    """证书查验: is certificate N genuine? The name, organization, title and year only."""
    form = VerifyForm(request.GET or None)
    number = ""
    found = None
    if form.is_valid() and form.cleaned_data["number"].strip():
        number = form.cleaned_data["number"].strip()
        found = results.verify_certificate(number)
    return render(request, "public/verify.html", {"form": form, "number": number, "found": found})
