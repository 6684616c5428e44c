"""The business-day calendar behind every service time.

A business day is a weekday that is not a public holiday of
``settings.BUSINESS_CALENDAR_COUNTRY``. Deadlines are computed on the local calendar of
``settings.BUSINESS_CALENDAR_TIME_ZONE``, so "five business days from Friday 17:00" is
the next Friday at 17:00 local time, also across a DST change (the UTC offset moves, the
wall-clock time does not).

A moment outside business days (a Saturday, a holiday) starts counting from the start
(00:00) of the next business day: a claim filed on Sunday evening is due as if filed on
Monday morning.
"""

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.BUSINESS_CALENDAR_TIME_ZONE)


@lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays(country, years=year).keys())


def is_business_day(day: dt.date) -> bool:
    if day.weekday() >= 5:
        return False
    return day not in _holidays(settings.BUSINESS_CALENDAR_COUNTRY, day.year)


def next_business_day(day: dt.date) -> dt.date:
    """The first business day strictly after ``day``."""
    day += dt.timedelta(days=1)
    while not is_business_day(day):
        day += dt.timedelta(days=1)
    return day


def add_business_days(day: dt.date, n: int) -> dt.date:
    """The date ``n`` business days after ``day`` (``n`` >= 0)."""
    if n < 0:
        raise ValueError("n must be zero or positive")
    for _ in range(n):
        day = next_business_day(day)
    return day


def _localize(day: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime:
    naive = dt.datetime.combine(day, time)
    aware = naive.replace(tzinfo=zone, fold=0)
    # A wall-clock time inside a spring-forward gap does not exist; zoneinfo keeps the
    # pre-gap offset, and the round trip through UTC moves it forward past the gap.
    return aware.astimezone(dt.UTC).astimezone(zone)


def business_days_after(moment: dt.datetime, n: int) -> dt.datetime:
    """The aware moment ``n`` business days after ``moment``, at the same local time."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    zone = _zone()
    local = moment.astimezone(zone)
    day, time = local.date(), local.timetz().replace(tzinfo=None)
    if not is_business_day(day):
        day, time = next_business_day(day), dt.time(0, 0)
    return _localize(add_business_days(day, n), time, zone)


def business_days_between(start: dt.datetime, end: dt.datetime) -> int:
    """Whole business days from ``start`` until ``end`` (negative when ``end`` is past).

    Counts the business days whose end falls within the interval: from Monday 09:00 to
    Tuesday 09:00 is 1, to Monday 17:00 is 0. Rounds down: how late an overdue claim is.
    "Business days left" on a running deadline is ``business_days_left`` (rounds up).
    """
    if end < start:
        return -business_days_between(end, start)
    zone = _zone()
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    count, day = 0, local_start.date()
    time = local_start.timetz().replace(tzinfo=None)
    if not is_business_day(day):
        day, time = next_business_day(day), dt.time(0, 0)
    # Step one business day at a time; deadlines are days or weeks away, so this is short.
    while True:
        candidate = next_business_day(day)
        if _localize(candidate, time, zone) > local_end:
            return count
        count, day = count + 1, candidate


def business_days_left(now: dt.datetime, due: dt.datetime) -> int:
    """The business days left until ``due``, a started one counting as a whole one: the fewest
    ``n`` with ``business_days_after(now, n) >= due``; 0 once ``due`` has passed.

    What a deadline shows people. Right after a clock of five business days starts it is 5
    (``business_days_between`` would already say 4: a second has gone by), it drops to 4 when
    one whole business day has passed, and it is 1 during the last business day. A weekend or
    holiday in between takes nothing away.
    """
    if due <= now:
        return 0
    left = business_days_between(now, due)
    if business_days_after(now, left) < due:
        left += 1
    return left
