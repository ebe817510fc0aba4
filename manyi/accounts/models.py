from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from manyi.core.formats import validate_mobile


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    RECOMMENDER = "recommender", _("Recommender")
    COMMITTEE = "committee", _("Committee")
    SECRETARIAT = "secretariat", _("Secretariat")
    JUDGE = "judge", _("Judge")


class OrganizationKind(models.TextChoices):
    EMPLOYER = "employer", _("Employer")
    RECOMMENDER = "recommender", _("Recommending body")
    COMMITTEE = "committee", _("User committee")


class CommitteeScope(models.TextChoices):
    REGION = "region", _("Regional")
    INDUSTRY = "industry", _("Industry")


class Organization(models.Model):
    """A candidate's organization (所在组织), a recommending body (推荐机构) or a
    regional/industry user committee (地区、行业用委（质协）)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    committee_scope = models.CharField(
        _("committee scope"), max_length=20, choices=CommitteeScope.choices, blank=True
    )
    region = models.CharField(_("region"), max_length=100, blank=True)
    sector = models.CharField(_("industry or system"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="organization_scope_only_for_committees",
                condition=(
                    models.Q(
                        kind=OrganizationKind.COMMITTEE, committee_scope__in=["region", "industry"]
                    )
                    | (~models.Q(kind=OrganizationKind.COMMITTEE) & models.Q(committee_scope=""))
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=100)
    mobile = models.CharField(_("mobile"), max_length=11, blank=True, validators=[validate_mobile])
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.APPLICANT)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username
