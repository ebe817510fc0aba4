"""What the API reads and writes. Every text that comes in is `Text`: control characters and
lone surrogates are refused (422) where they enter — PostgreSQL cannot store NUL, and neither
database can store a lone surrogate."""

import datetime
import unicodedata
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import AfterValidator

from manyi.nominations.models import HonourLevel, NominationState

MAX_ID = 2_147_483_647  # larger ids exist nowhere, and overflow SQLite's integers
MAX_TEXT = 20_000  # characters of one input (as the nomination form reads them)
MAX_KEYS = 500  # inputs of one form
ALLOWED_CONTROLS = frozenset("\t\n\r")


def _clean_text(value: str) -> str:
    for character in value:
        category = unicodedata.category(character)
        if category == "Cs" or (category == "Cc" and character not in ALLOWED_CONTROLS):
            raise ValueError(
                f"含有不可见的控制字符或无效字符（U+{ord(character):04X}），无法保存，请删除。"
            )
    return value


Text = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(_clean_text)]
Key = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_clean_text)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
State = Literal[tuple(NominationState.values)]  # type: ignore[valid-type]


# --- campaigns, categories, rubrics, organizations -------------------------------------------


class CampaignOut(Schema):
    id: int
    year: int
    title: str
    filing_opens: datetime.date
    filing_closes: datetime.date
    recommendation_deadline: datetime.date
    review_starts: datetime.date
    review_ends: datetime.date
    notice_starts: datetime.date
    notice_ends: datetime.date
    published_on: datetime.date


class CategoryOut(Schema):
    id: int
    campaign_id: int
    kind: str
    title: str
    form_ref: str
    rubric_id: int | None
    filer_role: str
    self_score_threshold: int | None
    position: int


class BandOut(Schema):
    id: int
    text: str
    low: int
    high: int


class CriterionOut(Schema):
    id: int
    name: str
    max_points: int
    description: str
    bands: list[BandOut]


class ItemOut(Schema):
    id: int
    name: str
    max_points: int
    criteria: list[CriterionOut]


class RubricOut(Schema):
    id: int
    campaign_id: int
    code: str
    title: str
    edition: str
    total_points: int
    items: list[ItemOut]


class OrganizationOut(Schema):
    id: int
    name: str
    kind: str
    committee_scope: str
    region: str
    sector: str


# --- nominations and their moves ---------------------------------------------------------------


class NominationFilter(Schema):
    campaign: Id | None = None
    category: Id | None = None
    state: State | None = None
    organization: Id | None = None
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


class NominationOut(Schema):
    id: int
    campaign_id: int
    category_id: int
    kind: str
    organization_id: int
    organization: str
    applicant: str
    state: str
    state_label: str
    title: str
    version: int
    filed_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime


class NominationPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[NominationOut]


class ActionOut(Schema):
    action: str
    label: str
    needs_comment: bool


class NominationDetail(NominationOut):
    locked_name: str
    locked_members: list[str]
    correction_deadline: datetime.date | None
    data: dict[str, Any]
    actions: list[ActionOut]


class DraftIn(Schema):
    category: Id
    data: dict[Key, Text] = Field(default_factory=dict, max_length=MAX_KEYS)


class DraftUpdate(Schema):
    version: int = Field(ge=0, le=MAX_ID)
    data: dict[Key, Text] = Field(max_length=MAX_KEYS)


class TransitionOut(Schema):
    id: int
    action: str
    source: str
    target: str
    by: str | None
    at: datetime.datetime
    comment: str


class TransitionIn(Schema):
    action: Annotated[str, Field(max_length=40), AfterValidator(_clean_text)]
    comment: Text = ""


# --- judging ---------------------------------------------------------------------------------


class AssignmentOut(Schema):
    nomination_id: int
    category_id: int
    kind: str
    title: str
    state: str
    review_state: str


class ScoreOut(Schema):
    criterion_id: int
    points: int


class ReviewOut(Schema):
    nomination_id: int
    state: str
    comment: str
    recommends: bool | None
    version: int
    submitted_at: datetime.datetime | None
    scores: list[ScoreOut]


class SheetIn(Schema):
    """Points by criterion id (null: not scored yet), the opinion, and for a unit whether the
    judge recommends it."""

    points: dict[Id, Annotated[int, Field(ge=0, le=1000)] | None] = Field(
        default_factory=dict, max_length=MAX_KEYS
    )
    comment: Text = ""
    recommends: bool | None = None


# --- ranking and public ------------------------------------------------------------------------


class RankingRowOut(Schema):
    nomination_id: int
    name: str
    organization: str
    state: str
    rank: int | None
    judges: int
    aggregate: str | None
    tie_break: str | None
    spread: int | None
    flagged: bool
    self_score: int | None


class NoticedOut(Schema):
    nomination_id: int
    name: str
    organization: str
    category: str


class NoticeOut(Schema):
    state: Literal["none", "open", "ended"]
    campaign_year: int | None
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    listed: list[NoticedOut]


class WinnerOut(Schema):
    name: str
    organization: str
    category: str


class ResultsOut(Schema):
    campaign_year: int | None
    years: list[int]
    winners: list[WinnerOut]


class ResultsFilter(Schema):
    year: int | None = Field(None, ge=1900, le=9999)


# --- files of a nomination --------------------------------------------------------------------


class AttachmentOut(Schema):
    id: int
    slot: str
    name: str
    kind: str
    size: int
    characters: int | None
    uploaded_at: datetime.datetime


class HonourIn(Schema):
    """何时、何地受过何种奖励（附复印件）: sent as multipart form fields with the scan."""

    awarded_on: datetime.date
    issuer: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_clean_text)]
    name: Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_clean_text)]
    level: Literal[tuple(HonourLevel.values)]  # type: ignore[valid-type]


class HonourOut(Schema):
    id: int
    awarded_on: datetime.date
    issuer: str
    name: str
    level: str
    scan: AttachmentOut
