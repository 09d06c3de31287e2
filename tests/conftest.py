import pytest
from django.db import connection


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


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher is slow on purpose; tests log in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
