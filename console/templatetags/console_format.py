"""How the console writes quantities, times and the refund countdown."""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.translation import gettext, ngettext

from console.accounts.models import BillingMode
from console.billing.modes import REFUSAL_MESSAGES, Refusal
from console.core import clock
from console.ledger.memos import entry_memo_text
from console.packages.catalogue import GB_PER_TB, MINUTES_PER_HOUR
from console.packages.catalogue import usage_label as _usage_label
from console.packages.models import UNIT_BY_KIND

register = template.Library()

GB_PER_PB = GB_PER_TB * 1000


def _number(value: Decimal) -> str:
    """At most two decimals, thousands separators, no trailing zeros: 1,234.5 not 1234.50."""
    text = f"{Decimal(value).quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f}"
    return text.rstrip("0").rstrip(".")


def _traffic(gb: Decimal) -> str:
    # Decimal units, as the price list uses them: 1 TB = 1000 GB.
    if gb >= GB_PER_PB:
        return f"{_number(gb / GB_PER_PB)} PB"
    if gb >= GB_PER_TB:
        return f"{_number(gb / GB_PER_TB)} TB"
    return f"{_number(gb)} GB"


def _duration(minutes: Decimal) -> str:
    # Units in the reader's language: "h"/"min", "小时"/"分钟".
    hours, rest = divmod(Decimal(minutes), MINUTES_PER_HOUR)
    if not rest:
        return gettext("%(hours)s h") % {"hours": f"{int(hours):,}"}
    if not hours:
        return gettext("%(minutes)s min") % {"minutes": _number(rest)}
    return gettext("%(hours)s h %(minutes)s min") % {"hours": f"{int(hours):,}", "minutes": _number(rest)}


def _licence_years(years: Decimal) -> str:
    # A licence runs for a term: "1 year", "1 年" (the kind beside it already says licence).
    count = 1 if years == 1 else 2
    return ngettext("%(years)s year", "%(years)s years", count) % {"years": _number(years)}


FORMAT_BY_UNIT = {"GB": _traffic, "minute": _duration, "licence-year": _licence_years}


@register.filter
def quantity(value: Decimal, kind: str) -> str:
    """A package amount (stored in its kind's unit) in the unit people read it in."""
    return FORMAT_BY_UNIT[UNIT_BY_KIND[kind]](value)


def quantity_writer() -> Callable[[Decimal, str], str]:
    """`quantity` for many amounts in the active language, each distinct amount written once: a
    table's totals are a handful of package sizes."""
    written: dict[tuple[Decimal, str], str] = {}

    def write(value: Decimal, kind: str) -> str:
        text = written.get((value, kind))
        if text is None:
            text = written[value, kind] = quantity(value, kind)
        return text

    return write


@register.simple_tag
def reminder_text(notification, account) -> tuple[str, str]:
    """A message-center message's (subject, body) in the reader's language: a receipt or a ticket
    outcome as it was written in that language, a reminder written again from what triggered it;
    the stored copy is in the console's default language."""
    from django.conf import settings
    from django.utils.translation import get_language

    from console.notifications.services import reminder_text as write

    if notification.texts:
        subject, body = notification.texts.get(get_language(), (notification.subject, notification.body))
        return subject, body
    if get_language() == settings.LANGUAGE_CODE or account is None:
        return notification.subject, notification.body
    return write(kind=notification.kind, day=notification.day, account=account, packages=notification.packages)


@register.filter
def ledger_memo(entry) -> str:
    """A ledger entry's memo in the reader's language (console.ledger.memos)."""
    return entry_memo_text(entry)


@register.filter
def usage_label(label: str) -> str:
    """A deduction's stored usage label ("LVB Chinese mainland") in the reader's language."""
    return _usage_label(label)


@register.filter
def percent_of(part: Decimal, whole: Decimal) -> int:
    if not whole:
        return 0
    return min(100, int(part * 100 / whole))


def _zone_label(moment: datetime) -> str:
    minutes = int(moment.utcoffset().total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zoned_writer() -> Callable[[datetime | None], str]:
    """`zoned` for many moments in the active language: the pattern is translated once and each
    zone label worked out once (the package table writes three or four moments per row)."""
    zone = clock.billing_zone()
    # Translators: a date and time with its zone, "2026-11-26 10:00:00 (UTC+8)".
    pattern = gettext("%(datetime)s (%(zone)s)")
    labels: dict[timedelta, str] = {}

    def write(moment: datetime | None) -> str:
        if moment is None:
            return ""
        local = moment.astimezone(zone)
        offset = local.utcoffset()
        label = labels.get(offset)
        if label is None:
            label = labels[offset] = _zone_label(local)
        # isoformat is C and several times faster than strftime: "2026-11-26 10:00:00+08:00"[:19].
        return pattern % {"datetime": local.isoformat(" ", "seconds")[:19], "zone": label}

    return write


@register.filter
def zoned(moment: datetime | None) -> str:
    """A moment in the billing zone, with the zone spelt out: 2026-11-26 10:00:00 (UTC+8), in
    Chinese 2026-11-26 10:00:00（UTC+8）. The one way a moment is written, in pages and messages."""
    return zoned_writer()(moment)


@register.filter
def zoned_day(day: date | None) -> str:
    """A billing day with its zone, as `zoned` writes a moment: 2026-12-09 (UTC+8), in Chinese
    2026-12-09（UTC+8）."""
    if day is None:
        return ""
    start = datetime.combine(day, datetime.min.time(), tzinfo=clock.billing_zone())
    return gettext("%(datetime)s (%(zone)s)") % {"datetime": day.isoformat(), "zone": _zone_label(start)}


@register.filter
def billing_mode_name(mode: str) -> str:
    """A billing mode's name in the active language."""
    return str(BillingMode(mode).label)


@register.filter
def billing_mode_refusal(refusal: str) -> str:
    """Why a billing-mode change cannot be asked now, in the active language."""
    return str(REFUSAL_MESSAGES[Refusal(refusal)])


@register.simple_tag
def billing_zone_label() -> str:
    """The billing zone as `zoned` names it, "UTC+8", for a sentence that names a time of day."""
    return _zone_label(clock.now().astimezone(clock.billing_zone()))


@register.simple_tag
def countdown_words() -> dict[str, str]:
    """The `countdown` filter's words, for the script that ticks the countdowns in the browser
    (static/pages/packages.js fills in the numbers)."""
    return {
        "days": gettext("%(days)sd %(hours)sh left"),
        "hours": gettext("%(hours)sh %(minutes)sm left"),
        "minutes": gettext("%(minutes)sm left"),
        "less_than_a_minute": gettext("less than a minute left"),
    }


@register.filter
def countdown(deadline: datetime, now: datetime) -> str:
    """Time left until `deadline`, coarse enough to read at a glance: "2d 13h left"."""
    left = deadline - now
    if left <= timedelta(0):
        return ""
    hours, seconds = divmod(int(left.total_seconds()), 3600)
    days, hours = divmod(hours, 24)
    minutes = seconds // 60
    if days:
        return gettext("%(days)sd %(hours)sh left") % {"days": days, "hours": hours}
    if hours:
        return gettext("%(hours)sh %(minutes)sm left") % {"hours": hours, "minutes": minutes}
    if minutes:
        return gettext("%(minutes)sm left") % {"minutes": minutes}
    return gettext("less than a minute left")
