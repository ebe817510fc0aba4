"""The permission matrix: for every URL of the project, who may use it.

One table (`MATRIX`) declares, for each URL name, the methods tried, the personas allowed and
the URL's arguments (taken from real objects of the demo review, built once for the module).
Every persona not allowed is refused. A URL with no row fails `test_every_url_is_declared`.

- allowed: 2xx or 3xx other than a redirect to the login page; an empty POST may also give a
  400 form error;
- refused: 403 or 404, or a redirect to the login page (401 for an htmx request);
- never a 500, and a refused POST changes nothing (states, versions and row counts).

`MIXED` adds the crossed arguments: a nomination one may use with a file or honour of another.
A hole found is listed in `KNOWN_HOLES` (a strict xfail) until the application is fixed.

The admin (`/admin/`) is left to Django's admin (is_staff and the `rules` permissions); one test
checks that the roles without is_staff are sent to its login page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from manyi.accounts.models import Organization, Role
from manyi.demo.services import load_demo
from manyi.documents.digest import verification_code
from manyi.nominations import services as filing
from manyi.nominations.models import Nomination, NominationState
from manyi.privacy.models import Consent
from manyi.reviews import objections
from manyi.reviews.models import Assignment, Decision, Endorsement, Objection, PublicNotice, Review
from manyi.testing import UserFactory, png_upload

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
PERSONAS = (
    ANONYMOUS,
    "applicant",
    "other_applicant",
    "recommender",
    "committee",
    "secretariat",
    "judge",
    "conflicted_judge",
)

# --- who -----------------------------------------------------------------------------------
EVERYONE = frozenset(PERSONAS)
SIGNED_IN = EVERYONE - {ANONYMOUS}
NOBODY: frozenset[str] = frozenset()
SECRETARIAT = frozenset({"secretariat"})
JUDGES = frozenset({"judge", "conflicted_judge"})
JUDGE = frozenset({"judge"})  # assigned, not conflicted
OWNER = frozenset({"applicant"})
APPLICANTS = frozenset({"applicant", "other_applicant"})
RECOMMENDERS = frozenset({"recommender", "committee"})
# Who may see a filed nomination of the applicant: its owner, its organization's recommender,
# the secretariat (`nominations.view_nomination`).
SEES_FILING = frozenset({"applicant", "recommender", "secretariat"})
# Who may see the applicant's draft: the owner and the secretariat (recommenders never see drafts).
SEES_DRAFT = frozenset({"applicant", "secretariat"})


@dataclass(frozen=True)
class Row:
    methods: tuple[str, ...]
    allowed: frozenset[str]
    kwargs: Callable[["Scenario"], dict[str, Any]] = lambda s: {}


GET, POST, BOTH = ("GET",), ("POST",), ("GET", "POST")


def achievements(s: "Scenario") -> dict[str, Any]:
    """The category being scored (the applicant's achievement)."""
    return {"category_id": s.achievement_category}


def api_token_of(user) -> int:
    """A personal API token of `user` (created in the test's savepoint)."""
    from manyi.api.services import issue_token

    return issue_token(user, name="matrix").token.pk


def individuals(s: "Scenario") -> dict[str, Any]:
    """The category scored, ranked, decided and on notice."""
    return {"category_id": s.individual_category}


def archive_job(s: "Scenario") -> dict[str, Any]:
    """A finished archive job of the demo campaign (its file written on first use)."""
    from manyi.documents.tests.helpers import finished_job

    return {"pk": finished_job(s.individual.campaign, s.users["secretariat"]).pk}


# fmt: off
MATRIX: dict[str, Row] = {
    # public pages
    "campaigns:home": Row(GET, EVERYONE),
    "core:healthz": Row(GET, EVERYONE),
    "accounts:login": Row(GET, EVERYONE),  # a signed-in user is redirected home
    "accounts:logout": Row(POST, EVERYONE),
    "public:notice": Row(GET, EVERYONE),
    "public:object": Row(BOTH, EVERYONE),  # anyone may object (异议), under a real name
    "public:results": Row(GET, EVERYONE),
    "public:verify": Row(GET, EVERYONE),
    # accounts
    "accounts:account": Row(GET, SIGNED_IN),
    "accounts:password_change": Row(BOTH, SIGNED_IN),
    "accounts:notifications": Row(GET, SIGNED_IN),
    "accounts:outbox": Row(GET, SECRETARIAT),
    "accounts:release_outbox": Row(POST, SECRETARIAT),
    # audit trail (read only) and TOTP two-factor login (secretariat and judges)
    "audit:list": Row(GET, SECRETARIAT),
    "twofactor:settings": Row(GET, SECRETARIAT | JUDGES),
    "twofactor:enable": Row(BOTH, SECRETARIAT | JUDGES),
    "twofactor:disable": Row(POST, SECRETARIAT | JUDGES),  # an empty POST: 400, nothing off
    # the code step exists only after a password step, else to login (its POST, hostile
    # input included: manyi/twofactor/tests)
    "twofactor:verify": Row(GET, NOBODY),
    # nominations: the applicant's draft (manager form) and filed individual
    "nominations:list": Row(GET, SIGNED_IN),
    "nominations:new": Row(BOTH, APPLICANTS, lambda s: {"kind": "individual"}),
    # the secretariat may open the draft: it is redirected to the read-only page
    "nominations:edit": Row(BOTH, SEES_DRAFT, lambda s: {"pk": s.draft.pk}),
    "nominations:detail": Row(GET, SEES_FILING, lambda s: {"pk": s.individual.pk}),
    "nominations:file": Row(POST, OWNER, lambda s: {"pk": s.draft.pk}),
    "nominations:upload": Row(
        POST, OWNER, lambda s: {"pk": s.draft.pk, "slot": s.draft_attachment.slot}
    ),
    "nominations:download": Row(
        GET, SEES_FILING,
        lambda s: {"pk": s.individual.pk, "attachment_id": s.individual_attachment.pk},
    ),
    "nominations:delete_attachment": Row(
        POST, OWNER, lambda s: {"pk": s.draft.pk, "attachment_id": s.draft_attachment.pk}
    ),
    "nominations:add_honour": Row(POST, OWNER, lambda s: {"pk": s.draft.pk}),
    "nominations:delete_honour": Row(
        POST, OWNER, lambda s: {"pk": s.draft.pk, "honour_id": s.honour.pk}
    ),
    # documents
    "documents:form_docx": Row(GET, SEES_FILING, lambda s: {"pk": s.individual.pk}),
    "documents:form_pdf": Row(GET, SEES_FILING, lambda s: {"pk": s.individual.pk}),
    "documents:blank_docx": Row(GET, SIGNED_IN, lambda s: {"kind": "individual"}),
    "documents:verify_lookup": Row(GET, SIGNED_IN),
    "documents:verify": Row(GET, SEES_FILING, lambda s: {"code": s.code}),
    # the campaign archive (a background job) and the import of filled forms: the secretariat
    "documents:archives": Row(BOTH, SECRETARIAT),
    "documents:archive_progress": Row(GET, SECRETARIAT, archive_job),
    "documents:archive_download": Row(GET, SECRETARIAT, archive_job),
    "documents:import_forms": Row(BOTH, SECRETARIAT),
    # recommendation (推荐) of the applicant's filed team, and the formal check (形式审查)
    "reviews:recommend_list": Row(GET, RECOMMENDERS),
    "reviews:recommend": Row(BOTH, frozenset({"recommender"}), lambda s: {"pk": s.team.pk}),
    "reviews:move": Row(
        POST, frozenset({"recommender"}), lambda s: {"endorsement_id": s.endorsement.pk}
    ),
    "reviews:check_list": Row(GET, SECRETARIAT),
    "reviews:check": Row(BOTH, SECRETARIAT, lambda s: {"pk": s.unit.pk}),
    "reviews:refuse_overdue": Row(POST, SECRETARIAT),
    "reviews:accept_many": Row(POST, SECRETARIAT),
    # panels and assignments (the secretariat)
    "reviews:panels": Row(GET, SECRETARIAT),
    "reviews:set_panel": Row(POST, SECRETARIAT, achievements),
    "reviews:assignments": Row(GET, SECRETARIAT, achievements),
    "reviews:auto_assign": Row(POST, SECRETARIAT, achievements),
    "reviews:assign_judge": Row(POST, SECRETARIAT, achievements),
    "reviews:finish_review": Row(POST, SECRETARIAT, achievements),
    "reviews:unassign": Row(POST, SECRETARIAT, lambda s: {"assignment_id": s.assignment.pk}),
    "reviews:reopen_review": Row(POST, SECRETARIAT, lambda s: {"review_id": s.review.pk}),
    # scoring (the judges): the applicant's achievement, being scored
    "reviews:judge_tasks": Row(GET, JUDGES),
    "reviews:score": Row(BOTH, JUDGE, lambda s: {"pk": s.achievement.pk}),
    "reviews:declare_conflict": Row(BOTH, JUDGE, lambda s: {"pk": s.achievement.pk}),
    "reviews:mystery_visit": Row(POST, JUDGE, lambda s: {"pk": s.achievement.pk}),
    "reviews:judge_file": Row(
        GET, JUDGE,
        lambda s: {"pk": s.achievement.pk, "attachment_id": s.achievement_attachment.pk},
    ),
    # ranking, decision, notice, objections, results (the secretariat)
    "reviews:ranking_index": Row(GET, SECRETARIAT),
    "reviews:ranking": Row(GET, SECRETARIAT, individuals),
    # Exports and certificates (the demo's results are not published: 404 for the secretariat
    # counts as refused, so the certificates are checked by their own tests).
    "documents:nominations_xlsx": Row(
        GET, SECRETARIAT, lambda s: {"year": 2018, "kind": "individual"}
    ),
    "documents:ranking_xlsx": Row(GET, SECRETARIAT, lambda s: {"year": 2018, "kind": "individual"}),
    "documents:plaques_xlsx": Row(GET, SECRETARIAT, lambda s: {"year": 2018}),
    "documents:score_sheets_xlsx": Row(
        GET, SECRETARIAT, lambda s: {"year": 2018, "kind": "individual"}
    ),
    # Nobody while the demo's results are unpublished (404 even for the secretariat);
    # who may download published certificates: documents/tests/test_certificates.py.
    "documents:certificates_pdf": Row(GET, frozenset(), lambda s: {"year": 2018}),
    "reviews:ranking_paged": Row(
        GET, SECRETARIAT, individuals
    ),
    "reviews:propose": Row(BOTH, SECRETARIAT, individuals),
    "reviews:decision": Row(BOTH, SECRETARIAT, individuals),
    "reviews:decision_minutes": Row(GET, SECRETARIAT, lambda s: {"pk": s.decision.pk}),
    "reviews:notice_admin": Row(BOTH, SECRETARIAT),
    "reviews:objection": Row(BOTH, SECRETARIAT, lambda s: {"pk": s.objection.pk}),
    "reviews:objection_evidence": Row(
        GET, SECRETARIAT,
        lambda s: {"pk": s.objection.pk, "evidence_id": s.evidence.pk},
    ),
    "reviews:publish": Row(POST, SECRETARIAT),
    # personal API tokens (the API itself: manyi/api/tests/test_api_matrix.py)
    "api:tokens": Row(BOTH, SIGNED_IN),
    "api:revoke": Row(POST, OWNER, lambda s: {"pk": api_token_of(s.users["applicant"])}),
    "api_not_found": Row(GET, NOBODY, lambda s: {"rest": "v0/nothing"}),
    # the secretariat's dashboard and the download of a chart's numbers
    "dashboard:index": Row(GET, SECRETARIAT),
    "dashboard:campaign": Row(GET, SECRETARIAT, lambda s: {"year": 2018}),
    "dashboard:download": Row(
        GET, SECRETARIAT, lambda s: {"year": 2018, "slug": "agreement", "fmt": "xlsx"}
    ),
    # personal information (manyi/privacy): registration, the notice, one's own data, erasure
    "privacy:register": Row(BOTH, EVERYONE),  # a signed-in user is redirected home
    "privacy:notice": Row(GET, EVERYONE),
    "privacy:mine": Row(GET, SIGNED_IN),
    "privacy:download": Row(GET, SIGNED_IN),
    "privacy:withdraw": Row(
        POST, OWNER,
        lambda s: {"pk": Consent.objects.get(nomination=s.team, purpose="publication").pk},
    ),
    "privacy:people": Row(GET, SECRETARIAT),
    # before the retention period the erasure is refused with the date: nothing changes
    "privacy:erase": Row(POST, SECRETARIAT, lambda s: {"user_id": s.users["other_applicant"].pk}),
}
# fmt: on

# Holes found by this matrix, to be fixed in the application: (url name, persona, method).
KNOWN_HOLES: dict[tuple[str, str, str], str] = {}


# --- the scenario ---------------------------------------------------------------------------


@dataclass
class Scenario:
    users: dict[str, Any]
    draft: Nomination  # the applicant's manager form, a draft with attachments and an honour
    draft_attachment: Any
    honour: Any
    team: Nomination  # filed, awaiting recommendation
    individual: Nomination  # scored and decided
    individual_attachment: Any
    code: str
    achievement: Nomination  # being scored by the judges
    achievement_attachment: Any
    unit: Nomination  # filed by the committee, endorsed, awaiting the formal check
    endorsement: Endorsement
    individual_category: int
    achievement_category: int
    assignment: Assignment
    review: Review
    decision: Decision
    objection: Objection
    evidence: Any


def build_scenario() -> Scenario:
    load_demo()
    users = {u.username: u for u in apps.get_model("accounts", "User").objects.all()}
    applicant = users["applicant"]
    mine = Nomination.objects.filter(applicant=applicant)
    draft = mine.get(state=NominationState.DRAFT)
    evidence = filing.add_attachment(draft, "evidence", png_upload("证明.png"), by=applicant)
    honour = filing.add_honour(
        draft,
        awarded_on=draft.campaign.filing_opens,
        issuer="示范单位",
        name="优质服务奖",
        level="unit",
        scan=png_upload(),
        by=applicant,
    )
    achievement = mine.get(category__kind="achievement")
    assignment = achievement.assignments.filter(released_at__isnull=True).order_by("pk").first()
    judge = assignment.judge
    conflicted_judge = UserFactory(
        username="conflicted",
        role=Role.JUDGE,
        organization=Organization.objects.get(pk=applicant.organization_id),
    )
    individual = mine.get(category__kind="individual")
    notice = PublicNotice.objects.get()
    objection = objections.lodge_objection(
        notice,
        nomination_id=Nomination.objects.filter(state="on_notice").order_by("pk").first().pk,
        name="李群众",
        contact="13800000000",
        grounds="荣誉证书存疑。",
        evidence=[png_upload("证据.png")],
    )
    return Scenario(
        users={
            "applicant": applicant,
            "other_applicant": users["sun"],
            "recommender": users["recommender"],
            "committee": users["committee"],
            "secretariat": users["secretariat"],
            "judge": judge,
            "conflicted_judge": conflicted_judge,
        },
        draft=draft,
        draft_attachment=evidence,
        honour=honour,
        team=mine.get(category__kind="team"),
        individual=individual,
        individual_attachment=individual.attachments.first(),
        code=verification_code(individual),
        achievement=achievement,
        achievement_attachment=achievement.attachments.first(),
        unit=Nomination.objects.get(category__kind="unit"),
        endorsement=Endorsement.objects.get(nomination=achievement),
        individual_category=individual.category_id,
        achievement_category=achievement.category_id,
        assignment=assignment,
        review=Review.objects.filter(nomination=individual, judge=judge).get(),
        decision=Decision.objects.get(category_id=individual.category_id),
        objection=objection,
        evidence=objection.evidence.get(),
    )


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, media_root):
    """Overrides the project's per-test folder: the scenario's files live for the module."""
    settings.MEDIA_ROOT = media_root


@pytest.fixture(scope="module")
def scenario(django_db_setup, django_db_blocker, media_root):
    """The demo review, built once in a transaction rolled back after the module; each test
    runs in its own savepoint, so what an allowed POST changes is undone."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        override_settings(MEDIA_ROOT=media_root, PASSWORD_HASHERS=fast),
        django_db_blocker.unblock(),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_scenario()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# --- the URLs -------------------------------------------------------------------------------


def url_names(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    """Every URL name of the project, with its namespaces; the admin is left out."""
    resolver = resolver or get_resolver()
    names = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            # The REST API (django-ninja, app "ninja") has its own route matrix, by method and
            # path: manyi/api/tests/test_api_matrix.py.
            if pattern.app_name in ("admin", "ninja"):
                continue
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names += url_names(pattern, namespace)
        elif isinstance(pattern, URLPattern):
            names.append(f"{prefix}{pattern.name}" if pattern.name else str(pattern.pattern))
    return names


def test_every_url_is_declared():
    undeclared = [f"declare who may use {name}" for name in url_names() if name not in MATRIX]
    assert undeclared == []


def test_every_declared_url_exists():
    assert sorted(set(MATRIX) - set(url_names())) == []


# --- the matrix -----------------------------------------------------------------------------


def snapshot() -> tuple:
    """What a refused request must not change: every nomination's state and version, and the
    number of rows of every model of the review's apps."""
    states = tuple(Nomination.objects.order_by("pk").values_list("pk", "state", "version"))
    counts = tuple(
        (model._meta.label, model.objects.count())
        for label in ("accounts", "nominations", "reviews")
        for model in apps.get_app_config(label).get_models()
    )
    return states, counts


def outcome(response) -> str:
    status = response.status_code
    login = reverse(settings.LOGIN_URL)
    if status >= 500:
        return f"server error {status}"
    if status in (401, 403, 404) or (
        300 <= status < 400 and response["Location"].split("?")[0] == login
    ):
        return "refused"
    if 200 <= status < 400:
        return "allowed"
    if status in (400, 409):  # a form error, or a stale draft (nothing saved)
        return "form error"
    return f"unexpected {status}"


def cases():
    for name, row in MATRIX.items():
        for method in row.methods:
            for persona in PERSONAS:
                marks = []
                hole = KNOWN_HOLES.get((name, persona, method))
                if hole:
                    marks.append(pytest.mark.xfail(strict=True, reason=hole))
                yield pytest.param(
                    name, persona, method, marks=marks, id=f"{name}-{persona}-{method}"
                )


@pytest.mark.parametrize(("name", "persona", "method"), list(cases()))
def test_permission(scenario, name, persona, method):
    row = MATRIX[name]
    url = reverse(name, kwargs=row.kwargs(scenario))
    client = Client()
    if persona != ANONYMOUS:
        client.force_login(scenario.users[persona])
    before = snapshot()

    response = client.get(url) if method == "GET" else client.post(url, {})

    found = outcome(response)
    if persona in row.allowed:
        expected = {"allowed", "form error"} if method == "POST" else {"allowed"}
        assert found in expected, f"{method} {url} by {persona}: {found}"
    else:
        assert found == "refused", f"{method} {url} by {persona}: {found}"
        assert snapshot() == before, f"{method} {url} by {persona} changed data"


# A child object of another nomination, reached through a nomination the persona may use:
# refused for everyone (the child is looked up within the nomination).
MIXED: dict[str, tuple[str, Callable[[Scenario], dict[str, Any]]]] = {
    "download another's file": (
        "nominations:download",
        lambda s: {"pk": s.individual.pk, "attachment_id": s.achievement_attachment.pk},
    ),
    "delete another's file": (
        "nominations:delete_attachment",
        lambda s: {"pk": s.draft.pk, "attachment_id": s.individual_attachment.pk},
    ),
    "delete another's honour": (
        "nominations:delete_honour",
        lambda s: {"pk": s.draft.pk, "honour_id": s.individual.honours.get().pk},
    ),
    "a judge's file of another nomination": (
        "reviews:judge_file",
        lambda s: {"pk": s.achievement.pk, "attachment_id": s.individual_attachment.pk},
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", MIXED)
def test_child_of_another_nomination_is_refused(scenario, case, persona):
    name, kwargs = MIXED[case]
    url = reverse(name, kwargs=kwargs(scenario))
    client = Client()
    if persona != ANONYMOUS:
        client.force_login(scenario.users[persona])
    before = snapshot()

    response = client.get(url) if "GET" in MATRIX[name].methods else client.post(url, {})

    assert outcome(response) == "refused", f"{url} by {persona}: {outcome(response)}"
    assert snapshot() == before


@pytest.mark.parametrize("persona", sorted(SIGNED_IN - SECRETARIAT))
def test_admin_sends_roles_without_staff_to_its_login(scenario, persona):
    client = Client()
    client.force_login(scenario.users[persona])

    response = client.get("/admin/")

    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/admin/login/")


def test_admin_opens_for_the_secretariat(scenario):
    client = Client()
    client.force_login(scenario.users["secretariat"])

    assert client.get("/admin/").status_code == 200
