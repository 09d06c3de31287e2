import pytest
from django.db import connection

from console.core import clock


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
    from console.purchases.catalogue import reference_data_ensure

    reference_data_ensure()


@pytest.fixture
def demo_mode(settings, db):
    settings.DEMO_MODE = True
    # Pinned as a request pins it, so an offset the test sets ends with the test.
    token = clock.pin_request_offset()
    yield settings
    clock.unpin(token)
