import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


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
