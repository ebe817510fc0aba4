"""The secretariat's commands: copy_campaign, the progress bars of backup and restore, and
`--help` in plain words for each."""

import io
import re

import pytest
from django.core.management import CommandError, call_command, load_command_class

from manyi.campaigns.models import Campaign
from manyi.core.tests.test_backup import empty_installation
from manyi.nominations.models import Nomination

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]")


class Terminal(io.StringIO):
    """A stream that says it is a terminal, so the progress bar is drawn."""

    def isatty(self) -> bool:
        return True


def test_copy_campaign_copies_categories_and_rubrics_with_dates_a_year_later(campaign):
    out = io.StringIO()

    call_command("copy_campaign", "--from", "2018", "--to", "2019", stdout=out)

    new = Campaign.objects.get(year=2019)
    assert new.title == campaign.title.replace("2018", "2019")
    assert str(new.filing_closes) == "2019-05-31"
    assert new.categories.count() == campaign.categories.count() == 6
    assert new.rubrics.count() == campaign.rubrics.count()
    assert "6 个类别" in out.getvalue() and "2019-05-31" in out.getvalue()
    assert not Nomination.objects.filter(campaign=new).exists()


def test_copy_campaign_takes_a_title(campaign):
    call_command(
        "copy_campaign", "--from", "2018", "--to", "2020", "--title", "新评选", stdout=io.StringIO()
    )

    assert Campaign.objects.get(year=2020).title == "新评选"


def test_copy_campaign_refuses_an_existing_year(campaign):
    call_command("copy_campaign", "--from", "2018", "--to", "2019", stdout=io.StringIO())

    with pytest.raises(CommandError, match="2019"):
        call_command("copy_campaign", "--from", "2018", "--to", "2019")
    assert Campaign.objects.filter(year=2019).count() == 1


def test_copy_campaign_refuses_a_missing_source_and_an_odd_year(campaign):
    with pytest.raises(CommandError, match="找不到 2017 年的评选"):
        call_command("copy_campaign", "--from", "2017", "--to", "2019")
    with pytest.raises(CommandError, match="四位年份"):
        call_command("copy_campaign", "--from", "2018", "--to", "19")
    assert Campaign.objects.count() == 1


def test_backup_and_restore_draw_a_progress_bar_on_a_terminal(campaign, tmp_path, settings):
    archive = tmp_path / "manyi.zip"
    terminal = Terminal()

    call_command("backup", str(archive), stderr=terminal)

    drawn = terminal.getvalue()
    assert "备份" in drawn and "100%" in drawn and "行" in drawn
    assert "完成：" in drawn  # the messages stay, above the bar


def test_backup_without_a_terminal_writes_plain_lines(campaign, tmp_path):
    err = io.StringIO()

    call_command("backup", str(tmp_path / "manyi.zip"), stderr=err)

    assert "%" not in err.getvalue() and "\r" not in err.getvalue()
    assert err.getvalue().splitlines()[0] == "导出数据库……"
    assert err.getvalue().splitlines()[-1].startswith("完成：")


def test_restore_draws_its_stages(campaign, tmp_path, settings):
    archive = tmp_path / "manyi.zip"
    call_command("backup", str(archive), stderr=io.StringIO())
    empty_installation()
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    terminal = Terminal()

    call_command("restore", str(archive), stderr=terminal)

    assert "恢复" in terminal.getvalue() and "4/4" in terminal.getvalue()
    assert Campaign.objects.get().year == 2018


def test_restore_failure_still_says_why(tmp_path):
    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("restore", str(tmp_path / "none.zip"), stderr=Terminal())


@pytest.mark.parametrize(
    ("app", "name"),
    [
        ("manyi.campaigns", "copy_campaign"),
        ("manyi.dashboard", "send_reminders"),
        ("manyi.core", "backup"),
        ("manyi.core", "restore"),
    ],
)
def test_every_command_explains_itself_in_chinese(app, name):
    command = load_command_class(app, name)

    text = command.create_parser("manage.py", name).format_help()

    assert HAN.search(command.help)
    for action in command.create_parser("manage.py", name)._actions:
        if action.dest not in {"help", "version", "verbosity", "settings", "pythonpath"} and (
            action.dest not in {"traceback", "no_color", "force_color", "skip_checks"}
        ):
            assert HAN.search(action.help or ""), f"{name} {action.dest} has no Chinese help"
    assert "例" in text or name == "send_reminders"
