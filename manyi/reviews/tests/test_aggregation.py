import math
from decimal import Decimal, localcontext
from fractions import Fraction
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from manyi.reviews.aggregation import (
    TRIM_MIN_JUDGES,
    Entry,
    Method,
    Ranked,
    aggregate,
    criterion_means,
    display,
    needs_attention,
    quotient,
    rank,
    rounded,
    spread,
)

MEAN, TRIMMED = Method.MEAN, Method.TRIMMED_MEAN
FIVE_JUDGES = [90, 80, 85, 70, 95]
TINY = Fraction(1, 10**19)  # more than the 20-decimal rounding of any mean can move it


# --- aggregate: examples --------------------------------------------------------------------


def test_mean_of_five_totals():
    assert aggregate(FIVE_JUDGES, MEAN) == Decimal(84)


def test_trimmed_mean_of_five_totals_drops_one_highest_and_one_lowest():
    assert aggregate(FIVE_JUDGES, TRIMMED) == Decimal(85)  # (80 + 85 + 90) / 3


def test_with_four_judges_the_trimmed_mean_is_the_mean():
    assert TRIM_MIN_JUDGES == 5
    assert aggregate([90, 80, 85, 70], TRIMMED) == aggregate([90, 80, 85, 70], MEAN)
    assert aggregate([90, 80, 85, 70], TRIMMED) == Decimal("81.25")


def test_trimming_drops_only_one_of_several_equal_extremes():
    assert aggregate([70, 70, 80, 90, 90], TRIMMED) == Decimal(80)  # (70 + 80 + 90) / 3


@pytest.mark.parametrize("method", list(Method))
def test_no_totals_no_aggregate(method):
    assert aggregate([], method) is None


def test_method_may_be_given_as_its_stored_text():
    assert aggregate(FIVE_JUDGES, "trimmed_mean") == Decimal(85)
    with pytest.raises(ValueError):
        aggregate(FIVE_JUDGES, "median")


def test_a_mean_that_does_not_end_keeps_20_decimals_and_displays_rounded():
    value = aggregate([85, 85, 86], MEAN)
    assert value == Decimal("85.33333333333333333333")
    assert rounded(value) == Decimal("85.33")
    assert display(value) == "85.33"
    assert aggregate([2, 0, 0], MEAN) == Decimal("0.66666666666666666667")  # half up at place 20


def test_the_results_do_not_depend_on_the_callers_decimal_context():
    expected = aggregate([85, 85, 86], MEAN), display(Decimal("85.125"))
    with localcontext(prec=3):
        assert (aggregate([85, 85, 86], MEAN), display(Decimal("85.125"))) == expected
        assert [r.rank for r in rank([Entry("a", expected[0]), Entry("b", Decimal("85.3"))])] == [
            1,
            2,
        ]


@pytest.mark.parametrize("totals", [[90.0, 80], [Decimal(90)], [True, 80], ["90"]])
def test_totals_must_be_whole_numbers(totals):
    with pytest.raises(TypeError):
        aggregate(totals, MEAN)


def test_quotient_is_exact_and_drops_trailing_zeros():
    assert str(quotient(420, 5)) == "84"
    assert str(quotient(325, 4)) == "81.25"
    assert str(quotient(1, 3)) == "0.33333333333333333333"
    assert str(quotient(-7, 2)) == "-3.5"
    # 1 / 2**21 = 0.000000476837158203125 has 21 decimals: the half goes up (away from zero).
    assert str(quotient(1, 2**21)) == "4.7683715820313E-7"
    assert quotient(-1, 2**21) == Decimal("-0.00000047683715820313")
    with pytest.raises(ZeroDivisionError):
        quotient(1, 0)


# --- spread, attention, criterion means: examples -----------------------------------------------


def test_spread_is_highest_minus_lowest_total():
    assert spread(FIVE_JUDGES) == 25
    assert spread([77]) == 0
    assert spread([]) is None


def test_needs_attention_when_the_spread_exceeds_the_threshold():
    assert needs_attention(FIVE_JUDGES, 24) is True
    assert needs_attention(FIVE_JUDGES, 25) is False  # equal to the threshold is fine
    assert needs_attention([], 0) is False
    assert needs_attention([77], 0) is False


def test_criterion_means_are_plain_means_and_skip_unscored_criteria():
    means = criterion_means({3: [10, 9, 8], 1: [5, 6], 2: []})
    assert means == {3: Decimal(9), 1: Decimal("5.5")}
    assert list(means) == [3, 1]


def test_criterion_means_are_not_trimmed():
    assert criterion_means({1: [0, 10, 10, 10, 20]}) == {1: Decimal(10)}
    assert criterion_means({1: [0, 10, 10, 10, 50]}) == {1: Decimal(16)}


# --- display ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal(84), "84.00"),
        (Decimal("85.125"), "85.13"),  # half up (half even would give 85.12)
        (Decimal("85.124"), "85.12"),
        (Decimal("85.005"), "85.01"),  # half up (half even would give 85.00)
        (Decimal("0.125"), "0.13"),
        (Decimal("99.995"), "100.00"),
        (None, "—"),
    ],
)
def test_display_rounds_half_up_to_two_places(value, shown):
    assert display(value) == shown


# --- rank: examples --------------------------------------------------------------------------


def _ranks(ranked: list[Ranked]) -> list[tuple[object, int | None]]:
    return [(r.key, r.rank) for r in ranked]


def test_equal_aggregates_are_broken_by_the_higher_customer_recognition_subtotal():
    entries = [
        Entry("甲", Decimal(85), tie_break=18),  # 顾客认可 subtotal 18
        Entry("乙", Decimal(85), tie_break=19),
        Entry("丙", Decimal(90), tie_break=10),
    ]
    assert _ranks(rank(entries)) == [("丙", 1), ("乙", 2), ("甲", 3)]


def test_a_tie_left_after_the_tie_break_shares_the_rank_and_skips_the_next():
    entries = [
        Entry("a", Decimal(80), 5),
        Entry("b", Decimal(85), 18),
        Entry("c", Decimal(90), 10),
        Entry("d", Decimal(85), 18),
    ]
    assert rank(entries) == [
        Ranked("c", 1, Decimal(90), 10),
        Ranked("b", 2, Decimal(85), 18),
        Ranked("d", 2, Decimal(85), 18),
        Ranked("a", 4, Decimal(80), 5),
    ]


def test_without_the_tie_break_equal_aggregates_share_a_rank_in_input_order():
    entries = [
        Entry("a", Decimal(85), 18),
        Entry("b", Decimal(85), 19),
        Entry("c", Decimal(70), 30),
    ]
    assert _ranks(rank(entries, use_tie_break=False)) == [("a", 1), ("b", 1), ("c", 3)]
    assert _ranks(rank(entries)) == [("b", 1), ("a", 2), ("c", 3)]


def test_ranking_compares_exact_values_not_the_displayed_ones():
    a, b = aggregate([85, 85, 86], MEAN), Decimal("85.33")
    assert display(a) == display(b)
    assert _ranks(rank([Entry("b", b), Entry("a", a)])) == [("a", 1), ("b", 2)]


def test_unscored_entries_come_last_without_a_rank():
    entries = [Entry("none1", None, 20), Entry("x", Decimal(60)), Entry("none2", None)]
    assert _ranks(rank(entries)) == [("x", 1), ("none1", None), ("none2", None)]


def test_an_entry_without_a_tie_break_value_comes_after_one_with_it():
    entries = [Entry("missing", Decimal(85)), Entry("zero", Decimal(85), 0)]
    assert _ranks(rank(entries)) == [("zero", 1), ("missing", 2)]


def test_decimal_and_int_tie_breaks_compare_by_value():
    entries = [Entry("a", Decimal(85), Decimal("18.0")), Entry("b", Decimal(85), 18)]
    assert _ranks(rank(entries)) == [("a", 1), ("b", 1)]


def test_rank_of_nothing_is_empty():
    assert rank([]) == []


@pytest.mark.parametrize(
    ("aggregate_", "tie_break"), [(85.0, None), (Decimal(85), 18.5), (Decimal("NaN"), None)]
)
def test_entries_refuse_floats_and_non_numbers(aggregate_, tie_break):
    with pytest.raises((TypeError, ValueError)):
        Entry("a", aggregate_, tie_break)


# --- properties ------------------------------------------------------------------------------

totals_lists = st.lists(st.integers(min_value=0, max_value=500), min_size=1, max_size=20)
many_totals = st.lists(st.integers(min_value=0, max_value=500), min_size=5, max_size=20)
methods = st.sampled_from(list(Method))


@given(totals_lists, methods)
def test_the_aggregate_lies_between_the_lowest_and_highest_total(totals, method):
    assert min(totals) <= aggregate(totals, method) <= max(totals)


@given(totals_lists)
def test_the_mean_is_the_exact_fraction_to_20_decimals_and_rounds_half_up(totals):
    exact = Fraction(sum(totals), len(totals))
    assert abs(Fraction(aggregate(totals, MEAN)) - exact) < TINY
    hundredths = math.floor(exact * 100 + Fraction(1, 2))  # half up, for non-negative values
    assert rounded(aggregate(totals, MEAN)) == Decimal(hundredths) / 100


@given(many_totals)
def test_from_five_judges_the_trimmed_mean_is_the_mean_without_first_and_last_sorted(totals):
    middle = sorted(totals)[1:-1]
    assert aggregate(totals, TRIMMED) == aggregate(middle, MEAN)
    assert abs(Fraction(aggregate(totals, TRIMMED)) - Fraction(sum(middle), len(middle))) < TINY


@given(st.lists(st.integers(0, 500), min_size=1, max_size=TRIM_MIN_JUDGES - 1))
def test_below_five_judges_the_trimmed_mean_is_the_mean(totals):
    assert aggregate(totals, TRIMMED) == aggregate(totals, MEAN)


@given(totals_lists, methods, st.integers(min_value=-1000, max_value=1000))
def test_adding_a_constant_to_every_total_shifts_the_aggregate_by_it(totals, method, constant):
    shifted = [total + constant for total in totals]
    assert aggregate(shifted, method) == aggregate(totals, method) + constant
    assert spread(shifted) == spread(totals)


@given(st.data(), totals_lists, methods)
def test_the_order_of_the_totals_changes_nothing(data, totals, method):
    permuted = data.draw(st.permutations(totals))
    assert aggregate(permuted, method) == aggregate(totals, method)
    assert spread(permuted) == spread(totals)
    assert needs_attention(permuted, 50) == needs_attention(totals, 50)
    assert criterion_means({1: permuted}) == criterion_means({1: totals})


@given(totals_lists, st.integers(min_value=0, max_value=500))
def test_needs_attention_exactly_when_the_spread_exceeds_the_threshold(totals, threshold):
    assert spread(totals) == max(totals) - min(totals)
    assert needs_attention(totals, threshold) == (max(totals) - min(totals) > threshold)


# Few distinct values, so that ties are common.
entry_lists = st.lists(
    st.builds(
        Entry,
        key=st.uuids(),
        aggregate=st.none()
        | st.sampled_from([Decimal(80), Decimal("85.5"), Decimal(90), Decimal("90.00")])
        | st.lists(st.integers(60, 62), min_size=1, max_size=3).map(lambda t: aggregate(t, MEAN)),
        tie_break=st.none() | st.integers(0, 2) | st.sampled_from([Decimal("1.0"), Decimal(2)]),
    ),
    max_size=12,
)
tie_break_settings = st.booleans()


def _standing(entry: Entry | Ranked, use_tie_break: bool):
    return (entry.aggregate, entry.tie_break) if use_tie_break else entry.aggregate


@given(entry_lists, tie_break_settings)
def test_ranking_keeps_every_entry_once_and_puts_unscored_last(entries, use_tie_break):
    ranked = rank(entries, use_tie_break=use_tie_break)
    assert sorted(str(r.key) for r in ranked) == sorted(str(e.key) for e in entries)
    scored = [r for r in ranked if r.aggregate is not None]
    assert ranked[: len(scored)] == scored
    assert all(r.rank is None for r in ranked[len(scored) :])
    assert all(r.rank is not None for r in scored)
    unscored_keys = [e.key for e in entries if e.aggregate is None]
    assert [r.key for r in ranked[len(scored) :]] == unscored_keys


@given(entry_lists, tie_break_settings)
def test_ranks_start_at_1_never_decrease_and_skip_after_shared_places(entries, use_tie_break):
    ranks = [r.rank for r in rank(entries, use_tie_break=use_tie_break) if r.rank is not None]
    if ranks:
        assert ranks[0] == 1
    assert ranks == sorted(ranks)
    for value in set(ranks):
        assert sum(r <= value for r in ranks) >= value
        assert sum(r < value for r in ranks) == value - 1  # competition ranking, "1, 2, 2, 4"


@given(entry_lists, tie_break_settings)
def test_better_entries_come_first(entries, use_tie_break):
    scored = [r for r in rank(entries, use_tie_break=use_tie_break) if r.rank is not None]
    for better, worse in pairwise(scored):
        assert better.aggregate >= worse.aggregate
        if use_tie_break and better.aggregate == worse.aggregate and worse.tie_break is not None:
            assert better.tie_break is not None
            assert better.tie_break >= worse.tie_break


@given(entry_lists, tie_break_settings)
def test_equal_standing_if_and_only_if_equal_rank(entries, use_tie_break):
    scored = [r for r in rank(entries, use_tie_break=use_tie_break) if r.rank is not None]
    for a in scored:
        for b in scored:
            same = _standing(a, use_tie_break) == _standing(b, use_tie_break)
            assert same == (a.rank == b.rank)


@given(entry_lists, tie_break_settings)
def test_entries_sharing_a_rank_keep_their_input_order(entries, use_tie_break):
    position = {e.key: i for i, e in enumerate(entries)}
    ranked = rank(entries, use_tie_break=use_tie_break)
    for a, b in pairwise(ranked):
        if a.rank == b.rank:
            assert position[a.key] < position[b.key]


@given(st.data(), entry_lists, tie_break_settings)
def test_the_input_order_changes_no_rank(data, entries, use_tie_break):
    permuted = data.draw(st.permutations(entries))
    before = {r.key: r.rank for r in rank(entries, use_tie_break=use_tie_break)}
    after = {r.key: r.rank for r in rank(permuted, use_tie_break=use_tie_break)}
    assert after == before


@given(entry_lists)
def test_the_tie_break_only_splits_shared_ranks(entries):
    with_ = {r.key: r.rank for r in rank(entries)}
    without = {r.key: r.rank for r in rank(entries, use_tie_break=False)}
    for a in entries:
        for b in entries:
            ranked_both = without[a.key] is not None and without[b.key] is not None
            if ranked_both and without[a.key] < without[b.key]:
                assert with_[a.key] < with_[b.key]
