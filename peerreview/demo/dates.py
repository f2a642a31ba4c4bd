"""Dates of the demo, relative to the day it is loaded, that obey the application's rules.

A visit takes place on consecutive working days (Monday to Friday), never over a weekend or the
Christmas and New Year holidays (20 December to 6 January). Reports are issued, and most
things happen, on working days. Whatever the day the demo is loaded (a Sunday, 29 February,
New Year's Eve), the same rules hold.
"""

from __future__ import annotations

from datetime import date, timedelta


def is_holiday(day: date) -> bool:
    return (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day <= 6)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_holiday(day)


def fits(start: date, days: int) -> bool:
    """A visit of ``days`` days from ``start`` falls on working days only."""
    return all(is_working_day(start + timedelta(days=i)) for i in range(days))


def visit_start(target: date, days: int) -> date:
    """The start nearest to ``target`` of a visit that fits (the earlier one on a tie)."""
    for shift in range(0, 60):
        for candidate in (target - timedelta(days=shift), target + timedelta(days=shift)):
            if fits(candidate, days):
                return candidate
    raise ValueError(f"no working week near {target}")  # pragma: no cover - cannot happen


def current_visit_start(today: date, days: int) -> date:
    """The start of a visit that is going on today, or (on a weekend, a Monday or a holiday)
    the one that ended last: it started before today, so its first day is behind us."""
    for back in range(1, days):
        start = today - timedelta(days=back)
        if fits(start, days):
            return start
    for back in range(days, 60):
        start = today - timedelta(days=back)
        if fits(start, days):
            return start
    raise ValueError(f"no working week before {today}")  # pragma: no cover


def working_day(target: date, *, not_after: date | None = None) -> date:
    """The working day nearest to ``target``, looking back first (and never after ``not_after``)."""
    for shift in range(0, 30):
        for candidate in (target - timedelta(days=shift), target + timedelta(days=shift)):
            if is_working_day(candidate) and (not_after is None or candidate <= not_after):
                return candidate
    raise ValueError(f"no working day near {target}")  # pragma: no cover


def working_day_before(limit: date) -> date:
    """The last working day strictly before ``limit``."""
    day = limit - timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day
