import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


class Migrator:
    """Moves the test database to a migration and answers the historical models there."""

    def migrate(self, *targets: tuple[str, str]):
        MigrationExecutor(connection).migrate(list(targets))
        return MigrationExecutor(connection).loader.project_state(list(targets)).apps


@pytest.fixture
def migrator(monkeypatch, transactional_db):
    """A `Migrator`; the database is migrated to the latest migrations again afterwards."""
    # Django's CreateExtension skips other databases going forwards but not backwards (it asks
    # PostgreSQL's catalogue): on SQLite an extension never existed, so there is nothing to undo.
    from django.contrib.postgres.operations import CreateExtension

    original = CreateExtension.database_backwards

    def backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            original(self, app_label, schema_editor, from_state, to_state)

    monkeypatch.setattr(CreateExtension, "database_backwards", backwards)
    yield Migrator()
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
