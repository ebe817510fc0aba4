"""The audit page names each action in Chinese beside its code."""

import pytest

from manyi.audit.labels import action_label, type_label
from manyi.audit.services import record

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("nomination.endorse", "申报：推荐"),  # the workflow's own label, registered at start-up
        ("nomination.save_draft", "申报：保存草稿"),
        ("login.failure", "登录：失败"),
        ("review.submit", "评审意见：提交"),
        ("band.admin_change", "评分段：在管理后台修改"),  # a model's own name
        ("something.unknown", "something.unknown"),  # no words: the code itself
    ],
)
def test_action_labels(code, words):
    assert action_label(code) == words


def test_type_labels():
    assert type_label("nominations.nomination") == "申报"
    assert type_label("no.such") == "no.such"


def test_the_page_shows_the_words_and_the_code(client, people):
    record(people.secretariat, "review.submit", people.judge)
    client.force_login(people.secretariat)
    page = client.get("/audit/").content.decode()
    assert "评审意见：提交" in page
    assert "<code>review.submit</code>" in page
