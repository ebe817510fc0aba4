from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from manyi.accounts.models import Organization
from manyi.campaigns.models import Campaign, Category, Criterion
from manyi.nominations.models import Attachment, Nomination


class Quota(models.Model):
    """推荐名额: how many nominations of a category a recommender may endorse in a campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="quotas")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="quotas")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="quotas")
    places = models.PositiveSmallIntegerField(_("places"))

    class Meta:
        verbose_name = _("recommendation quota")
        verbose_name_plural = _("recommendation quotas")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organization", "category"], name="quota_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.category}: {self.places}"


class Endorsement(models.Model):
    """推荐部门意见 (推荐意见 for a unit): the recommender's opinion, the responsible person's
    name, the sealed page, the conditions attested, and the recommender's ranking."""

    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="endorsements"
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opinion = models.TextField(_("opinion"))
    signer = models.CharField(_("responsible person"), max_length=100)
    seal = models.OneToOneField(
        Attachment, on_delete=models.PROTECT, related_name="endorsement", verbose_name=_("seal")
    )
    attested = models.JSONField(_("conditions attested"), default=list, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"))
    at = models.DateTimeField(_("endorsed at"))
    withdrawn = models.BooleanField(default=False)  # superseded after a return for correction

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        ordering = ["rank", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomination"],
                condition=Q(withdrawn=False),
                name="one_current_endorsement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.nomination}"


class FormalCheck(models.Model):
    """The secretariat's formal check (形式审查), item by item. A return for correction lists
    everything missing at once (一次性告知) with the deadline for the correction."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned for correction")

    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="formal_checks"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("checked at"))
    form_complete = models.BooleanField(_("form complete"))
    seal_present = models.BooleanField(_("seal present"))
    attachments_present = models.BooleanField(_("attachments present"))
    eligibility_met = models.BooleanField(_("eligibility met"))
    notes = models.TextField(_("notes"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    deadline = models.DateField(_("correction deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("formal check")
        verbose_name_plural = _("formal checks")
        ordering = ["-at"]
        constraints = [
            models.CheckConstraint(
                name="returned_check_has_deadline",
                condition=Q(outcome="accepted") | Q(deadline__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nomination}: {self.get_outcome_display()}"


# --- panels, assignments, scores -----------------------------------------------------------------


class Panel(models.Model):
    """评审组: the judges of one category in one campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="panels")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="panels")
    judges = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="panels", blank=True)

    class Meta:
        verbose_name = _("panel")
        verbose_name_plural = _("panels")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "category"], name="one_panel_per_category"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.year} {self.category}"


class Assignment(models.Model):
    """A judge assigned to score a nomination. A released assignment (the judge declared a
    conflict, or the secretariat reassigned it) is kept, with the reason."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="assignments")
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"))
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_reason = models.TextField(_("reason for release"), blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "judge"],
                condition=Q(released_at__isnull=True),
                name="one_active_assignment",
            ),
        ]
        indexes = [models.Index(fields=["judge", "released_at"])]

    def __str__(self) -> str:
        return f"{self.judge} → {self.nomination}"


class Coaching(models.Model):
    """An expert who coached a unit (its 辅导申请回执 answered): conflicted for that unit's
    nominations."""

    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coachings"
    )
    request = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="coachings")

    class Meta:
        verbose_name = _("coaching")
        verbose_name_plural = _("coachings")
        constraints = [
            models.UniqueConstraint(fields=["coach", "request"], name="coaching_once"),
        ]

    def __str__(self) -> str:
        return f"{self.coach} · {self.request}"


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Review(models.Model):
    """评审意见: one judge's scores of one nomination, criterion by criterion, and comment.
    A draft until submitted; submitted scores are locked unless the secretariat reopens them."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="reviews")
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ReviewState.choices, default=ReviewState.DRAFT
    )
    comment = models.TextField(_("opinion"), blank=True)
    # A unit (附件5) has no rubric: the judge gives an opinion and a recommendation.
    recommends = models.BooleanField(_("recommends"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["nomination", "judge"], name="one_review_per_judge"),
            models.CheckConstraint(
                name="submitted_review_has_date",
                condition=Q(state="draft") | Q(submitted_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.judge}: {self.nomination}"


class Score(models.Model):
    """One judge's points for one criterion: a whole number from 0 to its maximum."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField(_("points"))

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.points}"


class Standing(models.Model):
    """The ranking keys of one nomination, kept: what `ranking.refresh` computed from the
    submitted scores with the rules of `manyi.reviews.ranking` (judges, points, highest and
    lowest total, the points and judges kept by the trimmed mean, the tie-break item's points,
    a unit's recommendations, and the two sort keys). Refreshed inside every service that
    changes what the ranking counts; the ranking page reads these rows instead of the scores.
    A nomination without a row has no submitted score (no judges, no rank)."""

    nomination = models.OneToOneField(
        Nomination, on_delete=models.CASCADE, primary_key=True, related_name="standing"
    )
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    judges = models.PositiveIntegerField(default=0)
    points = models.IntegerField(null=True)
    high = models.IntegerField(null=True)
    low = models.IntegerField(null=True)
    kept_points = models.IntegerField(null=True)
    kept_judges = models.IntegerField(null=True)
    tie_points = models.IntegerField(null=True)
    recommends = models.PositiveIntegerField(default=0)  # units only
    # the sort keys in double precision (see ranking's docstring); NULL: not ranked. A unit's
    # second key (its satisfaction score as filed) is read from the nomination, not kept.
    first_key = models.FloatField(null=True)
    second_key = models.FloatField(null=True)

    class Meta:
        verbose_name = _("ranking standing")
        verbose_name_plural = _("ranking standings")
        indexes = [
            models.Index(fields=["category", "-first_key", "-second_key"], name="standing_by_rank")
        ]

    def __str__(self) -> str:
        return f"{self.nomination_id}: {self.first_key}"


class CriterionStanding(models.Model):
    """Kept with the Standing: the submitted points of one criterion of one nomination and the
    number of its scores, from which the ranking page shows the criterion's mean."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    points = models.PositiveIntegerField()
    scores = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("criterion standing")
        verbose_name_plural = _("criterion standings")
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "criterion"], name="one_criterion_standing"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nomination_id} · {self.criterion_id}: {self.points}/{self.scores}"


class MysteryVisit(models.Model):
    """神秘客暗访: the unannounced visit that backs the 服务验证 score of an achievement."""

    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="mystery_visits"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    finding = models.TextField(_("finding"))
    evidence = models.ManyToManyField(Attachment, blank=True, related_name="+")

    class Meta:
        verbose_name = _("mystery visit")
        verbose_name_plural = _("mystery visits")
        ordering = ["visited_on", "pk"]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.place}"


# --- decision, public notice, objections, awards -------------------------------------------------


class CalendarDay(models.Model):
    """The secretariat's holiday calendar: a public holiday, or a weekend working day (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday")
        WORKDAY = "workday", _("Make-up working day (调休)")

    day = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"


class Decision(models.Model):
    """The evaluation committee's decision on a category: who is proposed, when, the votes, and
    the minutes."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="decisions")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="decisions")
    decided_on = models.DateField(_("date"))
    votes_for = models.PositiveSmallIntegerField(_("votes for"))
    votes_against = models.PositiveSmallIntegerField(_("votes against"), default=0)
    abstentions = models.PositiveSmallIntegerField(_("abstentions"), default=0)
    minutes = models.FileField(_("minutes"), upload_to="decisions/", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_on"]

    def __str__(self) -> str:
        return f"{self.category} {self.decided_on}"


class PublicNotice(models.Model):
    """公示: the published list of proposed winners, for a number of working days."""

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, related_name="public_notice"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    working_days = models.PositiveSmallIntegerField(_("working days"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        constraints = [
            models.CheckConstraint(
                name="notice_ordered", condition=Q(starts_on__lte=models.F("ends_on"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} 公示"


class Objection(models.Model):
    """异议: lodged during the notice under a real name, with contact and grounds. The
    objector's contact data is shown to the secretariat only."""

    class Status(models.TextChoices):
        OPEN = "open", _("Under investigation")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    notice = models.ForeignKey(PublicNotice, on_delete=models.CASCADE, related_name="objections")
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="objections")
    name = models.CharField(_("real name"), max_length=100)
    contact = models.CharField(_("contact"), max_length=200)
    grounds = models.TextField(_("grounds"))
    lodged_at = models.DateTimeField(_("lodged at"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    investigation = models.TextField(_("investigation"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["lodged_at"]

    def __str__(self) -> str:
        return f"{self.nomination}: {self.get_status_display()}"


class ObjectionEvidence(models.Model):
    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="objections/", max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    file_kind = models.CharField(_("type"), max_length=10)

    class Meta:
        verbose_name = _("objection evidence")
        verbose_name_plural = _("objection evidence")

    def __str__(self) -> str:
        return self.original_name


class Award(models.Model):
    """表彰: a published result, with its certificate number (2018-YH-GR-001) and the name
    exactly as filed, from which the certificate and the plaque are made."""

    nomination = models.OneToOneField(Nomination, on_delete=models.PROTECT, related_name="award")
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    sequence = models.PositiveIntegerField(_("sequence"))
    name = models.CharField(_("name as filed"), max_length=200)
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number
