"""The moment every arrears test starts at, and the billing-zone day its bill is for."""

from datetime import UTC, datetime, timedelta

from console.core import clock

NOW = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
DAY = NOW.astimezone(clock.billing_zone()).date() - timedelta(days=1)
