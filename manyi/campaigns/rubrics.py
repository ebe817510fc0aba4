"""Rubrics as data: their plain form, how they are read from files, and the rubric validator.

A rubric is a tree: items (评审项目) hold criteria (评审细项), which hold bands (评分标准).
The validator is the one place that knows what makes a rubric sound; it runs whenever a rubric
is loaded (services.install_rubric, `manage.py rubric_check`) or edited (the admin).
"""

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# 附件6-1 "满分：100分"; the self-assessment sheets are scored out of 100 too (80 is the bar).
FULL_MARKS = 100

_RANGE_RE = re.compile(r"^\s*(\d+)\s*(?:[-－—–~～至]\s*(\d+))?\s*分?\s*$")


@dataclass(frozen=True)
class BandSpec:
    text: str
    printed_range: str | None  # as the source prints it: "1-6分", "1-18", "3分", or None
    low: int | None = None
    high: int | None = None


@dataclass(frozen=True)
class CriterionSpec:
    name: str
    points: int
    bands: tuple[BandSpec, ...] = ()
    description: tuple[str, ...] = ()


@dataclass(frozen=True)
class ItemSpec:
    name: str
    points: int
    criteria: tuple[CriterionSpec, ...] = ()


@dataclass(frozen=True)
class RubricSpec:
    code: str
    source: str
    title: str
    edition: str
    items: tuple[ItemSpec, ...] = ()
    total_points: int = FULL_MARKS
    header_fields: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Fault:
    """One fault of a rubric, named by where it stands."""

    rubric: str
    message: str
    item: str = ""
    criterion: str = ""

    def __str__(self) -> str:
        where = " › ".join(part for part in (self.rubric, self.item, self.criterion) if part)
        return f"{where}：{self.message}"


class RubricFileError(ValueError):
    """A rubric file that cannot be read as a rubric at all (not YAML, keys missing)."""


def parse_range(printed: str | None) -> tuple[int, int] | None:
    """Read a band's range as printed ("1-6分", "1-18", "3分") into (low, high), or None."""
    if printed is None:
        return None
    match = _RANGE_RE.match(str(printed))
    if not match:
        return None
    low = int(match.group(1))
    high = int(match.group(2)) if match.group(2) else low
    return low, high


def band(text: str, printed_range: str | None) -> BandSpec:
    parsed = parse_range(printed_range)
    low, high = parsed if parsed else (None, None)
    return BandSpec(text=text, printed_range=printed_range, low=low, high=high)


def format_range(low: int, high: int) -> str:
    return f"{low}分" if low == high else f"{low}-{high}分"


# --- the validator ----------------------------------------------------------------------------


def band_faults(criterion: CriterionSpec) -> list[str]:
    """Faults of one criterion's bands: no range, reversed, above the maximum, overlapping,
    or leaving gaps in 1..maximum. A criterion without bands (附件6-1) has none."""
    if not criterion.bands:
        return []
    faults: list[str] = []
    ranges: list[tuple[int, int]] = []
    for b in criterion.bands:
        label = _band_label(b)
        if b.low is None or b.high is None:
            printed = f"（印作“{b.printed_range}”）" if b.printed_range else ""
            faults.append(f"评分段“{label}”没有分值范围{printed}")
            continue
        if b.low > b.high:
            faults.append(f"评分段“{label}”的下限大于上限（{b.printed_range}）")
            continue
        if b.low < 1:
            faults.append(f"评分段“{label}”从 {b.low} 分开始，评分段应从 1 分起")
        if b.high > criterion.points:
            faults.append(f"评分段“{label}”的上限 {b.high} 分超出细项满分 {criterion.points} 分")
        ranges.append((b.low, b.high))
    for i, (low1, high1) in enumerate(ranges):
        for low2, high2 in ranges[i + 1 :]:
            low, high = max(low1, low2), min(high1, high2)
            if low <= high:
                faults.append(
                    f"评分段 {format_range(low1, high1)} 与 {format_range(low2, high2)} 重叠"
                    f"（{format_range(low, high)}）"
                )
    covered = {p for low, high in ranges for p in range(low, high + 1)}
    for low, high in _runs(p for p in range(1, criterion.points + 1) if p not in covered):
        faults.append(
            f"{format_range(low, high)} 不在任何评分段内（评分段应覆盖 1-{criterion.points}分）"
        )
    return faults


def criteria_sum_fault(item: ItemSpec) -> str | None:
    """The criteria of an item must add up to the item's maximum."""
    if not item.criteria:
        return "没有评审细项"
    total = sum(c.points for c in item.criteria)
    if total != item.points:
        return f"评审细项满分合计 {total} 分，与项目满分 {item.points} 分不符"
    return None


def items_sum_fault(items: Sequence[ItemSpec]) -> str | None:
    """The items of a rubric must add up to 100 (满分：100分)."""
    if not items:
        return "没有评审项目"
    total = sum(i.points for i in items)
    if total != FULL_MARKS:
        return f"评审项目满分合计 {total} 分，应为 {FULL_MARKS} 分"
    return None


def validate_rubric(rubric: RubricSpec) -> list[Fault]:
    """Every fault of a rubric, in reading order; an empty list means the rubric is sound."""
    name = f"{rubric.source} {rubric.title}".strip()
    faults: list[Fault] = []
    if rubric.total_points != FULL_MARKS:
        faults.append(Fault(name, f"满分为 {rubric.total_points} 分，应为 {FULL_MARKS} 分"))
    for item in rubric.items:
        for criterion in item.criteria:
            if criterion.points <= 0:
                faults.append(Fault(name, "细项满分应大于 0", item.name, criterion.name))
            faults.extend(
                Fault(name, message, item.name, criterion.name)
                for message in band_faults(criterion)
            )
        message = criteria_sum_fault(item)
        if message:
            faults.append(Fault(name, message, item.name))
    message = items_sum_fault(rubric.items)
    if message:
        faults.append(Fault(name, message))
    return faults


def _band_label(b: BandSpec) -> str:
    return b.text if len(b.text) <= 20 else b.text[:20] + "…"


def _runs(points: Iterable[int]) -> Iterator[tuple[int, int]]:
    """Group ascending whole numbers into (first, last) runs: 1,2,3,5 -> (1,3), (5,5)."""
    run: list[int] = []
    for p in points:
        if run and p != run[-1] + 1:
            yield run[0], run[-1]
            run = []
        run.append(p)
    if run:
        yield run[0], run[-1]


# --- reading rubric files ---------------------------------------------------------------------


def read_rubric_file(path: Path) -> RubricSpec:
    """Read one rubric data file (YAML, the schema of data/rubrics/README.md)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RubricFileError(f"{path}: 无法读取评分标准文件：{exc}") from exc
    try:
        return rubric_from_data(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise RubricFileError(f"{path}: 评分标准文件格式不正确：{exc!r}") from exc


def rubric_from_data(data: dict[str, Any]) -> RubricSpec:
    return RubricSpec(
        code=data["code"],
        source=data["source"],
        title=data["title"],
        edition=str(data["edition"]),
        total_points=int(data.get("total_points", FULL_MARKS)),
        header_fields=tuple(data.get("header_fields") or ()),
        items=tuple(
            ItemSpec(
                name=item["name"],
                points=int(item["points"]),
                criteria=tuple(
                    CriterionSpec(
                        name=criterion["name"],
                        points=int(criterion["points"]),
                        bands=tuple(
                            band(b["text"], None if b.get("range") is None else str(b["range"]))
                            for b in criterion.get("bands") or ()
                        ),
                        description=tuple(criterion.get("description") or ()),
                    )
                    for criterion in item["criteria"]
                ),
            )
            for item in data["items"]
        ),
    )


def rubric_files(path: Path) -> list[Path]:
    """A rubric file, or every *.yaml file of a folder, sorted."""
    path = Path(path)
    if path.is_dir():
        return sorted(path.glob("*.yaml"))
    return [path]
