"""Notices of the overdue-payment lifecycle and of the balance alert, in the Message Center and by
e-mail, in each recipient's language. Billing and the ledger sit below this area; they tell it
through the watchers registered in `NotificationsConfig.ready()`, inside the transaction that made
the change, so a notice commits with its change (and its e-mail goes after the commit)."""

from datetime import datetime

from django.utils.translation import gettext, ngettext

from console.billing.arrears import Event
from console.billing.hooks import StandingChange
from console.core import clock
from console.ledger.hooks import BalanceCrossing
from console.notifications.models import ReminderKind
from console.notifications.services import account_notify
from console.templatetags.console_format import zoned


def _when(moment: datetime | None) -> str:
    """The one way a moment is written (`zoned`): 2026-03-02 09:30:00 (UTC+8), 2026-03-02 09:30:00（UTC+8）."""
    return zoned(moment)


def standing_text(change: StandingChange) -> tuple[str, str]:
    """(subject, body) of a lifecycle step in the active language."""
    values = {
        "owed": change.owed, "deadline": _when(change.deadline), "repossession": _when(change.repossession_at),
        "days": change.warned_days,
    }
    if change.event == Event.ARREARS:
        return (
            gettext("Overdue payment: top up USD %(owed)s by %(deadline)s") % values,
            gettext(
                "A bill could not be paid in full: the account owes USD %(owed)s. Top up at least that amount "
                "by %(deadline)s, or its streaming services are suspended for overdue payment, even while "
                "packages remain."
            ) % values,
        )
    if change.event == Event.SETTLED:
        return (
            gettext("Amount owed paid"),
            gettext("Everything the account owed is paid. It is in good standing and will not be suspended."),
        )
    if change.event == Event.SUSPENDED:
        return (
            gettext("Streaming services suspended for overdue payment"),
            gettext(
                "The amount owed (USD %(owed)s) was not paid within 24 hours, so the account's streaming "
                "services are suspended and no packages can be bought. A top-up that settles it lifts the "
                "suspension at once. Unless it is settled, the remaining packages are repossessed on %(repossession)s."
            ) % values,
        )
    if change.event == Event.LIFTED:
        return (
            gettext("Suspension for overdue payment lifted"),
            gettext("Everything the account owed is paid. Its streaming services are back, and packages can be bought again."),
        )
    if change.event == Event.WARNING:
        return (
            ngettext(
                "Repossession in %(days)s day: settle the amount owed",
                "Repossession in %(days)s days: settle the amount owed",
                change.warned_days,
            ) % values,
            gettext(
                "The account is still suspended for overdue payment and owes USD %(owed)s. Unless a top-up "
                "settles it, its remaining packages are repossessed on %(repossession)s and can no longer be refunded."
            ) % values,
        )
    return (
        gettext("Streaming resources repossessed for overdue payment"),
        gettext(
            "The account stayed suspended for overdue payment for 60 days. Its remaining packages were "
            "reclaimed and can no longer be refunded. It still owes USD %(owed)s; a top-up that settles it "
            "restores the account."
        ) % values,
    )


def standing_notify(change: StandingChange) -> None:
    """Registered with billing (`console.billing.hooks.standing_watcher_register`)."""
    stamp = int(change.at.timestamp())
    account_notify(
        account_id=change.account_id, kind=ReminderKind.OVERDUE,
        key=f"standing:{change.account_id}:{change.event}:{change.warned_days or 0}:{stamp}",
        write=lambda: standing_text(change),
    )


def balance_alert_text(crossing: BalanceCrossing) -> tuple[str, str]:
    values = {"threshold": crossing.threshold, "after": crossing.after}
    return (
        gettext("Balance alert: the available balance is below USD %(threshold)s") % values,
        gettext(
            "The available balance (cash, commission and free credits, less the amount owed) fell below your "
            "alert threshold of USD %(threshold)s: it is USD %(after)s now. Top up to keep paying for usage "
            "beyond your packages."
        ) % values,
    )


def balance_alert_notify(crossing: BalanceCrossing) -> None:
    """Registered with the ledger (`console.ledger.hooks.balance_watcher_register`)."""
    account_notify(
        account_id=crossing.account_id, kind=ReminderKind.BALANCE_ALERT,
        key=f"balance_alert:{crossing.account_id}:{crossing.reference or crossing.kind}:{int(clock.now().timestamp())}",
        write=lambda: balance_alert_text(crossing),
    )
