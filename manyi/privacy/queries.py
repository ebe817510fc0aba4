"""Reads of consent records."""

from collections.abc import Iterable

from manyi.privacy.consents import Purpose
from manyi.privacy.models import Consent


def withheld(nomination_ids: Iterable[int]) -> set[int]:
    """Of these nominations, those whose consent to publication was withdrawn (one query):
    the public notice and results show their name masked (masking.public_name)."""
    return set(
        Consent.objects.filter(
            nomination_id__in=list(nomination_ids),
            purpose=Purpose.PUBLICATION,
            withdrawn_at__isnull=False,
        ).values_list("nomination_id", flat=True)
    )


def consents_of(user) -> list[Consent]:
    return list(
        Consent.objects.filter(user=user)
        .select_related("nomination__category", "nomination__campaign")
        .order_by("given_at", "pk")
    )
