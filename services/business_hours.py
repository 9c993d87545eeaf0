"""
Business time: the hours sales work (SALES_HOURS in SALES_TIMEZONE, without
SALES_HOLIDAYS), the time between two instants counted in those hours, and
the instant a number of business hours after a start.

Pure arithmetic on aware datetimes: no database. The calendar is read from
settings once per distinct value (tests that change the settings get a new
one), and a malformed value raises ImproperlyConfigured naming the setting:
services/apps.py builds it at start-up, so a bad value stops the site
starting instead of silently counting the wrong hours.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# "Mon-Fri 09:00-17:30" or "Mon 09:00-12:00" (one group); groups are comma-separated.
GROUP_RE = re.compile(
    r"(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+(?P<start>\d{2}:\d{2})-(?P<end>\d{2}:\d{2})",
    re.IGNORECASE,
)
HOURS_EXAMPLE = 'e.g. "Mon-Fri 09:00-17:30" or "Mon-Thu 09:00-17:30, Fri 09:00-16:00"'
# Longer than any real wait, so that a loop over days always ends.
MAX_DAYS = 366 * 5


def _clock(text, setting):
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise ImproperlyConfigured(f"{setting}: {text!r} is not a time of day (HH:MM).") from None


def parse_hours(value, setting="SALES_HOURS"):
    """{weekday number: (opening, closing)} from text such as "Mon-Fri 09:00-17:30"."""
    hours = {}
    groups = [group.strip() for group in str(value).split(",")]
    if not any(groups):
        raise ImproperlyConfigured(f"{setting} is empty: give the working hours, {HOURS_EXAMPLE}.")
    for group in groups:
        match = GROUP_RE.fullmatch(group)
        if not match:
            raise ImproperlyConfigured(
                f"{setting}: cannot read {group!r}; write days and hours, {HOURS_EXAMPLE}."
            )
        first, last = match["first"].lower(), (match["last"] or match["first"]).lower()
        for day in (first, last):
            if day not in DAYS:
                raise ImproperlyConfigured(
                    f"{setting}: {day!r} is not a day; use Mon, Tue, Wed, Thu, Fri, Sat, Sun."
                )
        if DAYS.index(last) < DAYS.index(first):
            raise ImproperlyConfigured(f"{setting}: {first}-{last} runs backwards.")
        start, end = _clock(match["start"], setting), _clock(match["end"], setting)
        if end <= start:
            raise ImproperlyConfigured(
                f"{setting}: {match['start']}-{match['end']} closes before it opens."
            )
        for weekday in range(DAYS.index(first), DAYS.index(last) + 1):
            if weekday in hours:
                raise ImproperlyConfigured(f"{setting}: {DAYS[weekday].title()} is given twice.")
            hours[weekday] = (start, end)
    return hours


def parse_holidays(values, setting="SALES_HOLIDAYS"):
    """A set of dates from ISO strings ("2026-12-25")."""
    holidays = set()
    for value in values:
        value = str(value).strip()
        if not value:
            continue
        try:
            holidays.add(date.fromisoformat(value))
        except ValueError:
            raise ImproperlyConfigured(
                f"{setting}: {value!r} is not a date; write dates as YYYY-MM-DD, comma-separated."
            ) from None
    return holidays


@dataclass(frozen=True)
class BusinessCalendar:
    zone: ZoneInfo
    hours: dict
    holidays: frozenset

    def _open_interval(self, day):
        """The day's working hours as two aware instants, or None on a closed day."""
        if day in self.holidays or day.weekday() not in self.hours:
            return None
        start, end = self.hours[day.weekday()]
        return (
            datetime.combine(day, start, tzinfo=self.zone),
            datetime.combine(day, end, tzinfo=self.zone),
        )

    def _days_from(self, moment):
        day = moment.astimezone(self.zone).date()
        for offset in range(MAX_DAYS):
            interval = self._open_interval(day + timedelta(days=offset))
            if interval:
                yield interval

    def between(self, start, end):
        """The business time from `start` to `end` (zero when end is not later)."""
        total = timedelta()
        if end <= start:
            return total
        for opens, closes in self._days_from(start):
            if opens >= end:
                break
            overlap = min(closes, end) - max(opens, start)
            if overlap > timedelta():
                total += overlap
        return total

    def hours_between(self, start, end):
        return self.between(start, end).total_seconds() / 3600

    def add(self, start, hours):
        """The instant `hours` business hours after `start`."""
        remaining = timedelta(hours=hours)
        if remaining <= timedelta():
            return start
        for opens, closes in self._days_from(start):
            begin = max(opens, start)
            if begin >= closes:
                continue
            if begin + remaining <= closes:
                return begin + remaining
            remaining -= closes - begin
        raise ValueError("No business hours in the next five years: check SALES_HOURS.")


@lru_cache(maxsize=8)
def _calendar(zone, hours, holidays):
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"SALES_TIMEZONE: {zone!r} is not a time zone (e.g. Europe/London)."
        ) from None
    return BusinessCalendar(tz, parse_hours(hours), frozenset(parse_holidays(holidays)))


def calendar():
    """The calendar the settings describe (SALES_TIMEZONE, SALES_HOURS, SALES_HOLIDAYS)."""
    return _calendar(settings.SALES_TIMEZONE, settings.SALES_HOURS, tuple(settings.SALES_HOLIDAYS))


def hours_between(start, end):
    return calendar().hours_between(start, end)


def add_hours(start, hours):
    return calendar().add(start, hours)


def format_hours(hours):
    """A business-time span as sales read it: "45 min", "3 h 20 min"."""
    minutes = round(hours * 60)
    if minutes < 60:
        return f"{minutes} min"
    whole, rest = divmod(minutes, 60)
    return f"{whole} h {rest} min" if rest else f"{whole} h"
