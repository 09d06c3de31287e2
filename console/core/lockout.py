"""Login throttling (django-axes): who is locked out, until when, and the page that says so.

Axes records wrong passwords in AccessAttempt rows, one per user name, address and browser, each
counted until AXES_COOLOFF_TIME after its last failure. Three limits read those rows:

- AXES_FAILURE_LIMIT for one user name from one address (axes' own, AXES_LOCKOUT_PARAMETERS): a
  person mistyping locks only themselves, there; colleagues behind the same NAT still log in.
- LOGIN_FAILURE_LIMIT_PER_USERNAME for one user name from any address (one account guessed from
  many addresses).
- LOGIN_FAILURE_LIMIT_PER_ADDRESS for one address under any user name (one address trying names).

Axes applies one limit to all its parameter sets, so the two wider ones are this handler's. They
count the same rows, so one cool-off, the axes_reset_* commands and the admin's list of attempts
cover all three, and a dead cache switches none of them off.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


@dataclass(frozen=True)
class Lockout:
    limit: int  # the failures that locked it
    lifts_at: datetime


def lock_lifts_at(failures: Iterable[tuple[datetime, int]], *, limit: int, cool_off: timedelta) -> datetime | None:
    """When the failures still counted drop below `limit` (None: they already are). `failures` are
    (last failure, failures) rows; a row counts all its failures until `cool_off` after its last."""
    rows = sorted(failures)
    counted = sum(count for _, count in rows)
    if counted < limit:
        return None
    for last_failure, count in rows:
        counted -= count
        if counted < limit:
            return last_failure + cool_off
    return None  # unreachable: a limit is at least 1


class LoginThrottleHandler(AxesDatabaseHandler):
    """AXES_HANDLER: axes' database handler, plus the per-name and per-address limits."""

    def lockout(self, request: HttpRequest, credentials: dict | None = None) -> Lockout | None:
        """The lock on this login that lifts last, if any."""
        username = get_client_username(request, credentials)
        address = request.axes_ip_address
        rows = list(
            AccessAttempt.objects.filter(Q(username=username) | Q(ip_address=address))
            .filter(attempt_time__gte=get_cool_off_threshold(request))
            .values_list("username", "ip_address", "attempt_time", "failures_since_start")
        )
        layers = [
            (get_failure_limit(request, credentials), lambda name, ip: name == username and ip == address),
            (settings.LOGIN_FAILURE_LIMIT_PER_USERNAME, lambda name, ip: name == username),
            (settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS, lambda name, ip: ip == address),
        ]
        cool_off = get_cool_off(request)
        locks = []
        for limit, counts in layers:
            failures = [(last, count) for name, ip, last, count in rows if counts(name, ip)]
            lifts_at = lock_lifts_at(failures, limit=limit, cool_off=cool_off)
            if lifts_at is not None:
                locks.append(Lockout(limit=limit, lifts_at=lifts_at))
        return max(locks, key=lambda lock: lock.lifts_at, default=None)

    def is_locked(self, request: HttpRequest, credentials: dict | None = None) -> bool:
        return settings.AXES_LOCK_OUT_AT_FAILURE and self.lockout(request, credentials) is not None

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # Axes locks on its own limit as it records the failure; the wider limits lock on it too.
        if request is not None and not request.axes_locked_out and self.is_locked(request, credentials):
            request.axes_locked_out = True
            request.axes_credentials = credentials


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: 429 with the console's lockout page (why, for how long, the way back)
    and Retry-After, the seconds until the lock lifts."""
    lockout = AxesProxyHandler.get_implementation().lockout(request, credentials)
    lifts_at = lockout.lifts_at if lockout else timezone.now() + get_cool_off(request)
    seconds = max(1, math.ceil((lifts_at - timezone.now()).total_seconds()))
    context = {
        "failure_limit": lockout.limit if lockout else get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "cooloff_minutes": math.ceil(seconds / 60),
    }
    response = render(request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
    response["Retry-After"] = str(seconds)
    return response
