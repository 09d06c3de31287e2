"""The guided tour: the one definition of its stops, read by the presenter panel (a stop sets up its
case in one click and says what to click), the panel's home page and docs/tour.md.

A stop is one entry of `TOUR`: who to be, where to stand, where the clock is and whether the
account is mid-billing, and what to click once there. Adding a stop (an arrears case, say) is
adding one `TourStop` here; its words are translated like any other (makemessages finds them).
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from console.demo.services import DeadlineMoment


@dataclass(frozen=True)
class TourStop:
    key: str
    title: Promise
    # What to click once the stop is set up, in the reader's language.
    steps: Promise
    # The demo persona (console.demo.personas) the stop signs in as.
    persona: str
    # The console page it opens: a URL name and its query string.
    page: str = "packages"
    query: str = ""
    # Where the clock goes: a seeded package's refund deadline (its code and the moment), else real time.
    deadline: tuple[str, DeadlineMoment] | None = None
    # Whether the persona's account is left mid-billing ("billing in progress"); closed otherwise.
    billing_window: bool = False

    @property
    def url(self) -> str:
        return reverse(self.page) + (f"?{self.query}" if self.query else "")


TOUR: list[TourStop] = [
    TourStop(
        "panel", _("The package page and the presenter panel"),
        _("Aurora's traffic packages: status, usage, purchase time and refund deadline (UTC+8). The refund allowance says how many self-service refunds are left this year."),
        persona="demo", query="tab=traffic",
    ),
    TourStop(
        "refund", _("A refund inside the window"),
        _("Click Refund on lvpkg-dm000001 (bought two hours ago, unused), tick the confirmation and click Refund USD 37.01: the row turns Refunded and the balances update."),
        persona="demo", query="tab=traffic",
    ),
    TourStop(
        "deadline", _("The window closes at 23:59:59 on the fifth day"),
        _("The clock is at the last minute of lvpkg-dm000008's window (bought five days ago): Refund is still there. Now click \"1 s past deadline\" in the Clock group: the deadline column says Closed."),
        persona="demo", query="tab=traffic", deadline=("lvpkg-dm000008", DeadlineMoment.LAST_MINUTE),
    ),
    TourStop(
        "used", _("A used package"),
        _("lvpkg-dm000005 is inside its window but billing already deducted usage from it: Refund is greyed out. To watch a package become used, click \"Simulate yesterday's usage\", then \"Bill yesterday's usage\", and open the Transcoding tab: lvpkg-dm000003 is In use."),
        persona="demo", query="tab=traffic",
    ),
    TourStop(
        "giveaway", _("A giveaway"),
        _("lvpkg-dm000010 was a free gift: nothing was paid, so nothing can be refunded. Its Refund is greyed out and says why."),
        persona="demo", query="tab=traffic",
    ),
    TourStop(
        "suspended", _("An account suspended for violating the rules"),
        _("Nebula Esports' packages are unused and inside their window, yet none can be refunded: the banner says the account was suspended for violations, and Buy package is off."),
        persona="suspended", query="tab=traffic",
    ),
    TourStop(
        "billing", _("Billing in progress"),
        _("Aurora's billing window is open: the panel says billing in progress and every Refund is greyed out until it closes. Click \"Close the billing window\" and the refunds come back."),
        persona="demo", query="tab=traffic", billing_window=True,
    ),
    TourStop(
        "viewer", _("A sub-user without the refund permission"),
        _("The same account seen by viewer, a sub-user without the refund permission: Refund is greyed out for every package, with the reason."),
        persona="viewer", query="tab=traffic",
    ),
    TourStop(
        "ticket", _("A co-anchoring package: a ticket and staff approval"),
        _("Click \"Submit a ticket to refund\" on lvpkg-dm000011, fill in the form and submit. Then click admin in the panel, open Tickets and the new ticket, and click Approve refund."),
        persona="demo", query="tab=other",
    ),
    TourStop(
        "billing_mode", _("Changing the billing mode"),
        _("Cedar asked today for daily peak bandwidth: the Billing mode panel says when it takes effect, and its traffic packages still deduct. Before moving the clock, click pinewood in the panel: it switched yesterday, so its traffic packages are Frozen, and Change to bill-by-traffic says they come back the day after tomorrow, as Pinewood has streamed today (click Cancel). Click cedar, then \"+1 day\" in the Clock group: the panel shows bill-by-bandwidth in force and the traffic packages turn Frozen (the transcoding package is unaffected)."),
        persona="cedar", query="tab=traffic",
    ),
    TourStop(
        "breach", _("The help desk: a ticket breaches its reply time"),
        _("The ticket queue is sorted by what is due first: \"Viewers in Guangzhou cannot play the stream\" is already overdue (red); \"Live stream keeps dropping every few minutes\" (Urgent, answered round the clock) is due 30 minutes after it was submitted, 20 minutes after the demo data was seeded. Click \"+1 hour\" in the Clock group: it is red too, \"overdue by …\", the Breached filter lists it, and a warning mail to staff is in the outbox. Open \"Question about transcoding templates\" to see a 5/5 rating, and the Help desk report for the figures."),
        persona="admin", page="admin:tickets_ticket_changelist",
    ),
]
# The session key of the stop set up last, which the panel shows with its steps and a "Next stop".
SESSION_KEY = "demo_tour_stop"


def tour_stop(key: str | None) -> TourStop | None:
    return next((stop for stop in TOUR if stop.key == key), None)


def tour_position(key: str | None) -> tuple[int, TourStop, TourStop | None] | None:
    """(number from 1, the stop, the next stop or None) for the stop `key`; None for no such stop."""
    for index, stop in enumerate(TOUR):
        if stop.key == key:
            return index + 1, stop, TOUR[index + 1] if index + 1 < len(TOUR) else None
    return None
