"""Fetch slices: every link once, in order; a short first slice when there are several."""

from __future__ import annotations

import pytest

from flows.ingest import _slices


@pytest.mark.parametrize("n", [0, 1, 3, 4, 5, 8, 9, 20, 21])
@pytest.mark.parametrize("ramp", [False, True])
def test_slices_cover_every_item_once_in_order(n: int, ramp: bool) -> None:
    items = list(range(n))
    parts = _slices(items, 4, ramp=ramp)
    assert [x for p in parts for x in p] == items
    assert all(0 < len(p) <= 4 for p in parts)


def test_ramp_makes_the_first_slice_a_quarter_when_there_is_more_than_one() -> None:
    assert [len(p) for p in _slices(list(range(1000)), 500, ramp=True)] == [125, 500, 375]
    assert [len(p) for p in _slices(list(range(400)), 500, ramp=True)] == [400]
    assert [len(p) for p in _slices(list(range(1000)), 500)] == [500, 500]


def test_a_batch_is_handed_over_once() -> None:
    from flows.pipeline import Batch

    batch = Batch([1, 2, 3])
    assert batch.take() == [1, 2, 3]
    with pytest.raises(AttributeError):
        batch.take()
