import pytest
from django.urls import reverse

from manyi.accounts.models import Role
from manyi.testing import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese(client):
    response = client.get("/accounts/login/")
    content = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in content
    assert "登录" in content
    assert "用户名" in content
    assert "密码" in content


def test_login_with_the_right_password_goes_home(client, people):
    response = client.post("/accounts/login/", {"username": "wang", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("campaigns:home")
    home = client.get(response.url)
    assert "王申报 · 申报人" in home.content.decode()


def test_login_with_a_wrong_password_says_so_in_chinese_and_keeps_the_username(client, people):
    response = client.post("/accounts/login/", {"username": "wang", "password": "wrong"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码。" in content
    assert 'value="wang"' in content


def test_login_returns_to_the_page_asked_for(client, people):
    response = client.post(
        "/accounts/login/?next=/admin/",
        {"username": "wang", "password": PASSWORD, "next": "/admin/"},
    )
    assert response.url == "/admin/"


def test_logout_needs_post_and_ends_the_session(client, people):
    client.force_login(people.applicant)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_role_labels_are_chinese():
    assert [str(r.label) for r in Role] == [
        "申报人",
        "推荐单位",
        "地区、行业用委",
        "秘书处",
        "评审专家",
    ]
