import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from console.core import clock
from tests.clock import PINNED_RATE_LIMIT_TIME


def pytest_configure(config):
    """Benchmarks measure: a run that selects them (`-m benchmark`) stays in this one process,
    with no pytest-xdist workers competing for the cores (before xdist's own configure, which
    reads these options)."""
    expression = config.option.markexpr or ""
    if "benchmark" in expression and "not benchmark" not in expression:
        config.option.numprocesses = 0
        config.option.dist = "no"
        config.option.tx = []


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(
                pytest.mark.skipif(
                    not _on_postgres(), reason="needs PostgreSQL (set DATABASE_URL=postgres://...)"
                )
            )


def _on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """The SQLite test database lives in this run's own temporary folder, so two runs in one
    checkout (an editor's and a terminal's) never share, and corrupt, one file. A file, not
    memory, so the live server of browser tests and threads share it. PostgreSQL keeps Django's
    test_ name on the server."""
    database = django_settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")


# A run that tests nothing must not pass. pytest exits 5 when nothing was collected, but a run
# whose every test was skipped (no Chromium, no PostgreSQL, a -m that leaves only skipped ones)
# exits 0 and reads as green. So when no test passed, a run that would have exited 0 exits 5
# too, and says why (CI and the README's `uv run pytest` both go through here). --collect-only
# runs nothing on purpose and is left alone.
_passed: list[str] = []
_ran_nothing = pytest.StashKey[bool]()


def pytest_runtest_logreport(report):
    if report.when == "call" and report.passed:
        _passed.append(report.nodeid)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    if exitstatus == pytest.ExitCode.OK and not _passed and not session.config.option.collectonly:
        session.exitstatus = pytest.ExitCode.NO_TESTS_COLLECTED
        session.config.stash[_ran_nothing] = True


def pytest_terminal_summary(terminalreporter, config):
    if config.stash.get(_ran_nothing, False):
        terminalreporter.write_line(
            "No test passed (all skipped or deselected): exiting 5, as for a run that collected nothing.",
            red=True,
        )


@pytest.fixture(autouse=True)
def language_left_as_found():
    """A request through the test client activates its language in this thread and leaves it
    active: every test ends by putting the default back, so no later test reads Chinese (tests
    that ask for Chinese live in several areas, and pytest-django runs the database-free ones last)."""
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher is slow on purpose; tests log in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def reference_data(request):
    """Every test that uses the database starts with the price list the data migrations load.

    A transactional test (live server, threads, real commits) ends by emptying every table, the
    price list included, and the tests after it may run in any order; so each database test
    checks the list is there (one query) and loads it back when it is not."""
    fixtures = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or (
        "transactional_db" in fixtures or "live_server" in fixtures
    )
    if transactional:
        request.getfixturevalue("transactional_db")
    elif marker is not None or "db" in fixtures:
        request.getfixturevalue("db")
    else:
        return
    from console.packages.models import PackageSpec
    from console.purchases.catalogue import reference_data_ensure
    from tickets.models import ServiceLevel
    from tickets.reference_data import reference_data_ensure as help_desk_reference_data_ensure

    if not PackageSpec.objects.exists():
        reference_data_ensure()
    # The help desk's service-level policy and holidays, likewise; not while a migration test has
    # walked the database back to before their table.
    if "migration_history" not in fixtures and not ServiceLevel.objects.exists():
        help_desk_reference_data_ensure()


@pytest.fixture(autouse=True)
def demo_clock_forgotten_after_each_test():
    """`clock.set_offset` keeps the offset in the calling thread's context, as a request pins it.
    A test that moves the clock keeps it in the test thread, which runs every later test of this
    process: forget it after each test, so no test runs at another's time (`demo_mode` pins and
    unpins inside this)."""
    token = clock._request_offset.set(None)
    yield
    clock._request_offset.reset(token)


@pytest.fixture
def demo_mode(settings, db):
    settings.DEMO_MODE = True
    # Pinned as a request pins it, so an offset the test sets ends with the test.
    token = clock.pin_request_offset()
    yield settings
    clock.unpin(token)


@pytest.fixture
def rate_limits_pinned(settings, monkeypatch):
    """The rate limits count in one window of the wall clock (PINNED_RATE_LIMIT_TIME), from empty."""
    import types

    import django_ratelimit.core
    from django.core.cache import caches

    from console.core import rate_limits

    settings.RATELIMIT_ENABLE = True
    pinned = types.SimpleNamespace(time=lambda: PINNED_RATE_LIMIT_TIME)
    monkeypatch.setattr(django_ratelimit.core, "time", pinned)
    monkeypatch.setattr(rate_limits, "time", pinned)
    caches[django_settings.API_READ_RATE_LIMIT_CACHE].clear()


class Migrator:
    """Moves the test database to a migration and answers the historical models there."""

    def migrate(self, *targets: tuple[str, str]):
        MigrationExecutor(connection).migrate(list(targets))
        return MigrationExecutor(connection).loader.project_state(list(targets)).apps


@pytest.fixture(scope="module")
def _latest_after_the_module(django_db_setup, django_db_blocker):
    """Migration tests walk the history back and forth; the database comes back to the latest
    migrations once, when their module is done, not after every test (a walk over the whole graph
    costs seconds). Each test migrates to what it needs from wherever the last one left it."""
    # Django's CreateExtension skips other databases going forwards but not backwards (it asks
    # PostgreSQL's catalogue): on SQLite an extension never existed, so there is nothing to undo.
    from django.contrib.postgres.operations import CreateExtension

    original = CreateExtension.database_backwards

    def backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            original(self, app_label, schema_editor, from_state, to_state)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CreateExtension, "database_backwards", backwards)
        yield
        with django_db_blocker.unblock():
            executor = MigrationExecutor(connection)
            executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def migration_history(_latest_after_the_module, transactional_db):
    """A test that moves the database through its migrations (see `_latest_after_the_module`)."""


@pytest.fixture
def migrator(migration_history):
    """A `Migrator` (see `migration_history`)."""
    return Migrator()
