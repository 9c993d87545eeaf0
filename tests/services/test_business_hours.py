"""Business-time arithmetic: opening hours, weekends, holidays, and strict settings."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured

from services import business_hours

LONDON = ZoneInfo("Europe/London")


def at(day, hour, minute=0, zone=LONDON):
    return datetime(2026, 1, day, hour, minute, tzinfo=zone)


@pytest.fixture
def office(sales_office):
    return business_hours.calendar()


def test_hours_within_one_working_day(office):
    assert office.hours_between(at(5, 10), at(5, 12, 30)) == 2.5


def test_time_outside_opening_hours_does_not_count(office):
    # Monday 07:00 to 20:00 is the whole working day, 8.5 hours.
    assert office.hours_between(at(5, 7), at(5, 20)) == 8.5


def test_a_weekend_is_skipped(office):
    # Friday 16:30 to Monday 10:00: one hour on Friday, one on Monday.
    assert office.hours_between(at(2, 16, 30), at(5, 10)) == 2
    assert office.add(at(2, 16, 30), 4) == at(5, 12)


def test_a_holiday_is_skipped_like_a_weekend(office):
    # Friday 9 January 16:30 + 4 h: Monday 12 is a holiday, so Tuesday 13 at 12:00.
    assert office.add(at(9, 16, 30), 4) == at(13, 12)
    assert office.hours_between(at(9, 16, 30), at(13, 12)) == 4


def test_a_start_out_of_hours_counts_from_the_next_opening(office):
    assert office.add(at(3, 11), 1) == at(5, 10)  # Saturday.
    assert office.add(at(5, 18), 0.75) == at(6, 9, 45)


def test_instants_in_another_zone_are_counted_in_the_sales_time_zone(office):
    new_york = ZoneInfo("America/New_York")
    # 05:00 in New York is 10:00 in London.
    assert office.hours_between(at(5, 5, zone=new_york), at(5, 11)) == 1


def test_no_time_passes_backwards(office):
    assert office.between(at(5, 12), at(5, 10)) == timedelta()
    assert office.add(at(5, 12), 0) == at(5, 12)


def test_hours_may_differ_by_day(settings):
    settings.SALES_HOURS = "Mon-Thu 09:00-17:30, Fri 09:00-12:00"
    settings.SALES_HOLIDAYS = []
    office = business_hours.calendar()
    assert office.hours_between(at(2, 8), at(5, 9, 30)) == 3.5


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("", "SALES_HOURS is empty"),
        ("Mon-Fri 9-17", "cannot read 'Mon-Fri 9-17'"),
        ("Mon-Fry 09:00-17:30", "'fry' is not a day"),
        ("Fri-Mon 09:00-17:30", "fri-mon runs backwards"),
        ("Mon-Fri 17:30-09:00", "17:30-09:00 closes before it opens"),
        ("Mon-Fri 09:00-25:00", "'25:00' is not a time of day"),
        ("Mon-Fri 09:00-17:00, Fri 09:00-12:00", "Fri is given twice"),
    ],
)
def test_malformed_hours_are_refused_naming_the_setting(settings, hours, message):
    settings.SALES_HOURS = hours
    with pytest.raises(ImproperlyConfigured, match=message):
        business_hours.calendar()


def test_a_malformed_holiday_or_time_zone_is_refused(settings):
    settings.SALES_HOLIDAYS = ["25/12/2026"]
    with pytest.raises(ImproperlyConfigured, match="SALES_HOLIDAYS: '25/12/2026' is not a date"):
        business_hours.calendar()
    settings.SALES_HOLIDAYS = []
    settings.SALES_TIMEZONE = "Europe/Nowhere"
    with pytest.raises(ImproperlyConfigured, match="SALES_TIMEZONE: 'Europe/Nowhere'"):
        business_hours.calendar()


@pytest.mark.parametrize(
    ("hours", "shown"), [(0.25, "15 min"), (1, "1 h"), (3 + 1 / 3, "3 h 20 min")]
)
def test_format_hours(hours, shown):
    assert business_hours.format_hours(hours) == shown
