"""Rate limits (django-ratelimit), failing open when the cache that counts them is unreachable.

A rate limit slows down scripts hammering a view; it decides nothing about money. So when the
cache behind the counters fails (Redis down, a network blip), the request goes on as if under the
limit and the failure is logged, instead of a refund or a balance answering 500. Every view and
the API count through `rate_limit_exceeded`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

logger = logging.getLogger("console.rate_limits")


def rate_limit_exceeded(
    request: HttpRequest,
    *,
    group: str,
    key: str | Callable[[str, HttpRequest], str],
    rate: str,
    method: str | tuple = ALL,
) -> bool:
    """Count this request against `rate` for `key` in `group`; whether it is over the limit.
    An unreachable cache counts nothing and answers False (logged)."""
    try:
        return is_ratelimited(
            request, group=group, key=key, rate=rate, method=method, increment=True
        )
    except Exception:
        logger.warning("Rate limit %s not counted: the cache failed; letting the request through.", group, exc_info=True)
        return False



_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def counted_over_limit(*, cache_alias: str, group: str, key: str, rate: str) -> bool:
    """Count one call for `key` in `group` against `rate` ("20/s", "100/m") in the cache named
    `cache_alias`, in fixed windows as django-ratelimit counts; whether it is over the limit.
    For counters that must not live in the database (an API read writes nothing): the cache's
    own atomic add and incr, nothing else. An unreachable cache counts nothing (logged)."""
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return False
    limit, _, unit = rate.partition("/")
    multiple, letter = (unit[:-1] or "1"), unit[-1:]
    period = int(multiple) * _PERIODS[letter]
    window = int(time.time()) // period
    counter = f"rl:{group}:{key}:{window}"
    try:
        cache = caches[cache_alias]
        cache.add(counter, 0, timeout=period + 1)
        count = cache.incr(counter)
    except Exception:
        logger.warning("Rate limit %s not counted: the cache failed; letting the request through.", group, exc_info=True)
        return False
    return count > int(limit)
