"""Two test runs in one checkout share nothing on disk."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's test database is on the server")
def test_the_sqlite_test_database_is_in_this_runs_own_temporary_folder(tmp_path_factory):
    database = Path(connection.settings_dict["NAME"])

    assert not database.is_relative_to(settings.BASE_DIR)
    assert database.is_relative_to(tmp_path_factory.getbasetemp())
