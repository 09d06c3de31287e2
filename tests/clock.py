"""The clock every service and page reads (console.core.clock.now), pinned for a test; and the wall
clock the rate limits count in, pinned by the `rate_limits_pinned` fixture (tests/conftest.py)."""

from datetime import datetime

from console.core import clock


class PinnedClock:
    """Move it by assigning `at`."""

    def __init__(self, at: datetime):
        self.at = at


def clock_pinned(monkeypatch, at: datetime) -> PinnedClock:
    pinned = PinnedClock(at)
    monkeypatch.setattr(clock, "now", lambda: pinned.at)
    return pinned


# One rate-limit window for the whole test: django-ratelimit and our own counters count in fixed
# windows of the wall clock, so a test posting 11 times could straddle a minute's edge and count
# from zero again (seen under load).
PINNED_RATE_LIMIT_TIME = 1_900_000_000
