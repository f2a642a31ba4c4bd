"""How dates, times and date ranges are written, in one place.

Pages, e-mails, PDFs and the tests' expectations all call these functions, so "1 Aug 2026" is
written the same way everywhere and a test never rebuilds a date with its own strftime. The
patterns are CLDR skeletons (through Babel), so each language gets its own order and month
names; English uses the British forms ("1 Aug 2026", "15–18 September 2026").
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_skeleton as _babel_format_skeleton
from babel.dates import get_timezone_name, parse_pattern
from flask import g, has_app_context

DEFAULT_LOCALE = "en"


def current_locale() -> str:
    """The language of the person reading (set by the i18n layer), English by default."""
    if has_app_context():
        return getattr(g, "locale_code", None) or DEFAULT_LOCALE
    return DEFAULT_LOCALE


@lru_cache(maxsize=64)
def _babel_locale(code: str) -> Locale:
    # English dates follow the British (and European) day-month order.
    return Locale.parse("en_GB" if code == "en" else code.replace("-", "_"))


def _loc(locale: str | None) -> Locale:
    return _babel_locale(locale or current_locale())


def format_skeleton(skeleton: str, value: date | datetime, locale: Locale) -> str:
    """Babel's format_skeleton, remembered for plain days: finding the pattern that fits a
    skeleton is most of its cost, and a page writes the same few days many times (a list of 50
    reviews, 100 dates). Moments are not remembered: two aware datetimes of the same instant in
    different zones compare equal but may fall on different days."""
    if type(value) is date:
        return _day_text(skeleton, value, locale)
    return _babel_format_skeleton(skeleton, value, locale=locale)


@lru_cache(maxsize=8192)
def _day_text(skeleton: str, value: date, locale: Locale) -> str:
    return _babel_format_skeleton(skeleton, value, locale=locale)


def day(value: date | datetime | None, locale: str | None = None, *, empty: str = "—") -> str:
    """"1 Aug 2026"."""
    if value is None:
        return empty
    return format_skeleton("yMMMd", value, locale=_loc(locale))


def long_day(value: date | datetime | None, locale: str | None = None, *, empty: str = "—") -> str:
    """"Saturday, 1 August 2026" (a weekday, for programmes and reminders)."""
    if value is None:
        return empty
    return format_skeleton("yMMMMEEEEd", value, locale=_loc(locale))


def full_day(value: date | datetime | None, locale: str | None = None, *, empty: str = "—") -> str:
    """"1 August 2026"."""
    if value is None:
        return empty
    return format_skeleton("yMMMMd", value, locale=_loc(locale))


def short_day(value: date | datetime | None, locale: str | None = None, *, empty: str = "—") -> str:
    """"Sat, 1 Aug" (a day within a known week or year)."""
    if value is None:
        return empty
    return format_skeleton("MMMEd", value, locale=_loc(locale))


def weekday_day(value: date | datetime | None, locale: str | None = None, *, empty: str = "—") -> str:
    """"Sat, 1 Aug 2026" (a deadline in a list)."""
    if value is None:
        return empty
    return format_skeleton("yMMMEd", value, locale=_loc(locale))


def weekday(value: date | datetime | None, locale: str | None = None, *, empty: str = "") -> str:
    """"Sat"."""
    if value is None:
        return empty
    return format_skeleton("E", value, locale=_loc(locale))


def day_month(value: date | datetime | None, locale: str | None = None, *, empty: str = "—") -> str:
    """"1 Aug"."""
    if value is None:
        return empty
    return format_skeleton("MMMd", value, locale=_loc(locale))


def month_year(value: date | datetime | None, locale: str | None = None, *, empty: str = "—") -> str:
    """"Aug 2026"."""
    if value is None:
        return empty
    return format_skeleton("yMMM", value, locale=_loc(locale))


def long_month_year(value: date | datetime | None, locale: str | None = None, *, empty: str = "—") -> str:
    """"August 2026"."""
    if value is None:
        return empty
    return format_skeleton("yMMMM", value, locale=_loc(locale))


_SHORT_MONTH = re.compile(r"(?<!M)MMM(?!M)")


def date_range(start: date | None, end: date | None, locale: str | None = None, *,
               empty: str | None = None) -> str:
    """A compact range: "15–18 September 2026", "28 September – 2 October 2026",
    "28 December 2026 – 2 January 2027"; one day is written as that day. No dates at all
    gives ``empty`` ("dates to be agreed" unless told)."""
    if start is None and end is None:
        if empty is None:
            from peerreview.i18n import gettext as _

            return _("dates to be agreed")
        return empty
    if start is None or end is None or start == end:
        return full_day(start or end, locale)
    if end < start:
        start, end = end, start
    if type(start) is date and type(end) is date:
        return _date_range(start, end, _loc(locale))
    return _date_range.__wrapped__(start, end, _loc(locale))


@lru_cache(maxsize=4096)
def _date_range(start: date, end: date, loc: Locale) -> str:
    field = "y" if start.year != end.year else "M" if start.month != end.month else "d"
    halves = loc.interval_formats["yMMMd"][field]
    text = "".join(parse_pattern(_SHORT_MONTH.sub("MMMM", pattern)).apply(instant, loc)
                   for pattern, instant in zip(halves, (start, end), strict=True))
    if field == "d":
        text = text.replace("\u2009–\u2009", "–")
    return text


def clock(value: time | datetime | None, locale: str | None = None, *, empty: str = "") -> str:
    """"14:05"."""
    if value is None:
        return empty
    return f"{value.hour:02d}:{value.minute:02d}"


def local_datetime(value: datetime | None, timezone: str | None = None) -> datetime | None:
    """A stored (naive UTC) moment as an aware datetime in ``timezone`` (UTC if none)."""
    if value is None:
        return None
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value
    return aware.astimezone(ZoneInfo(timezone) if timezone else UTC)


def zone_abbreviation(moment: datetime, locale: str | None = None) -> str:
    """"CEST", "EET", or the zone's name where no abbreviation is common."""
    abbreviation = moment.tzname() or ""
    if abbreviation and not abbreviation.startswith(("+", "-")):
        return abbreviation
    return get_timezone_name(moment, width="short", locale=_loc(locale))


def moment(value: datetime | None, timezone: str | None = None, locale: str | None = None, *,
           empty: str = "—") -> str:
    """A stored moment in a place's time, with the zone named: "1 Aug 2026, 14:05 CEST"."""
    local = local_datetime(value, timezone)
    if local is None:
        return empty
    # the day of the local moment as a plain day: the same text ("yMMMd" reads no hour), and
    # remembered (a list of 30 notes writes 30 moments)
    return f"{day(local.date(), locale)}, {clock(local)} {zone_abbreviation(local, locale)}"


def iso_utc(value: datetime | None) -> str:
    """For <time datetime="...">."""
    if value is None:
        return ""
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return aware.strftime("%Y-%m-%dT%H:%M:%SZ")


FILTERS = {
    "day": day,
    "long_day": long_day,
    "full_day": full_day,
    "short_day": short_day,
    "day_month": day_month,
    "weekday_day": weekday_day,
    "weekday": weekday,
    "month_year": month_year,
    "long_month_year": long_month_year,
    "clock": clock,
    "moment": moment,
    "iso_utc": iso_utc,
}


def register(app) -> None:
    """Template filters: ``{{ d|day }}``, ``{{ dt|moment(city.timezone) }}``; and the global
    ``date_range(start, end)``."""
    for name, fn in FILTERS.items():
        app.add_template_filter(fn, name)
    app.add_template_global(date_range, "date_range")
