"""Irreversible actions ask first: Close ticket, Disable and Delete API key, Detach and Delete
policy. The step says what cannot be undone; a POST without the confirmation changes nothing."""

import pytest
from django.urls import reverse

from console.accounts.models import ApiKey, Policy, PolicyAttachment, PresetPolicy
from console.core import clock
from tests.factories import ApiKeyFactory, MemberFactory, PackageFactory, PolicyFactory, TicketFactory
from tickets.models import Ticket
from tickets.transitions import Status

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
CONFIRMED = {"confirmed": "yes"}


@pytest.fixture
def owner(client):
    owner = MemberFactory()
    client.force_login(owner.user)
    return owner


# -- a POST without the confirmation acts on nothing ----------------------------------------------


def test_an_unconfirmed_post_does_not_close_the_ticket(client, owner):
    ticket = TicketFactory(member=owner)

    response = client.post(reverse("tickets:close", args=[ticket.pk]))

    assert Ticket.objects.get(pk=ticket.pk).status == Status.OPEN
    assert 'data-testid="confirm-dialog"' in response.content.decode()


def test_an_unconfirmed_post_does_not_disable_the_key(client, owner):
    key = ApiKeyFactory(member=owner)

    client.post(reverse("api_key_disable", args=[key.pk]))

    assert ApiKey.objects.get(pk=key.pk).enabled is True


def test_an_unconfirmed_post_does_not_delete_the_key(client, owner):
    key = ApiKeyFactory(member=owner, enabled=False)

    client.post(reverse("api_key_delete", args=[key.pk]))

    assert ApiKey.objects.filter(pk=key.pk).exists()


def test_an_unconfirmed_post_does_not_detach_the_policy(client, owner):
    attachment = PolicyAttachment.objects.create(
        member=MemberFactory(sub_user=True, account=owner.account), preset=PresetPolicy.FINANCE_FULL_ACCESS,
        attached_at=clock.now(),
    )

    client.post(reverse("policy_detach", args=[attachment.pk]))

    assert PolicyAttachment.objects.filter(pk=attachment.pk).exists()


def test_an_unconfirmed_post_does_not_delete_the_policy(client, owner):
    policy = PolicyFactory(account=owner.account)

    client.post(reverse("policy_delete", args=[policy.pk]))

    assert Policy.objects.filter(pk=policy.pk).exists()


# -- the step says what cannot be undone, and the confirmed POST acts -----------------------------------


def test_closing_a_ticket_with_an_open_refund_request_says_the_request_is_lost(client, owner):
    ticket = TicketFactory(member=owner, package=PackageFactory(owner=owner.account))

    html = client.get(reverse("tickets:close", args=[ticket.pk]), **HTMX).content.decode()

    assert html.lstrip().startswith("<dialog")
    assert "cannot be undone" in html
    assert "the refund it asks for is withdrawn without a decision" in html


def test_the_confirmed_post_closes_the_ticket(client, owner):
    ticket = TicketFactory(member=owner)

    client.post(reverse("tickets:close", args=[ticket.pk]), CONFIRMED)

    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED


def test_deleting_a_key_says_it_cannot_be_undone_and_names_the_key(client, owner):
    key = ApiKeyFactory(member=owner, enabled=False)

    html = client.get(reverse("api_key_delete", args=[key.pk]), **HTMX).content.decode()

    assert key.secret_id in html and "This cannot be undone" in html


def test_disabling_a_key_says_scripts_stop_at_once(client, owner):
    key = ApiKeyFactory(member=owner)

    html = client.get(reverse("api_key_disable", args=[key.pk])).content.decode()

    assert "stop working at once" in html
    assert f'action="{reverse("api_key_disable", args=[key.pk])}"' in html


def test_detaching_says_what_the_sub_user_loses(client, owner):
    sub_user = MemberFactory(sub_user=True, account=owner.account, user__username="carol")
    attachment = PolicyAttachment.objects.create(
        member=sub_user, preset=PresetPolicy.FINANCE_FULL_ACCESS, attached_at=clock.now()
    )

    html = client.get(reverse("policy_detach", args=[attachment.pk]), **HTMX).content.decode()

    assert "Detach QCloudFinanceFullAccess from carol?" in html
    assert "carol loses at once what QCloudFinanceFullAccess allows" in html


def test_deleting_a_policy_says_it_cannot_be_undone(client, owner):
    policy = PolicyFactory(account=owner.account, name="ops-read")

    html = client.get(reverse("policy_delete", args=[policy.pk]), **HTMX).content.decode()

    assert "Delete policy ops-read?" in html and "This cannot be undone" in html


def test_nobody_is_asked_to_confirm_on_another_persons_key(client, owner):
    theirs = ApiKeyFactory(member=MemberFactory(account=owner.account, sub_user=True))

    response = client.get(reverse("api_key_disable", args=[theirs.pk]))

    assert response.status_code == 404
    assert theirs.secret_id not in response.content.decode()


def test_a_sub_user_is_not_asked_to_confirm_a_policy_deletion(client, owner):
    policy = PolicyFactory(account=owner.account)
    sub_user = MemberFactory(sub_user=True, account=owner.account)
    client.force_login(sub_user.user)

    assert client.get(reverse("policy_delete", args=[policy.pk])).status_code == 403


def test_the_step_in_chinese_is_translated(client, owner):
    ticket = TicketFactory(member=owner)
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    html = client.get(reverse("tickets:close", args=[ticket.pk]), **HTMX).content.decode()

    assert f"关闭工单 #{ticket.pk}？" in html
    assert "无法撤销" in html
    assert "取消" in html
