"""A hostile value that was accepted stays text everywhere it is shown: every page that shows a
filed nomination renders it escaped, and the Excel exports keep a formula-looking value as a
string, never a formula (formula injection)."""

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from manyi.reviews.tests.test_recommendation import filed
from tests.trust.corpus import ESCAPED_TEXT, SCRIPT

pytestmark = pytest.mark.django_db
FORMULAS = [v for k, v in ESCAPED_TEXT if k.startswith("formula")]


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_stored_script_renders_as_text_on_every_page_that_shows_the_nomination(
    open_campaign, people
):
    nomination = filed(open_campaign, people, name=SCRIPT, signer=SCRIPT, duties=SCRIPT)
    pages = [
        (people.applicant, reverse("nominations:list")),
        (people.applicant, reverse("nominations:detail", args=[nomination.pk])),
        (people.recommender, reverse("reviews:recommend_list")),
        (people.recommender, reverse("reviews:recommend", args=[nomination.pk])),
        (people.secretariat, reverse("nominations:detail", args=[nomination.pk])),
        (people.applicant, reverse("accounts:notifications")),
    ]
    for user, url in pages:
        response = client_of(user).get(url)
        page = response.content.decode()
        assert response.status_code == 200, url
        assert SCRIPT not in page, url
    detail = client_of(people.applicant).get(pages[1][1]).content.decode()
    assert escape(SCRIPT) in detail


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_formula_typed_in_a_form_is_a_string_in_the_excel_export(open_campaign, people, formula):
    filed(open_campaign, people, duties=formula, position=formula)
    client = client_of(people.secretariat)
    url = reverse(
        "documents:nominations_xlsx", kwargs={"year": open_campaign.year, "kind": "individual"}
    )

    response = client.get(url, {"full": "1"})

    assert response.status_code == 200
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    cells = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and formula in cell.value
    ]
    assert cells, "the export shows the value"
    assert all(cell.data_type == "s" for cell in cells)
