"""Rate limits (django-ratelimit), failing open when the cache that counts them is unreachable.

A rate limit slows down scripts hammering a view; it decides nothing about money. So when the
cache behind the counters fails (Redis down, a network blip), the request goes on as if under the
limit and the failure is logged, instead of a refund or a balance answering 500. Every view and
the API count through `rate_limit_exceeded`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

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

