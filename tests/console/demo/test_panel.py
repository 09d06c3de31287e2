from datetime import datetime, timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from console.accounts.models import Account
from console.accounts.preferences import user_language_set
from console.billing.models import UsageRecord
from console.billing.usage import usage_simulate
from console.core import clock
from console.core.errors import PermissionRefused
from console.core.models import AuditEntry, DemoClock
from console.demo import selectors, services
from console.demo.data import DEMO_UIN
from console.demo.services import DeadlineMoment
from console.demo.urls import urlpatterns as demo_urlpatterns
from console.packages.models import Deduction
from refunds.policy import Reason
from refunds.selectors import account_facts, refund_verdict
from tests.factories import MemberFactory, PackageFactory, StaffFactory, TicketFactory, UserFactory

BEIJING = clock.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def owner(db):
    return MemberFactory(user=UserFactory(username="demo"))


@pytest.fixture
def personas(owner):
    """The seed's four logins, built from factories."""
    MemberFactory(user=UserFactory(username="viewer"), account=owner.account, sub_user=True)
    MemberFactory(user=UserFactory(username="suspended"), account__suspended_for_violation=True)
    StaffFactory(username="admin", is_superuser=True)
    return owner


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner.user)
    return client


def last_audit(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).latest("id")


# --- outside demo mode none of it exists ---------------------------------------------------------


@pytest.mark.parametrize("name", [pattern.name for pattern in demo_urlpatterns])
@pytest.mark.parametrize("method", ["get", "post"])
def test_outside_demo_mode_every_demo_url_answers_404(settings, owner_client, name, method):
    settings.DEMO_MODE = False

    response = getattr(owner_client, method)(reverse(f"demo:{name}"), {"next": "/"})

    assert response.status_code == 404


def test_outside_demo_mode_pages_carry_no_panel(settings, client, db):
    settings.DEMO_MODE = False

    response = client.get(reverse("login"))

    assert b'data-testid="demo-panel"' not in response.content


@pytest.mark.parametrize(
    "call",
    [
        lambda user: services.persona_switch(actor=user, username="demo"),
        lambda user: services.clock_advance(actor=user, by=timedelta(hours=1)),
        lambda user: services.clock_reset(actor=user),
        lambda user: services.usage_day_simulate(actor=user),
        lambda user: services.billing_yesterday_run(actor=user),
        lambda user: services.billing_window_set(actor=user, account=user.member.account, open=True),
        lambda user: services.demo_reset(actor=user),
    ],
    ids=["persona", "advance", "reset_clock", "usage", "billing", "window", "reset_data"],
)
def test_outside_demo_mode_every_panel_service_refuses(settings, owner, call):
    settings.DEMO_MODE = False

    with pytest.raises(PermissionRefused):
        call(owner.user)

    assert not AuditEntry.objects.filter(action__startswith="demo.").exists()


# --- the panel on the page -----------------------------------------------------------------------


def test_in_demo_mode_the_panel_shows_the_demo_time_with_its_zone(demo_mode, client):
    demo_mode.BILLING_TIME_ZONE = "Asia/Shanghai"
    clock.set_offset(datetime(2026, 3, 1, 9, 30, tzinfo=BEIJING) - clock.timezone.now())

    response = client.get(reverse("login"))

    assert b'data-testid="demo-panel"' in response.content
    assert b"2026-03-01 09:30:" in response.content
    assert b"09:30:00 (UTC+8)" in response.content


def test_the_panel_offers_a_button_for_every_persona(demo_mode, client):
    response = client.get(reverse("login"))

    for username in services.PERSONAS:
        assert f'name="username" value="{username}"'.encode() in response.content


def test_the_panel_adds_no_query_to_a_page(demo_mode, owner_client, django_assert_max_num_queries):
    # The clock's offset, session, user, member, account: what any signed-in page in demo mode
    # costs before its own content; the panel itself reads nothing.
    with django_assert_max_num_queries(5):
        response = owner_client.get(reverse("demo:home"))

    assert b'data-testid="demo-panel"' in response.content


# --- persona -------------------------------------------------------------------------------------


def test_switching_persona_returns_that_login(demo_mode, personas):
    user = services.persona_switch(actor=personas.user, username="viewer")

    assert user.username == "viewer"


def test_switching_persona_is_audited_with_the_previous_login_as_actor(demo_mode, personas):
    services.persona_switch(actor=personas.user, username="viewer")

    entry = last_audit("demo.persona_switch")
    assert (entry.actor, entry.after) == (personas.user, {"username": "viewer"})


def test_switching_to_a_name_that_is_not_a_persona_is_refused(demo_mode, personas):
    UserFactory(username="mallory")

    with pytest.raises(services.PanelError):
        services.persona_switch(actor=personas.user, username="mallory")


def test_switching_to_a_persona_not_seeded_yet_says_to_reset(demo_mode, owner):
    with pytest.raises(services.PanelError, match="reset the demo data"):
        services.persona_switch(actor=owner.user, username="viewer")


def test_the_persona_button_signs_in_as_that_persona_and_goes_back(demo_mode, personas, client):
    client.force_login(personas.user)

    response = client.post(reverse("demo:persona"), {"username": "viewer", "next": "/tickets/"})

    assert response.status_code == 302 and response.url == "/tickets/"
    assert client.session[SESSION_KEY] == str(personas.account.members.get(user__username="viewer").user.pk)


def test_a_signed_out_visitor_can_pick_a_persona(demo_mode, personas, client):
    client.post(reverse("demo:persona"), {"username": "demo", "next": "/"})

    assert client.session[SESSION_KEY] == str(personas.user.pk)


def test_the_admin_persona_lands_on_the_admin(demo_mode, personas, client):
    response = client.post(reverse("demo:persona"), {"username": "admin", "next": "/css/packages/"})

    assert response.url == reverse("admin:index")


def test_the_admin_links_back_to_the_presenter_panel_in_demo_mode(demo_mode, client):
    client.force_login(StaffFactory(is_superuser=True))

    assert reverse("demo:home") in client.get(reverse("admin:index")).content.decode()


@pytest.mark.django_db
def test_the_admin_has_no_presenter_panel_link_outside_demo_mode(client):
    client.force_login(StaffFactory(is_superuser=True))

    assert 'data-testid="admin-demo-panel"' not in client.get(reverse("admin:index")).content.decode()


def test_a_next_on_another_host_is_not_followed(demo_mode, personas, client):
    response = client.post(reverse("demo:persona"), {"username": "demo", "next": "https://evil.example/"})

    assert response.url == reverse("packages")


def test_an_htmx_panel_post_answers_with_a_client_redirect(demo_mode, personas, client):
    response = client.post(
        reverse("demo:persona"), {"username": "demo", "next": "/tickets/"}, headers={"HX-Request": "true"}
    )

    assert (response.status_code, response["HX-Redirect"]) == (200, "/tickets/")


# --- clock ---------------------------------------------------------------------------------------


def test_advancing_the_clock_adds_to_the_current_offset(demo_mode, owner):
    clock.set_offset(timedelta(hours=1))

    services.clock_advance(actor=owner.user, by=timedelta(days=1))

    assert clock.stored_offset() == timedelta(days=1, hours=1)


def test_a_clock_move_is_audited_with_the_offset_before_and_after(demo_mode, owner):
    services.clock_advance(actor=owner.user, by=timedelta(hours=1))

    entry = last_audit("demo.clock_advance")
    assert (entry.actor, entry.before["offset"], entry.after["offset"]) == (owner.user, "P0DT00H00M00S", "P0DT01H00M00S")


def test_going_back_to_real_time_clears_the_offset(demo_mode, owner):
    clock.set_offset(timedelta(days=4))

    services.clock_reset(actor=owner.user)

    assert clock.stored_offset() == timedelta(0)


def test_the_plus_one_day_button_moves_the_clock_a_day_and_says_so(demo_mode, owner_client):
    response = owner_client.post(reverse("demo:clock"), {"step": "day", "next": "/tickets/"}, follow=True)

    assert clock.stored_offset() == timedelta(days=1)
    assert "Clock moved +1 day" in [str(m) for m in response.context["messages"]][0]


def test_an_unknown_clock_step_moves_nothing(demo_mode, owner_client):
    response = owner_client.post(reverse("demo:clock"), {"step": "century", "next": "/tickets/"}, follow=True)

    assert clock.stored_offset() == timedelta(0)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


# --- deadline ------------------------------------------------------------------------------------


def test_the_last_minute_moment_is_23_59_00_on_the_fifth_day(demo_mode):
    bought = datetime(2022, 12, 1, 8, 0, tzinfo=BEIJING)

    assert services.deadline_moment(bought, DeadlineMoment.LAST_MINUTE) == datetime(2022, 12, 6, 23, 59, tzinfo=BEIJING)


def test_the_second_past_moment_is_midnight_after_the_deadline(demo_mode):
    bought = datetime(2022, 12, 1, 8, 0, tzinfo=BEIJING)

    assert services.deadline_moment(bought, DeadlineMoment.SECOND_PAST) == datetime(2022, 12, 7, 0, 0, tzinfo=BEIJING)


def window_open_for(package) -> bool:
    facts = account_facts(package.owner, now=clock.now())
    return Reason.PAST_DEADLINE not in refund_verdict(package, account_facts=facts).reasons


def test_moving_to_the_last_minute_leaves_the_refund_window_open(demo_mode, owner):
    package = PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=2))

    services.clock_to_deadline(actor=owner.user, package=package, moment=DeadlineMoment.LAST_MINUTE)

    assert window_open_for(package)


def test_moving_one_second_past_the_deadline_closes_the_refund_window(demo_mode, owner):
    package = PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=2))

    services.clock_to_deadline(actor=owner.user, package=package, moment=DeadlineMoment.SECOND_PAST)

    assert not window_open_for(package)


def test_the_package_chooser_lists_only_the_accounts_self_service_packages(demo_mode, owner):
    traffic = PackageFactory(owner=owner.account, kind="traffic")
    tsc = PackageFactory(owner=owner.account, kind="transcode_tsc")
    PackageFactory(owner=owner.account, kind="co_anchoring")
    PackageFactory(kind="traffic")

    assert set(selectors.deadline_choices(owner.account)) == {traffic, tsc}


def test_the_package_chooser_reads_codes_and_specs_in_one_query(demo_mode, owner, django_assert_num_queries):
    PackageFactory.create_batch(3, owner=owner.account)

    with django_assert_num_queries(1):
        labels = [f"{p.code} {p.spec.name}" for p in selectors.deadline_choices(owner.account)]

    assert len(labels) == 3


def test_the_chooser_answers_htmx_with_the_form_alone(demo_mode, owner_client, owner):
    package = PackageFactory(owner=owner.account)

    response = owner_client.get(reverse("demo:deadline"), {"next": "/tickets/"}, headers={"HX-Request": "true"})

    assert package.code.encode() in response.content
    assert b"<html" not in response.content


def test_without_javascript_the_chooser_is_a_page_with_one_package_list(demo_mode, owner_client, owner):
    PackageFactory(owner=owner.account)

    response = owner_client.get(reverse("demo:deadline"), {"next": "/tickets/"})

    assert b"<html" in response.content
    assert response.content.count(b'id="demo-package"') == 1


def test_the_deadline_form_moves_the_clock_and_goes_back(demo_mode, owner_client, owner):
    package = PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=2))

    response = owner_client.post(
        reverse("demo:deadline"), {"deadline-package": package.pk, "deadline-moment": "last_minute", "next": "/tickets/"}
    )

    assert response.url == "/tickets/"
    assert last_audit("demo.clock_to_deadline").note == f"{package.code}: Last minute before the deadline"


def test_the_chooser_comes_back_on_the_package_moved_to_last(demo_mode, owner_client, owner):
    PackageFactory(owner=owner.account)
    chosen = PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=2))
    owner_client.post(reverse("demo:deadline"), {"deadline-package": chosen.pk, "deadline-moment": "last_minute", "next": "/"})

    response = owner_client.get(reverse("demo:deadline"), headers={"HX-Request": "true"})

    assert f'<option value="{chosen.pk}" selected>'.encode() in response.content


def test_another_accounts_package_gets_an_error_beside_the_field_and_no_move(demo_mode, owner_client, owner):
    PackageFactory(owner=owner.account)
    stranger = PackageFactory()

    response = owner_client.post(
        reverse("demo:deadline"), {"deadline-package": stranger.pk, "deadline-moment": "last_minute", "next": "/tickets/"}
    )

    assert b'id="demo-package-error"' in response.content
    assert b"Choose one of this account&#x27;s self-service packages whose refund deadline is ahead." in response.content
    assert not DemoClock.objects.exists()


# --- billing -------------------------------------------------------------------------------------


def test_simulating_a_day_writes_usage_for_the_demo_yesterday_the_day_billing_bills(demo_mode, owner):
    PackageFactory(owner=owner.account)
    clock.set_offset(timedelta(days=3))

    day, written = services.usage_day_simulate(actor=owner.user)

    assert day == clock.today() - timedelta(days=1)
    assert UsageRecord.objects.filter(account=owner.account, day=day).count() == written > 0


def test_simulating_then_billing_in_that_order_deducts_the_simulated_usage(demo_mode, owner):
    package = PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=3))

    services.usage_day_simulate(actor=owner.user)
    services.billing_yesterday_run(actor=owner.user)

    assert Deduction.objects.filter(package=package).exists()


def test_the_two_billing_buttons_in_their_natural_order_show_accounts_billed(demo_mode, owner_client, owner):
    PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=3))
    owner_client.post(reverse("demo:usage"), {"next": "/"})

    response = owner_client.post(reverse("demo:billing"), headers={"HX-Request": "true"})

    assert "1 of 1 accounts (100%)" in response.content.decode()


def test_billing_a_day_without_usage_says_so_instead_of_a_progress_bar(demo_mode, owner_client, owner):
    PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=3))

    response = owner_client.post(reverse("demo:billing"), headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "Nothing to bill for" in html
    assert "0 of 0 accounts" not in html


def test_simulating_a_day_already_simulated_says_nothing_new_was_written(demo_mode, owner_client, owner):
    PackageFactory(owner=owner.account)
    owner_client.post(reverse("demo:usage"), {"next": "/"})

    response = owner_client.post(reverse("demo:usage"), {"next": "/"}, follow=True)

    assert "already has its usage" in response.content.decode()


def test_both_billing_buttons_name_the_day_they_work_on(demo_mode, owner_client):
    html = unescape(owner_client.get(reverse("packages")).content.decode())

    assert "Simulate yesterday's usage" in html
    assert "Bill yesterday's usage" in html


def test_in_chinese_a_finished_billing_does_not_also_say_it_is_in_progress(demo_mode, owner_client, owner):
    PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=3))
    owner_client.post(reverse("demo:usage"), {"next": "/"})
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    response = owner_client.post(reverse("demo:billing"), headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "已完成" in html
    assert "正在" not in html


def test_simulating_a_day_is_audited(demo_mode, owner):
    PackageFactory(owner=owner.account)

    services.usage_day_simulate(actor=owner.user)

    assert last_audit("demo.usage_simulate").actor == owner.user


def test_running_billing_deducts_yesterdays_usage(demo_mode, owner):
    package = PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=3))
    yesterday = clock.today() - timedelta(days=1)
    usage_simulate(day=yesterday)

    services.billing_yesterday_run(actor=owner.user)

    assert Deduction.objects.filter(package=package, usage_date=yesterday).exists()


def test_run_billing_answers_htmx_with_the_days_progress_and_refreshes_the_packages(demo_mode, owner_client, owner):
    PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=3))
    usage_simulate(day=clock.today() - timedelta(days=1))

    response = owner_client.post(reverse("demo:billing"), headers={"HX-Request": "true"})

    html = response.content.decode()
    assert 'data-testid="billing-progress" data-done="true"' in html
    assert "1 of 1 accounts (100%)" in html
    assert "packagesChanged" in response["HX-Trigger"]


def test_running_billing_is_audited(demo_mode, owner):
    services.billing_yesterday_run(actor=owner.user)

    assert last_audit("demo.billing_run").actor == owner.user


def test_opening_the_billing_window_blocks_refunds_of_the_account(demo_mode, owner):
    package = PackageFactory(owner=owner.account)

    services.billing_window_set(actor=owner.user, account=owner.account, open=True)

    facts = account_facts(Account.objects.get(pk=owner.account.pk), now=clock.now())
    assert Reason.BILLING_IN_PROGRESS in refund_verdict(package, account_facts=facts).reasons


def test_closing_the_billing_window_ends_billing_in_progress(demo_mode, owner):
    services.billing_window_set(actor=owner.user, account=owner.account, open=True)

    services.billing_window_set(actor=owner.user, account=owner.account, open=False)

    assert not Account.objects.get(pk=owner.account.pk).billing_in_progress


def test_a_billing_window_change_is_audited_with_the_user_as_actor(demo_mode, owner):
    services.billing_window_set(actor=owner.user, account=owner.account, open=True)

    entry = last_audit("demo.billing_window_open")
    assert (entry.actor, entry.account) == (owner.user, owner.account)


def test_the_window_button_opens_the_window_of_the_personas_account(demo_mode, owner_client, owner):
    owner_client.post(reverse("demo:window"), {"state": "open", "next": "/tickets/"})

    assert Account.objects.get(pk=owner.account.pk).billing_in_progress


# --- reset ---------------------------------------------------------------------------------------
# Committed, as in a real request: PostgreSQL will not TRUNCATE (the reset's flush) tables that
# hold rows inserted earlier in the same transaction.
RESET = pytest.mark.django_db(transaction=True)


@RESET
def test_resetting_seeds_the_demo_data_again(demo_mode, personas):
    services.demo_reset(actor=personas.user)

    assert Account.objects.filter(uin=DEMO_UIN).exists()


@RESET
def test_resetting_puts_the_clock_back_to_real_time(demo_mode, personas):
    clock.set_offset(timedelta(days=9))

    services.demo_reset(actor=personas.user)

    assert clock.stored_offset() == timedelta(0)


@RESET
def test_resetting_is_audited_as_the_re_created_login(demo_mode, personas):
    user = services.demo_reset(actor=personas.user)

    entry = last_audit("demo.reset")
    assert (entry.actor, entry.actor_label) == (user, "demo")


@RESET
def test_the_reset_button_keeps_the_persona_signed_in(demo_mode, personas, client):
    client.force_login(personas.user)

    client.post(reverse("demo:reset"), {"next": "/tickets/"})

    assert client.session[SESSION_KEY] == str(Account.objects.get(uin=DEMO_UIN).members.get(user__username="demo").user.pk)


# --- the package chooser: packages whose refund deadline is ahead ------------------------------


def test_the_chooser_offers_only_packages_whose_refund_deadline_is_ahead(demo_mode, owner):
    fresh = PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=1))
    PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=365))
    PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=7))

    assert list(selectors.deadline_choices(owner.account)) == [fresh]


def test_the_chooser_keeps_a_package_until_its_deadline_passes(demo_mode, owner):
    package = PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=2))
    deadline = services.deadline_moment(package.purchased_at, DeadlineMoment.SECOND_PAST) - timedelta(seconds=1)

    assert list(selectors.deadline_choices(owner.account, now=deadline - timedelta(seconds=1))) == [package]
    assert list(selectors.deadline_choices(owner.account, now=deadline + timedelta(seconds=1))) == []


def test_moving_to_a_deadline_already_passed_is_refused_and_the_clock_stays(demo_mode, owner):
    package = PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=365))

    with pytest.raises(services.PanelError, match="already passed"):
        services.clock_to_deadline(actor=owner.user, package=package, moment=DeadlineMoment.LAST_MINUTE)

    assert clock.stored_offset() == timedelta(0)


def test_the_chooser_fields_do_not_share_the_ticket_forms_package_name(demo_mode, owner_client, owner):
    PackageFactory(owner=owner.account)

    html = owner_client.get(reverse("demo:deadline"), headers={"HX-Request": "true"}).content.decode()

    assert 'name="deadline-package"' in html and 'name="package"' not in html


def test_switching_persona_on_another_accounts_package_page_lands_on_the_packages_page(demo_mode, personas, client):
    package = PackageFactory(owner=personas.account)
    client.force_login(personas.user)

    response = client.post(reverse("demo:persona"), {"username": "suspended", "next": f"/css/packages/{package.code}/"})

    assert response.url == reverse("packages")


def test_switching_persona_on_a_package_page_of_the_same_account_stays_there(demo_mode, personas, client):
    package = PackageFactory(owner=personas.account)
    client.force_login(personas.user)

    response = client.post(reverse("demo:persona"), {"username": "viewer", "next": f"/css/packages/{package.code}/"})

    assert response.url == f"/css/packages/{package.code}/"


def test_switching_persona_on_a_ticket_the_new_persona_cannot_see_lands_on_the_packages_page(demo_mode, personas, client):
    ticket = TicketFactory(member=personas)
    client.force_login(personas.user)

    response = client.post(
        reverse("demo:persona"), {"username": "viewer", "next": reverse("tickets:detail", args=[ticket.pk])},
        headers={"HX-Request": "true"},
    )

    assert response["HX-Redirect"] == reverse("packages")


def test_switching_persona_on_a_page_every_account_has_stays_there(demo_mode, personas, client):
    client.force_login(personas.user)

    response = client.post(reverse("demo:persona"), {"username": "suspended", "next": "/css/billing/?start=2026-01-01"})

    assert response.url == "/css/billing/?start=2026-01-01"


@RESET
def test_resetting_on_a_ticket_page_lands_on_the_packages_page(demo_mode, personas, client):
    ticket = TicketFactory(member=personas)
    client.force_login(personas.user)

    response = client.post(reverse("demo:reset"), {"next": reverse("tickets:detail", args=[ticket.pk])})

    assert response.url == reverse("packages")


def test_the_reset_button_shows_progress_and_is_disabled_while_it_runs(demo_mode, owner_client):
    html = owner_client.get(reverse("billing")).content.decode()

    assert 'hx-indicator="#demo-reset-progress"' in html and 'hx-disabled-elt="find button"' in html
    assert 'id="demo-reset-progress"' in html and "Resetting:" in html


@RESET
def test_the_reset_keeps_the_language_the_presenter_chose(demo_mode, personas, client):
    user_language_set(user=personas.user, language="zh-hans")
    client.force_login(personas.user)

    page = client.post(reverse("demo:reset"), {"next": "/css/packages/"}, follow=True).content.decode()

    assert '<html lang="zh-hans"' in page
    assert "资源包/插件管理" in page


def test_the_reset_asks_for_confirmation_in_the_pages_language(demo_mode, owner_client):
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    page = owner_client.get(reverse("packages")).content.decode()

    assert 'hx-confirm="清空演示数据，重新生成，并回到真实时间？"' in page


def test_the_package_chooser_leaves_out_packages_the_policy_never_refunds(demo_mode, owner):
    unused = PackageFactory(owner=owner.account, kind="traffic")
    PackageFactory(owner=owner.account, kind="traffic", giveaway=True)
    PackageFactory(owner=owner.account, kind="traffic", used=Decimal("1"))

    assert list(selectors.deadline_choices(owner.account)) == [unused]
