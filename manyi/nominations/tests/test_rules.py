"""The rules of the forms and of eligibility, as plain functions."""

import pytest

from manyi.nominations.eligibility import CONDITIONS, Facts, Status, evaluate
from manyi.nominations.formspecs import FORMS
from manyi.nominations.validation import (
    coaching_problems,
    field_problems,
    signature_problems,
    split_names,
    survey_problems,
    team_composition_problems,
)
from manyi.testing import valid_form

pytestmark = pytest.mark.django_db


def messages(problems):
    return [p.message for p in problems]


@pytest.mark.parametrize("kind", list(FORMS))
def test_valid_forms_have_no_field_problems(kind):
    assert field_problems(FORMS[kind], valid_form(kind), filing=True) == []


def test_draft_reports_formats_only_filing_reports_missing_too():
    spec = FORMS["individual"]
    assert messages(field_problems(spec, {"postcode": "12"}, filing=False)) == [
        "邮编“12”应为 6 位数字。"
    ]
    missing = messages(field_problems(spec, {}, filing=True))
    assert "请填写“姓名”。" in missing
    assert "请填写“职称”。" not in missing  # optional


def test_industry_is_exactly_one_of_the_three():
    spec = FORMS["individual"]
    assert messages(field_problems(spec, {"industry": "农业"}, filing=False)) == [
        "请从“服务业、制造业（服务）、其他”中选择一项。"
    ]


def test_deeds_summary_counts_characters_not_bytes():
    spec = FORMS["individual"]
    assert field_problems(spec, {"deeds_summary": "事" * 500}, filing=False) == []
    assert messages(field_problems(spec, {"deeds_summary": "事 " * 501}, filing=False)) == [
        "“个人主要先进事迹（限500字以内）”限 500 字，现为 501 字（不计空格）。"
    ]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"managers": "4"},
            [
                "管理人员（4人）不能多于总人数（3人）。",
                "管理人员与技术人员合计 5 人，多于总人数 3 人。",
            ],
        ),
        ({"party_members": "9"}, ["共产党员（9人）不能多于总人数（3人）。"]),
        ({"technicians": "2", "managers": "2"}, ["管理人员与技术人员合计 4 人，多于总人数 3 人。"]),
        ({"members": "赵班长\n钱成员"}, ["班组成员名单有 2 人，与总人数 3 人不一致。"]),
        ({}, []),
    ],
)
def test_team_composition_must_be_consistent(changes, expected):
    assert messages(team_composition_problems(valid_form("team") | changes)) == expected


def test_achievement_members_at_most_ten_none_twice():
    spec = FORMS["achievement"]
    eleven = "\n".join(f"成员{i}" for i in range(11))
    assert messages(field_problems(spec, {"members": eleven}, filing=False)) == [
        "“课题组成员名单（10人以内）”最多 10 人，现填写了 11 人。"
    ]
    assert messages(field_problems(spec, {"members": "王小满、李推荐，王小满"}, filing=False)) == [
        "“课题组成员名单（10人以内）”中“王小满”重复填写。"
    ]


def test_split_names_accepts_lines_and_chinese_separators():
    assert split_names(" 王小满\n李推荐、赵班长，钱成员;孙成员\n\n") == [
        "王小满",
        "李推荐",
        "赵班长",
        "钱成员",
        "孙成员",
    ]


def test_survey_cannot_end_before_it_starts():
    assert messages(
        survey_problems({"survey_start": "2018-02-01", "survey_end": "2018-01-01"})
    ) == ["调查结束时间不能早于启动时间。"]


def test_signer_must_match_the_name_on_the_form():
    spec = FORMS["individual"]
    assert messages(
        signature_problems(spec, valid_form("individual") | {"signer": "王大满"}, filing=True)
    ) == ["承诺人签名“王大满”与表中填写的姓名“王小满”不一致。"]
    assert messages(
        signature_problems(spec, valid_form("individual") | {"signer": ""}, filing=True)
    ) == ["请在“承诺人”处输入姓名，以接受以上承诺。"]


def test_every_team_member_signs_and_only_members():
    spec = FORMS["team"]
    data = valid_form("team") | {"member_signatures": "赵班长\n钱成员\n外人"}
    assert messages(signature_problems(spec, data, filing=True)) == [
        "以下班组成员尚未签字承诺：孙成员。",
        "签字人“外人”不在班组成员名单中。",
    ]


def test_coaching_request_needs_at_least_one_item():
    spec = FORMS["coaching_request"]
    data = {
        k: v for k, v in valid_form("coaching_request").items() if not k.startswith("coaching_")
    }
    assert messages(coaching_problems(spec, data, filing=True)) == [
        "请至少勾选一项所需辅导，或填写其他项目。"
    ]
    assert coaching_problems(spec, data | {"coaching_other": "QC小组活动辅导"}, filing=True) == []
    assert coaching_problems(spec, data, filing=False) == []


def facts(campaign, kind, **changes):
    return Facts(
        campaign=campaign,
        threshold=80 if kind in {"individual", "team", "manager"} else None,
        data=valid_form(kind) | changes.pop("data", {}),
        self_total=changes.pop("self_total", 100),
        honours=changes.pop("honours", 1),
        document_characters=changes.pop(
            "document_characters", {"unit_summary": 6000, "achievement_report": 6000}
        ),
        **changes,
    )


def test_individual_conditions_as_the_seed_lists_them(campaign):
    results = evaluate(FORMS["individual"], facts(campaign, "individual"))
    assert [r.text for r in results] == [c.text for c in CONDITIONS["individual"]]
    assert [r.status for r in results] == [Status.MET] + [Status.DECLARED] * 5


def test_condition_texts_follow_the_campaign_year(campaign):
    results = evaluate(FORMS["team"], facts(campaign, "team"))
    assert results[6].text == "班组经具有满意度调查资质的第三方机构测评结果显示2017年用户满意度较高"
    campaign.year = 2019
    results = evaluate(FORMS["team"], facts(campaign, "team"))
    assert results[6].text == "班组经具有满意度调查资质的第三方机构测评结果显示2018年用户满意度较高"
    unit = evaluate(FORMS["unit"], facts(campaign, "unit"))
    assert unit[0].text == "数据应以2018年12月1日后组织的用户满意度调查为准"


@pytest.mark.parametrize(
    ("kind", "changes", "number", "reason"),
    [
        ("individual", {"self_total": 79}, 1, "自评总分 79 分，未达到 80 分。"),
        ("individual", {"honours": 0}, 5, "尚未填写所获荣誉称号及证书复印件。"),
        ("individual", {"data": {"declare_2": ""}}, 2, "申报人尚未声明符合此条件。"),
        (
            "unit",
            {"data": {"survey_start": "2017-11-30"}},
            1,
            "调查启动于 2017-11-30，早于 2017-12-01。",
        ),
        ("unit", {"data": {"compliance": "不符合"}}, 2, "推荐机构复核为“不符合”。"),
        (
            "unit",
            {"document_characters": {"unit_summary": 4000}},
            3,
            "文档共 4000 字，少于 5000 字。",
        ),
        ("achievement", {"data": {"members": ""}}, 1, "课题组成员 0 人，应为 1 至 10 人。"),
    ],
)
def test_a_condition_not_met_blocks_filing_with_its_reason(campaign, kind, changes, number, reason):
    results = evaluate(FORMS[kind], facts(campaign, kind, **changes))
    result = results[number - 1]
    assert (result.status, result.reason, result.blocks_filing) == (Status.NOT_MET, reason, True)


def test_survey_on_the_first_day_is_accepted(campaign):
    result = evaluate(FORMS["unit"], facts(campaign, "unit", data={"survey_start": "2017-12-01"}))[
        0
    ]
    assert result.status == Status.MET


def test_attested_conditions_show_as_attested(campaign):
    results = evaluate(
        FORMS["individual"], facts(campaign, "individual", attested=frozenset({2, 5}))
    )
    assert results[1].status_label == "推荐单位已确认"
    assert results[4].status == Status.ATTESTED
