"""Attachments and honours through the pages: checked by content, counted, served with care."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from manyi.nominations import services
from manyi.nominations.models import Attachment, Honour
from manyi.testing import PNG_1X1, docx_upload, png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def team_draft(open_campaign, people):
    nomination = services.start_nomination(
        open_campaign.categories.get(kind="team"), by=people.applicant
    )
    services.save_draft(nomination, {"team_name": "示范班组"}, by=people.applicant)
    return nomination


def test_upload_a_word_summary_counts_its_characters(client, people, team_draft):
    client.force_login(people.applicant)
    response = client.post(
        f"/nominations/{team_draft.pk}/attachments/team_summary/",
        {"upload-team_summary": docx_upload(1234, "经验总结.docx")},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    attachment = Attachment.objects.get()
    assert (attachment.original_name, attachment.characters, attachment.file_kind) == (
        "经验总结.docx",
        1234,
        "docx",
    )
    assert "经验总结.docx" in response.content.decode()
    assert "1234 字" in response.content.decode()
    assert (
        "经验总结" not in attachment.file.name
    )  # stored under a random token, not the user's name


def test_a_new_summary_replaces_the_old_one(client, people, team_draft):
    client.force_login(people.applicant)
    url = f"/nominations/{team_draft.pk}/attachments/team_summary/"
    client.post(url, {"upload-team_summary": docx_upload(100, "一.docx")}, HTTP_HX_REQUEST="true")
    client.post(url, {"upload-team_summary": docx_upload(200, "二.docx")}, HTTP_HX_REQUEST="true")
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["二.docx"]


def test_a_png_named_docx_is_refused_naming_the_file(client, people, team_draft):
    client.force_login(people.applicant)
    fake = SimpleUploadedFile("总结.docx", PNG_1X1, content_type="application/msword")
    response = client.post(
        f"/nominations/{team_draft.pk}/attachments/team_summary/",
        {"upload-team_summary": fake},
        HTTP_HX_REQUEST="true",
    )
    assert (
        "文件“总结.docx”实际为：PNG 图片。此处可上传：Word（.docx）。" in response.content.decode()
    )
    assert Attachment.objects.count() == 0


def test_upload_without_a_file_says_so(client, people, team_draft):
    client.force_login(people.applicant)
    response = client.post(
        f"/nominations/{team_draft.pk}/attachments/team_summary/", {}, HTTP_HX_REQUEST="true"
    )
    assert "请先选择要上传的文件。" in response.content.decode()


def test_unknown_slot_is_not_found(client, people, team_draft):
    client.force_login(people.applicant)
    response = client.post(
        f"/nominations/{team_draft.pk}/attachments/nonsense/",
        {"upload-nonsense": png_upload()},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 404


def test_add_and_delete_an_honour(client, people, team_draft):
    client.force_login(people.applicant)
    response = client.post(
        f"/nominations/{team_draft.pk}/honours/",
        {
            "honour-awarded_on": "2017年5月1日",
            "honour-issuer": "自治区总工会",
            "honour-name": "工人先锋号",
            "honour-level": "provincial",
            "honour-scan": png_upload("证书.png"),
        },
        HTTP_HX_REQUEST="true",
    )
    honour = Honour.objects.get()
    assert (honour.name, str(honour.awarded_on), honour.scan.original_name) == (
        "工人先锋号",
        "2017-05-01",
        "证书.png",
    )
    assert "省（市）级或行业系统" in response.content.decode()
    client.post(f"/nominations/{team_draft.pk}/honours/{honour.pk}/delete/", HTTP_HX_REQUEST="true")
    assert Honour.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_an_honour_with_missing_fields_keeps_what_was_typed(client, people, team_draft):
    client.force_login(people.applicant)
    response = client.post(
        f"/nominations/{team_draft.pk}/honours/",
        {"honour-issuer": "自治区总工会", "honour-awarded_on": "去年"},
        HTTP_HX_REQUEST="true",
    )
    content = response.content.decode()
    assert "“去年”不是有效日期" in content
    assert 'value="自治区总工会"' in content
    assert Honour.objects.count() == 0


def test_download_only_for_who_may_see_the_nomination(client, people, team_draft):
    attachment = services.add_attachment(
        team_draft, "team_summary", docx_upload(10, "总结.docx"), by=people.applicant
    )
    url = f"/nominations/{team_draft.pk}/attachments/{attachment.pk}/download/"
    client.force_login(people.other_applicant)
    assert client.get(url).status_code == 404
    client.force_login(people.applicant)
    response = client.get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    client.force_login(people.secretariat)
    assert client.get(url).status_code == 200
