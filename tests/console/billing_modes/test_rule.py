"""The effective-date rule (`console.billing.modes.change_decide`) and the mode in force on a day
(`mode_on`, `account_modes`): pure, no database."""

from datetime import date, timedelta

import pytest

from console.accounts.models import BillingMode
from console.billing.modes import (
    HistoryRow,
    Pending,
    Refusal,
    account_modes,
    change_decide,
    mode_on,
)

TODAY = date(2026, 12, 8)
TRAFFIC, BANDWIDTH, MONTHLY = BillingMode.DAILY_TRAFFIC, BillingMode.DAILY_BANDWIDTH, BillingMode.MONTHLY_PEAK_BANDWIDTH


def decide(**changes):
    facts = {
        "today": TODAY, "in_force": TRAFFIC, "pending": None, "last_asked_on": None, "requested": BANDWIDTH,
        "usage_today": False, **changes,
    }
    return change_decide(**facts)


def test_a_change_with_no_usage_today_takes_effect_tomorrow():
    assert decide().effective_on == TODAY + timedelta(days=1)


def test_a_change_with_usage_today_takes_effect_the_day_after_tomorrow():
    assert decide(usage_today=True).effective_on == TODAY + timedelta(days=2)


def test_a_second_change_the_same_day_is_refused_until_tomorrow():
    decision = decide(last_asked_on=TODAY, pending=Pending(mode=BANDWIDTH, effective_on=TODAY + timedelta(days=1)), requested=TRAFFIC)

    assert (decision.allowed, decision.refusal) == (False, Refusal.CHANGED_TODAY)


def test_switching_back_on_a_later_day_cancels_the_pending_change_on_its_own_day():
    pending = Pending(mode=BANDWIDTH, effective_on=TODAY + timedelta(days=1))

    decision = decide(last_asked_on=TODAY - timedelta(days=1), pending=pending, requested=TRAFFIC, usage_today=True)

    assert (decision.allowed, decision.cancels_pending, decision.effective_on) == (True, True, pending.effective_on)


def test_asking_again_for_the_pending_mode_is_refused():
    pending = Pending(mode=BANDWIDTH, effective_on=TODAY + timedelta(days=1))

    assert decide(last_asked_on=TODAY - timedelta(days=1), pending=pending).refusal == Refusal.ALREADY_PENDING


def test_staff_asking_for_a_third_mode_while_a_change_is_pending_is_refused():
    pending = Pending(mode=BANDWIDTH, effective_on=TODAY + timedelta(days=1))

    decision = decide(last_asked_on=TODAY - timedelta(days=1), pending=pending, requested=MONTHLY, staff=True)

    assert decision.refusal == Refusal.PENDING_OTHER


def test_asking_for_the_mode_in_force_is_refused():
    assert decide(requested=TRAFFIC).refusal == Refusal.UNCHANGED


@pytest.mark.parametrize("changes", [{"requested": MONTHLY}, {"in_force": MONTHLY, "requested": TRAFFIC}])
def test_customers_neither_choose_nor_leave_the_contract_customers_monthly_mode(changes):
    assert decide(**changes).refusal == Refusal.CONTRACT_ONLY


def test_staff_set_the_monthly_mode_by_the_same_rule():
    assert decide(requested=MONTHLY, staff=True).effective_on == TODAY + timedelta(days=1)


def row(pk, from_mode, to_mode, day):
    return HistoryRow(id=pk, from_mode=from_mode, to_mode=to_mode, effective_on=day)


HISTORY = [
    row(1, TRAFFIC, BANDWIDTH, date(2026, 12, 5)),
    row(2, BANDWIDTH, TRAFFIC, date(2026, 12, 9)),
    # asked on the 8th, the day after row 2: cancels it on its own day
    row(3, BANDWIDTH, BANDWIDTH, date(2026, 12, 9)),
]


@pytest.mark.parametrize(
    ("day", "mode"),
    [(date(2026, 12, 4), TRAFFIC), (date(2026, 12, 5), BANDWIDTH), (date(2026, 12, 8), BANDWIDTH), (date(2026, 12, 9), BANDWIDTH)],
)
def test_the_mode_on_a_day_is_the_latest_change_in_effect_by_then(day, mode):
    assert mode_on(day, HISTORY, default=TRAFFIC) == mode


def test_an_account_without_history_keeps_its_own_mode():
    assert mode_on(TODAY, [], default=BANDWIDTH) == BANDWIDTH


def test_what_the_account_keeps_agrees_with_the_history_on_every_day_from_the_day_before_the_latest():
    for rows in (HISTORY[:1], HISTORY[:2], HISTORY):
        modes = account_modes(rows, default=TRAFFIC)
        latest = max(r.effective_on for r in rows)
        for offset in range(-1, 4):
            day = latest + timedelta(days=offset)
            kept = modes.next_mode if modes.next_mode and day >= modes.next_from else modes.billing_mode
            assert kept == mode_on(day, rows, default=TRAFFIC), (len(rows), day)
