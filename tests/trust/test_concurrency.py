"""Concurrent edits never overwrite each other silently.

Two people (or two tabs) save the same nomination draft or the same review from stale copies:
the second is told, in Chinese, with a 409, and the page keeps what they typed. On PostgreSQL two
real writers (threads, each with its own connection) race to file the same draft and to submit
the same review: exactly one wins, no server error, no duplicate rows.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from manyi.reviews import judging
from manyi.reviews.models import Review

VERSION = re.compile(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"')


def version_on(page: str) -> str:
    match = VERSION.search(page)
    assert match, "the page carries the version it was loaded with"
    return match[1] or match[2]


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- stale copies through the pages -----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "autosave"])
def test_a_draft_saved_from_a_stale_page_is_refused_and_keeps_what_was_typed(scenario, htmx):
    draft = scenario.draft
    url = reverse("nominations:edit", args=[draft.pk])
    first, second = client_of(draft.applicant), client_of(draft.applicant)
    loaded = version_on(second.get(url).content.decode())
    data = dict(draft.data)
    first.post(url, data | {"name": "第一个窗口", "version": loaded})

    response = second.post(
        url,
        data | {"name": "第二个窗口<b>", "version": loaded},
        **({"HTTP_HX_REQUEST": "true"} if htmx else {}),
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert re.search(r"[\u4e00-\u9fff]", page)
    if not htmx:
        assert escape("第二个窗口<b>") in page  # what the second typed, kept and escaped
    draft.refresh_from_db()
    assert draft.data["name"] == "第一个窗口"  # the first save is not overwritten


def score_url(scenario) -> str:
    return reverse("reviews:score", args=[scenario.achievement.pk])


def score_form(scenario, comment: str, version: str) -> dict:
    criteria = judging.criteria_with_items(judging.judging_rubric(scenario.achievement.category))
    return {
        **{f"score_{criterion.pk}": "1" for _item, criterion in criteria},
        "comment": comment,
        "version": version,
        "save": "1",
    }


@pytest.mark.django_db
def test_a_score_saved_from_a_stale_page_is_refused_and_keeps_what_was_typed(scenario):
    judge = scenario.users["judge"]
    first, second = client_of(judge), client_of(judge)
    loaded = version_on(second.get(score_url(scenario)).content.decode())
    saved = first.post(score_url(scenario), score_form(scenario, "第一个窗口的意见", loaded))
    assert saved.status_code == 302

    response = second.post(score_url(scenario), score_form(scenario, "第二个窗口<i>意见", loaded))

    assert response.status_code == 409
    page = response.content.decode()
    assert judging.STALE_REVIEW in page
    assert escape("第二个窗口<i>意见") in page  # kept, escaped
    review = Review.objects.get(nomination=scenario.achievement, judge=judge)
    assert review.comment == "第一个窗口的意见"
    assert version_on(page) == str(review.version)  # saving again now overwrites knowingly
    again = second.post(
        score_url(scenario), score_form(scenario, "第二个窗口<i>意见", version_on(page))
    )
    assert again.status_code == 302
    review.refresh_from_db()
    assert review.comment == "第二个窗口<i>意见"


@pytest.mark.django_db
def test_a_score_saved_twice_from_the_same_page_by_reloading_is_kept(scenario):
    judge = scenario.users["judge"]
    client = client_of(judge)
    for comment in ("第一次", "第二次"):
        loaded = version_on(client.get(score_url(scenario)).content.decode())
        assert (
            client.post(score_url(scenario), score_form(scenario, comment, loaded)).status_code
            == 302
        )
    assert Review.objects.get(nomination=scenario.achievement, judge=judge).comment == "第二次"
