import pytest


class MovableClock:
    """`clock.now()` for a test that moves through days: it reads `now`, which the test sets."""

    def __init__(self, now):
        self.now = now


@pytest.fixture
def moment(monkeypatch):
    """The clock pinned at the billing-mode tests' moment (tests/console/billing_modes/moments.py),
    movable: `moment.now = ...`."""
    from console.core import clock
    from tests.console.billing_modes.moments import NOW

    pinned = MovableClock(NOW)
    monkeypatch.setattr(clock, "now", lambda: pinned.now)
    return pinned
