"""The clock every service and page reads (console.core.clock.now), pinned for a test."""

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
