import pytest

from console.core import clock
from tests.console.arrears.moments import NOW


@pytest.fixture
def now(monkeypatch):
    """The clock every service reads, pinned at NOW; tests move it by assigning `now.at`."""

    class Pinned:
        at = NOW

    monkeypatch.setattr(clock, "now", lambda: Pinned.at)
    return Pinned
