"""Filed nominations of every kind, as the applicant (or, for a unit, the committee) files them."""

import pytest

from manyi.nominations import services as filing
from manyi.testing import attach_requirements, valid_form


def file_one(campaign, people, kind: str = "individual", **changes):
    by = people.committee if kind == "unit" else people.applicant
    category = campaign.categories.get(kind=kind)
    nomination = filing.start_nomination(category, by=by)
    filing.save_draft(nomination, valid_form(kind, category) | changes, by=by)
    attach_requirements(nomination, by)
    return filing.file_nomination(nomination, by=by)


@pytest.fixture
def filed(open_campaign, people):
    """A function that files a nomination of a kind, with changes to the sample form."""
    return lambda kind="individual", **changes: file_one(open_campaign, people, kind, **changes)


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "libreoffice: converts generated Word files with LibreOffice (skipped where soffice is "
        "not installed; about 5 s)",
    )
