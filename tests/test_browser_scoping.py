"""tests/browser/conftest.py marks, and without Chromium skips, its own folder's tests only; the
acceptance suite skips its own Chromium journeys (tests/acceptance/conftest.py)."""

from pathlib import Path

from tests.browser import conftest as browser_conftest

TESTS = Path(__file__).resolve().parent


class _Item:
    """What the hook reads of a collected item: where it lives, and the markers added to it."""

    def __init__(self, path: Path):
        self.path, self.markers = path, []

    def add_marker(self, marker):
        self.markers.append(marker.mark if hasattr(marker, "mark") else marker)


def test_the_hook_marks_and_skips_the_browser_folder_and_leaves_the_rest_alone(monkeypatch):
    monkeypatch.setattr(browser_conftest, "CHROMIUM", "/nonexistent/chromium")
    browser, other = _Item(TESTS / "browser" / "test_login.py"), _Item(TESTS / "test_status.py")

    browser_conftest.pytest_collection_modifyitems(config=None, items=[browser, other])

    assert [mark.name for mark in browser.markers] == ["browser", "skip"]
    assert other.markers == []


def test_no_test_this_run_selected_outside_tests_browser_is_marked_browser(request):
    # Every item of this run, whatever the -m, -k or paths: pytest gives the hook them all.
    for item in request.session.items:
        in_browser_folder = item.path.resolve().is_relative_to(TESTS / "browser")
        assert (item.get_closest_marker("browser") is not None) == in_browser_folder, item.nodeid
        in_acceptance_journey = item.path.resolve().is_relative_to(TESTS / "acceptance") and "page" in item.fixturenames
        if not in_browser_folder and not in_acceptance_journey:
            assert not any("Chromium" in m.kwargs.get("reason", "") for m in item.iter_markers("skip")), item.nodeid

