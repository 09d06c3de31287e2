"""Real Celery workers against Redis, for the tests marked `celery` and the workers benchmark.

They start `celery -A console worker` processes (and `manage.py run_billing`) as subprocesses on
the test database, each run on a queue of its own in Redis database 14, and skip when Redis is
not reachable (.ci/run starts it). CELERY_TEST_BROKER_URL points them at another Redis.
"""

import os
import signal
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
BROKER_URL = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/14")


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(BROKER_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def database_url() -> str:
    """The test database as a DATABASE_URL, for the subprocesses."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class Cluster:
    """Workers and commands on one private queue; everything started is killed at the end."""

    env: dict
    queue: str
    tmp: Path
    processes: list[subprocess.Popen] = field(default_factory=list)

    def start(self, args: list[str], *, name: str, extra_env: dict | None = None) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "wb")
        process = subprocess.Popen(
            args, cwd=ROOT, env={**self.env, **(extra_env or {})}, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so a kill takes its children too
        )
        self.processes.append(process)
        return process

    def worker(self, name: str, *, app: str = "console", extra_env: dict | None = None) -> subprocess.Popen:
        """A worker with one pool process (prefork, as in production: the main process takes and
        acknowledges tasks, a child runs them)."""
        return self.start(
            [sys.executable, "-m", "celery", "-A", app, "worker", "--pool", "prefork", "--concurrency", "1",
             "--loglevel", "INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{name}-{self.queue}@%h"],
            name=name, extra_env=extra_env,
        )

    def workers_of(self, process: subprocess.Popen) -> list[int]:
        """The pool processes of a worker (its children)."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == process.pid:
                children.append(int(stat.parent.name))
        return children

    def manage(self, *args: str, name: str) -> subprocess.Popen:
        return self.start([sys.executable, "manage.py", *args], name=name)

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")

    @staticmethod
    def kill(process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture
def cluster(tmp_path):
    if not redis_reachable():
        pytest.skip(f"Redis is not reachable at {BROKER_URL} (.ci/run starts it)")
    import redis

    queue = f"css-test-{uuid.uuid4().hex[:10]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_QUEUE": queue,
        # A killed worker's task comes back after 3 s, looked for every second.
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "CELERY_RESTORE_INTERVAL": "1",
        "CONN_MAX_AGE": "0",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DEMO_MODE", None)
    running = Cluster(env=env, queue=queue, tmp=tmp_path)
    yield running
    for process in running.processes:
        if process.poll() is None:
            Cluster.kill(process)
    client = redis.Redis.from_url(BROKER_URL)
    client.delete(queue, *client.keys(f"{queue}*"), *client.keys(f"_kombu.binding.{queue}"))
