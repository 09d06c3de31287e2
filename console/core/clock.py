"""The one place every "now" comes from.

Outside demo mode this is the real time. In demo mode a presenter may shift it (the offset is
kept in `DemoClock`); `ClockMiddleware` reads the offset once per request, so pages don't pay a
query for each call.
"""

from contextvars import ContextVar
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

_request_offset: ContextVar[timedelta | None] = ContextVar("request_clock_offset", default=None)


def billing_zone() -> ZoneInfo:
    return ZoneInfo(settings.BILLING_TIME_ZONE)


def offset() -> timedelta:
    if not settings.DEMO_MODE:
        return timedelta(0)
    cached = _request_offset.get()
    if cached is not None:
        return cached
    return stored_offset()


def stored_offset() -> timedelta:
    from console.core.models import DemoClock

    return DemoClock.objects.filter(pk=1).values_list("offset", flat=True).first() or timedelta(0)


def now() -> datetime:
    return timezone.now() + offset()


def today() -> date:
    """Today's date in the billing zone."""
    return now().astimezone(billing_zone()).date()


def set_offset(value: timedelta) -> None:
    if not settings.DEMO_MODE:
        raise PermissionError("The clock can only be moved in demo mode")
    from console.core.models import DemoClock

    DemoClock.objects.update_or_create(pk=1, defaults={"offset": value})
    _request_offset.set(value)


def pin_request_offset() -> object:
    """Read the offset once for the current request; returns a token for `unpin`."""
    return _request_offset.set(stored_offset() if settings.DEMO_MODE else timedelta(0))


def unpin(token) -> None:
    _request_offset.reset(token)
