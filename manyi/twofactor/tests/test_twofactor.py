"""TOTP two-factor login: turning it on (wrong code refused, 10 backup codes shown once),
logging in with and without it, backup codes used once, codes never accepted twice, wrong
codes locking the login, turning it off, who is offered it, and the admin asking for it."""

import re
import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from manyi.audit.models import AuditEvent
from manyi.testing import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
VERIFY = "/accounts/twofactor/verify/"
ENABLE = "/accounts/twofactor/enable/"
SETTINGS = "/accounts/twofactor/"
DISABLE = "/accounts/twofactor/disable/"


@pytest.fixture(autouse=True)
def _no_delay_between_tries(settings):
    """django-otp's throttle (1, 2, 4 … s between tries) would make a right code right after
    a wrong one wait; one test below keeps it on."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def fresh(device: TOTPDevice) -> str:
    """A code of a time step not used yet (as if the next 30 seconds had come)."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    return code_for(device)


def turn_on(client, user) -> tuple[TOTPDevice, list[str]]:
    client.force_login(user)
    client.get(ENABLE)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(ENABLE, {"code": code_for(device)})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())
    device.refresh_from_db()
    return device, codes


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def password_step(client, username: str):
    return client.post(LOGIN, {"username": username, "password": PASSWORD})


def test_turning_on_with_a_wrong_code_fails_and_keeps_it_off(client, people):
    client.force_login(people.judge)
    page = client.get(ENABLE)
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in page.content.decode()  # the QR code, no script
    device = TOTPDevice.objects.get(user=people.judge)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"

    response = client.post(ENABLE, {"code": wrong})

    assert response.status_code == 200
    assert "验证码不正确或已使用" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=people.judge, confirmed=True).exists()
    assert StaticToken.objects.count() == 0
    assert AuditEvent.objects.filter(action="twofactor.enable_failed").count() == 1


def test_turning_on_confirms_the_device_and_shows_ten_backup_codes_once(client, people):
    device, codes = turn_on(client, people.secretariat)

    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(codes)
    assert AuditEvent.objects.filter(action="twofactor.enable", actor=people.secretariat).exists()
    settings_page = client.get(SETTINGS).content.decode()
    assert not any(code in settings_page for code in codes)
    assert "10" in settings_page


def test_without_a_device_the_password_alone_logs_in(client, people):
    response = password_step(client, "chen")
    assert response.status_code == 302
    assert response.url == reverse("campaigns:home")
    assert logged_in(client)


def test_with_a_device_the_password_alone_does_not_log_in(client, people):
    device, _codes = turn_on(client, people.judge)
    client.logout()

    response = password_step(client, "chen")

    assert response.status_code == 302 and response.url == VERIFY
    assert not logged_in(client)
    assert client.get(reverse("reviews:judge_tasks")).status_code == 302  # to the login page
    response = client.post(VERIFY, {"code": fresh(device)})
    assert response.status_code == 302
    assert logged_in(client)
    assert client.get(reverse("reviews:judge_tasks")).status_code == 200
    assert AuditEvent.objects.filter(action="login.second_factor", actor=people.judge).exists()


def test_a_code_is_not_accepted_twice(client, people):
    device, _codes = turn_on(client, people.judge)
    client.logout()
    password_step(client, "chen")
    code = fresh(device)
    client.post(VERIFY, {"code": code})
    client.logout()

    password_step(client, "chen")
    response = client.post(VERIFY, {"code": code})

    assert response.status_code == 200
    assert "验证码不正确或已使用" in response.content.decode()
    assert not logged_in(client)


def test_a_backup_code_works_once(client, people):
    _device, codes = turn_on(client, people.judge)
    client.logout()
    password_step(client, "chen")

    response = client.post(VERIFY, {"code": codes[0].upper()})  # as typed, any case
    assert response.status_code == 302 and logged_in(client)
    assert StaticToken.objects.count() == 9
    client.logout()

    password_step(client, "chen")
    response = client.post(VERIFY, {"code": codes[0]})
    assert response.status_code == 200
    assert not logged_in(client)


def test_five_wrong_codes_lock_the_login(client, people):
    turn_on(client, people.judge)
    client.logout()
    password_step(client, "chen")
    for _ in range(4):
        response = client.post(VERIFY, {"code": "000000"})
        assert response.status_code == 200

    locked = client.post(VERIFY, {"code": "000000"})

    assert locked.status_code in (302, 403, 429)
    # The right password and a right code are now refused as well, for the cool-off time.
    response = password_step(client, "chen")
    assert not logged_in(client)
    assert response.status_code in (403, 429)
    assert AuditEvent.objects.filter(action="login.failure", note="second_factor").count() == 5
    assert AuditEvent.objects.filter(action="login.lockout").exists()


def test_the_device_throttle_refuses_a_quick_second_try(client, people, settings):
    device, _codes = turn_on(client, people.judge)
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    client.logout()
    password_step(client, "chen")
    client.post(VERIFY, {"code": "000000"})

    response = client.post(VERIFY, {"code": fresh(device)})

    assert response.status_code == 200
    assert not logged_in(client)


def test_turning_off_needs_a_valid_code(client, people):
    device, _codes = turn_on(client, people.secretariat)

    refused = client.post(DISABLE, {"code": "000000"})
    assert refused.status_code == 400
    assert TOTPDevice.objects.filter(user=people.secretariat).exists()

    response = client.post(DISABLE, {"code": fresh(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=people.secretariat).exists()
    assert StaticToken.objects.count() == 0
    assert AuditEvent.objects.filter(action="twofactor.disable").exists()
    client.logout()
    password_step(client, "liu")
    assert logged_in(client)


@pytest.mark.parametrize("persona", ["applicant", "recommender", "committee"])
def test_applicants_and_recommenders_are_not_offered_two_factor_login(client, people, persona):
    user = getattr(people, persona)
    client.force_login(user)
    assert client.get(SETTINGS).status_code == 403
    assert client.get(ENABLE).status_code == 403
    assert not TOTPDevice.objects.exists()
    assert "两步验证" not in client.get("/").content.decode()
    assert "两步验证" not in client.get("/accounts/account/").content.decode()


def test_the_admin_asks_for_the_code_of_a_session_not_verified(client, people):
    device, _codes = turn_on(client, people.secretariat)
    client.logout()
    client.force_login(people.secretariat)  # a session that never gave the code

    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    response = client.post(response.url, {"code": fresh(device)})
    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_page_sends_to_the_two_step_login(client, people):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/admin/"
    response = client.post("/admin/login/", {"username": "liu", "password": PASSWORD})
    assert response.status_code == 302
    assert not logged_in(client)


def test_the_code_step_without_a_password_step_goes_back_to_login(client, people):
    response = client.post(VERIFY, {"code": "123456"})
    assert response.status_code == 302
    assert response.url == LOGIN


@pytest.mark.parametrize(
    "hostile",
    ["<script>alert(1)</script>", "1234\x005", "' OR 1=1 --", "9" * 5000, "", "１２３４５６"],
)
def test_hostile_codes_get_a_message_not_a_500(client, people, hostile):
    turn_on(client, people.judge)
    client.logout()
    password_step(client, "chen")

    response = client.post(VERIFY, {"code": hostile})

    assert response.status_code == 200
    assert not logged_in(client)
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert "验证码" in response.content.decode()
