"""The held-out bounds' updater (tests/held_out_update.py): its rule by hand, and the recorded bounds
are what it gives, so a model that improves a family by more than half a point lowers its bound in
the same change (the guard stays tight)."""

import pytest

import held_out_update as hu


@pytest.mark.parametrize("value, expected", [(14.3, 14.5), (14.45, 14.5), (14.46, 15.0), (-33.9, 34.0), (0.0, 0.5)])
def test_the_bound_is_the_next_half_point_above_the_value_and_a_margin(value, expected):
    assert hu.bound(value) == expected


def test_a_bound_moves_when_exceeded_or_beaten_by_more_than_half_a_point():
    assert hu.updated((10.0, 20.0), (10.2, 18.0)) == (10.5, 18.5)  # exceeded; beaten by 2
    assert hu.updated((10.0, 20.0), (9.8, 19.6)) == (10.0, 20.0)  # within half a point below: kept


def test_the_recorded_bounds_are_the_updaters(capsys):
    assert hu.update(write=False) == 0, capsys.readouterr().out
