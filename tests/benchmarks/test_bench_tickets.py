"""The review queue and My tickets with 50,000 tickets (PostgreSQL).

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/css_console uv run pytest -m benchmark -s \
    tests/benchmarks/test_bench_tickets.py
"""

import os
import statistics
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse

from console.core import clock
from tickets.models import Ticket
from tickets.transitions import Status
from tests.factories import MemberFactory, PackageFactory, ReviewerFactory

TICKETS = int(os.environ.get("BENCH_TICKETS", 50_000))
ACCOUNTS = 200
RUNS = 30

pytestmark = [pytest.mark.benchmark, pytest.mark.postgres, pytest.mark.django_db]


def timed(client, url, params=None) -> tuple[float, float, int, float]:
    """Median and p95 wall time over RUNS requests, and the queries and SQL time of one of them."""
    durations: list[float] = []

    def clocked(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            durations.append((time.perf_counter() - start) * 1000)

    with connection.execute_wrapper(clocked):
        client.get(url, params)  # also the warm-up
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url, params)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], len(durations), sum(durations)


def test_the_queue_and_my_tickets_stay_fast_with_50000_tickets(client):
    members = [MemberFactory() for _ in range(ACCOUNTS)]
    packages = [PackageFactory(owner=member.account, kind="co_anchoring") for member in members]
    now = clock.now()
    statuses = list(Status)
    Ticket.objects.bulk_create(
        [
            Ticket(
                account=members[i % ACCOUNTS].account, raised_by=members[i % ACCOUNTS].user,
                product="css", issue_type="other", title=f"Ticket {i}", description="...",
                package=packages[i % ACCOUNTS] if i % 3 == 0 else None,
                contact_email="a@example.com", contact_phone="+86 13800000000",
                status=statuses[i % len(statuses)],
                resolved_at=now if statuses[i % len(statuses)] == Status.RESOLVED else None,
                created_at=now - timedelta(minutes=i), updated_at=now - timedelta(minutes=i),
            )
            for i in range(TICKETS)
        ],
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        # Fresh planner statistics, as autovacuum would have gathered on a live table.
        cursor.execute("ANALYZE tickets_ticket")
    queue = reverse("admin:tickets_ticket_changelist")
    client.force_login(ReviewerFactory())

    figures = {
        "queue, oldest first": timed(client, queue),
        "queue, open with a package": timed(client, queue, {"status__exact": "open", "has_package": "yes"}),
        "queue, over 7 days old": timed(client, queue, {"age": "gt7d"}),
        "queue, search by UIN": timed(client, queue, {"q": str(members[7].account.uin)}),
    }
    client.force_login(members[7].user)
    figures[f"My tickets ({TICKETS // ACCOUNTS} tickets)"] = timed(client, reverse("tickets:mine"))

    print(f"\n{TICKETS} tickets, {ACCOUNTS} accounts, {RUNS} requests each (test client, in-process)")
    for name, (median, p95, queries, sql_ms) in figures.items():
        print(f"  {name:<36} median {median:6.1f} ms  p95 {p95:6.1f} ms  {queries:2d} queries, {sql_ms:5.1f} ms SQL")
    # Times depend on the machine; the query counts must not depend on the 50,000 rows.
    assert all(queries <= 8 for _, _, queries, _ in figures.values())
