"""My account: one page for the person's own account, and changing the password."""

import pytest
from django.urls import reverse

from manyi.audit.models import AuditEvent
from manyi.testing import PASSWORD

pytestmark = pytest.mark.django_db

ACCOUNT = "/accounts/account/"
PASSWORD_CHANGE = "/accounts/password/"


@pytest.mark.parametrize(
    ("persona", "offered_two_factor"),
    [("applicant", False), ("recommender", False), ("judge", True), ("secretariat", True)],
)
def test_the_account_page_links_what_the_person_may_use(
    client, people, persona, offered_two_factor
):
    client.force_login(getattr(people, persona))
    page = client.get(ACCOUNT).content.decode()
    assert reverse("accounts:password_change") in page
    assert reverse("privacy:mine") in page
    assert reverse("api:tokens") in page
    assert (reverse("twofactor:settings") in page) is offered_two_factor
    assert ACCOUNT in client.get("/").content.decode()  # the navigation leads there


def test_a_wrong_old_password_is_refused_in_chinese_and_changes_nothing(client, people):
    client.force_login(people.applicant)
    response = client.post(
        PASSWORD_CHANGE,
        {
            "old_password": "wrong",
            "new_password1": "Qx7-lantern-moss",
            "new_password2": "Qx7-lantern-moss",
        },
    )
    assert response.status_code == 200
    assert "你的旧密码不正确" in response.content.decode()
    people.applicant.refresh_from_db()
    assert people.applicant.check_password(PASSWORD)


def test_a_weak_or_mismatched_new_password_is_refused(client, people):
    client.force_login(people.applicant)
    weak = client.post(
        PASSWORD_CHANGE, {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"}
    ).content.decode()
    assert "密码太短，至少需要 8 个字符。" in weak
    mismatched = client.post(
        PASSWORD_CHANGE,
        {
            "old_password": PASSWORD,
            "new_password1": "Qx7-lantern-moss",
            "new_password2": "Qx7-lantern-mist",
        },
    ).content.decode()
    assert "输入的两个密码不一致。" in mismatched


def test_the_password_changes_the_session_stays_and_the_trail_keeps_it(client, people):
    client.force_login(people.applicant)
    response = client.post(
        PASSWORD_CHANGE,
        {
            "old_password": PASSWORD,
            "new_password1": "Qx7-lantern-moss",
            "new_password2": "Qx7-lantern-moss",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == ACCOUNT
    assert "密码已修改。" in response.content.decode()
    people.applicant.refresh_from_db()
    assert people.applicant.check_password("Qx7-lantern-moss")
    assert client.get(ACCOUNT).status_code == 200  # still signed in
    assert AuditEvent.objects.filter(
        action="account.password_changed", actor=people.applicant
    ).exists()
