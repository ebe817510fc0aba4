"""The PDF forms print what was typed, all of it and literally: long texts run on across pages
without losing a character, markup in user text is printed as text, rare Han characters print
as themselves (or, when no installed font has them, as their code point: never an empty box),
and every page of a bundle carries its mark (草稿, or the verification code and QR code)."""

import re
from pathlib import Path

import pytest

from manyi.documents import layout, pdf, queries
from manyi.documents.digest import verification_code
from manyi.documents.tests.helpers import inked_share, pdf_fonts, run
from manyi.nominations.formspecs import FORMS, FieldType
from manyi.nominations.models import Nomination

pytestmark = pytest.mark.django_db

QR_BOX = (18, 274, 36, 296)  # mm, as in test_pdf.py
FOOT = re.compile(r"验证码：[0-9A-F-]+|核验：\S+?/verify/[0-9A-F-]+/|第\d+页/共\d+页")


def page_count(path: Path) -> int:
    return int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", str(path))).group(1))


def raw_text(path: Path, page: int | None = None) -> str:
    """The text in the order it is drawn (a cell's lines together), white space removed, the
    foot of each page (verification code, page number) taken out."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    text = "".join(run("pdftotext", "-raw", *pages, str(path), "-").split())
    return FOOT.sub("", text)


def long_text(length: int) -> str:
    """`length` characters as the form counts them (no white space), all different in order:
    numbered sentences with Latin, digits and full-width punctuation."""
    sentences, total, n = [], 0, 0
    while total < length:
        n += 1
        sentence = f"第{n:04d}句：用户满意Service，服务（{n % 10}）。"
        sentences.append(sentence)
        total += len(sentence)
    return "".join(sentences)[:length]


def pdf_of(nomination: Nomination, tmp_path: Path, name: str = "form.pdf") -> Path:
    code = verification_code(nomination)
    mark = layout.Mark(code=code, verify_url=f"https://manyi.example/documents/verify/{code}/")
    path = tmp_path / name
    path.write_bytes(pdf.render(queries.nomination_sheets(nomination), mark, cache=False))
    return path


LONG_FIELDS = [
    (kind, f.code, f.max_chars)
    for kind, spec in FORMS.items()
    for f in spec.fields
    if f.type == FieldType.TEXTAREA and f.max_chars
]


@pytest.mark.parametrize("kind", sorted({kind for kind, _code, _max in LONG_FIELDS}))
def test_long_texts_at_their_limit_run_on_across_pages_without_losing_a_character(
    filed, kind, tmp_path
):
    fields = {code: long_text(limit) for k, code, limit in LONG_FIELDS if k == kind}
    nomination = filed(kind, **fields)
    path = pdf_of(nomination, tmp_path)

    text = raw_text(path)
    for code, value in fields.items():
        assert value in text, code  # every character, in order, nothing between
    assert page_count(path) >= 2  # the form itself runs over more than one page
    for page in range(1, page_count(path) + 1):  # the code and QR code on every page
        assert f"验证码：{verification_code(nomination)}" in run(
            "pdftotext", "-raw", "-f", str(page), "-l", str(page), str(path), "-"
        ).replace(" ", "")
        assert inked_share(path, tmp_path, page=page, box_mm=QR_BOX) > 0.3


def test_a_paragraph_longer_than_a_page_is_split_inside_its_cell(tmp_path):
    text = long_text(6000)  # one paragraph, no line break: ~130 lines at the form's width
    sheet = layout.Sheet("附件", "长文本", (17.0,), [[layout.value_cell([text], keep=False)]])
    layout.place(sheet.rows, 1)
    path = tmp_path / "long.pdf"
    path.write_bytes(pdf.render([sheet], layout.Mark(draft=True)))

    assert page_count(path) >= 3
    assert text in raw_text(path).replace("草稿", "")
    for page in range(1, page_count(path) + 1):  # the watermark on every page
        assert {"草", "稿"} <= set(raw_text(path, page))


HOSTILE = "<b>&amp;<font>]]><u>&lt;</i><![CDATA[x]]>&#x41;<br/><para>"


@pytest.mark.parametrize("kind", list(FORMS))
def test_markup_in_every_text_field_is_printed_literally(kind, open_campaign, tmp_path):
    """Every field the form prints as typed holds markup (and its own code, to tell them
    apart); each is found in the PDF exactly as typed."""
    spec = FORMS[kind]
    typed = [f for f in spec.fields if f.type not in {FieldType.CHOICE, FieldType.CHECKBOX}]
    data = {f.code: f"{f.code}{HOSTILE}" for f in typed}
    printed = [layout.printed(f, data) for f in typed]  # names are listed with 、
    if spec.coaching_items:
        data |= {f"coaching_{i}_remark": f"remark{i}{HOSTILE}" for i in (1, 2)}
        data["coaching_other"] = f"other{HOSTILE}"
        printed += [data["coaching_1_remark"], data["coaching_2_remark"], data["coaching_other"]]
    sheets = [layout.form_sheet(spec, layout.Content(data=data), open_campaign)]
    path = tmp_path / "hostile.pdf"
    path.write_bytes(pdf.render(sheets, layout.Mark(code="1-TEST"), cache=False))

    text = raw_text(path)
    for value in printed:
        assert value in text, value
    assert all(row[-5] == "yes" for row in pdf_fonts(path))  # no font named by the markup


RARE = "喆珺堃赟昇"  # in names: AR PL UMing CN has them
EXTENSION_A = "\u3400\u4db5"  # 㐀䶵: not in UMing, drawn in WenQuanYi Zen Hei
MISSING = "\U00020000"  # 𠀀, CJK Extension B: no installed TrueType face has it


def test_rare_han_characters_print_as_themselves(filed, tmp_path):
    name = f"王{RARE}"
    nomination = filed("individual", name=name, signer=name, post=f"柜员{RARE}{EXTENSION_A}")
    path = pdf_of(nomination, tmp_path)
    text = raw_text(path)
    assert f"王{RARE}" in text
    assert f"柜员{RARE}{EXTENSION_A}" in text
    assert all(row[-5] == "yes" for row in pdf_fonts(path))


def test_a_character_no_font_has_prints_as_its_code_point_not_as_an_empty_box(
    filed, tmp_path, caplog
):
    """No installed font that ReportLab can embed has 𠀀 (Noto CJK, a CFF font, cannot be
    embedded by ReportLab, and lacks it too): it is printed as 〔U+20000〕, readable and
    searchable, and logged; the characters around it print as typed."""
    nomination = filed("individual", name=f"王{MISSING}明", signer=f"王{MISSING}明")
    text = raw_text(pdf_of(nomination, tmp_path))
    assert "王〔U+20000〕明" in text
    assert MISSING not in text
    assert "U+20000" in caplog.text


def test_the_cache_key_changes_with_the_renderer(filed, monkeypatch):
    nomination = filed("individual")
    sheets = queries.nomination_sheets(nomination)
    source, identity = pdf.document(sheets, layout.Mark(code=verification_code(nomination)))
    key = pdf.cache_key(source, identity)
    assert pdf.cache_key(source, identity + " fonts changed") != key
    monkeypatch.setattr(pdf, "RENDERER_VERSION", "manyi-reportlab-next")
    assert pdf.cache_key(source, identity) != key
    assert pdf.renderer_identity() != identity  # the version is part of the identity too


def test_invisible_characters_and_tabs_no_font_has_are_not_printed_as_code_points(tmp_path):
    sheet = layout.Sheet("附件", "表", (17.0,), [[layout.value_cell(["甲\u200b乙\t丙\ufeff丁"])]])
    layout.place(sheet.rows, 1)
    path = tmp_path / "invisible.pdf"
    path.write_bytes(pdf.render([sheet], layout.Mark()))
    text = raw_text(path)
    assert "U+" not in text
    assert "甲乙丙丁" in text.replace("\u200b", "").replace("\ufeff", "")  # kept, invisible


def test_the_title_in_the_pdf_properties_is_the_candidate_as_typed(tmp_path):
    title = f"王(小)满\\{HOSTILE}{RARE}"
    sheet = layout.Sheet("附件", "表", (17.0,), [[layout.value_cell(["甲"])]])
    layout.place(sheet.rows, 1)
    path = tmp_path / "title.pdf"
    path.write_bytes(pdf.render([sheet], layout.Mark(), title=title))
    info = run("pdfinfo", str(path))
    assert f"Title:{title}" in "".join(info.split(" "))
