"""Reading filled forms back: the Word files we export, hand-filled variants made here with
python-docx, and hostile files."""

import io
import json
import tempfile
import zipfile

import docx
import pytest
from django.core.management import CommandError, call_command

from manyi.documents import docx as word
from manyi.documents import layout, queries
from manyi.documents.importer import label_keys, read_form
from manyi.nominations.formspecs import FORMS
from manyi.nominations.models import Nomination
from manyi.testing import valid_form

KINDS = list(FORMS)
MB = 1024 * 1024


def exported(nomination) -> bytes:
    return word.render(queries.nomination_sheets(nomination), layout.Mark())


def codes_of(spec) -> list[str]:
    return list(label_keys(spec))


# --- the round trip ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_an_exported_form_reads_back_field_for_field(filed, kind):
    nomination = filed(kind)
    reading = read_form(io.BytesIO(exported(nomination)), name=f"{kind}.docx")
    assert reading.kind == kind
    assert reading.problems == []
    assert reading.ok
    spec = FORMS[kind]
    expected = {code: nomination.data.get(code, "").strip() for code in codes_of(spec)}
    assert {code: reading.data.get(code, "") for code in codes_of(spec)} == expected


@pytest.mark.django_db
def test_fields_are_keyed_by_the_forms_own_labels(filed):
    reading = read_form(io.BytesIO(exported(filed("individual"))), name="个人.docx")
    assert reading.fields["民族"] == "汉族"
    assert reading.fields["邮编"] == "830000"
    assert reading.fields["年龄"] == 35
    assert reading.fields["从事行业"] == "服务业"
    assert reading.codes["民族"] == "ethnicity"
    achievement = read_form(io.BytesIO(exported(filed("achievement"))), name="成果.docx")
    assert achievement.fields["课题组成员名单（10人以内）"] == ["王小满", "李推荐", "赵班长"]
    coaching = read_form(io.BytesIO(exported(filed("coaching_request"))), name="回执.docx")
    assert coaching.fields["主管领导电话"] == "0991-1111111"
    assert coaching.fields["负责人电话"] == "13800000000"
    assert coaching.fields["1、用户满意工程项目（人或事）的发掘辅导"] is True
    unit = read_form(io.BytesIO(exported(filed("unit"))), name="单位.docx")
    assert unit.fields["被推荐企业满意度得分"] == 86.5
    assert unit.fields["有效问卷数量"] == 1200
    assert unit.fields["调查时间（启动）"] == "2017-12-05"


# --- hand-filled variants ---------------------------------------------------------------------


def hand_filled(title: str, rows: list[list[str]], *, before: tuple[str, ...] = ()) -> bytes:
    """A form as someone types it in Word: a title, then one table, a row a list of cells;
    a cell of "<" is merged with the cell to its left."""
    document = docx.Document()
    for line in before:
        document.add_paragraph(line)
    document.add_paragraph(title)
    width = max(len(row) for row in rows)
    table = document.add_table(rows=len(rows), cols=width)
    for r, row in enumerate(rows):
        row = row + ["<"] * (width - len(row))
        for c, text in enumerate(row):
            if text == "<":
                continue
            cell = table.cell(r, c)
            span = c
            while span + 1 < width and row[span + 1] == "<":
                span += 1
            if span > c:
                cell = cell.merge(table.cell(r, span))
            lines = text.split("\n")
            cell.paragraphs[0].text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def achievement_rows(members: str) -> list[list[str]]:
    return [
        ["推荐地区、部门、行办", "首府市\n用委", "是否与会发表", "是"],
        ["优质服务成果名称（申报备案后不予修改）", "“一次都不跑”办电服务", "<", "<"],
        ["企业名称（名称与公章一致）", "自治区示范供电公司", "<", "<"],
        ["详细通讯地址", "首府市友好路1号", "邮   编", " 830000 "],
        ["联系部门", "营销部", "直接联系人", "王 小满"],
        ["手  机", "138 0000 0001", "<", "<"],
        ["课题组成员名单（10人以内）", members, "<", "<"],
        ["成果内容：（提纲性列出）：\n一、背景\n二、做法", "<", "<", "<"],
    ]


def test_a_hand_filled_form_with_spaced_labels_and_broken_cells_is_read():
    content = hand_filled("自治区优质服务成果申报表", achievement_rows("王小满\n李 推荐、赵班长"))
    reading = read_form(io.BytesIO(content), name="手填.docx")
    assert reading.kind == "achievement"
    assert reading.problems == []
    assert reading.data["recommending_body"] == "首府市用委"
    assert reading.data["postcode"] == "830000"
    assert reading.data["mobile"] == "13800000001"
    assert reading.data["contact_person"] == "王 小满"
    assert reading.data["members"] == "王小满\n李推荐\n赵班长"
    assert reading.data["outline"] == "一、背景\n二、做法"
    assert reading.fields["邮编"] == "830000"


def test_eleven_members_are_one_too_many():
    names = "、".join(f"成员{n}" for n in range(1, 12))
    reading = read_form(
        io.BytesIO(hand_filled("自治区优质服务成果申报表", achievement_rows(names)))
    )
    assert not reading.ok
    assert reading.problems == [
        "课题组成员名单（10人以内）：“课题组成员名单（10人以内）”最多 10 人，现填写了 11 人。"
    ]
    assert len(reading.fields["课题组成员名单（10人以内）"]) == 11


def unit_rows(industry: str, compliance: str, survey: str, evidence: str) -> list[list[str]]:
    return [
        ["被推荐单位（企业）名称", "自治区示范水务公司", "<", "<"],
        ["行业类别", industry, "<", "<"],
        ["证实性材料复核情况", "被推荐企业满意度得分", "86.5", "是否符合相关规范", compliance],
        ["<", "有效问卷数量", "1 200", "调查时间", survey],
        ["<", "优质服务成果情况", "智慧水务\n服务平台。", "<", "<"],
        ["证实性材料复核结果", evidence, "<", "<"],
    ]


@pytest.mark.parametrize(
    ("industry", "compliance", "evidence"),
    [
        ("■服务业 口制造业（服务） 口其他", "■ 符合 □ 不符合", "■真实 ■齐全 ■有效 口其他"),
        ("√服务业　□制造业（服务）　□其他", "√符合　□不符合", "√真实　√齐全　√有效　□其他"),
    ],
)
def test_ticks_and_chinese_dates_are_read(industry, compliance, evidence):
    rows = unit_rows(industry, compliance, "2017年12月5日 至 2018年1月20日", evidence)
    reading = read_form(io.BytesIO(hand_filled("自治区用户满意服务先进单位推荐表", rows)))
    assert reading.kind == "unit"
    assert reading.problems == []
    expected = valid_form("unit")
    assert {code: reading.data.get(code, "") for code in codes_of(FORMS["unit"])} == {
        code: expected.get(code, "") for code in codes_of(FORMS["unit"])
    } | {"service_results": "智慧水务\n服务平台。"}


def test_dates_in_other_formats_and_an_other_result_with_text():
    rows = unit_rows(
        "口服务业 ■制造业（服务） 口其他",
        "□符合 ■不符合",
        "2017/12/5 至 2018.1.20",
        "■真实 口齐全 口有效 ■其他：部分材料待补",
    )
    reading = read_form(io.BytesIO(hand_filled("自治区用户满意服务先进单位推荐表", rows)))
    assert reading.data["industry"] == "制造业（服务）"
    assert reading.data["compliance"] == "不符合"
    assert (reading.data["survey_start"], reading.data["survey_end"]) == (
        "2017-12-05",
        "2018-01-20",
    )
    assert (reading.data["evidence_true"], reading.data["evidence_complete"]) == ("1", "")
    assert reading.data["evidence_other"] == "部分材料待补"


def test_an_individual_form_with_spaced_labels_and_a_shared_cell():
    rows = [
        ["姓  名", "王小满", "性 别", "■女 口男", "年 龄", "35", "民 族", "汉 族"],
        ["从事行业", "服务业√　制造业（服务）□　其他□", "<", "<", "邮   编", "830 000", "<", "<"],
        [
            "所在单位主管部门",
            "所在单位主管部门名称： 客户服务\n中心  负责人：李主任\n电 话：0991-1234567 传真：",
            "<",
            "<",
            "<",
            "<",
            "<",
            "<",
        ],
        ["个人主要先进事迹（限500字以内）：十年如一日\n热情服务客户。", "<", "<", "<"],
    ]
    reading = read_form(io.BytesIO(hand_filled("用户满意服务先进个人推荐表", rows)))
    assert reading.kind == "individual"
    data = reading.data
    assert (data["name"], data["gender"], data["age"], data["ethnicity"]) == (
        "王小满",
        "女",
        "35",
        "汉 族",
    )
    assert (data["industry"], data["postcode"]) == ("服务业", "830000")
    assert (data["supervisor_name"], data["supervisor_person"]) == ("客户服务中心", "李主任")
    assert (data["supervisor_phone"], data["supervisor_fax"]) == ("0991-1234567", "")
    assert data["deeds_summary"] == "十年如一日\n热情服务客户。"
    assert reading.fields["民族"] == "汉 族"
    assert "表中未找到“职务”。" in reading.problems


def test_a_title_with_its_annex_number_and_a_missing_field_are_reported():
    rows = [row for row in achievement_rows("王小满") if not row[0].startswith("联系部门")]
    reading = read_form(
        io.BytesIO(hand_filled("附件6：自治区优质服务成果申报表", rows)), name="缺项.docx"
    )
    assert reading.kind == "achievement"
    assert reading.problems == ["表中未找到“联系部门”。", "表中未找到“直接联系人”。"]


def test_the_coaching_request_is_known_by_its_title():
    rows = [
        ["单位名称（公章）", "自治区示范供电公司"],
        ["主管领导", "刘总", "电 话", "0991-1111111", "邮 箱", "liu@example.com"],
        ["负责人", "王小满", "电 话", "13800000000", "邮 箱", "wang@example.com"],
        ["通信地址", "首府市友好路1号", "邮编", "830000"],
        ["所需辅导及支持的项目内容", "（√）", "备注"],
        ["1、用户满意工程项目（人或事）的发掘辅导", "√", ""],
        ["2、用户满意工程项目立项及培育的辅导", "口", ""],
        ["3、用户满意工程项目宣传设计及模式设计的辅导", "■", "希望五月完成"],
        ["6、 其他项目：质量信得过班组"],
    ]
    reading = read_form(io.BytesIO(hand_filled("实施用户满意工程项目辅导申请回执表", rows)))
    assert reading.kind == "coaching_request"
    assert reading.problems == []
    assert reading.data["leader_phone"] == "0991-1111111"
    assert reading.data["responsible_phone"] == "13800000000"
    assert reading.data["responsible_email"] == "wang@example.com"
    assert [reading.data[f"coaching_{i}"] for i in (1, 2, 3)] == ["1", "", "1"]
    assert reading.data["coaching_3_remark"] == "希望五月完成"
    assert reading.data["coaching_other"] == "质量信得过班组"


def test_a_document_that_is_no_form_has_no_kind():
    reading = read_form(io.BytesIO(hand_filled("会议通知", [["时间", "明天"]])), name="通知.docx")
    assert reading.kind is None
    assert not reading.ok
    assert reading.problems[0].startswith("未能识别表格种类")


# --- hostile files ----------------------------------------------------------------------------


def zip_bomb() -> bytes:
    """A .docx whose document.xml is 300 MB of zeros: about 300 KB on disk."""
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            with archive.open("word/document.xml", "w") as entry:
                zeros = bytes(MB)
                for _ in range(300):
                    entry.write(zeros)
        spool.seek(0)
        return spool.read()


def test_a_zip_bomb_is_refused_with_a_reason():
    reading = read_form(io.BytesIO(zip_bomb()), name="炸弹.docx")
    assert not reading.ok
    assert reading.kind is None
    assert reading.problems == [
        "Word 文件“炸弹.docx”被拒绝：解压后将超过 50 MB（可能是压缩炸弹）。"
    ]


def test_a_document_declaring_entities_is_refused():
    content = hand_filled("自治区优质服务成果申报表", achievement_rows("王小满"))
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    body = parts["word/document.xml"].decode()
    head, rest = body.split("?>", 1)
    laughs = '<!DOCTYPE w:document [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
    parts["word/document.xml"] = (head + "?>" + laughs + rest).encode()
    hostile = io.BytesIO()
    with zipfile.ZipFile(hostile, "w", zipfile.ZIP_DEFLATED) as target:
        for part, data in parts.items():
            target.writestr(part, data)
    reading = read_form(io.BytesIO(hostile.getvalue()), name="实体.docx")
    assert not reading.ok
    assert reading.kind is None
    assert reading.problems == [
        "Word 文件“实体.docx”被拒绝：正文声明了 XML 实体（DOCTYPE），正常的 Word 文件不会包含。"
    ]


@pytest.mark.parametrize("content", [b"%PDF-1.4 not a form", b"", "申报表".encode()])
def test_a_file_that_is_not_a_docx_is_refused_with_a_reason(content):
    reading = read_form(io.BytesIO(content), name="表.docx")
    assert not reading.ok
    assert reading.problems == ["无法读取 Word 文件“表.docx”：文件已损坏或不是 .docx 文档。"]


# --- the command ------------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path):
    def write(name: str, content: bytes):
        path = tmp_path / name
        path.write_bytes(content)
        return str(path)

    return write


def run(*args) -> list[str]:
    out = io.StringIO()
    call_command("import_forms", *args, stdout=out)
    return out.getvalue().splitlines()


def test_dry_run_reports_one_json_line_per_file(files):
    good = files("成果.docx", hand_filled("自治区优质服务成果申报表", achievement_rows("王小满")))
    bad = files("坏.docx", b"not a zip")
    lines = run(good, bad, "--dry-run", "--json")
    first, second = (json.loads(line) for line in lines)
    assert set(first) == {"file", "kind", "ok", "fields", "problems"}
    assert (first["file"], first["kind"], first["ok"]) == ("成果.docx", "achievement", True)
    assert first["fields"]["邮编"] == "830000"
    assert (second["kind"], second["ok"]) == (None, False)
    assert second["problems"] == ["无法读取 Word 文件“坏.docx”：文件已损坏或不是 .docx 文档。"]


@pytest.mark.django_db
def test_import_creates_a_draft_for_each_valid_file(open_campaign, people, files):
    good = files("成果.docx", hand_filled("自治区优质服务成果申报表", achievement_rows("王小满")))
    run(good, "--user", people.applicant.username)
    nomination = Nomination.objects.get()
    assert nomination.applicant == people.applicant
    assert nomination.category.kind == "achievement"
    assert nomination.is_editable
    assert nomination.data["members"] == "王小满"
    assert nomination.title == "“一次都不跑”办电服务"


@pytest.mark.django_db
def test_nothing_is_half_imported(open_campaign, people, files):
    achievement = files(
        "成果.docx", hand_filled("自治区优质服务成果申报表", achievement_rows("王"))
    )
    unit = unit_rows(
        "■服务业 口制造业（服务） 口其他", "■符合 □不符合", "2018-1-1 至 2018-2-1", "■真实"
    )
    unit_file = files("单位.docx", hand_filled("自治区用户满意服务先进单位推荐表", unit))
    # the applicant may not file a unit form (the committee does): neither draft is kept
    with pytest.raises(CommandError, match="不能填报"):
        run(achievement, unit_file, "--user", people.applicant.username)
    assert not Nomination.objects.exists()


@pytest.mark.django_db
def test_invalid_files_are_skipped_and_reported(open_campaign, people, files):
    good = files("成果.docx", hand_filled("自治区优质服务成果申报表", achievement_rows("王小满")))
    bomb = files("炸弹.docx", zip_bomb())
    with pytest.raises(CommandError, match="炸弹"):
        run(good, bomb, "--user", people.applicant.username)
    assert Nomination.objects.count() == 1


def test_a_missing_file_is_reported(tmp_path):
    lines = run(str(tmp_path / "无.docx"), "--dry-run", "--json")
    assert json.loads(lines[0])["problems"] == ["无法打开文件“无.docx”。"]


def test_a_user_is_required_unless_dry_run(files):
    good = files("成果.docx", hand_filled("自治区优质服务成果申报表", achievement_rows("王小满")))
    with pytest.raises(CommandError, match="--user"):
        run(good)
