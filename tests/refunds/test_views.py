import json
import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from console.accounts.preferences import user_language_set
from console.core import clock
from console.core.models import AuditEntry
from console.notifications.models import OutboxMessage
from refunds.models import Refund
from tests.factories import AccountFactory, DeductionFactory, MemberFactory, PackageFactory

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    # The rate limiter counts in the process-wide cache; each test starts with a clean slate.
    cache.clear()


@pytest.fixture
def owner(client):
    member = MemberFactory(account__name="Aurora Live", account__uin=100000000042)
    client.force_login(member.user)
    return member


@pytest.fixture
def package(owner):
    return PackageFactory(owner=owner.account)


def dialog_url(package) -> str:
    return reverse("refund_dialog", args=[package.pk])


def confirm_url(package) -> str:
    return reverse("refund_confirm", args=[package.pk])


def idempotency_key(response) -> str:
    return re.search(r'name="idempotency_key" value="([^"]*)"', response.content.decode()).group(1)


def confirmation(**changes) -> dict:
    return {"confirm": "on", "reason": "", "idempotency_key": str(uuid.uuid4()), **changes}


# --- the dialog -----------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_dialog_shows_what_comes_back_and_where_it_goes(client, owner):
    package = PackageFactory(
        owner=owner.account, list_price=Decimal("3.88"), discount=Decimal("0.38"), voucher=Decimal("0.50"),
        paid_commission=Decimal("1.00"), paid_free=Decimal("0.25"),
    )

    response = client.get(dialog_url(package), headers=HTMX)

    html = response.content.decode()
    assert html.lstrip().startswith('<dialog id="refund-dialog"')
    assert "data-auto-open" in html
    assert "<td>USD 1.75</td>" in html  # cash: 3.88 - 0.38 - 0.50 - 1.00 - 0.25
    assert "<td>USD 1.00</td>" in html and "<td>USD 0.25</td>" in html
    assert '<td data-testid="refund-total">USD 3.00</td>' in html
    assert "Not refunded: discount USD 0.38, voucher USD 0.50." in html
    assert "Aurora Live (UIN 100000000042)" in html
    assert "cannot be undone" in html


@pytest.mark.django_db
def test_the_dialog_carries_a_fresh_idempotency_key_each_time_it_opens(client, package):
    first, second = (idempotency_key(client.get(dialog_url(package), headers=HTMX)) for _ in range(2))

    assert uuid.UUID(first) and first != second


@pytest.mark.django_db
def test_without_javascript_the_dialog_is_a_page_of_its_own(client, package):
    response = client.get(dialog_url(package), {"tab": "traffic", "page": "2"})

    html = response.content.decode()
    assert "<html" in html and "<dialog" in html and " open>" in html
    assert f'href="{reverse("packages")}">Back to packages' in html


@pytest.mark.django_db
def test_the_dialog_of_another_accounts_package_is_not_found(client, owner):
    response = client.get(dialog_url(PackageFactory()))

    assert response.status_code == 404


@pytest.mark.django_db
def test_without_javascript_a_package_not_found_is_a_page_headed_not_found(client, owner):
    response = client.get(dialog_url(PackageFactory()))

    assert "<h1>Not found</h1>" in response.content.decode()


# --- confirming -----------------------------------------------------------------------------

@pytest.mark.django_db
def test_confirming_refunds_the_package_and_closes_the_dialog_with_a_toast(client, owner, package):
    response = client.post(confirm_url(package), confirmation(), headers=HTMX)

    assert response.status_code == 204
    assert Refund.objects.filter(package=package).exists()
    events = json.loads(response["HX-Trigger"])
    assert "closeDialog" in events
    assert events["toast"]["message"] == "Refunded USD 3.88 to Aurora Live (UIN 100000000042)."


@pytest.mark.django_db
def test_a_refund_tells_the_page_that_its_packages_changed_and_draws_nothing_itself(client, owner, package):
    response = client.post(confirm_url(package), confirmation(), headers=HTMX)

    assert "packagesChanged" in json.loads(response["HX-Trigger"])
    assert response.content == b""


@pytest.mark.django_db
def test_the_table_and_the_balances_refresh_themselves_on_the_change_event(client, owner, package):
    page = client.get(reverse("packages"), {"tab": "traffic", "sort": "expires"}).content.decode()

    assert 'hx-get="/css/packages/?tab=traffic&amp;sort=expires" hx-trigger="packagesChanged from:body"' in page
    assert 'hx-get="/css/packages/" hx-trigger="packagesChanged from:body" hx-target="this"' in page


@pytest.mark.django_db
def test_the_balances_answer_their_own_refresh_with_the_new_balances(client, owner, package):
    client.post(confirm_url(package), confirmation(), headers=HTMX)

    response = client.get(reverse("packages"), headers={**HTMX, "HX-Target": "account-summary"})

    html = response.content.decode()
    assert '<section id="account-summary"' in html
    assert 'id="package-table"' not in html
    assert '<strong data-testid="balance-cash">USD 3.88</strong>' in html


@pytest.mark.django_db
def test_the_balances_refresh_counts_the_refunds_left_and_reads_no_packages(client, owner, package, django_assert_num_queries):
    client.post(confirm_url(package), confirmation(), headers=HTMX)

    with django_assert_num_queries(5):  # session, user, member; the refunds made; the billing mode panel's facts
        response = client.get(reverse("packages"), headers={**HTMX, "HX-Target": "account-summary"})

    assert "<strong>2 of 3</strong>" in response.content.decode()


@pytest.mark.django_db
def test_the_table_answers_its_own_refresh_with_the_refunded_row(client, owner, package):
    client.post(confirm_url(package), confirmation(), headers=HTMX)

    response = client.get(reverse("packages"), {"tab": "traffic"}, headers={**HTMX, "HX-Target": "package-table"})

    html = response.content.decode()
    assert 'class="badge badge-refunded"' in html
    assert 'id="account-summary"' not in html


@pytest.mark.django_db
def test_without_javascript_a_refund_redirects_back_with_a_message(client, owner, package):
    response = client.post(confirm_url(package), confirmation())

    assert response.status_code == 302
    assert response.url == reverse("packages")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Refunded USD 3.88 to Aurora Live (UIN 100000000042)."
    ]


@pytest.mark.django_db
def test_confirming_without_ticking_the_box_asks_for_it_and_refunds_nothing(client, package):
    response = client.post(confirm_url(package), confirmation(confirm=""), headers=HTMX)

    assert response.status_code == 422
    assert "Tick the box to confirm the refund." in response.content.decode()
    assert response.content.decode().lstrip().startswith('<form id="refund-form"')
    assert not Refund.objects.exists()


@pytest.mark.django_db
def test_a_confirmation_without_a_valid_key_is_refused(client, package):
    response = client.post(confirm_url(package), confirmation(idempotency_key="not-a-uuid"), headers=HTMX)

    assert response.status_code == 422
    assert "This confirmation is not valid" in response.content.decode()
    assert not Refund.objects.exists()


@pytest.mark.django_db
def test_a_refund_refused_by_the_policy_shows_why_in_the_dialog_and_changes_nothing(client, owner):
    # The window closed while the dialog was open.
    package = PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=7))

    response = client.post(confirm_url(package), confirmation(), headers=HTMX)

    assert response.status_code == 409
    assert "The five-day refund window has closed." in response.content.decode()
    package.refresh_from_db()
    assert not package.is_refunded
    owner.account.refresh_from_db()
    assert owner.account.cash_balance == Decimal("0.00")


@pytest.mark.django_db
def test_a_refund_is_refused_while_billing_runs(client, owner, package):
    owner.account.billing_started_at = clock.now()
    owner.account.save()

    response = client.post(confirm_url(package), confirmation(), headers=HTMX)

    assert response.status_code == 409
    assert "Billing is being processed." in response.content.decode()


@pytest.mark.django_db
def test_replaying_a_confirmation_shows_the_first_refund(client, owner, package):
    data = confirmation()
    client.post(confirm_url(package), data, headers=HTMX)

    response = client.post(confirm_url(package), data, headers=HTMX)

    assert response.status_code == 204
    assert json.loads(response["HX-Trigger"])["toast"]["message"].startswith("Refunded USD 3.88")
    assert Refund.objects.count() == 1


@pytest.mark.django_db
def test_the_receipt_of_a_confirmation_is_written_in_the_language_the_person_chose(client):
    member = MemberFactory()
    user_language_set(user=member.user, language="zh-hans")
    client.force_login(member.user)
    package = PackageFactory(owner=member.account)

    client.post(confirm_url(package), confirmation(), headers=HTMX)

    assert OutboxMessage.objects.get().subject == f"云直播资源包 {package.code} 退款"


@pytest.mark.django_db
def test_a_key_already_used_for_another_package_is_a_clear_error(client, owner, package):
    data = confirmation()
    client.post(confirm_url(package), data, headers=HTMX)
    other = PackageFactory(owner=owner.account)

    response = client.post(confirm_url(other), data, headers=HTMX)

    assert response.status_code == 409
    assert "This confirmation was already used for something else" in response.content.decode()
    other.refresh_from_db()
    assert not other.is_refunded


@pytest.mark.django_db
def test_get_on_the_confirm_address_does_not_refund(client, package):
    response = client.get(confirm_url(package), confirmation())

    assert response.status_code == 405
    assert not Refund.objects.exists()


@pytest.mark.django_db
def test_a_post_without_the_csrf_token_is_rejected(package, owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner.user)

    response = client.post(confirm_url(package), confirmation())

    assert response.status_code == 403
    assert not Refund.objects.exists()


@pytest.mark.django_db
def test_refund_requests_are_rate_limited_per_user(client, owner, rate_limits_pinned):
    package = PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=7))
    for _ in range(10):
        client.post(confirm_url(package), confirmation(), headers=HTMX)

    response = client.post(confirm_url(package), confirmation(), headers=HTMX)

    assert response.status_code == 429
    assert "Too many refund requests" in response.content.decode()


# --- who may refund -------------------------------------------------------------------------

@pytest.mark.django_db
def test_anonymous_refund_requests_are_sent_to_log_in(package):
    response = Client().post(confirm_url(package), confirmation())

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_refunding_another_accounts_package_is_not_found_and_audited(client, owner):
    stranger = PackageFactory(owner=AccountFactory())

    response = client.post(confirm_url(stranger), confirmation())

    assert response.status_code == 404
    stranger.refresh_from_db()
    assert not stranger.is_refunded
    assert AuditEntry.objects.filter(action="refund.not_found", account=owner.account, actor=owner.user).exists()


@pytest.mark.django_db
def test_a_sub_user_without_refund_permission_is_refused(client):
    member = MemberFactory(sub_user=True)
    client.force_login(member.user)
    package = PackageFactory(owner=member.account)

    response = client.post(confirm_url(package), confirmation(), headers=HTMX)

    assert response.status_code == 409
    assert "You do not have permission to refund packages." in response.content.decode()
    assert not Refund.objects.exists()


@pytest.mark.django_db
def test_a_sub_user_granted_refunds_may_refund(client):
    member = MemberFactory(sub_user_with_refund=True)
    client.force_login(member.user)
    package = PackageFactory(owner=member.account)

    response = client.post(confirm_url(package), confirmation(), headers=HTMX)

    assert response.status_code == 204
    assert Refund.objects.get().requested_by == member.user


# --- why not, and keeping the page current ------------------------------

@pytest.mark.django_db
def test_the_dialog_of_an_unavailable_refund_lists_every_reason_and_offers_no_confirm(client, owner):
    package = PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=8))
    DeductionFactory(package=package)

    response = client.get(dialog_url(package), headers=HTMX)

    html = response.content.decode()
    assert f"Package {package.code} cannot be refunded</h2>" in html
    assert "<li>The five-day refund window has closed.</li>" in html
    assert "<li>The package has been used: a deduction has been made from it.</li>" in html
    assert 'data-testid="refund-confirm"' not in html
    assert "Submit a Ticket" not in html


@pytest.mark.django_db
def test_when_the_allowance_is_used_up_the_dialog_says_a_ticket_is_the_way(client, owner, settings):
    settings.REFUND_SELF_SERVICE_ALLOWANCE = 0
    package = PackageFactory(owner=owner.account)

    response = client.get(dialog_url(package), headers=HTMX)

    html = response.content.decode()
    assert "used all its self-service refunds" in html
    ticket = f'{reverse("tickets:submit")}?product=css&amp;issue_type=other&amp;package={package.code}'
    assert f'href="{ticket}" data-testid="refund-ticket-link">Submit a Ticket</a>' in html


@pytest.mark.django_db
def test_a_ticket_only_package_dialog_links_to_submit_a_ticket(client, owner):
    package = PackageFactory(owner=owner.account, kind="co_anchoring")

    html = client.get(dialog_url(package), headers=HTMX).content.decode()

    assert "This package type is refunded through a ticket" in html
    assert 'data-testid="refund-ticket-link">Submit a Ticket</a>' in html


@pytest.mark.django_db
def test_a_refused_confirm_tells_the_table_to_redraw_the_row(client, owner):
    package = PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=7))

    response = client.post(confirm_url(package), confirmation(), headers=HTMX)

    assert response.status_code == 409
    assert "packagesChanged" in json.loads(response["HX-Trigger"])


@pytest.mark.django_db
def test_a_dialog_opened_from_a_row_refunded_in_another_tab_explains_and_redraws_the_table(client, owner, package):
    client.post(confirm_url(package), confirmation(), headers=HTMX)  # the other tab

    response = client.get(dialog_url(package), {"shown": "eligible"}, headers=HTMX)

    assert "The package has already been refunded." in response.content.decode()
    assert "packagesChanged" in json.loads(response["HX-Trigger"])


@pytest.mark.django_db
def test_a_dialog_that_agrees_with_its_row_does_not_redraw_the_table(client, owner, package):
    response = client.get(dialog_url(package), {"shown": "eligible"}, headers=HTMX)

    assert "HX-Trigger" not in response


@pytest.mark.django_db
def test_the_confirm_form_sends_one_request_at_a_time_and_disables_its_button_meanwhile(client, package):
    html = client.get(dialog_url(package), headers=HTMX).content.decode()

    assert 'hx-sync="this:drop"' in html
    assert """hx-disabled-elt="find button[type='submit']\"""" in html
    assert 'class="spinner htmx-indicator"' in html
