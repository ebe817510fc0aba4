import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from manyi.campaigns.rubrics import band
from manyi.campaigns.scoring import band_for, check_score, total

BANDS = [band("一档", "1-6分"), band("二档", "7-8分"), band("三档", "9-10分")]


@pytest.mark.parametrize("points", [0, 1, 6, 10])
def test_check_score_accepts_whole_numbers_from_0_to_maximum(points):
    assert check_score(points, maximum=10) == points


@pytest.mark.parametrize("points", ["7", " 7 "])
def test_check_score_accepts_whole_numbers_typed_as_text(points):
    assert check_score(points, maximum=10) == 7


@pytest.mark.parametrize("points", [-1, 11, 100])
def test_check_score_refuses_out_of_range(points):
    with pytest.raises(ValidationError) as error:
        check_score(points, maximum=10, criterion="道德情操高尚")
    assert error.value.messages == [f"“道德情操高尚”：评分 {points} 超出 0 至 10 分的范围。"]


@pytest.mark.parametrize("points", ["3.5", "", "七", None, True, 2.0])
def test_check_score_refuses_what_is_not_a_whole_number(points):
    with pytest.raises(ValidationError) as error:
        check_score(points, maximum=10)
    assert error.value.messages == ["评分应为 0 至 10 之间的整数。"]


@pytest.mark.parametrize(
    ("points", "expected"), [(0, None), (1, "一档"), (6, "一档"), (7, "二档"), (10, "三档")]
)
def test_band_for_derives_the_band(points, expected):
    found = band_for(points, BANDS)
    assert (found.text if found else None) == expected


@given(st.integers(min_value=1, max_value=10))
def test_band_for_every_point_of_a_sound_criterion_has_exactly_one_band(points):
    assert sum(b.low <= points <= b.high for b in BANDS) == 1
    assert band_for(points, BANDS) is not None


def test_total_is_the_sum():
    assert total([10, 15, 0, 7]) == 32
    assert total([]) == 0
