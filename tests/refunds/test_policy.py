"""The refund policy engine: pure, so these tests build facts by hand and never touch a database."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refunds.policy import (
    AccountFacts,
    Channel,
    Money,
    PackageFacts,
    REASONS,
    Reason,
    evaluate,
    first_reason,
    refund_deadline,
)

BEIJING = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
BOUGHT = datetime(2022, 12, 1, 8, 0, 0, tzinfo=BEIJING)

PACKAGE = PackageFacts(
    kind="traffic",
    purchased_at=BOUGHT,
    giveaway=False,
    has_deductions=False,
    refunded=False,
    paid=Money(cash=Decimal("200.67"), commission=Decimal("100.00"), free=Decimal("5.00")),
    discount=Decimal("35.08"),
    voucher=Decimal("10.00"),
    payer_uin=100023450001,
    payer_name="Aurora Group Holdings",
)
ACCOUNT = AccountFacts(suspended_for_violation=False, billing_started_at=None, recent_self_service_refunds=0)
NOW = BOUGHT + timedelta(hours=1)
BATCH_MAX = timedelta(minutes=15)


def decide(package=PACKAGE, account=ACCOUNT, *, now=NOW, allowance=3, **kwargs):
    return evaluate(package, account, now=now, zone=BEIJING, allowance=allowance, billing_batch_max=BATCH_MAX, **kwargs)


# The seed's worked example, to the microsecond.
@pytest.mark.parametrize(
    ("now", "eligible"),
    [
        (datetime(2022, 12, 1, 8, 0, 0, tzinfo=BEIJING), True),
        (datetime(2022, 12, 6, 7, 59, 59, tzinfo=BEIJING), True),
        (datetime(2022, 12, 6, 23, 59, 59, tzinfo=BEIJING), True),
        (datetime(2022, 12, 6, 23, 59, 59, 999999, tzinfo=BEIJING), True),
        (datetime(2022, 12, 7, 0, 0, 0, tzinfo=BEIJING), False),
        (datetime(2022, 12, 6, 16, 0, 0, tzinfo=UTC), False),  # the same instant as 12-07 00:00 in Beijing
    ],
)
def test_the_seed_example_is_refundable_until_the_end_of_the_sixth_day(now, eligible):
    assert decide(now=now).eligible is eligible


def test_the_seed_example_deadline_is_2022_12_06_at_23_59_59_beijing_time():
    assert refund_deadline(BOUGHT, BEIJING) == datetime(2022, 12, 6, 23, 59, 59, 999999, tzinfo=BEIJING)


@pytest.mark.parametrize(
    ("bought", "deadline"),
    [
        (datetime(2022, 12, 1, 0, 0, 0, tzinfo=BEIJING), datetime(2022, 12, 6, 23, 59, 59, 999999, tzinfo=BEIJING)),
        (datetime(2022, 12, 1, 23, 59, 59, tzinfo=BEIJING), datetime(2022, 12, 6, 23, 59, 59, 999999, tzinfo=BEIJING)),
        (datetime(2022, 12, 31, 12, 0, tzinfo=BEIJING), datetime(2023, 1, 5, 23, 59, 59, 999999, tzinfo=BEIJING)),
        (datetime(2024, 2, 25, 9, 0, tzinfo=BEIJING), datetime(2024, 3, 1, 23, 59, 59, 999999, tzinfo=BEIJING)),
    ],
    ids=["midnight", "last-second", "year-end", "leap-year"],
)
def test_the_deadline_is_the_end_of_the_fifth_day_after_the_purchase_day(bought, deadline):
    assert refund_deadline(bought, BEIJING) == deadline


def test_a_purchase_in_utc_is_counted_in_the_billing_zones_calendar():
    # 2022-12-01 20:00 UTC is already 12-02 04:00 in Beijing.
    bought = datetime(2022, 12, 1, 20, 0, tzinfo=UTC)
    assert refund_deadline(bought, BEIJING) == datetime(2022, 12, 7, 23, 59, 59, 999999, tzinfo=BEIJING)


def test_a_naive_purchase_time_is_refused():
    with pytest.raises(ValueError):
        refund_deadline(datetime(2022, 12, 1, 8, 0), BEIJING)


def test_a_window_across_the_spring_forward_change_stays_at_least_five_days_long():
    # New York skipped 02:00-03:00 on 2023-03-12: the local calendar day is 23 hours long.
    bought = datetime(2023, 3, 7, 23, 30, tzinfo=NEW_YORK)
    deadline = refund_deadline(bought, NEW_YORK)
    assert deadline.astimezone(UTC) - bought.astimezone(UTC) >= timedelta(days=5)
    assert deadline == datetime(2023, 3, 13, 23, 59, 59, 999999, tzinfo=NEW_YORK)


def test_a_window_across_the_fall_back_change_ends_at_local_midnight():
    bought = datetime(2023, 11, 1, 8, 0, tzinfo=NEW_YORK)
    assert refund_deadline(bought, NEW_YORK) == datetime(2023, 11, 6, 23, 59, 59, 999999, tzinfo=NEW_YORK)


ZONES = st.sampled_from([BEIJING, NEW_YORK, ZoneInfo("Europe/London"), ZoneInfo("Australia/Lord_Howe"), UTC])


@given(
    purchased=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2060, 1, 1), timezones=ZONES),
    zone=ZONES,
)
def test_the_deadline_is_never_before_five_full_days_nor_after_that_local_day(purchased, zone):
    deadline = refund_deadline(purchased, zone).astimezone(UTC)
    five_days_later = purchased.astimezone(UTC) + timedelta(days=5)
    assert deadline >= five_days_later
    assert deadline.astimezone(zone).date() == five_days_later.astimezone(zone).date()
    assert deadline.astimezone(zone).time().isoformat() == "23:59:59.999999"


def test_an_unused_package_inside_the_window_is_eligible_with_no_reasons():
    verdict = decide()
    assert verdict.eligible
    assert verdict.reasons == ()


# Every rule alone: (what changes, the reason it must produce).
SINGLE_RULES = [
    ({"package": replace(PACKAGE, has_deductions=True)}, Reason.USED),
    ({"package": replace(PACKAGE, giveaway=True)}, Reason.GIVEAWAY),
    ({"package": replace(PACKAGE, refunded=True)}, Reason.ALREADY_REFUNDED),
    ({"package": replace(PACKAGE, reclaimed=True)}, Reason.PACKAGE_RECLAIMED),
    ({"account": replace(ACCOUNT, suspended_for_violation=True)}, Reason.ACCOUNT_SUSPENDED),
    ({"account": replace(ACCOUNT, billing_started_at=NOW - timedelta(minutes=1))}, Reason.BILLING_IN_PROGRESS),
    ({"account": replace(ACCOUNT, recent_self_service_refunds=3)}, Reason.ALLOWANCE_USED_UP),
    ({"now": datetime(2022, 12, 7, 0, 0, tzinfo=BEIJING)}, Reason.PAST_DEADLINE),
    ({"package": replace(PACKAGE, kind="co_anchoring")}, Reason.TICKET_REQUIRED),
    ({"package": replace(PACKAGE, kind="licence")}, Reason.TICKET_REQUIRED),
    ({"person_may_refund": False}, Reason.NO_PERMISSION),
]


@pytest.mark.parametrize(("change", "reason"), SINGLE_RULES, ids=[str(r) for _, r in SINGLE_RULES])
def test_each_rule_alone_blocks_the_refund_with_its_own_reason(change, reason):
    verdict = decide(**change)
    assert not verdict.eligible
    assert verdict.reasons == (reason,)
    assert reason.message in verdict.messages


def test_a_billing_mark_as_old_as_the_longest_batch_still_blocks():
    marked = replace(ACCOUNT, billing_started_at=NOW - BATCH_MAX)
    assert decide(account=marked).reasons == (Reason.BILLING_IN_PROGRESS,)


def test_a_billing_mark_older_than_the_longest_batch_is_stale_and_does_not_block():
    marked = replace(ACCOUNT, billing_started_at=NOW - BATCH_MAX - timedelta(microseconds=1))
    assert decide(account=marked).eligible


def test_an_api_request_is_self_service_under_the_policy():
    verdict = decide(package=replace(PACKAGE, kind="co_anchoring"), via=Channel.API, person_may_refund=False)
    assert verdict.reasons == (Reason.TICKET_REQUIRED, Reason.NO_PERMISSION)


def test_a_used_up_package_is_used_whether_or_not_anything_is_left():
    assert decide(package=replace(PACKAGE, has_deductions=True)).reasons == (Reason.USED,)


def test_a_suspension_for_overdue_payment_does_not_block_a_refund():
    # Only a suspension for violating the rules blocks; AccountFacts has no field for overdue,
    # so an overdue account is described by suspended_for_violation=False.
    assert decide(account=replace(ACCOUNT, suspended_for_violation=False)).eligible


def test_every_blocking_reason_is_reported_together_not_only_the_first():
    verdict = decide(
        package=replace(PACKAGE, has_deductions=True, giveaway=True, refunded=True, reclaimed=True),
        account=AccountFacts(
            suspended_for_violation=True, billing_started_at=datetime(2023, 1, 1, tzinfo=BEIJING), recent_self_service_refunds=9
        ),
        now=datetime(2023, 1, 1, tzinfo=BEIJING),
        person_may_refund=False,
    )
    assert set(verdict.reasons) == set(Reason) - {Reason.TICKET_REQUIRED}


@pytest.mark.parametrize("kind", ["traffic", "transcode_standard", "transcode_tsc"])
def test_traffic_and_transcoding_packages_are_refunded_in_the_console(kind):
    assert decide(package=replace(PACKAGE, kind=kind)).channel == Channel.SELF_SERVICE


@pytest.mark.parametrize("kind", ["co_anchoring", "licence"])
def test_other_packages_are_refunded_through_a_ticket(kind):
    verdict = decide(package=replace(PACKAGE, kind=kind), via=Channel.TICKET)
    assert verdict.channel == Channel.TICKET
    assert verdict.eligible


def test_the_refund_is_everything_paid_per_bucket_and_never_the_discount_or_voucher():
    verdict = decide()
    assert verdict.refund == Money(cash=Decimal("200.67"), commission=Decimal("100.00"), free=Decimal("5.00"))
    assert verdict.refund.total == Decimal("305.67")
    assert (verdict.not_refunded_discount, verdict.not_refunded_voucher) == (Decimal("35.08"), Decimal("10.00"))


def test_the_money_goes_back_to_the_paying_account():
    verdict = decide()
    assert (verdict.payer_uin, verdict.payer_name) == (100023450001, "Aurora Group Holdings")


@pytest.mark.parametrize(("used", "remaining"), [(0, 3), (1, 2), (2, 1), (3, 0), (7, 0)])
def test_the_verdict_says_how_many_self_service_refunds_remain(used, remaining):
    verdict = decide(account=replace(ACCOUNT, recent_self_service_refunds=used))
    assert verdict.allowance_remaining == remaining


def test_the_allowance_does_not_apply_to_ticket_only_packages():
    account = replace(ACCOUNT, recent_self_service_refunds=3)
    verdict = decide(package=replace(PACKAGE, kind="co_anchoring"), account=account, via=Channel.TICKET)
    assert verdict.eligible


def test_staff_reviewing_a_ticket_may_overrule_a_suspicion_of_abuse():
    account = replace(ACCOUNT, recent_self_service_refunds=3)
    verdict = decide(account=account, via=Channel.TICKET, overrule_abuse=True)
    assert verdict.eligible
    assert verdict.overruled == (Reason.ALLOWANCE_USED_UP,)


def test_overruling_abuse_leaves_every_other_reason_in_force():
    account = replace(ACCOUNT, recent_self_service_refunds=3)
    verdict = decide(package=replace(PACKAGE, has_deductions=True), account=account, via=Channel.TICKET,
                     overrule_abuse=True)
    assert verdict.reasons == (Reason.USED,)


def test_only_a_ticket_review_may_overrule_abuse():
    with pytest.raises(ValueError):
        decide(overrule_abuse=True)


def test_a_ticket_review_does_not_ask_for_the_customers_refund_permission():
    assert decide(via=Channel.TICKET, person_may_refund=False).eligible


def test_the_verdict_record_is_plain_data_for_the_audit_log():
    record = decide(package=replace(PACKAGE, giveaway=True)).as_record()
    assert record["reasons"] == ["giveaway"]
    assert record["refund"]["total"] == Decimal("305.67")
    assert record["channel"] == "self_service"


@pytest.mark.parametrize("reason", list(Reason))
def test_every_reason_has_one_complete_definition(reason):
    definition = REASONS[reason]
    assert str(definition.message).strip() and str(definition.short).strip()
    assert reason.message == str(definition.message) and reason.short == str(definition.short)


def test_a_row_hears_what_can_never_change_first():
    assert first_reason([Reason.PAST_DEADLINE, Reason.USED, Reason.BILLING_IN_PROGRESS]) == Reason.USED
