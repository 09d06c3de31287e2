"""The package table's rows as HTML, drawn in Python.

Measured (tests/benchmarks/test_bench_package_page.py, docs/benchmarks-refunds.md): drawing a row
with the Django template language cost about 0.5 ms (some 35 variable lookups, two `{% url %}`
reversals, filters), so a 100-row page spent most of its time in the template. Here each row is one
f-string, and a `RowWriter` made once per page does everything else once: the URLs reversed, the
fixed words, labels and patterns translated and escaped (about nine translation look-ups per row
otherwise), and each distinct quantity written once. A row costs about ten microseconds. The table
around the rows stays in `templates/refunds/package_list.html`; the markup below follows its
columns.

Everything a person reads comes from the row's status and the policy's verdict: the reason text
is the first of the verdict's reasons (`SHORT_REASONS`), and the refund dialog lists them all.
"""

from datetime import datetime
from html import escape
from urllib.parse import quote

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from console.packages.models import TYPE_LABEL_BY_KIND
from console.packages.status import PackageStatus
from console.templatetags.console_format import countdown, percent_of, quantity_writer, zoned_writer
from refunds.policy import Reason
from refunds.selectors import PackagePage, PackageRow

# The row's one-line reason, in the order a person should hear them: what can never change first.
SHORT_REASONS = {
    Reason.ALREADY_REFUNDED: _("Already refunded"),
    Reason.GIVEAWAY: _("Giveaways are not refundable"),
    Reason.USED: _("Used, so not refundable"),
    Reason.ACCOUNT_SUSPENDED: _("Account suspended for violations"),
    Reason.NO_PERMISSION: _("You may not refund packages"),
    Reason.PAST_DEADLINE: _("The 5-day refund window has closed"),
    Reason.TICKET_REQUIRED: _("Refunded through a ticket"),
    Reason.ALLOWANCE_USED_UP: _("Self-service refunds used up"),
    Reason.BILLING_IN_PROGRESS: _("Billing in progress; try again soon"),
}
REASON_ORDER = list(SHORT_REASONS)

_PLACEHOLDER = 987654321987  # an id no package has, replaced in each row's URL


def short_reason(reasons) -> str:
    first = min(reasons, key=REASON_ORDER.index)
    return str(SHORT_REASONS[first])


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


class RowWriter:
    """Writes one page's rows in the active language. Everything that is the same for every row
    (URLs, words, labels, patterns) is worked out here, once, and escaped once: the translations
    are ours, but a translator's "&" must not break the markup."""

    def __init__(self, *, account_id: int, now: datetime):
        self.account_id, self.now = account_id, now
        self.detail_url = reverse("package_detail", args=[f"x{_PLACEHOLDER}"])
        self.dialog_url = reverse("refund_dialog", args=[_PLACEHOLDER])
        self.ticket_url = reverse("tickets:submit") + "?product=css&amp;issue_type=other&amp;package="
        self.zoned = zoned_writer(html=True)
        self.quantity = quantity_writer()
        self.text = {
            key: escape(value)
            for key, value in {
                "refunded": gettext("Refunded"),
                "not_refundable": gettext("Not refundable"),
                "closed": gettext("Closed"),
                "refund": gettext("Refund"),
                "ticket": gettext("Submit a ticket to refund"),
                "this_account": gettext("This account"),
                "package": gettext("Package"),
                "status": gettext("Status"),
                "usage": gettext("Total / used / remaining"),
                "validity": gettext("Purchased / expires"),
                "deadline": gettext("Refund deadline"),
                "paid_by": gettext("Paid by"),
                "operations": gettext("Operations"),
            }.items()
        }
        # Translators: under the refund countdown, "until 2026-12-01 23:59:59 (UTC+8)".
        self.until = escape(gettext("until %(moment)s"))
        # Translators: under the purchase time, the expiry: "to 2027-11-26 10:00:00 (UTC+8)".
        self.to = escape(gettext("to %(moment)s"))
        self.type_label = {kind: escape(str(label)) for kind, label in TYPE_LABEL_BY_KIND.items()}
        self.status_label = {status: escape(str(status.label)) for status in PackageStatus}
        self.spec_names: dict[str, str] = {}
        self.why: dict[tuple[Reason, ...], str] = {}

    def _spec_name(self, name: str) -> str:
        text = self.spec_names.get(name)
        if text is None:
            text = self.spec_names[name] = escape(gettext(name))
        return text

    def _why(self, reasons: tuple[Reason, ...]) -> str:
        text = self.why.get(reasons)
        if text is None:
            text = self.why[reasons] = escape(short_reason(reasons))
        return text

    def _deadline_cell(self, row: PackageRow) -> str:
        values, verdict, t = row.values, row.verdict, self.text
        if values["refunded_at"] is not None:
            return f'<span class="muted">{t["refunded"]}</span><div class="hint">{self.zoned(values["refunded_at"])}</div>'
        if verdict.never:
            # Nothing to wait for, so no countdown: the reason is in the Operations column.
            return f'<span class="muted">{t["not_refundable"]}</span>'
        deadline = self.zoned(verdict.deadline)
        if verdict.window_open:
            return (
                f'<strong class="countdown" data-deadline="{_iso(verdict.deadline)}">{countdown(verdict.deadline, self.now)}</strong>'
                f'<div class="hint" data-moment="{deadline}">{self.until % {"moment": deadline}}</div>'
            )
        return f'<span class="muted">{t["closed"]}</span><div class="hint">{deadline}</div>'

    def _operations_cell(self, row: PackageRow) -> str:
        values, verdict, t = row.values, row.verdict, self.text
        pk = values["pk"]
        dialog = self.dialog_url.replace(str(_PLACEHOLDER), str(pk))
        if verdict.eligible:
            # `shown` tells the dialog what this row said: if the server disagrees (a refund in another
            # tab, the window just closed), the dialog explains and the table redraws itself.
            return (
                f'<a class="btn btn-small btn-refund" href="{dialog}?shown=eligible" hx-get="{dialog}?shown=eligible"'
                ' hx-target="body" hx-swap="beforeend" hx-sync="this:drop" aria-haspopup="dialog"'
                f' data-testid="refund">{t["refund"]}</a>'
            )
        parts = [
            # Not disabled: it opens the full explanation, every reason, and the way on where there is one.
            f'<a class="btn btn-small btn-unavailable" href="{dialog}" hx-get="{dialog}" hx-target="body"'
            f' hx-swap="beforeend" hx-sync="this:drop" aria-haspopup="dialog" aria-describedby="refund-why-{pk}"'
            f' data-testid="refund">{t["refund"]}</a>',
            f'<div class="why" id="refund-why-{pk}" data-testid="refund-why">{self._why(verdict.reasons)}</div>',
        ]
        if verdict.ticket_is_the_way:
            parts.append(
                f'<a class="ticket-link" href="{self.ticket_url}{quote(values["code"], safe="")}"'
                f' data-testid="refund-ticket">{t["ticket"]}</a>'
            )
        return "".join(parts)

    def row(self, row: PackageRow) -> str:
        values, t, quantity = row.values, self.text, self.quantity
        kind = values["kind"]
        code = escape(values["code"])
        total, used = values["total"], values["used"]
        if values["payer_id"] == self.account_id:
            payer = f'<span class="muted">{t["this_account"]}</span>'
        else:
            payer = f'{escape(values["payer__name"])}<div class="hint">UIN {values["payer__uin"]}</div>'
        status = row.status
        detail = self.detail_url.replace(f"x{_PLACEHOLDER}", quote(values["code"], safe=""))
        return (
            f'<tr id="package-{values["pk"]}" data-testid="package-row" data-code="{code}">'
            f'<td data-label="{t["package"]}" class="package"><div class="cell"><a href="{detail}">{code}</a>'
            f'<div class="package-type" data-testid="package-type">{self.type_label[kind]}'
            f' · {self._spec_name(values["spec__name"])}</div></div></td>'
            f'<td data-label="{t["status"]}"><div class="cell"><span class="badge badge-{status.value}" data-testid="status">'
            f'{self.status_label[status]}</span></div></td>'
            f'<td data-label="{t["usage"]}" class="usage"><div class="cell"><span data-testid="quantities">'
            f'{quantity(total, kind)} / {quantity(used, kind)} / {quantity(total - used, kind)}</span>'
            f'<progress class="usage-bar" max="100" value="{percent_of(used, total)}" aria-hidden="true"></progress></div></td>'
            f'<td data-label="{t["validity"]}" class="validity"><div class="cell">{self.zoned(values["purchased_at"])}'
            f'<div class="hint">{self.to % {"moment": self.zoned(values["expires_at"])}}</div></div></td>'
            f'<td data-label="{t["deadline"]}" class="deadline" data-testid="deadline"><div class="cell">'
            f'{self._deadline_cell(row)}</div></td>'
            f'<td data-label="{t["paid_by"]}" data-testid="payer"><div class="cell">{payer}</div></td>'
            f'<td data-label="{t["operations"]}" class="operations"><div class="cell">{self._operations_cell(row)}</div></td>'
            "</tr>"
        )


def rows_html(view: PackagePage) -> SafeString:
    """The table body's rows; every value in them is escaped by `RowWriter`."""
    if not view.rows:
        return mark_safe("")
    writer = RowWriter(account_id=view.account.pk, now=view.now)
    return mark_safe("".join(writer.row(row) for row in view.rows))
