import datetime
import uuid

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class CategoryKind(models.TextChoices):
    """The six kinds of honour or filing a campaign can open (GLOSSARY)."""

    INDIVIDUAL = "individual", "用户满意服务先进个人"
    TEAM = "team", "用户满意服务先进班组"
    MANAGER = "manager", "用户满意服务杰出管理者"
    UNIT = "unit", "用户满意服务先进单位"
    ACHIEVEMENT = "achievement", "优质服务成果"
    COACHING_REQUEST = "coaching_request", "用户满意工程项目辅导申请回执"


class FilerRole(models.TextChoices):
    """Who fills a category's form: the applicant, or (附件5 "此表由推荐机构填写") a committee."""

    APPLICANT = "applicant", _("Applicant")
    COMMITTEE = "committee", _("Committee")


class AggregationMethod(models.TextChoices):
    """How a nomination's judges' totals become one score (reviews.aggregation)."""

    MEAN = "mean", _("Mean of the judges' totals")
    TRIMMED_MEAN = "trimmed_mean", _("Mean without the highest and lowest (five judges or more)")


class TieBreak(models.TextChoices):
    ITEM = "item", _("Higher subtotal of the category's tie-break item, else equal rank")
    NONE = "none", _("Equal rank")


class Campaign(models.Model):
    """One year's selection (评选活动 / 年度).

    The seed writes some rules with fixed years ("2017年用户满意度", "2017年12月1日后",
    "近三年"); they are stored here relative to `year`, so next year's campaign is a copy
    with new dates (services.copy_campaign), not new code.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)

    filing_opens = models.DateField(_("filing opens"))
    filing_closes = models.DateField(_("filing closes"))
    recommendation_deadline = models.DateField(_("recommendation deadline"))
    coaching_request_deadline = models.DateField(_("coaching request deadline"))
    review_starts = models.DateField(_("review starts"))
    review_ends = models.DateField(_("review ends"))
    notice_starts = models.DateField(_("public notice starts"))
    notice_ends = models.DateField(_("public notice ends"))
    published_on = models.DateField(_("results published on"))

    # 附件1: "2017年用户满意度较高" — the survey year is the campaign year plus this offset.
    satisfaction_year_offset = models.SmallIntegerField(
        _("satisfaction survey year offset"), default=-1
    )
    # 附件5 备注4: "数据应以2017年12月1日后组织的用户满意度调查为准".
    survey_start_year_offset = models.SmallIntegerField(_("survey start year offset"), default=-1)
    survey_start_month = models.PositiveSmallIntegerField(_("survey start month"), default=12)
    survey_start_day = models.PositiveSmallIntegerField(_("survey start day"), default=1)
    # 附件1: "近三年无重大投诉事件发生"; 附件5 备注2: "单位三年内…显著成果".
    lookback_years = models.PositiveSmallIntegerField(_("look-back years"), default=3)

    # How the review is run: the campaign's settings.
    aggregation_method = models.CharField(
        _("aggregation"),
        max_length=20,
        choices=AggregationMethod.choices,
        default=AggregationMethod.MEAN,
    )
    tie_break = models.CharField(
        _("tie-break"), max_length=10, choices=TieBreak.choices, default=TieBreak.ITEM
    )
    spread_threshold = models.PositiveSmallIntegerField(
        _("spread flagged above (points)"), default=15
    )
    notice_working_days = models.PositiveSmallIntegerField(
        _("public notice length (working days)"), default=5
    )

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                name="campaign_filing_window_ordered",
                condition=Q(filing_opens__lte=F("filing_closes")),
            ),
            models.CheckConstraint(
                name="campaign_review_ordered",
                condition=Q(review_starts__lte=F("review_ends")),
            ),
            models.CheckConstraint(
                name="campaign_notice_ordered",
                condition=Q(notice_starts__lte=F("notice_ends"))
                & Q(notice_ends__lte=F("published_on")),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def satisfaction_year(self) -> int:
        """The year whose user satisfaction counts ("2017年用户满意度" for 2018)."""
        return self.year + self.satisfaction_year_offset

    @property
    def earliest_survey_start(self) -> datetime.date:
        """The first day a unit's survey may have started (2017-12-01 for 2018), inclusive."""
        return datetime.date(
            self.year + self.survey_start_year_offset,
            self.survey_start_month,
            self.survey_start_day,
        )

    @property
    def lookback_start(self) -> datetime.date:
        """The first day of "近三年": 1 January of the third year before the campaign year
        (2015-01-01 for 2018, so 2015, 2016 and 2017 are the three years)."""
        return datetime.date(self.year - self.lookback_years, 1, 1)


class Category(models.Model):
    """One kind of honour or filing a campaign opens, with its form and rubric."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="categories"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CategoryKind.choices)
    title = models.CharField(_("title"), max_length=100)
    form_ref = models.CharField(_("form"), max_length=20, help_text="附件2 …")
    rubric = models.ForeignKey(
        "Rubric",
        verbose_name=_("rubric"),
        on_delete=models.PROTECT,
        related_name="categories",
        null=True,
        blank=True,
    )
    filer_role = models.CharField(
        _("filed by"), max_length=20, choices=FilerRole.choices, default=FilerRole.APPLICANT
    )
    self_score_threshold = models.PositiveSmallIntegerField(
        _("minimum self-assessment score"), null=True, blank=True
    )
    # The rubric item whose subtotal breaks ties in the ranking (顾客认可, 服务成效).
    tie_break_item = models.CharField(_("tie-break item"), max_length=100, blank=True)
    # The category's part of the certificate number: 2018-YH-GR-001.
    certificate_code = models.CharField(_("certificate code"), max_length=10, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["campaign", "position"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind"], name="category_unique_kind"),
        ]

    def __str__(self) -> str:
        return self.title


class Rubric(models.Model):
    """A scoring rubric of a campaign (附件1-1/1-2/1-3 self-assessment, 附件6-1)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="rubrics"
    )
    code = models.CharField(_("code"), max_length=40)
    source = models.CharField(_("source"), max_length=20)
    title = models.CharField(_("title"), max_length=100)
    edition = models.CharField(_("edition"), max_length=20)
    total_points = models.PositiveSmallIntegerField(_("full marks"), default=100)
    # A new value at every change of the rubric or of its items, criteria and bands
    # (services.revise): the key of the rubric trees kept in memory (queries.rubric_tree_of).
    # Random, not a counter: a change rolled back leaves a value that never comes again.
    revision = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")
        ordering = ["campaign", "source"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="rubric_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.title}"


class RubricItem(models.Model):
    """A scored area (评审项目 / 维度), e.g. 道德高尚 (10分)."""

    rubric = models.ForeignKey(
        Rubric, verbose_name=_("rubric"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=100)
    max_points = models.PositiveSmallIntegerField(_("maximum points"))

    class Meta:
        verbose_name = _("rubric item")
        verbose_name_plural = _("rubric items")
        ordering = ["rubric", "position"]
        constraints = [
            models.CheckConstraint(name="item_max_positive", condition=Q(max_points__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.max_points}分）"


class Criterion(models.Model):
    """A scored line inside an item (评审细项 / 条目), with its maximum."""

    item = models.ForeignKey(
        RubricItem, verbose_name=_("rubric item"), on_delete=models.CASCADE, related_name="criteria"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=200)
    max_points = models.PositiveSmallIntegerField(_("maximum points"))
    # 附件6-1's 评价内容: what the judge looks for, one point a line.
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["item", "position"]
        constraints = [
            models.CheckConstraint(name="criterion_max_positive", condition=Q(max_points__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.max_points}分）"


class Band(models.Model):
    """A described range of points inside a criterion (评分标准), e.g. 1-6分."""

    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="bands"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.TextField(_("text"))
    low = models.PositiveSmallIntegerField(_("from"))
    high = models.PositiveSmallIntegerField(_("to"))

    class Meta:
        verbose_name = _("band")
        verbose_name_plural = _("bands")
        ordering = ["criterion", "position"]
        constraints = [
            models.CheckConstraint(
                name="band_range_ordered", condition=Q(low__gte=1, low__lte=F("high"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.text}（{self.range_label}）"

    @property
    def range_label(self) -> str:
        return f"{self.low}分" if self.low == self.high else f"{self.low}-{self.high}分"
