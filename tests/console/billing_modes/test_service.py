"""The one service that changes a billing mode (`billing_mode_change`): the rule under the lock, the
history appended, the account's kept modes derived from it, the audit, the permission."""

from datetime import timedelta

import pytest

from console.accounts.models import Account, BillingMode, PresetPolicy
from console.billing.models import BillingModeChange, BillingModeChannel
from console.billing.services import BillingModeRefused, billing_mode_change
from console.core import clock
from console.core.errors import PermissionRefused
from console.core.models import AuditEntry
from tests.console.billing_modes.moments import NOW
from tests.factories import MemberFactory, PolicyFactory, StaffFactory, UsageRecordFactory

pytestmark = pytest.mark.django_db

TODAY = NOW.astimezone(clock.billing_zone()).date()
TRAFFIC, BANDWIDTH = BillingMode.DAILY_TRAFFIC, BillingMode.DAILY_BANDWIDTH


def change(member, mode=BANDWIDTH):
    return billing_mode_change(account_id=member.account_id, mode=mode, actor=member.user, member=member)


def test_a_change_is_recorded_with_who_asked_and_when_it_takes_effect(moment):
    owner = MemberFactory()

    row = change(owner)

    assert (row.from_mode, row.to_mode, row.asked_on, row.effective_on, row.asked_by) == (
        TRAFFIC, BANDWIDTH, TODAY, TODAY + timedelta(days=1), owner.user,
    )


def test_a_change_waits_a_day_more_when_the_account_has_usage_today(moment):
    owner = MemberFactory()
    UsageRecordFactory(account=owner.account, day=TODAY)

    assert change(owner).effective_on == TODAY + timedelta(days=2)


def test_transcoding_usage_today_does_not_delay_the_change(moment):
    owner = MemberFactory()
    UsageRecordFactory(account=owner.account, day=TODAY, package_kind="transcode_standard", item="h264:480p")

    assert change(owner).effective_on == TODAY + timedelta(days=1)


def test_usage_recorded_only_for_yesterday_does_not_delay_the_change(moment):
    owner = MemberFactory()
    UsageRecordFactory(account=owner.account, day=TODAY - timedelta(days=1))

    assert change(owner).effective_on == TODAY + timedelta(days=1)


def test_a_second_change_the_same_day_is_refused_and_changes_nothing(moment):
    owner = MemberFactory()
    change(owner)

    with pytest.raises(BillingModeRefused) as refused:
        change(owner, TRAFFIC)

    assert refused.value.code == "billing_mode_changed_today"
    assert "again tomorrow" in refused.value.message
    assert BillingModeChange.objects.count() == 1


def test_the_pending_change_is_on_the_account_and_takes_effect_on_its_day_without_a_sweep(moment):
    owner = MemberFactory()
    change(owner)
    account = Account.objects.get(pk=owner.account_id)

    assert (account.billing_mode_on(TODAY), account.billing_mode_on(TODAY + timedelta(days=1))) == (TRAFFIC, BANDWIDTH)
    assert (account.billing_mode_next, account.billing_mode_next_from) == (BANDWIDTH, TODAY + timedelta(days=1))


def test_switching_back_the_next_day_cancels_the_pending_change(moment):
    owner = MemberFactory()
    UsageRecordFactory(account=owner.account, day=TODAY)
    change(owner)  # takes effect the day after tomorrow
    moment.now = NOW + timedelta(days=1)

    row = change(owner, TRAFFIC)

    account = Account.objects.get(pk=owner.account_id)
    assert (row.cancels_pending, row.effective_on) == (True, TODAY + timedelta(days=2))
    assert [account.billing_mode_on(TODAY + timedelta(days=n)) for n in range(4)] == [TRAFFIC] * 4
    assert (account.billing_mode_next, account.billing_mode_next_from) == ("", None)


def test_switching_back_after_the_change_took_effect_is_a_change_of_its_own(moment):
    owner = MemberFactory()
    change(owner)
    moment.now = NOW + timedelta(days=1)

    row = change(owner, TRAFFIC)

    account = Account.objects.get(pk=owner.account_id)
    assert (row.from_mode, row.cancels_pending, row.effective_on) == (BANDWIDTH, False, TODAY + timedelta(days=2))
    assert [account.billing_mode_on(TODAY + timedelta(days=n)) for n in (1, 2)] == [BANDWIDTH, TRAFFIC]


def test_every_accepted_change_is_audited_with_the_rules_verdict(moment):
    owner = MemberFactory()

    row = change(owner)

    entry = AuditEntry.objects.get(action="account.billing_mode_change_requested")
    assert (entry.account_id, entry.object_id, entry.actor_id) == (owner.account_id, str(row.pk), owner.user.pk)
    assert entry.before == {"in_force": TRAFFIC, "pending": None}
    assert entry.after == {"mode": BANDWIDTH, "from": (TODAY + timedelta(days=1)).isoformat()}
    assert entry.verdict["usage_today"] is False


def test_a_customer_cannot_choose_the_monthly_95th_percentile(moment):
    owner = MemberFactory()

    with pytest.raises(BillingModeRefused) as refused:
        change(owner, BillingMode.MONTHLY_PEAK_BANDWIDTH)

    assert refused.value.code == "billing_mode_contract_only"


def test_staff_set_the_monthly_mode_through_the_same_service(moment):
    owner = MemberFactory()
    staff = StaffFactory(is_superuser=True)

    row = billing_mode_change(
        account_id=owner.account_id, mode=BillingMode.MONTHLY_PEAK_BANDWIDTH, actor=staff, channel=BillingModeChannel.ADMIN,
    )

    assert (row.channel, row.asked_by_label, row.effective_on) == ("admin", f"{staff.username} (staff)", TODAY + timedelta(days=1))


def test_staff_without_the_permission_to_change_accounts_are_refused(moment):
    owner = MemberFactory()

    with pytest.raises(PermissionRefused):
        billing_mode_change(
            account_id=owner.account_id, mode=BANDWIDTH, actor=StaffFactory(), channel=BillingModeChannel.ADMIN,
        )


def test_a_sub_user_without_the_cam_action_is_refused_in_words(moment):
    viewer = MemberFactory(sub_user=True, policies=[PresetPolicy.LIVE_READ_ONLY_ACCESS])

    with pytest.raises(PermissionRefused) as refused:
        change(viewer)

    assert "live:ModifyBillingMode" in refused.value.message
    assert not BillingModeChange.objects.exists()


@pytest.mark.parametrize("action", ["live:ModifyBillingMode", "live:Modify*", "live:*"])
def test_a_sub_user_whose_policy_allows_modify_billing_mode_may_change_it(moment, action):
    owner = MemberFactory()
    policy = PolicyFactory(
        account=owner.account, document={"version": "2.0", "statement": [{"effect": "allow", "action": [action], "resource": "*"}]},
    )
    sub_user = MemberFactory(sub_user=True, account=owner.account, policies=[policy])

    assert change(sub_user).to_mode == BANDWIDTH


def test_a_member_of_another_account_cannot_change_this_one(moment):
    owner, stranger = MemberFactory(), MemberFactory()

    with pytest.raises(Exception) as refused:
        billing_mode_change(account_id=owner.account_id, mode=BANDWIDTH, actor=stranger.user, member=stranger)

    assert refused.value.code == "not_found"


def test_staff_set_the_monthly_mode_in_the_admin_and_the_history_records_it(client, moment):
    owner = MemberFactory()
    client.force_login(StaffFactory(is_superuser=True))

    response = client.post(
        "/admin/console/billingmodechange/set/", {"uin": owner.account.uin, "mode": BillingMode.MONTHLY_PEAK_BANDWIDTH},
    )

    assert response.status_code == 302
    row = BillingModeChange.objects.get()
    assert (row.to_mode, row.channel) == (BillingMode.MONTHLY_PEAK_BANDWIDTH, "admin")
    assert client.get("/admin/console/billingmodechange/").status_code == 200
