"""The verification code printed on a filed form: a digest of what was filed, so that a signed
and sealed paper that comes back can be matched to its record, and a record changed since the
paper was printed no longer matches.

The code is the nomination's number and the first 16 hex digits of the SHA-256 of a canonical
JSON of its filed content, grouped by four: `42-9F3A-0C1D-77E2-B405`. The number finds the
record; the digest says whether it is still the one printed. The state, the version and the
recommender's or judges' later work are not part of it: endorsing a filing leaves it valid.
"""

import hashlib
import hmac
import json
import re
from typing import Any

from manyi.nominations.formspecs import FORMS, HONOUR_SCAN
from manyi.nominations.models import Attachment, Nomination

DIGITS = 16
CODE_RE = re.compile(r"(\d+)-([0-9A-F]{4})-?([0-9A-F]{4})-?([0-9A-F]{4})-?([0-9A-F]{4})")


def file_sha256(attachment: Attachment) -> str:
    """The SHA-256 of a stored file, read in chunks; "missing" when the file is gone."""
    digest = hashlib.sha256()
    try:
        with attachment.file.open("rb") as stored:
            for chunk in stored.chunks():
                digest.update(chunk)
    except FileNotFoundError:
        return "missing"
    return digest.hexdigest()


def filed_content(nomination: Nomination) -> dict[str, Any]:
    """What the applicant filed: the form as typed, the locked fields, the self-scores, the
    honours and the files of the form's own slots (not the recommender's sealed page)."""
    spec = FORMS[nomination.category.kind]
    slots = {slot.code for slot in spec.attachments} | {HONOUR_SCAN.code}
    return {
        "nomination": nomination.pk,
        "campaign": nomination.campaign.year,
        "kind": spec.kind.value,
        "data": nomination.data,
        "locked": {"name": nomination.locked_name, "members": nomination.locked_members},
        "self_scores": sorted(nomination.self_scores.values_list("criterion_id", "points")),
        "honours": [
            [h.awarded_on.isoformat(), h.issuer, h.name, h.level, file_sha256(h.scan)]
            for h in nomination.honours.select_related("scan").order_by("awarded_on", "pk")
        ],
        "attachments": sorted(
            [a.slot, file_sha256(a)] for a in nomination.attachments.filter(slot__in=slots)
        ),
    }


def canonical_json(content: dict[str, Any]) -> bytes:
    return json.dumps(
        content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    ).encode("utf-8")


def content_digest(nomination: Nomination) -> str:
    return hashlib.sha256(canonical_json(filed_content(nomination))).hexdigest()


def verification_code(nomination: Nomination) -> str:
    """The nomination's number and 16 hex digits of its content digest, grouped by four."""
    digits = content_digest(nomination)[:DIGITS].upper()
    groups = "-".join(digits[i : i + 4] for i in range(0, DIGITS, 4))
    return f"{nomination.pk}-{groups}"


def parse_code(code: str) -> tuple[int, str] | None:
    """(nomination number, digest digits) of a code as typed from paper: any case, spaces
    ignored, the dashes between the groups optional; None when it is not a code."""
    match = CODE_RE.fullmatch(re.sub(r"\s+", "", code).upper())
    if match is None:
        return None
    return int(match.group(1)), "".join(match.groups()[1:])


def matches(nomination: Nomination, code: str) -> bool:
    """Whether a printed code is that of the nomination's current content."""
    parsed = parse_code(code)
    if parsed is None or parsed[0] != nomination.pk:
        return False
    current = content_digest(nomination)[:DIGITS].upper()
    return hmac.compare_digest(parsed[1], current)
