"""Fixtures shared by every app's tests: fast hashing, personas, the 2018 campaign."""

import pytest

from manyi.testing import Personas, make_personas


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def campaign(db):
    from manyi.campaigns.services import DATA_DIR, load_campaign

    return load_campaign(DATA_DIR / "campaigns" / "2018.yaml")


@pytest.fixture
def people(db) -> Personas:
    return make_personas()


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE']}"
