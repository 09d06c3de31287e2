"""Issue 23, item 20: the ticket form's product search matches partial words and both languages'
names, whichever language the page is in."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tickets.catalogue import product_search

SUBMIT = reverse("tickets:submit")
RESULTS = {"HX-Request": "true", "HX-Target": "product-results"}


def found(query: str, language: str) -> list[str]:
    with translation.override(language):
        return [product.code for product in product_search(query)]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("query", ["云直播", "直播", "云直", "live", "stream", "Streaming Serv", "CSS"])
def test_css_is_found_by_a_part_of_either_name_in_either_language(query, language):
    assert "css" in found(query, language)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_part_of_a_chinese_name_finds_only_the_products_that_contain_it(language):
    assert found("点播", language) == ["vod"]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_english_word_still_matches_from_the_start_of_a_word_only(language):
    # "live" is inside "Delivery": the Content Delivery Network is not a live-streaming product.
    assert "cdn" not in found("live", language)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_word_in_neither_name_finds_nothing(language):
    assert found("直播 database", language) == []


@pytest.mark.django_db
def test_the_english_page_finds_css_by_its_chinese_name(client, owner):
    response = client.get(SUBMIT, {"q": "云直播"}, headers=RESULTS)

    assert "Cloud Streaming Services" in response.content.decode()


@pytest.mark.django_db
def test_the_chinese_page_finds_css_by_an_english_word(client, owner):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    response = client.get(SUBMIT, {"q": "live"}, headers=RESULTS)

    assert "云直播" in response.content.decode()


@pytest.mark.django_db
def test_the_chinese_page_finds_css_by_part_of_its_chinese_name(client, owner):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    response = client.get(SUBMIT, {"q": "直播"}, headers=RESULTS)

    assert "云直播" in response.content.decode()
