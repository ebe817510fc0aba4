"""Reading self-assessment sheets (附件1-1/1-2/1-3): the ones manyi prints, and a corpus of
hand-filled variants made here with python-docx (spaced labels, line breaks in cells,
full-width digits, 分 after the score, a total that does not add up)."""

import io
import json

import docx
import pytest
from django.core.management import call_command

from manyi.documents import docx as word
from manyi.documents import layout, queries
from manyi.documents.importer import read_form
from manyi.documents.services import import_form

CRITERIA = [  # 附件1-1 as the seed prints it: item, criterion (maximum), bands
    ("道德高尚（10分）", "道德情操高尚，社会责任感强（10分）"),
    ("作风优良（15分）", "职业素养高，作风优良（15分）"),
    ("服务有效（15分）", "服务严守规范，工作扎实有效（15分）"),
]


def sheet(
    scores: list[str],
    *,
    header: str = "姓名 王小满　单位 示范供电公司　岗位 营业员　自评总分 {total}",
    total: str = "",
    title: str = "用户满意服务先进个人自评标准",
    criteria=CRITERIA,
    heading: tuple[str, ...] = ("评审项目", "评审细项", "评分标准", "评分"),
) -> bytes:
    """A self-assessment sheet as someone types it in Word: the annex number, the title, the
    line of names and total, then the table."""
    document = docx.Document()
    document.add_paragraph("附件1—1")
    document.add_paragraph(title)
    document.add_paragraph(header.format(total=total))
    table = document.add_table(rows=len(criteria) + 1, cols=4)
    for c, text in enumerate(heading):
        table.cell(0, c).text = text
    for r, ((item, criterion), score) in enumerate(zip(criteria, scores, strict=True), start=1):
        table.cell(r, 0).text = item
        table.cell(r, 1).text = criterion
        table.cell(r, 2).text = "（1-6分）……"
        table.cell(r, 3).text = score
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def read(content: bytes):
    return read_form(io.BytesIO(content), name="自评表.docx")


def test_a_hand_filled_sheet_reads_each_score_and_the_written_total():
    reading = read(sheet(["9", "14", "15"], total="38"))

    assert reading.kind == "self_assessment_individual"
    assert reading.problems == []
    assert reading.fields == {
        "姓名": "王小满",
        "单位": "示范供电公司",
        "岗位": "营业员",
        "道德情操高尚，社会责任感强": 9,
        "职业素养高，作风优良": 14,
        "服务严守规范，工作扎实有效": 15,
        "自评总分": 38,
    }


@pytest.mark.parametrize(
    ("scores", "total", "header"),
    [
        # full-width digits, 分 after the score, spaces around it
        (
            ["９", " 14 分", "15分"],
            "３８分",
            "姓名 王小满　单位 示范供电公司　岗位 营业员　自评总分 {total}",
        ),
        # labels with spaces inside and colons, the total on the next line
        (
            ["9", "14", "15"],
            "38",
            "姓  名：王小满  单 位：示范供电公司  岗 位：营业员\n自 评 总 分：{total}",
        ),
        # blanks left as underlines around the values
        (
            ["9", "14", "15"],
            "＿38＿",
            "姓名＿王小满＿单位＿示范供电公司＿岗位＿营业员＿自评总分{total}",
        ),
    ],
)
def test_hand_written_variants_read_the_same(scores, total, header):
    reading = read(sheet(scores, total=total, header=header))

    assert reading.problems == []
    assert reading.scores == {
        "道德情操高尚，社会责任感强": 9,
        "职业素养高，作风优良": 14,
        "服务严守规范，工作扎实有效": 15,
    }
    assert reading.fields["自评总分"] == 38
    assert reading.fields["姓名"] == "王小满"


def test_a_criterion_broken_over_lines_and_a_spaced_heading_are_read():
    criteria = [("道德\n高尚", "道德情操高尚，\n社会责任感强\n（10分）")]
    heading = ("评 审 项 目", "评审\n细项", "评分标准", "评  分")

    reading = read(sheet(["8"], total="8", criteria=criteria, heading=heading))

    assert reading.problems == []
    assert reading.scores == {"道德情操高尚，社会责任感强": 8}


def test_a_total_that_does_not_add_up_is_a_problem():
    reading = read(sheet(["9", "14", "15"], total="40"))

    assert not reading.ok
    assert reading.problems == ["自评总分写的是40分，各细项评分合计38分，两者不符。"]
    assert reading.fields["自评总分"] == 40


@pytest.mark.parametrize(
    ("scores", "total", "problem"),
    [
        (["11", "14", "15"], "40", "道德情操高尚，社会责任感强：评分11分超过该项满分10分。"),
        (["", "14", "15"], "29", "道德情操高尚，社会责任感强：未填写评分。"),
        (["九", "14", "15"], "38", "道德情操高尚，社会责任感强：评分“九”不是整数。"),
        (["9", "14", "15"], "", "未填写自评总分。"),
    ],
)
def test_bad_scores_are_problems(scores, total, problem):
    reading = read(sheet(scores, total=total))

    assert problem in reading.problems
    assert not reading.ok


def test_the_manager_sheet_calls_its_total_self_score():
    content = sheet(
        ["9", "14", "15"],
        total="38",
        title="用户满意服务杰出管理者自评标准",
        header="姓名 李经理 单位 示范供电公司 岗位 总经理 自评得分 {total}",
    )

    reading = read(content)

    assert reading.kind == "self_assessment_manager"
    assert reading.fields["自评得分"] == 38
    assert reading.problems == []


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["individual", "team", "manager"])
def test_the_sheet_manyi_prints_reads_back_with_every_score(filed, kind):
    nomination = filed(kind)
    sheets = queries.nomination_sheets(nomination)
    expected = {
        s.criterion.name: s.points for s in nomination.self_scores.select_related("criterion")
    }

    alone = read(word.render(sheets[1:], layout.Mark()))
    bundle = read(word.render(sheets, layout.Mark()))

    assert alone.kind == f"self_assessment_{kind}"
    assert alone.problems == []
    assert alone.scores == {name.replace(" ", ""): points for name, points in expected.items()}
    total_label = "自评得分" if kind == "manager" else "自评总分"
    assert alone.fields[total_label] == sum(expected.values())
    assert bundle.kind == kind
    assert bundle.problems == []
    assert bundle.scores == alone.scores


@pytest.mark.django_db
def test_an_imported_bundle_keeps_its_self_scores_in_the_draft(filed, people):
    nomination = filed("individual")
    content = word.render(queries.nomination_sheets(nomination), layout.Mark())

    draft = import_form(read(content), campaign=nomination.campaign, owner=people.applicant)

    scores = {s.criterion_id: str(s.points) for s in nomination.self_scores.all()}
    assert {k: v for k, v in draft.data.items() if k.startswith("score_")} == {
        f"score_{pk}": points for pk, points in scores.items()
    }


def test_the_command_prints_a_sheet_as_json(tmp_path):
    path = tmp_path / "自评.docx"
    path.write_bytes(sheet(["9", "14", "15"], total="40"))
    out = io.StringIO()

    call_command("import_forms", str(path), "--dry-run", "--json", "--no-progress", stdout=out)

    line = json.loads(out.getvalue())
    assert (line["kind"], line["ok"]) == ("self_assessment_individual", False)
    assert line["fields"]["职业素养高，作风优良"] == 14
    assert line["fields"]["自评总分"] == 40
    assert line["problems"] == ["自评总分写的是40分，各细项评分合计38分，两者不符。"]
