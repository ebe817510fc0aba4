"""The dashboard page and the downloads of its numbers."""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from manyi.dashboard.tests import builders as b
from manyi.dashboard.tests.test_stats import build, category

pytestmark = pytest.mark.django_db

INJECTION = '=HYPERLINK("http://evil.example","点我")'


@pytest.fixture
def scored(campaign, people):
    """Two individuals scored by two judges; the first one's name is a formula."""
    first = b.nominate(category(campaign), people.applicant, title=INJECTION)
    second = b.nominate(category(campaign), people.applicant, title="王小满")
    one, two = b.judge("陈专家"), b.judge("冯专家")
    for nomination, totals in ((first, (70, 90)), (second, (80, 84))):
        for judge, total in zip((one, two), totals, strict=True):
            b.assign(nomination, judge, people.secretariat)
            b.scored(nomination, judge, total)
    return campaign


def test_the_secretariat_is_sent_to_the_latest_campaign(client, people, campaign):
    client.force_login(people.secretariat)

    response = client.get(reverse("dashboard:index"))

    assert response.status_code == 302
    assert response.url == reverse("dashboard:campaign", kwargs={"year": 2018})


def test_without_a_campaign_the_dashboard_says_so(client, people):
    client.force_login(people.secretariat)

    response = client.get(reverse("dashboard:index"))

    assert response.status_code == 200
    assert "还没有评选" in response.content.decode()


def test_the_page_has_each_chart_with_its_options_and_its_table(client, people, scored):
    client.force_login(people.secretariat)

    response = client.get(reverse("dashboard:campaign", kwargs={"year": 2018}))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="dash-canvas"') == 9
    assert html.count("<table") == 9
    options = re.search(
        r'<script id="chart-agreement-data" type="application/json">(.*?)</script>', html
    )
    agreement = json.loads(options[1])
    assert agreement["series"][0]["data"] == [20, 4]
    assert agreement["toolbox"]["feature"]["saveAsImage"]["title"] == "保存为图片"
    # the table beside it holds the same numbers, the name escaped
    table = html[html.index('data-table="agreement"') :]
    table = table[: table.index("</table>")]
    assert "<td>20</td>" in table and "<td>4</td>" in table
    assert "=HYPERLINK(&quot;http://evil.example&quot;" in table
    assert "<script>" not in html and " onclick" not in html  # nothing inline: the CSP holds
    assert "/static/echarts/echarts.min.js" in html


@pytest.mark.parametrize("persona", ["applicant", "recommender", "committee", "judge"])
def test_other_roles_are_refused(client, people, campaign, persona):
    client.force_login(getattr(people, persona))

    for url in (
        reverse("dashboard:index"),
        reverse("dashboard:campaign", kwargs={"year": 2018}),
        reverse("dashboard:download", kwargs={"year": 2018, "slug": "state", "fmt": "csv"}),
    ):
        assert client.get(url).status_code == 403


def test_anonymous_is_sent_to_log_in(client, campaign):
    response = client.get(reverse("dashboard:campaign", kwargs={"year": 2018}))

    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_csv_download_holds_the_numbers_with_formulas_defused(client, people, scored):
    client.force_login(people.secretariat)
    url = reverse("dashboard:download", kwargs={"year": 2018, "slug": "agreement", "fmt": "csv"})

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="2018-agreement.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["参评对象", "类别", "专家人数", "最低分", "最高分", "分差", "需关注"]
    assert rows[1] == ["'" + INJECTION, "用户满意服务先进个人", "2", "70", "90", "20", "是"]
    assert rows[2] == ["王小满", "用户满意服务先进个人", "2", "80", "84", "4", "否"]


def test_xlsx_download_keeps_numbers_and_stores_formulas_as_text(client, people, scored):
    client.force_login(people.secretariat)
    url = reverse("dashboard:download", kwargs={"year": 2018, "slug": "scores", "fmt": "xlsx"})
    agreement = url.replace("scores.xlsx", "agreement.xlsx")

    scores = load_workbook(io.BytesIO(client.get(url).content)).active
    names = load_workbook(io.BytesIO(client.get(agreement).content)).active

    assert [c.value for c in scores[2]] == ["用户满意服务先进个人", 4, 70, 77.5, 82, 85.5, 90]
    cell = names["A2"]
    assert cell.value == INJECTION and cell.data_type == "s" and cell.quotePrefix


@pytest.mark.parametrize(
    ("slug", "fmt"), [("nothing", "csv"), ("state", "pdf"), ("state", "xlsx.exe")]
)
def test_unknown_chart_or_format_is_404(client, people, campaign, slug, fmt):
    client.force_login(people.secretariat)

    response = client.get(f"/dashboard/2018/{slug}.{fmt}")

    assert response.status_code == 404


def test_unknown_year_is_404(client, people, campaign):
    client.force_login(people.secretariat)

    assert client.get("/dashboard/1999/").status_code == 404


@pytest.mark.parametrize("size", [1, 10])
def test_the_page_takes_the_same_queries_whatever_the_size(
    client, people, campaign, size, django_assert_max_num_queries
):
    build(campaign, people, size)
    client.force_login(people.secretariat)
    url = reverse("dashboard:campaign", kwargs={"year": 2018})

    with django_assert_max_num_queries(14):  # session, user, campaign, years, the eight charts
        response = client.get(url)

    assert response.status_code == 200


def test_the_secretariat_reads_the_reminders_sent_in_the_admin(client, people, campaign):
    from manyi.dashboard.models import SentReminder

    SentReminder.objects.create(
        user=people.applicant, campaign=campaign, deadline="filing",
        due_on=campaign.filing_closes, days_before=7, sent_on=campaign.filing_opens,
    )  # fmt: skip
    client.force_login(people.secretariat)

    listing = client.get("/admin/dashboard/sentreminder/")
    adding = client.get("/admin/dashboard/sentreminder/add/")

    assert listing.status_code == 200 and "王申报" in listing.content.decode()
    assert adding.status_code == 403


def test_echarts_is_served_from_our_own_static_files():
    from django.contrib.staticfiles import finders

    found = finders.find("echarts/echarts.min.js")

    assert found, "run `make install`: npm ci puts ECharts in node_modules"
    assert 'version="5.' in Path(found).read_text(encoding="utf-8")[-300:]
