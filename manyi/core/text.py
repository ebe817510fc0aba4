"""Text rules for every form: how characters count towards a limit, and which text is refused.

The browser counts with the same rule in `static/js/charcount.js`; change both together.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Categories never counted: controls, format characters (zero-width space, BOM, soft hyphen,
# direction marks) and separators (spaces, line and paragraph separators).
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})

# Controls that text may hold: tab, line feed, carriage return.
ALLOWED_CONTROLS = frozenset("\t\n\r")


def count_characters(text: str) -> int:
    """The count for limits such as 先进事迹（限500字以内）, 3000字以内, 5000字以上.

    NFC-normalise, then count every code point that is neither white space (`str.isspace`,
    which includes the ideographic space U+3000 and line breaks) nor invisible (Unicode
    categories Cc, Cf, Zs, Zl, Zp: zero-width space, BOM…). Every Han character, punctuation
    mark, letter and digit counts 1, an astral character such as 𠮷 counts 1, and e + U+0301
    counts 1 because NFC composes it into é. This matches Word's and WPS's
    字符数（不计空格）.
    """
    return sum(
        1
        for character in unicodedata.normalize("NFC", text)
        if not character.isspace() and unicodedata.category(character) not in INVISIBLE_CATEGORIES
    )


def check_length(
    text: str, *, at_most: int | None = None, at_least: int | None = None, label: str = ""
) -> None:
    """Refuse text longer than `at_most` or shorter than `at_least`, counted by `count_characters`.

    The message names the field, the limit and the count, e.g.
    “个人主要先进事迹”限 500 字，现为 523 字（不计空格）。
    """
    count = count_characters(text)
    if at_most is not None and count > at_most:
        message = (
            _(
                "“%(label)s” is limited to %(limit)d characters; "
                "it has %(count)d (spaces not counted)."
            )
            if label
            else _("Limited to %(limit)d characters; this has %(count)d (spaces not counted).")
        )
        raise ValidationError(
            message, code="too_long", params={"label": label, "limit": at_most, "count": count}
        )
    if at_least is not None and count < at_least:
        message = (
            _(
                "“%(label)s” must have at least %(limit)d characters; "
                "it has %(count)d (spaces not counted)."
            )
            if label
            else _(
                "At least %(limit)d characters are needed; this has %(count)d (spaces not counted)."
            )
        )
        raise ValidationError(
            message, code="too_short", params={"label": label, "limit": at_least, "count": count}
        )


def reject_control_characters(text: str, *, label: str = "") -> None:
    """Refuse NUL and every other control character (C0, DEL, C1) except tab and line breaks.

    PostgreSQL cannot store NUL in text and raises (a 500) where SQLite stores it: such text is
    refused where it enters, with a message naming the field and the first offending character.
    """
    for character in text:
        if unicodedata.category(character) == "Cc" and character not in ALLOWED_CONTROLS:
            message = (
                _(
                    "“%(label)s” contains an invisible control character (%(character)s) "
                    "that cannot be saved; please delete it."
                )
                if label
                else _(
                    "The text contains an invisible control character (%(character)s) "
                    "that cannot be saved; please delete it."
                )
            )
            raise ValidationError(
                message,
                code="control_character",
                params={"label": label, "character": f"U+{ord(character):04X}"},
            )
