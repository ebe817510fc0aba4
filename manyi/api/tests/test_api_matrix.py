"""The API's permission matrix: for every route (method and path) of /api/v1/, who may use it.

The routes are read from ninja's own OpenAPI document, so a new route without a row here fails
`test_every_route_is_declared`. Each persona calls each route with its personal token
(anonymous: none):

- allowed: 2xx; an unsafe method may also meet a domain refusal of the service (409/422 with
  the service's code, e.g. an incomplete review) — never a refusal of the input's shape;
- refused: 401, 403 or 404 in the API's JSON, and nothing changes (states, versions, rows);
- never a 5xx.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from manyi.api.api import api
from manyi.api.tests.conftest import Multipart, World
from manyi.core.tests.test_permission_matrix import (
    APPLICANTS,
    EVERYONE,
    JUDGE,
    JUDGES,
    OWNER,
    PERSONAS,
    SECRETARIAT,
    SEES_FILING,
    SIGNED_IN,
    snapshot,
)
from manyi.nominations import services as filing
from manyi.testing import png_upload

pytestmark = pytest.mark.django_db

PREFIX = "/api/v1"


@dataclass(frozen=True)
class Route:
    allowed: frozenset[str]
    kwargs: Callable[[World], dict[str, Any]] = lambda w: {}
    body: Callable[[World], Any] | None = None


def draft(w: World) -> dict[str, Any]:
    return {"nomination_id": w.s.draft.pk}


def individual(w: World) -> dict[str, Any]:
    return {"nomination_id": w.s.individual.pk}


def achievement(w: World) -> dict[str, Any]:
    return {"nomination_id": w.s.achievement.pk}


HONOUR = {"awarded_on": "2017-05-01", "issuer": "自治区总工会", "name": "服务标兵", "level": "unit"}


def new_attachment(w: World):
    """A file of the owner's draft, made for one case (a case that may delete it)."""
    return filing.add_attachment(w.s.draft, "evidence", png_upload(), by=w.s.draft.applicant)


def new_honour(w: World):
    return filing.add_honour(
        w.s.draft,
        **HONOUR | {"awarded_on": date(2017, 5, 1)},
        scan=png_upload(),
        by=w.s.draft.applicant,
    )


# fmt: off
API_MATRIX: dict[tuple[str, str], Route] = {
    # the published rules: anyone
    ("GET", "/campaigns"): Route(EVERYONE),
    ("GET", "/campaigns/{campaign_id}"): Route(
        EVERYONE, lambda w: {"campaign_id": w.s.individual.campaign_id}
    ),
    ("GET", "/campaigns/{campaign_id}/categories"): Route(
        EVERYONE, lambda w: {"campaign_id": w.s.individual.campaign_id}
    ),
    ("GET", "/categories/{category_id}"): Route(
        EVERYONE, lambda w: {"category_id": w.s.individual_category}
    ),
    ("GET", "/rubrics/{rubric_id}"): Route(
        EVERYONE, lambda w: {"rubric_id": w.s.individual.category.rubric_id}
    ),
    # the directory of organizations: the admin's rule (accounts.view_organization)
    ("GET", "/organizations"): Route(SECRETARIAT),
    ("GET", "/organizations/{organization_id}"): Route(
        SECRETARIAT, lambda w: {"organization_id": w.s.individual.organization_id}
    ),
    # nominations: each signed-in user lists what nominations.view_nomination lets them see
    ("GET", "/nominations"): Route(SIGNED_IN),
    ("POST", "/nominations"): Route(
        APPLICANTS, body=lambda w: {"category": w.s.individual_category, "data": {}}
    ),
    ("GET", "/nominations/{nomination_id}"): Route(SEES_FILING, individual),
    ("PUT", "/nominations/{nomination_id}"): Route(
        OWNER, draft, lambda w: {"version": w.s.draft.version, "data": {}}
    ),
    ("POST", "/nominations/{nomination_id}/file"): Route(OWNER, draft, lambda w: {}),
    ("GET", "/nominations/{nomination_id}/transitions"): Route(SEES_FILING, individual),
    # files of a nomination: read as the nomination, changed by the owner of a draft only
    ("GET", "/nominations/{nomination_id}/attachments"): Route(SEES_FILING, individual),
    ("POST", "/nominations/{nomination_id}/attachments/{slot}"): Route(
        OWNER, lambda w: {**draft(w), "slot": "evidence"}, lambda w: Multipart(file=png_upload())
    ),
    ("DELETE", "/attachments/{attachment_id}"): Route(
        OWNER, lambda w: {"attachment_id": new_attachment(w).pk}
    ),
    ("GET", "/nominations/{nomination_id}/honours"): Route(SEES_FILING, individual),
    ("POST", "/nominations/{nomination_id}/honours"): Route(
        OWNER, draft, lambda w: Multipart(HONOUR, scan=png_upload())
    ),
    ("DELETE", "/honours/{honour_id}"): Route(OWNER, lambda w: {"honour_id": new_honour(w).pk}),
    ("POST", "/nominations/{nomination_id}/transitions"): Route(
        OWNER, lambda w: {"nomination_id": w.s.team.pk}, lambda w: {"action": "withdraw"}
    ),
    # judging: the judge's own tasks; the conflicted judge never sees the nomination
    ("GET", "/assignments"): Route(JUDGES),
    ("GET", "/assignments/{nomination_id}/review"): Route(JUDGE, achievement),
    ("PUT", "/assignments/{nomination_id}/review"): Route(JUDGE, achievement, lambda w: {}),
    ("POST", "/assignments/{nomination_id}/review/submit"): Route(
        JUDGE, achievement, lambda w: {}
    ),
    # the secretariat
    ("GET", "/rankings/{category_id}"): Route(
        SECRETARIAT, lambda w: {"category_id": w.s.individual_category}
    ),
    # public
    ("GET", "/public/notice"): Route(EVERYONE),
    ("GET", "/public/results"): Route(EVERYONE),
}
# fmt: on


def routes() -> set[tuple[str, str]]:
    """Every (method, path) of the API, from ninja's OpenAPI document."""
    paths = api.get_openapi_schema(path_prefix="")["paths"]
    return {(method.upper(), path) for path, ops in paths.items() for method in ops}


def test_every_route_is_declared():
    assert sorted(routes() - set(API_MATRIX)) == []


def test_every_declared_route_exists():
    assert sorted(set(API_MATRIX) - routes()) == []


def cases():
    for (method, path), _route in API_MATRIX.items():
        for persona in PERSONAS:
            yield pytest.param(method, path, persona, id=f"{method} {path} {persona}")


@pytest.mark.parametrize(("method", "path", "persona"), list(cases()))
def test_api_permission(world, method, path, persona):
    route = API_MATRIX[(method, path)]
    url = PREFIX + path.format(**route.kwargs(world))
    body = route.body(world) if route.body else None
    before = snapshot()

    response = world.client(persona).request(method, url, body)

    status = response.status_code
    assert status < 500, f"{method} {url} by {persona}: {status}"
    payload = None if status == 204 else response.json()
    if persona in route.allowed:
        refused_by_rule = method != "GET" and status in (409, 422)
        assert 200 <= status < 300 or refused_by_rule, f"{method} {url} by {persona}: {payload}"
        if refused_by_rule:
            assert payload["code"] != "invalid_input", payload
    else:
        assert status in (401, 403, 404), f"{method} {url} by {persona}: {status} {payload}"
        assert set(payload) == {"code", "message", "details"}
        assert snapshot() == before, f"{method} {url} by {persona} changed data"
