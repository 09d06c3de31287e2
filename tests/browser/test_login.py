import pytest
from playwright.sync_api import expect

from tests.factories import MemberFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_an_account_owner_logs_in_and_lands_on_package_management(login, page):
    MemberFactory(user=UserFactory(username="owner1"), account__name="Aurora Live")

    login("owner1", "correct-horse")

    expect(page.get_by_role("heading", name="Package/Plugin Management")).to_be_visible()
    expect(page.get_by_test_id("account-chip")).to_contain_text("Aurora Live")
