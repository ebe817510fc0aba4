"""Filing each kind, through the services and the pages."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from manyi.nominations import services
from manyi.nominations.models import Nomination, SelfScore, Signature
from manyi.testing import attach_requirements, docx_upload, valid_form

pytestmark = pytest.mark.django_db

KINDS = ["individual", "team", "manager", "unit", "achievement", "coaching_request"]


def filer(people, kind):
    return people.committee if kind == "unit" else people.applicant


def draft(campaign, people, kind, **changes):
    category = campaign.categories.get(kind=kind)
    by = filer(people, kind)
    nomination = services.start_nomination(category, by=by)
    data = valid_form(kind, category) | changes
    services.save_draft(nomination, {k: v for k, v in data.items() if v is not None}, by=by)
    attach_requirements(nomination, by)
    nomination.refresh_from_db()
    return nomination


@pytest.mark.parametrize("kind", KINDS)
def test_file_each_kind(open_campaign, people, kind):
    nomination = draft(open_campaign, people, kind)
    filed = services.file_nomination(nomination, by=filer(people, kind))
    assert filed.state == "filed"
    assert filed.filed_at is not None
    expected_scores = {"individual": 100, "team": 100, "manager": 100}.get(kind, 0)
    assert sum(SelfScore.objects.filter(nomination=filed).values_list("points", flat=True)) == (
        expected_scores
    )


def test_filing_writes_signatures_and_locks_team_name(open_campaign, people):
    nomination = services.file_nomination(draft(open_campaign, people, "team"), by=people.applicant)
    assert nomination.locked_name == "示范营业厅服务班"
    assert list(Signature.objects.filter(nomination=nomination).values_list("name", flat=True)) == [
        "赵班长",
        "钱成员",
        "孙成员",
    ]


def test_filing_twice_files_once(open_campaign, people):
    nomination = draft(open_campaign, people, "individual")
    first = services.file_nomination(nomination, by=people.applicant)
    second = services.file_nomination(nomination, by=people.applicant)
    assert second.filed_at == first.filed_at
    assert SelfScore.objects.filter(nomination=nomination).count() == len(
        [k for k in nomination.data if k.startswith("score_")]
    )
    assert Signature.objects.filter(nomination=nomination).count() == 1


def test_double_click_on_the_page_files_once(client, open_campaign, people):
    nomination = draft(open_campaign, people, "individual")
    client.force_login(people.applicant)
    url = reverse("nominations:file", args=[nomination.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    assert Signature.objects.filter(nomination=nomination).count() == 1


def test_self_score_below_80_blocks_filing(open_campaign, people):
    category = open_campaign.categories.get(kind="individual")
    scores = {k: "5" for k in valid_form("individual", category) if k.startswith("score_")}
    nomination = draft(open_campaign, people, "individual", **scores)
    with pytest.raises(services.FilingRefused) as refused:
        services.file_nomination(nomination, by=people.applicant)
    assert "推荐条件第1条：自评总分 35 分，未达到 80 分。" in refused.value.messages
    nomination.refresh_from_db()
    assert nomination.state == "draft"
    assert SelfScore.objects.count() == 0


def test_unit_survey_before_the_campaigns_date_blocks_filing(open_campaign, people):
    nomination = draft(open_campaign, people, "unit", survey_start="2017-11-30")
    with pytest.raises(services.FilingRefused) as refused:
        services.file_nomination(nomination, by=people.committee)
    assert "推荐条件第1条：调查启动于 2017-11-30，早于 2017-12-01。" in refused.value.messages


def test_more_than_ten_achievement_members_blocks_filing(open_campaign, people):
    members = "\n".join(f"成员{i}" for i in range(11))
    nomination = draft(open_campaign, people, "achievement", members=members)
    with pytest.raises(services.FilingRefused) as refused:
        services.file_nomination(nomination, by=people.applicant)
    assert "“课题组成员名单（10人以内）”最多 10 人，现填写了 11 人。" in refused.value.messages


def test_short_report_blocks_filing(open_campaign, people):
    nomination = draft(open_campaign, people, "achievement")
    services.add_attachment(
        nomination, "achievement_report", docx_upload(4999, "报告.docx"), by=people.applicant
    )
    with pytest.raises(services.FilingRefused) as refused:
        services.file_nomination(nomination, by=people.applicant)
    assert "“报告.docx”共 4999 字，少于 5000 字。" in refused.value.messages


def test_long_team_summary_blocks_filing(open_campaign, people):
    nomination = draft(open_campaign, people, "team")
    services.add_attachment(
        nomination, "team_summary", docx_upload(5001, "总结.docx"), by=people.applicant
    )
    with pytest.raises(services.FilingRefused) as refused:
        services.file_nomination(nomination, by=people.applicant)
    assert "“总结.docx”共 5001 字，超过 5000 字。" in refused.value.messages


def test_missing_required_attachment_and_fields_are_all_reported(open_campaign, people):
    category = open_campaign.categories.get(kind="achievement")
    nomination = services.start_nomination(category, by=people.applicant)
    with pytest.raises(services.FilingRefused) as refused:
        services.file_nomination(nomination, by=people.applicant)
    messages = refused.value.messages
    assert "请填写“优质服务成果名称”。" in messages
    assert "请上传“优质服务成果报告（Word文本格式，不少于5000字）”。" in messages
    assert "请填写“手机”。" in messages


def test_filing_after_the_window_is_refused_with_the_date(campaign, people):
    campaign.filing_opens = datetime.date(2018, 3, 1)
    campaign.save()
    nomination = draft(campaign, people, "individual")
    with pytest.raises(ValidationError) as error:
        services.file_nomination(nomination, by=people.applicant)
    assert error.value.messages == ["截止日期为2018年5月31日，申报已截止。"]


def test_coaching_request_after_its_deadline_is_refused(open_campaign, people):
    open_campaign.coaching_request_deadline = datetime.date(2018, 5, 15)
    open_campaign.filing_opens = datetime.date(2018, 3, 1)
    open_campaign.save()
    nomination = draft(open_campaign, people, "coaching_request")
    with pytest.raises(ValidationError) as error:
        services.file_nomination(nomination, by=people.applicant)
    assert error.value.messages == ["截止日期为2018年5月15日，申报已截止。"]


def test_filed_nomination_cannot_be_edited(open_campaign, people):
    nomination = services.file_nomination(
        draft(open_campaign, people, "achievement"), by=people.applicant
    )
    with pytest.raises(PermissionDenied):
        services.save_draft(nomination, {"achievement_name": "改名"}, by=people.applicant)


@pytest.mark.parametrize(
    "change",
    [
        {"locked_name": "改过的名称"},
        {"locked_members": ["别人"]},
        {"filed_at": None, "state": "draft"},
    ],
)
def test_database_refuses_changing_locked_fields_after_filing(open_campaign, people, change):
    nomination = services.file_nomination(
        draft(open_campaign, people, "achievement"), by=people.applicant
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Nomination.objects.filter(pk=nomination.pk).update(**change)
    nomination.refresh_from_db()
    assert nomination.locked_name == "“一次都不跑”办电服务"
    assert nomination.locked_members == ["王小满", "李推荐", "赵班长"]


def test_locked_fields_change_freely_while_a_draft(open_campaign, people):
    nomination = draft(open_campaign, people, "achievement")
    Nomination.objects.filter(pk=nomination.pk).update(locked_name="草稿可改")
    nomination.refresh_from_db()
    assert nomination.locked_name == "草稿可改"


def test_stale_version_is_refused(open_campaign, people):
    nomination = draft(open_campaign, people, "individual")
    services.save_draft(nomination, {"name": "甲"}, by=people.applicant, version=nomination.version)
    with pytest.raises(services.StaleDraft):
        services.save_draft(
            nomination, {"name": "乙"}, by=people.applicant, version=nomination.version
        )
    nomination.refresh_from_db()
    assert nomination.data == {"name": "甲"}


@pytest.mark.parametrize("kind", KINDS)
def test_only_the_right_role_may_start_a_kind(open_campaign, people, kind):
    category = open_campaign.categories.get(kind=kind)
    wrong = people.applicant if kind == "unit" else people.committee
    with pytest.raises(PermissionDenied):
        services.start_nomination(category, by=wrong)
    for persona in (people.secretariat, people.judge, people.recommender):
        with pytest.raises(PermissionDenied):
            services.start_nomination(category, by=persona)


def test_the_admin_shows_nominations_read_only(client, open_campaign, people):
    nomination = services.file_nomination(draft(open_campaign, people, "team"), by=people.applicant)
    client.force_login(people.secretariat)
    url = reverse("admin:nominations_nomination_change", args=[nomination.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "示范营业厅服务班" in page.content.decode()
    assert 'name="locked_name"' not in page.content.decode()
    client.post(url, {"locked_name": "改名"})
    nomination.refresh_from_db()
    assert nomination.locked_name == "示范营业厅服务班"
    assert client.get(reverse("admin:nominations_nomination_changelist")).status_code == 200
