"""Proposals (拟表彰), the committee's decision, the public notice (公示) counted in working days,
objections (异议), and the published results with their certificate numbers."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from manyi.campaigns.phases import chinese_date
from manyi.nominations.models import Nomination, NominationState, Transition
from manyi.reviews import objections, results
from manyi.reviews.models import Award, CalendarDay, Decision, Objection, PublicNotice
from manyi.reviews.tests.test_ranking import (
    finish,
    judges,
    nominate,
    review,
    spread_points,
    unit,
)
from manyi.testing import png_upload

pytestmark = pytest.mark.django_db
CALENDAR_2018 = Path(__file__).resolve().parents[3] / "data" / "calendar" / "2018.yaml"
NATIONAL_DAY = datetime.date(2018, 9, 28)  # a Friday; 9-29 and 9-30 are 调休 working days
DURING = datetime.date(2018, 10, 8)  # the notice from NATIONAL_DAY runs to 2018-10-09
AFTER = datetime.date(2018, 10, 10)
S = NominationState


def text_file(name="说明.txt"):
    return SimpleUploadedFile(name, "这不是图片".encode(), content_type="text/plain")


def scored(category, people, totals, *, panel=None, organization=None):
    """Nominations scored by the same judges (each judge gives the total), review finished."""
    panel = panel or judges(3)
    made = {}
    for title, marks in totals.items():
        nomination = nominate(category, people, title, organization=organization)
        for judge, total in zip(
            panel, marks if isinstance(marks, list) else [marks] * 3, strict=False
        ):
            review(nomination, judge, spread_points(total, category))
        made[title] = finish(nomination, people)
    return made


def state_of(nomination):
    nomination.refresh_from_db()
    return nomination.state


def decide(category, people, **votes):
    return results.record_decision(
        category,
        by=people.secretariat,
        decided_on=datetime.date(2018, 9, 20),
        votes_for=votes.get("votes_for", 9),
        votes_against=votes.get("votes_against", 0),
        abstentions=votes.get("abstentions", 0),
        minutes=png_upload("会议纪要.png"),
    )


@pytest.fixture
def individual(campaign):
    return campaign.categories.get(kind="individual")


@pytest.fixture
def calendar(db):
    call_command("load_calendar", str(CALENDAR_2018))


@pytest.fixture
def on_notice(campaign, people, individual, calendar):
    """Three individuals proposed, decided and put on notice from 2018-09-28 to 2018-10-09."""
    made = scored(individual, people, {"第一名": 95, "第二名": 90, "第三名": 85, "落选": 70})
    results.propose(individual, by=people.secretariat, quota=3)
    decide(individual, people)
    notice = results.open_notice(campaign, by=people.secretariat, starts_on=NATIONAL_DAY)
    return notice, made


# --- the holiday calendar --------------------------------------------------------------------


def test_load_calendar_fills_the_calendar_days(capsys):
    call_command("load_calendar", str(CALENDAR_2018))
    assert capsys.readouterr().out == (
        "已载入2018年节假日安排：节假日 25 天，调休上班 7 天（新增 32 天，更新 0 天）。\n"
    )
    assert CalendarDay.objects.get(day=datetime.date(2018, 10, 1)).name == "国庆节"
    assert CalendarDay.objects.get(day=datetime.date(2018, 9, 29)).kind == "workday"
    CalendarDay.objects.filter(day=datetime.date(2018, 10, 1)).update(name="改过")
    call_command("load_calendar", str(CALENDAR_2018))
    assert capsys.readouterr().out.endswith("（新增 0 天，更新 1 天）。\n")
    assert CalendarDay.objects.count() == 32


def test_load_calendar_refuses_a_faulty_file_and_writes_nothing(tmp_path):
    faulty = tmp_path / "2018.yaml"
    faulty.write_text(
        "year: 2018\nholidays:\n  - name: 元旦\n    days: [2018-01-01]\n"
        "workdays:\n  - name: 错\n    days: [2018-07-16]\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as error:
        call_command("load_calendar", str(faulty))
    assert str(error.value) == f"{faulty}：调休上班日应为周六或周日：2018-07-16 不是。"
    assert CalendarDay.objects.count() == 0


def test_load_calendar_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("load_calendar", str(tmp_path / "2030.yaml"))
    assert str(error.value) == f"找不到节假日安排文件：{tmp_path / '2030.yaml'}"


# --- proposals -------------------------------------------------------------------------------


def test_propose_by_quota_moves_the_best_each_with_its_own_record(people, individual):
    made = scored(individual, people, {"甲": 95, "乙": 90, "丙": 85, "丁": 80})
    proposed = results.propose(individual, by=people.secretariat, quota=2)
    assert [n.title for n in proposed] == ["甲", "乙"]
    assert [state_of(n) for n in made.values()] == [S.PROPOSED, S.PROPOSED, S.SCORED, S.SCORED]
    assert list(
        Transition.objects.filter(action="propose")
        .order_by("pk")
        .values_list("nomination__title", "by", "comment")
    ) == [
        ("甲", people.secretariat.pk, "按名额 2 名提出：排名第 1 名，综合得分 95.00。"),
        ("乙", people.secretariat.pk, "按名额 2 名提出：排名第 2 名，综合得分 90.00。"),
    ]


def test_a_tie_across_the_quota_is_refused(people, individual):
    made = scored(individual, people, {"甲": 95, "乙": 90, "丙": 90})
    with pytest.raises(ValidationError) as error:
        results.propose(individual, by=people.secretariat, quota=2)
    assert error.value.messages == [
        "按名额 2 名提出时，“丙”与“乙”并列第 2 名，无法确定拟表彰对象；请调整名额或按分数线提出。"
    ]
    assert [state_of(n) for n in made.values()] == [S.SCORED] * 3


def test_propose_by_threshold_compares_the_exact_aggregate(people, individual):
    made = scored(
        individual,
        people,
        {"九十": 90, "恰好八十五": [85, 85, 85], "八十四点六七": [85, 85, 84]},
    )
    proposed = results.propose(individual, by=people.secretariat, threshold=Decimal(85))
    assert [n.title for n in proposed] == ["九十", "恰好八十五"]
    assert state_of(made["八十四点六七"]) == S.SCORED
    assert Transition.objects.get(nomination=made["恰好八十五"], action="propose").comment == (
        "按分数线 85 分提出：排名第 2 名，综合得分 85.00。"
    )


def test_propose_waits_for_every_review_of_the_category(people, individual):
    scored(individual, people, {"甲": 95})
    nominate(individual, people, "还在评审")
    with pytest.raises(ValidationError) as error:
        results.propose(individual, by=people.secretariat, quota=1)
    assert error.value.messages == [
        "本类别还有 1 件申报在评审中，评审全部完成后才能提出拟表彰对象。"
    ]


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ({}, "请选择按名额或按分数线提出（二者选一）。"),
        ({"quota": 1, "threshold": Decimal(80)}, "请选择按名额或按分数线提出（二者选一）。"),
        ({"quota": 0}, "名额应为不小于 1 的整数。"),
        ({"threshold": Decimal(99)}, "没有符合条件、尚未提出的申报。"),
    ],
)
def test_propose_needs_one_way_of_choosing(people, individual, choice, message):
    scored(individual, people, {"甲": 95})
    with pytest.raises(ValidationError) as error:
        results.propose(individual, by=people.secretariat, **choice)
    assert error.value.messages == [message]


def test_a_nomination_no_judge_scored_is_never_proposed(people, individual):
    finish(nominate(individual, people, "无人评分"), people)
    with pytest.raises(ValidationError) as error:
        results.propose(individual, by=people.secretariat, quota=1)
    assert error.value.messages == ["没有符合条件、尚未提出的申报。"]


def test_units_are_proposed_by_quota_never_by_threshold(campaign, people):
    category = campaign.categories.get(kind="unit")
    panel = judges(2)
    made = {}
    for title, satisfaction, votes in [
        ("甲水务", "86.5", [True, True]),
        ("乙燃气", "95", [True, False]),
    ]:
        nomination = unit(campaign, people, title, satisfaction)
        for judge, recommends in zip(panel, votes, strict=True):
            review(nomination, judge, recommends=recommends)
        made[title] = finish(nomination, people)
    with pytest.raises(ValidationError) as error:
        results.propose(category, by=people.secretariat, threshold=Decimal(1))
    assert error.value.messages == ["先进单位不评分，只能按名额提出。"]
    results.propose(category, by=people.secretariat, quota=1)
    assert (state_of(made["甲水务"]), state_of(made["乙燃气"])) == (S.PROPOSED, S.SCORED)
    assert Transition.objects.get(action="propose").comment == (
        "按名额 1 名提出：排名第 1 名，评审推荐 2 票。"
    )


@pytest.mark.parametrize("persona", ["applicant", "recommender", "committee", "judge"])
def test_only_the_secretariat_proposes_decides_notices_and_publishes(
    campaign, people, individual, on_notice, persona
):
    notice, made = on_notice
    objection = lodge(notice, made["第一名"])
    someone = getattr(people, persona)
    attempts = [
        lambda: results.propose(individual, by=someone, quota=1),
        lambda: decide_as(individual, someone),
        lambda: results.open_notice(campaign, by=someone, starts_on=NATIONAL_DAY),
        lambda: objections.decide_objection(
            objection, by=someone, upheld=True, investigation="属实。"
        ),
        lambda: results.publish_results(campaign, by=someone, today=AFTER),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied) as error:
            attempt()
        assert str(error.value) == "只有秘书处可以管理评审结果、公示和异议。"
    assert state_of(made["第一名"]) == S.ON_NOTICE
    assert Objection.objects.get().status == "open"


def decide_as(category, user):
    return results.record_decision(
        category,
        by=user,
        decided_on=datetime.date(2018, 9, 20),
        votes_for=9,
        minutes=png_upload("会议纪要.png"),
    )


# --- the committee's decision ----------------------------------------------------------------


def test_decision_records_the_votes_and_the_minutes_under_a_random_name(people, individual):
    scored(individual, people, {"甲": 95})
    results.propose(individual, by=people.secretariat, quota=1)
    decision = results.record_decision(
        individual,
        by=people.secretariat,
        decided_on=datetime.date(2018, 9, 20),
        votes_for=7,
        votes_against=1,
        abstentions=1,
        minutes=png_upload("评审委员会会议纪要.png"),
    )
    assert (decision.votes_for, decision.votes_against, decision.abstentions) == (7, 1, 1)
    assert decision.minutes.name.startswith("decisions/")
    assert decision.minutes.name.endswith(".png")
    assert "会议纪要" not in decision.minutes.name
    assert results.passes(decision)


def test_decision_lists_everything_missing_at_once(people, individual):
    with pytest.raises(ValidationError) as error:
        results.record_decision(
            individual,
            by=people.secretariat,
            decided_on=datetime.date(2999, 1, 1),
            votes_for=0,
            minutes=None,
        )
    assert error.value.messages == [
        "本类别没有拟表彰的申报，无需记录评审委员会的决定。",
        "决定日期不能晚于今天。",
        "请填写表决票数（赞成、反对、弃权，均为不小于 0 的整数）。",
        "请上传评审委员会会议纪要（PDF、图片或 Word 文件）。",
    ]
    assert Decision.objects.count() == 0


def test_minutes_are_checked_by_their_content(people, individual):
    scored(individual, people, {"甲": 95})
    results.propose(individual, by=people.secretariat, quota=1)
    with pytest.raises(ValidationError) as error:
        results.record_decision(
            individual,
            by=people.secretariat,
            decided_on=datetime.date(2018, 9, 20),
            votes_for=9,
            minutes=text_file("纪要.pdf"),
        )
    assert error.value.messages == [
        "无法识别文件“纪要.pdf”的格式。此处可上传：图片（JPG/PNG），PDF 或 Word（.docx）。"
    ]


@pytest.mark.parametrize(
    ("votes", "adopted"),
    [((5, 4, 0), True), ((5, 3, 2), False), ((4, 4, 0), False), ((1, 0, 0), True)],
)
def test_the_list_is_adopted_by_more_than_half_of_the_votes(votes, adopted):
    votes_for, against, abstentions = votes
    decision = Decision(votes_for=votes_for, votes_against=against, abstentions=abstentions)
    assert results.passes(decision) is adopted


# --- the public notice -----------------------------------------------------------------------


def test_the_notice_runs_five_working_days_around_national_day(campaign, people, on_notice):
    notice, made = on_notice
    # 9-28 (Fri), 9-29 and 9-30 (调休 working days), then 10-1 … 10-7 off, 10-8, 10-9.
    assert (notice.starts_on, notice.ends_on, notice.working_days) == (
        NATIONAL_DAY,
        datetime.date(2018, 10, 9),
        5,
    )
    assert [state_of(n) for n in made.values()] == [S.ON_NOTICE] * 3 + [S.SCORED]
    assert Transition.objects.filter(action="open_notice").count() == 3
    assert Transition.objects.filter(action="open_notice").first().comment == (
        "公示期2018年9月28日至2018年10月9日（5个工作日）。"
    )


def test_a_notice_starting_on_a_holiday_starts_on_the_next_working_day(
    campaign, people, individual, calendar
):
    scored(individual, people, {"甲": 95})
    results.propose(individual, by=people.secretariat, quota=1)
    decide(individual, people)
    notice = results.open_notice(
        campaign, by=people.secretariat, starts_on=datetime.date(2018, 10, 1), working_days=3
    )
    assert (notice.starts_on, notice.ends_on) == (
        datetime.date(2018, 10, 8),
        datetime.date(2018, 10, 10),
    )


def test_the_notice_needs_the_calendar_of_its_year(campaign, people, individual):
    scored(individual, people, {"甲": 95})
    results.propose(individual, by=people.secretariat, quota=1)
    decide(individual, people)
    with pytest.raises(ValidationError) as error:
        results.open_notice(campaign, by=people.secretariat, starts_on=NATIONAL_DAY)
    assert error.value.messages == [
        "尚未载入2018年的节假日安排，无法计算公示期；请在管理后台维护节假日，"
        "或运行 manage.py load_calendar data/calendar/2018.yaml。"
    ]
    assert PublicNotice.objects.count() == 0


def test_the_notice_needs_the_committees_adoption_after_the_last_proposal(
    campaign, people, individual, calendar
):
    made = scored(individual, people, {"甲": 95, "乙": 90})
    results.propose(individual, by=people.secretariat, quota=1)
    message = ["“用户满意服务先进个人”尚未记录评审委员会通过拟表彰名单的决定，不能发布公示。"]
    with pytest.raises(ValidationError) as error:
        results.open_notice(campaign, by=people.secretariat, starts_on=NATIONAL_DAY)
    assert error.value.messages == message
    decide(individual, people, votes_for=4, votes_against=4)  # not adopted
    with pytest.raises(ValidationError) as error:
        results.open_notice(campaign, by=people.secretariat, starts_on=NATIONAL_DAY)
    assert error.value.messages == message
    decide(individual, people)
    results.propose(individual, by=people.secretariat, quota=2)  # proposed after the decision
    with pytest.raises(ValidationError) as error:
        results.open_notice(campaign, by=people.secretariat, starts_on=NATIONAL_DAY)
    assert error.value.messages == message
    assert [state_of(n) for n in made.values()] == [S.PROPOSED, S.PROPOSED]


def test_the_notice_is_opened_once_and_then_nothing_more_is_proposed(
    campaign, people, individual, on_notice
):
    with pytest.raises(ValidationError) as error:
        results.open_notice(campaign, by=people.secretariat, starts_on=NATIONAL_DAY)
    assert error.value.messages == ["本年度公示已经发布（2018年9月28日至2018年10月9日）。"]
    with pytest.raises(ValidationError) as error:
        results.propose(individual, by=people.secretariat, quota=4)
    assert error.value.messages == ["本年度公示已经发布，不能再提出拟表彰对象。"]


def test_no_notice_without_proposals(campaign, people, calendar):
    with pytest.raises(ValidationError) as error:
        results.open_notice(campaign, by=people.secretariat, starts_on=NATIONAL_DAY)
    assert error.value.messages == ["没有拟表彰的申报，不能发布公示。"]


def test_the_notice_length_must_be_a_whole_number_of_working_days(
    campaign, people, individual, calendar
):
    scored(individual, people, {"甲": 95})
    results.propose(individual, by=people.secretariat, quota=1)
    decide(individual, people)
    with pytest.raises(ValidationError) as error:
        results.open_notice(campaign, by=people.secretariat, starts_on=NATIONAL_DAY, working_days=0)
    assert error.value.messages == ["工作日数应为不小于 1 的整数，收到 0。"]


# --- objections ------------------------------------------------------------------------------


def lodge(notice, nomination, **changes):
    fields = {
        "nomination_id": nomination.pk,
        "name": "张三",
        "contact": "zhangsan@example.com",
        "grounds": "该同志2017年受到过客户投诉。",
        "evidence": [],
        "today": DURING,
    }
    return objections.lodge_objection(notice, **(fields | changes))


def test_an_objection_is_lodged_with_its_evidence(on_notice):
    notice, made = on_notice
    objection = lodge(
        notice, made["第一名"], evidence=[png_upload("投诉记录.png")], contact=" 13912345678 "
    )
    assert (objection.name, objection.contact, objection.status) == ("张三", "13912345678", "open")
    (evidence,) = objection.evidence.all()
    assert (evidence.original_name, evidence.file_kind) == ("投诉记录.png", "png")
    assert "投诉记录" not in evidence.file.name


@pytest.mark.parametrize(
    ("changes", "messages"),
    [
        (
            {"name": "", "contact": ""},
            [
                "异议须署真实姓名；匿名异议不予受理。",
                "请留下联系方式（电话或电子邮箱）；没有联系方式的异议不予受理。",
            ],
        ),
        ({"name": "匿名"}, ["异议须署真实姓名；匿名异议不予受理。"]),
        ({"contact": "微信abc"}, ["联系方式“微信abc”应为手机号码、带区号的固定电话或电子邮箱。"]),
        ({"grounds": "  "}, ["请写明异议的事实和理由。"]),
        ({"nomination_id": None}, ["请选择公示名单中的异议对象。"]),
        (
            {"evidence": [text_file("证据.png")]},
            ["无法识别文件“证据.png”的格式。此处可上传：图片（JPG/PNG），PDF 或 Word（.docx）。"],
        ),
        (
            {"grounds": "理" * 3001},
            ["“异议的事实和理由”限 3000 字，现为 3001 字（不计空格）。"],
        ),
    ],
)
def test_an_objection_without_a_real_name_contact_or_grounds_is_refused(
    on_notice, changes, messages
):
    notice, made = on_notice
    with pytest.raises(ValidationError) as error:
        lodge(notice, made["第一名"], **changes)
    assert error.value.messages == messages
    assert Objection.objects.count() == 0


def test_an_objection_to_a_nomination_not_on_the_notice_is_refused(on_notice):
    notice, made = on_notice
    with pytest.raises(ValidationError) as error:
        lodge(notice, made["落选"])
    assert error.value.messages == ["请选择公示名单中的异议对象。"]


@pytest.mark.parametrize(
    ("today", "message"),
    [
        (
            datetime.date(2018, 10, 10),
            "公示期为2018年9月28日至2018年10月9日，已经结束；逾期提出的异议不予受理。",
        ),
        (
            datetime.date(2018, 9, 27),
            "公示期为2018年9月28日至2018年10月9日，尚未开始，暂不受理异议。",
        ),
    ],
)
def test_an_objection_outside_the_notice_period_is_refused(on_notice, today, message):
    notice, made = on_notice
    with pytest.raises(ValidationError) as error:
        lodge(notice, made["第一名"], today=today)
    assert error.value.messages == [message]


def test_the_last_day_of_the_notice_still_counts(on_notice):
    notice, made = on_notice
    assert lodge(notice, made["第一名"], today=datetime.date(2018, 10, 9)).pk


@pytest.fixture
def objected(on_notice, people):
    notice, made = on_notice
    applicant = people.applicant
    applicant.email = "wang@example.com"
    applicant.save()
    return lodge(notice, made["第一名"]), made


def test_an_upheld_objection_means_no_award_and_both_parties_are_told(
    objected, people, mailoutbox, django_capture_on_commit_callbacks
):
    objection, made = objected
    with django_capture_on_commit_callbacks(execute=True):
        objections.decide_objection(
            objection, by=people.secretariat, upheld=True, investigation="经核实，投诉属实。"
        )
    objection.refresh_from_db()
    assert (objection.status, objection.decided_by) == ("upheld", people.secretariat)
    assert state_of(made["第一名"]) == S.NOT_AWARDED
    assert Transition.objects.get(action="not_award").comment == (
        "公示期间异议经调查核实成立，不予表彰。经核实，投诉属实。"
    )
    to_applicant, to_objector = mailoutbox
    assert (to_applicant.to, to_objector.to) == (["wang@example.com"], ["zhangsan@example.com"])
    assert to_applicant.subject == "关于“第一名”公示期间异议的处理结果"
    assert "经调查核实，异议成立，该申报不予表彰。" in to_applicant.body
    assert "经调查核实，异议成立，该申报不予表彰。" in to_objector.body
    assert "张三" not in to_applicant.body
    assert "zhangsan@example.com" not in to_applicant.body
    assert to_objector.body.startswith("张三：")


def test_a_dismissed_objection_leaves_the_nomination_on_notice(
    objected, people, mailoutbox, django_capture_on_commit_callbacks
):
    objection, made = objected
    with django_capture_on_commit_callbacks(execute=True):
        objections.decide_objection(
            objection, by=people.secretariat, upheld=False, investigation="投诉已于2016年处理。"
        )
    assert state_of(made["第一名"]) == S.ON_NOTICE
    assert ["经调查核实，异议不成立，维持原公示结果。" in m.body for m in mailoutbox] == [
        True,
        True,
    ]
    with pytest.raises(ValidationError) as error:
        objections.decide_objection(
            objection, by=people.secretariat, upheld=True, investigation="再议"
        )
    assert error.value.messages == [
        f"该异议已于{chinese_date(timezone.localdate())}处理（异议不成立），不能重复处理。"
    ]
    assert state_of(made["第一名"]) == S.ON_NOTICE


def test_a_decision_needs_the_investigation(objected, people):
    objection, _made = objected
    with pytest.raises(ValidationError) as error:
        objections.decide_objection(
            objection, by=people.secretariat, upheld=True, investigation=" "
        )
    assert error.value.messages == ["请填写调查核实情况。"]


def test_an_objector_without_an_email_is_told_otherwise(
    on_notice, people, mailoutbox, django_capture_on_commit_callbacks
):
    notice, made = on_notice
    objection = lodge(notice, made["第二名"], contact="0991-7654321")
    with django_capture_on_commit_callbacks(execute=True):
        decided = objections.decide_objection(
            objection, by=people.secretariat, upheld=False, investigation="不属实。"
        )
    assert mailoutbox == []  # the applicant has no e-mail address either
    assert objections.not_told(decided) == [
        "申报人未登记电子邮箱，请另行告知申报人处理结果。",
        "异议人未留电子邮箱，请按其联系方式（0991-7654321）另行告知。",
    ]


# --- results ---------------------------------------------------------------------------------


def test_results_wait_for_the_end_of_the_notice_and_every_objection(campaign, people, on_notice):
    notice, made = on_notice
    with pytest.raises(ValidationError) as error:
        results.publish_results(campaign, by=people.secretariat, today=notice.ends_on)
    assert error.value.messages == ["公示期至2018年10月9日结束，公示期满后才能发布结果。"]
    lodge(notice, made["第二名"])
    with pytest.raises(ValidationError) as error:
        results.publish_results(campaign, by=people.secretariat, today=AFTER)
    assert error.value.messages == ["还有 1 件异议尚未处理，处理完毕后才能发布结果。"]
    assert Award.objects.count() == 0


def test_no_results_without_a_notice(campaign, people):
    with pytest.raises(ValidationError) as error:
        results.publish_results(campaign, by=people.secretariat, today=AFTER)
    assert error.value.messages == ["本年度尚未发布公示，不能发布结果。"]


def test_results_award_the_nominations_on_notice_numbered_in_rank_order(
    campaign, people, individual, calendar
):
    team = campaign.categories.get(kind="team")
    individuals = scored(individual, people, {"丙": 85, "甲": 95, "乙": 90, "丁": 70})
    teams = {}
    panel = judges(3)
    for title, locked, total in [
        ("营业厅班", "示范营业厅服务班", 88),
        ("抢修班", "抢修服务班", 92),
    ]:
        nomination = nominate(team, people, title, locked_name=locked)
        for judge in panel:
            review(nomination, judge, spread_points(total, team))
        teams[locked] = finish(nomination, people)
    for category, quota in ((individual, 3), (team, 2)):
        results.propose(category, by=people.secretariat, quota=quota)
        decide(category, people)
    notice = results.open_notice(campaign, by=people.secretariat, starts_on=NATIONAL_DAY)
    objection = lodge(notice, individuals["甲"])
    objections.decide_objection(
        objection, by=people.secretariat, upheld=True, investigation="属实。"
    )

    awards = results.publish_results(campaign, by=people.secretariat, today=AFTER)

    assert [(a.number, a.sequence, a.name) for a in awards] == [
        ("2018-YH-GR-001", 1, "乙"),
        ("2018-YH-GR-002", 2, "丙"),
        ("2018-YH-BZ-001", 1, "抢修服务班"),  # the team's name exactly as filed
        ("2018-YH-BZ-002", 2, "示范营业厅服务班"),
    ]
    assert [state_of(n) for n in individuals.values()] == [
        S.AWARDED,
        S.NOT_AWARDED,  # the upheld objection
        S.AWARDED,
        S.NOT_AWARDED,  # never proposed
    ]
    assert Transition.objects.get(nomination=individuals["丁"], action="not_award").comment == (
        "未列入拟表彰名单，不予表彰。"
    )
    assert Transition.objects.get(nomination=individuals["乙"], action="award").comment == (
        "证书编号 2018-YH-GR-001。"
    )
    with pytest.raises(ValidationError) as error:
        results.publish_results(campaign, by=people.secretariat, today=AFTER)
    assert error.value.messages == ["本年度评选结果已经发布。"]


def test_results_need_the_certificate_code_of_each_category(
    campaign, people, individual, on_notice
):
    individual.certificate_code = ""
    individual.save()
    with pytest.raises(ValidationError) as error:
        results.publish_results(campaign, by=people.secretariat, today=AFTER)
    assert error.value.messages == ["“用户满意服务先进个人”没有设置证书代码，不能编制证书编号。"]
    assert Nomination.objects.filter(state=S.AWARDED).count() == 0


def test_certificate_number_format():
    assert results.certificate_number(2018, "GR", 1) == "2018-YH-GR-001"
    assert results.certificate_number(2019, "CG", 123) == "2019-YH-CG-123"


# --- the secretariat's pages -----------------------------------------------------------------


def test_propose_through_the_page(client, people, individual):
    made = scored(individual, people, {"甲": 95, "乙": 90})
    client.force_login(people.secretariat)
    url = f"/reviews/propose/{individual.pk}/"
    assert "<td>1</td><td>甲</td>" in client.get(url).content.decode()
    response = client.post(url, {"mode": "quota", "quota": "1"}, follow=True)
    assert "已提出拟表彰 1 件：甲。" in response.content.decode()
    assert (state_of(made["甲"]), state_of(made["乙"])) == (S.PROPOSED, S.SCORED)


def test_the_propose_page_keeps_the_choice_when_refused(client, people, individual):
    scored(individual, people, {"甲": 95})
    client.force_login(people.secretariat)
    response = client.post(
        f"/reviews/propose/{individual.pk}/", {"mode": "threshold", "threshold": "99.5"}
    )
    content = response.content.decode()
    assert "没有符合条件、尚未提出的申报。" in content
    assert 'value="99.5"' in content


def test_record_a_decision_through_the_page(client, people, individual):
    scored(individual, people, {"甲": 95})
    results.propose(individual, by=people.secretariat, quota=1)
    client.force_login(people.secretariat)
    response = client.post(
        f"/reviews/decision/{individual.pk}/",
        {
            "decided_on": "2018-09-20",
            "votes_for": "7",
            "votes_against": "2",
            "abstentions": "0",
            "minutes": png_upload("纪要.png"),
        },
        follow=True,
    )
    assert "已记录评审委员会的决定（通过）。" in response.content.decode()
    decision = Decision.objects.get()
    minutes = client.get(f"/reviews/decision/minutes/{decision.pk}/")
    assert minutes.status_code == 200
    assert minutes["Content-Disposition"].startswith("attachment;")


def test_open_the_notice_through_the_page(client, campaign, people, individual, calendar):
    scored(individual, people, {"甲": 95})
    results.propose(individual, by=people.secretariat, quota=1)
    decide(individual, people)
    client.force_login(people.secretariat)
    page = client.get("/reviews/notice/").content.decode()
    assert 'name="working_days" value="5"' in page
    response = client.post(
        "/reviews/notice/", {"starts_on": "2018-09-28", "working_days": "5"}, follow=True
    )
    content = response.content.decode()
    assert "公示已发布。" in content
    assert "2018年9月28日至2018年10月9日（5个工作日）" in content


def test_the_secretariat_sees_the_objectors_contact_and_decides(
    client, people, on_notice, mailoutbox
):
    notice, made = on_notice
    objection = lodge(notice, made["第二名"], name="张三", contact="0991-7654321")
    client.force_login(people.secretariat)
    assert "0991-7654321" in client.get("/reviews/notice/").content.decode()
    assert "0991-7654321" in client.get(f"/reviews/objections/{objection.pk}/").content.decode()
    response = client.post(
        f"/reviews/objections/{objection.pk}/",
        {"outcome": "upheld", "investigation": "经核实属实。"},
        follow=True,
    )
    content = response.content.decode()
    assert "异议已处理：异议成立。" in content
    assert "异议人未留电子邮箱，请按其联系方式（0991-7654321）另行告知。" in content
    assert state_of(made["第二名"]) == S.NOT_AWARDED


def test_publish_results_through_the_page(client, campaign, people, on_notice):
    client.force_login(people.secretariat)
    response = client.post("/reviews/results/publish/", follow=True)  # today: long after 2018
    assert "评选结果已发布：表彰 3 件。" in response.content.decode()
    assert Award.objects.count() == 3


@pytest.mark.parametrize("persona", ["applicant", "recommender", "committee", "judge"])
def test_the_secretariats_pages_are_refused_to_others(client, people, on_notice, persona):
    notice, made = on_notice
    objection = lodge(notice, made["第一名"])
    client.force_login(getattr(people, persona))
    category = made["第一名"].category_id
    for url in (
        f"/reviews/propose/{category}/",
        f"/reviews/decision/{category}/",
        f"/reviews/decision/minutes/{Decision.objects.get().pk}/",
        "/reviews/notice/",
        f"/reviews/objections/{objection.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "张三" not in response.content.decode()
        assert "zhangsan@example.com" not in response.content.decode()
    assert client.post("/reviews/results/publish/").status_code == 403
    assert Award.objects.count() == 0
