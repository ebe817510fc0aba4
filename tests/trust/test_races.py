"""Two real writers (threads, each with its own connection) race to file the same draft and to
submit the same review: exactly one wins, no server error, no duplicate rows. A module of its
own: its tests commit (transaction=True), which the module-scoped demo review cannot share."""

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from manyi.core.tests.test_permission_matrix import build_scenario
from manyi.nominations.models import Nomination, NominationState, SelfScore, Signature, Transition
from manyi.reviews import judging
from manyi.reviews.models import Review, Score
from manyi.testing import attach_requirements, png_upload, valid_form
from tests.trust.test_concurrency import client_of, score_form, score_url, version_on

# --- two real writers (PostgreSQL) ------------------------------------------------------------

needs_two_writers = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason=(
        "SQLite's test database is in memory with a shared cache, where a second writer fails "
        "at once with 'database table is locked' instead of waiting: the race needs PostgreSQL"
    ),
)


def race(*calls) -> list:
    """Run the calls at the same moment, each in its own thread (its own connection); return
    each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except BaseException as error:
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@needs_two_writers
@pytest.mark.django_db(transaction=True)
def test_two_writers_filing_the_same_draft_file_it_once(open_campaign, people):
    category = open_campaign.categories.get(kind="individual")
    client = client_of(people.applicant)
    client.post(reverse("nominations:new", args=["individual"]), valid_form("individual", category))
    draft = Nomination.objects.get(applicant=people.applicant)
    attach_requirements(draft, people.applicant)
    url = reverse("nominations:file", args=[draft.pk])
    clients = [client_of(people.applicant), client_of(people.applicant)]

    outcomes = race(*(lambda c=c: c.post(url) for c in clients))

    assert [o.status_code for o in outcomes] == [302, 302], outcomes
    draft.refresh_from_db()
    assert draft.state == NominationState.FILED
    assert Transition.objects.filter(nomination=draft, action="file").count() == 1
    criteria = SelfScore.objects.filter(nomination=draft)
    assert criteria.count() == criteria.values("criterion").distinct().count() > 0
    assert Signature.objects.filter(nomination=draft).count() == 1


@needs_two_writers
@pytest.mark.django_db(transaction=True)
def test_two_writers_submitting_the_same_review_submit_it_once():
    scenario = build_scenario()
    judge = scenario.users["judge"]
    judging.record_mystery_visit(
        scenario.achievement,
        by=judge,
        visited_on=scenario.achievement.campaign.filing_opens,
        place="营业厅",
        finding="服务规范。",
        evidence=[png_upload("暗访.png")],
    )
    url = score_url(scenario)
    loaded = version_on(client_of(judge).get(url).content.decode())
    forms = [score_form(scenario, comment, loaded) | {"submit": "1"} for comment in ("甲", "乙")]
    clients = [client_of(judge), client_of(judge)]

    outcomes = race(*(lambda c=c, f=f: c.post(url, f) for c, f in zip(clients, forms, strict=True)))

    winners = [o for o in outcomes if o.status_code == 302]
    losers = [o for o in outcomes if o.status_code != 302]
    assert (len(winners), len(losers)) == (1, 1), outcomes
    told = losers[0].content.decode()  # submitted meanwhile (locked), or a stale page
    assert losers[0].status_code in {200, 409}
    assert judging.LOCKED in told or judging.STALE_REVIEW in told
    reviews = Review.objects.filter(nomination=scenario.achievement, judge=judge)
    assert reviews.count() == 1
    review = reviews.get()
    assert review.state == "submitted"
    assert review.comment in {"甲", "乙"}
    scores = Score.objects.filter(review=review)
    assert scores.count() == scores.values("criterion").distinct().count() > 0
