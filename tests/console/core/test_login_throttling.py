"""Logins are throttled (django-axes, console.core.lockout): a few wrong passwords for one user
name at one address lock that name out there for a while; many for one name from anywhere, or from
one address under any names, lock those out too; on the console's login and the admin's alike."""

from datetime import UTC, datetime, timedelta

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from console.core.lockout import lock_lifts_at
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


def test_five_wrong_passwords_at_one_address_do_not_lock_the_name_at_another(member):
    fail(Client(), LOGIN, member.user.username, 5, address="10.0.0.1")

    elsewhere = Client()
    attempt(elsewhere, LOGIN, member.user.username, PASSWORD, address="198.51.100.20")

    assert logged_in(elsewhere)


def test_another_user_behind_the_same_address_still_logs_in(member):
    fail(Client(), LOGIN, "alice", 5, address="10.0.0.1")

    colleague = Client()
    attempt(colleague, LOGIN, member.user.username, PASSWORD, address="10.0.0.1")

    assert logged_in(colleague)


def test_a_user_name_guessed_from_many_addresses_is_locked_out_from_every_address(member):
    addresses = [f"198.51.100.{n}" for n in range(settings.LOGIN_FAILURE_LIMIT_PER_USERNAME)]
    for address in addresses:
        fail(Client(), LOGIN, member.user.username, 1, address=address)

    elsewhere = Client()
    response = attempt(elsewhere, LOGIN, member.user.username, PASSWORD, address="192.0.2.1")

    assert response.status_code == 429
    assert not logged_in(elsewhere)


def test_an_address_guessing_many_user_names_is_locked_out_for_all_of_them(member):
    guesser = Client()
    for n in range(settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS):
        attempt(guesser, LOGIN, f"someone{n}", "wrong-password", address="203.0.113.99")

    response = attempt(guesser, LOGIN, member.user.username, PASSWORD, address="203.0.113.99")

    assert response.status_code == 429
    assert not logged_in(guesser)


def test_an_address_just_under_its_limit_still_lets_a_right_password_in(member):
    for n in range(settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS - 1):
        attempt(Client(), LOGIN, f"someone{n}", "wrong-password", address="203.0.113.99")

    client = Client()
    attempt(client, LOGIN, member.user.username, PASSWORD, address="203.0.113.99")

    assert logged_in(client)


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


# --- Retry-After ----------------------------------------------------------------------------------


def test_the_lockout_says_in_retry_after_that_the_whole_cool_off_is_left(client, member):
    fail(client, LOGIN, member.user.username, 5)

    response = attempt(client, LOGIN, member.user.username, PASSWORD)

    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)


def test_an_address_lock_lifts_when_enough_of_its_failures_have_aged_out(member):
    # given 30 of the address's failures were 10 minutes ago and 19 just now (one more locks it)
    guesser = Client()
    for n in range(30):
        attempt(guesser, LOGIN, f"early{n}", "wrong-password", address="203.0.113.99")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=10))
    for n in range(settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS - 30 - 1):
        attempt(guesser, LOGIN, f"late{n}", "wrong-password", address="203.0.113.99")

    response = attempt(guesser, LOGIN, member.user.username, "wrong-password", address="203.0.113.99")

    # the early 30 stop counting in 5 minutes, which leaves 20, under the limit
    assert response.status_code == 429
    assert response["Retry-After"] == str(5 * 60)
    assert "Try again in 5 minutes" in response.content.decode()


def test_the_admin_lockout_carries_retry_after_too(client):
    staff = StaffFactory()
    fail(client, ADMIN_LOGIN, staff.username, 5)

    response = attempt(client, ADMIN_LOGIN, staff.username, PASSWORD)

    assert response["Retry-After"] == str(15 * 60)


def at(minute: int) -> datetime:
    return datetime(2026, 1, 1, 12, minute, tzinfo=UTC)


def test_failures_under_the_limit_hold_no_lock():
    assert lock_lifts_at([(at(0), 2), (at(1), 2)], limit=5, cool_off=timedelta(minutes=15)) is None


def test_a_lock_lifts_once_the_oldest_failures_that_keep_it_over_the_limit_age_out():
    failures = [(at(5), 1), (at(0), 3), (at(9), 2)]  # 6 in all, limit 5

    lifts_at = lock_lifts_at(failures, limit=5, cool_off=timedelta(minutes=15))

    assert lifts_at == at(0) + timedelta(minutes=15)


def test_a_lock_held_by_its_newest_failures_lifts_when_they_age_out():
    failures = [(at(0), 1), (at(9), 5)]

    lifts_at = lock_lifts_at(failures, limit=5, cool_off=timedelta(minutes=15))

    assert lifts_at == at(9) + timedelta(minutes=15)
