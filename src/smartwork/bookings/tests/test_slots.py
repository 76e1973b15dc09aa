"""Slot and time-range logic, DST days included; property tests with hypothesis."""

from __future__ import annotations

import datetime as dt
import itertools
from types import SimpleNamespace

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from smartwork.bookings.slots import (
    check_grid,
    day_bounds_utc,
    free_ranges,
    inside_hours,
    local_to_utc,
    slot_span,
    to_local,
)
from smartwork.core.errors import InvalidInput

T = dt.time
CENTRE = SimpleNamespace(timezone="Europe/Brussels", morning_start=T(8, 30), morning_end=T(12, 30),
                         afternoon_start=T(13, 30), afternoon_end=T(17, 30))
SPRING = dt.date(2026, 3, 29)  # clocks go forward 02:00 -> 03:00 in Brussels
AUTUMN = dt.date(2026, 10, 25)  # clocks go back 03:00 -> 02:00


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def test_morning_is_stored_in_utc_with_the_offset_of_the_day():
    assert slot_span(CENTRE, dt.date(2026, 3, 28), "morning").start == utc(2026, 3, 28, 7, 30)
    assert slot_span(CENTRE, SPRING, "morning").start == utc(2026, 3, 29, 6, 30)
    assert slot_span(CENTRE, AUTUMN, "morning").start == utc(2026, 10, 25, 7, 30)
    full = slot_span(CENTRE, SPRING, "full_day")
    assert full.end - full.start == dt.timedelta(hours=9)


def test_a_range_across_the_spring_gap_is_one_hour_shorter():
    span = slot_span(CENTRE, SPRING, "range", T(1, 0), T(4, 0))
    assert span.end - span.start == dt.timedelta(hours=2)
    span = slot_span(CENTRE, AUTUMN, "range", T(1, 0), T(4, 0))
    assert span.end - span.start == dt.timedelta(hours=4)


def test_a_time_in_the_spring_gap_is_refused():
    with pytest.raises(InvalidInput) as exc:
        slot_span(CENTRE, SPRING, "range", T(2, 30), T(4, 0))
    assert exc.value.code == "time_does_not_exist"


def test_a_repeated_autumn_time_is_the_first_one():
    assert local_to_utc(AUTUMN, T(2, 30), "Europe/Brussels") == utc(2026, 10, 25, 0, 30)


def test_days_when_clocks_change_are_23_and_25_hours():
    start, end = day_bounds_utc(SPRING, "Europe/Brussels")
    assert end - start == dt.timedelta(hours=23)
    start, end = day_bounds_utc(AUTUMN, "Europe/Brussels")
    assert end - start == dt.timedelta(hours=25)


@pytest.mark.parametrize(("start", "end", "code"), [
    (T(9, 10), T(10, 0), "off_grid"),
    (T(9, 0), T(10, 5), "off_grid"),
    (T(9, 0, 30), T(10, 0), "off_grid"),
    (T(10, 0), T(10, 0), "end_before_start"),
    (T(11, 0), T(10, 0), "end_before_start"),
])
def test_room_ranges_must_be_on_the_grid_and_forward(start, end, code):
    with pytest.raises(InvalidInput) as exc:
        check_grid(start, end)
    assert exc.value.code == code


def test_full_day_must_fit_both_halves_in_opening_hours():
    span = slot_span(CENTRE, dt.date(2026, 6, 1), "full_day")
    from smartwork.bookings.slots import parts_of

    assert inside_hours(parts_of(span, CENTRE), [(T(8, 0), T(18, 0))])
    assert inside_hours(parts_of(span, CENTRE), [(T(8, 0), T(12, 30)), (T(13, 30), T(18, 0))])
    assert not inside_hours(parts_of(span, CENTRE), [(T(8, 0), T(12, 30))])
    assert not inside_hours(parts_of(span, CENTRE), [(T(9, 0), T(18, 0))])


ZONES = st.sampled_from(["Europe/Brussels", "America/New_York", "Australia/Sydney",
                         "Asia/Kolkata", "UTC", "America/Sao_Paulo"])
GRID = st.integers(min_value=0, max_value=95).map(lambda q: T(q // 4, (q % 4) * 15))


@settings(max_examples=300, deadline=None)
@given(on=st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31)), tz=ZONES, a=GRID, b=GRID)
def test_ranges_round_trip_to_local_wall_time(on, tz, a, b):
    assume(a < b)
    centre = SimpleNamespace(timezone=tz)
    try:
        span = slot_span(centre, on, "range", a, b)
    except InvalidInput as exc:
        assert exc.code == "time_does_not_exist"
        return
    assert span.start < span.end
    assert to_local(span.start, tz).replace(tzinfo=None) == dt.datetime.combine(on, a)
    assert to_local(span.end, tz).replace(tzinfo=None) == dt.datetime.combine(on, b)
    wall = dt.datetime.combine(on, b) - dt.datetime.combine(on, a)
    # Elapsed time differs from wall time by at most the DST shift (an hour here).
    assert abs((span.end - span.start) - wall) <= dt.timedelta(hours=1)


@given(a=st.times(), b=st.times())
def test_off_grid_times_are_always_refused(a, b):
    on_grid = all(t.minute % 15 == 0 and t.second == 0 and t.microsecond == 0 for t in (a, b))
    try:
        check_grid(a, b)
    except InvalidInput as exc:
        assert (exc.code == "off_grid") == (not on_grid)
        assert on_grid or exc.code == "off_grid"
        return
    assert on_grid and a < b


INTERVAL = st.tuples(GRID, GRID).filter(lambda p: p[0] < p[1])


@settings(max_examples=300)
@given(intervals=st.lists(INTERVAL, max_size=3), busy=st.lists(INTERVAL, max_size=6))
def test_free_ranges_are_the_open_time_minus_the_busy_time(intervals, busy):
    # Opening intervals of a day do not overlap.
    intervals = sorted(intervals)
    assume(all(x[1] <= y[0] for x, y in itertools.pairwise(intervals)))
    free = free_ranges(intervals, busy)
    minutes = lambda t: t.hour * 60 + t.minute  # noqa: E731
    free_set = {m for a, b in free for m in range(minutes(a), minutes(b), 15)}
    open_set = {m for a, b in intervals for m in range(minutes(a), minutes(b), 15)}
    busy_set = {m for a, b in busy for m in range(minutes(a), minutes(b), 15)}
    assert free_set == open_set - busy_set
    assert all(a < b for a, b in free)
    assert all(x[1] <= y[0] for x, y in itertools.pairwise(free))
