"""The pages of panels, assignments and scoring, for the secretariat and for judges."""

import datetime

import pytest
from django.utils import timezone

from manyi.nominations.models import NominationState
from manyi.reviews import assignments, judging
from manyi.reviews.models import Assignment, Coaching, MysteryVisit, Review, ReviewState
from manyi.reviews.tests.test_conflicts import checked, judge_of
from manyi.reviews.tests.test_judging import _checked_directly, full_sheet, in_review
from manyi.reviews.tests.test_recommendation import filed
from manyi.testing import OrganizationFactory, UserFactory, png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel(open_campaign, people):
    category = open_campaign.categories.get(kind="individual")
    wu = judge_of(OrganizationFactory(name="示范银行"), "吴专家")
    assignments.set_panel(
        category, judges=[people.judge, people.conflicted_judge, wu], by=people.secretariat
    )
    category.wu = wu
    return category


def shown(client, response):
    """The messages a redirect leaves, as the page it leads to shows them."""
    assert response.status_code == 302
    return [str(m) for m in client.get(response.url).context["messages"]]


# --- access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["applicant", "recommender", "committee", "judge"])
def test_secretariat_pages_are_for_the_secretariat(client, open_campaign, people, persona):
    category = open_campaign.categories.get(kind="individual")
    client.force_login(getattr(people, persona))
    response = client.get("/reviews/panels/")
    assert response.status_code == 403
    assert "只有秘书处可以组织评审。" in response.content.decode()
    assert client.get(f"/reviews/assignments/{category.pk}/").status_code == 403
    assert client.post(f"/reviews/assignments/{category.pk}/auto/").status_code == 403


@pytest.mark.parametrize("persona", ["applicant", "recommender", "secretariat"])
def test_judge_pages_are_for_judges(client, open_campaign, people, persona):
    client.force_login(getattr(people, persona))
    response = client.get("/reviews/tasks/")
    assert response.status_code == 403
    assert "只有评审专家可以评审。" in response.content.decode()


def test_a_judge_is_never_shown_a_conflicted_nomination(client, open_campaign, people, panel):
    mine = in_review(open_campaign, people, [people.judge], name="甲候选", signer="甲候选")
    others = in_review(open_campaign, people, [panel.wu], name="乙候选", signer="乙候选")
    # A stale assignment: 周 works for the applicant's organization (made directly, as if the
    # conflict had not been known).
    Assignment.objects.create(
        nomination=others,
        judge=people.conflicted_judge,
        assigned_by=people.secretariat,
        assigned_at=timezone.now(),
    )
    client.force_login(people.conflicted_judge)
    page = client.get("/reviews/tasks/").content.decode()
    assert "乙候选" not in page
    assert "暂无评审任务。" in page
    assert client.get(f"/reviews/tasks/{others.pk}/").status_code == 404
    assert client.get(f"/reviews/tasks/{others.pk}/conflict/").status_code == 404
    client.force_login(people.judge)
    page = client.get("/reviews/tasks/").content.decode()
    assert "甲候选" in page
    assert "乙候选" not in page
    assert client.get(f"/reviews/tasks/{mine.pk}/").status_code == 200
    assert client.get(f"/reviews/tasks/{others.pk}/").status_code == 404
    # A conflict that comes to light later hides the task as well.
    Coaching.objects.create(
        coach=people.judge, request=filed(open_campaign, people, "coaching_request")
    )
    assert "甲候选" not in client.get("/reviews/tasks/").content.decode()
    assert client.get(f"/reviews/tasks/{mine.pk}/").status_code == 404


# --- the judge's pages ----------------------------------------------------------------------------


def test_the_scoring_page_shows_bands_and_the_self_score_beside_each_criterion(
    client, open_campaign, people, panel
):
    nomination = in_review(open_campaign, people, [people.judge])
    client.force_login(people.judge)
    page = client.get(f"/reviews/tasks/{nomination.pk}/").content.decode()
    assert "<th>自评</th>" in page
    assert page.count('<td class="self-score">') == 7
    assert '<td class="self-score">20</td>' in page  # 服务能力得到内外部顾客认可和好评, full marks
    assert "道德情操高尚，社会责任感强" in page
    assert "声明回避" in page
    assert "王小满" in page


def test_a_judge_sees_no_other_judges_scores_before_submitting(
    client, open_campaign, people, panel
):
    nomination = in_review(open_campaign, people, [people.judge, panel.wu])
    judging.submit_review(
        nomination, judge=panel.wu, sheet=full_sheet(nomination, comment="吴的独到意见")
    )
    judging.save_scores(nomination, judge=people.judge, sheet=full_sheet(nomination, "陈的草稿"))
    client.force_login(people.judge)
    page = client.get(f"/reviews/tasks/{nomination.pk}/").content.decode()
    assert "吴的独到意见" not in page
    assert "其他评审专家的评审意见" not in page
    assert "陈的草稿" in page
    client.post(
        f"/reviews/tasks/{nomination.pk}/",
        {"submit": "1", "comment": "陈的意见"}
        | {f"score_{pk}": str(points) for pk, points in full_sheet(nomination).points.items()},
    )
    page = client.get(f"/reviews/tasks/{nomination.pk}/").content.decode()
    assert "其他评审专家的评审意见（已提交）" in page
    assert "吴的独到意见" in page
    assert "专家1" in page
    assert "吴专家" not in page  # anonymised
    # And 吴, whose review was submitted first, sees 陈's only now.
    client.force_login(panel.wu)
    assert "陈的意见" in client.get(f"/reviews/tasks/{nomination.pk}/").content.decode()


def test_save_a_draft_then_submit_through_the_page(client, open_campaign, people, panel):
    nomination = in_review(open_campaign, people, [people.judge])
    points = {f"score_{pk}": str(p) for pk, p in full_sheet(nomination).points.items()}
    first = next(iter(points))
    client.force_login(people.judge)
    response = client.post(
        f"/reviews/tasks/{nomination.pk}/", {"save": "1", "comment": "先存一下", first: "99"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "“道德情操高尚，社会责任感强”：评分 99 超出 0 至 10 分的范围。" in content
    assert 'value="99"' in content  # what was typed stays
    assert "先存一下" in content
    response = client.post(
        f"/reviews/tasks/{nomination.pk}/", {"save": "1", "comment": "先存一下", first: "9"}
    )
    assert response.status_code == 302
    assert shown(client, response) == ["草稿已保存。"]
    review = Review.objects.get()
    assert (review.state, review.scores.get().points) == (ReviewState.DRAFT, 9)
    response = client.post(
        f"/reviews/tasks/{nomination.pk}/", {"submit": "1", "comment": "同意。"} | points
    )
    assert shown(client, response) == ["评审意见已提交。"]
    review.refresh_from_db()
    assert review.state == ReviewState.SUBMITTED
    page = client.get(f"/reviews/tasks/{nomination.pk}/").content.decode()
    assert "提交评审意见</button>" not in page
    assert "disabled" in page
    response = client.post(
        f"/reviews/tasks/{nomination.pk}/", {"submit": "1", "comment": "改"} | points
    )
    assert "评审意见已提交，不能修改；如需更正，请联系秘书处重新开放。" in response.content.decode()


def test_the_judges_list_shows_the_state_of_their_review(client, open_campaign, people, panel):
    started = in_review(open_campaign, people, [people.judge], name="甲", signer="甲")
    in_review(open_campaign, people, [people.judge], name="乙", signer="乙")
    judging.save_scores(started, judge=people.judge, sheet=full_sheet(started))
    client.force_login(people.judge)
    page = client.get("/reviews/tasks/").content.decode()
    assert '<span class="state">草稿</span>' in page
    assert '<span class="state">未开始</span>' in page


def test_the_judges_list_filters_by_state_and_pages(
    client, open_campaign, people, panel, monkeypatch
):
    started = in_review(open_campaign, people, [people.judge], name="甲", signer="甲")
    in_review(open_campaign, people, [people.judge], name="乙", signer="乙")
    done = in_review(open_campaign, people, [people.judge], name="丙", signer="丙")
    judging.save_scores(started, judge=people.judge, sheet=full_sheet(started))
    judging.submit_review(done, judge=people.judge, sheet=full_sheet(done))
    client.force_login(people.judge)
    page = client.get("/reviews/tasks/").content.decode()
    assert "<strong>全部（3）</strong>" in page
    for key, label in (
        ("todo", "未开始（1）"),
        ("draft", "草稿（1）"),
        ("submitted", "已提交（1）"),
    ):
        assert f'<a href="?state={key}">{label}</a>' in page
    page = client.get("/reviews/tasks/?state=submitted").content.decode()
    assert "<strong>已提交（1）</strong>" in page
    assert ">丙</td>" in page and ">甲</td>" not in page and ">乙</td>" not in page
    page = client.get("/reviews/tasks/?state=todo").content.decode()
    assert ">乙</td>" in page and ">丙</td>" not in page
    # An unknown state shows everything; pages of two, an out-of-range page shows the last.
    monkeypatch.setattr("manyi.reviews.judging_views.TASKS_PAGE_SIZE", 2)
    page = client.get("/reviews/tasks/?state=nonsense").content.decode()
    assert "第 1 / 2 页，共 3 件" in page and page.count('<span class="state') == 2
    page = client.get("/reviews/tasks/?page=99").content.decode()
    assert "第 2 / 2 页，共 3 件" in page and page.count('<span class="state') == 1
    assert '<a href="?page=1">上一页</a>' in page


def test_the_achievement_page_records_a_visit_and_states_the_presentation_rule(
    client, open_campaign, people
):
    category = open_campaign.categories.get(kind="achievement")
    assignments.set_panel(category, judges=[people.judge], by=people.secretariat)
    nomination = in_review(open_campaign, people, [people.judge], "achievement", presenting="否")
    client.force_login(people.judge)
    page = client.get(f"/reviews/tasks/{nomination.pk}/").content.decode()
    assert "该成果未与会发表，“发表效果”只能为 0 分。" in page
    assert "尚未记录神秘客暗访。" in page
    assert "<th>评价内容</th>" in page
    assert "<th>自评</th>" not in page
    response = client.post(
        f"/reviews/tasks/{nomination.pk}/visit/",
        {
            "visited_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
            "place": "友好路营业厅",
            "finding": "与承诺相符。",
            "evidence": [png_upload("照片.png")],
        },
    )
    assert response.status_code == 302
    assert shown(client, response) == ["神秘客暗访记录已保存。"]
    visit = MysteryVisit.objects.get()
    evidence = visit.evidence.get()
    page = client.get(f"/reviews/tasks/{nomination.pk}/").content.decode()
    assert "友好路营业厅" in page
    download = client.get(f"/reviews/tasks/{nomination.pk}/files/{evidence.pk}/")
    assert download.status_code == 200
    response = client.post(f"/reviews/tasks/{nomination.pk}/visit/", {"place": "某地"})
    assert shown(client, response) == [
        "请填写暗访日期。",
        "请写明暗访发现。",
        "请上传暗访证据（图片、PDF或Word文件）。",
    ]


def test_the_unit_page_asks_for_an_opinion_and_a_recommendation(client, open_campaign, people):
    category = open_campaign.categories.get(kind="unit")
    assignments.set_panel(category, judges=[people.judge], by=people.secretariat)
    nomination = in_review(open_campaign, people, [people.judge], "unit")
    client.force_login(people.judge)
    page = client.get(f"/reviews/tasks/{nomination.pk}/").content.decode()
    assert "是否推荐" in page
    assert 'class="rubric"' not in page
    response = client.post(f"/reviews/tasks/{nomination.pk}/", {"submit": "1", "comment": ""})
    content = response.content.decode()
    assert "请填写评审意见。" in content
    assert "请选择是否推荐。" in content
    client.post(
        f"/reviews/tasks/{nomination.pk}/",
        {"submit": "1", "comment": "成效显著。", "recommends": "no"},
    )
    review = Review.objects.get()
    assert (review.state, review.recommends, review.comment) == ("submitted", False, "成效显著。")


def test_declare_a_conflict_through_the_page(client, open_campaign, people, panel):
    nomination = in_review(open_campaign, people, [people.judge])
    client.force_login(people.judge)
    assert client.get(f"/reviews/tasks/{nomination.pk}/conflict/").status_code == 200
    response = client.post(f"/reviews/tasks/{nomination.pk}/conflict/", {"reason": ""})
    assert "声明回避须写明理由。" in response.content.decode()
    response = client.post(
        f"/reviews/tasks/{nomination.pk}/conflict/", {"reason": "曾为该单位提供咨询。"}
    )
    assert response.status_code == 302
    assert shown(client, response) == ["已回避。该申报已改由评审组中的其他评审专家评审。"]
    assert client.get(f"/reviews/tasks/{nomination.pk}/").status_code == 404
    assert nomination.assignments.get(released_at__isnull=True).judge == panel.wu


def test_a_judge_downloads_only_files_of_their_tasks(client, open_campaign, people, panel):
    nomination = in_review(open_campaign, people, [people.judge])
    attachment = nomination.attachments.first()
    client.force_login(people.judge)
    assert client.get(f"/reviews/tasks/{nomination.pk}/files/{attachment.pk}/").status_code == 200
    client.force_login(panel.wu)
    assert client.get(f"/reviews/tasks/{nomination.pk}/files/{attachment.pk}/").status_code == 404


# --- the secretariat's pages ----------------------------------------------------------------------


def test_the_secretariat_chooses_a_panel(client, open_campaign, people):
    category = open_campaign.categories.get(kind="team")
    client.force_login(people.secretariat)
    page = client.get("/reviews/panels/").content.decode()
    assert "用户满意服务先进班组" in page
    assert "用户满意工程项目辅导申请回执" not in page
    assert "周专家" in page
    response = client.post(
        f"/reviews/panels/{category.pk}/", {"judges": [people.judge.pk, people.applicant.pk]}
    )
    assert shown(client, response) == ["只能选择评审专家：王申报不是评审专家。"]
    response = client.post(f"/reviews/panels/{category.pk}/", {"judges": [people.judge.pk]})
    assert shown(client, response) == ["已保存“用户满意服务先进班组”评审组。"]
    assert list(category.panels.get().judges.all()) == [people.judge]


def test_the_assignment_page_greys_out_conflicted_judges_with_the_reason(
    client, open_campaign, people, panel
):
    nomination = checked(open_campaign, people)
    client.force_login(people.secretariat)
    page = client.get(f"/reviews/assignments/{panel.pk}/").content.decode()
    assert (
        f'<option value="{people.conflicted_judge.pk}" disabled>'
        "周专家（回避：同单位、推荐单位）</option>" in page
    )
    assert f'<option value="{people.judge.pk}">陈专家</option>' in page
    assert "周专家：同单位、推荐单位" in page
    response = client.post(
        f"/reviews/assignments/{panel.pk}/assign/",
        {"judge": people.conflicted_judge.pk, "nominations": [nomination.pk]},
    )
    assert shown(client, response) == ["周专家应当回避“王小满”：同单位、推荐单位。"]
    response = client.post(
        f"/reviews/assignments/{panel.pk}/assign/",
        {"judge": people.judge.pk, "nominations": [nomination.pk]},
    )
    assert shown(client, response) == ["已将 1 件申报分配给陈专家。"]
    response = client.post(
        f"/reviews/assignments/{panel.pk}/assign/", {"judge": "x", "nominations": ["y"]}
    )
    assert shown(client, response) == ["请选择评审专家和要分配的申报。"]
    nomination.refresh_from_db()
    assert nomination.state == NominationState.IN_REVIEW


def test_auto_assign_through_the_page_reports_the_shortfall(client, open_campaign, people, panel):
    checked(open_campaign, people)
    client.force_login(people.secretariat)
    response = client.post(f"/reviews/assignments/{panel.pk}/auto/", {"per_nomination": "3"})
    assert shown(client, response) == [
        "已自动分配 2 人次。",
        "“王小满”可分配的评审专家不足：需要 3 位，现有 2 位，还差 1 位。",
    ]
    response = client.post(f"/reviews/assignments/{panel.pk}/auto/", {"per_nomination": "x"})
    assert shown(client, response) == ["每件申报的评审专家人数须为正整数。"]


def test_release_reopen_and_finish_through_the_page(client, open_campaign, people, panel):
    nomination = in_review(open_campaign, people, [people.judge, panel.wu])
    review = judging.submit_review(nomination, judge=people.judge, sheet=full_sheet(nomination))
    release = nomination.assignments.get(judge=panel.wu)
    client.force_login(people.secretariat)
    page = client.get(f"/reviews/assignments/{panel.pk}/").content.decode()
    assert "已提交（100 分）" in page
    assert "1 / 2" in page
    response = client.post(f"/reviews/assignments/release/{release.pk}/", {"reason": ""})
    assert shown(client, response) == ["撤销分配须写明理由。"]
    response = client.post(f"/reviews/assignments/release/{release.pk}/", {"reason": "出差"})
    assert shown(client, response) == ["已撤销吴专家对“王小满”的评审任务。"]
    response = client.post(f"/reviews/scores/{review.pk}/reopen/", {"reason": "请复核第一项。"})
    assert shown(client, response) == ["已重新开放陈专家对“王小满”的评审意见。"]
    client.force_login(people.judge)
    page = client.get(f"/reviews/tasks/{nomination.pk}/").content.decode()
    assert "秘书处已重新开放您的评审意见：请复核第一项。" in page
    judging.submit_review(nomination, judge=people.judge, sheet=full_sheet(nomination))
    client.force_login(people.secretariat)
    page = client.get(f"/reviews/assignments/{panel.pk}/").content.decode()
    assert "已解除：吴专家（出差）" in page
    assert "完成所有评审意见已全部提交的申报（1 件）" in page
    response = client.post(f"/reviews/assignments/{panel.pk}/finish/")
    assert shown(client, response) == ["已完成评审的申报：1 件。"]
    nomination.refresh_from_db()
    assert nomination.state == NominationState.SCORED


# --- query counts ---------------------------------------------------------------------------------


def _tasks(category, people, judge, count, start=0):
    outsider = UserFactory(organization=OrganizationFactory())
    for i in range(start, start + count):
        nomination = _checked_directly(category, outsider, f"候选{i}")
        assignments.assign(nomination, judge=judge, by=people.secretariat)
        if i % 2:
            judging.save_scores(nomination, judge=judge, sheet=judging.Sheet(comment="草稿"))


def test_the_judges_list_queries_do_not_grow(
    client, open_campaign, people, panel, django_assert_num_queries
):
    _tasks(panel, people, people.judge, 2)
    client.force_login(people.judge)
    with django_assert_num_queries(7):
        response = client.get("/reviews/tasks/")
    assert (
        response.content.decode().count('href="/reviews/tasks/') == 1 + 2
    )  # the nav link and each task
    _tasks(panel, people, people.judge, 6, start=2)
    with django_assert_num_queries(7):
        response = client.get("/reviews/tasks/")
    assert response.content.decode().count('href="/reviews/tasks/') == 1 + 8


def test_the_assignment_page_queries_do_not_grow(
    client, open_campaign, people, panel, django_assert_num_queries
):
    _tasks(panel, people, people.judge, 2)
    client.force_login(people.secretariat)
    with django_assert_num_queries(12):
        response = client.get(f"/reviews/assignments/{panel.pk}/")
    assert response.content.decode().count('<tr id="nomination-') == 2
    _tasks(panel, people, panel.wu, 6, start=2)
    with django_assert_num_queries(12):
        response = client.get(f"/reviews/assignments/{panel.pk}/")
    assert response.content.decode().count('<tr id="nomination-') == 8


def test_finish_one_nomination_through_the_page(client, open_campaign, people, panel):
    nomination = in_review(open_campaign, people, [people.judge])
    client.force_login(people.secretariat)
    url = f"/reviews/assignments/{panel.pk}/finish/"
    response = client.post(url, {"nomination": nomination.pk})
    assert shown(client, response) == ["“王小满”尚有 1 位评审专家未提交评审意见，不能完成评审。"]
    judging.submit_review(nomination, judge=people.judge, sheet=full_sheet(nomination))
    response = client.post(url, {"nomination": nomination.pk})
    assert shown(client, response) == ["“王小满”评审完成。"]
    assert client.post(url, {"nomination": "x"}).status_code == 404
