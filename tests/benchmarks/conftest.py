"""What the benchmarks share: the Celery broker a production request hands its background work
to (a refund's receipt mail), so no timed request does work that only the embedded setup does in
the request (without a broker, tasks run eagerly, after the commit, inside it)."""

import pytest
import redis

from console.celery import app
from tests.benchmarks.broker import BROKER_URL


@pytest.fixture
def broker():
    """The benchmark's own Redis database, empty before and after the run. No worker reads it."""
    client = redis.Redis.from_url(BROKER_URL, socket_connect_timeout=1)
    try:
        client.flushdb()
    except redis.RedisError:
        pytest.skip(f"Redis is not reachable at {BROKER_URL} (.ci/run starts it)")
    yield client
    client.flushdb()


@pytest.fixture
def tasks_to_broker(broker):
    """This process's tasks go to the broker, as in production, instead of running eagerly."""
    eager, url = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, BROKER_URL
    yield broker
    app.conf.task_always_eager, app.conf.broker_url = eager, url
