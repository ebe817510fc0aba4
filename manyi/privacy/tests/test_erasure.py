"""Erasure after the retention period: personal fields replaced, files deleted, account
anonymized, consents kept as proof; scores, ranking, decisions and awards unchanged."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from manyi.accounts.models import User
from manyi.demo.services import load_demo
from manyi.nominations.models import Attachment, Nomination, Signature
from manyi.privacy import erasure
from manyi.privacy.erasure import ERASED, erasable_on, erase_personal_data
from manyi.privacy.models import Consent
from manyi.reviews.models import Award, Endorsement, Review, Score
from manyi.reviews.ranking import ranking

pytestmark = pytest.mark.django_db

LATER = timezone.localdate() + datetime.timedelta(days=366 * 6)


def stored(nomination) -> list[str]:
    return [a.file.name for a in nomination.attachments.all()]


def test_erasure_before_the_retention_period_is_refused_with_the_date(people, filed_of, settings):
    settings.PRIVACY_RETENTION_YEARS = 5
    nomination = filed_of("individual")
    day = erasable_on(people.applicant)
    assert day == timezone.localdate().replace(year=timezone.localdate().year + 5)
    with pytest.raises(ValidationError) as refused:
        erase_personal_data(people.applicant, by=people.secretariat)
    assert refused.value.messages == [
        f"个人信息保存期限未满，自{day.year}年{day.month}月{day.day}日起方可删除“王申报”的个人信息。"
    ]
    nomination.refresh_from_db()
    assert nomination.data["name"] == "王小满" and nomination.erased_at is None


def test_only_the_secretariat_erases_and_never_itself(people):
    with pytest.raises(PermissionDenied):
        erase_personal_data(people.other_applicant, by=people.applicant, today=LATER)
    with pytest.raises(ValidationError):
        erase_personal_data(people.secretariat, by=people.secretariat, today=LATER)


def test_erasing_a_team_replaces_members_and_personal_fields_and_keeps_the_team_name(
    people, filed_of, django_capture_on_commit_callbacks
):
    team = filed_of("team")
    files = stored(team)
    storage = Attachment._meta.get_field("file").storage
    assert files and all(storage.exists(name) for name in files)
    members = len(team.locked_members)

    with django_capture_on_commit_callbacks(execute=True):
        done = erase_personal_data(people.applicant, by=people.secretariat, today=LATER)

    team.refresh_from_db()
    assert (done.nominations, done.files, done.consents) == (1, len(files), 4)
    assert team.locked_name == "示范营业厅服务班"  # a team's name is not a person's
    assert team.locked_members == [ERASED] * members
    assert team.data["team_name"] == "示范营业厅服务班"
    assert team.data["leader_mobile"] == ERASED and team.data["address"] == ERASED
    assert team.data["consent_publication"] == "1"
    assert team.erased_at is not None
    assert set(Signature.objects.filter(nomination=team).values_list("name", flat=True)) == {ERASED}
    assert not any(storage.exists(name) for name in files)
    assert set(team.attachments.values_list("original_name", "file")) == {(ERASED, "")}


def test_the_account_is_anonymized_and_consents_kept_as_proof(people, filed_of):
    filed_of("individual")
    people.applicant.email = "wang@example.com"
    people.applicant.save()
    texts = list(Consent.objects.order_by("pk").values_list("purpose", "text", "given_at"))
    erase_personal_data(people.applicant, by=people.secretariat, today=LATER)
    user = User.objects.get(pk=people.applicant.pk)
    assert (user.username, user.display_name, user.email, user.mobile, user.is_active) == (
        f"erased-{user.pk}",
        ERASED,
        "",
        "",
        False,
    )
    assert not user.has_usable_password()
    assert list(Consent.objects.order_by("pk").values_list("purpose", "text", "given_at")) == texts
    assert set(Consent.objects.values_list("user_id", "person_name", "ip")) == {
        (user.pk, ERASED, None)
    }
    assert not Nomination.objects.filter(title="王小满").exists()


def test_erasing_twice_changes_nothing_more(people, filed_of):
    filed_of("individual")
    erase_personal_data(people.applicant, by=people.secretariat, today=LATER)
    again = erase_personal_data(people.applicant, by=people.secretariat, today=LATER)
    assert (again.nominations, again.files, again.consents) == (0, 0, 0)


def test_locked_fields_stay_locked_outside_erasure(people, filed_of):
    team = filed_of("team")
    with pytest.raises(IntegrityError), transaction.atomic():
        Nomination.objects.filter(pk=team.pk).update(locked_members=["外人"])
    erase_personal_data(people.applicant, by=people.secretariat, today=LATER)
    with pytest.raises(IntegrityError), transaction.atomic():
        Nomination.objects.filter(pk=team.pk).update(locked_members=["外人"])
    with pytest.raises(IntegrityError), transaction.atomic():  # an erasure cannot be undone
        Nomination.objects.filter(pk=team.pk).update(erased_at=None)


def test_a_failure_midway_leaves_everything_as_it_was(people, filed_of, monkeypatch):
    team = filed_of("team")
    before = Nomination.objects.values().get(pk=team.pk)
    files = stored(team)

    def fail(username: str) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(erasure, "_forget_logins", fail)
    with pytest.raises(RuntimeError):
        erase_personal_data(people.applicant, by=people.secretariat, today=LATER)
    assert Nomination.objects.values().get(pk=team.pk) == before
    assert User.objects.get(pk=people.applicant.pk).username == "wang"
    storage = Attachment._meta.get_field("file").storage
    assert all(storage.exists(name) for name in files)
    assert set(Consent.objects.values_list("person_name", flat=True)) == {"赵班长"}


def test_scores_ranking_and_awards_stay_consistent(settings):
    load_demo()
    applicant = User.objects.get(username="applicant")
    secretariat = User.objects.get(username="secretariat")
    individual = Nomination.objects.get(applicant=applicant, category__kind="individual")
    category = individual.category
    award = Award.objects.create(
        nomination=individual,
        number="2018-YH-GR-999",
        sequence=999,
        name=individual.title,
        published_at=timezone.now(),
    )

    def totals():
        return [(r.nomination.pk, r.rank, r.aggregate) for r in ranking(category)]

    before = (totals(), Score.objects.count(), Review.objects.count(), individual.state)
    erase_personal_data(applicant, by=secretariat, today=LATER)
    individual.refresh_from_db()
    after = (totals(), Score.objects.count(), Review.objects.count(), individual.state)
    assert after == before
    assert individual.title == ERASED
    award.refresh_from_db()
    assert (award.number, award.name) == ("2018-YH-GR-999", ERASED)


def test_the_command_erases_after_the_period_and_refuses_before(people, filed_of, settings, capsys):
    filed_of("individual")
    with pytest.raises(CommandError):
        call_command("erase_personal_data", "wang", "--by", "liu")
    assert "个人信息保存期限未满" in capsys.readouterr().err
    call_command("erase_personal_data", "wang", "--by", "liu", "--dry-run")
    assert "起可以删除" in capsys.readouterr().out
    settings.PRIVACY_RETENTION_YEARS = 0
    call_command("erase_personal_data", "wang", "--by", "liu")
    assert "已删除" in capsys.readouterr().out
    assert not User.objects.filter(username="wang").exists()


def test_the_page_for_the_secretariat(client, people, filed_of, settings):
    filed_of("individual")
    client.force_login(people.secretariat)
    page = client.get(reverse("privacy:people"), {"q": "王"}).content.decode()
    assert "王申报" in page and "孙申报" not in page
    url = reverse("privacy:erase", args=[people.applicant.pk])
    refused = client.post(url, follow=True).content.decode()
    assert "个人信息保存期限未满" in refused
    settings.PRIVACY_RETENTION_YEARS = 0
    done = client.post(url, follow=True).content.decode()
    assert "已删除个人信息：申报1份" in done
    assert not User.objects.get(pk=people.applicant.pk).is_active


def test_the_page_is_refused_to_others(client, people):
    client.force_login(people.applicant)
    assert client.get(reverse("privacy:people")).status_code == 403
    url = reverse("privacy:erase", args=[people.other_applicant.pk])
    assert client.post(url).status_code == 403
    assert User.objects.get(pk=people.other_applicant.pk).is_active


def test_the_audit_trail_keeps_that_an_erasure_happened_not_what_was_erased(people, filed_of):
    from manyi.audit.models import AuditEvent

    filed_of("individual")
    files = Attachment.objects.filter(nomination__applicant=people.applicant).exclude(file="")
    expected_files = files.count()
    expected_consents = Consent.objects.filter(user=people.applicant).count()
    assert expected_files and expected_consents  # the erasure has something to count
    erase_personal_data(people.applicant, by=people.secretariat, today=LATER)
    event = AuditEvent.objects.get(action="privacy.erase")
    assert event.actor == people.secretariat
    assert event.object_id == str(people.applicant.pk)
    assert event.after == {
        "user_id": people.applicant.pk,
        "nominations": 1,
        "files": expected_files,
        "consents": expected_consents,
    }
    assert "王小满" not in str(event.before) + str(event.after) + event.object_repr


def test_opinions_about_the_person_are_kept_without_their_name():
    load_demo()
    applicant = User.objects.get(username="applicant")
    secretariat = User.objects.get(username="secretariat")
    individual = Nomination.objects.get(applicant=applicant, category__kind="individual")
    name = individual.title
    review = Review.objects.filter(nomination=individual).first()
    review.comment = f"{name}同志服务热情，{name}的事迹突出。"
    review.save(update_fields=["comment"])
    other = Review.objects.exclude(nomination__applicant=applicant).exclude(comment="").first()
    other_comment = other.comment
    endorsement = Endorsement.objects.get(nomination=individual)
    endorsement.opinion = f"同意推荐{name}。"
    endorsement.save(update_fields=["opinion"])
    erase_personal_data(applicant, by=secretariat, today=LATER)
    review.refresh_from_db()
    assert review.comment == f"{ERASED}同志服务热情，{ERASED}的事迹突出。"
    endorsement.refresh_from_db()
    assert endorsement.opinion == f"同意推荐{ERASED}。"
    other.refresh_from_db()
    assert other.comment == other_comment  # others' nominations untouched
