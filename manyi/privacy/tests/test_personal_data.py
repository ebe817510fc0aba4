"""A person downloads everything held about them: read the zip back."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from manyi.core.notify import tell
from manyi.nominations import services as filing
from manyi.nominations.models import NominationState
from manyi.reviews.models import Objection, PublicNotice
from manyi.testing import png_upload

pytestmark = pytest.mark.django_db


def download(client, user) -> zipfile.ZipFile:
    client.force_login(user)
    response = client.get(reverse("privacy:download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment;" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_zip_holds_account_consents_filings_files_and_messages(client, people, filed_of):
    people.applicant.email = "wang@example.com"
    people.applicant.mobile = "13800000001"
    people.applicant.save()
    nomination = filed_of("individual")
    tell([people.applicant], "您的申报已提交。", email=False)
    archive = download(client, people.applicant)
    data = json.loads(archive.read("data.json"))

    assert data["account"] | {"date_joined": None, "last_login": None} == {
        "username": "wang",
        "name": "王申报",
        "email": "wang@example.com",
        "mobile": "13800000001",
        "role": "申报人",
        "organization": "示范供电公司",
        "date_joined": None,
        "last_login": None,
    }
    assert [c["purpose"] for c in data["consents"]] == ["processing", "transfer", "publication"]
    [filed] = data["nominations"]
    assert filed["id"] == nomination.pk
    assert filed["data"] == nomination.data  # every field, as typed
    assert [t["to"] for t in filed["transitions"]] == ["filed"]
    assert filed["signatures"][0]["name"] == "王小满"
    in_zip = [a["in_zip"] for a in filed["attachments"]]
    assert in_zip and all(path in archive.namelist() for path in in_zip)
    first = nomination.attachments.order_by("pk").first()
    assert archive.read(in_zip[0]) == first.file.open("rb").read()
    assert [n["message"] for n in data["notifications"]][-1] == "您的申报已提交。"
    summary = archive.read("说明.txt").decode()
    assert "登录名：wang" in summary and "【申报】共1份" in summary


def test_objections_lodged_with_ones_contact_are_included(client, people, filed_of, campaign):
    people.other_applicant.email = "sun@example.com"
    people.other_applicant.save()
    nomination = filed_of("individual")
    notice = PublicNotice.objects.create(
        campaign=campaign,
        starts_on=campaign.filing_opens,
        ends_on=campaign.filing_opens,
        working_days=5,
        published_by=people.secretariat,
        published_at=nomination.filed_at,
    )
    Objection.objects.create(
        notice=notice,
        nomination=nomination,
        name="孙申报",
        contact="SUN@example.com",
        grounds="有疑问。",
        lodged_at=nomination.filed_at,
    )
    data = json.loads(download(client, people.other_applicant).read("data.json"))
    assert [(o["nomination"], o["grounds"]) for o in data["objections"]] == [
        (nomination.pk, "有疑问。")
    ]
    assert data["nominations"] == []


def test_nothing_of_another_person_is_included(client, people, filed_of):
    filed_of("individual")
    archive = download(client, people.other_applicant)
    data = json.loads(archive.read("data.json"))
    assert (data["nominations"], data["consents"]) == ([], [])
    assert archive.namelist() == ["data.json", "说明.txt"]
    assert "王小满" not in archive.read("data.json").decode()


def test_confidential_evidence_is_listed_but_not_given(client, people, filed_of):
    nomination = filed_of("achievement")
    nomination.state = NominationState.IN_REVIEW
    nomination.save(update_fields=["state"])
    evidence = filing.store_file(
        nomination, "mystery_visit", png_upload(), "png", people.secretariat
    )
    data = json.loads(download(client, people.applicant).read("data.json"))
    listed = {a["id"]: a["in_zip"] for a in data["nominations"][0]["attachments"]}
    assert listed[evidence.pk] is None


def test_signed_out_people_are_sent_to_log_in(client):
    response = client.get(reverse("privacy:download"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
