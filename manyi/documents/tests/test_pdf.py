"""The forms as PDF: embedded CJK fonts, text that reads back, a watermark or a code."""

import pytest

from manyi.documents import layout, pdf, queries
from manyi.documents.digest import verification_code
from manyi.documents.tests.helpers import inked_share, pdf_fonts, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed_pdf(filed, tmp_path):
    nomination = filed("individual")
    code = verification_code(nomination)
    mark = layout.Mark(code=code, verify_url=f"https://manyi.example/documents/verify/{code}/")
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf.render(queries.nomination_sheets(nomination), mark))
    return path, code


CJK_FACES = ("UMingCN", "WenQuanYiZenHei")  # AR PL UMing CN (text), WenQuanYi Zen Hei (titles)


def test_pdf_embeds_a_cjk_font(filed_pdf):
    fonts = pdf_fonts(filed_pdf[0])
    for face in CJK_FACES:
        assert any(face in row[0] for row in fonts), face
    assert all(row[-5] == "yes" for row in fonts)  # the `emb` column: every font, none named


QR_BOX = (18, 274, 36, 296)  # mm: the foot of the page, left, where the QR code is drawn


def test_first_page_is_not_blank(filed_pdf, tmp_path):
    assert inked_share(filed_pdf[0], tmp_path) > 0.02


def test_filed_pdf_has_a_qr_code_at_the_foot_of_the_page(filed_pdf, tmp_path):
    assert inked_share(filed_pdf[0], tmp_path, box_mm=QR_BOX) > 0.3


def test_filed_pdf_reads_back_with_its_values_and_code(filed_pdf):
    text = pdf_text(filed_pdf[0])
    squeezed = "".join(text.split())
    for expected in (
        "附件2",
        "用户满意服务先进个人推荐表",
        "王小满",
        "☑服务业",
        "☐制造业（服务）",
        "申请人郑重承诺：",
        "五、获得用户满意服务先进个人荣誉后，严格按规定宣传和使用所获得的荣誉、奖牌。",
        "附件1-1",
        "用户满意服务先进个人自评标准",
        f"验证码：{filed_pdf[1]}",
    ):
        assert expected in squeezed, expected
    assert not {"草", "稿"} & set(squeezed)


def test_draft_pdf_is_watermarked_without_a_code(open_campaign, people, tmp_path):
    from manyi.nominations import services as filing
    from manyi.testing import valid_form

    category = open_campaign.categories.get(kind="achievement")
    draft = filing.start_nomination(category, by=people.applicant)
    draft = filing.save_draft(draft, valid_form("achievement"), by=people.applicant)
    path = tmp_path / "draft.pdf"
    path.write_bytes(pdf.render(queries.nomination_sheets(draft), layout.Mark(draft=True)))
    squeezed = "".join(pdf_text(path).split())
    assert {"草", "稿"} <= set(squeezed)  # the watermark is turned: its letters interleave
    assert "验证码" not in squeezed
    assert "自治区优质服务成果申报表" in squeezed
    assert "“一次都不跑”办电服务" in squeezed
    assert inked_share(path, tmp_path, box_mm=QR_BOX) < 0.01
