"""Pages answered to GET are gzipped; nothing that could carry a secret a guess could leak is."""

import gzip

import pytest
from django.urls import reverse

from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip"}


def test_a_page_answered_to_get_is_gzipped(client):
    member = MemberFactory()
    client.force_login(member.user)

    response = client.get(reverse("packages"), **GZIP)

    assert response["Content-Encoding"] == "gzip"
    assert b"<!doctype html>" in gzip.decompress(response.content)


def test_a_page_is_sent_plain_to_a_browser_that_does_not_accept_gzip(client):
    response = client.get(reverse("login"))

    assert not response.has_header("Content-Encoding")


def test_the_page_that_shows_a_new_secret_key_is_never_compressed(client):
    member = MemberFactory()
    client.force_login(member.user)

    response = client.post(reverse("api_keys"), **GZIP)

    assert response.status_code == 201
    assert not response.has_header("Content-Encoding")
    assert b"new-secret-key" in response.content


def test_a_csrf_token_is_masked_differently_in_two_compressed_pages(client):
    first = gzip.decompress(client.get(reverse("login"), **GZIP).content).decode()
    second = gzip.decompress(client.get(reverse("login"), **GZIP).content).decode()

    token = 'name="csrfmiddlewaretoken" value="'
    assert first.split(token)[1][:64] != second.split(token)[1][:64]
