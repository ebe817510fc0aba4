"""Load the demo: the 2018 campaign and one account per role, all with the demo password.

Idempotent: what exists already is kept as it is, so `make run` can be run again safely.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from manyi.accounts.models import CommitteeScope, Organization, OrganizationKind, Role, User
from manyi.accounts.services import create_user
from manyi.campaigns.models import Campaign
from manyi.campaigns.services import DATA_DIR, load_campaign
from manyi.demo.samples import attach_requirements, png_upload, valid_form
from manyi.nominations import services as filing
from manyi.nominations.models import Nomination
from manyi.reviews import assignments, judging, objections, results
from manyi.reviews import services as review
from manyi.reviews.models import CalendarDay

DEMO_PASSWORD = "manyi-demo"  # noqa: S105  (the documented demo password; never in production)
DEMO_YEAR = 2018


@dataclass(frozen=True)
class DemoOrganization:
    name: str
    kind: OrganizationKind
    committee_scope: str = ""
    region: str = ""
    sector: str = ""


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: Role
    organization: str | None  # a DemoOrganization name


ORGANIZATIONS = [
    DemoOrganization(
        "自治区示范供电公司", OrganizationKind.EMPLOYER, region="首府市", sector="电力"
    ),
    DemoOrganization(
        "首府市用户满意工作委员会",
        OrganizationKind.COMMITTEE,
        committee_scope=CommitteeScope.REGION,
        region="首府市",
    ),
    DemoOrganization(
        "自治区示范通信公司", OrganizationKind.EMPLOYER, region="首府市", sector="通信"
    ),
    DemoOrganization("自治区示范银行", OrganizationKind.EMPLOYER, region="北城市", sector="金融"),
    DemoOrganization("自治区示范大学", OrganizationKind.EMPLOYER, region="首府市", sector="教育"),
    DemoOrganization(
        "自治区质量协会专家库", OrganizationKind.EMPLOYER, region="首府市", sector="质量"
    ),
]

ACCOUNTS = [
    DemoAccount("applicant", "王小满", Role.APPLICANT, "自治区示范供电公司"),
    DemoAccount("recommender", "李推荐", Role.RECOMMENDER, "自治区示范供电公司"),
    DemoAccount("committee", "赵用委", Role.COMMITTEE, "首府市用户满意工作委员会"),
    DemoAccount("secretariat", "刘老师", Role.SECRETARIAT, None),
    DemoAccount("judge1", "陈专家", Role.JUDGE, "自治区示范通信公司"),
    DemoAccount("judge2", "吴专家", Role.JUDGE, "自治区示范银行"),
    DemoAccount("judge3", "郑专家", Role.JUDGE, "自治区示范大学"),
    DemoAccount("judge4", "冯专家", Role.JUDGE, "自治区质量协会专家库"),
    DemoAccount("judge5", "周专家", Role.JUDGE, "自治区质量协会专家库"),
    # No judge works for the applicant's organization, so all five can score its filings;
    # judge1 works for 自治区示范通信公司, whose candidate 孙服务 they must stand aside from (回避).
]


@transaction.atomic
def load_demo(*, filings: bool = True) -> list[DemoAccount]:
    """Create what is missing of the demo and return its accounts; with `filings`, a new
    demo campaign also gets filings at every step. Refused in production."""
    if getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured("演示数据不能载入生产环境（MANYI_ENV=production）。")
    organizations = {
        spec.name: Organization.objects.get_or_create(
            name=spec.name,
            defaults={
                "kind": spec.kind,
                "committee_scope": spec.committee_scope,
                "region": spec.region,
                "sector": spec.sector,
            },
        )[0]
        for spec in ORGANIZATIONS
    }
    existing = set(
        User.objects.filter(username__in=[a.username for a in ACCOUNTS]).values_list(
            "username", flat=True
        )
    )
    for account in ACCOUNTS:
        if account.username in existing:
            continue
        create_user(
            account.username,
            password=DEMO_PASSWORD,
            display_name=account.display_name,
            role=account.role,
            organization=organizations[account.organization] if account.organization else None,
            email=f"{account.username}@example.com",
        )
    if not Campaign.objects.filter(year=DEMO_YEAR).exists():
        campaign = load_campaign(DATA_DIR / "campaigns" / f"{DEMO_YEAR}.yaml")
        open_for_filing(campaign)
        if filings:
            load_filings(campaign)
    return ACCOUNTS


# Candidates of other organizations, so the review has more than one nomination to compare.
OTHER_CANDIDATES = [
    ("sun", "孙服务", "自治区示范通信公司", "钱推荐"),
    ("zhou_yw", "周营业", "自治区示范银行", "吴推荐"),
    ("he", "何柜员", "自治区示范银行", "吴推荐"),
]


def load_filings(campaign: Campaign) -> None:
    """Filings at every step of the workflow, made through the same services as the pages:
    a draft, filings awaiting recommendation, recommended ones awaiting the formal check, and
    accepted ones ready for the judges."""
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["applicant", "recommender", "committee", "secretariat"]
        )
    }
    checklist = dict.fromkeys(review.CHECK_ITEMS, True)

    def file(kind: str, by: User, *, draft: bool = False, **changes: str):
        category = campaign.categories.get(kind=kind)
        nomination = filing.start_nomination(category, by=by)
        filing.save_draft(nomination, valid_form(kind, category) | changes, by=by)
        if draft:
            return nomination
        attach_requirements(nomination, by)
        return filing.file_nomination(nomination, by=by)

    def endorse(nomination, by: User, *, check: bool = False) -> None:
        review.endorse(
            nomination,
            by=by,
            opinion="该同志（单位）事迹突出，符合推荐条件，同意推荐。",
            signer="单位负责人",
            seal=png_upload("推荐表盖章页.png"),
            attested=review.attestable(nomination),
        )
        if check:
            review.formal_check(nomination, by=users["secretariat"], items=checklist)

    applicant, recommender = users["applicant"], users["recommender"]
    endorse(file("individual", applicant), recommender, check=True)
    file("team", applicant)
    endorse(file("achievement", applicant), recommender, check=True)
    file("coaching_request", applicant)
    file("manager", applicant, draft=True)
    endorse(file("unit", users["committee"]), users["committee"])
    for username, name, organization_name, recommender_name in OTHER_CANDIDATES:
        organization = Organization.objects.get(name=organization_name)
        person = _quiet_user(username, name, Role.APPLICANT, organization)
        their_recommender = _quiet_user(
            f"rec_{organization.pk}", recommender_name, Role.RECOMMENDER, organization
        )
        nomination = file("individual", person, name=name, signer=name, employer=organization_name)
        endorse(nomination, their_recommender, check=True)
    load_review(campaign, users["secretariat"])


def load_review(campaign: Campaign, secretariat: User) -> None:
    """The review under way: panels; the individuals scored by the judges, ranked, the best two
    proposed, decided and on public notice with one objection; the achievement being scored."""
    judges = list(User.objects.filter(username__in=[f"judge{i}" for i in range(1, 6)]))
    individual = campaign.categories.get(kind="individual")
    achievement = campaign.categories.get(kind="achievement")
    for category in (individual, achievement):
        assignments.set_panel(category, judges=judges, by=secretariat)
        assignments.auto_assign(category, by=secretariat)
    # Each judge scores every individual assigned to them, a little differently (by the
    # candidates' order of name, so every database gives the same scores).
    order = {
        pk: index
        for index, pk in enumerate(
            Nomination.objects.filter(category=individual)
            .order_by("title")
            .values_list("pk", flat=True)
        )
    }
    rubric = judging.judging_rubric(individual)
    for offset, judge in enumerate(sorted(judges, key=lambda j: j.username)):
        for nomination in Nomination.objects.filter(
            category=individual, assignments__judge=judge, assignments__released_at__isnull=True
        ).order_by("title"):
            points = {
                criterion.pk: max(0, criterion.max_points - (offset + order[nomination.pk]) % 4)
                for _item, criterion in judging.criteria_with_items(rubric)
            }
            sheet = judging.Sheet(points=points, comment="事迹突出，材料翔实，符合推荐条件。")
            judging.submit_review(nomination, judge=judge, sheet=sheet)
    assignments.finish_complete(individual, by=secretariat)
    # The achievement: the first judge has a draft (the 服务验证 waits for the mystery visit).
    report = Nomination.objects.filter(category=achievement).first()
    first = (
        report.assignments.filter(released_at__isnull=True).order_by("pk").first()
        if report
        else None
    )
    if first is not None:
        judging.save_scores(
            report, judge=first.judge, sheet=judging.Sheet(comment="待神秘客暗访核实。")
        )
    # Proposal, the committee's decision and the public notice with one objection.
    results.propose(individual, by=secretariat, quota=2)
    results.record_decision(
        individual,
        by=secretariat,
        decided_on=timezone.localdate(),
        votes_for=7,
        minutes=png_upload("评审委员会会议纪要.png"),
    )
    for path in sorted((DATA_DIR / "calendar").glob("*.yaml")):
        results.import_calendar(path)
    today = timezone.localdate()
    for year in (today.year, today.year + 1):  # 元旦 (1月1日) is a public holiday every year
        CalendarDay.objects.get_or_create(
            day=datetime.date(year, 1, 1), defaults={"kind": "holiday", "name": "元旦"}
        )
    notice = results.open_notice(campaign, by=secretariat, starts_on=last_working_day(today))
    on_notice = Nomination.objects.filter(state="on_notice").order_by("pk").first()
    objections.lodge_objection(
        notice,
        nomination_id=on_notice.pk,
        name="张群众",
        contact="13912345678",
        grounds="所附荣誉证书的获奖时间与事实不符，请予核实。",
    )


def last_working_day(day: datetime.date) -> datetime.date:
    """The latest working day on or before `day`, by the holiday calendar."""
    calendar = results.work_calendar(day - datetime.timedelta(days=31))
    while not calendar.is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def _quiet_user(username: str, name: str, role: Role, organization: Organization) -> User:
    """A person of the demo data who does not log in (no usable password)."""
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"display_name": name, "role": role, "organization": organization},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def open_for_filing(campaign: Campaign, today: datetime.date | None = None) -> None:
    """The demo keeps the 2018 rules and rubrics (2017年用户满意度, 2017年12月1日后) but moves its
    dates so that filing is open on the day the demo is first loaded."""
    today = today or timezone.localdate()
    day = datetime.timedelta(days=1)
    campaign.filing_opens = today - 30 * day
    campaign.coaching_request_deadline = today + 30 * day
    campaign.filing_closes = today + 60 * day
    campaign.recommendation_deadline = today + 75 * day
    campaign.review_starts = today + 76 * day
    campaign.review_ends = today + 100 * day
    campaign.notice_starts = today + 101 * day
    campaign.notice_ends = today + 107 * day
    campaign.published_on = today + 110 * day
    campaign.full_clean()
    campaign.save()
