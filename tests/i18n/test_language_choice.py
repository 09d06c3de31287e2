"""Which language the console speaks: the person's choice (remembered on their user, so in every
session and browser), else the browser's Accept-Language, else English."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from console.accounts.preferences import UserPreference, user_language, user_language_set
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

PACKAGES_TITLE_EN = "Package/Plugin Management"
PACKAGES_TITLE_ZH = "资源包/插件管理"


@pytest.fixture
def person(db):
    return MemberFactory(user__username="lin").user


def logged_in(username="lin", password="correct-horse", **headers) -> Client:
    client = Client(**headers)
    answer = client.post(reverse("login"), {"username": username, "password": password})
    assert answer.status_code == 302
    return client


def packages_page(client: Client) -> str:
    return client.get(reverse("packages")).content.decode()


def test_with_nothing_chosen_and_no_accept_language_the_console_is_english(person):
    page = packages_page(logged_in())

    assert PACKAGES_TITLE_EN in page and PACKAGES_TITLE_ZH not in page


def test_accept_language_zh_cn_gives_chinese_when_nothing_was_chosen(person):
    page = packages_page(logged_in(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.8"))

    assert PACKAGES_TITLE_ZH in page


def test_an_unsupported_accept_language_falls_back_to_english(person):
    page = packages_page(logged_in(HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9"))

    assert PACKAGES_TITLE_EN in page


def test_the_switch_in_the_top_bar_changes_the_language_of_the_next_page(person):
    client = logged_in()

    answer = client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("packages")})

    assert answer.status_code == 302 and answer.url == reverse("packages")
    assert PACKAGES_TITLE_ZH in packages_page(client)


def test_the_choice_is_remembered_on_the_user(person):
    client = logged_in()

    client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("packages")})

    assert UserPreference.objects.get(user=person).language == "zh-hans"


def test_the_choice_follows_the_person_into_a_new_session_on_another_browser(person):
    first = logged_in()
    first.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("packages")})
    first.post(reverse("logout"))

    # Another browser: no language cookie, and it asks for English.
    other = logged_in(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert PACKAGES_TITLE_ZH in packages_page(other)


def test_the_remembered_choice_wins_over_the_browsers_accept_language(person):
    user_language_set(user=person, language="en")

    client = logged_in(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")

    assert PACKAGES_TITLE_EN in packages_page(client)


def test_switching_back_to_english_is_remembered_too(person):
    client = logged_in()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("packages")})
    client.post(reverse("set_language"), {"language": "en", "next": reverse("packages")})
    client.post(reverse("logout"))

    again = logged_in(HTTP_ACCEPT_LANGUAGE="zh-CN")

    assert PACKAGES_TITLE_EN in packages_page(again)


def test_a_language_the_console_does_not_speak_is_not_stored(person):
    client = logged_in()

    client.post(reverse("set_language"), {"language": "fr", "next": reverse("packages")})

    assert not UserPreference.objects.filter(user=person).exists()
    assert PACKAGES_TITLE_EN in packages_page(client)


def test_the_login_page_offers_the_switch_and_keeps_the_choice_in_a_cookie(db):
    client = Client()

    client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("login")})

    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert "登录控制台" in client.get(reverse("login")).content.decode()


def test_the_switch_shows_each_language_in_itself(person):
    page = packages_page(logged_in())

    assert 'data-testid="language-switch"' in page
    assert ">English<" in page and ">简体中文<" in page


def test_pages_say_which_language_they_are_in(person):
    client = logged_in(HTTP_ACCEPT_LANGUAGE="zh-CN")

    answer = client.get(reverse("packages"))

    assert answer.headers["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in answer.content.decode()


def test_mail_goes_out_in_english_to_someone_who_never_chose(person):
    assert user_language(person) == "en"


def test_mail_goes_out_in_the_language_someone_chose(person):
    user_language_set(user=person, language="zh-CN")

    assert user_language(get_user_model().objects.get(pk=person.pk)) == "zh-hans"
