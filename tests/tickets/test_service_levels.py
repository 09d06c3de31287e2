"""The service-level rule (tickets/service_levels.py): pure, no database."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tickets.service_levels import Calendar, Target, WorkingCalendar, due_times, overdue_words, working_time_add

ZONE = ZoneInfo("Asia/Shanghai")
WORKING = WorkingCalendar(zone=ZONE)
FRIDAY_EVENING = datetime(2026, 12, 11, 19, 30, tzinfo=ZONE)


def at(month, day, hour, minute=0, year=2026):
    return datetime(year, month, day, hour, minute, tzinfo=ZONE)


def business(first_reply_hours, resolution_hours):
    return Target(timedelta(hours=first_reply_hours), timedelta(hours=resolution_hours), Calendar.BUSINESS_HOURS)


@pytest.mark.parametrize("target, first_reply, resolution", [
    (business(8, 45), at(12, 14, 17), at(12, 18, 18)),  # Low
    (business(4, 27), at(12, 14, 13), at(12, 16, 18)),  # Normal
    (business(2, 9), at(12, 14, 11), at(12, 14, 18)),  # High
    (Target(timedelta(minutes=30), timedelta(hours=4), Calendar.ROUND_THE_CLOCK), at(12, 11, 20), at(12, 11, 23, 30)),  # Urgent
], ids=["low", "normal", "high", "urgent"])
def test_a_friday_evening_ticket_is_due_on_monday_in_business_hours_and_tonight_round_the_clock(target, first_reply, resolution):
    due = due_times(submitted_at=FRIDAY_EVENING, target=target, working=WORKING)

    assert (due.first_reply, due.resolution) == (first_reply, resolution)


def test_a_reopened_ticket_owes_its_resolution_counted_from_the_reopening_and_its_first_reply_from_the_submission():
    due = due_times(submitted_at=at(12, 8, 10), target=business(4, 27), working=WORKING, reopened_at=at(12, 13, 10))

    # Reopened on a Sunday: 27 business hours from Monday 09:00.
    assert (due.first_reply, due.resolution) == (at(12, 8, 14), at(12, 16, 18))


def test_time_inside_business_hours_counts_from_the_submission():
    assert working_time_add(at(12, 8, 10, 15), timedelta(hours=2), WORKING) == at(12, 8, 12, 15)


def test_a_target_that_ends_at_closing_time_is_due_at_closing_not_the_next_morning():
    assert working_time_add(at(12, 8, 14), timedelta(hours=4), WORKING) == at(12, 8, 18)


def test_what_is_left_at_closing_time_carries_over_to_the_next_opening():
    assert working_time_add(at(12, 8, 17), timedelta(hours=2), WORKING) == at(12, 9, 10)


def test_a_ticket_submitted_before_opening_counts_from_nine():
    assert working_time_add(at(12, 8, 6, 30), timedelta(minutes=30), WORKING) == at(12, 8, 9, 30)


def test_public_holidays_are_skipped():
    national_day = WorkingCalendar(zone=ZONE, holidays=frozenset(date(2026, 10, day) for day in range(1, 8)))

    assert working_time_add(at(9, 30, 17), timedelta(hours=2), national_day) == at(10, 8, 10)


def test_a_make_up_working_day_on_a_weekend_counts():
    makeup = WorkingCalendar(zone=ZONE, makeup_workdays=frozenset({date(2026, 10, 10)}))

    assert working_time_add(at(10, 9, 17), timedelta(hours=2), makeup) == at(10, 10, 10)


def test_round_the_clock_ignores_weekends_and_holidays():
    christmas_week = WorkingCalendar(zone=ZONE, holidays=frozenset({date(2026, 12, 12)}))
    target = Target(timedelta(minutes=30), timedelta(hours=4), Calendar.ROUND_THE_CLOCK)

    due = due_times(submitted_at=at(12, 12, 23, 50), target=target, working=christmas_week)

    assert due.first_reply == at(12, 13, 0, 20)


def test_a_calendar_without_working_days_is_an_error_not_a_hang():
    with pytest.raises(ValueError):
        working_time_add(at(12, 8, 9), timedelta(hours=1), WorkingCalendar(zone=ZONE, workdays=frozenset()))


@pytest.mark.parametrize("late, words", [
    (timedelta(minutes=35), "overdue by 35m"),
    (timedelta(hours=2, minutes=10), "overdue by 2h 10m"),
    (timedelta(days=1, hours=3), "overdue by 1d 3h"),
    (timedelta(seconds=5), "overdue by 1m"),
])
def test_overdue_time_reads_in_words(late, words):
    due = at(12, 8, 12)

    assert overdue_words(due, due + late) == words
