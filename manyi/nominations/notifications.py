"""Who is told when a nomination moves, and how. Decision e-mails (accepted, returned,
awarded, not awarded, not accepted) wait in the outbox for the secretariat's release."""

from django.urls import reverse

from manyi.accounts.models import Role, User
from manyi.campaigns.models import CategoryKind
from manyi.core.notify import tell
from manyi.nominations.models import Nomination, NominationState
from manyi.nominations.workflow import Step

DECISIONS = {
    "accept",
    "return_to_applicant",
    "return_for_correction",
    "refuse",
    "award",
    "not_award",
}


def announce(nomination: Nomination, step: Step, comment: str) -> None:
    """Tell the applicant of every move of their filing, the recommender of what awaits its
    recommendation, and the secretariat of what awaits its formal check."""
    name = nomination.title or nomination.category.title
    state = nomination.get_state_display()
    category = nomination.category.title
    message = f"您的申报“{name}”（{category}）：{step.label}，当前状态为“{state}”。"
    if comment:
        message += f"说明：{comment}"
    tell(
        [nomination.applicant],
        message[:500],
        link=reverse("nominations:detail", args=[nomination.pk]),
        hold=step.action in DECISIONS,
    )
    if step.target == NominationState.FILED:
        role = Role.COMMITTEE if nomination.category.kind == CategoryKind.UNIT else Role.RECOMMENDER
        recommenders = User.objects.filter(
            organization_id=nomination.organization_id, role=role, is_active=True
        ).exclude(pk=nomination.applicant_id)
        tell(
            recommenders,
            f"“{name}”（{nomination.category.title}）已提交，等待推荐。",
            link=reverse("reviews:recommend", args=[nomination.pk]),
        )
    if step.target == NominationState.ENDORSED:
        tell(
            User.objects.filter(role=Role.SECRETARIAT, is_active=True),
            f"“{name}”（{nomination.category.title}）已推荐，等待形式审查。",
            link=reverse("reviews:check", args=[nomination.pk]),
            email=False,
        )
