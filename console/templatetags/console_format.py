"""How the console writes quantities, times and the refund countdown."""

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django import template

from console.core import clock
from console.packages.catalogue import GB_PER_TB, MINUTES_PER_HOUR
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
    hours, rest = divmod(Decimal(minutes), MINUTES_PER_HOUR)
    if not rest:
        return f"{int(hours):,} h"
    if not hours:
        return f"{_number(rest)} min"
    return f"{int(hours):,} h {_number(rest)} min"


def _licence_years(years: Decimal) -> str:
    return f"{_number(years)} licence-year{'' if years == 1 else 's'}"


FORMAT_BY_UNIT = {"GB": _traffic, "minute": _duration, "licence-year": _licence_years}


@register.filter
def quantity(value: Decimal, kind: str) -> str:
    """A package amount (stored in its kind's unit) in the unit people read it in."""
    return FORMAT_BY_UNIT[UNIT_BY_KIND[kind]](value)


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


@register.filter
def zoned(moment: datetime | None) -> str:
    """A moment in the billing zone, with the zone spelt out: 2026-11-26 10:00:00 (UTC+8)."""
    if moment is None:
        return ""
    local = moment.astimezone(clock.billing_zone())
    return f"{local:%Y-%m-%d %H:%M:%S} ({_zone_label(local)})"


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
        return f"{days}d {hours}h left"
    if hours:
        return f"{hours}h {minutes}m left"
    if minutes:
        return f"{minutes}m left"
    return "less than a minute left"
