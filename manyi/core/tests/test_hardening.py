"""What protects every page: a strict Content-Security-Policy, no inline script or style in
any template, and login throttling."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from manyi.testing import PASSWORD

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+=", re.IGNORECASE)


@pytest.mark.django_db
def test_every_page_sends_a_strict_content_security_policy(client):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: p.name)
def test_templates_have_no_inline_script_style_or_handler(template):
    text = template.read_text(encoding="utf-8")
    found = INLINE_SCRIPT.findall(text) + INLINE_STYLE.findall(text) + INLINE_HANDLER.findall(text)
    assert found == []


@pytest.mark.django_db
def test_login_is_locked_after_five_failures_in_chinese(client, people):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "wang", "password": "wrong"})
    locked = client.post("/accounts/login/", {"username": "wang", "password": PASSWORD})
    assert locked.status_code == 429
    assert "登录已暂停" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_success_resets_the_failure_count(client, people):
    for _ in range(4):
        client.post("/accounts/login/", {"username": "wang", "password": "wrong"})
    assert (
        client.post("/accounts/login/", {"username": "wang", "password": PASSWORD}).status_code
        == 302
    )
    client.post("/accounts/logout/")
    for _ in range(4):
        client.post("/accounts/login/", {"username": "wang", "password": "wrong"})
    assert (
        client.post("/accounts/login/", {"username": "wang", "password": PASSWORD}).status_code
        == 302
    )
