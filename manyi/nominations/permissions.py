"""Who may file, edit, see and move nominations. Views and services ask these, never templates."""

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404

from manyi.accounts.models import Role
from manyi.accounts.permissions import is_secretariat
from manyi.campaigns.models import Category, CategoryKind
from manyi.nominations.models import CONFIDENTIAL_SLOTS, Attachment, Nomination, NominationState
from manyi.nominations.workflow import Actor


def can_file(user, category: Category) -> bool:
    """An applicant files individual, team, manager, achievement and coaching request forms;
    a committee files the unit form (附件5 此表由推荐机构填写). Both need an organization."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.organization_id
        and user.role == category.filer_role
        and user.role in {Role.APPLICANT, Role.COMMITTEE}
    )


@rules.predicate
def is_owner(user, nomination: Nomination | None) -> bool:
    return bool(nomination and user.is_authenticated and nomination.applicant_id == user.pk)


@rules.predicate
def is_editable(user, nomination: Nomination | None) -> bool:
    return bool(nomination and nomination.is_editable)


@rules.predicate
def is_recommender_of(user, nomination: Nomination | None) -> bool:
    """The body that recommends a nomination: its organization's recommender; for a unit, the
    committee that filled 附件5 for it. Recommenders see filings once filed, never drafts."""
    if not (nomination and user.is_authenticated and user.is_active):
        return False
    if nomination.state == NominationState.DRAFT:
        return False
    if user.organization_id is None or user.organization_id != nomination.organization_id:
        return False
    if nomination.category.kind == CategoryKind.UNIT:
        return user.role == Role.COMMITTEE
    return user.role == Role.RECOMMENDER


def actors(user, nomination: Nomination) -> set[Actor]:
    """In which roles of the workflow the user stands towards this nomination."""
    found = set()
    if is_owner(user, nomination):
        found.add(Actor.APPLICANT)
    if is_recommender_of(user, nomination):
        found.add(Actor.RECOMMENDER)
    if is_secretariat(user):
        found.add(Actor.SECRETARIAT)
    return found


rules.add_perm("nominations", is_secretariat)  # the admin's module
rules.add_perm("nominations.view_nomination", is_owner | is_recommender_of | is_secretariat)
rules.add_perm("nominations.change_nomination", is_owner & is_editable)


def get_nomination_for_user(user, pk: int, *, edit: bool = False) -> Nomination:
    """The nomination if the user may see it (404 otherwise, so others' filings stay unknown);
    with `edit`, 403 unless they may also change it now."""
    nomination = (
        Nomination.objects.select_related(
            "campaign", "category__rubric", "applicant", "organization"
        )
        .filter(pk=pk)
        .first()
    )
    if nomination is None or not user.has_perm("nominations.view_nomination", nomination):
        raise Http404
    if edit and not user.has_perm("nominations.change_nomination", nomination):
        raise PermissionDenied
    return nomination


def may_see_attachment(user, attachment: Attachment) -> bool:
    """Of the files of a nomination the user may see, the review's confidential ones (the
    mystery visit's evidence) only for the secretariat: the page's download and the API's list."""
    return attachment.slot not in CONFIDENTIAL_SLOTS or is_secretariat(user)
