"""Issue 23, item 25: the guided tour lives in the presenter panel. Each stop of the one definition
(console.demo.tour.TOUR) sets up its case in one click and says what to click, in both languages."""

from dataclasses import replace
from datetime import timedelta
from html import unescape
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.urls import reverse

from console.accounts.models import Account
from console.core import clock
from console.core.models import AuditEntry
from console.demo import tour
from console.demo.services import DeadlineMoment
from console.demo.tour import TOUR

STOP = reverse("demo:tour")


@pytest.fixture
def seeded(demo_mode):
    call_command("seed_demo", stdout=StringIO())
    return demo_mode


def set_up(client, key: str, **extra):
    return client.post(STOP, {"stop": key, "next": "/", **extra}, follow=True)


def aurora() -> Account:
    return Account.objects.get(members__user__username="demo")


def signed_in_as(client) -> str:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=client.session[SESSION_KEY]).get_username()


@pytest.mark.parametrize("stop", TOUR, ids=[stop.key for stop in TOUR])
def test_every_stop_signs_in_its_persona_and_opens_its_page_with_what_to_click(seeded, client, stop):
    response = set_up(client, stop.key)

    assert signed_in_as(client) == stop.persona
    assert response.redirect_chain[-1][0] == stop.url
    assert str(stop.steps) in unescape(response.content.decode())


def test_a_signed_out_visitor_can_start_the_tour(seeded, client):
    response = set_up(client, TOUR[0].key)

    assert response.status_code == 200
    assert signed_in_as(client) == TOUR[0].persona


def test_the_deadline_stop_puts_the_clock_at_the_last_minute_of_the_packages_window(seeded, client):
    set_up(client, "deadline")

    # The request moved the stored clock; this test's own reading was pinned before it.
    local = (clock.timezone.now() + clock.stored_offset()).astimezone(clock.billing_zone())
    assert (local.hour, local.minute) == (23, 59)


def test_a_stop_without_a_deadline_puts_the_clock_back_to_real_time(seeded, client):
    clock.set_offset(timedelta(days=3))

    set_up(client, "used")

    assert clock.stored_offset() == timedelta(0)


def test_the_billing_stop_opens_the_accounts_billing_window(seeded, client):
    set_up(client, "billing")

    assert aurora().billing_in_progress


def test_the_stop_after_the_billing_stop_closes_the_window_again(seeded, client):
    set_up(client, "billing")

    set_up(client, "viewer")

    assert not aurora().billing_in_progress


def test_setting_up_a_stop_is_audited_as_the_panels_buttons_are(seeded, client):
    set_up(client, "deadline")

    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"demo.persona_switch", "demo.clock_to_deadline"} <= actions


def test_an_unknown_stop_changes_nothing_and_says_so(seeded, client):
    response = set_up(client, "no-such-stop")

    assert "Choose a stop of the guided tour." in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_stop_whose_package_is_gone_says_to_reset(seeded, client, monkeypatch):
    gone = replace(tour.tour_stop("deadline"), deadline=("lvpkg-missing", DeadlineMoment.LAST_MINUTE))
    monkeypatch.setattr(tour, "TOUR", [gone if stop.key == "deadline" else stop for stop in TOUR])

    response = set_up(client, "deadline")

    assert "reset the demo data" in response.content.decode()


def test_the_panel_lists_every_stop_of_the_tour(seeded, client):
    html = unescape(client.get(reverse("login")).content.decode())

    for number, stop in enumerate(TOUR, start=1):
        assert f"{number}. {stop.title}" in html


def test_after_a_stop_the_panel_shows_its_steps_and_offers_the_next_stop(seeded, client):
    response = set_up(client, "refund")

    html = unescape(response.content.decode())
    assert f"Stop 2 of {len(TOUR)}: {TOUR[1].title}" in html
    assert f"Next stop: {TOUR[2].title}" in html


def test_the_last_stop_offers_no_next_stop(seeded, client):
    response = set_up(client, TOUR[-1].key)

    assert "Next stop:" not in response.content.decode()


def test_a_stop_speaks_chinese_on_a_chinese_page(seeded, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    html = unescape(set_up(client, "giveaway").content.decode())

    assert "赠送" in html
    assert "A giveaway" not in html


def test_adding_a_stop_is_one_entry_of_the_tour(seeded, client, monkeypatch):
    # given one more entry, as the arrears case will add
    extra = tour.TourStop("overdue", "Overdue payment", "Click Refund.", persona="overdue")
    monkeypatch.setattr(tour, "TOUR", [*TOUR, extra])

    # when it is set up from the panel
    response = set_up(client, "overdue")

    # then the panel lists it, signs its persona in and says what to click
    html = unescape(response.content.decode())
    assert f"{len(TOUR) + 1}. Overdue payment" in html
    assert signed_in_as(client) == "overdue"
    assert "Click Refund." in html


def test_the_presenter_page_lists_the_tour_with_its_steps(seeded, client):
    html = unescape(client.get(reverse("demo:home")).content.decode())

    assert all(str(stop.steps) in html for stop in TOUR)


def test_a_refused_stop_leaves_the_persona_and_the_clock_as_they_were(seeded, client, monkeypatch):
    gone = replace(tour.tour_stop("deadline"), deadline=("lvpkg-missing", DeadlineMoment.LAST_MINUTE))
    monkeypatch.setattr(tour, "TOUR", [gone if stop.key == "deadline" else stop for stop in TOUR])
    clock.set_offset(timedelta(hours=5))

    set_up(client, "deadline")

    assert clock.stored_offset() == timedelta(hours=5)
    assert not AuditEntry.objects.filter(action="demo.persona_switch").exists()


def test_after_the_deadline_stop_the_chooser_is_on_the_stops_package_for_one_second_past(seeded, client):
    from console.packages.models import Package

    set_up(client, "deadline")

    html = client.get(reverse("demo:deadline"), headers={"HX-Request": "true"}).content.decode()
    package = Package.objects.get(code="lvpkg-dm000008")
    assert f'<option value="{package.pk}" selected>' in html


@pytest.mark.django_db(transaction=True)
def test_a_stop_whose_clock_move_passes_an_arrears_deadline_sets_up_and_the_sweep_suspends_the_account(demo_mode, client):
    # The stop moves the clock inside its own transaction; the sweeps that follow a clock move run
    # durable transactions of their own, so they must wait for it to commit, not nest in it.
    call_command("seed_demo", stdout=StringIO())
    lumen = Account.objects.get(members__user__username="arrears")
    Account.objects.filter(pk=lumen.pk).update(arrears_deadline=clock.now() + timedelta(minutes=1))

    response = set_up(client, "deadline")

    assert response.status_code == 200
    assert Account.objects.get(pk=lumen.pk).status == "suspended_overdue"
