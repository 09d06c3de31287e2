import base64
import hashlib
import re
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from console.accounts.models import AccountStatus, BillingMode
from console.core import clock
from console.packages.models import Package
from console.pages.packages import selectors
from console.templatetags.console_format import countdown, quantity, zoned
from tests.factories import AccountFactory, DeductionFactory, MemberFactory, PackageFactory, spec

URL = reverse("packages")
BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def owner(client):
    member = MemberFactory()
    client.force_login(member.user)
    return member


def codes(response) -> list[str]:
    return [row.code for row in response.context["view"].rows]


def row_html(response, package) -> str:
    html = response.content.decode()
    start = html.index(f'id="package-{package.pk}"')
    return html[start : html.index("</tr>", start)]


# --- formatting -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("gb", "text"),
    [("0", "0 GB"), ("99.5", "99.5 GB"), ("500", "500 GB"), ("1000", "1 TB"), ("1500", "1.5 TB"),
     ("200000", "200 TB"), ("1000000", "1 PB")],
)
def test_traffic_is_shown_in_gb_tb_or_pb_with_1000_per_step(gb, text):
    assert quantity(Decimal(gb), "traffic") == text


@pytest.mark.parametrize(
    ("minutes", "text"),
    [("0", "0 h"), ("45", "45 min"), ("300", "5 h"), ("6030", "100 h 30 min"), ("6000000", "100,000 h")],
)
def test_transcoding_minutes_are_shown_as_hours_and_minutes(minutes, text):
    assert quantity(Decimal(minutes), "transcode_standard") == text


def test_licences_are_counted_in_years_of_their_term():
    assert quantity(Decimal("1"), "licence") == "1 year"


def test_times_are_shown_in_the_billing_zone_with_its_offset():
    assert zoned(datetime(2026, 11, 26, 2, 0, tzinfo=ZoneInfo("UTC"))) == "2026-11-26 10:00:00 (UTC+8)"


@pytest.mark.parametrize(
    ("left", "text"),
    [(timedelta(days=2, hours=13, minutes=5), "2d 13h left"), (timedelta(hours=5, minutes=7), "5h 7m left"),
     (timedelta(minutes=9, seconds=30), "9m left"), (timedelta(seconds=20), "less than a minute left"),
     (timedelta(0), ""), (timedelta(hours=-1), "")],
)
def test_countdown_reads_at_a_glance_and_is_empty_once_the_deadline_passed(left, text):
    now = datetime(2026, 11, 26, 10, 0, tzinfo=BEIJING)
    assert countdown(now + left, now) == text


# --- the page -------------------------------------------------------------------------------

@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_the_traffic_tab_is_the_default_and_lists_only_traffic_packages(client, owner):
    traffic = PackageFactory(owner=owner.account)
    PackageFactory(owner=owner.account, kind="transcode_standard")

    response = client.get(URL)

    assert codes(response) == [traffic.code]


@pytest.mark.django_db
def test_the_transcoding_tab_lists_standard_and_tsc_packages_with_their_type(client, owner):
    PackageFactory(owner=owner.account)
    standard = PackageFactory(owner=owner.account, kind="transcode_standard")
    tsc = PackageFactory(owner=owner.account, kind="transcode_tsc")

    response = client.get(URL, {"tab": "transcoding"})

    assert sorted(codes(response)) == sorted([standard.code, tsc.code])
    assert '<div class="package-type" data-testid="package-type">TSC transcoding · ' in row_html(response, tsc)
    assert '<div class="package-type" data-testid="package-type">Standard transcoding · ' in row_html(response, standard)


@pytest.mark.django_db
def test_the_plugins_tab_lists_co_anchoring_and_licence_packages(client, owner):
    PackageFactory(owner=owner.account)
    co_anchoring = PackageFactory(owner=owner.account, kind="co_anchoring")
    licence = PackageFactory(owner=owner.account, kind="licence")

    response = client.get(URL, {"tab": "other"})

    assert sorted(codes(response)) == sorted([co_anchoring.code, licence.code])


@pytest.mark.django_db
def test_other_accounts_packages_are_not_listed(client, owner):
    PackageFactory()

    response = client.get(URL)

    assert codes(response) == []


@pytest.mark.django_db
def test_filtering_by_status_keeps_only_packages_with_that_status(client, owner):
    unused = PackageFactory(owner=owner.account)
    in_use = PackageFactory(owner=owner.account)
    DeductionFactory(package=in_use)

    response = client.get(URL, {"status": "in_use"})

    assert codes(response) == [in_use.code]
    assert unused.code not in response.content.decode()


@pytest.mark.django_db
def test_searching_by_package_id_matches_part_of_the_id(client, owner):
    wanted = PackageFactory(owner=owner.account, code="lvpkg-wanted-01")
    PackageFactory(owner=owner.account, code="lvpkg-other-02")

    response = client.get(URL, {"q": "WANTED"})

    assert codes(response) == [wanted.code]


@pytest.mark.django_db
def test_packages_sort_newest_purchase_first_by_default(client, owner):
    now = clock.now()
    older = PackageFactory(owner=owner.account, purchased_at=now - timedelta(days=3))
    newer = PackageFactory(owner=owner.account, purchased_at=now - timedelta(days=1))

    response = client.get(URL)

    assert codes(response) == [newer.code, older.code]


@pytest.mark.django_db
def test_packages_sort_by_expiry_soonest_first(client, owner):
    now = clock.now()
    later = PackageFactory(owner=owner.account, expires_at=now + timedelta(days=300))
    sooner = PackageFactory(owner=owner.account, expires_at=now + timedelta(days=30))

    response = client.get(URL, {"sort": "expires"})

    assert codes(response) == [sooner.code, later.code]


@pytest.mark.django_db
def test_paging_shows_the_chosen_page_at_the_chosen_size(client, owner):
    now = clock.now()
    packages = [PackageFactory(owner=owner.account, purchased_at=now - timedelta(hours=i + 1)) for i in range(25)]

    response = client.get(URL, {"size": "20", "page": "2"})

    assert codes(response) == [p.code for p in packages[20:]]
    assert "Page 2 of 2" in response.content.decode()


@pytest.mark.django_db
def test_invalid_query_values_fall_back_to_the_defaults(client, owner):
    package = PackageFactory(owner=owner.account)

    response = client.get(URL, {"tab": "nope", "status": "x", "sort": "';drop", "page": "-3", "size": "7"})

    assert response.status_code == 200
    assert codes(response) == [package.code]
    assert response.context["view"].query.size == 10


@pytest.mark.django_db
def test_a_page_past_the_end_shows_the_last_page(client, owner):
    package = PackageFactory(owner=owner.account)

    response = client.get(URL, {"page": "99"})

    assert codes(response) == [package.code]


@pytest.mark.django_db
def test_an_htmx_request_gets_only_the_table(client, owner):
    PackageFactory(owner=owner.account)

    response = client.get(URL, {"tab": "traffic"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.lstrip().startswith('<section id="package-table"')
    assert "<html" not in html
    assert {"HX-Request", "HX-Target"} <= {part.strip() for part in response["Vary"].split(",")}


@pytest.mark.django_db
def test_an_htmx_history_restore_gets_the_whole_page(client, owner):
    response = client.get(URL, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})

    assert "<html" in response.content.decode()


@pytest.mark.django_db
def test_links_keep_the_current_filters_in_their_address(client, owner):
    now = clock.now()
    for i in range(11):
        PackageFactory(owner=owner.account, purchased_at=now - timedelta(hours=i + 1))

    response = client.get(URL, {"sort": "expires", "q": "lvpkg"})

    assert f'href="{URL}?tab=traffic&amp;q=lvpkg&amp;sort=expires&amp;page=2"' in response.content.decode()


@pytest.mark.django_db
def test_rows_show_quantities_in_the_unit_of_their_kind(client, owner):
    package = PackageFactory(owner=owner.account, spec=spec("traffic", "1 TB"), total=Decimal("1000"))
    DeductionFactory(package=package, usage=Decimal("250"))

    response = client.get(URL)

    assert "1 TB / 250 GB / 750 GB" in row_html(response, package)


@pytest.mark.django_db
def test_expiry_time_is_shown_with_its_zone(client, owner):
    package = PackageFactory(owner=owner.account, expires_at=datetime(2027, 1, 2, 3, 4, 5, tzinfo=BEIJING))

    response = client.get(URL)

    assert "2027-01-02 03:04:05 (UTC+8)" in row_html(response, package)


@pytest.mark.django_db
def test_an_open_refund_window_shows_a_countdown_and_the_exact_deadline(client, owner):
    now = clock.now().astimezone(BEIJING)
    package = PackageFactory(owner=owner.account, purchased_at=now - timedelta(days=4))

    response = client.get(URL)

    # Open until the end of the Beijing day five days after purchase: tomorrow, 23:59:59.
    html = row_html(response, package)
    assert "left</strong>" in html
    assert f"until {now + timedelta(days=1):%Y-%m-%d} 23:59:59 (UTC+8)" in html


@pytest.mark.django_db
def test_a_closed_refund_window_says_closed(client, owner):
    package = PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=7))

    response = client.get(URL)

    assert "Closed" in row_html(response, package)


@pytest.mark.django_db
def test_the_payer_is_shown_when_another_account_paid(client, owner):
    payer = AccountFactory(name="Parent Org", uin=200000000001)
    package = PackageFactory(owner=owner.account, payer=payer)

    response = client.get(URL)

    html = row_html(response, package)
    assert "Parent Org" in html and "UIN 200000000001" in html


@pytest.mark.django_db
def test_the_rows_escape_what_customers_typed(client, owner):
    payer = AccountFactory(name='<img src=x onerror="alert(1)"> & Co', uin=200000000002)
    package = PackageFactory(owner=owner.account, payer=payer)

    response = client.get(URL)

    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; &amp; Co" in row_html(response, package)


@pytest.mark.django_db
def test_an_eligible_package_has_a_working_refund_link(client, owner):
    package = PackageFactory(owner=owner.account)

    response = client.get(URL)

    html = row_html(response, package)
    assert f'href="{reverse("refund_dialog", args=[package.pk])}?shown=eligible"' in html
    assert "btn-unavailable" not in html and 'data-testid="refund-why"' not in html


@pytest.mark.django_db
def test_an_unavailable_refund_says_why_on_the_row_and_its_button_opens_the_explanation(client, owner):
    package = PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=8))
    DeductionFactory(package=package)

    response = client.get(URL)

    html = row_html(response, package)
    # the first reason, as text on the row (the dialog lists them all)
    assert f'<div class="why" id="refund-why-{package.pk}" data-testid="refund-why">Used, so not refundable</div>' in html
    # a real link to the explanation, not a dead disabled button
    assert f'href="{reverse("refund_dialog", args=[package.pk])}"' in html
    assert f'aria-describedby="refund-why-{package.pk}"' in html
    assert 'aria-disabled' not in html


@pytest.mark.django_db
def test_a_sub_user_without_refund_permission_is_told_so_on_the_row(client):
    member = MemberFactory(sub_user=True)
    client.force_login(member.user)
    package = PackageFactory(owner=member.account)

    response = client.get(URL)

    assert ">You may not refund packages</div>" in row_html(response, package)


def _never(case: str, owner):
    """A package of `owner` that can never be refunded, for the reason `case`."""
    if case == "giveaway":
        return PackageFactory(owner=owner.account, giveaway=True)
    if case == "used":
        package = PackageFactory(owner=owner.account)
        DeductionFactory(package=package)
        return package
    if case == "refunded":
        return PackageFactory(owner=owner.account, refunded_at=clock.now())
    if case == "suspended account":
        owner.account.status = AccountStatus.SUSPENDED_VIOLATION
        owner.account.save()
        return PackageFactory(owner=owner.account)
    if case == "no permission":
        owner.role, owner.can_refund = "sub_user", False
        owner.save()
        return PackageFactory(owner=owner.account)
    raise AssertionError(case)


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["giveaway", "used", "refunded", "suspended account", "no permission"])
def test_a_package_that_can_never_be_refunded_shows_no_countdown(client, owner, case):
    package = _never(case, owner)

    response = client.get(URL)

    html = row_html(response, package)
    assert "countdown" not in html and "left</strong>" not in html
    assert 'data-testid="refund-ticket"' not in html


@pytest.mark.django_db
def test_ticket_only_packages_link_to_a_prefilled_ticket(client, owner):
    package = PackageFactory(owner=owner.account, kind="co_anchoring")

    response = client.get(URL, {"tab": "other"})

    expected = f'{reverse("tickets:submit")}?product=css&amp;issue_type=other&amp;package={package.code}'
    html = row_html(response, package)
    assert f'href="{expected}" data-testid="refund-ticket">Submit a ticket to refund' in html
    assert ">Refunded through a ticket</div>" in html


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["giveaway", "refunded"])
def test_refunded_and_giveaway_plugin_rows_offer_no_ticket(client, owner, case):
    if case == "giveaway":
        package = PackageFactory(owner=owner.account, kind="licence", giveaway=True)
    else:
        package = PackageFactory(owner=owner.account, kind="licence", refunded_at=clock.now())

    response = client.get(URL, {"tab": "other"})

    html = row_html(response, package)
    assert "Submit a ticket" not in html
    assert "countdown" not in html


@pytest.mark.django_db
def test_plugin_rows_say_which_type_they_are(client, owner):
    co_anchoring = PackageFactory(owner=owner.account, kind="co_anchoring")
    licence = PackageFactory(owner=owner.account, kind="licence")

    response = client.get(URL, {"tab": "other"})

    assert 'data-testid="package-type">Co-anchoring · ' in row_html(response, co_anchoring)
    assert 'data-testid="package-type">Mobile live licence · ' in row_html(response, licence)


@pytest.mark.django_db
def test_when_the_self_service_allowance_is_used_up_the_row_links_to_a_ticket(client, owner, settings):
    settings.REFUND_SELF_SERVICE_ALLOWANCE = 0
    package = PackageFactory(owner=owner.account)

    response = client.get(URL)

    html = row_html(response, package)
    assert ">Self-service refunds used up</div>" in html
    assert 'data-testid="refund-ticket">Submit a ticket to refund' in html
    assert "left</strong>" in html  # the window is still open: a ticket must come before the deadline


@pytest.mark.django_db
def test_the_page_has_no_inline_styles_scripts_or_handlers_but_its_own_stylesheets(client, owner):
    DeductionFactory(package=PackageFactory(owner=owner.account))
    PackageFactory(owner=owner.account)

    response = client.get(URL)
    html = response.content.decode()

    # The stylesheets it carries (console.core.inline_styles) are each named by hash in its policy.
    assert all(
        f"'sha256-{base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()}'" in response["Content-Security-Policy"]
        for style in re.findall(r"<style>(.*?)</style>", html, flags=re.S)
    )
    assert " style=" not in html
    assert " onclick=" not in html and " onchange=" not in html
    assert all(tag.startswith("<script src=") for tag in re.findall(r"<script[^>]*>", html))


@pytest.mark.django_db
def test_a_search_matching_more_packages_than_it_counts_says_so(client, owner, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_COUNT_LIMIT", 3)
    _add_packages(owner.account, 5)

    response = client.get(URL, {"q": "lvpkg"})

    assert "More than 3 packages match; showing the first 3" in response.content.decode()
    assert response.context["view"].page.paginator.num_pages == 1
    assert len(codes(response)) == 3


@pytest.mark.django_db
def test_the_top_shows_billing_mode_balances_and_refunds_left(client):
    member = MemberFactory(account__billing_mode=BillingMode.DAILY_BANDWIDTH, account__cash_balance=Decimal("12.50"))
    client.force_login(member.user)

    response = client.get(URL)

    html = response.content.decode()
    assert "Bill-by-bandwidth (daily peak)" in html
    assert "USD 12.50" in html
    assert "Self-service refunds left: <strong>3 of 3</strong> in the last 365 days" in html


@pytest.mark.django_db
def test_packages_of_an_account_not_billed_by_traffic_show_as_frozen(client):
    member = MemberFactory(account__billing_mode=BillingMode.DAILY_BANDWIDTH)
    client.force_login(member.user)
    package = PackageFactory(owner=member.account)

    response = client.get(URL)

    assert 'class="badge badge-frozen"' in row_html(response, package)


def _add_mixed(account, count: int) -> None:
    """`count` packages of every tab, some refunded, some expired (bought up to two years ago)."""
    now = clock.now()
    kinds = ["traffic", "transcode_standard", "transcode_tsc", "co_anchoring", "licence"]
    specs = {kind: spec(kind) for kind in kinds}
    packages = []
    for i in range(count):
        kind = kinds[i % len(kinds)]
        bought = now - timedelta(days=400 if i % 2 else 1, minutes=i + 1)
        packages.append(PackageFactory.build(
            owner=account, kind=kind, spec=specs[kind], purchased_at=bought, expires_at=bought + timedelta(days=365),
            refunded_at=bought + timedelta(hours=1) if i % 10 == 5 or i % 7 == 3 else None,
        ))
    Package.objects.bulk_create(packages)


def _add_packages(account, count: int) -> None:
    traffic = spec("traffic")
    now = clock.now()
    Package.objects.bulk_create(
        PackageFactory.build(owner=account, spec=traffic, purchased_at=now - timedelta(minutes=i + 1))
        for i in range(count)
    )


VIEWS = [
    {},
    {"size": "100", "status": "unused"},
    {"tab": "transcoding", "sort": "expires", "size": "50"},
    {"tab": "other", "status": "expired", "sort": "purchased"},
    {"status": "refunded", "sort": "-expires"},
    {"q": "lvpkg", "size": "100"},
    {"page": "3"},
]


@pytest.mark.django_db
@pytest.mark.parametrize("params", VIEWS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "default")
def test_the_page_costs_as_many_queries_for_500_packages_as_for_150(client, owner, django_assert_num_queries, params):
    _add_mixed(owner.account, 150)  # at least one row in each of these views, page 3 included
    # session, user, member; the counts (packages, refunds made), rows; the billing mode panel's
    # facts; the bell's unread count
    with django_assert_num_queries(7):
        client.get(URL, params)
    _add_mixed(owner.account, 350)

    with django_assert_num_queries(7):
        response = client.get(URL, params)

    assert response.status_code == 200


@pytest.mark.django_db
def test_a_page_number_past_the_last_shows_the_last_page(client, owner):
    _add_packages(owner.account, 15)

    response = client.get(URL, {"page": "9"})

    assert response.context["view"].page.number == 2
    assert len(codes(response)) == 5


@pytest.mark.django_db
def test_a_status_the_billing_mode_rules_out_costs_no_package_query(client, owner, django_assert_num_queries):
    # Billed by traffic, nothing is frozen: the filter is empty before it reaches the database.
    _add_packages(owner.account, 5)

    with django_assert_num_queries(6):  # session, user, member, refunds made, billing mode panel, the bell's count
        response = client.get(URL, {"status": "frozen"})

    assert codes(response) == []


@pytest.mark.django_db
def test_a_page_number_no_database_could_offset_to_shows_the_last_page(client, owner):
    _add_packages(owner.account, 15)

    response = client.get(URL, {"page": str(10**30)})

    assert response.status_code == 200
    assert response.context["view"].page.number == 2


# --- the tabs and filters, drawn once per language and query ------------------------------------


@pytest.mark.django_db
def test_the_filters_show_the_chosen_status_sort_size_and_search(client, owner):
    html = client.get(URL, {"status": "expired", "sort": "expires", "size": "50", "q": "dm<01"}).content.decode()

    assert '<option value="expired" selected>Expired</option>' in html
    assert '<option value="expires" selected>Expiry time, soonest first</option>' in html
    assert '<option value="50" selected>50</option>' in html
    assert 'name="q" value="dm&lt;01"' in html


@pytest.mark.django_db
def test_the_filters_follow_the_query_after_another_query_drew_them(client, owner):
    client.get(URL, {"status": "expired"})

    html = client.get(URL, {"status": "unused"}).content.decode()

    assert '<option value="unused" selected>Unused</option>' in html
    assert '<option value="expired">Expired</option>' in html


@pytest.mark.django_db
def test_the_filters_follow_the_language_after_the_other_language_drew_them(client, owner):
    client.get(URL, {"status": "unused"}, headers={"Accept-Language": "en"})

    html = client.get(URL, {"status": "unused"}, headers={"Accept-Language": "zh-hans"}).content.decode()

    assert '<option value="unused" selected>未使用</option>' in html


@pytest.mark.django_db
def test_each_rows_links_are_the_ones_reverse_gives_even_for_an_id_that_needs_quoting(client, owner):
    package = PackageFactory(owner=owner.account, code="lvpkg-ü 1%")

    html = row_html(client.get(URL), package)

    assert f'href="{reverse("package_detail", args=[package.code])}"' in html
    assert f'href="{reverse("refund_dialog", args=[package.pk])}' in html
