"""The verification code: the same for the same filed content, different once it changes."""

import re

import pytest

from manyi.documents.digest import matches, parse_code, verification_code
from manyi.nominations import services as filing
from manyi.nominations.models import Nomination, SelfScore
from manyi.reviews import services as reviews
from manyi.testing import png_upload

pytestmark = pytest.mark.django_db


def fresh(nomination) -> Nomination:
    return Nomination.objects.get(pk=nomination.pk)


def test_code_is_the_number_and_sixteen_hex_digits_grouped(filed):
    nomination = filed()
    code = verification_code(nomination)
    assert re.fullmatch(rf"{nomination.pk}-[0-9A-F]{{4}}(-[0-9A-F]{{4}}){{3}}", code)
    assert verification_code(fresh(nomination)) == code
    assert matches(nomination, code)


def test_two_identical_filings_have_different_codes(filed):
    assert verification_code(filed()) != verification_code(filed())


def test_endorsing_leaves_the_code_unchanged(filed, people):
    nomination = filed()
    code = verification_code(nomination)
    reviews.endorse(
        nomination,
        by=people.recommender,
        opinion="同意推荐。",
        signer="李局长",
        seal=png_upload("盖章页.png"),
        attested=reviews.attestable(nomination),
    )
    assert verification_code(fresh(nomination)) == code


def test_a_corrected_and_refiled_form_no_longer_matches(filed, people):
    nomination = filed()
    code = verification_code(nomination)
    reviews.return_to_applicant(nomination, by=people.recommender, reasons="请补充工作经历。")
    nomination = fresh(nomination)
    data = nomination.data | {"work_history": "2010年至今在营业厅工作，2015年起任班长。"}
    filing.save_draft(nomination, data, by=people.applicant)
    filing.file_nomination(fresh(nomination), by=people.applicant)
    assert verification_code(fresh(nomination)) != code
    assert not matches(fresh(nomination), code)


def test_a_changed_self_score_no_longer_matches(filed):
    nomination = filed()
    code = verification_code(nomination)
    score = SelfScore.objects.filter(nomination=nomination).first()
    SelfScore.objects.filter(pk=score.pk).update(points=score.points - 1)
    assert not matches(fresh(nomination), code)


def test_a_replaced_summary_document_no_longer_matches(filed, people):
    from manyi.testing import docx_upload

    nomination = filed("team")
    code = verification_code(nomination)
    reviews.return_to_applicant(nomination, by=people.recommender, reasons="请更新总结材料。")
    filing.add_attachment(fresh(nomination), "team_summary", docx_upload(4000), by=people.applicant)
    assert not matches(fresh(nomination), code)


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("12-9F3A-0C1D-77E2-B405", (12, "9F3A0C1D77E2B405")),
        (" 12-9f3a 0c1d-77e2 b405 ", (12, "9F3A0C1D77E2B405")),
        ("12-9F3A0C1D77E2B405", (12, "9F3A0C1D77E2B405")),
        ("129F3A0C1D77E2B405", None),
        ("12-9F3A-0C1D-77E2", None),
        ("x-9F3A-0C1D-77E2-B405", None),
    ],
)
def test_codes_typed_from_paper_are_read_leniently(typed, parsed):
    assert parse_code(typed) == parsed


def test_a_code_of_another_nomination_does_not_match(filed):
    first, second = filed(), filed()
    digits = verification_code(first).split("-", 1)[1]
    assert not matches(second, f"{second.pk}-{digits}")
