"""No lost data: an error in the middle of a state change leaves the previous state whole.

Each test forces a failure after the operation's first write (the notification sent by every
transition, the second award, the score rows, a file of a restore) and checks the state, the
versions, the related rows, the messages and outbox, and the files referenced. The tests run
with real transactions (transaction=True), so the services' atomic blocks are the outermost ones,
as in production, on SQLite and on PostgreSQL.
"""

import datetime
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from manyi.core.tests.test_backup import _Sink, empty_installation, snapshot_files
from manyi.core.tests.test_permission_matrix import build_scenario
from manyi.demo.services import load_demo
from manyi.nominations import services as filing
from manyi.nominations.formspecs import FORMS
from manyi.nominations.models import Nomination, NominationState
from manyi.reviews import judging, objections, results
from manyi.reviews import services as reviewing
from manyi.reviews.models import Award, Objection, PublicNotice, Review, Score
from manyi.reviews.tests.test_recommendation import endorse, filed
from manyi.testing import attach_requirements, docx_upload, png_upload, valid_form

pytestmark = pytest.mark.django_db(transaction=True)
APPS = ("accounts", "core", "nominations", "reviews")


class Forced(Exception):
    """The failure forced in the middle of an operation."""


def fail_on_call(monkeypatch, owner, name: str, *, call: int = 1) -> None:
    """Make `owner.name` raise Forced on its `call`-th call (the earlier calls run)."""
    original = getattr(owner, name)
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] >= call:
            raise Forced(f"{name} failed")
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, failing)


def state() -> tuple:
    """Everything an operation may change: each nomination's state, version and data, the row
    count of every model of the domain's apps (messages and outbox included), each review's
    version and state, and the files the rows reference (each one on disk)."""
    nominations = tuple(
        Nomination.objects.order_by("pk").values_list("pk", "state", "version", "data")
    )
    reviews = tuple(Review.objects.order_by("pk").values_list("pk", "state", "version", "comment"))
    counts = tuple(
        (model._meta.label, model.objects.count())
        for label in APPS
        for model in apps.get_app_config(label).get_models()
    )
    return nominations, reviews, counts, referenced_files()


def referenced_files() -> tuple[str, ...]:
    """Every file a row points to; each must exist."""
    names = []
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.concrete_fields:
                if field.get_internal_type() == "FileField":
                    for name in model.objects.exclude(**{field.name: ""}).values_list(
                        field.name, flat=True
                    ):
                        assert (Path(settings.MEDIA_ROOT) / name).is_file(), name
                        names.append(name)
    return tuple(sorted(names))


# --- filing, endorsing, the formal check ------------------------------------------------------


def test_filing_that_fails_midway_leaves_the_draft_whole(open_campaign, people, monkeypatch):
    category = open_campaign.categories.get(kind="individual")
    draft = filing.start_nomination(category, by=people.applicant)
    filing.save_draft(draft, valid_form("individual", category), by=people.applicant)
    attach_requirements(draft, people.applicant)
    before = state()
    fail_on_call(monkeypatch, filing, "announce")  # after the self-scores, signatures and state

    with pytest.raises(Forced):
        filing.file_nomination(draft, by=people.applicant)

    assert state() == before
    draft.refresh_from_db()
    assert (draft.state, draft.filed_at, draft.locked_name) == (NominationState.DRAFT, None, "")
    monkeypatch.undo()
    filing.file_nomination(draft, by=people.applicant)  # and it can be filed afterwards
    draft.refresh_from_db()
    assert draft.state == NominationState.FILED


def test_endorsing_that_fails_midway_leaves_the_filing_whole(open_campaign, people, monkeypatch):
    nomination = filed(open_campaign, people)
    before = state()
    fail_on_call(monkeypatch, filing, "announce")  # after the endorsement, its seal and state

    with pytest.raises(Forced):
        endorse(nomination, people.recommender)

    assert state() == before
    nomination.refresh_from_db()
    assert nomination.state == NominationState.FILED


def test_formal_check_that_fails_midway_changes_nothing(open_campaign, people, monkeypatch):
    nomination = filed(open_campaign, people)
    endorse(nomination, people.recommender)
    before = state()
    fail_on_call(monkeypatch, filing, "announce")

    with pytest.raises(Forced):
        reviewing.formal_check(
            nomination,
            by=people.secretariat,
            items=dict.fromkeys(reviewing.CHECK_ITEMS, True),
            notes="",
            deadline=None,
        )

    assert state() == before


def test_a_return_for_correction_that_fails_midway_changes_nothing(
    open_campaign, people, monkeypatch
):
    nomination = filed(open_campaign, people)
    before = state()
    fail_on_call(monkeypatch, filing, "announce")

    with pytest.raises(Forced):
        reviewing.return_to_applicant(nomination, by=people.recommender, reasons="请补充材料。")

    assert state() == before


def test_an_attachment_that_fails_midway_keeps_the_one_it_replaces(
    open_campaign, people, monkeypatch
):
    """A slot of one file replaces the old file: a failure while saving the new one keeps the
    old row (the old file itself is deleted from disk only when the row goes)."""
    category = open_campaign.categories.get(kind="team")
    draft = filing.start_nomination(category, by=people.applicant)
    attach_requirements(draft, people.applicant)
    single_slots = {slot.code for slot in FORMS["team"].attachments if not slot.many}
    single = next(a for a in draft.attachments.all() if a.slot in single_slots)
    before = state()
    fail_on_call(monkeypatch, filing.Attachment, "save")

    with pytest.raises(Forced):
        filing.add_attachment(draft, single.slot, docx_upload(100, "新.docx"), by=people.applicant)

    assert state()[:3] == before[:3]


# --- scoring, decisions, the notice, objections, results --------------------------------------


@pytest.fixture
def demo():
    """The demo review (every step), with the matrix's extras (an objection lodged)."""
    return build_scenario()


def sheet_for(nomination, **changes) -> judging.Sheet:
    criteria = judging.criteria_with_items(judging.judging_rubric(nomination.category))
    points = {criterion.pk: 0 for _item, criterion in criteria}
    return judging.Sheet(**({"points": points, "comment": "评审意见。"} | changes))


def test_saving_scores_that_fails_midway_keeps_the_previous_draft(demo, monkeypatch):
    judge = demo.users["judge"]
    judging.save_scores(demo.achievement, judge=judge, sheet=sheet_for(demo.achievement))
    before = state()
    scores_before = list(Score.objects.order_by("pk").values_list("review", "criterion", "points"))
    fail_on_call(monkeypatch, Score.objects, "bulk_create")  # after the old scores are deleted

    with pytest.raises(Forced):
        judging.save_scores(
            demo.achievement, judge=judge, sheet=sheet_for(demo.achievement, comment="改了。")
        )

    assert state() == before
    assert list(Score.objects.order_by("pk").values_list("review", "criterion", "points")) == (
        scores_before
    )


def test_submitting_a_review_that_fails_midway_leaves_it_a_draft(demo, monkeypatch):
    judge = demo.users["judge"]
    judging.record_mystery_visit(
        demo.achievement,
        by=judge,
        visited_on=datetime.date(2018, 3, 1),
        place="营业厅",
        finding="服务规范。",
        evidence=[png_upload("暗访.png")],
    )
    before = state()
    fail_on_call(monkeypatch, Review, "save")

    with pytest.raises(Forced):
        judging.submit_review(demo.achievement, judge=judge, sheet=sheet_for(demo.achievement))

    assert state() == before
    assert Review.objects.get(nomination=demo.achievement, judge=judge).state == "draft"


def test_deciding_an_objection_that_fails_midway_changes_nothing(demo, monkeypatch):
    before = state()
    fail_on_call(monkeypatch, filing, "announce")  # after the not_award move, before the rest

    with pytest.raises(Forced):
        objections.decide_objection(
            demo.objection, by=demo.users["secretariat"], upheld=True, investigation="属实。"
        )

    assert state() == before
    assert Objection.objects.get(pk=demo.objection.pk).status == Objection.Status.OPEN


def test_publishing_results_that_fails_midway_awards_nobody_and_keeps_the_numbers(
    demo, monkeypatch
):
    secretariat = demo.users["secretariat"]
    for objection in Objection.objects.filter(status=Objection.Status.OPEN):
        objections.decide_objection(objection, by=secretariat, upheld=False, investigation="不实。")
    after_notice = PublicNotice.objects.get().ends_on + datetime.timedelta(days=1)
    before = state()
    fail_on_call(monkeypatch, Award.objects, "create", call=2)  # the first award is written

    with pytest.raises(Forced):
        results.publish_results(demo.individual.campaign, by=secretariat, today=after_notice)

    assert state() == before
    assert not Award.objects.exists()
    monkeypatch.undo()
    awards = results.publish_results(demo.individual.campaign, by=secretariat, today=after_notice)
    by_category: dict[int, list[int]] = {}
    for award in awards:
        by_category.setdefault(award.nomination.category_id, []).append(award.sequence)
    assert by_category  # numbered from 1 in each category: the failed attempt used none
    assert all(numbers == list(range(1, len(numbers) + 1)) for numbers in by_category.values())


def test_opening_the_notice_that_fails_midway_changes_nothing(demo, monkeypatch):
    """The demo's notice is out; take it back (as before publishing) and open it again."""
    secretariat = demo.users["secretariat"]
    notice = PublicNotice.objects.get()
    Objection.objects.all().delete()
    notice.delete()
    Nomination.objects.filter(state=NominationState.ON_NOTICE).update(
        state=NominationState.PROPOSED
    )
    before = state()
    fail_on_call(monkeypatch, filing, "announce", call=2)  # one nomination moved already

    with pytest.raises(Forced):
        results.open_notice(
            demo.individual.campaign, by=secretariat, starts_on=notice.starts_on, working_days=5
        )

    assert state() == before
    assert not PublicNotice.objects.exists()


# --- restore ---------------------------------------------------------------------------------


def test_a_restore_that_fails_while_writing_files_leaves_an_empty_installation(
    tmp_path, monkeypatch
):
    load_demo()
    archive = tmp_path / "demo.zip"
    call_command("backup", str(archive), stderr=_Sink())
    empty_installation()
    from manyi.core import backup

    fail_on_call(monkeypatch, backup.shutil, "copyfileobj", call=3)  # the data, then a file

    with pytest.raises(Forced):
        backup.restore_backup(archive)

    assert all(count == 0 for _label, count in state()[2]), state()[2]
    assert snapshot_files() == {}
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
