"""The settings refuse what would be unsafe in production. Each case imports the settings in a
fresh interpreter, as gunicorn would."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from manyi.settings import DEMO_SECRET_KEY

PRINT_DEBUG = (
    "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
)


def start(**env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "MANYI_ENV"}
    }
    return subprocess.run(  # noqa: S603  (our own interpreter, our own code)
        [sys.executable, "-c", PRINT_DEBUG],
        cwd=settings.BASE_DIR,
        env=clean | {"DJANGO_SETTINGS_MODULE": "manyi.settings"} | env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "needs its own SECRET_KEY"),
        (
            {"SECRET_KEY": DEMO_SECRET_KEY, "ALLOWED_HOSTS": "manyi.example"},
            "the demo key is refused",
        ),
        ({"SECRET_KEY": "s" * 50}, "needs ALLOWED_HOSTS"),
        (
            {"SECRET_KEY": "s" * 50, "ALLOWED_HOSTS": "manyi.example", "DEBUG": "1"},
            "refuses DEBUG=1",
        ),
    ],
)
def test_production_refuses_to_start_unsafely(env, message):
    result = start(MANYI_ENV="production", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_its_own_key_and_hosts():
    result = start(MANYI_ENV="production", SECRET_KEY="s" * 50, ALLOWED_HOSTS="manyi.example")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_development_defaults_to_debug_with_the_demo_key():
    result = start()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_a_malformed_boolean_is_refused():
    result = start(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_interface_is_chinese_in_shanghai_time():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


def test_check_deploy_reports_nothing_with_production_settings():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}}
    env |= {
        "MANYI_ENV": "production",
        "SECRET_KEY": "x" * 20 + "production-secret-key-for-the-check-only-0123456789",
        "ALLOWED_HOSTS": "manyi.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
