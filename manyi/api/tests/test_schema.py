"""The OpenAPI document validates, and a property-based fuzz run of the whole schema
(schemathesis) as the secretariat and as an applicant finds no server error.

Examples per operation and mode: MANYI_API_FUZZ_EXAMPLES (default 15), so that the run stays
well under two minutes per database on two cores; raise it for a deeper run.
"""

import copy
import os
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from manyi.api.api import api

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("MANYI_API_FUZZ_EXAMPLES", "15"))


def document() -> dict:
    return api.get_openapi_schema(path_prefix="/api/v1")


def test_openapi_document_validates():
    schema = schemathesis.openapi.from_dict(document())

    schema.validate()  # the OpenAPI 3.1 meta-schema; raises on the first error

    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == sum(len(ops) for ops in document()["paths"].values())
    ids = [op["operationId"] for ops in document()["paths"].values() for op in ops.values()]
    assert len(set(ids)) == len(ids)
    assert "manyi_api_api_list_campaigns" in ids  # the ids the API was published with


def test_a_broken_document_does_not_validate():
    broken = copy.deepcopy(document())
    broken["paths"]["/api/v1/campaigns"]["get"]["responses"] = "none"

    with pytest.raises(Exception):  # noqa: B017 - jsonschema_rs' ValidationError
        schemathesis.openapi.from_dict(broken).validate()


@contextmanager
def database_kept_open():
    """A WSGI request closes "old" connections when it starts and ends, which would end the
    test's transaction; Django's test client turns this off the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize("persona", ["secretariat", "applicant"])
def test_fuzz_the_whole_schema_finds_no_server_error(world, persona):
    headers = {"Authorization": f"Bearer {world.tokens[persona]}"}
    failures = []
    with database_kept_open():
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        operations = [result.ok() for result in schema.get_all_operations()]
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

                @given(case=operation.as_strategy(generation_mode=mode))
                @settings(
                    max_examples=EXAMPLES,
                    deadline=None,
                    database=None,
                    derandomize=True,
                    suppress_health_check=list(HealthCheck),
                )
                def run(case):
                    case.call_and_validate(headers=headers, checks=[not_a_server_error])

                try:
                    run()
                except Unsatisfiable:  # no invalid input exists (an operation without inputs)
                    assert mode == GenerationMode.NEGATIVE
                except Exception as error:  # collect every failing operation, then report
                    failures.append(f"{operation.label} ({mode}): {error}")
    assert len(operations) == len(world_routes())
    assert failures == []


def world_routes() -> list[tuple[str, str]]:
    return [(m, p) for p, ops in document()["paths"].items() for m in ops]
