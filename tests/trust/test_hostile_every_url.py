"""The generic hostile corpus against every URL that takes a POST, so a new form is not forgotten.

The URLs come from the permission matrix (which fails for a URL it does not declare); each is
posted by a persona allowed to use it, every input of its page (or a set of usual names for a
POST-only URL) filled with one value of the corpus. Whatever the value: never a server error,
nothing typed comes back unescaped, and every page the request leads to renders.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from manyi.core.tests.test_permission_matrix import MATRIX
from tests.trust.corpus import GENERIC, SCRIPT

pytestmark = pytest.mark.django_db

# Who posts: the first persona of this order allowed to use the URL.
PREFERENCE = ("applicant", "recommender", "committee", "secretariat", "judge", "anonymous")
INPUT = re.compile(r"<(?:input|textarea|select)\b(?P<attrs>[^>]*)>", re.IGNORECASE)
NAME = re.compile(r'\bname="(?P<name>[^"]+)"')
TYPE = re.compile(r'\btype="(?P<type>[^"]+)"')
# Names read by the POST-only views (request.POST.get / getlist).
USUAL = (
    "reason",
    "comment",
    "direction",
    "nomination",
    "nominations",
    "judge",
    "judges",
    "per_nomination",
    "version",
    "place",
    "finding",
    "visited_on",
    "name",
    "issuer",
    "awarded_on",
    "level",
    "opinion",
    "signer",
    "notes",
    "deadline",
    "message",
)
SKIPPED = {"csrfmiddlewaretoken"}
POSTED = sorted(name for name, row in MATRIX.items() if "POST" in row.methods)


def poster(name: str) -> str:
    allowed = MATRIX[name].allowed
    return next(p for p in PREFERENCE if p in allowed)


def input_names(html: str) -> list[str]:
    names = []
    for match in INPUT.finditer(html):
        attrs = match["attrs"]
        name = NAME.search(attrs)
        kind = TYPE.search(attrs)
        if not name or name["name"] in SKIPPED:
            continue
        if kind and kind["type"].lower() in {"file", "submit", "hidden"}:
            continue
        names.append(name["name"])
    return list(dict.fromkeys(names))


def client_for(scenario, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(scenario.users[persona])
    return client


def test_every_posted_url_has_a_poster():
    assert [name for name in POSTED if not MATRIX[name].allowed] == []


@pytest.mark.parametrize("value_id", [v for v, _ in GENERIC])
@pytest.mark.parametrize("name", POSTED)
def test_hostile_value_on_every_posted_url(scenario, name, value_id):
    value = dict(GENERIC)[value_id]
    row = MATRIX[name]
    url = reverse(name, kwargs=row.kwargs(scenario))
    client = client_for(scenario, poster(name))
    names = list(USUAL)
    if "GET" in row.methods:
        page = client.get(url)
        assert page.status_code < 500
        names = input_names(page.content.decode()) or names

    response = client.post(url, dict.fromkeys(names, value), follow=True)

    assert response.status_code < 500, f"POST {url} with {value_id}: {response.status_code}"
    body = response.content
    if response.get("Content-Type", "").startswith("text/html"):
        assert SCRIPT.encode() not in body, f"POST {url}: {value_id} came back unescaped"
        assert b"Traceback" not in body
        assert b"\x00" not in body


@pytest.mark.parametrize("name", POSTED)
def test_too_many_fields_get_a_chinese_page(scenario, name):
    """Django refuses a request of more than 1000 fields (400): our page says so in Chinese."""
    row = MATRIX[name]
    url = reverse(name, kwargs=row.kwargs(scenario))
    client = client_for(scenario, poster(name))

    response = client.post(url, {f"f{n}": "x" for n in range(1200)})

    assert response.status_code == 400
    assert "请求有误" in response.content.decode()
