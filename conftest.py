"""Fixtures shared by every app's tests: fast hashing, personas, the 2018 campaign."""

import pytest

from manyi.testing import Personas, make_personas


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the objection form's rate limit counts in it) and
    no rubric tree kept in memory."""
    from django.core.cache import cache

    from manyi.campaigns.queries import forget_rubric_trees

    cache.clear()
    forget_rubric_trees()


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    """Uploads of a test go to its own folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


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


@pytest.fixture
def open_campaign(campaign):
    """The 2018 campaign with its filing window open today (as the demo has it)."""
    from manyi.demo.services import open_for_filing

    open_for_filing(campaign)
    return campaign
