import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from lib.business_days import (
    add_business_days,
    business_days_after,
    business_days_between,
    business_days_left,
    is_business_day,
)

STHLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture(autouse=True)
def _calendar(settings):
    settings.BUSINESS_CALENDAR_COUNTRY = "SE"
    settings.BUSINESS_CALENDAR_TIME_ZONE = "Europe/Stockholm"


def at(*args):
    return dt.datetime(*args, tzinfo=STHLM)


def test_friday_1700_plus_five_is_next_friday_1700():
    assert business_days_after(at(2026, 11, 20, 17, 0), 5) == at(2026, 11, 27, 17, 0)


def test_holiday_inside_the_window_is_skipped():
    # Christmas Day (Fri 25 Dec 2026) is a Swedish public holiday.
    assert business_days_after(at(2026, 12, 21, 10, 0), 5) == at(2026, 12, 29, 10, 0)
    assert business_days_after(at(2026, 12, 24, 9, 0), 1) == at(2026, 12, 28, 9, 0)


def test_dst_change_keeps_the_wall_clock_time():
    start = at(2026, 10, 23, 17, 0)  # CEST, UTC+2
    due = business_days_after(start, 5)  # Friday after summer time ended on 25 Oct
    assert due == at(2026, 10, 30, 17, 0)
    assert due.utcoffset() == dt.timedelta(hours=1)
    assert due.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(days=7, hours=1)


def test_end_of_year_and_new_years_day():
    assert business_days_after(at(2026, 12, 30, 12, 0), 3) == at(2027, 1, 5, 12, 0)


def test_weekend_start_counts_from_next_business_morning():
    assert business_days_after(at(2026, 11, 21, 10, 0), 1) == at(2026, 11, 24, 0, 0)


def test_zero_days_on_a_business_day_is_the_same_moment():
    assert business_days_after(at(2026, 11, 24, 8, 30), 0) == at(2026, 11, 24, 8, 30)


def test_utc_input_is_converted_to_the_calendar_zone():
    moment = dt.datetime(2026, 11, 20, 16, 0, tzinfo=dt.UTC)  # 17:00 in Stockholm
    assert business_days_after(moment, 5) == at(2026, 11, 27, 17, 0)


def test_naive_moment_is_refused():
    with pytest.raises(ValueError):
        business_days_after(dt.datetime(2026, 11, 20, 17, 0), 5)


def test_is_business_day():
    assert is_business_day(dt.date(2026, 11, 24))
    assert not is_business_day(dt.date(2026, 11, 22))  # Sunday
    assert not is_business_day(dt.date(2027, 1, 1))  # New Year's Day
    assert add_business_days(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 4)


def test_holiday_calendar_comes_from_settings(settings):
    settings.BUSINESS_CALENDAR_COUNTRY = "US"
    # 26 Nov 2026 is Thanksgiving in the US, a normal Thursday in Sweden.
    assert not is_business_day(dt.date(2026, 11, 26))
    settings.BUSINESS_CALENDAR_COUNTRY = "SE"
    assert is_business_day(dt.date(2026, 11, 26))


def test_business_days_between():
    monday = at(2026, 11, 23, 9, 0)
    assert business_days_between(monday, at(2026, 11, 24, 9, 0)) == 1
    assert business_days_between(monday, at(2026, 11, 23, 17, 0)) == 0
    assert business_days_between(monday, business_days_after(monday, 5)) == 5
    assert business_days_between(at(2026, 11, 24, 9, 0), monday) == -1


def test_business_days_left_rounds_a_started_day_up():
    start = at(2026, 11, 20, 17, 0)  # Friday
    due = business_days_after(start, 5)
    assert business_days_left(start, due) == 5
    assert business_days_left(start + dt.timedelta(seconds=1), due) == 5  # between() says 4 here
    assert business_days_between(start + dt.timedelta(seconds=1), due) == 4
    assert business_days_left(at(2026, 11, 22, 12, 0), due) == 5  # Sunday
    assert business_days_left(at(2026, 11, 23, 17, 0), due) == 4
    assert business_days_left(at(2026, 11, 27, 16, 59), due) == 1
    assert business_days_left(due, due) == 0
    assert business_days_left(due + dt.timedelta(days=3), due) == 0


def test_business_days_left_across_a_holiday_and_dst():
    # Wednesday 23 Dec 2026: Christmas Day and Boxing Day are holidays.
    start = at(2026, 12, 23, 15, 0)
    due = business_days_after(start, 5)
    assert due == at(2026, 12, 31, 15, 0)
    assert business_days_left(at(2026, 12, 25, 9, 0), due) == 4  # Thursday the 24th has gone by
    # Summer time ends on 25 Oct 2026: the local wall-clock still counts whole days.
    start = at(2026, 10, 23, 17, 0)
    due = business_days_after(start, 5)
    assert business_days_left(start + dt.timedelta(minutes=1), due) == 5
    assert business_days_left(at(2026, 10, 26, 17, 0), due) == 4


@pytest.mark.parametrize("n", [1, 2, 3, 5, 10])
def test_business_days_left_inverts_business_days_after(n):
    for start in (at(2026, 11, 20, 17, 0), at(2026, 11, 21, 10, 0), at(2026, 4, 2, 10, 0)):
        due = business_days_after(start, n)
        assert business_days_left(start, due) == n
