"""Service levels: by when staff reply to a ticket and resolve it. Pure rules, no database.

A target is a duration counted on a calendar: round the clock, or in business hours (09:00-18:00,
Monday to Friday, in the billing zone, without public holidays and with the make-up working days
of the mainland's holiday arrangement, "调休"). `due_times` turns the submission instant (and the
latest reopening) and the two targets into the two due instants; `tickets.selectors.service_level_for`
reads the policy and the holidays that feed it.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Priority(models.TextChoices):
    """How urgent the customer says the ticket is (staff may change it). Stored; never renamed."""

    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


# What each urgency means, in plain words, under the choice on the form.
PRIORITY_MEANING = {
    Priority.LOW: _("A question or a request that can wait a few days."),
    Priority.NORMAL: _("Something does not work as expected, but streaming goes on."),
    Priority.HIGH: _("Streaming works only partly, or many viewers are affected."),
    Priority.URGENT: _("A live stream is down now. We answer around the clock, weekends and holidays included."),
}


class Calendar(models.TextChoices):
    BUSINESS_HOURS = "business_hours", _("Business hours (09:00-18:00 Monday to Friday, without public holidays)")
    ROUND_THE_CLOCK = "round_the_clock", _("Round the clock")


@dataclass(frozen=True)
class WorkingCalendar:
    """When the help desk counts time in business hours: the day's opening hours in `zone`, the
    weekdays worked, the public holidays off and the weekend days worked instead (make-up days)."""

    zone: ZoneInfo
    opens: time = time(9, 0)
    closes: time = time(18, 0)
    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    holidays: frozenset[date] = frozenset()
    makeup_workdays: frozenset[date] = frozenset()

    def works_on(self, day: date) -> bool:
        if day in self.makeup_workdays:
            return True
        return day.weekday() in self.workdays and day not in self.holidays

    def opening_on(self, day: date) -> datetime:
        return datetime.combine(day, self.opens, tzinfo=self.zone)

    def closing_on(self, day: date) -> datetime:
        return datetime.combine(day, self.closes, tzinfo=self.zone)


@dataclass(frozen=True)
class Target:
    """A policy's two targets for one issue type and priority, and the calendar they count on."""

    first_reply: timedelta
    resolution: timedelta
    calendar: Calendar


@dataclass(frozen=True)
class DueTimes:
    first_reply: datetime
    resolution: datetime


# A target is at most weeks of business hours; a year without a working day is a calendar error.
_LONGEST_SEARCH_DAYS = 366


def working_time_add(start: datetime, duration: timedelta, working: WorkingCalendar) -> datetime:
    """The instant `duration` of business hours after `start`. A start outside business hours
    counts from the next opening; a target that ends exactly at closing time is due then."""
    moment = start.astimezone(working.zone)
    left = duration
    day = moment.date()
    for _ in range(_LONGEST_SEARCH_DAYS * 2):
        if working.works_on(day):
            opening, closing = working.opening_on(day), working.closing_on(day)
            begin = max(moment, opening)
            if begin < closing:
                if left <= closing - begin:
                    return begin + left
                left -= closing - begin
        day += timedelta(days=1)
        moment = working.opening_on(day)
    raise ValueError("No working day within two years: check the holiday calendar.")


def due_times(
    *, submitted_at: datetime, target: Target, working: WorkingCalendar, reopened_at: datetime | None = None
) -> DueTimes:
    """The first-reply and resolution due instants of a ticket submitted at `submitted_at`; both
    count from the submission, except that a ticket the customer reopened owes a resolution again,
    counted from `reopened_at`, its latest reopening."""

    def due(start: datetime, duration: timedelta) -> datetime:
        if target.calendar == Calendar.ROUND_THE_CLOCK:
            return start + duration
        return working_time_add(start, duration, working)

    return DueTimes(
        first_reply=due(submitted_at, target.first_reply),
        resolution=due(reopened_at or submitted_at, target.resolution),
    )


def overdue_words(due: datetime, now: datetime) -> str:
    """How long ago `due` passed, coarse enough to read at a glance: "overdue by 2h 5m"."""
    late = now - due
    hours, seconds = divmod(max(int(late.total_seconds()), 0), 3600)
    days, hours = divmod(hours, 24)
    if days:
        return gettext("overdue by %(days)sd %(hours)sh") % {"days": days, "hours": hours}
    if hours:
        return gettext("overdue by %(hours)sh %(minutes)sm") % {"hours": hours, "minutes": seconds // 60}
    return gettext("overdue by %(minutes)sm") % {"minutes": max(seconds // 60, 1)}
