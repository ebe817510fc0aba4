"""The secretariat's import page (several .docx at once, a report per file, drafts of the
chosen account, one transaction a file) and import_forms on a folder."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from manyi.documents.tests.test_import import achievement_rows, hand_filled
from manyi.nominations.models import Nomination

pytestmark = [pytest.mark.django_db, pytest.mark.urls("manyi.documents.tests.urls")]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=DOCX)


def achievement(members: str = "王小满") -> bytes:
    return hand_filled("自治区优质服务成果申报表", achievement_rows(members))


def post(client, people, campaign, files, **extra):
    client.force_login(people.secretariat)
    data = {"files": files, "campaign": campaign.pk, "owner": people.applicant.pk, **extra}
    return client.post(reverse("documents:import_forms"), data)


def test_each_valid_file_becomes_a_draft_of_the_chosen_account(client, people, open_campaign):
    eleven = "、".join(f"成员{n}" for n in range(1, 12))
    files = [
        upload("成果.docx", achievement()),
        upload("坏.docx", b"not a zip"),
        upload("超员.docx", achievement(eleven)),
    ]

    response = post(client, people, open_campaign, files)

    assert response.status_code == 200
    nomination = Nomination.objects.get()
    assert (nomination.applicant, nomination.organization) == (people.applicant, people.employer)
    assert nomination.category.kind == "achievement"
    assert nomination.is_draft
    page = response.content.decode()
    assert f"#{nomination.pk}" in page
    assert "王申报" in page and "示范供电公司" in page
    assert "附件6 自治区优质服务成果申报表" in page
    assert "无法读取 Word 文件“坏.docx”：文件已损坏或不是 .docx 文档。" in page
    assert "课题组成员名单（10人以内）" in page  # the eleventh member: a problem, not imported
    assert page.count("errors") >= 2


def test_fields_not_read_are_listed(client, people, open_campaign):
    rows = [row for row in achievement_rows("王小满") if not row[0].startswith("联系部门")]

    response = post(
        client,
        people,
        open_campaign,
        [upload("缺.docx", hand_filled("自治区优质服务成果申报表", rows))],
    )

    page = response.content.decode()
    assert "表中未找到“联系部门”。" in page
    assert Nomination.objects.count() == 0


def test_a_form_the_account_may_not_file_is_refused_and_leaves_nothing(
    client, people, open_campaign
):
    from manyi.documents.tests.test_import import unit_rows

    unit = hand_filled(
        "自治区用户满意服务先进单位推荐表",
        unit_rows(
            "■服务业 口制造业（服务） 口其他", "■符合 □不符合", "2018-1-1 至 2018-2-1", "■真实"
        ),
    )

    response = post(client, people, open_campaign, [upload("单位.docx", unit)])

    assert "不能填报" in response.content.decode()
    assert Nomination.objects.count() == 0


def test_check_only_imports_nothing(client, people, open_campaign):
    response = post(
        client, people, open_campaign, [upload("成果.docx", achievement())], dry_run="on"
    )

    assert response.status_code == 200
    assert Nomination.objects.count() == 0
    assert "邮编" in response.content.decode()


def test_no_file_is_a_form_error(client, people, open_campaign):
    response = post(client, people, open_campaign, [])

    assert response.status_code == 400
    assert Nomination.objects.count() == 0


@pytest.mark.parametrize("persona", ["applicant", "recommender", "judge"])
def test_others_may_not_import(client, people, open_campaign, persona):
    client.force_login(getattr(people, persona))
    data = {
        "files": [upload("成果.docx", achievement())],
        "campaign": open_campaign.pk,
        "owner": people.applicant.pk,
    }

    assert client.get(reverse("documents:import_forms")).status_code == 403
    assert client.post(reverse("documents:import_forms"), data).status_code == 403
    assert Nomination.objects.count() == 0


def test_the_page_has_a_multiple_file_input(client, people, open_campaign):
    client.force_login(people.secretariat)

    page = client.get(reverse("documents:import_forms")).content.decode()

    assert 'type="file" name="files"' in page and "multiple" in page
    assert 'enctype="multipart/form-data"' in page


def test_import_forms_reads_every_docx_of_a_folder(open_campaign, people, tmp_path):
    folder = tmp_path / "表格"
    (folder / "二").mkdir(parents=True)
    (folder / "成果.docx").write_bytes(achievement())
    (folder / "二" / "成果2.docx").write_bytes(achievement("李推荐"))
    (folder / "说明.txt").write_text("不是表格")
    (folder / "~$成果.docx").write_bytes(b"lock")
    out, err = io.StringIO(), io.StringIO()

    call_command(
        "import_forms", str(folder), "--user", people.applicant.username, stdout=out, stderr=err
    )

    assert Nomination.objects.count() == 2
    assert "2/2" in err.getvalue()
    assert out.getvalue().count("已创建草稿申报") == 2
