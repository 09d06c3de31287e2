"""CAM-style permissions: the owner may do everything; sub-users what their policies allow, an
explicit deny winning; console actions are CAM actions too."""

import pytest

from console.accounts.models import PresetPolicy
from console.accounts.permissions import (
    CAM_ACTIONS,
    InvalidPolicy,
    MemberAction,
    api_action_allowed,
    member_may,
    member_permissions,
    member_require,
    policy_document_parse,
    statements_allow,
)
from console.core.errors import PermissionRefused
from tests.factories import AccountFactory, MemberFactory, PolicyFactory

pytestmark = pytest.mark.django_db


def allow(*actions, effect="allow"):
    return {"version": "2.0", "statement": [{"effect": effect, "action": list(actions), "resource": "*"}]}


def test_the_owner_may_do_every_action_without_any_policy():
    owner = MemberFactory()

    assert api_action_allowed(owner, "finance:RefundInstance")
    assert api_action_allowed(owner, "live:AnythingAtAll")
    assert all(member_may(owner, action) for action in MemberAction)


def test_a_sub_user_without_policies_may_do_nothing():
    sub_user = MemberFactory(sub_user=True)

    assert not api_action_allowed(sub_user, "live:DescribeLivePackageInfo")
    assert not any(member_may(sub_user, action) for action in MemberAction)


def test_the_finance_preset_allows_refunding_buying_and_auto_renewal_but_not_live():
    finance = MemberFactory(sub_user_with_refund=True)

    assert all(member_may(finance, action) for action in MemberAction if action != MemberAction.MODIFY_BILLING_MODE)
    assert not api_action_allowed(finance, "live:DescribeLivePackageInfo")
    # Changing the billing mode is a CSS action (live:ModifyBillingMode), not a finance one.
    assert not member_may(finance, MemberAction.MODIFY_BILLING_MODE)


def test_changing_the_billing_mode_is_live_modify_billing_mode():
    full = MemberFactory(sub_user=True, policies=[PresetPolicy.LIVE_FULL_ACCESS])
    reader = MemberFactory(sub_user=True, policies=[PresetPolicy.LIVE_READ_ONLY_ACCESS])

    assert CAM_ACTIONS[MemberAction.MODIFY_BILLING_MODE] == "live:ModifyBillingMode"
    assert (member_may(full, MemberAction.MODIFY_BILLING_MODE), member_may(reader, MemberAction.MODIFY_BILLING_MODE)) == (True, False)


def test_the_console_refund_is_the_apis_refund_instance():
    assert CAM_ACTIONS[MemberAction.REFUND] == "finance:RefundInstance"


def test_the_live_read_only_preset_allows_describe_actions_only():
    reader = MemberFactory(sub_user=True, policies=[PresetPolicy.LIVE_READ_ONLY_ACCESS])

    assert api_action_allowed(reader, "live:DescribeLivePackageInfo")
    assert not api_action_allowed(reader, "live:CreateLiveTranscodeTemplate")
    assert not member_may(reader, MemberAction.REFUND)


def test_the_live_full_access_preset_allows_every_live_action_and_no_finance_action():
    operator = MemberFactory(sub_user=True, policies=[PresetPolicy.LIVE_FULL_ACCESS])

    assert api_action_allowed(operator, "live:DeleteLiveRecord")
    assert not api_action_allowed(operator, "finance:RefundInstance")


def test_tencents_finace_spelling_grants_the_finance_action_and_the_other_way_round():
    account = AccountFactory()
    policy = PolicyFactory(account=account, document=allow("finace:RefundInstance"))
    spelt_finace = MemberFactory(sub_user=True, account=account, policies=[policy])

    assert api_action_allowed(spelt_finace, "finance:RefundInstance")
    assert api_action_allowed(spelt_finace, "finace:RefundInstance")


def test_an_explicit_deny_wins_over_any_allow():
    account = AccountFactory()
    deny = PolicyFactory(account=account, document=allow("finance:RefundInstance", effect="deny"))
    member = MemberFactory(sub_user=True, account=account, policies=[PresetPolicy.FINANCE_FULL_ACCESS, deny])

    assert not member_may(member, MemberAction.REFUND)
    assert member_may(member, MemberAction.BUY)


def test_wildcards_match_action_name_prefixes_without_regard_to_case():
    (statement,) = policy_document_parse(allow("LIVE:describe*"))

    assert statements_allow((statement,), "live:DescribeLivePackageInfo")
    assert not statements_allow((statement,), "live:DeleteLiveRecord")
    assert not statements_allow((statement,), "billing:DescribeLivePackageInfo")


def test_a_lone_star_allows_everything():
    assert statements_allow(policy_document_parse(allow("*")), "finance:RefundInstance")


def test_member_require_refuses_with_the_actions_message():
    with pytest.raises(PermissionRefused) as refused:
        member_require(MemberFactory(sub_user=True), MemberAction.BUY)

    assert "buy" in refused.value.message


def test_member_permissions_lists_what_the_page_may_draw():
    owner, sub_user = MemberFactory(), MemberFactory(sub_user_with_refund=True)

    assert member_permissions(owner).manage_access
    assert (member_permissions(sub_user).refund, member_permissions(sub_user).manage_access) == (True, False)


def test_a_sub_users_policies_are_read_once_per_request(django_assert_num_queries):
    sub_user = MemberFactory(sub_user_with_refund=True)

    with django_assert_num_queries(1):
        for _ in range(10):
            member_may(sub_user, MemberAction.REFUND)


@pytest.mark.parametrize(
    "document",
    [
        [],
        {"version": "1.0", "statement": [{"effect": "allow", "action": "live:*"}]},
        {"version": "2.0", "statement": []},
        {"version": "2.0", "statement": [{"effect": "maybe", "action": "live:*"}]},
        {"version": "2.0", "statement": [{"effect": "allow", "action": []}]},
        {"version": "2.0", "statement": [{"effect": "allow", "action": "refund everything"}]},
        {"version": "2.0", "statement": [{"effect": "allow", "action": "live:*", "resource": "qcs::live:::*"}]},
        {"version": "2.0", "statement": [{"effect": "allow", "action": "live:*", "condition": {}}]},
        {"version": "2.0", "statement": [{"effect": "allow", "action": "live:*"}], "extra": 1},
    ],
)
def test_a_policy_that_cannot_be_honoured_exactly_is_refused(document):
    with pytest.raises(InvalidPolicy):
        policy_document_parse(document)
