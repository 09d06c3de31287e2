"""Rate limits hold across workers: the counters live in a cache every worker shares (the
database by default, Redis when CACHE_URL says so), and purchases are limited as refunds are."""

import os
import pickle
import subprocess
import sys
import textwrap
import threading
import types
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.console.core.lock_waits import wait_until_blocked
from tests.clock import PINNED_RATE_LIMIT_TIME
from tests.factories import MemberFactory, PackageFactory, spec

ROOT = Path(__file__).resolve().parents[3]
HTMX = {"HTTP_HX_REQUEST": "true"}
# Every process of a test counts in the same rate-limit window: django-ratelimit's clock pinned.
PINNED_TIME = PINNED_RATE_LIMIT_TIME


pytestmark = pytest.mark.usefixtures("rate_limits_pinned")


def test_without_cache_url_the_counters_live_in_the_database():
    assert django_settings.CACHES["default"]["BACKEND"] == "console.core.cache.DatabaseCache"


@pytest.mark.django_db(transaction=True)
def test_migrate_alone_creates_the_cache_table():
    # A database without the table, as `manage.py demo` or a deployment's `migrate` finds it:
    # what migrate sends when it is done (post_migrate) must create it, with no createcachetable.
    with connection.schema_editor() as editor:
        editor.execute(editor.sql_delete_table % {"table": editor.quote_name("console_cache")})

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert "console_cache" in connection.introspection.table_names()


def database_url() -> str:
    """The test database, as another process reaches it."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def post_in_another_process(*, user_id: int, url: str, times: int) -> None:
    """Another worker: a separate Python process on the same database, posting `times` times."""
    script = textwrap.dedent(f"""
        import types, django
        django.setup()
        import django_ratelimit.core
        django_ratelimit.core.time = types.SimpleNamespace(time=lambda: {PINNED_TIME})
        from django.contrib.auth import get_user_model
        from django.test import Client
        client = Client()
        client.force_login(get_user_model().objects.get(pk={user_id}))
        for _ in range({times}):
            client.post({url!r}, {{}}, HTTP_HX_REQUEST="true")
    """)
    unset = ("CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(DJANGO_SETTINGS_MODULE="console.settings", DATABASE_URL=database_url())
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db(transaction=True)
def test_refunds_posted_by_another_worker_count_towards_the_limit():
    member = MemberFactory()
    url = reverse("refund_confirm", args=[PackageFactory(owner=member.account).pk])
    post_in_another_process(user_id=member.user_id, url=url, times=10)
    client = Client()
    client.force_login(member.user)

    response = client.post(url, {}, **HTMX)

    assert response.status_code == 429


def buy(client, spec_obj):
    data = {
        "spec": spec_obj.pk, "shown_spec": spec_obj.pk, "shown_price": spec_obj.list_price,
        "idempotency_key": str(uuid.uuid4()), "voucher": "", "action": "buy",
    }
    return client.post(reverse("package_buy"), data, **HTMX)


@pytest.mark.django_db
def test_the_eleventh_purchase_within_a_minute_is_refused_with_429(client):
    member = MemberFactory()  # no balance: each attempt is refused, and still counts
    client.force_login(member.user)
    one = spec("traffic", "100 GB")
    for _ in range(10):
        assert buy(client, one).status_code != 429

    response = buy(client, one)

    assert response.status_code == 429
    assert "Too many purchases" in response.content.decode()


@pytest.mark.django_db
def test_asking_for_a_quote_does_not_count_as_a_purchase(client):
    member = MemberFactory()
    client.force_login(member.user)
    one, other = spec("traffic", "100 GB"), spec("traffic", "500 GB")
    for _ in range(10):
        client.post(reverse("package_buy"), {"spec": other.pk, "shown_spec": one.pk, "shown_price": one.list_price,
                                             "idempotency_key": str(uuid.uuid4())}, **HTMX)

    assert buy(client, one).status_code != 429


@pytest.mark.django_db
def test_the_purchase_limit_is_per_person(client):
    one = spec("traffic", "100 GB")
    client.force_login(MemberFactory().user)
    for _ in range(11):
        buy(client, one)
    other = Client()
    other.force_login(MemberFactory().user)

    assert buy(other, one).status_code != 429


# --- the database cache's increment ---------------------------------------------------------------


@pytest.mark.django_db
def test_incrementing_keeps_the_counters_expiry():
    cache.add("counter", 1, 3600)
    expires_before = cache_expiry("counter")

    cache.incr("counter")

    assert (cache.get("counter"), cache_expiry("counter")) == (2, expires_before)


def cache_expiry(key: str):
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM console_cache WHERE cache_key = %s", [cache.make_key(key)])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_incrementing_a_missing_counter_is_a_value_error_as_django_ratelimit_expects():
    with pytest.raises(ValueError):
        cache.incr("never-set")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_incrementing_one_counter_at_once_count_both(monkeypatch):
    from console.core import cache as cache_module

    cache.add("counter", 1, 60)
    read, release = threading.Event(), threading.Event()

    def loads_then_pause(data):
        # The first worker stops between reading the count and writing it back.
        value = pickle.loads(data)
        if threading.current_thread().name == "first" and not read.is_set():
            read.set()
            assert release.wait(30)
        return value

    monkeypatch.setattr(cache_module, "pickle", types.SimpleNamespace(loads=loads_then_pause, dumps=pickle.dumps))

    def incr():
        try:
            cache.incr("counter")
        finally:
            connection.close()

    first = threading.Thread(target=incr, name="first")
    first.start()
    assert read.wait(30)
    second = threading.Thread(target=incr, name="second")
    second.start()
    try:
        # The second worker waits for the first's row lock instead of reading the old count.
        wait_until_blocked("%console_cache%")
    finally:
        release.set()
        first.join()
        second.join()

    assert cache.get("counter") == 3


# --- Redis, the production setting ----------------------------------------------------------------


def redis_reachable() -> bool:
    try:
        import redis

        return redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_connect_timeout=0.5).ping()
    except Exception:  # noqa: BLE001 - any failure means: not here
        return False


@pytest.mark.skipif(not redis_reachable(), reason="needs Redis on 127.0.0.1:6379")
def test_with_cache_url_two_processes_count_in_one_redis_counter():
    key = f"h6-counter-{uuid.uuid4()}"
    script = textwrap.dedent(f"""
        import django
        django.setup()
        from django.conf import settings
        from django.core.cache import cache
        cache.add({key!r}, 0, 60)
        print(settings.CACHES["default"]["BACKEND"], cache.incr({key!r}))
    """)
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DJANGO_SETTINGS_MODULE="console.settings", CACHE_URL="redis://127.0.0.1:6379/15")

    outputs = []
    for _ in range(2):
        result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout.strip())

    assert outputs == ["django.core.cache.backends.redis.RedisCache 1", "django.core.cache.backends.redis.RedisCache 2"]
