"""Errors of /api/v1/ are JSON with a stable code and a Chinese message, and no input gives a
server error: NUL and other control characters, lone surrogates, malformed JSON, huge ids."""

import json

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from manyi.nominations.models import Nomination

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


def raw(world, persona: str, method: str, url: str, text: str):
    client = world.client(persona)
    send = getattr(client.client, method.lower())
    return send(url, text, content_type="application/json", headers=client.headers)


@pytest.mark.parametrize("bad", ["\x00", "a\x00b", "\x1b[31m", "\x7f", "\ud800"])
def test_control_characters_and_surrogates_in_a_draft_are_422(world, bad):
    draft = world.s.draft
    before = Nomination.objects.get(pk=draft.pk).data
    body = json.dumps({"version": draft.version, "data": {"name": bad}})

    response = raw(world, "applicant", "PUT", f"{V1}/nominations/{draft.pk}", body)

    assert (response.status_code, response.json()["code"]) == (422, "invalid_input")
    assert response.json()["details"][0]["loc"][-1] == "name"
    if bad != "\ud800":  # pydantic refuses a lone surrogate itself, with its own message
        assert "控制字符" in response.json()["details"][0]["msg"]
    assert Nomination.objects.get(pk=draft.pk).data == before


def test_nul_in_a_field_name_and_in_a_comment_is_422(world):
    draft, team = world.s.draft, world.s.team

    key = raw(
        world,
        "applicant",
        "PUT",
        f"{V1}/nominations/{draft.pk}",
        json.dumps({"version": draft.version, "data": {"na\x00me": "x"}}),
    )
    comment = raw(
        world,
        "recommender",
        "POST",
        f"{V1}/nominations/{team.pk}/transitions",
        json.dumps({"action": "return_to_applicant", "comment": "退回\x00"}),
    )

    assert (key.status_code, comment.status_code) == (422, 422)
    assert Nomination.objects.get(pk=team.pk).state == "filed"


@pytest.mark.parametrize(
    "query", ["state=draft%00", "campaign=1%00", "page=%00", "state=%ED%A0%80"]
)
def test_nul_and_bad_bytes_in_the_query_string_never_reach_the_database(world, query):
    response = world.client("secretariat").get(f"{V1}/nominations?{query}")

    assert response.status_code in (200, 422)
    assert "items" in response.json() or response.json()["code"] == "invalid_input"


def test_malformed_json_is_400(world):
    response = raw(world, "applicant", "POST", f"{V1}/nominations", "{not json")

    assert response.status_code == 400
    assert response.json() == {
        "code": "bad_request",
        "message": "请求无法解析（例如 JSON 格式错误）。",
        "details": None,
    }


@pytest.mark.parametrize("pk", ["0", "-1", "99999999999999999999", "2147483648"])
def test_ids_out_of_range_are_422_not_a_database_overflow(world, pk):
    response = world.client("secretariat").get(f"{V1}/nominations/{pk}")

    assert response.status_code in (404, 422)
    assert response.json()["code"] in ("not_found", "invalid_input")


def test_huge_page_number_is_refused(world):
    response = world.client("secretariat").get(f"{V1}/nominations?page=99999999999")

    assert response.status_code == 422


def test_unknown_api_address_is_a_json_404():
    response = Client().get("/api/v2/anything")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_wrong_method_is_not_a_server_error(world):
    response = world.client("secretariat").request("DELETE", f"{V1}/campaigns")

    assert response.status_code == 405


def test_every_error_response_is_documented_with_the_error_schema():
    from manyi.api.api import api

    paths = api.get_openapi_schema(path_prefix="")["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            documented = {str(status) for status in operation["responses"]}
            assert {"404", "422"} <= documented, f"{method} {path}"


# --- the interactive docs under the strict CSP ------------------------------------------------


def test_docs_page_loads_swagger_from_our_static_files_under_the_csp():
    response = Client().get(f"{V1}/docs")

    html = response.content.decode()
    csp = response["Content-Security-Policy"]
    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui-init.js" in html
    assert "cdn" not in html.lower()
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    # Every script is a file of our own origin, except the JSON settings block (not executed).
    for tag in html.split("<script")[1:]:
        opening = tag.split(">", 1)[0]
        assert 'src="/static/' in opening or 'type="application/json"' in opening, opening
    assert finders.find("ninja/swagger-ui-bundle.js") is not None
    assert finders.find("ninja/swagger-ui.css") is not None


def test_openapi_document_is_served_to_anyone():
    response = Client().get(f"{V1}/openapi.json")

    assert response.status_code == 200
    assert response.json()["info"]["version"] == "1"
