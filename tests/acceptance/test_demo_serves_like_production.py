"""`manage.py demo` is what people are shown: it serves like production (issue 23, item 24)."""

import base64
import hashlib
import re
import urllib.error
import urllib.request

import pytest


def fetch(url: str, **headers: str):
    try:
        return urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10)
    except urllib.error.HTTPError as error:
        return error


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_a_wrong_address_answers_a_plain_404_without_the_debug_page(demo):
    answer = fetch(f"{demo.url}/no-such-page/")

    body = answer.read().decode()
    assert answer.status == 404
    assert "URLconf" not in body and "DEBUG = True" not in body


@pytest.fixture(scope="module")
def script(demo) -> str:
    login = fetch(f"{demo.url}/login/").read().decode()
    return re.search(r'<script src="(/static/console/console\.[^"]+)"', login).group(1)


def test_static_files_are_named_by_their_content(script):
    assert re.fullmatch(r"/static/console/console\.[0-9a-f]{12}\.js", script)


def test_static_files_are_sent_compressed_and_cached_for_good(demo, script):
    answer = fetch(f"{demo.url}{script}", **{"Accept-Encoding": "gzip"})

    assert answer.headers["Content-Encoding"] == "gzip"
    assert "immutable" in answer.headers["Cache-Control"]


def test_pages_are_sent_compressed_to_a_browser_that_accepts_it(demo):
    answer = fetch(f"{demo.url}/login/", **{"Accept-Encoding": "gzip"})

    assert answer.headers["Content-Encoding"] == "gzip"


def test_pages_carry_their_stylesheets_allowed_by_hash_and_nothing_else_inline(demo):
    answer = fetch(f"{demo.url}/login/")
    page = answer.read().decode()
    policy = answer.headers["Content-Security-Policy"]

    styles = re.findall(r"<style>(.*?)</style>", page, flags=re.S)
    style_src = next(d for d in policy.split(";") if d.strip().startswith("style-src")).split()[1:]
    assert styles and 'rel="stylesheet"' not in page
    assert sorted(style_src) == sorted(["'self'", *(sha256_source(style) for style in styles)])
