"""The rubric validator, and the two editions of the seed's rubrics as data."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings

from manyi.campaigns.rubrics import (
    CriterionSpec,
    ItemSpec,
    RubricSpec,
    band,
    band_faults,
    parse_range,
    read_rubric_file,
    rubric_files,
    validate_rubric,
)

RUBRICS = Path(settings.BASE_DIR) / "data" / "rubrics"
CODES = [
    "self_assessment_individual",
    "self_assessment_team",
    "self_assessment_manager",
    "achievement",
]


def criterion(points: int, *ranges: str | None) -> CriterionSpec:
    return CriterionSpec(
        name="细项", points=points, bands=tuple(band(f"第{i}档", r) for i, r in enumerate(ranges))
    )


def rubric(*items: ItemSpec) -> RubricSpec:
    return RubricSpec(code="t", source="附件X", title="测试标准", edition="t", items=items)


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("1-6分", (1, 6)),
        ("1-18", (1, 18)),
        ("3分", (3, 3)),
        (" 13 - 15 分 ", (13, 15)),
        ("9～10分", (9, 10)),
        (None, None),
        ("", None),
        ("若干分", None),
    ],
)
def test_parse_range_reads_printed_forms(printed, expected):
    assert parse_range(printed) == expected


def test_band_faults_sound_criterion_has_none():
    assert band_faults(criterion(10, "1-6分", "7-8分", "9-10分")) == []


def test_band_faults_criterion_without_bands_has_none():
    assert band_faults(CriterionSpec(name="服务需求", points=10)) == []


def test_band_faults_overlap_and_above_maximum():
    assert band_faults(criterion(10, "1-7分", "8-11分", "9-10分")) == [
        "评分段“第1档”的上限 11 分超出细项满分 10 分",
        "评分段 8-11分 与 9-10分 重叠（9-10分）",
    ]


def test_band_faults_missing_range_leaves_a_gap():
    assert band_faults(criterion(15, None, "6-8分", "9-12分", "13-15分")) == [
        "评分段“第0档”没有分值范围",
        "1-5分 不在任何评分段内（评分段应覆盖 1-15分）",
    ]


def test_band_faults_several_gaps_are_reported_as_runs():
    assert band_faults(criterion(10, "3分", "5-7分", "9分")) == [
        "1-2分 不在任何评分段内（评分段应覆盖 1-10分）",
        "4分 不在任何评分段内（评分段应覆盖 1-10分）",
        "8分 不在任何评分段内（评分段应覆盖 1-10分）",
        "10分 不在任何评分段内（评分段应覆盖 1-10分）",
    ]


def test_band_faults_reversed_and_unreadable_ranges():
    assert band_faults(criterion(10, "6-1分", "若干分", "1-10分")) == [
        "评分段“第0档”的下限大于上限（6-1分）",
        "评分段“第1档”没有分值范围（印作“若干分”）",
    ]


def test_validate_rubric_criteria_must_add_up_to_item():
    faults = validate_rubric(
        rubric(
            ItemSpec("甲", 60, (criterion(30, "1-30分"), criterion(20, "1-20分"))),
            ItemSpec("乙", 40, (criterion(40, "1-40分"),)),
        )
    )
    assert [str(f) for f in faults] == [
        "附件X 测试标准 › 甲：评审细项满分合计 50 分，与项目满分 60 分不符"
    ]


def test_validate_rubric_items_must_add_up_to_100():
    faults = validate_rubric(rubric(ItemSpec("甲", 90, (criterion(90, "1-90分"),))))
    assert [str(f) for f in faults] == ["附件X 测试标准：评审项目满分合计 90 分，应为 100 分"]


def test_validate_rubric_empty_item_and_empty_rubric():
    assert [str(f) for f in validate_rubric(rubric())] == ["附件X 测试标准：没有评审项目"]
    faults = validate_rubric(rubric(ItemSpec("甲", 100, ())))
    assert [str(f) for f in faults] == ["附件X 测试标准 › 甲：没有评审细项"]


def test_verbatim_edition_reports_every_fault_of_the_seed():
    faults = [
        str(fault)
        for path in rubric_files(RUBRICS / "verbatim")
        for fault in validate_rubric(read_rubric_file(path))
    ]
    assert faults == [
        "附件1-3 用户满意服务杰出管理者自评标准 › 工作创新 › 积极推进用户满意工程活动："
        "评分段“倡导以顾客为关注焦点、用户至上、全方位用…”没有分值范围",
        "附件1-3 用户满意服务杰出管理者自评标准 › 工作创新 › 积极推进用户满意工程活动："
        "1-5分 不在任何评分段内（评分段应覆盖 1-15分）",
        "附件1-3 用户满意服务杰出管理者自评标准 › 工作创新 › 组织绩效显著："
        "1-2分 不在任何评分段内（评分段应覆盖 1-10分）",
        "附件1-2 用户满意服务先进班组自评标准 › 团结协作 › 科学管理，团结协作："
        "评分段“成员充满热情，工作积极主动，成员间团结友…”的上限 11 分超出细项满分 10 分",
        "附件1-2 用户满意服务先进班组自评标准 › 团结协作 › 科学管理，团结协作："
        "评分段 8-11分 与 9-10分 重叠（9-10分）",
    ]


@pytest.mark.parametrize("code", CODES)
def test_2018_edition_is_sound_and_totals_100(code):
    spec = read_rubric_file(RUBRICS / "2018" / f"{code}.yaml")
    assert validate_rubric(spec) == []
    assert sum(item.points for item in spec.items) == 100
    for item in spec.items:
        assert sum(c.points for c in item.criteria) == item.points
        for c in item.criteria:
            covered = sorted(p for b in c.bands for p in range(b.low, b.high + 1))
            assert covered in ([], list(range(1, c.points + 1))), c.name


@pytest.mark.parametrize("code", CODES)
def test_2018_edition_states_every_change_beside_it(code):
    """Every element of the 2018 edition that differs from the verbatim one carries a
    correction (what the seed says, what was decided, why)."""
    verbatim = yaml.safe_load((RUBRICS / "verbatim" / f"{code}.verbatim.yaml").read_text("utf-8"))
    edition = yaml.safe_load((RUBRICS / "2018" / f"{code}.yaml").read_text("utf-8"))
    compared = ("name", "printed", "points", "text", "range", "description")
    unexplained = []

    def walk(old: dict, new: dict, where: str) -> None:
        if any(old.get(key) != new.get(key) for key in compared):
            notes = new.get("corrections") or ([new["correction"]] if "correction" in new else [])
            if not notes or not all({"seed", "decided", "why"} <= set(n) for n in notes):
                unexplained.append(where)
        for key in ("items", "criteria", "bands"):
            old_children, new_children = old.get(key) or [], new.get(key) or []
            assert len(old_children) == len(new_children), f"{where}/{key}"
            for i, (o, n) in enumerate(zip(old_children, new_children, strict=True)):
                walk(o, n, f"{where}/{key}[{i}]")

    walk(verbatim, edition, code)
    assert unexplained == []
    assert edition["edition"] == "2018"
    assert verbatim["edition"] == "verbatim"


def test_2018_team_rubric_corrects_the_overlapping_bands():
    spec = read_rubric_file(RUBRICS / "2018" / "self_assessment_team.yaml")
    bands = spec.items[0].criteria[0].bands
    assert [(b.low, b.high) for b in bands] == [(1, 6), (7, 8), (9, 10)]
