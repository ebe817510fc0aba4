from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def load_catalogue(po_path: Path) -> polib.POFile:
    """A catalogue with the entries of its language's `parts/*.po` added (an area may keep its
    strings in a part while it is being written; `make messages` folds them into django.po)."""
    catalogue = polib.pofile(str(po_path))
    known = {entry.msgid for entry in catalogue}
    for part in sorted((po_path.parent.parent / "parts").glob("*.po")):
        for entry in polib.pofile(str(part)):
            if entry.msgid not in known:
                catalogue.append(entry)
                known.add(entry.msgid)
    return catalogue


class Command(BaseCommand):
    help = (
        "Compile the interface's translation catalogues (locale/*/LC_MESSAGES/*.po, with the "
        "language's parts/*.po) to .mo files. "
        "Pure Python: unlike compilemessages it needs no GNU gettext on the machine."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                catalogue = load_catalogue(po_path)
                catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
                self.stdout.write(f"{po_path}: {len(catalogue.translated_entries())} 条")
