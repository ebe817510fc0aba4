"""Reads of the review pages: queues with what they show, in a fixed number of queries."""

from django.db.models import Prefetch, QuerySet

from manyi.accounts.models import Role
from manyi.campaigns.models import CategoryKind
from manyi.nominations.models import Nomination, NominationState
from manyi.reviews.models import Endorsement, Quota


def recommender_queue(user) -> QuerySet[Nomination]:
    """The filings of the user's organization that a recommender acts on (for a committee: the
    units it filed), newest first, with their current endorsement."""
    kinds = Nomination.objects.filter(organization_id=user.organization_id)
    if user.role == Role.COMMITTEE:
        kinds = kinds.filter(category__kind=CategoryKind.UNIT)
    else:
        kinds = kinds.exclude(category__kind__in=[CategoryKind.UNIT, CategoryKind.COACHING_REQUEST])
    return (
        kinds.exclude(state=NominationState.DRAFT)
        .select_related("category", "applicant")
        .prefetch_related(
            Prefetch(
                "endorsements",
                queryset=Endorsement.objects.filter(withdrawn=False),
                to_attr="current_endorsement",
            )
        )
        .order_by("category__position", "state", "-filed_at")
    )


def quotas_of(organization_id: int) -> dict[int, int]:
    """category id -> places."""
    return dict(
        Quota.objects.filter(organization_id=organization_id).values_list("category_id", "places")
    )


def check_queue() -> QuerySet[Nomination]:
    """What awaits the secretariat's formal check, and what was returned for correction."""
    return (
        Nomination.objects.filter(state__in=[NominationState.ENDORSED, NominationState.RETURNED])
        .exclude(category__kind=CategoryKind.COACHING_REQUEST)
        .select_related("category", "organization")
        .order_by("state", "category__position", "filed_at")
    )
