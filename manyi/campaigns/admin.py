"""The secretariat's admin for campaigns, categories and rubrics.

Every rubric edit is checked by the rubric validator as the whole rubric would stand after it,
and refused while the campaign has filed nominations (services.ensure_rubric_editable).
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from manyi.audit.adminmixins import AuditedAdminMixin
from manyi.campaigns.models import Band, Campaign, Category, Criterion, Rubric, RubricItem
from manyi.campaigns.queries import spec_with_changes
from manyi.campaigns.rubrics import validate_rubric
from manyi.campaigns.services import ensure_rubric_editable, revise, rubric_is_locked


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0
    fields = [
        "position",
        "kind",
        "title",
        "form_ref",
        "filer_role",
        "rubric",
        "self_score_threshold",
    ]


@admin.register(Campaign)
class CampaignAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["year", "title", "filing_opens", "filing_closes", "published_on"]
    inlines = [CategoryInline]
    fieldsets = [
        (None, {"fields": ["year", "title"]}),
        (
            "阶段",
            {
                "fields": [
                    ("filing_opens", "filing_closes"),
                    "recommendation_deadline",
                    "coaching_request_deadline",
                    ("review_starts", "review_ends"),
                    ("notice_starts", "notice_ends"),
                    "published_on",
                ]
            },
        ),
        (
            "相对年度的规则",
            {
                "fields": [
                    "satisfaction_year_offset",
                    ("survey_start_year_offset", "survey_start_month", "survey_start_day"),
                    "lookback_years",
                ]
            },
        ),
    ]


def _campaign_of(obj: Any) -> Campaign | None:
    if isinstance(obj, Rubric):
        return obj.campaign if obj.campaign_id else None
    if isinstance(obj, RubricItem):
        return obj.rubric.campaign if obj.rubric_id else None
    if isinstance(obj, Criterion):
        return obj.item.rubric.campaign if obj.item_id else None
    return None


def _rubric_of(obj: Any) -> Rubric:
    if isinstance(obj, Rubric):
        return obj
    if isinstance(obj, RubricItem):
        return obj.rubric
    return obj.item.rubric


class RubricPartForm(forms.ModelForm):
    """Refuses any change to a rubric whose campaign has filed nominations."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        campaign = _campaign_of(self.instance) or cleaned.get("campaign")
        if campaign is not None and self.has_changed():
            ensure_rubric_editable(campaign)
        return cleaned


class RubricPartFormSet(forms.BaseInlineFormSet):
    """Validates the whole rubric as it would stand with this formset's children."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors) or self.instance.pk is None:
            return
        kept = [
            form.instance
            for form in self.forms
            if form.cleaned_data
            and not (self.can_delete and self._should_delete_form(form))
            and (form.instance.pk or form.has_changed())
        ]
        if self.has_changed():
            ensure_rubric_editable(_campaign_of(self.instance))
        edited = [] if isinstance(self.instance, Rubric) else [self.instance]
        spec = spec_with_changes(
            _rubric_of(self.instance), edited=edited, children=(self.instance, kept)
        )
        faults = validate_rubric(spec)
        if faults:
            raise ValidationError([str(fault) for fault in faults])


class LockedRubricMixin(AuditedAdminMixin):
    """No deletion of rubric parts once the campaign has filed nominations; every change
    revises the rubric (services.revise)."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        revise(_rubric_of(form.instance))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        rubric = None if isinstance(obj, Rubric) else _rubric_of(obj)
        super().delete_model(request, obj)  # type: ignore[misc]
        if rubric is not None:
            revise(rubric)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        rubrics = [] if queryset.model is Rubric else [_rubric_of(obj) for obj in queryset]
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        for rubric in rubrics:
            revise(rubric)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        campaign = _campaign_of(obj)
        if campaign is not None and rubric_is_locked(campaign):
            return False
        return super().has_delete_permission(request, obj)  # type: ignore[misc]


class RubricItemInline(admin.TabularInline):
    model = RubricItem
    form = RubricPartForm
    formset = RubricPartFormSet
    extra = 0
    fields = ["position", "name", "max_points"]
    show_change_link = True


class CriterionInline(admin.TabularInline):
    model = Criterion
    form = RubricPartForm
    formset = RubricPartFormSet
    extra = 0
    fields = ["position", "name", "max_points", "description"]
    show_change_link = True


class BandInline(admin.TabularInline):
    model = Band
    form = RubricPartForm
    formset = RubricPartFormSet
    extra = 0
    fields = ["position", "text", "low", "high"]


@admin.register(Rubric)
class RubricAdmin(LockedRubricMixin, admin.ModelAdmin):
    form = RubricPartForm
    list_display = ["source", "title", "campaign", "edition", "total_points"]
    list_filter = ["campaign"]
    inlines = [RubricItemInline]


@admin.register(RubricItem)
class RubricItemAdmin(LockedRubricMixin, admin.ModelAdmin):
    form = RubricPartForm
    list_display = ["name", "max_points", "rubric"]
    list_filter = ["rubric__campaign", "rubric"]
    list_select_related = ["rubric"]
    inlines = [CriterionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # items are added on their rubric's page


@admin.register(Criterion)
class CriterionAdmin(LockedRubricMixin, admin.ModelAdmin):
    form = RubricPartForm
    list_display = ["name", "max_points", "item"]
    list_filter = ["item__rubric__campaign", "item__rubric"]
    list_select_related = ["item"]
    inlines = [BandInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # criteria are added on their item's page
