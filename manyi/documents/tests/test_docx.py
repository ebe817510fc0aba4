"""The forms as Word documents, read back with python-docx."""

import shutil
from itertools import pairwise

import pytest
from django.utils import timezone
from docx.oxml.ns import qn

from manyi.documents import docx as word
from manyi.documents import layout, queries
from manyi.documents.tests.helpers import cell_texts, in_order, read_docx, run, unique_cells
from manyi.nominations.formspecs import FORMS, FieldType
from manyi.reviews.models import Review, ReviewState, Score

pytestmark = pytest.mark.django_db
KINDS = list(FORMS)


def printed_labels(spec) -> list[str]:
    """The labels of a form in their printed order: a date range prints its group's label."""
    labels = []
    for f in spec.fields:
        dates = f.group and all(g.type == FieldType.DATE for g in spec.fields if g.group == f.group)
        labels.append(f.group if dates else f.label)
    return labels


def bundle(nomination, **kwargs) -> bytes:
    return word.render(queries.nomination_sheets(nomination, **kwargs), layout.Mark())


@pytest.mark.parametrize("kind", KINDS)
def test_filed_form_prints_title_labels_in_order_and_values(filed, kind):
    nomination = filed(kind)
    spec = FORMS[kind]
    document = read_docx(bundle(nomination))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[:2] == [spec.ref, spec.title]
    text = "\n".join(cell_texts(document.tables[0]))
    assert in_order(text, printed_labels(spec)) == []
    name = nomination.data[spec.name_field]
    assert name in text
    for clause in spec.commitment:
        assert clause in text.splitlines()


def test_individual_form_shows_the_typed_values_and_ticked_boxes(filed):
    document = read_docx(bundle(filed("individual")))
    cells = cell_texts(document.tables[0])
    pairs = dict(pairwise(cells))
    assert (pairs["姓名"], pairs["性别"], pairs["年龄"], pairs["民族"]) == (
        "王小满",
        "女",
        "35",
        "汉族",
    )
    assert pairs["从事行业"] == "☑服务业　☐制造业（服务）　☐其他"
    assert pairs["所在单位主管部门"].splitlines() == [
        "所在单位主管部门名称：客户服务中心　　负责人：李主任",
        "电话：0991-1234567　　传真：　　　　　　",
    ]
    honours = next(c for c in cells if c.startswith("何时、何地受过何种奖励"))
    assert honours.splitlines() == [
        "何时、何地受过何种奖励（附复印件）：",
        "2017年5月　自治区总工会　优秀服务标兵（省（市）级或行业系统）",
    ]
    today = timezone.localdate()
    assert document.paragraphs[2].text == f"填报日期：{today.year}年{today.month}月{today.day}日"


def test_signature_seal_and_date_boxes_are_left_empty(filed):
    cells = cell_texts(read_docx(bundle(filed("individual"))).tables[0])
    commitment = next(c for c in cells if c.startswith("申请人郑重承诺："))
    assert commitment.splitlines()[-2:] == ["承诺人：" + "　" * 10, "年　　　月　　　日"]
    opinion = next(c for c in cells if c.startswith("推荐部门意见："))
    assert opinion.splitlines() == [
        "推荐部门意见：",
        "",
        "",
        "",
        "",
        "单位负责人签字　　　　　（公章）：　　　　　　",
        "年　　　月　　　日",
    ]


def test_unit_form_ticks_compliance_and_evidence_check(filed):
    cells = cell_texts(read_docx(bundle(filed("unit"))).tables[0])
    pairs = dict(pairwise(cells))
    assert cells[:1] == ["被推荐单位（企业）名称"]
    assert pairs["是否符合相关规范"] == "☑符合　☐不符合"
    assert pairs["调查时间"] == "2017年12月5日 至 2018年1月20日"
    assert pairs["证实性材料复核结果"] == "☑真实　☑齐全　☑有效　☐其他"
    assert [c for c in cells if c.startswith(("推荐意见", "评审意见"))] == [
        "推荐意见：\n\n\n\n\n地区、行业用委（质协）（公章）\n年　　　月　　　日",
        "评审意见：\n\n\n\n\n（本栏由评审机构填写）\n年　　　月　　　日",
    ]


def test_coaching_request_ticks_the_chosen_items_in_the_tick_column(filed):
    nomination = filed("coaching_request", coaching_2="1", coaching_2_remark="", coaching_other="")
    table = read_docx(bundle(nomination)).tables[0]
    ticks = {
        cells[0].text: cells[1].text
        for cells in (unique_cells_of_row(row) for row in table.rows)
        if cells[0].text[:2] in {"1、", "2、", "3、", "4、", "5、"}
    }
    chosen = {f"coaching_{i}" for i in range(1, 6) if nomination.data.get(f"coaching_{i}")}
    assert ticks == {
        item: "☑" if f"coaching_{i}" in chosen else "☐"
        for i, item in enumerate(FORMS["coaching_request"].coaching_items, start=1)
    }


def unique_cells_of_row(row):
    seen, cells = set(), []
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            cells.append(cell)
    return cells


def test_merged_cells_appear_once(filed):
    table = read_docx(bundle(filed("individual"))).tables[0]
    commitment_row = next(r for r in table.rows if r.cells[0].text.startswith("申请人郑重承诺"))
    assert len(commitment_row.cells) == 8
    assert len(unique_cells_of_row(commitment_row)) == 1
    assert sum(c.text.startswith("申请人郑重承诺") for c in unique_cells(table)) == 1


def test_signing_boxes_are_kept_on_one_page_and_long_texts_may_run_on(filed):
    long_text = "\n".join(["十年如一日热情服务客户。"] * 40)
    table = read_docx(bundle(filed("individual", deeds_detail=long_text))).tables[0]
    kept = {
        row.cells[0].text.split("\n")[0]: row._tr.trPr is not None
        and row._tr.trPr.find(qn("w:cantSplit")) is not None
        for row in table.rows
    }
    assert kept["申请人郑重承诺："] is True
    assert kept["推荐部门意见："] is True
    assert kept["详细事迹材料另附，3000字以内："] is False


def test_self_assessment_follows_the_form_with_the_self_scores(filed, open_campaign):
    nomination = filed("individual")
    document = read_docx(bundle(nomination))
    assert len(document.tables) == 2
    rubric = open_campaign.categories.get(kind="individual").rubric
    assert [p.text for p in document.paragraphs if p.text.startswith("附件1")] == [rubric.source]
    header = next(p.text for p in document.paragraphs if p.text.startswith("姓名"))
    assert header.split() == [
        "姓名",
        "王小满",
        "单位",
        "自治区示范供电公司",
        "岗位",
        "营业厅柜员",
        "自评总分",
        "100",
    ]
    table = document.tables[1]
    assert [c.text for c in unique_cells_of_row(table.rows[0])] == [
        "评审项目",
        "评审细项",
        "评分标准",
        "评分",
    ]
    scores = {}
    for row in table.rows[1:-1]:
        cells = row.cells
        scores[cells[1].text] = cells[3].text
    expected = {
        f"{c.name}（{c.max_points}分）": str(c.max_points)
        for item in rubric.items.all()
        for c in item.criteria.all()
    }
    assert scores == expected
    first_item = rubric.items.order_by("position").first()
    bands = sum(c.bands.count() for c in first_item.criteria.all())
    item_cells = [row.cells[0]._tc for row in table.rows[1 : 1 + bands]]
    assert len(set(map(id, item_cells))) == 1  # 评审项目 merged down its bands
    assert cell_texts(table)[-1].startswith("所在组织（或推荐机构）审核意见:")


def test_judges_means_are_printed_for_the_secretariat_only(filed, people, open_campaign):
    nomination = filed("individual")
    criterion = (
        open_campaign.categories.get(kind="individual").rubric.items.first().criteria.first()
    )
    for judge, points, state in (
        (people.judge, 8, "submitted"),
        (people.secretariat, 9, "submitted"),
        (people.conflicted_judge, 1, "draft"),
    ):
        review = Review.objects.create(
            nomination=nomination,
            judge=judge,
            state=state,
            submitted_at=timezone.now() if state == ReviewState.SUBMITTED else None,
        )
        Score.objects.create(review=review, criterion=criterion, points=points)
    judged = read_docx(bundle(nomination, judges=True)).tables[1]
    assert [c.text for c in unique_cells_of_row(judged.rows[0])][-1] == "评审均分"
    assert judged.rows[1].cells[4].text == "8.5"
    plain = read_docx(bundle(nomination)).tables[1]
    assert len(unique_cells_of_row(plain.rows[0])) == 4


@pytest.mark.parametrize("kind", queries.BLANK_KINDS)
def test_blank_templates_have_every_box_unticked(open_campaign, kind):
    document = read_docx(word.render(queries.blank_sheets(kind, open_campaign), layout.Mark()))
    texts = [p.text for p in document.paragraphs] + [
        t for table in document.tables for t in cell_texts(table)
    ]
    joined = "\n".join(texts)
    assert "☑" not in joined
    if kind in FORMS:
        assert in_order(joined, [FORMS[kind].title, *printed_labels(FORMS[kind])]) == []
    if FORMS.get(kind) and any(
        f.choices == ("服务业", "制造业（服务）", "其他") for f in FORMS[kind].fields
    ):
        assert "☐服务业　☐制造业（服务）　☐其他" in joined


def test_draft_and_filed_marks_go_in_header_and_footer(filed):
    nomination = filed("achievement")
    document = read_docx(
        word.render(
            queries.nomination_sheets(nomination),
            layout.Mark(code="1-AAAA-BBBB-CCCC-DDDD", verify_url="http://x/v/"),
        )
    )
    assert (
        document.sections[0].footer.paragraphs[0].text
        == "验证码：1-AAAA-BBBB-CCCC-DDDD　核验：http://x/v/"
    )
    draft = read_docx(word.render(queries.nomination_sheets(nomination), layout.Mark(draft=True)))
    assert draft.sections[0].header.paragraphs[0].text.startswith("草稿")


def test_user_text_is_written_as_text_not_markup(filed):
    nomination = filed("achievement", outline='一、<w:p>&amp; "引号" ]]>\n二、做法')
    cells = cell_texts(read_docx(bundle(nomination)).tables[0])
    assert '成果内容：（提纲性列出）：\n一、<w:p>&amp; "引号" ]]>\n二、做法' in cells


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_every_form(filed, tmp_path):
    paths = []
    for kind in KINDS:
        path = tmp_path / f"{kind}.docx"
        path.write_bytes(bundle(filed(kind)))
        paths.append(str(path))
    profile = f"-env:UserInstallation=file://{tmp_path}/profile"
    run("soffice", "--headless", profile, "--convert-to", "pdf", "--outdir", str(tmp_path), *paths)
    for kind in KINDS:
        text = run("pdftotext", str(tmp_path / f"{kind}.pdf"), "-")
        assert FORMS[kind].title in text.replace(" ", "")
