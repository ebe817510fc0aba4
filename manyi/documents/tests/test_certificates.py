"""荣誉证书: one A4 page per award, read back with poppler-utils."""

import pytest
from django.urls import include, path
from django.utils import timezone

from manyi.documents import export_urls
from manyi.documents.tests import test_exports
from manyi.documents.tests.helpers import pdf_fonts, pdf_text, run
from manyi.documents.tests.test_exports import CMD
from manyi.urls import urlpatterns as project

urlpatterns = [*project, path("documents/", include(export_urls))]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
# The fixtures of the exports' tests: four awards of 2018.
published = test_exports.published
individual = test_exports.individual
calendar = test_exports.calendar
URL = "/documents/campaigns/2018/certificates.pdf"


def test_one_certificate_a_page_with_the_name_exactly_as_filed(client, people, published, tmp_path):
    client.force_login(people.secretariat)

    response = client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "certificates.pdf"
    path.write_bytes(response.content)
    day = timezone.localdate(published[0].published_at)
    issued = f"{day.year}年{day.month}月{day.day}日"
    pages = ["".join(page.split()) for page in pdf_text(path).split("\f")[:-1]]
    expected = [
        ("甲", "2018-YH-GR-001", "用户满意服务先进个人"),  # numbered in rank order
        ("乙", "2018-YH-GR-002", "用户满意服务先进个人"),
        ("抢修服务班", "2018-YH-BZ-001", "用户满意服务先进班组"),  # the name as filed
        (CMD, "2018-YH-BZ-002", "用户满意服务先进班组"),
    ]
    assert [(a.name, a.number, a.nomination.category.title) for a in published] == expected
    assert pages == [
        "".join(
            f"荣誉证书{name}示范供电公司荣获2018年度{honour}称号。特发此证，以资鼓励。"
            f"{issued}证书编号：{number}".split()
        )
        for name, number, honour in expected
    ]
    info = run("pdfinfo", str(path))
    assert "\nPages:           4\n" in info
    assert "595.276 x 841.89 pts (A4)" in info
    assert {row[-5] for row in pdf_fonts(path)} == {"yes"}  # every font embedded


def test_no_certificates_before_the_results(client, people, campaign):
    client.force_login(people.secretariat)
    assert client.get(URL).status_code == 404
