"""The public objection form (异议, no login) is rate limited: per address and per contact, with
a Chinese message that says when to try again, and what was typed kept on the page."""

import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from manyi.core.middleware import client_ip
from manyi.nominations.models import Nomination
from manyi.reviews import throttle
from manyi.reviews.models import Objection

pytestmark = pytest.mark.django_db
URL = reverse("public:object")


def objection(contact="13900000000", grounds="荣誉证书存疑，请核实。") -> dict:
    on_notice = Nomination.objects.filter(state="on_notice").order_by("pk").first()
    return {"nomination": on_notice.pk, "name": "张群众", "contact": contact, "grounds": grounds}


def from_address(ip: str) -> Client:
    return Client(REMOTE_ADDR=ip)


def test_an_address_may_post_ten_times_an_hour_then_is_told_when_to_retry(scenario):
    client = from_address("203.0.113.7")
    for n in range(throttle.OBJECTION_POSTS_PER_IP):  # refused or not, each post counts
        assert (
            client.post(URL, objection(contact=f"1390000000{n % 10}" if n < 2 else "")).status_code
            == 200
        )
    lodged = Objection.objects.count()

    response = client.post(
        URL, objection(contact="zhang@example.org", grounds="第十一次<b>提交</b>")
    )

    assert response.status_code == 429
    page = response.content.decode()
    assert "提交过于频繁" in page and "分钟后" in page
    assert escape("第十一次<b>提交</b>") in page  # what was typed is kept, escaped
    assert "zhang@example.org" in page
    assert Objection.objects.count() == lodged
    assert from_address("198.51.100.9").post(URL, objection()).status_code == 200  # others may


def test_a_contact_may_lodge_three_objections_a_day(scenario):
    for n in range(throttle.OBJECTION_LODGED_PER_CONTACT):
        response = from_address(f"192.0.2.{n + 1}").post(URL, objection(contact="Li@Example.org"))
        assert response.templates[0].name == "public/objection_received.html"
    lodged = Objection.objects.count()

    response = from_address("192.0.2.99").post(URL, objection(contact="li@example.org"))

    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert Objection.objects.count() == lodged


def test_the_limit_ends_with_its_window(scenario, monkeypatch):
    client = from_address("203.0.113.8")
    for _ in range(throttle.OBJECTION_POSTS_PER_IP):
        client.post(URL, objection(contact=""))
    assert client.post(URL, objection()).status_code == 429
    later = time.time() + throttle.OBJECTION_IP_WINDOW + 1
    monkeypatch.setattr(throttle.time, "time", lambda: later)

    response = client.post(URL, objection())

    assert response.status_code == 200
    assert "提交过于频繁" not in response.content.decode()


def test_lodged_objections_are_received_while_under_the_limits(scenario):
    before = Objection.objects.count()

    response = from_address("203.0.113.20").post(URL, objection())

    assert response.status_code == 200
    assert response.templates[0].name == "public/objection_received.html"
    assert Objection.objects.count() == before + 1


def use_up_the_limit(client: Client, **headers) -> None:
    for _ in range(throttle.OBJECTION_POSTS_PER_IP):
        client.post(URL, objection(contact=""), **headers)


def test_behind_a_trusted_proxy_each_person_is_counted_by_the_address_it_forwards(
    scenario, settings
):
    settings.TRUSTED_PROXIES = 1
    proxy = from_address("10.0.0.1")  # every request comes from the proxy
    use_up_the_limit(proxy, HTTP_X_FORWARDED_FOR="203.0.113.30")

    blocked = proxy.post(URL, objection(), HTTP_X_FORWARDED_FOR="203.0.113.30")
    other = proxy.post(URL, objection(), HTTP_X_FORWARDED_FOR="203.0.113.31")
    # a client that writes the header itself: the proxy appends the real address last
    forged = proxy.post(URL, objection(), HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.30")

    assert (blocked.status_code, other.status_code, forged.status_code) == (429, 200, 429)


def test_without_proxies_a_forged_forwarded_header_changes_nothing(scenario, settings):
    settings.TRUSTED_PROXIES = 0
    client = from_address("203.0.113.40")
    use_up_the_limit(client)

    response = client.post(URL, objection(), HTTP_X_FORWARDED_FOR="198.51.100.2")

    assert response.status_code == 429


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "10.0.0.1"),
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "forged, 198.51.100.1", "198.51.100.1"),
        (1, "198.51.100.1, not-an-address", "10.0.0.1"),
        (2, "198.51.100.1", "10.0.0.1"),
        (2, "203.0.113.5, 198.51.100.1", "203.0.113.5"),
        (1, "", "10.0.0.1"),
    ],
)
def test_client_ip(settings, rf, proxies, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected
