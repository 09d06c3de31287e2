"""Issue 23, item 20, in the browser: the ticket form's product search finds a product by part of
its Chinese name on the Chinese page, and by its Chinese name on the English page."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "language, label, query, name",
    [("zh-hans", "搜索产品", "直播", "云直播"), ("en", "Search for a product", "云直播", "Cloud Streaming Services")],
    ids=["chinese-page", "english-page"],
)
def test_typing_part_of_the_chinese_name_lists_cloud_streaming_services(login, page, live_server, language, label, query, name):
    MemberFactory(user=UserFactory(username="owner2"))
    login("owner2", "correct-horse")
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    page.goto(f"{live_server.url}/tickets/new/")
    page.wait_for_load_state()

    page.get_by_label(label).press_sequentially(query)

    products = page.get_by_role("list").filter(has=page.get_by_role("link", name=name))
    expect(page.locator("#product-results").get_by_role("link")).to_have_count(1)
    expect(products.get_by_role("link", name=name)).to_be_visible()
