import pytest

from manyi.nominations import services as filing
from manyi.testing import attach_requirements, valid_form


def filer(people, kind: str):
    return people.committee if kind == "unit" else people.applicant


def make_draft(campaign, people, kind: str, **changes):
    """A complete draft of `kind`, every consent ticked unless `changes` says otherwise."""
    category = campaign.categories.get(kind=kind)
    by = filer(people, kind)
    nomination = filing.start_nomination(category, by=by)
    data = valid_form(kind, category) | changes
    filing.save_draft(nomination, {k: v for k, v in data.items() if v is not None}, by=by)
    attach_requirements(nomination, by)
    nomination.refresh_from_db()
    return nomination


@pytest.fixture
def draft_of(open_campaign, people):
    return lambda kind, **changes: make_draft(open_campaign, people, kind, **changes)


@pytest.fixture
def filed_of(open_campaign, people):
    def file(kind: str, **changes):
        nomination = make_draft(open_campaign, people, kind, **changes)
        return filing.file_nomination(nomination, by=filer(people, kind), ip="10.0.0.7")

    return file
