"""Hostile files against every upload of the application: a nomination's attachments, the
recommender's sealed page, the judges' mystery-visit evidence, the decision's minutes and the
public objection's evidence. Each is refused with a Chinese message, and nothing is kept: no row,
no file in the media folder. Hostile file names never reach the file system."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from manyi.nominations.models import Attachment, Nomination
from manyi.reviews.models import Decision, Endorsement, MysteryVisit, Objection
from tests.trust.corpus import HOSTILE_NAMES, has_han, hostile_files, oversized, png, upload

pytestmark = pytest.mark.django_db
FILES = [*hostile_files(), ("oversized", "超大.png", None)]


def media_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def client_of(scenario, persona) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(scenario.users[persona])
    return client


def the_file(name, content, limit):
    return oversized(limit, name) if content is None else upload(name, content)


def nomination_upload(scenario, f):
    slot = scenario.draft_attachment.slot
    url = reverse("nominations:upload", kwargs={"pk": scenario.draft.pk, "slot": slot})
    return client_of(scenario, "applicant").post(url, {f"upload-{slot}": f}, HTTP_HX_REQUEST="true")


def objection(scenario, f):
    on_notice = Nomination.objects.filter(state="on_notice").order_by("pk").first()
    data = {
        "nomination": on_notice.pk,
        "name": "张群众",
        "contact": "13900000000",
        "grounds": "材料不实。",
        "evidence": f,
    }
    return Client(REMOTE_ADDR=f"10.0.{id(f) % 250}.1").post(reverse("public:object"), data)


def seal(scenario, f):
    data = {"opinion": "同意推荐。", "signer": "李局长", "seal": f}
    data |= {f"attest_{n}": "on" for n in range(1, 10)}
    url = reverse("reviews:recommend", kwargs={"pk": scenario.team.pk})
    return client_of(scenario, "recommender").post(url, data)


def mystery_visit(scenario, f):
    data = {"visited_on": "2018-03-01", "place": "营业厅", "finding": "服务规范。", "evidence": f}
    url = reverse("reviews:mystery_visit", kwargs={"pk": scenario.achievement.pk})
    return client_of(scenario, "judge").post(url, data, follow=True)


def minutes(scenario, f):
    category = scenario.achievement.category_id
    # a proposed list to decide on, so that only the file can be refused
    Nomination.objects.filter(pk=scenario.achievement.pk).update(state="proposed")
    data = {"decided_on": "2018-04-01", "votes_for": 7, "votes_against": 0, "abstentions": 0}
    url = reverse("reviews:decision", kwargs={"category_id": category})
    return client_of(scenario, "secretariat").post(url, data | {"minutes": f})


# (post, upload limit in bytes, what must not change)
SITES = {
    "attachment": (nomination_upload, 20 * 1024 * 1024, lambda: Attachment.objects.count()),
    "objection evidence": (objection, 10 * 1024 * 1024, lambda: Objection.objects.count()),
    "seal": (seal, 10 * 1024 * 1024, lambda: Endorsement.objects.count()),
    "mystery visit": (mystery_visit, 20 * 1024 * 1024, lambda: MysteryVisit.objects.count()),
    "minutes": (minutes, 20 * 1024 * 1024, lambda: Decision.objects.count()),
}


@pytest.mark.parametrize(("file_id", "name", "content"), FILES, ids=[f[0] for f in FILES])
@pytest.mark.parametrize("site", SITES)
def test_hostile_file_is_refused_in_chinese_and_nothing_kept(
    scenario, site, file_id, name, content
):
    post, limit, rows = SITES[site]
    before = (rows(), Attachment.objects.count(), media_files())

    response = post(scenario, the_file(name, content, limit))

    assert response.status_code < 500
    page = response.content.decode()
    assert 'role="alert"' in page or "errorlist" in page or "error" in page
    assert has_han(page)
    if content:  # the refusal names the file (an empty file: Django's own "文件为空")
        assert escape(name) in page, f"{site}: {file_id}"
    assert (rows(), Attachment.objects.count(), media_files()) == before, f"{site}: {file_id}"


@pytest.mark.parametrize(("name_id", "name"), HOSTILE_NAMES, ids=[n[0] for n in HOSTILE_NAMES])
def test_a_hostile_file_name_never_reaches_the_file_system(scenario, name_id, name):
    response = nomination_upload(scenario, png(name))

    assert response.status_code == 200
    kept = Attachment.objects.latest("pk")
    root = Path(settings.MEDIA_ROOT).resolve()
    stored = Path(kept.file.path).resolve()
    assert stored.is_relative_to(root)
    assert stored.name == kept.token  # a random name, nothing of the sender's
    assert len(kept.original_name) <= 255
    assert not any(c in kept.original_name for c in "/\\\x00\x07\x1b")
    download = client_of(scenario, "applicant").get(
        reverse("nominations:download", kwargs={"pk": scenario.draft.pk, "attachment_id": kept.pk})
    )
    disposition = download["Content-Disposition"]
    assert download.status_code == 200
    assert not any(c in disposition for c in "\r\n\x00/\\")


@pytest.mark.parametrize(("name_id", "name"), HOSTILE_NAMES, ids=[n[0] for n in HOSTILE_NAMES])
def test_a_hostile_evidence_name_is_stored_under_a_random_name(scenario, name_id, name):
    response = objection(scenario, png(name))

    assert response.status_code == 200
    kept = Objection.objects.latest("pk").evidence.get()
    stored = Path(kept.file.path).resolve()
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert stored.suffix == ".png" and "etc" not in stored.parts[-1]
    assert not any(c in kept.original_name for c in "/\\\x00")
    assert timezone.now()  # the objection was lodged through the public page
