"""Downloads: who may have them, their names, and the page that checks a printed code."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from manyi.documents.digest import verification_code
from manyi.documents.tests.helpers import read_docx
from manyi.nominations.models import SelfScore

pytestmark = [pytest.mark.django_db, pytest.mark.urls("manyi.documents.tests.urls")]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def get(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("applicant", 200),
        ("secretariat", 200),
        ("recommender", 200),
        ("other_applicant", 404),
        ("judge", 404),
    ],
)
def test_word_download_follows_the_nominations_permission(client, filed, people, persona, status):
    nomination = filed()
    response = get(
        client, getattr(people, persona), reverse("documents:form_docx", args=[nomination.pk])
    )
    assert response.status_code == status


@pytest.mark.parametrize(("persona", "status"), [("applicant", 200), ("other_applicant", 404)])
def test_pdf_download_follows_the_nominations_permission(client, filed, people, persona, status):
    nomination = filed("coaching_request")
    response = get(
        client, getattr(people, persona), reverse("documents:form_pdf", args=[nomination.pk])
    )
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def test_anonymous_is_sent_to_log_in(client, filed):
    response = client.get(reverse("documents:form_docx", args=[filed().pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_download_has_a_chinese_file_name(client, filed, people):
    nomination = filed()
    response = get(client, people.applicant, reverse("documents:form_docx", args=[nomination.pk]))
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == (
        f'attachment; filename="nomination-{nomination.pk}.docx"; '
        f"filename*=UTF-8''{quote('附件2用户满意服务先进个人推荐表-王小满.docx')}"
    )
    assert response["Cache-Control"] == "private, no-store"


def test_filed_download_carries_the_code_and_a_link_to_check_it(client, filed, people):
    nomination = filed()
    response = get(client, people.applicant, reverse("documents:form_docx", args=[nomination.pk]))
    footer = read_docx(response.content).sections[0].footer.paragraphs[0].text
    code = verification_code(nomination)
    assert footer == f"验证码：{code}　核验：http://testserver/documents/verify/{code}/"


def test_a_draft_downloads_marked_as_draft_without_a_code(client, open_campaign, people):
    from manyi.nominations import services as filing

    category = open_campaign.categories.get(kind="individual")
    draft = filing.start_nomination(category, by=people.applicant)
    url = reverse("documents:form_docx", args=[draft.pk])
    document = read_docx(get(client, people.applicant, url).content)
    assert document.sections[0].header.paragraphs[0].text.startswith("草稿")
    assert document.sections[0].footer.paragraphs[0].text == ""


def test_only_the_secretariat_sees_the_judges_column(client, filed, people):
    nomination = filed()
    applicant = read_docx(
        get(client, people.applicant, reverse("documents:form_docx", args=[nomination.pk])).content
    )
    assert len(applicant.tables[1].columns) == 4


@pytest.mark.parametrize("kind", ["individual", "self_assessment_team", "coaching_request"])
def test_blank_templates_download(client, open_campaign, people, kind):
    response = get(client, people.applicant, reverse("documents:blank_docx", args=[kind]))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert (
        "%EF%BC%88%E7%A9%BA%E7%99%BD%EF%BC%89.docx" in response["Content-Disposition"]
    )  # （空白）


def test_blank_template_of_an_unknown_kind_is_not_found(client, open_campaign, people):
    response = get(client, people.applicant, reverse("documents:blank_docx", args=["plaque"]))
    assert response.status_code == 404


def test_verify_page_says_the_paper_matches(client, filed, people):
    nomination = filed()
    code = verification_code(nomination)
    response = get(client, people.secretariat, reverse("documents:verify", args=[code]))
    assert response.status_code == 200
    assert response.context["matches"] is True
    assert "验证码与申报的当前记录一致" in response.content.decode()


def test_verify_page_says_a_changed_record_no_longer_matches(client, filed, people):
    nomination = filed()
    code = verification_code(nomination)
    SelfScore.objects.filter(nomination=nomination).update(points=1)
    response = get(client, people.applicant, reverse("documents:verify", args=[code]))
    assert response.context["matches"] is False
    assert "验证码与申报的当前记录不符" in response.content.decode()


def test_verify_page_of_anothers_nomination_is_not_found(client, filed, people):
    code = verification_code(filed())
    response = get(client, people.other_applicant, reverse("documents:verify", args=[code]))
    assert response.status_code == 404


def test_verify_page_refuses_what_is_not_a_code(client, people):
    response = get(client, people.secretariat, reverse("documents:verify", args=["12-XYZ"]))
    assert response.status_code == 400


def test_code_typed_in_the_lookup_form_is_checked(client, filed, people):
    nomination = filed()
    code = verification_code(nomination)
    number, digits = code.split("-", 1)
    typed = f" {number}-{digits.lower().replace('-', ' ')} "
    response = get(
        client, people.secretariat, reverse("documents:verify_lookup") + f"?code={quote(typed)}"
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:verify", args=[code])
