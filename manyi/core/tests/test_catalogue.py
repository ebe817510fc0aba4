"""The interface is Chinese: every interface string of the code and templates has its
translation in the zh_Hans catalogue."""

import ast
import re
from pathlib import Path

from django.conf import settings

from manyi.core.management.commands.compile_catalogue import load_catalogue

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy"}
TEMPLATE_STRING = re.compile(r"""{%\s*(?:translate|trans)\s+"([^"]+)"\s*%}""")


def code_msgids() -> set[str]:
    found = set()
    for module in (ROOT / "manyi").rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) in GETTEXT_NAMES
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(node.args[0].value)
    return found


def template_msgids() -> set[str]:
    return {
        match
        for template in (ROOT / "templates").rglob("*.html")
        for match in TEMPLATE_STRING.findall(template.read_text(encoding="utf-8"))
    }


def test_the_chinese_catalogue_is_complete():
    catalogue = load_catalogue(CATALOGUE)
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    assert catalogue.percent_translated() == 100


def test_every_interface_string_is_in_the_catalogue():
    translated = {e.msgid for e in load_catalogue(CATALOGUE).translated_entries()}
    missing = sorted((code_msgids() | template_msgids()) - translated - {"PDF"})
    assert missing == []
