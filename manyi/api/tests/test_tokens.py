"""Personal API tokens: created and revoked by their owner on a page, stored hashed, shown once;
a revoked, expired or unknown token gets a 401 in the API's JSON."""

import datetime
import hashlib
import re

import pytest
from django.test import Client
from django.utils import timezone

from manyi.api.models import ApiToken
from manyi.api.services import issue_token, revoke_token

pytestmark = pytest.mark.django_db

TOKENS = "/api/tokens/"
PROBE = "/api/v1/nominations"


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_created_token_is_shown_once_and_stored_hashed(people):
    client = signed_in(people.applicant)

    response = client.post(TOKENS, {"name": "报表同步", "lifetime": "30"})

    secret = re.search(r'class="token-secret">([^<]+)<', response.content.decode()).group(1)
    token = ApiToken.objects.get(user=people.applicant)
    assert response.status_code == 200
    assert "请立即复制：令牌只显示这一次" in response.content.decode()
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.values().get())
    assert token.expires_at.date() == (timezone.now() + datetime.timedelta(days=30)).date()
    assert secret not in client.get(TOKENS).content.decode()  # never shown again
    assert Client().get(PROBE, headers=bearer(secret)).status_code == 200


def test_token_without_a_name_is_refused_and_nothing_created(people):
    response = signed_in(people.applicant).post(TOKENS, {"name": " "})

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_owner_revokes_a_token_and_it_stops_working(people):
    issued = issue_token(people.applicant, name="脚本")
    client = signed_in(people.applicant)

    response = client.post(f"{TOKENS}{issued.token.pk}/revoke/")
    refused = Client().get(PROBE, headers=bearer(issued.secret))

    assert response.status_code == 302
    assert refused.status_code == 401
    assert refused.json() == {
        "code": "invalid_token",
        "message": "API 令牌无效、已撤销或已过期。",
        "details": None,
    }


def test_another_users_token_cannot_be_revoked(people):
    issued = issue_token(people.applicant, name="脚本")

    page = signed_in(people.other_applicant).post(f"{TOKENS}{issued.token.pk}/revoke/")

    assert page.status_code == 404
    assert ApiToken.objects.get().revoked_at is None
    with pytest.raises(Exception, match="只能撤销自己的令牌"):
        revoke_token(issued.token, by=people.secretariat)


def test_revoked_token_is_refused_even_with_a_session(people):
    issued = issue_token(people.applicant, name="脚本")
    revoke_token(issued.token, by=people.applicant)

    response = signed_in(people.applicant).get(PROBE, headers=bearer(issued.secret))

    assert (response.status_code, response.json()["code"]) == (401, "invalid_token")


def test_expired_and_unknown_tokens_are_refused(people):
    issued = issue_token(people.applicant, name="短期")
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    for secret in (issued.secret, "manyi_unknown", "not-ours", "manyi_\x00"):
        response = Client().get(PROBE, headers=bearer(secret))
        assert (response.status_code, response.json()["code"]) == (401, "invalid_token")


def test_no_credentials_is_401_unauthenticated():
    response = Client().get(PROBE)

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_use_is_recorded(people):
    issued = issue_token(people.applicant, name="脚本")

    Client().get(PROBE, headers=bearer(issued.secret))

    assert ApiToken.objects.get().last_used_at is not None


def test_tokens_page_lists_only_ones_own(people):
    issue_token(people.applicant, name="我的令牌")
    issue_token(people.other_applicant, name="别人的令牌")

    page = signed_in(people.applicant).get(TOKENS).content.decode()

    assert "我的令牌" in page and "别人的令牌" not in page


def test_tokens_page_needs_sign_in():
    response = Client().get(TOKENS)

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_session_may_read_but_must_send_csrf_to_write(people, campaign):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.applicant)
    category = campaign.categories.get(kind="individual")
    body = {"category": category.pk, "data": {}}

    read = client.get(PROBE)
    without = client.post(PROBE, body, content_type="application/json")
    client.get(TOKENS)  # sets the CSRF cookie, as the docs page does
    csrf = client.cookies["csrftoken"].value
    with_token = client.post(
        PROBE, body, content_type="application/json", headers={"X-CSRFToken": csrf}
    )

    assert read.status_code == 200
    assert (without.status_code, without.json()["code"]) == (403, "csrf_failed")
    assert with_token.status_code == 201, with_token.json()
