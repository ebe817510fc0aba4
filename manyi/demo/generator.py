"""A generated campaign of any size, for the benchmarks (bench/) and for trying the pages at scale.

`generate_campaign(N)` creates one campaign year with N nominations spread over the six kinds,
the organizations they come from (regions × industries), their applicants and recommenders,
the regional committees, a panel of five judges per judged category, and for most nominations
the whole way through the review: filed, recommended (with a sealed page), accepted after the
formal check, assigned to the five judges of the panel and scored by each of them on every
criterion of the rubric (submitted reviews), so the ranking has something to rank.

Rows are written with bulk_create in a few large batches, not through the services: the point
is size, quickly (10,000 nominations in well under two minutes on SQLite and PostgreSQL). The
data keeps the rules the services enforce (scores within each criterion's maximum, self-scores
of 80 points or more, locked names copied at filing, one current endorsement, a mystery visit
behind every 服务验证 score, no judge scoring their own organization), so every page shows it as
it would show real filings.

Files: every filed nomination has one evidence file of `attachment_kb` KB (a PDF), a seal scan
once recommended and an honour certificate scan where the form has honours. Each is its own
Attachment row and path, but all the paths of one kind of file are hard links to one generated
file (a copy where links are impossible), so 10,000 one-megabyte attachments cost one megabyte.

Every account the generator creates has the password `BENCH_PASSWORD` (hashed once). Refused in
production.
"""

import datetime
import os
import random
import secrets
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from manyi.accounts.models import CommitteeScope, Organization, OrganizationKind, Role, User
from manyi.campaigns.models import Campaign, Category, CategoryKind
from manyi.campaigns.services import DATA_DIR, load_campaign
from manyi.demo.samples import PNG_1X1, valid_form
from manyi.demo.services import open_for_filing
from manyi.nominations.formspecs import FORMS
from manyi.nominations.models import (
    Attachment,
    Honour,
    Nomination,
    NominationState,
    SelfScore,
    Signature,
    Transition,
)
from manyi.nominations.queries import rubric_for
from manyi.nominations.services import locked_values
from manyi.reviews import judging, ranking
from manyi.reviews.models import (
    Assignment,
    Endorsement,
    FormalCheck,
    MysteryVisit,
    Panel,
    Review,
    ReviewState,
    Score,
)
from manyi.reviews.services import attestable

BENCH_PASSWORD = "manyi-bench"  # noqa: S105  (generated data only; refused in production)
JUDGES_PER_PANEL = 5
BATCH = 2000

# How a campaign's nominations spread over the kinds: most are individuals and teams.
KIND_SHARES = {
    CategoryKind.INDIVIDUAL: 0.40,
    CategoryKind.TEAM: 0.20,
    CategoryKind.MANAGER: 0.10,
    CategoryKind.UNIT: 0.08,
    CategoryKind.ACHIEVEMENT: 0.15,
    CategoryKind.COACHING_REQUEST: 0.07,
}
REGIONS = ("首府市", "北城市", "南湖市", "东山市", "西河市", "金川市", "石峰市", "绿洲市")
INDUSTRIES = ("电力", "通信", "金融", "水务", "燃气", "交通", "医疗", "邮政", "零售", "教育")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶"
GIVEN = "小满服务晓华建国秀英明丽伟芳敏静强磊军洋勇艳杰娟涛超霞平刚桂兰"
# Where a nomination of a judged kind stands (shares of the judged nominations).
STATE_SHARES = (
    (NominationState.DRAFT, 0.06),
    (NominationState.FILED, 0.04),
    (NominationState.ENDORSED, 0.04),
    (NominationState.CHECKED, 0.03),
    (NominationState.SCORED, 0.83),
)
PATH_TO = {  # the workflow moves that lead to each state (workflow.STEPS)
    NominationState.FILED: ("file",),
    NominationState.ENDORSED: ("file", "endorse"),
    NominationState.CHECKED: ("file", "endorse", "accept"),
    NominationState.SCORED: ("file", "endorse", "accept", "start_review", "finish_review"),
}
MOVES = {
    "file": (NominationState.DRAFT, NominationState.FILED),
    "endorse": (NominationState.FILED, NominationState.ENDORSED),
    "accept": (NominationState.ENDORSED, NominationState.CHECKED),
    "start_review": (NominationState.CHECKED, NominationState.IN_REVIEW),
    "finish_review": (NominationState.IN_REVIEW, NominationState.SCORED),
}


@dataclass
class Summary:
    year: int
    nominations: int
    by_kind: dict[str, int] = field(default_factory=dict)
    by_state: dict[str, int] = field(default_factory=dict)
    scores: int = 0
    attachments: int = 0
    applicants: list[str] = field(default_factory=list)
    judges: list[str] = field(default_factory=list)
    secretariat: str = ""
    categories: dict[str, int] = field(default_factory=dict)  # kind → category id
    seconds: float = 0.0


def split(total: int, shares: dict[str, float]) -> dict[str, int]:
    """`total` split by `shares` in whole numbers that add up to `total` (largest remainder)."""
    weight = sum(shares.values())
    exact = {kind: total * share / weight for kind, share in shares.items()}
    counts = {kind: int(value) for kind, value in exact.items()}
    left = total - sum(counts.values())
    for kind in sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)[:left]:
        counts[kind] += 1
    return counts


def generate_campaign(
    nominations: int,
    *,
    year: int,
    attachment_kb: int = 1024,
    kinds: Sequence[str] = (),
    all_scored: bool = False,
    applicants: int | None = None,
    seed: int = 2018,
) -> Summary:
    """Create the campaign of `year` with `nominations` nominations (see the module docstring).
    `kinds` limits the kinds (default: all six, by KIND_SHARES); `all_scored` puts every judged
    nomination through the review. Refused in production and when the year exists."""
    if getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured("生成的测试数据不能载入生产环境（MANYI_ENV=production）。")
    started = timezone.now()
    rng = random.Random(seed)  # noqa: S311  (reproducible sample data, not secrets)
    with transaction.atomic():
        summary = _generate(
            nominations,
            year=year,
            attachment_kb=attachment_kb,
            kinds=kinds,
            all_scored=all_scored,
            applicant_count=applicants,
            rng=rng,
        )
        # the reviews were written in bulk: the kept rankings are computed once, at the end
        ranking.refresh_campaign(Campaign.objects.get(year=year).pk)
    summary.seconds = (timezone.now() - started).total_seconds()
    return summary


def _campaign(year: int) -> Campaign:
    """The 2018 campaign's rules and rubrics, as the campaign of `year`, open for filing today."""
    data = yaml.safe_load((DATA_DIR / "campaigns" / "2018.yaml").read_text(encoding="utf-8"))
    data["year"] = year
    data["title"] = str(data["title"]).replace("2018", str(year))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{year}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        campaign = load_campaign(path)
    open_for_filing(campaign)
    return campaign


def _organizations(count: int) -> tuple[list[Organization], list[Organization], Organization]:
    """Employers (region × industry), one regional committee per region, and the expert pool
    the judges belong to (so no judge works for a candidate's organization)."""
    wanted = [
        Organization(
            name=f"{REGIONS[i % len(REGIONS)]}{INDUSTRIES[(i // len(REGIONS)) % len(INDUSTRIES)]}"
            f"服务有限公司{i + 1:04d}",
            kind=OrganizationKind.EMPLOYER,
            region=REGIONS[i % len(REGIONS)],
            sector=INDUSTRIES[(i // len(REGIONS)) % len(INDUSTRIES)],
        )
        for i in range(count)
    ]
    committees = [
        Organization(
            name=f"{region}用户满意工作委员会",
            kind=OrganizationKind.COMMITTEE,
            committee_scope=CommitteeScope.REGION,
            region=region,
        )
        for region in REGIONS
    ]
    pool = Organization(
        name="评选专家库（生成数据）",
        kind=OrganizationKind.EMPLOYER,
        region="首府市",
        sector="质量",
    )
    everything = [*wanted, *committees, pool]
    existing = set(
        Organization.objects.filter(name__in=[o.name for o in everything]).values_list(
            "name", flat=True
        )
    )
    Organization.objects.bulk_create([o for o in everything if o.name not in existing], BATCH)
    by_name = {
        o.name: o for o in Organization.objects.filter(name__in=[o.name for o in everything])
    }
    return (
        [by_name[o.name] for o in wanted],
        [by_name[o.name] for o in committees],
        by_name[pool.name],
    )


def _users(specs: list[tuple[str, str, str, Organization | None]], password: str) -> list[User]:
    """Users (username, display name, role, organization), all with the same password hash."""
    User.objects.bulk_create(
        [
            User(
                username=username,
                display_name=name,
                role=role,
                organization=organization,
                password=password,
                email=f"{username}@bench.example.com",
                is_staff=role == Role.SECRETARIAT,
            )
            for username, name, role, organization in specs
        ],
        BATCH,
    )
    by_name = {u.username: u for u in User.objects.filter(username__in=[s[0] for s in specs])}
    return [by_name[s[0]] for s in specs]


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))


def _shared_file(kind: str, size_kb: int) -> Path:
    """One generated file per kind and size, under MEDIA_ROOT/bench-source/, linked to by every
    attachment of that kind."""
    folder = Path(settings.MEDIA_ROOT) / "bench-source"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}-{size_kb}k"
    if not path.exists():
        if kind == "pdf":
            head = b"%PDF-1.4\n% manyi bench attachment\n"
            tail = b"\n%%EOF\n"
            body = os.urandom(max(0, size_kb * 1024 - len(head) - len(tail)))
            path.write_bytes(head + body + tail)
        else:
            path.write_bytes(PNG_1X1)
    return path


def _link(source: Path, name: str) -> None:
    target = Path(settings.MEDIA_ROOT) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _generate(
    total: int,
    *,
    year: int,
    attachment_kb: int,
    kinds: Sequence[str],
    all_scored: bool,
    applicant_count: int | None,
    rng: random.Random,
) -> Summary:
    campaign = _campaign(year)
    categories = {c.kind: c for c in campaign.categories.select_related("rubric")}
    shares = {k: s for k, s in KIND_SHARES.items() if not kinds or k in kinds}
    counts = split(total, shares)
    summary = Summary(year=year, nominations=total, by_kind=dict(counts))
    summary.categories = {kind: c.pk for kind, c in categories.items()}
    password = make_password(BENCH_PASSWORD)
    prefix = f"b{year}"

    employers, committees, pool = _organizations(max(20, total // 25))
    recommenders = _users(
        [(f"{prefix}_rec{i}", _person(rng), Role.RECOMMENDER, o) for i, o in enumerate(employers)],
        password,
    )
    recommender_of = {u.organization_id: u for u in recommenders}
    committee_users = _users(
        [(f"{prefix}_com{i}", _person(rng), Role.COMMITTEE, o) for i, o in enumerate(committees)],
        password,
    )
    committee_of = {u.organization.region: u for u in committee_users}
    people = applicant_count or max(50, total // 4)
    applicant_users = _users(
        [
            (f"{prefix}_app{i}", _person(rng), Role.APPLICANT, employers[i % len(employers)])
            for i in range(people)
        ],
        password,
    )
    (secretariat,) = _users(
        [(f"{prefix}_sec", "秘书处（生成数据）", Role.SECRETARIAT, None)], password
    )
    judged = [k for k in counts if k != CategoryKind.COACHING_REQUEST]
    judge_users = _users(
        [
            (f"{prefix}_judge{i}", f"{_person(rng)}专家", Role.JUDGE, pool)
            for i in range(JUDGES_PER_PANEL * len(judged))
        ],
        password,
    )
    panels = {}
    for index, kind in enumerate(judged):
        panel = Panel.objects.create(campaign=campaign, category=categories[kind])
        members = judge_users[index * JUDGES_PER_PANEL : (index + 1) * JUDGES_PER_PANEL]
        panel.judges.set(members)
        panels[kind] = members
    summary.applicants = [u.username for u in applicant_users]
    summary.judges = [u.username for u in judge_users]
    summary.secretariat = secretariat.username

    # The nominations, kind by kind, with the state each stands in.
    now = timezone.now()
    filed_at = now - datetime.timedelta(days=20)
    rubrics = {kind: rubric_for(categories[kind]) for kind in counts}
    judging_rubrics = {kind: judging.judging_rubric(categories[kind]) for kind in counts}
    rows: list[Nomination] = []
    for kind, count in counts.items():
        category = categories[kind]
        spec = FORMS[kind]
        template = valid_form(kind, category if rubrics[kind] else None)
        criteria = (
            [(c.pk, c.max_points) for i in rubrics[kind].items.all() for c in i.criteria.all()]
            if rubrics[kind]
            else []
        )
        for number in range(count):
            if kind == CategoryKind.COACHING_REQUEST:
                state = NominationState.FILED
            elif all_scored:
                state = NominationState.SCORED
            else:
                state = rng.choices(*zip(*STATE_SHARES, strict=True))[0]
            data = dict(template)
            name = _name_of(kind, number, rng)
            if spec.name_field:
                data[spec.name_field] = name
            if "signer" in data and kind in {"individual", "manager"}:
                data["signer"] = name
            for pk, maximum in criteria:  # 自评: 80 points or more
                data[f"score_{pk}"] = str(maximum - (1 if rng.random() < 0.15 else 0))
            if kind == CategoryKind.UNIT:
                data["satisfaction_score"] = f"{rng.uniform(80, 98):.1f}"
                applicant = committee_users[number % len(committee_users)]
                organization = applicant.organization
            else:
                applicant = applicant_users[(len(rows) + number) % len(applicant_users)]
                organization = applicant.organization
            locked_name, locked_members = (
                locked_values(spec, data) if state != NominationState.DRAFT else ("", [])
            )
            rows.append(
                Nomination(
                    campaign=campaign,
                    category=category,
                    applicant=applicant,
                    organization=organization,
                    state=state,
                    title=name[:200],
                    data=data,
                    locked_name=locked_name,
                    locked_members=locked_members,
                    version=len(PATH_TO.get(state, ())) + 2,
                    filed_at=None if state == NominationState.DRAFT else filed_at,
                )
            )
    created = Nomination.objects.bulk_create(rows, BATCH)
    nominations = list(
        Nomination.objects.filter(campaign=campaign)
        .select_related("category", "organization")
        .order_by("pk")
    )
    assert len(nominations) == len(created)  # noqa: S101  (bulk_create wrote every row)
    for n in nominations:
        summary.by_state[n.state] = summary.by_state.get(n.state, 0) + 1

    evidence = _shared_file("pdf", attachment_kb)
    scan = _shared_file("png", 0)
    self_scores: list[SelfScore] = []
    signatures: list[Signature] = []
    transitions: list[Transition] = []
    attachments: list[tuple[Attachment, Path]] = []
    honours: list[tuple[Nomination, Attachment]] = []
    seals: list[tuple[Nomination, Attachment]] = []
    attested = {}
    for kind in counts:
        sample = next((n for n in nominations if n.category.kind == kind), None)
        attested[kind] = attestable(sample) if sample is not None else []

    def attachment(nomination: Nomination, slot: str, source: Path, name: str, kind: str, by):
        token = secrets.token_hex(16)
        row = Attachment(
            nomination=nomination,
            slot=slot,
            token=token,
            file=f"nominations/{nomination.pk}/{slot}/{token}",
            original_name=name,
            file_kind=kind,
            size=source.stat().st_size,
            uploaded_by=by,
        )
        attachments.append((row, source))
        return row

    for n in nominations:
        if n.state == NominationState.DRAFT:
            continue
        kind = n.category.kind
        spec = FORMS[kind]
        for pk, _maximum in (
            [(c.pk, c.max_points) for i in rubrics[kind].items.all() for c in i.criteria.all()]
            if rubrics[kind]
            else []
        ):
            self_scores.append(
                SelfScore(nomination=n, criterion_id=pk, points=int(n.data[f"score_{pk}"]))
            )
        if spec.commitment and n.data.get("signer"):
            signatures.append(Signature(nomination=n, name=n.data["signer"], signed_at=filed_at))
        attachment(n, "evidence", evidence, "证实性材料.pdf", "pdf", n.applicant)
        if spec.has_honours:
            honours.append((n, attachment(n, "honour_scan", scan, "证书.png", "png", n.applicant)))
        source = NominationState.DRAFT
        for step, action in enumerate(PATH_TO[n.state]):
            by = n.applicant if action == "file" else secretariat
            if action == "endorse":
                by = _recommender(n, recommender_of, committee_of)
                seals.append((n, attachment(n, "seal", scan, "推荐表盖章页.png", "png", by)))
            transitions.append(
                Transition(
                    nomination=n,
                    action=action,
                    source=source,
                    target=MOVES[action][1],
                    by=by,
                    at=filed_at + datetime.timedelta(days=step, minutes=n.pk % 600),
                )
            )
            source = MOVES[action][1]

    # Files first (hard links), then their rows.
    for row, source in attachments:
        _link(source, row.file.name)
    Attachment.objects.bulk_create([row for row, _source in attachments], BATCH)
    summary.attachments = len(attachments)
    SelfScore.objects.bulk_create(self_scores, BATCH)
    Signature.objects.bulk_create(signatures, BATCH)
    Transition.objects.bulk_create(transitions, BATCH)
    Honour.objects.bulk_create(
        [
            Honour(
                nomination=n,
                awarded_on=datetime.date(year - 1, 5, 1),
                issuer="自治区总工会",
                name="优秀服务标兵",
                level="provincial",
                scan=row,
            )
            for n, row in honours
        ],
        BATCH,
    )
    Endorsement.objects.bulk_create(
        [
            Endorsement(
                nomination=n,
                organization_id=n.organization_id,
                by=_recommender(n, recommender_of, committee_of),
                opinion="该同志（单位）事迹突出，符合推荐条件，同意推荐。",
                signer="单位负责人",
                seal=row,
                attested=attested[n.category.kind],
                rank=1,
                at=filed_at + datetime.timedelta(days=1),
            )
            for n, row in seals
        ],
        BATCH,
    )
    checked = [
        n for n in nominations if n.state in (NominationState.CHECKED, NominationState.SCORED)
    ]
    FormalCheck.objects.bulk_create(
        [
            FormalCheck(
                nomination=n,
                by=secretariat,
                at=filed_at + datetime.timedelta(days=2),
                form_complete=True,
                seal_present=True,
                attachments_present=True,
                eligibility_met=True,
                outcome=FormalCheck.Outcome.ACCEPTED,
            )
            for n in checked
        ],
        BATCH,
    )
    summary.scores = _reviews(
        [n for n in nominations if n.state == NominationState.SCORED],
        panels=panels,
        rubrics=judging_rubrics,
        secretariat=secretariat,
        at=filed_at + datetime.timedelta(days=3),
        rng=rng,
    )
    return summary


def _recommender(n: Nomination, recommender_of: dict, committee_of: dict) -> User:
    if n.category.kind == CategoryKind.UNIT:
        return n.applicant  # a unit is filed by its committee, which recommends it
    return recommender_of.get(n.organization_id) or committee_of[n.organization.region]


def _name_of(kind: str, number: int, rng: random.Random) -> str:
    if kind in {CategoryKind.INDIVIDUAL, CategoryKind.MANAGER}:
        return _person(rng)
    if kind == CategoryKind.TEAM:
        return f"{rng.choice(REGIONS)}{rng.choice(INDUSTRIES)}营业厅服务{number + 1}班"
    if kind == CategoryKind.ACHIEVEMENT:
        return f"“{rng.choice(INDUSTRIES)}服务一次办”成果第{number + 1}号"
    return f"{rng.choice(REGIONS)}{rng.choice(INDUSTRIES)}示范单位{number + 1:04d}"


def _reviews(
    nominations: list[Nomination],
    *,
    panels: dict[str, list[User]],
    rubrics: dict,
    secretariat: User,
    at: datetime.datetime,
    rng: random.Random,
) -> int:
    """Five judges assigned to each nomination and a submitted review from each, every
    criterion scored within its maximum (a mystery visit behind every achievement's 服务验证)."""
    assignments, reviews = [], []
    for n in nominations:
        for judge in panels[n.category.kind]:
            assignments.append(
                Assignment(nomination=n, judge=judge, assigned_by=secretariat, assigned_at=at)
            )
            reviews.append(
                Review(
                    nomination=n,
                    judge=judge,
                    state=ReviewState.SUBMITTED,
                    comment="事迹突出，材料翔实，符合推荐条件。",
                    recommends=(rng.random() < 0.7) if n.category.kind == "unit" else None,
                    submitted_at=at + datetime.timedelta(hours=1),
                )
            )
    Assignment.objects.bulk_create(assignments, BATCH)
    Review.objects.bulk_create(reviews, BATCH)
    criteria = {
        kind: [(c.pk, c.max_points) for _item, c in judging.criteria_with_items(rubric)]
        for kind, rubric in rubrics.items()
    }
    review_ids = {
        (nomination_id, judge_id): pk
        for pk, nomination_id, judge_id in Review.objects.filter(
            nomination_id__in=[n.pk for n in nominations]
        ).values_list("pk", "nomination_id", "judge_id")
    }
    written = 0
    scores: list[Score] = []
    for n in nominations:
        quality = rng.uniform(0.70, 0.98)  # how good the candidate is, as the judges see it
        for judge in panels[n.category.kind]:
            review_id = review_ids[(n.pk, judge.pk)]
            for pk, maximum in criteria[n.category.kind]:
                points = round(maximum * min(1.0, max(0.0, quality + rng.uniform(-0.08, 0.08))))
                scores.append(Score(review_id=review_id, criterion_id=pk, points=points))
        if len(scores) >= 20 * BATCH:
            Score.objects.bulk_create(scores, BATCH)
            written += len(scores)
            scores = []
    Score.objects.bulk_create(scores, BATCH)
    written += len(scores)
    visits = [
        MysteryVisit(
            nomination=n,
            by=panels[n.category.kind][0],
            visited_on=at.date(),
            place="营业厅",
            finding="服务与承诺一致。",
        )
        for n in nominations
        if n.category.kind == CategoryKind.ACHIEVEMENT
    ]
    MysteryVisit.objects.bulk_create(visits, BATCH)
    return written


def ranked_category(year: int) -> Category | None:
    """The judged category of a generated campaign with the most scored nominations (the
    ranking the benchmark measures)."""
    return (
        Category.objects.filter(campaign__year=year)
        .exclude(kind__in=[CategoryKind.UNIT, CategoryKind.COACHING_REQUEST])
        .annotate(scored=Count("nominations", filter=Q(nominations__state=NominationState.SCORED)))
        .order_by("-scored", "pk")
        .first()
    )
