"""The billing-mode tests' moment: 18:00 on 8 December 2026 in Beijing, no usage yet that day
(where the `moment` fixture of tests/console/conftest.py starts)."""

from datetime import UTC, datetime

NOW = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
