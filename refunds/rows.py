"""The package table's rows as HTML, drawn in Python.

Measured (tests/benchmarks/test_bench_package_page.py, docs/benchmarks-refunds.md): drawing a row
with the Django template language cost about 0.5 ms (some 35 variable lookups, two `{% url %}`
reversals, filters), so a 100-row page spent most of its time in the template. Here each row is one
f-string over values computed once: the URLs are reversed once per page, the times formatted once
per value, every text escaped once. A row costs a few tens of microseconds. The table around the
rows stays in `templates/refunds/package_list.html`; the markup below follows its columns.

Everything a person reads comes from the row's status and the policy's verdict: the reason text
is the first of the verdict's reasons (`SHORT_REASONS`), and the refund dialog lists them all.
"""

from dataclasses import dataclass
from datetime import datetime
from html import escape
from urllib.parse import quote

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from console.packages.models import TYPE_LABEL_BY_KIND
from console.templatetags.console_format import countdown, percent_of, quantity, zoned
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


# The rows' fixed words, looked up once per language rather than once per row; each is escaped
# here, once (the translations are ours, but a translator's "&" must not break the markup).
_TEXTS: dict[str, dict[str, str]] = {}


def _texts() -> dict[str, str]:
    language = get_language() or ""
    texts = _TEXTS.get(language)
    if texts is None:
        texts = _TEXTS[language] = {
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
    return texts


def _until(moment: str) -> str:
    # Translators: under the refund countdown, "until 2026-12-01 23:59:59 (UTC+8)".
    return escape(gettext("until %(moment)s") % {"moment": moment})


def _to(moment: str) -> str:
    # Translators: under the purchase time, the expiry: "to 2027-11-26 10:00:00 (UTC+8)".
    return escape(gettext("to %(moment)s") % {"moment": moment})


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


@dataclass(frozen=True)
class RowUrls:
    """Every URL a row links to, reversed once per page."""

    detail: str
    dialog: str
    ticket: str

    @classmethod
    def build(cls) -> "RowUrls":
        return cls(
            detail=reverse("package_detail", args=[f"x{_PLACEHOLDER}"]),
            dialog=reverse("refund_dialog", args=[_PLACEHOLDER]),
            ticket=reverse("tickets:submit") + "?product=css&amp;issue_type=other&amp;package=",
        )

    def detail_of(self, code: str) -> str:
        return self.detail.replace(f"x{_PLACEHOLDER}", quote(code, safe=""))

    def dialog_of(self, pk: int) -> str:
        return self.dialog.replace(str(_PLACEHOLDER), str(pk))


def _deadline_cell(row: PackageRow, now: datetime) -> str:
    values, verdict = row.values, row.verdict
    t = _texts()
    if values["refunded_at"] is not None:
        return f'<span class="muted">{t["refunded"]}</span><div class="hint">{zoned(values["refunded_at"])}</div>'
    if verdict.never:
        # Nothing to wait for, so no countdown: the reason is in the Operations column.
        return f'<span class="muted">{t["not_refundable"]}</span>'
    if verdict.window_open:
        return (
            f'<strong class="countdown" data-deadline="{_iso(verdict.deadline)}">{countdown(verdict.deadline, now)}</strong>'
            f'<div class="hint" data-moment="{zoned(verdict.deadline)}">{_until(zoned(verdict.deadline))}</div>'
        )
    return f'<span class="muted">{t["closed"]}</span><div class="hint">{zoned(verdict.deadline)}</div>'


def _operations_cell(row: PackageRow, urls: RowUrls) -> str:
    values, verdict = row.values, row.verdict
    t = _texts()
    pk = values["pk"]
    dialog = urls.dialog_of(pk)
    if verdict.eligible:
        # `shown` tells the dialog what this row said: if the server disagrees (a refund in another
        # tab, the window just closed), the dialog explains and the table redraws itself.
        return (
            f'<a class="btn btn-small btn-refund" href="{dialog}?shown=eligible" hx-get="{dialog}?shown=eligible"'
            ' hx-target="body" hx-swap="beforeend" hx-sync="this:drop" aria-haspopup="dialog"'
            f' data-testid="refund">{t["refund"]}</a>'
        )
    why = escape(short_reason(verdict.reasons))
    parts = [
        # Not disabled: it opens the full explanation, every reason, and the way on where there is one.
        f'<a class="btn btn-small btn-unavailable" href="{dialog}" hx-get="{dialog}" hx-target="body"'
        f' hx-swap="beforeend" hx-sync="this:drop" aria-haspopup="dialog" aria-describedby="refund-why-{pk}"'
        f' data-testid="refund">{t["refund"]}</a>',
        f'<div class="why" id="refund-why-{pk}" data-testid="refund-why">{why}</div>',
    ]
    if verdict.ticket_is_the_way:
        parts.append(
            f'<a class="ticket-link" href="{urls.ticket}{quote(values["code"], safe="")}"'
            f' data-testid="refund-ticket">{t["ticket"]}</a>'
        )
    return "".join(parts)


def row_html(row: PackageRow, *, urls: RowUrls, account_id: int, now: datetime) -> str:
    values = row.values
    t = _texts()
    kind = values["kind"]
    code = escape(values["code"])
    total, used = values["total"], values["used"]
    if values["payer_id"] == account_id:
        payer = f'<span class="muted">{t["this_account"]}</span>'
    else:
        payer = f'{escape(values["payer__name"])}<div class="hint">UIN {values["payer__uin"]}</div>'
    status = row.status
    return (
        f'<tr id="package-{values["pk"]}" data-testid="package-row" data-code="{code}">'
        f'<td data-label="{t["package"]}" class="package"><div class="cell"><a href="{urls.detail_of(values["code"])}">{code}</a>'
        f'<div class="package-type" data-testid="package-type">{TYPE_LABEL_BY_KIND[kind]}'
        f' · {escape(gettext(values["spec__name"]))}</div></div></td>'
        f'<td data-label="{t["status"]}"><div class="cell"><span class="badge badge-{status.value}" data-testid="status">'
        f'{status.label}</span></div></td>'
        f'<td data-label="{t["usage"]}" class="usage"><div class="cell"><span data-testid="quantities">'
        f'{quantity(total, kind)} / {quantity(used, kind)} / {quantity(total - used, kind)}</span>'
        f'<progress class="usage-bar" max="100" value="{percent_of(used, total)}" aria-hidden="true"></progress></div></td>'
        f'<td data-label="{t["validity"]}" class="validity"><div class="cell">{zoned(values["purchased_at"])}'
        f'<div class="hint">{_to(zoned(values["expires_at"]))}</div></div></td>'
        f'<td data-label="{t["deadline"]}" class="deadline" data-testid="deadline"><div class="cell">'
        f'{_deadline_cell(row, now)}</div></td>'
        f'<td data-label="{t["paid_by"]}" data-testid="payer"><div class="cell">{payer}</div></td>'
        f'<td data-label="{t["operations"]}" class="operations"><div class="cell">{_operations_cell(row, urls)}</div></td>'
        "</tr>"
    )


def rows_html(view: PackagePage) -> SafeString:
    """The table body's rows; every value in them is escaped above."""
    urls = RowUrls.build()
    account_id, now = view.account.pk, view.now
    return mark_safe("".join(row_html(row, urls=urls, account_id=account_id, now=now) for row in view.rows))
