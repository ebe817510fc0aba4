"""Test helpers: factories without surprises and readable personas for every role.

Personas (as in healthchecks' Alice/Bob/Charlie): 王 the applicant and 李 the recommender of
示范供电公司; 赵 of a regional committee; 刘 of the secretariat; judges 陈 (an outsider) and
周 (who works for the applicant's organization: conflicted); 孙, an applicant of another
organization.
"""

from dataclasses import dataclass

import factory

from manyi.accounts.models import CommitteeScope, Organization, OrganizationKind, Role, User

PASSWORD = "correct horse battery staple"  # noqa: S105


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = OrganizationKind.EMPLOYER


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.APPLICANT
    organization = factory.SubFactory(OrganizationFactory)
    is_staff = factory.LazyAttribute(lambda u: u.role == Role.SECRETARIAT)
    password = factory.django.Password(PASSWORD)


@dataclass
class Personas:
    employer: Organization
    other_employer: Organization
    committee_org: Organization
    applicant: User
    other_applicant: User
    recommender: User
    committee: User
    secretariat: User
    judge: User
    conflicted_judge: User


def make_personas() -> Personas:
    employer = OrganizationFactory(name="示范供电公司")
    other = OrganizationFactory(name="示范通信公司")
    committee_org = OrganizationFactory(
        name="首府市用委", kind=OrganizationKind.COMMITTEE, committee_scope=CommitteeScope.REGION
    )
    return Personas(
        employer=employer,
        other_employer=other,
        committee_org=committee_org,
        applicant=UserFactory(username="wang", display_name="王申报", organization=employer),
        other_applicant=UserFactory(username="sun", display_name="孙申报", organization=other),
        recommender=UserFactory(
            username="li", display_name="李推荐", role=Role.RECOMMENDER, organization=employer
        ),
        committee=UserFactory(
            username="zhao", display_name="赵用委", role=Role.COMMITTEE, organization=committee_org
        ),
        secretariat=UserFactory(
            username="liu", display_name="刘秘书", role=Role.SECRETARIAT, organization=None
        ),
        judge=UserFactory(
            username="chen", display_name="陈专家", role=Role.JUDGE, organization=other
        ),
        conflicted_judge=UserFactory(
            username="zhou", display_name="周专家", role=Role.JUDGE, organization=employer
        ),
    )


# --- nominations: the same complete samples the demo files ------------------------------------

from manyi.demo.samples import (  # noqa: E402
    PNG_1X1,
    attach_requirements,
    docx_upload,
    full_marks,
    png_upload,
    valid_form,
)

__all__ = [
    "PASSWORD",
    "PNG_1X1",
    "OrganizationFactory",
    "Personas",
    "UserFactory",
    "attach_requirements",
    "docx_upload",
    "full_marks",
    "make_personas",
    "png_upload",
    "valid_form",
]
