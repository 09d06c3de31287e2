"""Pages carry their stylesheets in <style> elements, each allowed by the Content-Security-Policy
by its SHA-256 and no other inline style (console.core.inline_styles)."""

import base64
import hashlib
import re

import pytest
from django.template.loader import get_template
from django.urls import reverse

from tests.factories import MemberFactory, TicketFactory

pytestmark = pytest.mark.django_db


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def style_src(response) -> list[str]:
    directive = next(d for d in response["Content-Security-Policy"].split(";") if d.strip().startswith("style-src"))
    return directive.split()[1:]


def inline_styles(response) -> list[str]:
    return re.findall(r"<style>(.*?)</style>", response.content.decode(), flags=re.S)


@pytest.fixture
def owner(client):
    member = MemberFactory()
    client.force_login(member.user)
    return member


@pytest.fixture
def owner_client(client, owner):
    return client


def test_the_login_page_carries_its_stylesheets_instead_of_linking_them(client):
    response = client.get(reverse("login"))

    assert inline_styles(response)
    assert 'rel="stylesheet"' not in response.content.decode()


def test_the_policy_names_exactly_the_hashes_of_the_styles_the_page_carries(owner_client):
    response = owner_client.get(reverse("packages"))

    assert sorted(style_src(response)) == sorted(["'self'", *map(sha256_source, inline_styles(response))])


def test_the_policy_still_allows_no_inline_style_but_its_own(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]

    assert "unsafe-inline" not in policy and "nonce-" not in policy


def test_a_stylesheet_two_parts_of_a_page_ask_for_is_written_once(owner_client):
    # The notifications list and the bell in its top bar both use notifications.css.
    styles = inline_styles(owner_client.get(reverse("notifications:list")))

    assert len(styles) == len(set(styles))


def test_a_fragment_for_htmx_links_its_stylesheet_because_the_page_policy_names_no_hash_for_it(owner_client, owner):
    # The close-ticket confirmation is a <dialog> htmx appends to the page: the page's policy rules it.
    ticket = TicketFactory(member=owner)

    response = owner_client.get(reverse("tickets:close", args=[ticket.pk]), headers={"HX-Request": "true"})

    assert not inline_styles(response)
    assert 'rel="stylesheet" href="/static/console/confirm.css"' in response.content.decode()


def test_the_same_confirmation_as_a_page_carries_its_stylesheet(owner_client, owner):
    ticket = TicketFactory(member=owner)

    response = owner_client.get(reverse("tickets:close", args=[ticket.pk]))

    assert any(".confirm" in style for style in inline_styles(response))


def test_a_page_drawn_without_a_request_links_its_stylesheet(client):
    # The 500 page is drawn from a bare context: it has no response of its own policy to extend.
    html = get_template("500.html").render({})

    assert 'rel="stylesheet" href="/static/console/console.css"' in html
