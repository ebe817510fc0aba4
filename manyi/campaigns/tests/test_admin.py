"""The secretariat edits rubrics in the admin: every edit is validated as the whole rubric
would stand, and refused once the campaign has filed nominations."""

import dataclasses

import pytest
from django.urls import reverse
from django.utils import timezone

from manyi.campaigns.models import Band, Criterion, Rubric
from manyi.campaigns.queries import rubric_tree_of, spec_from_rubric
from manyi.campaigns.services import install_rubric
from manyi.nominations.models import Nomination, NominationState

pytestmark = pytest.mark.django_db


def criterion_form(criterion: Criterion, **band_ranges: tuple[int, int]) -> dict[str, str]:
    """The admin change form of a criterion with its bands, some ranges changed by position."""
    bands = list(criterion.bands.order_by("position"))
    data = {
        "item": str(criterion.item_id),
        "position": str(criterion.position),
        "name": criterion.name,
        "max_points": str(criterion.max_points),
        "description": criterion.description,
        "bands-TOTAL_FORMS": str(len(bands)),
        "bands-INITIAL_FORMS": str(len(bands)),
        "bands-MIN_NUM_FORMS": "0",
        "bands-MAX_NUM_FORMS": "1000",
    }
    for i, b in enumerate(bands):
        low, high = band_ranges.get(f"band{b.position}", (b.low, b.high))
        data |= {
            f"bands-{i}-id": str(b.pk),
            f"bands-{i}-criterion": str(criterion.pk),
            f"bands-{i}-position": str(b.position),
            f"bands-{i}-text": b.text,
            f"bands-{i}-low": str(low),
            f"bands-{i}-high": str(high),
        }
    return data


@pytest.fixture
def moral_criterion(campaign) -> Criterion:
    """附件1-1 道德高尚 / 道德情操高尚，社会责任感强: bands 1-6, 7-8, 9-10."""
    return Criterion.objects.get(
        item__rubric__campaign=campaign,
        item__rubric__code="self_assessment_individual",
        item__position=1,
    )


def test_secretariat_edits_a_band_keeping_the_rubric_sound(client, people, moral_criterion):
    client.force_login(people.secretariat)
    url = reverse("admin:campaigns_criterion_change", args=[moral_criterion.pk])
    data = criterion_form(moral_criterion, band1=(1, 5), band2=(6, 8))
    response = client.post(url, data)
    assert response.status_code == 302
    assert list(moral_criterion.bands.values_list("low", "high")) == [(1, 5), (6, 8), (9, 10)]


def test_admin_refuses_an_edit_that_makes_bands_overlap(client, people, moral_criterion):
    client.force_login(people.secretariat)
    url = reverse("admin:campaigns_criterion_change", args=[moral_criterion.pk])
    response = client.post(url, criterion_form(moral_criterion, band2=(6, 8)))
    assert response.status_code == 200
    assert "评分段 1-6分 与 6-8分 重叠（6分）" in response.content.decode()
    assert list(moral_criterion.bands.values_list("low", "high")) == [(1, 6), (7, 8), (9, 10)]


def test_admin_refuses_a_criterion_maximum_that_breaks_its_item(client, people, moral_criterion):
    client.force_login(people.secretariat)
    url = reverse("admin:campaigns_criterion_change", args=[moral_criterion.pk])
    data = criterion_form(moral_criterion, band3=(9, 12)) | {"max_points": "12"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "评审细项满分合计 12 分，与项目满分 10 分不符" in response.content.decode()
    moral_criterion.refresh_from_db()
    assert moral_criterion.max_points == 10


def test_admin_refuses_rubric_edits_once_a_nomination_is_filed(
    client, people, campaign, moral_criterion
):
    Nomination.objects.create(
        campaign=campaign,
        category=campaign.categories.get(kind="individual"),
        applicant=people.applicant,
        organization=people.employer,
        state=NominationState.FILED,
        filed_at=timezone.now(),
    )
    client.force_login(people.secretariat)
    url = reverse("admin:campaigns_criterion_change", args=[moral_criterion.pk])
    response = client.post(url, criterion_form(moral_criterion, band1=(1, 5), band2=(6, 8)))
    assert response.status_code == 200
    assert "已有已提交的申报，评分标准不能再修改。" in response.content.decode()
    assert list(moral_criterion.bands.values_list("low", "high")) == [(1, 6), (7, 8), (9, 10)]
    delete = client.post(
        reverse("admin:campaigns_criterion_delete", args=[moral_criterion.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert Band.objects.filter(criterion=moral_criterion).count() == 3


def test_a_draft_nomination_does_not_lock_the_rubric(client, people, campaign, moral_criterion):
    Nomination.objects.create(
        campaign=campaign,
        category=campaign.categories.get(kind="individual"),
        applicant=people.applicant,
        organization=people.employer,
    )
    client.force_login(people.secretariat)
    url = reverse("admin:campaigns_criterion_change", args=[moral_criterion.pk])
    response = client.post(url, criterion_form(moral_criterion, band1=(1, 5), band2=(6, 8)))
    assert response.status_code == 302


@pytest.mark.parametrize(
    "name",
    [
        "campaigns_campaign",
        "campaigns_rubric",
        "campaigns_rubricitem",
        "campaigns_criterion",
        "accounts_user",
        "accounts_organization",
    ],
)
def test_secretariat_manages_in_the_chinese_admin(client, people, campaign, name):
    client.force_login(people.secretariat)
    response = client.get(reverse(f"admin:{name}_changelist"))
    assert response.status_code == 200
    assert "满意 · 用户满意服务评选管理" in response.content.decode()


def test_campaign_change_page_renders_in_chinese(client, people, campaign):
    client.force_login(people.secretariat)
    response = client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "申报截止" in content
    assert "辅导申请回执截止" in content
    assert "保存" in content


@pytest.mark.parametrize("persona", ["applicant", "recommender", "committee", "judge"])
def test_other_roles_cannot_enter_the_admin(client, people, campaign, persona):
    client.force_login(getattr(people, persona))
    response = client.get(reverse("admin:campaigns_rubric_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def _bands(tree, criterion_pk: int) -> list[tuple[int, int]]:
    return [
        (band.low, band.high)
        for item in tree.items.all()
        for criterion in item.criteria.all()
        if criterion.pk == criterion_pk
        for band in criterion.bands.all()
    ]


def test_a_kept_rubric_tree_is_read_again_after_an_edit(
    client, people, moral_criterion, django_assert_num_queries
):
    """The pages read rubric trees kept in memory by the rubric's revision: the next read after
    an edit in the admin, or a new install of the rubric, sees the change."""
    rubric_id = moral_criterion.item.rubric_id
    tree = rubric_tree_of(Rubric.objects.get(pk=rubric_id))
    row = Rubric.objects.get(pk=rubric_id)
    with django_assert_num_queries(0):
        assert rubric_tree_of(row) is tree
    client.force_login(people.secretariat)
    url = reverse("admin:campaigns_criterion_change", args=[moral_criterion.pk])
    assert (
        client.post(url, criterion_form(moral_criterion, band1=(1, 5), band2=(6, 8))).status_code
        == 302
    )
    edited = rubric_tree_of(Rubric.objects.get(pk=rubric_id))
    assert _bands(edited, moral_criterion.pk) == [(1, 5), (6, 8), (9, 10)]
    # The whole rubric installed again (as load_campaign does), with another title.
    rubric = Rubric.objects.get(pk=rubric_id)
    spec = dataclasses.replace(spec_from_rubric(edited), title="新版标题")
    install_rubric(rubric.campaign, spec)
    assert rubric_tree_of(Rubric.objects.get(pk=rubric_id)).title == "新版标题"
