"""The benchmarks' Celery broker: Redis, on a database number of its own. Not production's
database 0, nor the Celery tests' 14 or the rate-limit tests' 15."""

import os

BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13")
