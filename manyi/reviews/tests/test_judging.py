"""Panels, assignments and scores: every move of the workflow they make, and every refusal."""

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from manyi.accounts.models import Role
from manyi.nominations.models import Attachment, Nomination, NominationState, Transition
from manyi.reviews import assignments, judging
from manyi.reviews.judging import Sheet
from manyi.reviews.models import Assignment, Coaching, MysteryVisit, Review, ReviewState, Score
from manyi.reviews.tests.test_conflicts import checked, judge_of
from manyi.reviews.tests.test_recommendation import filed
from manyi.testing import OrganizationFactory, UserFactory, png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel(open_campaign, people):
    """The individuals' panel: 陈 (an outsider), 周 (works for 示范供电公司: conflicted on its
    nominations), 吴 and 郑 of two other organizations."""
    category = open_campaign.categories.get(kind="individual")
    wu = judge_of(OrganizationFactory(name="示范银行"), "吴专家")
    zheng = judge_of(OrganizationFactory(name="示范大学"), "郑专家")
    assignments.set_panel(
        category,
        judges=[people.judge, people.conflicted_judge, wu, zheng],
        by=people.secretariat,
    )
    return SimpleNamespace(category=category, wu=wu, zheng=zheng)


def full_sheet(nomination, comment="事迹突出，同意推荐。", **overrides):
    """Every criterion at its maximum (or as overridden by criterion name)."""
    rubric = judging.judging_rubric(nomination.category)
    points = {
        criterion.pk: overrides.get(criterion.name, criterion.max_points)
        for _item, criterion in judging.criteria_with_items(rubric)
    }
    return Sheet(points=points, comment=comment)


def in_review(campaign, people, judges, kind="individual", **changes):
    nomination = checked(campaign, people, kind, **changes)
    for judge in judges:
        assignments.assign(nomination, judge=judge, by=people.secretariat)
    nomination.refresh_from_db()
    return nomination


def actions(nomination):
    return list(
        Transition.objects.filter(nomination=nomination).values_list(
            "action", "source", "target", "by"
        )
    )


# --- panels ---------------------------------------------------------------------------------------


def test_the_secretariat_forms_a_panel_of_judges_and_it_is_logged(people, panel):
    assert list(panel.category.panels.get().judges.order_by("pk")) == [
        people.judge,
        people.conflicted_judge,
        panel.wu,
        panel.zheng,
    ]
    assert LogEntry.objects.get().change_message == "评审组：陈专家、周专家、吴专家、郑专家"


def test_a_panel_takes_only_judges(open_campaign, people):
    category = open_campaign.categories.get(kind="team")
    with pytest.raises(ValidationError) as error:
        assignments.set_panel(
            category, judges=[people.judge, people.applicant], by=people.secretariat
        )
    assert error.value.messages == ["只能选择评审专家：王申报不是评审专家。"]


def test_only_the_secretariat_forms_panels(open_campaign, people):
    with pytest.raises(PermissionDenied) as error:
        assignments.set_panel(
            open_campaign.categories.get(kind="team"), judges=[people.judge], by=people.judge
        )
    assert str(error.value) == "只有秘书处可以组建评审组。"


def test_coaching_requests_have_no_panel(open_campaign, people):
    with pytest.raises(ValidationError) as error:
        assignments.set_panel(
            open_campaign.categories.get(kind="coaching_request"),
            judges=[people.judge],
            by=people.secretariat,
        )
    assert error.value.messages == ["“用户满意工程项目辅导申请回执”不参加评审，无需组建评审组。"]


def test_a_judge_with_tasks_stays_on_the_panel_until_released(open_campaign, people, panel):
    in_review(open_campaign, people, [people.judge])
    with pytest.raises(ValidationError) as error:
        assignments.set_panel(panel.category, judges=[panel.wu], by=people.secretariat)
    assert error.value.messages == [
        "陈专家在“用户满意服务先进个人”仍有评审任务，请先撤销分配，再移出评审组。"
    ]


# --- assignment -----------------------------------------------------------------------------------


def test_the_first_assignment_starts_the_review_by_the_secretariat(open_campaign, people, panel):
    nomination = checked(open_campaign, people)
    assignments.assign(nomination, judge=people.judge, by=people.secretariat)
    assignments.assign(nomination, judge=panel.wu, by=people.secretariat)
    nomination.refresh_from_db()
    assert nomination.state == NominationState.IN_REVIEW
    assert actions(nomination)[-1] == (
        "start_review",
        "checked",
        "in_review",
        people.secretariat.pk,
    )
    assert [a[0] for a in actions(nomination)].count("start_review") == 1
    assert list(nomination.assignments.values_list("judge__display_name", "assigned_by")) == [
        ("陈专家", people.secretariat.pk),
        ("吴专家", people.secretariat.pk),
    ]


def test_manual_assignment_refuses_a_conflicted_judge_naming_the_reasons(
    open_campaign, people, panel
):
    nomination = checked(open_campaign, people)
    Coaching.objects.create(
        coach=panel.wu, request=filed(open_campaign, people, "coaching_request")
    )
    for judge, message in [
        (people.conflicted_judge, "周专家应当回避“王小满”：同单位、推荐单位。"),
        (panel.wu, "吴专家应当回避“王小满”：辅导过该单位。"),
    ]:
        with pytest.raises(ValidationError) as error:
            assignments.assign(nomination, judge=judge, by=people.secretariat)
        assert error.value.messages == [message]
    assert not Assignment.objects.exists()
    nomination.refresh_from_db()
    assert nomination.state == NominationState.CHECKED


def test_assignment_refusals(open_campaign, people, panel):
    nomination = in_review(open_campaign, people, [people.judge])
    outsider = judge_of(OrganizationFactory(name="示范燃气公司"), "冯专家")
    just_filed = filed(open_campaign, people, name="李候选", signer="李候选")
    team = checked(open_campaign, people, "team")
    cases = [
        (nomination, people.judge, "陈专家已在评审“王小满”。"),
        (nomination, outsider, "冯专家不是“用户满意服务先进个人”评审组的评审专家。"),
        (nomination, people.applicant, "王申报不是“用户满意服务先进个人”评审组的评审专家。"),
        (just_filed, panel.wu, "“李候选”当前状态为“已申报，待推荐”，不能分配评审专家。"),
        (team, people.judge, "“用户满意服务先进班组”尚未组建评审组。"),
    ]
    for target, judge, message in cases:
        with pytest.raises(ValidationError) as error:
            assignments.assign(target, judge=judge, by=people.secretariat)
        assert error.value.messages == [message]


def test_only_the_secretariat_assigns(open_campaign, people, panel):
    nomination = checked(open_campaign, people)
    for user in (people.judge, people.recommender, people.applicant):
        with pytest.raises(PermissionDenied) as error:
            assignments.assign(nomination, judge=people.judge, by=user)
        assert str(error.value) == "只有秘书处可以分配评审专家。"


def test_bulk_assignment_records_each_and_lists_what_is_refused(open_campaign, people, panel):
    first = checked(open_campaign, people, name="甲", signer="甲")
    second = checked(open_campaign, people, name="乙", signer="乙")
    not_yet = filed(open_campaign, people, name="丙", signer="丙")
    outcome = assignments.assign_many(
        [first, second, not_yet], judge=panel.wu, by=people.secretariat
    )
    assert [a.nomination_id for a in outcome.done] == [first.pk, second.pk]
    assert outcome.refused == ["“丙”当前状态为“已申报，待推荐”，不能分配评审专家。"]
    for nomination in (first, second):
        assert actions(nomination)[-1][0] == "start_review"
    conflicted = assignments.assign_many(
        [first, second], judge=people.conflicted_judge, by=people.secretariat
    )
    assert conflicted.done == []
    assert conflicted.refused == [
        "周专家应当回避“甲”：同单位、推荐单位。",
        "周专家应当回避“乙”：同单位、推荐单位。",
    ]


# --- auto-assignment ------------------------------------------------------------------------------


def test_auto_assignment_takes_the_least_loaded_free_judges(open_campaign, people, panel):
    nominations = [checked(open_campaign, people, name=n, signer=n) for n in ("甲", "乙", "丙")]
    outcome = assignments.auto_assign(panel.category, by=people.secretariat, per_nomination=2)
    assert outcome.refused == []
    assigned = {
        n.title: sorted(n.assignments.values_list("judge__display_name", flat=True))
        for n in Nomination.objects.filter(pk__in=[n.pk for n in nominations])
    }
    # 周 stands aside; 陈, 吴, 郑 (in that stable order) take two nominations each.
    assert assigned == {
        "甲": ["吴专家", "陈专家"],
        "乙": ["郑专家", "陈专家"],
        "丙": ["吴专家", "郑专家"],
    }
    assert assignments.loads([people.judge, panel.wu, panel.zheng], open_campaign.pk) == {
        people.judge.pk: 2,
        panel.wu.pk: 2,
        panel.zheng.pk: 2,
    }
    for nomination in nominations:
        assert [a[0] for a in actions(nomination)][-1] == "start_review"


def test_auto_assignment_reports_the_shortfall_in_chinese(open_campaign, people, panel):
    nomination = checked(open_campaign, people)
    outcome = assignments.auto_assign(panel.category, by=people.secretariat)  # five by default
    assert len(outcome.done) == 3
    assert outcome.refused == ["“王小满”可分配的评审专家不足：需要 5 位，现有 3 位，还差 2 位。"]
    assert nomination.assignments.filter(judge=people.conflicted_judge).count() == 0


def test_auto_assignment_tops_up_and_keeps_what_is_there(open_campaign, people, panel):
    nomination = in_review(open_campaign, people, [panel.zheng])
    first = assignments.auto_assign(panel.category, by=people.secretariat, per_nomination=2)
    assert [a.judge for a in first.done] == [people.judge]
    again = assignments.auto_assign(panel.category, by=people.secretariat, per_nomination=2)
    assert (again.done, again.refused) == ([], [])
    assert nomination.assignments.filter(released_at__isnull=True).count() == 2


def test_auto_assignment_refusals(open_campaign, people, panel):
    for per_nomination in (0, -1):
        with pytest.raises(ValidationError) as error:
            assignments.auto_assign(
                panel.category, by=people.secretariat, per_nomination=per_nomination
            )
        assert error.value.messages == ["每件申报的评审专家人数须为正整数。"]
    team = open_campaign.categories.get(kind="team")
    with pytest.raises(ValidationError) as error:
        assignments.auto_assign(team, by=people.secretariat)
    assert error.value.messages == ["“用户满意服务先进班组”尚未组建评审组。"]
    assignments.set_panel(team, judges=[], by=people.secretariat)
    with pytest.raises(ValidationError) as error:
        assignments.auto_assign(team, by=people.secretariat)
    assert error.value.messages == ["“用户满意服务先进班组”评审组还没有评审专家。"]
    with pytest.raises(PermissionDenied):
        assignments.auto_assign(panel.category, by=people.judge)


def _checked_directly(category, applicant, title):
    """A nomination already accepted, made directly: the property below needs many, fast."""
    return Nomination.objects.create(
        campaign=category.campaign,
        category=category,
        applicant=applicant,
        organization=applicant.organization,
        state=NominationState.CHECKED,
        filed_at=timezone.now(),
        title=title,
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    judges=st.integers(min_value=1, max_value=7),
    nominations=st.integers(min_value=0, max_value=7),
    conflicted=st.integers(min_value=0, max_value=2),
    data=st.data(),
)
def test_auto_assignment_balances_the_load(campaign, people, judges, nominations, conflicted, data):
    """With enough free judges every nomination gets N judges and loads differ by at most one;
    a conflicted judge is never assigned, and a nomination short of free judges gets them all."""
    per_nomination = data.draw(st.integers(min_value=1, max_value=judges + 2), label="N")
    given_each = min(per_nomination, judges)  # the free judges run out beyond `judges`
    category = campaign.categories.get(kind="individual")
    with transaction.atomic():
        outsiders = [judge_of(OrganizationFactory(), f"专家{i}") for i in range(judges)]
        insiders = [judge_of(people.employer, f"内部专家{i}") for i in range(conflicted)]
        assignments.set_panel(category, judges=insiders + outsiders, by=people.secretariat)
        applicant = UserFactory(organization=people.employer)
        made = [_checked_directly(category, applicant, f"候选{i}") for i in range(nominations)]
        outcome = assignments.auto_assign(
            category, by=people.secretariat, per_nomination=per_nomination
        )
        load = assignments.loads(outsiders + insiders, campaign.pk)
        assert all(load[j.pk] == 0 for j in insiders)
        assert max(load.values()) - min(load[j.pk] for j in outsiders) <= 1
        assert sum(load.values()) == nominations * given_each
        assert len(outcome.refused) == (nominations if per_nomination > judges else 0)
        for nomination in made:
            nomination.refresh_from_db()
            assert nomination.state == NominationState.IN_REVIEW
            assert nomination.assignments.count() == given_each
        transaction.set_rollback(True)


# --- release and declared conflicts ---------------------------------------------------------------


def test_the_secretariat_releases_an_assignment_with_a_reason(open_campaign, people, panel):
    nomination = in_review(open_campaign, people, [people.judge, panel.wu])
    judging.save_scores(nomination, judge=people.judge, sheet=Sheet(comment="草稿"))
    assignment = nomination.assignments.get(judge=people.judge)
    assignments.unassign(assignment, by=people.secretariat, reason="专家出差，改派他人。")
    assignment.refresh_from_db()
    assert assignment.released_at is not None
    assert assignment.released_reason == "专家出差，改派他人。"
    assert not Review.objects.filter(judge=people.judge).exists()
    assert LogEntry.objects.order_by("pk").last().change_message == (
        "撤销分配：专家出差，改派他人。"
    )
    with pytest.raises(ValidationError) as error:
        assignments.unassign(assignment, by=people.secretariat, reason="再次")
    assert error.value.messages == ["该分配已撤销。"]


def test_releasing_refusals(open_campaign, people, panel):
    nomination = in_review(open_campaign, people, [people.judge])
    assignment = nomination.assignments.get()
    with pytest.raises(ValidationError) as error:
        assignments.unassign(assignment, by=people.secretariat, reason=" ")
    assert error.value.messages == ["撤销分配须写明理由。"]
    with pytest.raises(PermissionDenied) as denied:
        assignments.unassign(assignment, by=people.judge, reason="不想评")
    assert str(denied.value) == "只有秘书处可以撤销分配。"
    judging.submit_review(nomination, judge=people.judge, sheet=full_sheet(nomination))
    with pytest.raises(ValidationError) as error:
        assignments.unassign(assignment, by=people.secretariat, reason="改派")
    assert error.value.messages == [
        "陈专家已提交评审意见，不能撤销分配；如需更正，请先重新开放评审意见。"
    ]
    judging.finish_review(nomination, by=people.secretariat)
    with pytest.raises(ValidationError) as error:
        assignments.unassign(assignment, by=people.secretariat, reason="改派")
    assert error.value.messages == ["“王小满”当前状态为“评审完成”，不能撤销分配。"]


def test_declaring_a_conflict_releases_deletes_the_draft_and_reassigns(
    open_campaign, people, panel
):
    nomination = in_review(open_campaign, people, [people.judge])
    busy = in_review(open_campaign, people, [panel.wu], name="乙", signer="乙")  # 吴 has one
    judging.save_scores(nomination, judge=people.judge, sheet=full_sheet(nomination))
    declared = assignments.declare_conflict(
        nomination, judge=people.judge, reason="本人曾为该申报人授课。"
    )
    assert declared.message == "已回避。该申报已改由评审组中的其他评审专家评审。"
    assert declared.released.released_reason == "评审专家声明回避：本人曾为该申报人授课。"
    assert not Review.objects.filter(nomination=nomination, judge=people.judge).exists()
    assert not Score.objects.exists()
    # 周 is conflicted, 吴 already has a task: 郑, the least loaded, takes it.
    assert declared.replacement.judge == panel.zheng
    assert declared.replacement.assigned_by == people.secretariat
    assert busy.assignments.count() == 1


def test_declaring_with_no_free_judge_asks_the_secretariat(open_campaign, people, panel):
    nomination = in_review(open_campaign, people, [people.judge, panel.wu, panel.zheng])
    declared = assignments.declare_conflict(nomination, judge=panel.wu, reason="亲属在该单位工作。")
    assert declared.replacement is None
    assert declared.message == "已回避。评审组中没有可接替的评审专家，请秘书处另行分配。"
    assert nomination.assignments.filter(released_at__isnull=True).count() == 2


def test_declaring_refusals(open_campaign, people, panel):
    nomination = in_review(open_campaign, people, [people.judge])
    with pytest.raises(ValidationError) as error:
        assignments.declare_conflict(nomination, judge=people.judge, reason="")
    assert error.value.messages == ["声明回避须写明理由。"]
    with pytest.raises(PermissionDenied) as denied:
        assignments.declare_conflict(nomination, judge=panel.wu, reason="无")
    assert str(denied.value) == "您没有评审该申报的任务。"
    judging.submit_review(nomination, judge=people.judge, sheet=full_sheet(nomination))
    with pytest.raises(ValidationError) as error:
        assignments.declare_conflict(nomination, judge=people.judge, reason="想起来了")
    assert error.value.messages == [
        "您已提交评审意见，不能再声明回避；如有利益冲突，请联系秘书处。"
    ]
    judging.finish_review(nomination, by=people.secretariat)
    with pytest.raises(ValidationError) as error:
        assignments.declare_conflict(nomination, judge=people.judge, reason="想起来了")
    assert error.value.messages == ["“王小满”当前状态为“评审完成”，不能声明回避。"]


# --- scores ---------------------------------------------------------------------------------------


def test_a_judge_keeps_a_draft(open_campaign, people, panel):
    nomination = in_review(open_campaign, people, [people.judge])
    first, second = judging.criteria_with_items(judging.judging_rubric(nomination.category))[:2]
    review = judging.save_scores(
        nomination,
        judge=people.judge,
        sheet=Sheet(points={first[1].pk: "8", second[1].pk: ""}, comment="初步意见"),
    )
    assert (review.state, review.comment, review.submitted_at) == ("draft", "初步意见", None)
    assert dict(review.scores.values_list("criterion_id", "points")) == {first[1].pk: 8}
    judging.save_scores(
        nomination, judge=people.judge, sheet=Sheet(points={second[1].pk: 12}, comment="改")
    )
    assert dict(review.scores.values_list("criterion_id", "points")) == {second[1].pk: 12}


def test_scores_follow_the_score_rule_with_every_problem_listed(open_campaign, people, panel):
    nomination = in_review(open_campaign, people, [people.judge])
    criteria = [
        c for _i, c in judging.criteria_with_items(judging.judging_rubric(nomination.category))
    ]
    with pytest.raises(ValidationError) as error:
        judging.save_scores(
            nomination,
            judge=people.judge,
            sheet=Sheet(points={criteria[0].pk: "11", criteria[1].pk: "七", 999999: "1"}),
        )
    assert error.value.messages == [
        "评分细项不属于该申报的评分标准。",
        "“道德情操高尚，社会责任感强”：评分 11 超出 0 至 10 分的范围。",
        "“职业素养高，作风优良”：评分应为 0 至 15 之间的整数。",
    ]
    assert not Review.objects.exists()


def test_submitting_needs_every_score_and_an_opinion(open_campaign, people, panel):
    nomination = in_review(open_campaign, people, [people.judge])
    sheet = full_sheet(nomination, comment=" ")
    points = dict(sheet.points)
    for _item, criterion in judging.criteria_with_items(
        judging.judging_rubric(nomination.category)
    )[-2:]:
        points[criterion.pk] = ""
    with pytest.raises(ValidationError) as error:
        judging.submit_review(nomination, judge=people.judge, sheet=Sheet(points=points))
    assert error.value.messages == [
        "以下细项尚未评分：服务能力得到内外部顾客认可和好评、服务模式得到认可和好评。",
        "请填写评审意见。",
    ]
    assert not Review.objects.exists()


def test_submitted_scores_are_locked(open_campaign, people, panel):
    nomination = in_review(open_campaign, people, [people.judge])
    review = judging.submit_review(nomination, judge=people.judge, sheet=full_sheet(nomination))
    assert review.state == ReviewState.SUBMITTED
    assert review.submitted_at is not None
    assert review.scores.count() == 7
    for action in (judging.save_scores, judging.submit_review):
        with pytest.raises(ValidationError) as error:
            action(nomination, judge=people.judge, sheet=full_sheet(nomination, comment="改"))
        assert error.value.messages == [
            "评审意见已提交，不能修改；如需更正，请联系秘书处重新开放。"
        ]
    review.refresh_from_db()
    assert review.comment == "事迹突出，同意推荐。"


def test_the_secretariat_reopens_a_submitted_review_and_the_reason_is_recorded(
    open_campaign, people, panel
):
    nomination = in_review(open_campaign, people, [people.judge])
    review = judging.submit_review(nomination, judge=people.judge, sheet=full_sheet(nomination))
    judging.reopen_review(review, by=people.secretariat, reason="第二项分数录入有误。")
    review.refresh_from_db()
    assert (review.state, review.submitted_at) == (ReviewState.DRAFT, None)
    entry = LogEntry.objects.filter(content_type__model="review", object_id=str(review.pk)).get()
    assert (entry.user, entry.change_message) == (
        people.secretariat,
        "重新开放评审意见：第二项分数录入有误。",
    )
    assert judging.reopen_reason(review) == "第二项分数录入有误。"
    judging.submit_review(
        nomination, judge=people.judge, sheet=full_sheet(nomination, **{"职业素养高，作风优良": 12})
    )
    assert review.scores.get(criterion__name="职业素养高，作风优良").points == 12


def test_reopening_refusals(open_campaign, people, panel):
    nomination = in_review(open_campaign, people, [people.judge])
    draft = judging.save_scores(nomination, judge=people.judge, sheet=Sheet())
    with pytest.raises(ValidationError) as error:
        judging.reopen_review(draft, by=people.secretariat, reason="无")
    assert error.value.messages == ["该评审意见尚未提交，无需重新开放。"]
    review = judging.submit_review(nomination, judge=people.judge, sheet=full_sheet(nomination))
    with pytest.raises(PermissionDenied) as denied:
        judging.reopen_review(review, by=people.judge, reason="我想改")
    assert str(denied.value) == "只有秘书处可以重新开放评审意见。"
    with pytest.raises(ValidationError) as error:
        judging.reopen_review(review, by=people.secretariat, reason="")
    assert error.value.messages == ["重新开放评审意见须写明理由。"]
    judging.finish_review(nomination, by=people.secretariat)
    with pytest.raises(ValidationError) as error:
        judging.reopen_review(review, by=people.secretariat, reason="发现错误")
    assert error.value.messages == ["“王小满”当前状态为“评审完成”，不能重新开放评审意见。"]


def test_only_an_assigned_judge_without_conflict_scores(open_campaign, people, panel):
    nomination = in_review(open_campaign, people, [people.judge])
    for judge in (panel.wu, people.secretariat):
        with pytest.raises(PermissionDenied) as denied:
            judging.save_scores(nomination, judge=judge, sheet=Sheet())
        assert str(denied.value) == "您没有评审该申报的任务。"
    # A conflict that comes to light after the assignment (a coaching) hides it as well.
    Coaching.objects.create(
        coach=people.judge, request=filed(open_campaign, people, "coaching_request")
    )
    with pytest.raises(PermissionDenied):
        judging.save_scores(nomination, judge=people.judge, sheet=Sheet())


def test_scoring_is_refused_outside_the_review(open_campaign, people, panel):
    nomination = in_review(open_campaign, people, [people.judge])
    judging.submit_review(nomination, judge=people.judge, sheet=full_sheet(nomination))
    judging.finish_review(nomination, by=people.secretariat)
    with pytest.raises(ValidationError) as error:
        judging.save_scores(nomination, judge=people.judge, sheet=Sheet())
    assert error.value.messages == ["“王小满”当前状态为“评审完成”，不能评分。"]


# --- achievements and units -----------------------------------------------------------------------


@pytest.fixture
def achievement_panel(open_campaign, people):
    category = open_campaign.categories.get(kind="achievement")
    assignments.set_panel(category, judges=[people.judge], by=people.secretariat)
    return category


def visit(nomination, by, **changes):
    values = {
        "visited_on": timezone.localdate() - datetime.timedelta(days=3),
        "place": "首府市友好路营业厅",
        "finding": "办电一次办结，与承诺相符。",
        "evidence": [png_upload("暗访照片.png")],
    } | changes
    return judging.record_mystery_visit(nomination, by=by, **values)


def test_a_verification_score_needs_a_mystery_visit(open_campaign, people, achievement_panel):
    nomination = in_review(open_campaign, people, [people.judge], "achievement")
    with pytest.raises(ValidationError) as error:
        judging.submit_review(nomination, judge=people.judge, sheet=full_sheet(nomination))
    assert error.value.messages == [
        "“服务验证”评分须附神秘客暗访记录：请先记录暗访的日期、地点、发现和证据。"
    ]
    judging.save_scores(nomination, judge=people.judge, sheet=full_sheet(nomination))  # a draft may
    recorded = visit(nomination, people.judge)
    assert [a.slot for a in recorded.evidence.all()] == ["mystery_visit"]
    review = judging.submit_review(nomination, judge=people.judge, sheet=full_sheet(nomination))
    assert review.scores.count() == 10
    assert sum(review.scores.values_list("points", flat=True)) == 100


def test_an_achievement_not_presented_scores_zero_for_its_presentation(
    open_campaign, people, achievement_panel
):
    nomination = in_review(open_campaign, people, [people.judge], "achievement", presenting="否")
    with pytest.raises(ValidationError) as error:
        judging.save_scores(nomination, judge=people.judge, sheet=full_sheet(nomination))
    assert error.value.messages == ["该成果未与会发表，“发表效果”只能为 0 分。"]
    visit(nomination, people.judge)
    review = judging.submit_review(
        nomination, judge=people.judge, sheet=full_sheet(nomination, 发布效果=0)
    )
    assert sum(review.scores.values_list("points", flat=True)) == 90


def test_recording_a_mystery_visit_lists_everything_missing(
    open_campaign, people, achievement_panel
):
    nomination = in_review(open_campaign, people, [people.judge], "achievement")
    with pytest.raises(ValidationError) as error:
        visit(nomination, people.judge, visited_on=None, place=" ", finding="", evidence=[])
    assert error.value.messages == [
        "请填写暗访日期。",
        "请填写暗访地点。",
        "请写明暗访发现。",
        "请上传暗访证据（图片、PDF或Word文件）。",
    ]
    with pytest.raises(ValidationError) as error:
        visit(
            nomination, people.judge, visited_on=timezone.localdate() + datetime.timedelta(days=1)
        )
    assert error.value.messages == ["暗访日期不能晚于今天。"]
    with pytest.raises(PermissionDenied) as denied:
        visit(nomination, people.conflicted_judge)
    assert str(denied.value) == "您没有评审该申报的任务。"
    visit(nomination, people.secretariat)  # the secretariat may record one too
    assert MysteryVisit.objects.count() == 1
    assert Attachment.objects.filter(slot="mystery_visit").count() == 1


def test_only_achievements_get_mystery_visits(open_campaign, people, panel):
    nomination = in_review(open_campaign, people, [people.judge])
    with pytest.raises(ValidationError) as error:
        visit(nomination, people.judge)
    assert error.value.messages == ["只有优质服务成果须记录神秘客暗访。"]


def test_a_unit_gets_an_opinion_and_a_recommendation(open_campaign, people):
    category = open_campaign.categories.get(kind="unit")
    assignments.set_panel(category, judges=[people.judge], by=people.secretariat)
    nomination = in_review(open_campaign, people, [people.judge], "unit")
    assert judging.judging_rubric(nomination.category) is None
    with pytest.raises(ValidationError) as error:
        judging.submit_review(nomination, judge=people.judge, sheet=Sheet())
    assert error.value.messages == ["请填写评审意见。", "请选择是否推荐。"]
    review = judging.submit_review(
        nomination,
        judge=people.judge,
        sheet=Sheet(comment="服务成效显著，建议表彰。", recommends=True),
    )
    assert (review.state, review.recommends, review.scores.count()) == ("submitted", True, 0)


# --- finishing the review -------------------------------------------------------------------------


def test_the_secretariat_finishes_once_every_active_review_is_submitted(
    open_campaign, people, panel
):
    nomination = in_review(open_campaign, people, [people.judge, panel.wu])
    judging.submit_review(nomination, judge=people.judge, sheet=full_sheet(nomination))
    nomination.refresh_from_db()
    assert nomination.state == NominationState.IN_REVIEW  # never automatic
    with pytest.raises(ValidationError) as error:
        judging.finish_review(nomination, by=people.secretariat)
    assert error.value.messages == ["“王小满”尚有 1 位评审专家未提交评审意见，不能完成评审。"]
    judging.submit_review(nomination, judge=panel.wu, sheet=full_sheet(nomination))
    with pytest.raises(PermissionDenied) as denied:
        judging.finish_review(nomination, by=people.judge)
    assert str(denied.value) == "只有秘书处可以完成评审。"
    nomination = judging.finish_review(nomination, by=people.secretariat)
    assert nomination.state == NominationState.SCORED
    assert actions(nomination)[-1] == (
        "finish_review",
        "in_review",
        "scored",
        people.secretariat.pk,
    )


def test_finishing_refusals(open_campaign, people, panel):
    nomination = checked(open_campaign, people)
    with pytest.raises(ValidationError) as error:
        judging.finish_review(nomination, by=people.secretariat)
    assert error.value.messages == ["申报当前状态为“形式审查通过”，不能进行“评审完成”操作。"]
    assignments.assign(nomination, judge=panel.wu, by=people.secretariat)
    assignments.set_panel(panel.category, judges=[panel.wu], by=people.secretariat)
    assignments.declare_conflict(nomination, judge=panel.wu, reason="同学在该单位。")
    with pytest.raises(ValidationError) as error:
        judging.finish_review(nomination, by=people.secretariat)
    assert error.value.messages == ["“王小满”没有评审专家，不能完成评审。"]


def test_finishing_every_complete_nomination_at_once(open_campaign, people, panel):
    done = in_review(open_campaign, people, [people.judge], name="甲", signer="甲")
    pending = in_review(open_campaign, people, [people.judge], name="乙", signer="乙")
    judging.submit_review(done, judge=people.judge, sheet=full_sheet(done))
    finished = assignments.finish_complete(panel.category, by=people.secretariat)
    assert [n.pk for n in finished] == [done.pk]
    pending.refresh_from_db()
    assert pending.state == NominationState.IN_REVIEW
    assert people.secretariat.role == Role.SECRETARIAT


def test_visits_are_recorded_only_until_the_review_is_finished(
    open_campaign, people, achievement_panel
):
    nomination = in_review(open_campaign, people, [people.judge], "achievement")
    visit(nomination, people.judge)
    judging.submit_review(nomination, judge=people.judge, sheet=full_sheet(nomination))
    judging.finish_review(nomination, by=people.secretariat)
    with pytest.raises(ValidationError) as error:
        visit(nomination, people.secretariat)
    assert error.value.messages == [
        "““一次都不跑”办电服务”当前状态为“评审完成”，不能记录神秘客暗访。"
    ]


def test_an_opinion_is_limited_to_2000_characters(open_campaign, people, panel):
    nomination = in_review(open_campaign, people, [people.judge])
    with pytest.raises(ValidationError) as error:
        judging.save_scores(nomination, judge=people.judge, sheet=Sheet(comment="好" * 2001))
    assert error.value.messages == ["“评审意见”限 2000 字，现为 2001 字（不计空格）。"]


def test_mystery_visit_evidence_is_never_downloadable_by_the_applicant(
    client, open_campaign, people
):
    from manyi.core.uploads import FileKind
    from manyi.nominations.models import Attachment
    from manyi.nominations.services import store_file
    from manyi.reviews.tests.test_recommendation import filed
    from manyi.testing import png_upload

    nomination = filed(open_campaign, people, "achievement")
    evidence = store_file(
        nomination, "mystery_visit", png_upload("暗访照片.png"), FileKind.PNG, people.secretariat
    )
    url = f"/nominations/{nomination.pk}/attachments/{evidence.pk}/download/"
    client.force_login(people.applicant)
    assert client.get(url).status_code == 404
    client.force_login(people.recommender)
    assert client.get(url).status_code == 404
    client.force_login(people.secretariat)
    assert client.get(url).status_code == 200
    assert Attachment.objects.filter(slot="mystery_visit").count() == 1
