import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from manyi.accounts.models import Role, User
from manyi.campaigns.models import Campaign
from manyi.demo.services import DEMO_PASSWORD, load_demo
from manyi.nominations.models import Nomination
from manyi.reviews.models import Objection, Review

pytestmark = pytest.mark.django_db

DEMO_USERNAMES = [
    "applicant",
    "recommender",
    "committee",
    "secretariat",
    "judge1",
    "judge2",
    "judge3",
    "judge4",
    "judge5",
]


def test_load_demo_creates_every_role_and_the_2018_campaign(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    users = {
        u.username: u
        for u in User.objects.select_related("organization")
        if u.has_usable_password()
    }
    assert sorted(users) == sorted(DEMO_USERNAMES)
    assert all(u.check_password(DEMO_PASSWORD) for u in users.values())
    assert {u.role for u in users.values()} == set(Role)
    assert users["recommender"].organization == users["applicant"].organization
    assert users["committee"].organization.kind == "committee"
    assert users["secretariat"].is_staff
    judges = [users[f"judge{i}"] for i in range(1, 6)]
    assert all(j.organization != users["applicant"].organization for j in judges)
    assert users["judge1"].organization.name == "自治区示范通信公司"  # 孙服务's: 回避
    assert Campaign.objects.get().year == 2018
    assert "密码均为 manyi-demo" in out
    for username in DEMO_USERNAMES:
        assert username in out


def test_load_demo_again_keeps_what_is_there():
    load_demo()
    applicant = User.objects.get(username="applicant")
    applicant.display_name = "改过的名字"
    applicant.set_password("changed-password")
    applicant.save()
    load_demo()
    applicant.refresh_from_db()
    assert applicant.display_name == "改过的名字"
    assert applicant.check_password("changed-password")
    assert User.objects.filter(username__in=DEMO_USERNAMES).count() == len(DEMO_USERNAMES)
    assert Campaign.objects.count() == 1


@pytest.mark.parametrize("username", DEMO_USERNAMES)
def test_demo_accounts_can_log_in(client, username):
    load_demo()
    response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_load_demo_is_refused_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured):
        load_demo()
    with pytest.raises(CommandError, match="演示数据不能载入生产环境"):
        call_command("load_demo")
    assert User.objects.count() == 0


def test_demo_has_filings_at_every_step_of_the_workflow():
    load_demo()
    states = sorted(Nomination.objects.values_list("category__kind", "state"))
    assert states == [
        ("achievement", "in_review"),
        ("coaching_request", "filed"),
        ("individual", "on_notice"),
        ("individual", "on_notice"),
        ("individual", "scored"),
        ("individual", "scored"),
        ("manager", "draft"),
        ("team", "filed"),
        ("unit", "endorsed"),
    ]
    assert Review.objects.filter(state="submitted").count() == 17  # judge1 stands aside once
    assert Review.objects.filter(state="draft").count() == 1
    assert Objection.objects.get().name == "张群众"
    load_demo()
    assert Nomination.objects.count() == 9


@pytest.mark.parametrize(
    ("username", "path", "shows"),
    [
        ("applicant", "/nominations/", "示范营业厅服务班"),
        ("recommender", "/reviews/recommend/", "示范营业厅服务班"),
        ("committee", "/reviews/recommend/", "自治区示范水务公司"),
        ("secretariat", "/reviews/check/", "自治区示范水务公司"),
        ("secretariat", "/reviews/panels/", "周专家"),
        ("secretariat", "/reviews/ranking/", "用户满意服务先进个人"),
        ("secretariat", "/reviews/notice/", "张群众"),
        ("secretariat", "/accounts/outbox/", "待发邮件"),
        ("judge2", "/reviews/tasks/", "“一次都不跑”办电服务"),
        (None, "/notice/", "ON_NOTICE"),
    ],
)
def test_every_page_of_the_workflow_shows_demo_content(client, username, path, shows):
    load_demo()
    if username:
        client.force_login(User.objects.get(username=username))
    response = client.get(path)
    assert response.status_code == 200
    names = [shows]
    if shows == "ON_NOTICE":  # the names the notice lists are those proposed and on notice
        names = list(Nomination.objects.filter(state="on_notice").values_list("title", flat=True))
        assert len(names) == 2
    assert all(name in response.content.decode() for name in names)
