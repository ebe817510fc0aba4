"""The navigation: each role sees its own pages; the secretariat's rarer pages sit behind 更多."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _nav(client) -> str:
    page = client.get("/").content.decode()
    return re.search(r"<nav>(.*?)</nav>", page, re.S).group(1)


def test_the_secretariat_has_its_rarer_pages_under_more(client, people):
    client.force_login(people.secretariat)
    nav = _nav(client)
    main, more = nav.split('<details class="menu">')
    for link in ("形式审查", "评审组", "评审结果", "统计看板"):
        assert f">{link}</a>" in main
    for link in ("归档与导入", "待发邮件", "审计日志", "删除个人信息"):
        assert f">{link}</a>" in more and f">{link}</a>" not in main
    assert "<summary>更多</summary>" in more


@pytest.mark.parametrize("persona", ["applicant", "recommender", "judge"])
def test_others_have_no_more_menu_and_none_of_its_pages(client, people, persona):
    client.force_login(getattr(people, persona))
    nav = _nav(client)
    assert "更多" not in nav
    for link in ("归档与导入", "待发邮件", "审计日志", "删除个人信息"):
        assert link not in nav
