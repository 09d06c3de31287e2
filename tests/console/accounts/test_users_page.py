"""Users and permissions: the owner grants and revokes policies; the console's buttons follow."""

import json

import pytest
from django.urls import reverse

from console.accounts.models import Policy, PolicyAttachment, PresetPolicy
from console.accounts.permissions import MemberAction, member_may
from console.core import clock
from console.core.models import AuditEntry
from refunds.policy import Reason
from tests.factories import MemberFactory, PackageFactory, PolicyFactory

pytestmark = pytest.mark.django_db

CONFIRMED = {"confirmed": "yes"}  # the confirmation step's answer (console.core.confirm)


@pytest.fixture
def owner(client):
    owner = MemberFactory()
    client.force_login(owner.user)
    return owner


@pytest.fixture
def sub_user(owner):
    return MemberFactory(sub_user=True, account=owner.account)


def attach(client, sub_user, choice):
    return client.post(reverse("policy_attach", args=[sub_user.pk]), {f"u{sub_user.pk}-policy": choice})


def fresh(member):
    return type(member).objects.get(pk=member.pk)


def test_the_owner_grants_the_finance_policy_and_the_sub_user_may_refund(client, owner, sub_user):
    attach(client, sub_user, "preset:QCloudFinanceFullAccess")

    assert member_may(fresh(sub_user), MemberAction.REFUND)
    assert AuditEntry.objects.filter(action="policy.attached", account=owner.account).exists()


def test_the_owner_revokes_it_and_the_package_page_no_longer_offers_the_refund(client, owner, sub_user):
    attachment = PolicyAttachment.objects.create(
        member=sub_user, preset=PresetPolicy.FINANCE_FULL_ACCESS, attached_at=clock.now()
    )
    PackageFactory(owner=owner.account)

    client.force_login(sub_user.user)
    before = page_reasons(client)
    client.force_login(owner.user)
    client.post(reverse("policy_detach", args=[attachment.pk]), CONFIRMED)
    client.force_login(sub_user.user)
    after = page_reasons(client)

    assert (before, after) == ((), (Reason.NO_PERMISSION,))


def page_reasons(client):
    (row,) = client.get(reverse("packages")).context["view"].rows
    return row.verdict.reasons


def test_the_same_policy_is_attached_once(client, owner, sub_user):
    attach(client, sub_user, "preset:QcloudLIVEReadOnlyAccess")
    again = attach(client, sub_user, "preset:QcloudLIVEReadOnlyAccess")

    assert PolicyAttachment.objects.filter(member=sub_user).count() == 1
    assert again.status_code == 302


def test_the_owner_writes_a_custom_policy_and_attaches_it(client, owner, sub_user):
    document = {"version": "2.0", "statement": [{"effect": "allow", "action": "finace:RefundInstance"}]}

    client.post(reverse("policy_create"), {"name": "refund-only", "document": json.dumps(document)})
    policy = Policy.objects.get(account=owner.account, name="refund-only")
    attach(client, sub_user, f"policy:{policy.pk}")

    assert policy.document["statement"] == [{"effect": "allow", "action": ["finace:RefundInstance"], "resource": "*"}]
    assert member_may(fresh(sub_user), MemberAction.REFUND)
    assert not member_may(fresh(sub_user), MemberAction.BUY)


def test_a_policy_document_that_is_not_valid_is_shown_beside_its_field(client, owner):
    response = client.post(reverse("policy_create"), {"name": "broken", "document": '{"version": "2.0"'})

    assert response.status_code == 422
    assert "not valid JSON" in response.content.decode()
    assert not Policy.objects.exists()


def test_a_policy_still_attached_cannot_be_deleted(client, owner, sub_user):
    policy = PolicyFactory(account=owner.account)
    PolicyAttachment.objects.create(member=sub_user, policy=policy, attached_at=clock.now())

    client.post(reverse("policy_delete", args=[policy.pk]), CONFIRMED)

    assert Policy.objects.filter(pk=policy.pk).exists()


def test_another_accounts_policy_cannot_be_attached(client, owner, sub_user):
    theirs = PolicyFactory(document={"version": "2.0", "statement": [{"effect": "allow", "action": "*"}]})

    attach(client, sub_user, f"policy:{theirs.pk}")

    assert not PolicyAttachment.objects.exists()


def test_another_accounts_sub_user_cannot_be_given_a_policy(client, owner):
    stranger = MemberFactory(sub_user=True)

    attach(client, stranger, "preset:QCloudFinanceFullAccess")

    assert not PolicyAttachment.objects.exists()


def test_a_sub_user_sees_their_own_policies_and_cannot_grant_any(client, owner, sub_user):
    PolicyAttachment.objects.create(member=sub_user, preset=PresetPolicy.LIVE_READ_ONLY_ACCESS, attached_at=clock.now())
    client.force_login(sub_user.user)

    page = client.get(reverse("users_permissions"))
    refused = attach(client, sub_user, "preset:QCloudFinanceFullAccess")

    assert "QcloudLIVEReadOnlyAccess" in page.content.decode()
    assert 'data-testid="sub-users"' not in page.content.decode()
    assert refused.status_code == 403
    assert not member_may(fresh(sub_user), MemberAction.REFUND)


def test_the_owner_sees_every_sub_user_with_their_policies(client, owner, sub_user):
    PolicyAttachment.objects.create(member=sub_user, preset=PresetPolicy.LIVE_FULL_ACCESS, attached_at=clock.now())

    page = client.get(reverse("users_permissions")).content.decode()

    assert sub_user.user.username in page
    assert 'data-policy="QcloudLIVEFullAccess"' in page


def test_the_policy_picker_offers_only_policies_not_yet_attached(client, owner, sub_user):
    PolicyAttachment.objects.create(member=sub_user, preset=PresetPolicy.FINANCE_FULL_ACCESS, attached_at=clock.now())
    attached = PolicyFactory(account=owner.account, name="attached-one")
    free = PolicyFactory(account=owner.account, name="still-free")
    PolicyAttachment.objects.create(member=sub_user, policy=attached, attached_at=clock.now())

    page = client.get(reverse("users_permissions"))

    form = dict(page.context["rows"])[sub_user]
    offered = {value for _group, options in form.fields["policy"].choices for value, _label in options}
    assert offered == {
        "preset:QcloudLIVEFullAccess", "preset:QcloudLIVEReadOnlyAccess", f"policy:{free.pk}",
    }


def test_a_sub_user_with_every_policy_attached_is_offered_no_picker(client, owner, sub_user):
    for preset in PresetPolicy:
        PolicyAttachment.objects.create(member=sub_user, preset=preset, attached_at=clock.now())

    html = client.get(reverse("users_permissions")).content.decode()

    assert 'data-testid="nothing-to-attach"' in html
    assert reverse("policy_attach", args=[sub_user.pk]) not in html
