"""The demo review (as the permission matrix builds it) with a personal API token for every
persona, built once per module in a transaction rolled back afterwards."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings

from manyi.api.services import issue_token
from manyi.core.tests.test_permission_matrix import PERSONAS, Scenario, build_scenario

ANONYMOUS = "anonymous"


@dataclass
class World:
    s: Scenario
    tokens: dict[str, str]  # persona -> secret

    def client(self, persona: str) -> "ApiClient":
        return ApiClient(self.tokens.get(persona))


class Multipart(dict):
    """A body sent as multipart/form-data: fields, and files as SimpleUploadedFile."""


class ApiClient:
    """A test client that sends a persona's token and JSON bodies."""

    def __init__(self, secret: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def request(self, method: str, url: str, body: Any = None, **extra):
        send = getattr(self.client, method.lower())
        if body is None:
            return send(url, headers=self.headers, **extra)
        if isinstance(body, Multipart):  # the test client's own multipart encoding
            return send(url, dict(body), headers=self.headers, **extra)
        return send(url, body, content_type="application/json", headers=self.headers, **extra)

    def get(self, url: str, **extra):
        return self.request("GET", url, **extra)

    def post(self, url: str, body: Any = None):
        return self.request("POST", url, {} if body is None else body)

    def put(self, url: str, body: Any = None):
        return self.request("PUT", url, {} if body is None else body)


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, media_root):
    settings.MEDIA_ROOT = media_root


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, media_root):
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        override_settings(MEDIA_ROOT=media_root, PASSWORD_HASHERS=fast),
        django_db_blocker.unblock(),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            s = build_scenario()
            tokens = {
                persona: issue_token(s.users[persona], name=f"{persona} token").secret
                for persona in PERSONAS
                if persona != ANONYMOUS
            }
            yield World(s, tokens)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
