import pytest
from django.db import connection

from console import clock


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


@pytest.fixture(scope="session", autouse=True)
def translations_compiled():
    """The Chinese catalogue is compiled here, not committed (.ci/run compiles it too): a fresh
    clone's `uv run pytest` compiles locale/*.po when its .mo is missing or older than the .po."""
    from console.i18n import messages_compile_if_stale

    messages_compile_if_stale()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher is slow on purpose; tests log in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def reference_data_after_flush(request):
    """Transactional tests end by emptying every table, the price list the data migrations
    loaded included; each one starts by putting it back."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from console.catalogue import reference_data_ensure

    reference_data_ensure()


@pytest.fixture
def demo_mode(settings, db):
    settings.DEMO_MODE = True
    # Pinned as a request pins it, so an offset the test sets ends with the test.
    token = clock.pin_request_offset()
    yield settings
    clock.unpin(token)
