"""Self-registration of applicants with the privacy notice and a recorded consent."""

import pytest
from django.urls import reverse

from manyi.accounts.models import Role, User
from manyi.privacy.consents import NOTICE_VERSION, Purpose, notice_text
from manyi.privacy.models import Consent
from manyi.testing import OrganizationFactory

pytestmark = pytest.mark.django_db

URL = "/privacy/register/"


def form(organization, **changes):
    data = {
        "username": "xinren",
        "display_name": "新申报人",
        "mobile": "13912345678",
        "email": "xin@example.com",
        "organization": str(organization.pk),
        "password1": "Manyi-2026-sample",
        "password2": "Manyi-2026-sample",
        "consent": "on",
    }
    return {k: v for k, v in (data | changes).items() if v is not None}


def test_the_page_states_purpose_data_recipients_retention_and_rights(client, settings, people):
    settings.PRIVACY_RETENTION_YEARS = 7
    page = client.get(URL).content.decode()
    for words in ("处理目的", "收集的个人信息", "接收方", "保存期限", "7年", "您的权利"):
        assert words in page
    assert 'name="consent"' in page
    assert people.employer.name in page
    assert people.committee_org.name not in page  # only employers are offered


def test_registration_creates_an_applicant_who_may_file(client, people, open_campaign):
    response = client.post(URL, form(people.employer), REMOTE_ADDR="192.0.2.9")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    user = User.objects.get(username="xinren")
    assert (user.role, user.organization, user.mobile, user.email, user.display_name) == (
        Role.APPLICANT,
        people.employer,
        "13912345678",
        "xin@example.com",
        "新申报人",
    )
    assert user.check_password("Manyi-2026-sample")
    consent = Consent.objects.get(user=user)
    assert (consent.purpose, consent.text_version, consent.text, consent.ip) == (
        Purpose.REGISTRATION,
        NOTICE_VERSION,
        notice_text(),
        "192.0.2.9",
    )
    login = {"username": "xinren", "password": "Manyi-2026-sample"}
    assert client.post(reverse("accounts:login"), login).status_code == 302
    assert client.get(reverse("nominations:new", args=["individual"])).status_code == 200


def test_without_consent_nothing_is_created_and_the_form_keeps_its_input(client, people):
    response = client.post(URL, form(people.employer, consent=None))
    assert response.status_code == 400
    page = response.content.decode()
    assert "请阅读并同意《个人信息处理规则》后再注册。" in page
    assert 'value="新申报人"' in page
    assert 'value="xin@example.com"' in page
    assert not User.objects.filter(username="xinren").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"username": "WANG"}, "该登录名已被使用，请换一个。"),
        ({"mobile": "13800000001"}, "该手机号码已注册。如忘记密码，请联系秘书处。"),
        ({"email": "WANG@example.com"}, "该电子邮箱已注册。如忘记密码，请联系秘书处。"),
    ],
)
def test_duplicates_are_refused_clearly(client, people, changes, message):
    people.applicant.mobile = "13800000001"
    people.applicant.email = "wang@example.com"
    people.applicant.save()
    response = client.post(URL, form(people.employer, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert User.objects.count() == 7  # the personas, no one more


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"password1": "12345678", "password2": "12345678"}, "password1"),
        ({"password2": "something-else-2026"}, "两次输入的密码不一致。"),
        ({"mobile": "12345"}, "mobile"),
        ({"email": "not-an-address"}, "email"),
        ({"username": "<script>"}, "登录名只能包含英文字母、数字和 _ . @ + - 符号。"),
    ],
)
def test_bad_input_is_refused_without_a_500(client, people, changes, fragment):
    response = client.post(URL, form(people.employer, **changes))
    assert response.status_code == 400
    assert fragment in response.content.decode()
    assert not User.objects.filter(username="xinren").exists()


def test_a_committee_cannot_be_chosen(client, people):
    response = client.post(URL, form(people.committee_org))
    assert response.status_code == 400
    assert not User.objects.filter(username="xinren").exists()


def test_too_many_registrations_from_one_address_are_refused(client, people):
    for n in range(10):
        organization = OrganizationFactory()
        data = form(
            organization, username=f"u{n}", mobile=f"1390000000{n}", email=f"u{n}@example.com"
        )
        assert client.post(URL, data, REMOTE_ADDR="198.51.100.1").status_code == 302
    response = client.post(URL, form(people.employer), REMOTE_ADDR="198.51.100.1")
    assert response.status_code == 400
    assert "此网络地址注册过于频繁，请一小时后再试。" in response.content.decode()


def test_a_signed_in_user_is_sent_home(client, people):
    client.force_login(people.applicant)
    assert client.get(URL).status_code == 302
