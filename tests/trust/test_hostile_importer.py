"""The hostile corpus against the importer of filled Word forms: the reader
(manyi.documents.importer.read_form), the command (import_forms) and the page (import/).

A hostile file is reported, with its reason in Chinese, and never raises or half-imports; a
form filled with hostile text reads back exactly as typed (it is data, not markup), and a draft
made of it shows it as text.
"""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from manyi.documents import docx as word
from manyi.documents import layout, queries
from manyi.documents.importer import read_form
from manyi.nominations import services as filing
from manyi.nominations.models import Nomination
from manyi.testing import attach_requirements, valid_form
from tests.trust.corpus import ESCAPED_TEXT, SCRIPT, has_han, hostile_files, upload

FILES = hostile_files()
IDS = [f[0] for f in FILES]


@pytest.mark.parametrize(("file_id", "name", "content"), FILES, ids=IDS)
def test_the_reader_reports_a_hostile_file_in_chinese(file_id, name, content):
    reading = read_form(io.BytesIO(content), name=name)

    assert not reading.ok
    assert reading.problems, file_id
    assert all(has_han(p) for p in reading.problems), reading.problems


@pytest.mark.parametrize(("file_id", "name", "content"), FILES, ids=IDS)
@pytest.mark.django_db
def test_the_command_reports_a_hostile_file_and_imports_nothing(
    open_campaign, people, tmp_path, file_id, name, content
):
    good = tmp_path / "好的表格.docx"
    good.write_bytes(exported(filled(open_campaign, people, "individual")))
    bad = tmp_path / name
    bad.write_bytes(content)
    before = Nomination.objects.count()
    out = io.StringIO()

    with pytest.raises(CommandError) as refused:
        call_command(
            "import_forms", str(good), str(bad), "--user", "wang", "--no-progress", stdout=out
        )

    assert name in str(refused.value)
    assert has_han(out.getvalue())
    # the valid form is imported; the hostile one is reported and skipped
    assert Nomination.objects.count() == before + 1


def filled(campaign, people, kind: str, **changes) -> Nomination:
    by = people.committee if kind == "unit" else people.applicant
    category = campaign.categories.get(kind=kind)
    nomination = filing.start_nomination(category, by=by)
    filing.save_draft(nomination, valid_form(kind, category) | changes, by=by)
    attach_requirements(nomination, by)
    return filing.file_nomination(nomination, by=by)


def exported(nomination) -> bytes:
    return word.render(queries.nomination_sheets(nomination), layout.Mark())


@pytest.mark.parametrize("value_id", [v for v, _ in ESCAPED_TEXT])
@pytest.mark.django_db
def test_hostile_text_in_a_form_reads_back_as_typed(open_campaign, people, value_id):
    value = dict(ESCAPED_TEXT)[value_id]
    field = "duties"  # 岗位主要职责 (free text; the name must match the signature)
    nomination = filled(open_campaign, people, "individual", **{field: value})

    reading = read_form(io.BytesIO(exported(nomination)), name="表格.docx")

    assert reading.data[field] == value


@pytest.mark.django_db
def test_the_import_page_reports_hostile_files_and_imports_nothing(open_campaign, people):
    client = Client()
    client.force_login(people.secretariat)
    before = Nomination.objects.count()

    response = client.post(
        reverse("documents:import_forms"),
        {
            "files": [upload(name, content) for _id, name, content in FILES if content],
            "campaign": open_campaign.pk,
            "owner": people.applicant.pk,
        },
    )

    assert response.status_code in {200, 400}
    page = response.content.decode()
    assert SCRIPT not in page
    for _id, name, content in FILES:
        if content:
            assert escape(name) in page, name
    assert Nomination.objects.count() == before


@pytest.mark.django_db
def test_a_hostile_text_imported_through_the_command_is_shown_as_text(
    open_campaign, people, tmp_path
):
    field = "duties"  # 岗位主要职责 (free text; the name must match the signature)
    source = filled(open_campaign, people, "individual", **{field: SCRIPT})
    path = tmp_path / "表格.docx"
    path.write_bytes(exported(source))

    call_command("import_forms", str(path), "--user", "wang", "--no-progress", stdout=io.StringIO())

    imported = Nomination.objects.latest("pk")
    assert imported.data[field] == SCRIPT
    client = Client()
    client.force_login(people.applicant)
    page = client.get(reverse("nominations:edit", args=[imported.pk])).content.decode()
    assert escape(SCRIPT) in page and SCRIPT not in page
