"""`manage.py demo` is what people are shown: it serves like production (issue 23, item 24)."""

import re
import urllib.error
import urllib.request

import pytest


def fetch(url: str, **headers: str):
    try:
        return urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10)
    except urllib.error.HTTPError as error:
        return error


def test_a_wrong_address_answers_a_plain_404_without_the_debug_page(demo):
    answer = fetch(f"{demo.url}/no-such-page/")

    body = answer.read().decode()
    assert answer.status == 404
    assert "URLconf" not in body and "DEBUG = True" not in body


@pytest.fixture(scope="module")
def stylesheet(demo) -> str:
    login = fetch(f"{demo.url}/login/").read().decode()
    return re.search(r'<link rel="stylesheet" href="(/static/console/console\.[^"]+)"', login).group(1)


def test_static_files_are_named_by_their_content(stylesheet):
    assert re.fullmatch(r"/static/console/console\.[0-9a-f]{12}\.css", stylesheet)


def test_static_files_are_sent_compressed_and_cached_for_good(demo, stylesheet):
    answer = fetch(f"{demo.url}{stylesheet}", **{"Accept-Encoding": "gzip"})

    assert answer.headers["Content-Encoding"] == "gzip"
    assert "immutable" in answer.headers["Cache-Control"]


def test_pages_are_sent_compressed_to_a_browser_that_accepts_it(demo):
    answer = fetch(f"{demo.url}/login/", **{"Accept-Encoding": "gzip"})

    assert answer.headers["Content-Encoding"] == "gzip"
