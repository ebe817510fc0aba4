"""The hostile corpus against the applicant's forms: the six kinds of nomination (draft autosave,
filing), honours, and the login form.

Free text (scripts, SQL, template syntax, formulas, right-to-left overrides) is kept exactly as
typed and always shown as text; control characters are removed at the edge and the person is
told; values over a limit are kept in the draft and refused at filing with a Chinese message.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from manyi.core.middleware import CONTROL, REMOVED
from manyi.nominations.forms import MAX_VALUE
from manyi.nominations.formspecs import FORMS
from manyi.nominations.models import Honour, Nomination, NominationState, SelfScore, Signature
from manyi.testing import valid_form
from tests.trust.corpus import (
    ESCAPED_TEXT,
    ONE_MEGABYTE,
    REFUSED_TEXT,
    SCRIPT,
    has_han,
    hostile_files,
    over,
    png,
    upload,
)

pytestmark = pytest.mark.django_db
KINDS = ["individual", "team", "manager", "unit", "achievement", "coaching_request"]


def owner(people, kind):
    return people.committee if kind == "unit" else people.applicant


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def start(open_campaign, people, kind, **changes):
    """POST the whole form of `kind` to the new-draft page, as a browser without htmx does."""
    category = open_campaign.categories.get(kind=kind)
    client = client_of(owner(people, kind))
    data = valid_form(kind, category) | changes
    response = client.post(reverse("nominations:new", args=[kind]), data, follow=True)
    return client, response


def newest(people, kind) -> Nomination:
    return Nomination.objects.filter(applicant=owner(people, kind)).latest("pk")


@pytest.mark.parametrize("value_id", [v for v, _ in ESCAPED_TEXT])
@pytest.mark.parametrize("kind", KINDS)
def test_draft_keeps_hostile_text_as_typed_and_shows_it_as_text(
    open_campaign, people, kind, value_id
):
    value = dict(ESCAPED_TEXT)[value_id]
    field = FORMS[kind].name_field

    client, response = start(open_campaign, people, kind, **{field: value})

    assert response.status_code == 200
    nomination = newest(people, kind)
    assert nomination.data[field] == value
    for url in (
        reverse("nominations:edit", args=[nomination.pk]),
        reverse("nominations:detail", args=[nomination.pk]),
    ):
        page = client.get(url).content.decode()
        assert escape(value) in page, url
        assert SCRIPT not in page


@pytest.mark.parametrize("value_id", [v for v, _ in REFUSED_TEXT])
@pytest.mark.parametrize("kind", KINDS)
def test_draft_control_characters_are_removed_and_the_person_told(
    open_campaign, people, kind, value_id
):
    value = dict(REFUSED_TEXT)[value_id]
    field = FORMS[kind].name_field

    _client, response = start(open_campaign, people, kind, **{field: value})

    assert response.status_code == 200
    assert REMOVED in response.content.decode()
    assert newest(people, kind).data.get(field, "") == CONTROL.sub("", value)


@pytest.mark.parametrize("kind", KINDS)
def test_text_over_its_limit_is_kept_and_filing_refused_in_chinese(open_campaign, people, kind):
    if kind == "coaching_request":  # 其他项目: 1000 characters (nominations.validation)
        code, label, limit = "coaching_other", "其他项目", 1000
    else:
        field = next(f for f in FORMS[kind].fields if f.max_chars)
        code, label, limit = field.code, field.label, field.max_chars
    client, _response = start(open_campaign, people, kind, **{code: over(limit)})
    nomination = newest(people, kind)
    assert nomination.data[code] == over(limit)  # nothing typed lost
    version = nomination.version

    response = client.post(reverse("nominations:file", args=[nomination.pk]))

    assert response.status_code == 400
    page = response.content.decode()
    assert label in page
    assert str(limit) in page
    nomination.refresh_from_db()
    assert (nomination.state, nomination.version) == (NominationState.DRAFT, version)
    assert not SelfScore.objects.filter(nomination=nomination).exists()
    assert not Signature.objects.filter(nomination=nomination).exists()


def test_a_megabyte_in_one_field_is_cut_and_the_person_told(open_campaign, people):
    category = open_campaign.categories.get(kind="individual")
    client = client_of(people.applicant)

    response = client.post(
        reverse("nominations:new", args=["individual"]),
        valid_form("individual", category) | {"duties": ONE_MEGABYTE},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert f"一项输入超过 {MAX_VALUE} 字，已截断。" in response.content.decode()
    assert len(newest(people, "individual").data["duties"]) == MAX_VALUE


def test_invalid_utf8_is_replaced_not_a_server_error(open_campaign, people):
    client = client_of(people.applicant)

    response = client.post(
        reverse("nominations:new", args=["individual"]),
        b"name=%FF%FE%ED%A0%80&duties=%C0%AF",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 302
    assert "\ufffd" in newest(people, "individual").data["name"]


# --- honours ---------------------------------------------------------------------------------


def honour_post(client, nomination, **changes):
    data = {
        "honour-awarded_on": "2017-05-01",
        "honour-issuer": "示范单位",
        "honour-name": "优质服务奖",
        "honour-level": "unit",
        "honour-scan": png(),
    } | changes
    return client.post(
        reverse("nominations:add_honour", args=[nomination.pk]), data, HTTP_HX_REQUEST="true"
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"honour-issuer": over(200)}, "issuer"),
        ({"honour-name": over(200)}, "name"),
        ({"honour-awarded_on": "2018-02-30"}, "awarded_on"),
        ({"honour-awarded_on": "'; DROP TABLE x; --"}, "awarded_on"),
        ({"honour-level": "<script>"}, "level"),
        ({"honour-issuer": ""}, "issuer"),
    ],
)
def test_a_bad_honour_gets_a_chinese_message_and_nothing_is_saved(
    open_campaign, people, changes, field
):
    client, _response = start(open_campaign, people, "individual")
    nomination = newest(people, "individual")

    response = honour_post(client, nomination, **changes)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="errorlist' in page
    errors = page.split('class="errorlist', 1)[1].split("</ul>", 1)[0]
    assert has_han(errors), errors
    assert "Ensure" not in page and "Enter a valid" not in page
    assert not Honour.objects.filter(nomination=nomination).exists()
    assert not nomination.attachments.exists()
    typed = next(iter(changes.values()))
    if typed and field != "level":
        assert escape(typed) in page  # what was typed comes back


@pytest.mark.parametrize(("file_id", "name", "content"), hostile_files())
def test_a_hostile_honour_scan_is_refused_in_chinese(open_campaign, people, file_id, name, content):
    client, _response = start(open_campaign, people, "individual")
    nomination = newest(people, "individual")

    response = honour_post(client, nomination, **{"honour-scan": upload(name, content)})

    assert response.status_code == 200
    errors = response.content.decode().split('class="errorlist', 1)[1].split("</ul>", 1)[0]
    assert has_han(errors), file_id
    assert not Honour.objects.filter(nomination=nomination).exists()
    assert not nomination.attachments.exists()


# --- login -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        SCRIPT,
        "王小满\x00",
        "'; DROP TABLE accounts_user; --",
        "{{ settings.SECRET_KEY }}",
        ONE_MEGABYTE,
    ],
    ids=["script", "nul", "sql", "template", "one-megabyte"],
)
def test_login_with_hostile_input_refuses_in_chinese(people, value):
    response = Client().post(reverse("accounts:login"), {"username": value, "password": value})

    assert response.status_code == 200
    page = response.content.decode()
    assert SCRIPT not in page
    assert "\x00" not in page
    errors = page.split('class="errorlist', 1)[1].split("</ul>", 1)[0]
    assert has_han(errors), errors
