"""Logins are throttled (django-axes): a few wrong passwords for one user name, or from one
address, lock further logins out for a while, on the console's login and the admin's alike."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import MemberFactory, StaffFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
ADMIN_LOGIN = reverse("admin:login")
PASSWORD = "correct-horse"  # the factories' password


@pytest.fixture(autouse=True)
def no_attempts_left_over():
    # The attempts live in the database, which each test rolls back; a transactional test elsewhere
    # could leave some behind, so each test here starts from none.
    reset()
    yield
    reset()


@pytest.fixture
def member():
    return MemberFactory()


def attempt(client: Client, url: str, username: str, password: str, address: str = "203.0.113.7"):
    return client.post(url, {"username": username, "password": password, "next": ""}, REMOTE_ADDR=address)


def fail(client: Client, url: str, username: str, times: int, address: str = "203.0.113.7"):
    for _ in range(times):
        attempt(client, url, username, "wrong-password", address)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_four_wrong_passwords_still_let_the_right_one_in(client, member):
    fail(client, LOGIN, member.user.username, 4)

    attempt(client, LOGIN, member.user.username, PASSWORD)

    assert logged_in(client)


def test_after_five_wrong_passwords_the_right_one_is_refused_with_the_lockout_page(client, member):
    fail(client, LOGIN, member.user.username, 5)

    response = attempt(client, LOGIN, member.user.username, PASSWORD)

    assert response.status_code == 429
    assert not logged_in(client)
    html = response.content.decode()
    assert 'data-testid="locked-out"' in html
    assert "Try again in 15 minutes" in html


def test_the_lockout_page_is_drawn_in_the_console_layout(client, member):
    fail(client, LOGIN, member.user.username, 5)

    response = attempt(client, LOGIN, member.user.username, PASSWORD)

    html = response.content.decode()
    assert 'class="topbar"' in html
    assert "Back to the login" in html


def test_a_user_name_is_locked_out_from_every_address(member):
    fail(Client(), LOGIN, member.user.username, 5, address="203.0.113.7")

    elsewhere = Client()
    response = attempt(elsewhere, LOGIN, member.user.username, PASSWORD, address="198.51.100.20")

    assert response.status_code == 429
    assert not logged_in(elsewhere)


def test_an_address_guessing_many_user_names_is_locked_out_for_all_of_them(member):
    guesser = Client()
    for n in range(5):
        attempt(guesser, LOGIN, f"someone{n}", "wrong-password", address="203.0.113.99")

    response = attempt(guesser, LOGIN, member.user.username, PASSWORD, address="203.0.113.99")

    assert response.status_code == 429
    assert not logged_in(guesser)


def test_another_user_from_another_address_is_not_affected(member):
    fail(Client(), LOGIN, "victim", 5, address="203.0.113.7")

    client = Client()
    attempt(client, LOGIN, member.user.username, PASSWORD, address="198.51.100.20")

    assert logged_in(client)


def test_the_admin_login_is_locked_out_after_five_wrong_passwords(client):
    staff = StaffFactory()
    fail(client, ADMIN_LOGIN, staff.username, 5)

    response = attempt(client, ADMIN_LOGIN, staff.username, PASSWORD)

    assert response.status_code == 429
    assert not logged_in(client)


def test_wrong_passwords_on_the_console_login_lock_the_admin_login_too(client):
    staff = StaffFactory()
    fail(client, LOGIN, staff.username, 5)

    response = attempt(client, ADMIN_LOGIN, staff.username, PASSWORD)

    assert response.status_code == 429


def test_the_lock_lifts_when_the_cool_off_has_passed(client, member):
    fail(client, LOGIN, member.user.username, 5)
    # given the last failure was 16 minutes ago
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    attempt(client, LOGIN, member.user.username, PASSWORD)

    assert logged_in(client)


def test_staff_lift_the_lock_with_axes_reset_username(client, member):
    fail(client, LOGIN, member.user.username, 5)

    call_command("axes_reset_username", member.user.username)
    attempt(client, LOGIN, member.user.username, PASSWORD)

    assert logged_in(client)


def test_a_successful_login_clears_the_earlier_failures(client, member):
    fail(client, LOGIN, member.user.username, 4)
    attempt(client, LOGIN, member.user.username, PASSWORD)
    client.logout()

    fail(client, LOGIN, member.user.username, 4)
    attempt(client, LOGIN, member.user.username, PASSWORD)

    assert logged_in(client)
