import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

RUBRICS = Path(settings.BASE_DIR) / "data" / "rubrics"


def test_rubric_check_verbatim_prints_one_line_per_fault_and_fails(capsys):
    with pytest.raises(CommandError, match="发现 5 处错误"):
        call_command("rubric_check", str(RUBRICS / "verbatim"))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5
    assert all(line.startswith("附件1-") and " › " in line for line in lines)


def test_rubric_check_2018_edition_passes(capsys):
    call_command("rubric_check", str(RUBRICS / "2018"))
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "未发现错误" in captured.err


def test_rubric_check_single_file(capsys):
    call_command("rubric_check", str(RUBRICS / "2018" / "achievement.yaml"))
    assert capsys.readouterr().out == ""


def test_rubric_check_missing_path_and_broken_file(tmp_path, capsys):
    with pytest.raises(CommandError, match="找不到"):
        call_command("rubric_check", str(tmp_path / "nope.yaml"))
    broken = tmp_path / "broken.yaml"
    broken.write_text("code: x\nitems: [", encoding="utf-8")
    with pytest.raises(CommandError, match="1 处错误"):
        call_command("rubric_check", str(broken))
    assert "无法读取评分标准文件" in capsys.readouterr().out


def test_rubric_check_exit_codes_from_the_shell():
    def run(path: Path) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "rubric_check", str(path)],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=False,
        )

    verbatim = run(RUBRICS / "verbatim")
    assert verbatim.returncode == 1
    assert len(verbatim.stdout.splitlines()) == 5
    assert run(RUBRICS / "2018").returncode == 0
