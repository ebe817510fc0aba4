"""Scenario 6 of the benchmarks (issue 7): every list and detail page issues a number of SQL
queries that does not grow with the number of rows it shows.

Each page is requested with 5 and with 50 rows of what it lists (nominations, attachments,
judges, notifications …) and must issue exactly the number of queries in EXPECTED both times.
The data comes from the benchmark's generator (manyi.demo.generator): a campaign of scored
individuals, one applicant filing them all, five judges each scoring every one of them.

When a page legitimately gains or loses a constant query, update its number here; a number that
differs between the two sizes is an N+1 to fix (select_related / prefetch_related / annotate).
"""

import datetime
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from manyi.accounts.models import Role, User
from manyi.campaigns.models import Category
from manyi.core.models import Notification, OutboxMessage
from manyi.demo.generator import generate_campaign
from manyi.nominations.models import Attachment, Nomination, NominationState
from manyi.reviews.models import Award, PublicNotice
from manyi.reviews.ranking import PAGE_SIZE
from manyi.testing import UserFactory

pytestmark = pytest.mark.django_db

YEAR = 2018
SIZES = [5, 50]


@dataclass
class World:
    """A generated campaign of `size` scored individuals and its people."""

    size: int
    category: Category
    nominations: list[Nomination]
    applicant: User
    recommender: User
    secretariat: User
    judge: User

    def client(self, user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    def with_attachments(self, nomination: Nomination) -> Nomination:
        """Give `nomination` `size` more attachments (rows only: the pages list them)."""
        Attachment.objects.bulk_create(
            Attachment(
                nomination=nomination,
                slot="evidence",
                token=f"q{nomination.pk}-{number}",
                file=f"nominations/{nomination.pk}/evidence/q{number}",
                original_name=f"证实性材料{number}.pdf",
                file_kind="pdf",
                size=1024,
                uploaded_by=nomination.applicant,
            )
            for number in range(self.size)
        )
        return nomination

    @property
    def last_title(self) -> str:
        return self.nominations[-1].title

    @property
    def last_attachment(self) -> str:
        return f"证实性材料{self.size - 1}.pdf"

    def set_state(self, state: str) -> None:
        Nomination.objects.filter(category=self.category).update(state=state)


@pytest.fixture(params=SIZES, ids=lambda size: f"{size}-rows")
def world(request) -> World:
    size = request.param
    generate_campaign(
        size, year=YEAR, kinds=["individual"], all_scored=True, applicants=1, attachment_kb=1
    )
    applicant = User.objects.get(username=f"b{YEAR}_app0")
    return World(
        size=size,
        category=Category.objects.get(campaign__year=YEAR, kind="individual"),
        nominations=list(Nomination.objects.filter(campaign__year=YEAR).order_by("pk")),
        applicant=applicant,
        recommender=User.objects.get(
            role=Role.RECOMMENDER, organization_id=applicant.organization_id
        ),
        secretariat=User.objects.get(username=f"b{YEAR}_sec"),
        judge=User.objects.get(username=f"b{YEAR}_judge0"),
    )


def _get(client: Client, url: str, expected: int, assert_queries, *, shows: str = "") -> None:
    """GET `url` in exactly `expected` queries; the page shows `shows` (its last row). The page
    is read once before, as a running server has (the rubric trees it keeps are then read)."""
    client.get(url)
    with assert_queries(expected):
        response = client.get(url)
    assert response.status_code == 200, url
    if shows:
        assert shows in response.content.decode(), f"{url} does not show {shows!r}"


# --- the applicant ----------------------------------------------------------------------------


def test_my_nominations_list(world, django_assert_num_queries):
    _get(
        world.client(world.applicant),
        "/nominations/",
        5,
        django_assert_num_queries,
        shows=world.last_title,
    )


def test_nomination_detail(world, django_assert_num_queries):
    nomination = world.with_attachments(world.nominations[0])
    _get(
        world.client(world.applicant),
        f"/nominations/{nomination.pk}/view/",
        8,
        django_assert_num_queries,
        shows=world.last_attachment,
    )


def test_nomination_edit_form(world, django_assert_num_queries):
    world.set_state(NominationState.RETURNED)
    nomination = world.with_attachments(world.nominations[0])
    _get(
        world.client(world.applicant),
        f"/nominations/{nomination.pk}/",
        6,
        django_assert_num_queries,
        shows=world.last_attachment,
    )


def test_notifications(world, django_assert_num_queries):
    Notification.objects.bulk_create(
        Notification(user=world.applicant, message=f"消息{n}", link="/nominations/")
        for n in range(world.size)
    )
    _get(
        world.client(world.applicant),
        "/accounts/notifications/",
        4,
        django_assert_num_queries,
        shows=f"消息{world.size - 1}",
    )


# --- recommender and secretariat --------------------------------------------------------------


def test_recommender_list(world, django_assert_num_queries):
    world.set_state(NominationState.FILED)
    _get(
        world.client(world.recommender),
        "/reviews/recommend/",
        5,
        django_assert_num_queries,
        shows=world.last_title,
    )


def test_formal_check_list(world, django_assert_num_queries):
    world.set_state(NominationState.ENDORSED)
    _get(
        world.client(world.secretariat),
        "/reviews/check/",
        3,
        django_assert_num_queries,
        shows=world.last_title,
    )


def test_outbox(world, django_assert_num_queries):
    OutboxMessage.objects.bulk_create(
        OutboxMessage(recipient=world.applicant, subject=f"通知{n}", body="正文")
        for n in range(world.size)
    )
    OutboxMessage.objects.filter(
        pk__in=OutboxMessage.objects.values("pk")[: world.size // 2]
    ).update(released_at=timezone.now(), released_by=world.secretariat)
    _get(
        world.client(world.secretariat),
        "/accounts/outbox/",
        4,
        django_assert_num_queries,
        shows=f"通知{world.size - 1}",
    )


def test_panels(world, django_assert_num_queries):
    judges = UserFactory.create_batch(world.size, role=Role.JUDGE)
    _get(
        world.client(world.secretariat),
        "/reviews/panels/",
        7,
        django_assert_num_queries,
        shows=judges[-1].display_name,
    )


def test_assignments_board(world, django_assert_num_queries):
    world.set_state(NominationState.IN_REVIEW)
    _get(
        world.client(world.secretariat),
        f"/reviews/assignments/{world.category.pk}/",
        12,
        django_assert_num_queries,
        shows=world.last_title,
    )


def test_ranking_all_rows(world, django_assert_num_queries):
    _get(
        world.client(world.secretariat),
        f"/reviews/ranking/{world.category.pk}/",
        8,
        django_assert_num_queries,
        shows=world.last_title,
    )


def test_ranking_paginated(world, django_assert_num_queries):
    # The first pages of the plain ranking read the kept keys in their index's order (count,
    # the page's scored rows, the first one's rank), and the unscored nominations only when the
    # page reaches past the scored ones: here, while the category is smaller than a page.
    _get(
        world.client(world.secretariat),
        f"/reviews/ranking/{world.category.pk}/pages/",
        10 if world.size >= PAGE_SIZE else 11,
        django_assert_num_queries,
        shows=world.nominations[0].title if world.size <= 50 else "",
    )


def test_ranking_export(world, django_assert_num_queries):
    _get(
        world.client(world.secretariat),
        f"/documents/campaigns/{YEAR}/individual/ranking.xlsx",
        8,
        django_assert_num_queries,
    )


# --- the judges -------------------------------------------------------------------------------


def test_judge_task_list(world, django_assert_num_queries):
    _get(
        world.client(world.judge),
        "/reviews/tasks/",
        7,
        django_assert_num_queries,
        shows=world.last_title,
    )


def test_scoring_page(world, django_assert_num_queries):
    nomination = world.with_attachments(world.nominations[0])
    _get(
        world.client(world.judge),
        f"/reviews/tasks/{nomination.pk}/",
        12,
        django_assert_num_queries,
        shows=world.last_attachment,
    )


# --- the public -------------------------------------------------------------------------------


def test_public_notice(world, django_assert_num_queries):
    world.set_state(NominationState.ON_NOTICE)
    today = timezone.localdate()
    PublicNotice.objects.create(
        campaign=world.category.campaign,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=7),
        working_days=5,
        published_by=world.secretariat,
        published_at=timezone.now(),
    )
    _get(Client(), "/notice/", 3, django_assert_num_queries, shows=world.last_title)


def test_public_results(world, django_assert_num_queries):
    world.set_state(NominationState.AWARDED)
    Award.objects.bulk_create(
        Award(
            nomination=n,
            number=f"{YEAR}-YH-GR-{sequence:03d}",
            sequence=sequence,
            name=n.title,
            published_at=timezone.now(),
        )
        for sequence, n in enumerate(world.nominations, start=1)
    )
    _get(Client(), "/results/", 3, django_assert_num_queries, shows=world.last_title)
