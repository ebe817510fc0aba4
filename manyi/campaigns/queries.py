"""Reads of campaigns and rubrics that need more than a plain filter."""

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Model, Prefetch

from manyi.campaigns.models import Band, Criterion, Rubric, RubricItem
from manyi.campaigns.rubrics import BandSpec, CriterionSpec, ItemSpec, RubricSpec


def rubric_tree(rubric_id: int) -> Rubric:
    """A rubric with its items, criteria and bands, in order, in four queries."""
    return Rubric.objects.prefetch_related(
        Prefetch(
            "items",
            queryset=RubricItem.objects.order_by("position").prefetch_related(
                Prefetch(
                    "criteria",
                    queryset=Criterion.objects.order_by("position").prefetch_related(
                        Prefetch("bands", queryset=Band.objects.order_by("position"))
                    ),
                )
            ),
        )
    ).get(pk=rubric_id)


# Rubric trees kept in this process, by (rubric id, revision): a rubric is read on every view
# and autosave of a form and every scoring page, and changes rarely (never once a nomination is
# filed). A changed rubric has a new revision, so a kept tree is never stale; a tree read while
# the rubric changed is not kept. The trees are shared: read them, never change them.
_TREES: dict[tuple[int, object], Rubric] = {}
_KEPT = 64


def rubric_tree_of(rubric: Rubric) -> Rubric:
    """rubric_tree of a rubric row already read (its revision is the key): no query when kept."""
    key = (rubric.pk, rubric.revision)
    tree = _TREES.get(key)
    if tree is None:
        tree = rubric_tree(rubric.pk)
        if tree.revision == rubric.revision:
            if len(_TREES) >= _KEPT:
                _TREES.clear()
            _TREES[key] = tree
    return tree


def forget_rubric_trees() -> None:
    """Drop the kept trees (tests; after a restore of the database)."""
    _TREES.clear()


def spec_from_rubric(rubric: Rubric) -> RubricSpec:
    """The plain form of a stored rubric, for the validator and for copying."""
    return RubricSpec(
        code=rubric.code,
        source=rubric.source,
        title=rubric.title,
        edition=rubric.edition,
        total_points=rubric.total_points,
        items=tuple(
            ItemSpec(
                name=item.name,
                points=item.max_points,
                criteria=tuple(
                    CriterionSpec(
                        name=criterion.name,
                        points=criterion.max_points,
                        description=tuple(criterion.description.splitlines()),
                        bands=tuple(
                            BandSpec(
                                text=b.text, printed_range=b.range_label, low=b.low, high=b.high
                            )
                            for b in criterion.bands.all()
                        ),
                    )
                    for criterion in item.criteria.all()
                ),
            )
            for item in rubric.items.all()
        ),
    )


def spec_with_changes(
    rubric: Rubric,
    *,
    edited: Iterable[Model] = (),
    children: tuple[Model, list[Model]] | None = None,
) -> RubricSpec:
    """The rubric as it would stand after an edit that is not saved yet, for the validator.

    `edited` are unsaved items or criteria that stand in for the stored ones of the same pk;
    `children` is a parent (the rubric, an item or a criterion) with the whole list of its
    children as they will be, in place of the stored ones.
    """
    swapped = {(type(obj), obj.pk): obj for obj in edited}

    def current(obj: Any) -> Any:
        return swapped.get((type(obj), obj.pk), obj)

    def kids(parent: Model, stored: Callable[[], list[Any]]) -> list[Any]:
        if children and type(children[0]) is type(parent) and children[0].pk == parent.pk:
            return children[1]
        return stored() if parent.pk else []

    tree = rubric_tree(rubric.pk)
    return RubricSpec(
        code=rubric.code,
        source=rubric.source,
        title=rubric.title,
        edition=rubric.edition,
        total_points=rubric.total_points,
        items=tuple(
            ItemSpec(
                name=item.name,
                points=item.max_points,
                criteria=tuple(
                    CriterionSpec(
                        name=criterion.name,
                        points=criterion.max_points,
                        bands=tuple(
                            BandSpec(text=b.text, printed_range=None, low=b.low, high=b.high)
                            for b in kids(criterion, lambda c=criterion: list(c.bands.all()))
                        ),
                    )
                    for criterion in map(current, kids(item, lambda i=item: list(i.criteria.all())))
                ),
            )
            for item in map(current, kids(tree, lambda: list(tree.items.all())))
        ),
    )
