"""The package table's rows: what each cell says, as plain text, drawn by the Jinja2 partial
`templates/jinja2/pages/package_rows.html`, which escapes it.

A `RowCells` per row: the words, numbers and moments a person reads, worked out from the row's
status and the policy's verdict. A `CellWriter` made once per page does what every row shares
once: the translated patterns, the zone labels, each distinct quantity written once. The reason
text is the first of the verdict's reasons (`refunds.policy.REASONS`); the refund dialog lists
them all.
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext

from console.packages.catalogue import spec_label
from console.packages.models import TYPE_LABEL_BY_KIND
from console.packages.status import PackageStatus
from console.pages.packages.selectors import PackageTableRow
from console.templatetags.console_format import countdown, percent_of, quantity_writer, zoned_writer
from refunds.policy import Reason, Verdict


@dataclass(frozen=True, slots=True)
class RowCells:
    pk: int
    code: str
    detail_url: str
    type_label: str
    spec_name: str
    status: str
    status_label: str
    auto_renew: bool
    quantities: str
    percent_used: int
    purchased: str
    expires: str
    # "refunded", "never" (blocked for good), "open" (counting down) or "closed".
    deadline_state: str
    refunded: str
    deadline: str
    deadline_iso: str
    countdown: str
    until: str
    paid_by_account: bool
    payer_name: str
    payer_uin: int
    eligible: bool
    dialog_url: str
    why: str
    ticket_url: str


class CellWriter:
    """Writes one page's cells in the active language."""

    def __init__(self, *, account_id: int, now: datetime):
        self.account_id, self.now = account_id, now
        self.zoned = zoned_writer()
        self.quantity = quantity_writer()
        self.ticket_url = reverse("tickets:submit")
        # Two links a row: through the URL resolver looked up once a page. reverse() finds the
        # URLconf and the script prefix and re-quotes the result on every call (four times the
        # cost); the resolver quotes the arguments itself and these routes are ASCII, so the links
        # are reverse()'s own (tests/console/pages/test_package_page.py compares them).
        self.resolver, self.prefix = get_resolver(get_urlconf()), get_script_prefix()
        # Translators: under the refund countdown, "until 2026-12-01 23:59:59 (UTC+8)".
        self.until = gettext("until %(moment)s")
        # Translators: under the purchase time, the expiry: "to 2027-11-26 10:00:00 (UTC+8)".
        self.to = gettext("to %(moment)s")
        self.type_label = {kind: str(label) for kind, label in TYPE_LABEL_BY_KIND.items()}
        self.status_label = {status: str(status.label) for status in PackageStatus}
        self.spec_names: dict[str, str] = {}
        self.why: dict[tuple[Reason, ...], str] = {}

    def _spec_name(self, name: str) -> str:
        text = self.spec_names.get(name)
        if text is None:
            text = self.spec_names[name] = spec_label(name)
        return text

    def _why(self, verdict: Verdict) -> str:
        text = self.why.get(verdict.reasons)
        if text is None:
            text = self.why[verdict.reasons] = verdict.why
        return text

    def cells(self, row: PackageTableRow) -> RowCells:
        values, verdict, quantity, zoned = row.values, row.verdict, self.quantity, self.zoned
        kind, total, used = values["kind"], values["total"], values["used"]
        if values["refunded_at"] is not None:
            state = "refunded"
        elif verdict.never:  # nothing to wait for, so no countdown: the reason is under the button
            state = "never"
        else:
            state = "open" if verdict.window_open else "closed"
        deadline = zoned(verdict.deadline)
        ticket = ""
        if not verdict.eligible and verdict.ticket_is_the_way:
            query = urlencode({"product": "css", "issue_type": "other", "package": values["code"]})
            ticket = f"{self.ticket_url}?{query}"
        return RowCells(
            pk=values["pk"],
            code=values["code"],
            detail_url=self.prefix + self.resolver.reverse("package_detail", values["code"]),
            type_label=self.type_label[kind],
            spec_name=self._spec_name(values["spec__name"]),
            status=row.status.value,
            status_label=self.status_label[row.status],
            auto_renew=values["auto_renew"] and values["refunded_at"] is None,
            quantities=f"{quantity(total, kind)} / {quantity(used, kind)} / {quantity(total - used, kind)}",
            percent_used=percent_of(used, total),
            purchased=zoned(values["purchased_at"]),
            expires=self.to % {"moment": zoned(values["expires_at"])},
            deadline_state=state,
            refunded=zoned(values["refunded_at"]),
            deadline=deadline,
            deadline_iso=verdict.deadline.isoformat(timespec="seconds"),
            countdown=countdown(verdict.deadline, self.now) if state == "open" else "",
            until=self.until % {"moment": deadline},
            paid_by_account=values["payer_id"] == self.account_id,
            payer_name=values["payer__name"],
            payer_uin=values["payer__uin"],
            eligible=verdict.eligible,
            dialog_url=self.prefix + self.resolver.reverse("refund_dialog", values["pk"]),
            why=self._why(verdict),
            ticket_url=ticket,
        )


ROWS = "pages/package_rows.html"  # templates/jinja2/


def words() -> dict[str, str]:
    """The words every row repeats, translated once a page (and found here by makemessages)."""
    return {
        "package": gettext("Package"),
        "status": gettext("Status"),
        "auto_renew": gettext("Auto-renewal on"),
        "usage": gettext("Total / used / remaining"),
        "validity": gettext("Purchased / expires"),
        "deadline": gettext("Refund deadline"),
        "paid_by": gettext("Paid by"),
        "operations": gettext("Operations"),
        "refunded": gettext("Refunded"),
        "not_refundable": gettext("Not refundable"),
        "closed": gettext("Closed"),
        "refund": gettext("Refund"),
        "this_account": gettext("This account"),
        "ticket": gettext("Submit a ticket to refund"),
    }


def row_cells(rows: list[PackageTableRow], *, account_id: int, now: datetime) -> list[RowCells]:
    if not rows:
        return []
    writer = CellWriter(account_id=account_id, now=now)
    return [writer.cells(row) for row in rows]


def draw_rows(rows: list[PackageTableRow], *, account_id: int, now: datetime) -> str:
    """The table body's rows, drawn by the Jinja2 partial ROWS (autoescaped)."""
    if not rows:
        return ""
    cells = row_cells(rows, account_id=account_id, now=now)
    return render_to_string(ROWS, {"cells": cells, "words": words()}, using="jinja2")
