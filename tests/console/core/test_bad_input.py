"""Bad input gets a clear 4xx, never a 500: NUL characters anywhere in a request, admin list
actions with a selection that is not an ID, and idempotency or submission keys already used by
another account."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from console.core.errors import IdempotencyKeyReused
from tests.factories import MemberFactory, StaffFactory, TicketFactory
from tickets.models import Ticket
from tickets.services import ticket_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client):
    member = MemberFactory()
    client.force_login(member.user)
    return member


@pytest.fixture
def superuser(client):
    user = StaffFactory(is_superuser=True)
    client.force_login(user)
    return user


def refused_as_bad_request(response) -> bool:
    return response.status_code == 400 and b"NUL character" in response.content


# --- NUL characters ------------------------------------------------------------------------------


def test_a_nul_in_a_package_address_is_a_bad_request(client, owner):
    assert refused_as_bad_request(client.get("/css/packages/lvpkg-%00/"))


def test_a_nul_in_a_query_string_is_a_bad_request(client, owner):
    assert refused_as_bad_request(client.get(reverse("packages"), {"status": "\x00"}))


def test_a_nul_in_a_ticket_search_is_a_bad_request(client, owner):
    assert refused_as_bad_request(client.get(reverse("tickets:submit"), {"q": "css\x00"}))


def test_a_nul_in_an_admin_filter_is_a_bad_request(client, superuser):
    assert refused_as_bad_request(client.get(reverse("admin:tickets_ticket_changelist"), {"status__exact": "\x00"}))


def test_a_nul_in_an_admin_search_is_a_bad_request(client, superuser):
    assert refused_as_bad_request(client.get(reverse("admin:console_package_changelist"), {"q": "lvpkg\x00"}))


def test_a_nul_in_a_form_field_is_a_bad_request(client, owner):
    response = client.post(reverse("tickets:submit"), {"product": "css", "issue_type": "other", "package": "\x00"})

    assert refused_as_bad_request(response)
    assert not Ticket.objects.exists()


def test_a_nul_in_the_session_cookie_is_a_bad_request():
    # A quoted cookie value, in which \000 reads as NUL.
    response = Client().get(reverse("packages"), HTTP_COOKIE='sessionid="\\000abcdefgh"')

    assert refused_as_bad_request(response)


def test_the_bad_request_page_says_what_was_wrong(client, owner):
    response = client.get(reverse("packages"), {"q": "\x00"})

    assert b"The address or the form contains a NUL character" in response.content


# --- admin list actions --------------------------------------------------------------------------


@pytest.mark.parametrize("selection", ["abc", "1.5", "", "1 OR 1=1"])
def test_an_admin_action_on_a_selection_that_is_not_an_id_is_a_bad_request(client, superuser, selection):
    TicketFactory()

    response = client.post(
        reverse("admin:tickets_ticket_changelist"),
        {"action": "assign_to_me", "_selected_action": [selection], "index": "0"},
    )

    assert response.status_code == 400
    assert b"The selection is not a list of IDs" in response.content


def test_an_admin_action_on_real_ids_still_runs(client, superuser):
    ticket = TicketFactory()

    response = client.post(
        reverse("admin:tickets_ticket_changelist"),
        {"action": "assign_to_me", "_selected_action": [str(ticket.pk)], "index": "0"},
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee_id == superuser.pk


# --- a key another person already used ----------------------------------------------------------


def submit_ticket(member, key):
    return ticket_submit(
        member=member, product="css", issue_type="other", title="Refund", description="Please.",
        package=None, contact_email="a@example.com", contact_phone="+86 13800000000",
        contact_time="anytime", attachments=[], submission_key=key,
    )


def test_a_ticket_submission_key_another_person_used_is_refused_as_reused():
    key = uuid.uuid4()
    submit_ticket(MemberFactory(), key)

    with pytest.raises(IdempotencyKeyReused):
        submit_ticket(MemberFactory(), key)
    assert Ticket.objects.count() == 1


def test_the_same_person_submitting_the_same_key_again_gets_the_first_ticket():
    member, key = MemberFactory(), uuid.uuid4()
    first = submit_ticket(member, key)

    assert submit_ticket(member, key) == first


def test_the_ticket_form_answers_409_when_its_key_was_someone_elses(client, owner):
    key = uuid.uuid4()
    submit_ticket(MemberFactory(), key)

    response = client.post(reverse("tickets:submit"), {
        "product": "css", "issue_type": "other", "submission_key": str(key), "title": "Refund",
        "description": "Please.", "package": "", "contact_email": "owner@example.com",
        "phone_country": "+86", "phone": "13800000000", "contact_time": "anytime",
    })

    assert response.status_code == 409
    assert b"already submitted by someone else" in response.content
